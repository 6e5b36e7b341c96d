import { checkCql, compile } from "../../simulators/confluence/cql/index.ts";
import { type Content, isRestricted } from "../../simulators/confluence/model.ts";
import { AccessEvaluator, type Reason } from "../../simulators/confluence/permissions.ts";
import type { DirectoryUser } from "../../simulators/directory/model.ts";
import { type DifferenceCause, DOCUMENTED, describeCause } from "./causes.ts";
import { type OracleInput, remembered } from "./input.ts";
import { entryRef } from "./notation.ts";
import { expectedIdentity, type Truth, truthFor } from "./truth.ts";

/**
 * One user × item of the parity oracle: truth vs index, and when they differ, the structured cause
 * (causes.ts) — a documented limitation, expected staleness, or a connector bug. Each rule below
 * checks the situation it names (who can view how, what the connector was configured to do, what
 * the crawl schedule explains), never the wording of another rule.
 */

export interface ParityDifference {
  kind: "overExposed" | "underExposed";
  user: string;
  item: string;
  title: string;
  cause: DifferenceCause;
  /** Why, in one line (describeCause). */
  reason: string;
  /** True when the cause is a documented connector limitation or expected staleness (DOCUMENTED). */
  documented: boolean;
}

type Cause = DifferenceCause;

/** The difference for one person × content, or undefined when truth and index agree. */
export function classifyPair(
  input: OracleInput,
  user: DirectoryUser,
  content: Content,
): ParityDifference | undefined {
  return remembered(input, `classify\n${user.id}\n${content.id}`, () => classify(input, user, content));
}

function classify(input: OracleInput, user: DirectoryUser, content: Content): ParityDifference | undefined {
  const { world, connectionId } = input;
  const indexed = world.graph.connection(connectionId)?.items.has(content.id) ?? false;
  const truth = truthFor(world, user, content, input.config?.identity);
  const granted = indexed && world.graph.canAccess(user.id, connectionId, content.id);
  if (truth.allowed === granted) return undefined;
  const kind = granted ? "overExposed" : "underExposed";
  const cause =
    kind === "overExposed"
      ? overExposedCause(input, user, truth, content)
      : underExposedCause(input, user, truth, content, indexed);
  return {
    kind,
    user: user.userPrincipalName,
    item: content.id,
    title: content.title,
    cause,
    reason: describeCause(cause),
    documented: DOCUMENTED[cause.code],
  };
}

function overExposedCause(input: OracleInput, user: DirectoryUser, truth: Truth, content: Content): Cause {
  const permissions = input.config?.permissions;
  if (permissions?.mode === "everyone") return { code: "everyoneMode" };
  const stale = staleness(input, content);
  if (stale) return stale;
  const documented =
    permissions?.policy === "documented" ? documentedPolicyGrant(input, user, truth, content) : undefined;
  if (documented) return documented;
  const denied = truth.reasons.find((r) => !r.ok);
  return (
    keptAfterFailure(input, content.id) ?? { code: "aclTooBroad", detail: denied?.detail ?? "no access" }
  );
}

/**
 * Microsoft's documented rules grant this person what Confluence denies: the rule that does it, or
 * undefined. Modelled on its own (not read off Confluence's reasons, which stop at the first
 * failing check): the page's own restriction, if any, replaces the space permission; otherwise an
 * anonymous space is shown to everyone (site switch or not); otherwise the space permission
 * (unless ignored, C-1); parents never count.
 */
