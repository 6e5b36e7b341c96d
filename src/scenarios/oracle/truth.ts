import type { ConnectorConfig } from "../../connector/config.ts";
import { mapIdentity } from "../../connector/identity.ts";
import type { Content, User } from "../../simulators/confluence/model.ts";
import { AccessEvaluator, type Reason } from "../../simulators/confluence/permissions.ts";
import type { DirectoryUser } from "../../simulators/directory/model.ts";
import type { World } from "../../simulators/world.ts";
import type { OracleInput } from "./input.ts";

/** The truth side of the oracle: who a directory user is in Confluence, and what they can view there. */

type IdentityRule = ConnectorConfig["identity"];

/**
 * The Confluence account of the same person: the one whose real email equals the UPN or the Entra
 * mail; failing that, with a non-AAD rule, the one the rule maps to this user (below).
 */
export function confluenceAccountOf(
  world: World,
  user: DirectoryUser,
  rule?: IdentityRule,
): User | undefined {
  const keys = [user.userPrincipalName, user.mail ?? ""].map((k) => k.toLowerCase()).filter(Boolean);
  const accounts = [...world.confluence.store.users.values()];
  const byEmail = accounts.find((u) => keys.includes(u.email.toLowerCase()));
  if (byEmail || rule?.source !== "nonAad") return byEmail;
  return accounts.find((u) => {
    const value = nonAadTarget(rule, u);
    if (value === undefined) return false;
    return rule.target === "objectId"
      ? value.toLowerCase() === user.id.toLowerCase()
      : keys.includes(value.toLowerCase());
  });
}

/**
 * The oracle's own reading of Microsoft's non-AAD mapping (independent of the connector's code):
 * the regex runs on the account's real property value (a hidden email is still the person's
 * email); `{n}` is capture group n+1, or the whole match when the pattern has no groups.
 */
export function nonAadTarget(
  rule: Extract<IdentityRule, { source: "nonAad" }>,
  account: User,
): string | undefined {
  const source = account[rule.property].trim();
  const match = source ? new RegExp(rule.pattern).exec(source) : null;
  if (!match) return undefined;
  const groups = match.length > 1 ? match.slice(1) : [match[0]];
  const value = rule.formula.replace(/\{(\d+)\}/g, (_, n: string) => groups[Number(n)] ?? "").trim();
  return value || undefined;
}

export interface Truth {
  allowed: boolean;
  account?: User;
  reasons: Reason[];
}

/** Can this person view the content in Confluence (as themself, or anonymously)? */
export function truthFor(world: World, user: DirectoryUser, content: Content, rule?: IdentityRule): Truth {
  const { store } = world.confluence;
  if (content.status !== "current" && content.status !== "archived") {
    return {
      allowed: false,
      reasons: [{ check: "site", ok: false, detail: `the content is ${content.status}` }],
    };
  }
  const account = confluenceAccountOf(world, user, rule);
  const own = account
    ? new AccessEvaluator(store, { type: "user", accountId: account.accountId }).explain(content)
    : undefined;
  if (own?.allowed) return { allowed: true, account, reasons: own.reasons };
  const anon = new AccessEvaluator(store, { type: "anonymous" }).explain(content);
  if (anon.allowed) return { allowed: true, account, reasons: anon.reasons };
  const reasons = own?.reasons ?? [
    {
      check: "site",
      ok: false,
      detail: `no Confluence account has email ${user.userPrincipalName}${rule?.source === "nonAad" ? " or maps to it by the non-AAD rule" : ""}`,
    } as Reason,
    ...anon.reasons,
  ];
  return { allowed: false, account, reasons };
}

/** What the connector's identity rule makes of the person's Confluence account. */
export function identityFor(
  input: OracleInput,
  user: DirectoryUser,
  account: User | undefined,
): { ok: boolean; detail: string } {
  if (!account) return { ok: false, detail: "no Confluence account for this person" };
  const rule = input.config?.identity ?? { source: "aad" as const };
  const mapped = mapIdentity(rule, {
    accountId: account.accountId,
    email: account.emailVisible ? account.email : "",
    displayName: account.displayName,
    publicName: account.publicName,
  });
  if (!mapped.ok) return { ok: false, detail: `identity mapping failed (${mapped.reason})` };
  const target = mapped.kind === "upn" ? user.userPrincipalName.toLowerCase() : user.id;
  if (mapped.value.toLowerCase() !== target.toLowerCase())
    return { ok: false, detail: `maps to ${mapped.value}, not ${user.userPrincipalName}` };
  return { ok: true, detail: `maps to ${mapped.value}` };
}
