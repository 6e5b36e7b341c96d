import type { ConnectorConfig } from "../connector/config.ts";
import { mapIdentity } from "../connector/identity.ts";
import { checkCql, compile } from "../simulators/confluence/cql/index.ts";
import type { Content, User } from "../simulators/confluence/model.ts";
import { AccessEvaluator, type Reason } from "../simulators/confluence/permissions.ts";
import type { DirectoryUser } from "../simulators/directory/model.ts";
import type { World } from "../simulators/world.ts";
import { entryRef } from "./expect/notation.ts";

/**
 * The parity oracle: for every enabled directory user × every page and blog post, compare the
 * truth (the Confluence twin's evaluator for the same person) with the index (the Graph twin's
 * access decision on the item, or its absence). Each difference is over- or under-exposure, with
 * the documented limitation that explains it when there is one.
 */

export interface OracleInput {
  world: World;
  connectionId: string;
  /** The built-in connector's settings (policy, identity, CQL filter); undefined for external connectors. */
  config?: Pick<ConnectorConfig, "permissions" | "identity"> & {
    confluence?: Pick<ConnectorConfig["confluence"], "cql">;
  };
  /** Simulated time the last crawl started; undefined before any crawl. */
  lastCrawlAt?: number;
  lastCrawlMode?: "full" | "incremental";
  /** The last crawl stopped with this fatal error; the index keeps what earlier crawls wrote. */
  lastCrawlFailure?: { code: number; message: string };
  /**
   * Each item's ACL (JSON) when the last completed crawl ended. After a failed crawl, a difference
   * is documented only where the index still holds exactly that (kept state); an item the failed
   * crawl deleted, or changed into a wrong ACL, is a finding.
   */
  indexAtLastCompletedCrawl?: ReadonlyMap<string, string>;
  /** Item-level errors the last crawl reported (built-in connector). */
  lastCrawlItemErrors?: { itemId: string; code: number; message: string }[];
  /** Permission changes made after the last full crawl (incremental crawls miss them, by design). */
  permissionChangesSinceFullCrawl: string[];
  /** accountId the connector crawls as: it can only index what this account can view. */
  crawlAccount?: string;
  /** Permission changes made after the last crawl of any kind (not crawled yet). */
  permissionChangesSinceLastCrawl: string[];
}

export interface ParityDifference {
  kind: "overExposed" | "underExposed";
  user: string;
  item: string;
  title: string;
  /** Why, in one line. */
  reason: string;
  /** True when the difference is a documented connector limitation or expected staleness. */
  documented: boolean;
}

export interface ParityReport {
  users: number;
  items: number;
  /** Undocumented differences (connector bugs) by kind. */
  overExposed: number;
  underExposed: number;
  documented: { overExposed: number; underExposed: number };
  differences: ParityDifference[];
  /**
   * Confluence accounts that more than one enabled Entra user is matched to (one by UPN, another
   * by mail): the oracle takes each for the person, so the access one of them gets is never a
   * difference, yet only one of them is that person (S17's "a same-named UPN takes the access").
   */
  sharedAccounts: SharedAccount[];
}

export interface SharedAccount {
  /** The Confluence account's email. */
  account: string;
  /** The Entra users matched to it, each with how: `alice@x (UPN)`, `asmith@y (mail)`. */
  users: string[];
}

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

export function runParity(input: OracleInput): ParityReport {
  const { world } = input;
  const users = [...world.directory.users.values()].filter((u) => u.accountEnabled);
  const contents = [...world.confluence.store.content.values()].filter(
    (c) => c.type === "page" || c.type === "blogpost",
  );
  const differences: ParityDifference[] = [];
  for (const content of contents) {
    for (const user of users) {
      const d = classifyPair(input, user, content);
      if (d) differences.push(d);
    }
  }
  const count = (kind: ParityDifference["kind"], documented: boolean) =>
    differences.filter((d) => d.kind === kind && d.documented === documented).length;
  return {
    users: users.length,
    items: contents.length,
    overExposed: count("overExposed", false),
    underExposed: count("underExposed", false),
    documented: { overExposed: count("overExposed", true), underExposed: count("underExposed", true) },
    differences,
    sharedAccounts: sharedAccounts(input, users),
  };
}

/** Confluence accounts claimed by several Entra users (see ParityReport.sharedAccounts). */
function sharedAccounts(input: OracleInput, users: DirectoryUser[]): SharedAccount[] {
  const claims = new Map<string, string[]>();
  for (const user of users) {
    const account = confluenceAccountOf(input.world, user, input.config?.identity);
    if (!account) continue;
    const how = account.email.toLowerCase() === user.userPrincipalName.toLowerCase() ? "UPN" : "mail";
    claims.set(account.email, [...(claims.get(account.email) ?? []), `${user.userPrincipalName} (${how})`]);
  }
  return [...claims]
    .filter(([, claimants]) => claimants.length > 1)
    .map(([account, claimants]) => ({ account, users: claimants }));
}