function documentedPolicyGrant(
  input: OracleInput,
  user: DirectoryUser,
  truth: Truth,
  content: Content,
): Cause | undefined {
  const { store } = input.world.confluence;
  const permissions = input.config?.permissions;
  const space = store.spaces.get(content.spaceId);
  // The person as a correct connector sees them: an active account whose identity maps to this user.
  const account =
    truth.account?.active && expectedIdentity(input.config?.identity, user, truth.account).ok
      ? truth.account
      : undefined;
  const evaluator = new AccessEvaluator(
    store,
    account ? { type: "user", accountId: account.accountId } : { type: "anonymous" },
  );
  const parentDenial = () => {
    const reasons: Reason[] = [];
    evaluator.restrictionsAdmit(content, reasons);
    const denial = reasons.find((r) => !r.ok && r.contentId !== content.id);
    return denial && ({ code: "parentRestrictionsIgnored", detail: denial.detail } as const);
  };
  const own = content.restrictions.read;
  if (isRestricted(own)) {
    const admitted =
      account && (own.users.includes(account.accountId) || own.groups.some((g) => evaluator.groupIds.has(g)));
    if (!admitted) return undefined;
    const denied = truth.reasons.find((r) => !r.ok);
    return (
      parentDenial() ?? { code: "restrictionsOverrideSpace", detail: denied?.detail ?? "no space access" }
    );
  }
  const anonymousRead = space?.permissions.some(
    (p) =>
      p.principal.type === "anonymous" && p.operation.key === "read" && p.operation.targetType === "space",
  );
  if (anonymousRead) {
    if (user.userType === "Guest" && permissions?.anonymousAs === "everyoneExceptGuests") return undefined;
    if (!store.site.anonymousAccess) return { code: "anonymousAccess", rule: "siteSwitchIgnored" };
    const anonymous = new AccessEvaluator(store, { type: "anonymous" });
    const reasons: Reason[] = [];
    anonymous.restrictionsAdmit(content, reasons);
    const denial = reasons.find((r) => !r.ok);
    return denial && { code: "parentRestrictionsIgnored", detail: denial.detail };
  }
  if (permissions?.documentedSpacePermissions === "ignored" || !account || !space) return undefined;
  return evaluator.spaceAccess(space) ? parentDenial() : undefined;
}

function underExposedCause(
  input: OracleInput,
  user: DirectoryUser,
  truth: Truth,
  content: Content,
  indexed: boolean,
): Cause {
  if (input.lastCrawlAt === undefined) return { code: "notCrawledYet" };
  const stale = staleness(input, content);
  if (stale) return stale;
  return indexed ? notGrantedCause(input, user, truth, content) : missingItemCause(input, content);
}

/** The connector crawls as an account that cannot view this content, so it cannot index or refresh it. */
export function crawlAccountCannotView(input: OracleInput, content: Content): boolean {
  if (!input.crawlAccount) return false;
  const crawler = new AccessEvaluator(input.world.confluence.store, {
    type: "user",
    accountId: input.crawlAccount,
  });
  return !crawler.canView(content);
}

/** Confluence lets the person view the content and the item is not in the index. */
function missingItemCause(input: OracleInput, content: Content): Cause {
  const { world } = input;
  if (crawlAccountCannotView(input, content)) return { code: "crawlAccountCannotView" };
  if (content.status === "archived") return { code: "archived" };
  const cql = input.config?.confluence?.cql;
  if (cql && excludedByCql(input, cql, content)) return { code: "cqlExcluded", cql };
  const conn = world.graph.connection(input.connectionId);
  if (conn && world.graph.itemsRemaining(conn) === 0) return { code: "quota" };
  // Refused at the quota during the last crawl, even if a later delete in that crawl made room.
  const refused = input.lastCrawlItemErrors?.find(
    (e) => e.itemId === content.id && (e.code === 1008 || e.code === 1009),
  );
  if (refused) return { code: "quota", refused: refused.code };
  // An item missing after a failed crawl: documented when it was not indexed before either.
  const failure = input.lastCrawlFailure;
  if (failure)
    return input.indexAtLastCompletedCrawl?.has(content.id)
      ? { code: "deletedByFailedCrawl", errorCode: failure.code }
      : { code: "crawlFailed", errorCode: failure.code, missing: true };
  return { code: "notIndexed" };
}

/**
 * Confluence lets the person view the indexed item and Graph does not grant it. How the person
 * gets in decides what can excuse it: through anonymous access a correct connector grants
 * everyone (guests aside, by configuration), so no identity gap matters; otherwise the person's own
 * identity must map (documented gaps: hidden email, email ≠ UPN, non-AAD misses).
 */
