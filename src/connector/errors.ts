/**
 * Errors as values with Microsoft's connector error codes (docs/customer-bug-catalog.md §2), so an admin
 * sees the same number the Microsoft 365 admin center would show.
 */
export const ERROR_CODES = {
  1000: "Data source unreachable",
  1001: "The data source is throttling the connector",
  1002: "Cannot authenticate with the data source",
  1003: "The crawl account lacks permission on the item",
  1005: "Credentials have expired",
  1008: "Tenant index quota reached",
  1009: "Connection quota reached",
  2006: "User mapping failed",
  2007: "Some principals on the item's ACL could not be resolved",
  2008: "External group has more than 50,000 members",
  2010: "The connection is no longer valid; delete and recreate it",
  5000: "Something went wrong",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type Service = "confluence" | "graph" | "login" | "atlassian-auth";

/** The codes by what they mean, for code that decides by them. */
export const CODE = {
  unreachable: 1000,
  throttled: 1001,
  authentication: 1002,
  permission: 1003,
  credentialsExpired: 1005,
  tenantQuota: 1008,
  connectionQuota: 1009,
  unmappedUser: 2006,
  partialAcl: 2007,
  groupTooLarge: 2008,
  connectionObsolete: 2010,
  unknown: 5000,
} as const satisfies Record<string, ErrorCode>;

/**
 * Failures of the service or of the credentials rather than of one item: the source is gone,
 * throttling outlasted the retries, the credentials are refused or expired. When an item's write
 * fails so, every other write would too, so the crawl stops; an item's own failure (a quota, a
 * rejected payload) is recorded in the report and the crawl goes on.
 */
const CRAWL_WIDE = new Set<number>([
  CODE.unreachable,
  CODE.throttled,
  CODE.authentication,
  CODE.credentialsExpired,
]);

export function isCrawlWide(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError && CRAWL_WIDE.has(error.code);
}

export class ConnectorError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail: { service?: Service; status?: number; url?: string } = {},
  ) {
    super(`[${code}] ${ERROR_CODES[code]}: ${message}`);
    this.name = "ConnectorError";
  }
}

/** Maps a failed HTTP answer (after retries) to a connector error. */
export function httpFailure(service: Service, status: number, body: string, url: string): ConnectorError {
  const where = `${service} ${status} on ${redact(url)}`;
  const text = body.slice(0, 300);
  const detail = { service, status, url: redact(url) };
  if (status === 429) return new ConnectorError(1001, `${where} (retries exhausted)`, detail);
  if (service === "atlassian-auth" && /invalid_grant|expired/i.test(body))
    return new ConnectorError(
      1005,
      `${where}: refresh token rejected; re-authorise the OAuth app (${text})`,
      detail,
    );
  if (service === "login" && /AADSTS7000222|expired/i.test(body))
    return new ConnectorError(1005, `${where}: client secret expired (${text})`, detail);
  if (status === 401 || service === "login" || service === "atlassian-auth")
    return new ConnectorError(1002, `${where}: ${text}`, detail);
  if (status === 403) {
    if (service === "graph" && /quota/i.test(body))
      return new ConnectorError(
        // Graph's wording is undocumented; the twin says "tenant item quota" (a guess, see fidelity/graph.md).
        /tenant('s)? item quota/i.test(body) ? 1008 : 1009,
        `${where}: ${text}`,
        detail,
      );
    if (service === "graph" || /cannot access Confluence|not permitted to use Confluence/i.test(body))
      return new ConnectorError(1002, `${where}: ${text}`, detail);
    return new ConnectorError(1003, `${where}: ${text}`, detail);
  }
  if (status === 507) return new ConnectorError(1009, `${where}: ${text}`, detail);
  if (status === 404 || status === 410) return new ConnectorError(1000, `${where}: ${text}`, detail);
  return new ConnectorError(5000, `${where}: ${text}`, detail);
}

/** Never print secrets that ended up in a URL. */
function redact(url: string): string {
  return url.replace(/(token|secret|code)=[^&]+/gi, "$1=…");
}
