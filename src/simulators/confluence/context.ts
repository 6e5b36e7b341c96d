import type { HttpMethod, RouteContext } from "../host/types.ts";
import type { AccessEvaluator, Subject } from "./permissions.ts";
import type { ConfluenceStore } from "./store.ts";
import type { ConfluenceTwin } from "./twin.ts";

/** How the caller authenticated. */
export interface Caller {
  mode: "basic" | "oauth" | "anonymous";
  subject: Subject;
  /** Granted OAuth scopes (OAuth only). */
  scopes?: Set<string>;
  /** True when the request came through `api.atlassian.com/ex/confluence/{cloudId}`. */
  gateway: boolean;
}

/** What every Confluence route handler receives: the host context plus the twin and the caller. */
export interface ConfluenceContext extends RouteContext {
  twin: ConfluenceTwin;
  store: ConfluenceStore;
  caller: Caller;
  /** The one permission evaluator, for this caller, for this request. */
  access: AccessEvaluator;
  /**
   * What `_links.base` names: `https://acme.atlassian.net/wiki` as the client reached it (the serve
   * origin over the plain listener); never the gateway.
   */
  base: string;
}

export type ConfluenceHandler = (ctx: ConfluenceContext) => Response | Promise<Response>;

/**
 * A Confluence operation. `path` is relative to the `/wiki` context (`/api/v2/pages/:id`,
 * `/rest/api/content/:id/restriction`); the service mounts it on the site and on the gateway.
 */
export interface ConfluenceRoute {
  method: HttpMethod;
  path: string;
  /** The spec's operationId (getPages, getPageById, getRestrictions …). */
  operationId: string;
  api: "v2" | "v1";
  handler: ConfluenceHandler;
  /** v1 routes Atlassian has deprecated (CHANGE-864): removable per auth mode. */
  deprecated?: boolean;
}
