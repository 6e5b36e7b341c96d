import type { ConnectorConfig } from "./config.ts";
import type { ConfluenceUser } from "./model.ts";

/**
 * Confluence user → the value the connector looks up in Entra ID. `aad`: the email is the UPN
 * (trimmed, compared case-insensitively). `nonAad`: Microsoft's regex + `{n}` formula on one
 * source property. A user that cannot be mapped is reported (2006) and never granted anything.
 */
export type IdentityRule = ConnectorConfig["identity"];

export type MappedIdentity =
  | { ok: true; kind: "upn" | "objectId"; value: string }
  | { ok: false; reason: "hidden-email" | "no-match" | "empty-result" | "inactive-account" };

export function mapIdentity(rule: IdentityRule, user: ConfluenceUser): MappedIdentity {
  // A deactivated Atlassian account cannot use Confluence: map it to nobody (fail closed).
  if (user.active === false) return { ok: false, reason: "inactive-account" };
  if (rule.source === "aad") {
    const email = user.email.trim().toLowerCase();
    if (!email) return { ok: false, reason: "hidden-email" };
    return { ok: true, kind: "upn", value: email };
  }
  const source = (user[rule.property] ?? "").trim();
  if (!source) return { ok: false, reason: rule.property === "email" ? "hidden-email" : "empty-result" };
  const match = new RegExp(rule.pattern).exec(source);
  if (!match) return { ok: false, reason: "no-match" };
  const value = applyFormula(rule.formula, match).trim();
  if (!value) return { ok: false, reason: "empty-result" };
  return rule.target === "upn"
    ? { ok: true, kind: "upn", value: value.toLowerCase() }
    : { ok: true, kind: "objectId", value };
}

/** `{0}` is the first capture group (Microsoft's formula numbering); no groups ⇒ `{0}` = whole match. */
export function applyFormula(formula: string, match: RegExpExecArray): string {
  const groups = match.length > 1 ? match.slice(1) : [match[0]];
  return formula.replace(/\{(\d+)\}/g, (_, n: string) => groups[Number(n)] ?? "");
}
