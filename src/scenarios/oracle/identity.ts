import type { ConnectorConfig } from "../../connector/config.ts";

/**
 * Identity matching, in one place: how a Confluence account meets an Entra user. The oracle's truth
 * (who is the same person), its model of a correct connector (Microsoft's documented mapping) and
 * scenario user references all use these rules; docs/identity-matching.md gives them with sources.
 * The connector keeps its own mapping (src/connector/identity.ts): the oracle judges it, so it must
 * not share its code. Pure functions over plain shapes, usable on site and directory files too.
 */

export type IdentityRule = ConnectorConfig["identity"];

/**
 * An email or UPN as a comparison key: surrounding whitespace dropped, Unicode NFC (canonical
 * equivalence only, as RFC 6532 §3.1 recommends for addresses; NFKC would fold look-alikes such as
 * full-width letters onto ASCII addresses), lower case. Plus tags are kept: `alice+wiki@x` is
 * another address (and can never be a UPN: Entra does not allow `+` in one).
 */
export function addressKey(value: string): string {
  return value.trim().normalize("NFC").toLowerCase();
}

/** Same address under addressKey; an empty value matches nothing. */
export function sameAddress(a: string, b: string): boolean {
  const key = addressKey(a);
  return key !== "" && key === addressKey(b);
}

/**
 * The home address a B2B guest's UPN encodes (`gina_partner.io#EXT#@contoso.onmicrosoft.com` →
 * `gina@partner.io`): Entra replaces the `@` with `_`; domains have no `_`, so the last one is it.
 */
export function guestHomeAddress(upn: string): string | undefined {
  const m = /^(.+)_([^_@]+)#EXT#@[^@]+$/i.exec(upn.trim());
  return m ? `${m[1]}@${m[2]}` : undefined;
}

/** How a Confluence email matched an Entra user, strongest first. */
export type MatchedBy = "upn" | "mail" | "guestUpn";
const STRENGTH: MatchedBy[] = ["upn", "mail", "guestUpn"];

/** The Entra side of a match (a directory user, or a directory file's user once mapped). */
export interface EntraAddresses {
  userPrincipalName: string;
  mail?: string | null;
}

/** The Confluence side: the real email (also when the profile hides it) and whether the account is active. */
export interface ConfluenceEmail {
  email: string;
  active?: boolean;
}

/** How this email is this Entra user's: the UPN, the mail, or the home address a guest UPN encodes. */
export function emailMatch(email: string, user: EntraAddresses): MatchedBy | undefined {
  if (sameAddress(email, user.userPrincipalName)) return "upn";
  if (user.mail && sameAddress(email, user.mail)) return "mail";
  const home = guestHomeAddress(user.userPrincipalName);
  if (home && sameAddress(email, home)) return "guestUpn";
  return undefined;
}

/**
 * The Confluence account of the same person as this Entra user: the strongest match (UPN, then
 * mail, then a guest UPN's home address), an active account before a deactivated one, then the
 * first. Atlassian allows one account per email, so ties only come from hand-made sites.
 */
export function accountOfPerson<A extends ConfluenceEmail>(
  accounts: Iterable<A>,
  user: EntraAddresses,
): { account: A; by: MatchedBy } | undefined {
  let best: { account: A; by: MatchedBy; rank: number } | undefined;
  for (const account of accounts) {
    const by = emailMatch(account.email, user);
    if (!by) continue;
    const rank = STRENGTH.indexOf(by) * 2 + (account.active === false ? 1 : 0);
    if (!best || rank < best.rank) best = { account, by, rank };
  }
  return best && { account: best.account, by: best.by };
}

/** The reverse: the Entra user a Confluence email belongs to (same preference order). */
export function personOfEmail<U extends EntraAddresses>(
  users: Iterable<U>,
  email: string,
): { user: U; by: MatchedBy } | undefined {
  let best: { user: U; by: MatchedBy } | undefined;
  for (const user of users) {
    const by = emailMatch(email, user);
    if (by && (!best || STRENGTH.indexOf(by) < STRENGTH.indexOf(best.by))) best = { user, by };
  }
  return best;
}

/** What the oracle reads off a Confluence account for the documented mapping. */
export interface MappableAccount extends ConfluenceEmail {
  accountId: string;
  displayName: string;
  publicName: string;
  /** False when the profile hides the email: the API returns `""`, so no connector can read it. */
  emailVisible: boolean;
}

/** Why a correct connector cannot map an account (documented limitations, docs/identity-matching.md). */
export type UnmappedCause = "hiddenEmail" | "inactiveAccount" | "nonAadNoMatch" | "nonAadEmpty";

export type DocumentedMapping =
  | { ok: true; target: "upn" | "objectId"; value: string }
  | { ok: false; cause: UnmappedCause };

/**
 * What a correct connector maps a Confluence account to under the rule, per Microsoft's documented
 * mapping: `aad` — the email (as the API shows it) is the UPN; `nonAad` — the regex on the
 * property, the formula with `{0}` = capture group 1. A deactivated account maps to nobody (it
 * cannot use Confluence, so failing closed loses nothing).
 */
export function documentedMapping(
  rule: IdentityRule | undefined,
  account: MappableAccount,
): DocumentedMapping {
  if (account.active === false) return { ok: false, cause: "inactiveAccount" };
  const visibleEmail = account.emailVisible ? account.email : "";
  if (!rule || rule.source === "aad") {
    const value = addressKey(visibleEmail);
    return value ? { ok: true, target: "upn", value } : { ok: false, cause: "hiddenEmail" };
  }
  const property = rule.property === "email" ? visibleEmail : account[rule.property];
  if (!property.trim())
    return { ok: false, cause: rule.property === "email" ? "hiddenEmail" : "nonAadEmpty" };
  const value = nonAadTarget(rule, property);
  if (value === undefined) return { ok: false, cause: "nonAadNoMatch" };
  return rule.target === "objectId"
    ? { ok: true, target: "objectId", value }
    : { ok: true, target: "upn", value: addressKey(value) };
}

/** Whether a mapping lands on this Entra user: its UPN (addressKey) or its object id. */
export function mappingReaches(
  mapping: Extract<DocumentedMapping, { ok: true }>,
  user: { id: string; userPrincipalName: string },
): boolean {
  return mapping.target === "upn"
    ? sameAddress(mapping.value, user.userPrincipalName)
    : mapping.value.toLowerCase() === user.id.toLowerCase();
}

/**
 * The oracle's own reading of Microsoft's non-AAD formula (independent of the connector's code):
 * the regex runs on the trimmed property value; `{n}` is capture group n+1, or the whole match when
 * the pattern has no groups; an empty result maps nothing.
 */
export function nonAadTarget(
  rule: Extract<IdentityRule, { source: "nonAad" }>,
  propertyValue: string,
): string | undefined {
  const source = propertyValue.trim();
  const match = source ? new RegExp(rule.pattern).exec(source) : null;
  if (!match) return undefined;
  const groups = match.length > 1 ? match.slice(1) : [match[0]];
  const value = rule.formula.replace(/\{(\d+)\}/g, (_, n: string) => groups[Number(n)] ?? "").trim();
  return value || undefined;
}