function notGrantedCause(input: OracleInput, user: DirectoryUser, truth: Truth, content: Content): Cause {
  const permissions = input.config?.permissions;
  if (truth.anonymous) {
    if (user.userType === "Guest" && permissions?.anonymousAs === "everyoneExceptGuests")
      return { code: "anonymousAccess", rule: "guestsExcluded" };
  } else {
    if (
      permissions?.policy === "documented" &&
      permissions.documentedSpacePermissions === "ignored" &&
      // Parents are ignored under the documented policy: only the page's own restriction counts.
      !isRestricted(content.restrictions.read)
    )
      return { code: "spacePermissionsIgnored" };
    const identity = expectedIdentity(input.config?.identity, user, truth.account);
    if (!identity.ok)
      return identity.gap === "hiddenEmail"
        ? { code: "hiddenEmail", detail: identity.detail }
        : { code: "noIdentityMatch", gap: identity.gap, detail: identity.detail };
  }
  const acl = input.world.graph.connection(input.connectionId)?.items.get(content.id)?.acl ?? [];
  // Graph does not index an external group above its member limit: the connector writes it
  // empty and reports 2008, so the group grants nobody (documented).
  const oversized = acl
    .filter((e) => e.type === "externalGroup" && e.accessType === "grant")
    .map((e) => input.lastCrawlItemErrors?.find((x) => x.code === 2008 && x.itemId === `group:${e.value}`))
    .find((x) => x !== undefined);
  if (oversized) return { code: "groupOverLimit", detail: oversized.message.replace(/^\[2008\] /, "") };
  const kept = keptAfterFailure(input, content.id);
  if (kept) return kept;
  const unmapped = truth.anonymous ? undefined : connectorUnmapped(input, truth);
  if (unmapped) return unmapped;
  const decision = input.world.graph.explainAccess(user.id, input.connectionId, content.id);
  return {
    code: "aclTooNarrow",
    denies: decision.denies.map((e) => entryRef(input.world, e)),
    acl: acl.map((e) => `${e.accessType === "deny" ? "deny " : ""}${entryRef(input.world, e)}`),
  };
}

/** The built-in connector reported the person's account unmapped (2006) although a correct one maps it. */
function connectorUnmapped(input: OracleInput, truth: Truth): Cause | undefined {
  const account = truth.account;
  const reported = account && input.lastCrawlUnmapped?.find((u) => u.accountId === account.accountId);
  return reported && { code: "connectorUnmapped", account: `<${account.email}>`, reported: reported.reason };
}

/**
 * Expected staleness after a failed crawl: the index keeps what the last completed crawl wrote.
 * An ACL the failed crawl itself changed gets no such excuse.
 */
function keptAfterFailure(input: OracleInput, itemId: string): Cause | undefined {
  const failure = input.lastCrawlFailure;
  if (!failure) return undefined;
  const acl = input.world.graph.connection(input.connectionId)?.items.get(itemId)?.acl ?? [];
  const before = input.indexAtLastCompletedCrawl?.get(itemId);
  if (before !== undefined && before !== JSON.stringify(acl))
    return { code: "rewrittenByFailedCrawl", errorCode: failure.code };
  return { code: "crawlFailed", errorCode: failure.code };
}

/** Documented staleness: what the crawl schedule explains (docs/customer-bug-catalog.md §1.4). */
function staleness(input: OracleInput, content: Content): Cause | undefined {
  if (input.lastCrawlAt !== undefined && content.version.createdAt > input.lastCrawlAt)
    return { code: "stale", staleness: "changedAfterCrawl" };
  if (input.permissionChangesSinceLastCrawl.length > 0)
    return {
      code: "stale",
      staleness: "permissionChangeNotCrawled",
      changes: input.permissionChangesSinceLastCrawl,
    };
  if (input.lastCrawlMode !== "incremental") return undefined;
  if (content.status === "trashed" || content.status === "deleted")
    return { code: "stale", staleness: "incrementalSkipsDeletions" };
  if (input.permissionChangesSinceFullCrawl.length > 0)
    return {
      code: "stale",
      staleness: "incrementalSkipsPermissions",
      changes: input.permissionChangesSinceFullCrawl,
    };
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