/** The difference for one person × content, or undefined when truth and index agree. */
export function classifyPair(
  input: OracleInput,
  user: DirectoryUser,
  content: Content,
): ParityDifference | undefined {
  const { world, connectionId } = input;
  const indexed = world.graph.connection(connectionId)?.items.has(content.id) ?? false;
  const truth = truthFor(world, user, content, input.config?.identity);
  const granted = indexed && world.graph.canAccess(user.id, connectionId, content.id);
  if (truth.allowed === granted) return undefined;
  const kind = granted ? "overExposed" : "underExposed";
  const { reason, documented } =
    kind === "overExposed"
      ? classifyOver(input, truth, content)
      : classifyUnder(input, user, truth, content, indexed);
  return { kind, user: user.userPrincipalName, item: content.id, title: content.title, reason, documented };
}

function classifyOver(
  input: OracleInput,
  truth: Truth,
  content: Content,
): { reason: string; documented: boolean } {
  if (input.config?.permissions.mode === "everyone")
    return { reason: "the connector is configured with permissions: everyone", documented: true };
  const stale = staleness(input, content);
  if (stale) return { reason: stale, documented: true };
  const denied = truth.reasons.find((r) => !r.ok);
  if (
    input.config?.permissions.policy === "documented" &&
    denied?.check === "restriction" &&
    denied.contentId !== content.id
  ) {
    return {
      reason: `parent restrictions ignored (documented policy): ${denied.detail}`,
      documented: true,
    };
  }
  if (input.config?.permissions.policy === "documented" && denied?.check === "space") {
    const own = content.restrictions.read;
    if (own && (own.users.length > 0 || own.groups.length > 0) && truth.account) {
      const evaluator = new AccessEvaluator(input.world.confluence.store, {
        type: "user",
        accountId: truth.account.accountId,
      });
      const admitted =
        own.users.includes(truth.account.accountId) || own.groups.some((g) => evaluator.groupIds.has(g));
      if (admitted)
        return {
          reason: `page restrictions take precedence over space permissions (documented policy): ${denied.detail}`,
          documented: true,
        };
    }
  }
  if (input.config?.permissions.policy === "documented" && anonymousSpaceIgnoringSite(input, content)) {
    return {
      reason:
        "anonymous space shown to everyone (documented policy: Microsoft's rule names the space's anonymous access, not the site switch, C-5)",
      documented: true,
    };
  }
  const acl = input.world.graph.connection(input.connectionId)?.items.get(content.id)?.acl ?? [];
  const kept = keptAfterFailure(input, content.id, acl);
  if (kept) return kept;
  return { reason: `Confluence denies: ${denied?.detail ?? "no access"}`, documented: false };
}

/** The item's space grants anonymous view while the site-wide anonymous switch is off. */
function anonymousSpaceIgnoringSite(input: OracleInput, content: Content): boolean {
  const { store } = input.world.confluence;
  if (store.site.anonymousAccess) return false;
  const space = store.spaces.get(content.spaceId);
  return (
    space?.permissions.some(
      (p) =>
        p.principal.type === "anonymous" && p.operation.key === "read" && p.operation.targetType === "space",
    ) ?? false
  );
}

