import type { Content, User } from "../../simulators/confluence/model.ts";
import { AccessEvaluator, type Reason } from "../../simulators/confluence/permissions.ts";
import type { ConfluenceStore } from "../../simulators/confluence/store.ts";
import type { DirectoryUser } from "../../simulators/directory/model.ts";
import type { World } from "../../simulators/world.ts";
import {
  accountOfPerson,
  documentedMapping,
  emailMatch,
  type IdentityRule,
  type MatchedBy,
  mappingReaches,
  nonAadTarget,
  type UnmappedCause,
} from "./identity.ts";

/** The truth side of the oracle: who a directory user is in Confluence, and what they can view there. */

/**
 * The Confluence account of the same person (identity.ts): the account whose real email — also
 * when hidden from the API — is the UPN, the Entra mail or a guest UPN's home address; failing
 * that, with a non-AAD rule, the one the rule maps to this user (the oracle's own reading of it,
 * on the account's real property value).
 */
export function personAccount(
  world: World,
  user: DirectoryUser,
  rule?: IdentityRule,
): PersonAccount | undefined {
  const answers = answersNow(world.confluence.store, rule);
  const kept = answers.get(user);
  // The user's own addresses may change too (a directory step): the answer is for the ones it had.
  if (kept?.upn === user.userPrincipalName && kept.mail === user.mail) return kept.answer;
  const answer = findPersonAccount(world, user, rule);
  answers.set(user, { upn: user.userPrincipalName, mail: user.mail, answer });
  return answer;
}

type PersonAccount = { account: User; by: MatchedBy | "nonAad" };

/**
 * personAccount's answers for the store's current revision, per rule. A permission matrix asks for
 * every user × item, and each cell's explain for every other user too; each search compares every
 * account. Accounts change only with the store's revision, so the answers are kept until it moves.
 */
const answerCache = new WeakMap<
  ConfluenceStore,
  { revision: number; byRule: Map<IdentityRule | undefined, WeakMap<DirectoryUser, KeptAnswer>> }
>();

interface KeptAnswer {
  upn: string;
  mail: DirectoryUser["mail"];
  answer: PersonAccount | undefined;
}

function answersNow(store: ConfluenceStore, rule: IdentityRule | undefined) {
  let entry = answerCache.get(store);
  if (entry?.revision !== store.revision) {
    entry = { revision: store.revision, byRule: new Map() };
    answerCache.set(store, entry);
  }
  let answers = entry.byRule.get(rule);
  if (!answers) {
    answers = new WeakMap();
    entry.byRule.set(rule, answers);
  }
  return answers;
}

function findPersonAccount(
  world: World,
  user: DirectoryUser,
  rule?: IdentityRule,
): PersonAccount | undefined {
  const accounts = [...world.confluence.store.users.values()];
  const byEmail = accountOfPerson(accounts, user);
  if (byEmail || rule?.source !== "nonAad") return byEmail;
  const account = accounts.find((u) => {
    const value = nonAadTarget(rule, u[rule.property]);
    if (value === undefined) return false;
    return rule.target === "objectId"
      ? value.toLowerCase() === user.id.toLowerCase()
      : emailMatch(value, user) !== undefined;
  });
  return account && { account, by: "nonAad" };
}

/** personAccount's account. */
export function confluenceAccountOf(
  world: World,
  user: DirectoryUser,
  rule?: IdentityRule,
): User | undefined {
  return personAccount(world, user, rule)?.account;
}

export interface Truth {
  allowed: boolean;
  account?: User;
  /** How the account was matched to the person. */
  matchedBy?: MatchedBy | "nonAad";
  /** Anonymous users can view the content: the person's identity does not matter. */
  anonymous: boolean;
  reasons: Reason[];
}

/** Can this person view the content in Confluence (as themself, or anonymously)? */
export function truthFor(world: World, user: DirectoryUser, content: Content, rule?: IdentityRule): Truth {
  const { store } = world.confluence;
  if (content.status !== "current" && content.status !== "archived") {
    return {
      allowed: false,
      anonymous: false,
      reasons: [{ check: "site", ok: false, detail: `the content is ${content.status}` }],
    };
  }
  const person = personAccount(world, user, rule);
  const account = person?.account;
  const matchedBy = person?.by;
  const own = account
    ? new AccessEvaluator(store, { type: "user", accountId: account.accountId }).explain(content)
    : undefined;
  const anonymousEvaluator = new AccessEvaluator(store, { type: "anonymous" });
  if (own?.allowed)
    return {
      allowed: true,
      account,
      matchedBy,
      anonymous: anonymousEvaluator.canView(content),
      reasons: own.reasons,
    };
  const anon = anonymousEvaluator.explain(content);
  if (anon.allowed) return { allowed: true, account, matchedBy, anonymous: true, reasons: anon.reasons };
  const reasons = own?.reasons ?? [
    {
      check: "site",
      ok: false,
      detail: `no Confluence account has email ${user.userPrincipalName}${rule?.source === "nonAad" ? " or maps to it by the non-AAD rule" : ""}`,
    } as Reason,
    ...anon.reasons,
  ];
  return { allowed: false, account, matchedBy, anonymous: false, reasons };
}

/** Why a correct connector's mapping does not reach this person (docs/identity-matching.md). */
export type IdentityGap = UnmappedCause | "noAccount" | "emailNotUpn";

export type ExpectedIdentity = { ok: true; detail: string } | { ok: false; gap: IdentityGap; detail: string };

/**
 * What a correct connector makes of this person's Confluence account under the rule (Microsoft's
 * documented mapping, identity.ts): whether it reaches this Entra user, and if not, why.
 */
export function expectedIdentity(
  rule: IdentityRule | undefined,
  user: DirectoryUser,
  account: User | undefined,
): ExpectedIdentity {
  if (!account) return { ok: false, gap: "noAccount", detail: "no Confluence account for this person" };
  const mapped = documentedMapping(rule, account);
  if (!mapped.ok) return { ok: false, gap: mapped.cause, detail: UNMAPPED_TEXT[mapped.cause](rule, account) };
  const shown = mapped.target === "upn" ? mapped.value : `object id ${mapped.value}`;
  if (!mappingReaches(mapped, user))
    return { ok: false, gap: "emailNotUpn", detail: `maps to ${shown}, not ${user.userPrincipalName}` };
  return { ok: true, detail: `maps to ${shown} (this user)` };
}

const UNMAPPED_TEXT: Record<UnmappedCause, (rule: IdentityRule | undefined, account: User) => string> = {
  hiddenEmail: (_, a) => `the email of ${a.displayName} is hidden from the API, so no connector can read it`,
  inactiveAccount: (_, a) => `the Confluence account of ${a.displayName} is deactivated`,
  nonAadNoMatch: (rule, a) =>
    rule?.source === "nonAad"
      ? `the non-AAD pattern does not match ${rule.property} "${a[rule.property]}"`
      : "the non-AAD pattern does not match",
  nonAadEmpty: (rule) => `the ${rule?.source === "nonAad" ? rule.property : "source property"} is empty`,
};
