import { nextPath } from "../../util/confluence-next.ts";
import type { CaptureHttp, HttpAnswer } from "../http.ts";
import type { StateFile } from "../state.ts";

/**
 * Where and how a capture reaches Confluence. Basic auth goes to the site itself
 * (`https://NAME.atlassian.net`); an OAuth 3LO bearer token only works on the API gateway
 * (`https://api.atlassian.com/ex/confluence/{cloudId}`), as on the real service
 * (https://developer.atlassian.com/cloud/confluence/oauth-2-3lo-apps/). Both bases may point at a
 * proxy or at `cgsim serve`; paths below them are the same.
 */
export interface ConfluenceAccess {
  http: CaptureHttp;
  /** Prefix of `/wiki/...` for API calls (site origin or gateway prefix, no trailing slash). */
  apiBase: string;
  /** The site origin: unauthenticated probes (anonymous access, tenant_info) go here. */
  siteUrl: string;
  headers: Record<string, string>;
}

export const V2 = "/wiki/api/v2";
export const V1 = "/wiki/rest/api";

export function apiUrl(access: ConfluenceAccess, path: string): string {
  return `${access.apiBase}${path}`;
}

/** `_links.next` (v1 or v2, relative or absolute) as a URL under the API base. */
export function nextUrl(access: ConfluenceAccess, next: string): string {
  return apiUrl(access, nextPath(next));
}

interface Paged<T> {
  results?: T[];
  _links?: { next?: string };
}

/**
 * Follows a listing to its end, resuming where an interrupted capture stopped (the unit's saved
 * next URL). `onPage` records each page's results before the next URL is saved, so a resume never
 * skips a page. Statuses in `tolerate` end the listing early and are returned.
 */
export async function listAll<T>(
  access: ConfluenceAccess,
  state: StateFile<unknown>,
  unit: string,
  firstPath: string,
  onPage: (results: T[]) => void,
  tolerate: number[] = [],
): Promise<number | undefined> {
  if (state.isDone(unit)) return state.refusedWith(unit);
  let url: string | undefined = state.nextOf(unit) ?? apiUrl(access, firstPath);
  while (url) {
    const answer: HttpAnswer<Paged<T>> = await access.http.getJson<Paged<T>>(url, access.headers, tolerate);
    if (answer.status >= 300) {
      state.done(unit, answer.status);
      return answer.status;
    }
    onPage(answer.body?.results ?? []);
    const next: string | undefined = answer.body?._links?.next;
    url = next ? nextUrl(access, next) : undefined;
    if (url) state.progress(unit, url);
  }
  state.done(unit);
  return undefined;
}

// ---- wire shapes (only the fields the capture reads) ------------------------------------------

export interface V1User {
  type?: string;
  accountId?: string;
  accountType?: string;
  email?: string | null;
  publicName?: string;
  displayName?: string;
  timeZone?: string | null;
  isExternalCollaborator?: boolean;
  isGuest?: boolean;
  accountStatus?: string;
}

export interface V1Group {
  id?: string;
  name?: string;
}

export interface V1Restriction {
  operation?: string;
  restrictions?: {
    user?: { results?: V1User[]; size?: number; totalSize?: number; start?: number; limit?: number };
    group?: { results?: V1Group[]; size?: number; start?: number; limit?: number };
  };
}

export interface V1Content {
  id: string;
  type: string;
  status?: string;
  metadata?: {
    labels?: {
      results?: Array<{ name: string; prefix?: string }>;
      size?: number;
      _links?: { next?: string };
    };
  };
  restrictions?: { read?: V1Restriction; update?: V1Restriction };
  ancestors?: Array<{ id: string; type?: string }>;
  space?: { key?: string };
}

export interface V2Space {
  id: string;
  key: string;
  name: string;
  type: string;
  status: string;
  description?: { plain?: { value?: string } } | null;
}

export interface V2Content {
  id: string;
  status: string;
  title: string;
  spaceId: string;
  parentId?: string | null;
  parentType?: string | null;
  position?: number | null;
  authorId?: string;
  createdAt?: string;
  version?: { number?: number; createdAt?: string; authorId?: string };
  body?: { storage?: { value?: string } };
}

export interface V2SpacePermission {
  principal?: { type?: string; id?: string };
  operation?: { key?: string; targetType?: string };
}

export interface V1SpacePermission {
  operation?: { operation?: string; targetType?: string };
  anonymousAccess?: boolean;
}