function classifyUnder(
  input: OracleInput,
  user: DirectoryUser,
  truth: Truth,
  content: Content,
  indexed: boolean,
): { reason: string; documented: boolean } {
  if (input.lastCrawlAt === undefined) return { reason: "no crawl has run yet", documented: true };
  const stale = staleness(input, content);
  if (stale) return { reason: stale, documented: true };
  if (!indexed && input.crawlAccount) {
    const crawler = new AccessEvaluator(input.world.confluence.store, {
      type: "user",
      accountId: input.crawlAccount,
    });
    if (!crawler.canView(content))
      return {
        reason: "the crawl account cannot view this content, so it cannot be indexed",
        documented: true,
      };
  }
  if (!indexed && content.status === "archived")
    return { reason: "archived content is not indexed", documented: true };
  const cql = input.config?.confluence?.cql;
  if (!indexed && cql && excludedByCql(input, cql, content))
    return { reason: `excluded by the CQL filter ${cql}`, documented: true };
  const conn = input.world.graph.connection(input.connectionId);
  if (!indexed && conn && input.world.graph.itemsRemaining(conn) === 0)
    return { reason: "the item quota is reached (limitExceeded): Graph refuses new items", documented: true };
  // Refused at the quota during the last crawl, even if a later delete in that crawl made room.
  const refused = input.lastCrawlItemErrors?.find(
    (e) => e.itemId === content.id && (e.code === 1008 || e.code === 1009),
  );
  if (!indexed && refused)
    return {
      reason: `Graph refused the item at the item quota in the last crawl (${refused.code})`,
      documented: true,
    };
  // An item missing after a failed crawl: documented when it was not indexed before either.
  if (!indexed && input.lastCrawlFailure) {
    if (input.indexAtLastCompletedCrawl?.has(content.id))
      return {
        reason: `deleted by the last crawl, which failed (${input.lastCrawlFailure.code}): a failed crawl must keep the index`,
        documented: false,
      };
    return { reason: `the last crawl failed (${input.lastCrawlFailure.code})`, documented: true };
  }
  const viaAnonymous = truth.reasons.some((r) => r.check === "space" && r.detail.includes("anonymous"));
  const permissions = input.config?.permissions;
  if (viaAnonymous && user.userType === "Guest" && permissions?.anonymousAs === "everyoneExceptGuests")
    return {
      reason: "anonymous content is kept from tenant guests (anonymousAs: everyoneExceptGuests)",
      documented: true,
    };
  if (
    permissions?.policy === "documented" &&
    permissions.documentedSpacePermissions === "ignored" &&
    !viaAnonymous &&
    // Parents are ignored under the documented policy: only the page's own restriction counts.
    !content.restrictions.read
  )
    return {
      reason: "space permissions are not honored (documented policy, literal reading C-1)",
      documented: true,
    };
  if (!viaAnonymous) {
    const identity = identityFor(input, user, truth.account);
    if (!identity.ok) return { reason: `unmappable identity: ${identity.detail}`, documented: true };
  }
  if (!indexed) return { reason: "the item is not in the index", documented: false };
  const acl = input.world.graph.connection(input.connectionId)?.items.get(content.id)?.acl ?? [];
  const kept = keptAfterFailure(input, content.id, acl);
  if (kept) return kept;
  // Graph does not index an external group above its member limit: the connector writes it
  // empty and reports 2008, so the group grants nobody (documented).
  const oversized = acl
    .filter((e) => e.type === "externalGroup" && e.accessType === "grant")
    .map((e) => input.lastCrawlItemErrors?.find((x) => x.code === 2008 && x.itemId === `group:${e.value}`))
    .find((x) => x !== undefined);
  if (oversized)
    return {
      reason: `an external group in the ACL is over Graph's member limit and grants nobody (2008): ${oversized.message.replace(/^\[2008\] /, "")}`,
      documented: true,
    };
  const decision = input.world.graph.explainAccess(user.id, input.connectionId, content.id);
  const denies = decision.denies.map((e) => entryRef(input.world, e));
  const written = acl.map((e) => `${e.accessType === "deny" ? "deny " : ""}${entryRef(input.world, e)}`);
  return {
    reason: denies.length
      ? `denied by ${denies.join(", ")}`
      : `no ACL entry grants this user (ACL: ${written.join(", ") || "empty"})`,
    documented: false,
  };
}

/**
 * Expected staleness after a failed crawl: the index keeps what the last completed crawl wrote.
 * An ACL the failed crawl itself changed gets no such excuse.
 */
function keptAfterFailure(
  input: OracleInput,
  itemId: string,
  acl: unknown[],
): { reason: string; documented: boolean } | undefined {
  const failure = input.lastCrawlFailure;
  if (!failure) return undefined;
  const before = input.indexAtLastCompletedCrawl?.get(itemId);
  if (before !== undefined && before !== JSON.stringify(acl))
    return {
      reason: `the last crawl failed (${failure.code}) after rewriting this item's ACL, which differs from Confluence`,
      documented: false,
    };
  return {
    reason: `the last crawl failed (${failure.code}); the index keeps the previous state`,
    documented: true,
  };
}

/** Documented staleness: incremental crawls skip permission changes and deletions. */
function staleness(input: OracleInput, content: Content): string | undefined {
  if (input.lastCrawlAt !== undefined && content.version.createdAt > input.lastCrawlAt)
    return "changed after the last crawl";
  if (input.permissionChangesSinceLastCrawl.length > 0)
    return `not crawled since: ${input.permissionChangesSinceLastCrawl.join("; ")}`;
  if (input.lastCrawlMode !== "incremental") return undefined;
  if (content.status === "trashed" || content.status === "deleted")
    return "incremental crawls do not detect deletions (documented)";
  if (input.permissionChangesSinceFullCrawl.length > 0)
    return `incremental crawls skip permission changes (documented): ${input.permissionChangesSinceFullCrawl.join("; ")}`;
  return undefined;
}

/**
 * Does the connector's CQL filter leave this content out? Evaluated with the Confluence twin's CQL
 * evaluator as of the last crawl (relative dates), `currentUser()` being the crawl account. A filter
 * the twin rejects excludes nothing here (the crawl itself reports it).
 */
const cqlFilters = new WeakMap<OracleInput, (content: Content) => boolean>();

function excludedByCql(input: OracleInput, cql: string, content: Content): boolean {
  let matches = cqlFilters.get(input);
  if (!matches) {
    matches = () => true;
    const checked = checkCql(cql);
    const { store } = input.world.confluence;
    try {
      if (checked.ok)
        matches = compile(checked.query.where, {
          store,
          now: input.lastCrawlAt ?? store.clock.now(),
          timeZone: store.site.timeZone,
          currentUser: input.crawlAccount,
        });
    } catch {
      // A filter the twin cannot evaluate excludes nothing here.
    }
    cqlFilters.set(input, matches);
  }
  return !matches(content);
}
