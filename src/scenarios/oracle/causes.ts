import type { IdentityGap } from "./truth.ts";

/**
 * Why truth and index differ: one structured cause on every difference. Whether a difference is
 * a documented limitation (or expected staleness) or a connector bug follows from its code alone
 * (DOCUMENTED), so the same situation is classified the same way on every site, whatever the
 * wording. `describeCause` gives the one-line reason reports print.
 */

/** Why the index may lag Confluence (Microsoft's crawl schedule rules, docs/customer-bug-catalog.md §1.4). */
export type Staleness =
  /** The content changed after the last crawl started. */
  | "changedAfterCrawl"
  /** A permission change was made after the last crawl. */
  | "permissionChangeNotCrawled"
  /** Incremental crawls do not process permission changes. */
  | "incrementalSkipsPermissions"
  /** Incremental crawls do not detect deletions. */
  | "incrementalSkipsDeletions"
  /**
   * A change Confluence does not version (a label, a move) after the last full crawl: an
   * incremental crawl, which lists by `lastmodified`, cannot see it.
   */
  | "incrementalSkipsUnversioned"
  /** A label or move lag where the crawl schedule is unknown (a served world): it cannot be dated. */
  | "unversionedUndated";

export type DifferenceCause =
  // Documented limitations and expected staleness.
  | { code: "notCrawledYet" }
  | { code: "stale"; staleness: Staleness; changes?: string[] }
  /** The last crawl failed; the index keeps what earlier crawls wrote (`missing`: never indexed). */
  | { code: "crawlFailed"; errorCode: number; missing?: true }
  | { code: "everyoneMode" }
  | { code: "parentRestrictionsIgnored"; detail: string }
  | { code: "restrictionsOverrideSpace"; detail: string }
  | { code: "anonymousAccess"; rule: "siteSwitchIgnored" | "guestsExcluded" }
  | { code: "spacePermissionsIgnored" }
  | { code: "hiddenEmail"; detail: string }
  | { code: "noIdentityMatch"; gap: Exclude<IdentityGap, "hiddenEmail">; detail: string }
  | { code: "crawlAccountCannotView" }
  | { code: "archived" }
  | { code: "cqlExcluded"; cql: string }
  | { code: "quota"; refused?: number }
  | { code: "groupOverLimit"; detail: string }
  // Connector bugs: the index contradicts Confluence and nothing documented explains it.
  | { code: "aclTooBroad"; detail: string }
  | { code: "aclTooNarrow"; denies: string[]; acl: string[] }
  | { code: "connectorUnmapped"; account: string; reported: string }
  | { code: "notIndexed" }
  | { code: "deletedByFailedCrawl"; errorCode: number }
  | { code: "rewrittenByFailedCrawl"; errorCode: number }
  /** The index holds an older title, body, url or labels although the last crawl saw the change. */
  | { code: "staleContent"; fields: string[] };

export type CauseCode = DifferenceCause["code"];

/** Documented (true) or a connector bug (false), by code. */
export const DOCUMENTED: Record<CauseCode, boolean> = {
  notCrawledYet: true,
  stale: true,
  crawlFailed: true,
  everyoneMode: true,
  parentRestrictionsIgnored: true,
  restrictionsOverrideSpace: true,
  anonymousAccess: true,
  spacePermissionsIgnored: true,
  hiddenEmail: true,
  noIdentityMatch: true,
  crawlAccountCannotView: true,
  archived: true,
  cqlExcluded: true,
  quota: true,
  groupOverLimit: true,
  aclTooBroad: false,
  aclTooNarrow: false,
  connectorUnmapped: false,
  notIndexed: false,
  deletedByFailedCrawl: false,
  rewrittenByFailedCrawl: false,
  staleContent: false,
};

export const CAUSE_CODES = Object.keys(DOCUMENTED) as CauseCode[];

/** The one-line reason for a cause. */
export function describeCause(cause: DifferenceCause): string {
  switch (cause.code) {
    case "notCrawledYet":
      return "no crawl has run yet";
    case "stale":
      return STALENESS_TEXT[cause.staleness](cause.changes ?? []);
    case "crawlFailed":
      return cause.missing
        ? `the last crawl failed (${cause.errorCode})`
        : `the last crawl failed (${cause.errorCode}); the index keeps the previous state`;
    case "everyoneMode":
      return "the connector is configured with permissions: everyone";
    case "parentRestrictionsIgnored":
      return `parent restrictions ignored (documented policy): ${cause.detail}`;
    case "restrictionsOverrideSpace":
      return `page restrictions take precedence over space permissions (documented policy): ${cause.detail}`;
    case "anonymousAccess":
      return cause.rule === "guestsExcluded"
        ? "anonymous content is kept from tenant guests (anonymousAs: everyoneExceptGuests)"
        : "anonymous space shown to everyone (documented policy: Microsoft's rule names the space's anonymous access, not the site switch, C-5)";
    case "spacePermissionsIgnored":
      return "space permissions are not honored (documented policy, literal reading C-1)";
    case "hiddenEmail":
    case "noIdentityMatch":
      return `unmappable identity: ${cause.detail}`;
    case "crawlAccountCannotView":
      return "the crawl account cannot view this content, so it cannot be indexed";
    case "archived":
      return "archived content is not indexed";
    case "cqlExcluded":
      return `excluded by the CQL filter ${cause.cql}`;
    case "quota":
      return cause.refused
        ? `Graph refused the item at the item quota in the last crawl (${cause.refused})`
        : "the item quota is reached (limitExceeded): Graph refuses new items";
    case "groupOverLimit":
      return `an external group in the ACL is over Graph's member limit and grants nobody (2008): ${cause.detail}`;
    case "aclTooBroad":
      return `Confluence denies: ${cause.detail}`;
    case "aclTooNarrow":
      return cause.denies.length
        ? `denied by ${cause.denies.join(", ")}`
        : `no ACL entry grants this user (ACL: ${cause.acl.join(", ") || "empty"})`;
    case "connectorUnmapped":
      return `the connector did not map ${cause.account} (it reported: ${cause.reported}), yet a correct connector maps it to this user`;
    case "notIndexed":
      return "the item is not in the index";
    case "deletedByFailedCrawl":
      return `deleted by the last crawl, which failed (${cause.errorCode}): a failed crawl must keep the index`;
    case "rewrittenByFailedCrawl":
      return `the last crawl failed (${cause.errorCode}) after rewriting this item's ACL, which differs from Confluence`;
    case "staleContent":
      return `the index keeps an older ${cause.fields.join(", ")} although the last crawl ran after the change`;
  }
}

const STALENESS_TEXT: Record<Staleness, (changes: string[]) => string> = {
  changedAfterCrawl: () => "changed after the last crawl",
  permissionChangeNotCrawled: (changes) => `not crawled since: ${changes.join("; ")}`,
  incrementalSkipsPermissions: (changes) =>
    `incremental crawls skip permission changes (documented): ${changes.join("; ")}`,
  incrementalSkipsDeletions: () => "incremental crawls do not detect deletions (documented)",
  unversionedUndated: (changes) =>
    `${changes.join(", ")} changed without a new version; without the crawl schedule it cannot be told whether the last crawl saw it`,
  incrementalSkipsUnversioned: () =>
    "changed without a new version (labels, a move) since the last full crawl: incremental crawls list by lastmodified and cannot see it",
};
