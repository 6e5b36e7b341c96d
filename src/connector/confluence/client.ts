import { nextPath } from "../../util/confluence-next.ts";
import { ConnectorError, httpFailure } from "../errors.ts";
import type { ConfluenceUser, CrawledContent, PrincipalSet } from "../model.ts";
import { bodyText, type HttpClient } from "../runtime.ts";
import type { ConfluenceAuth } from "./auth.ts";
import {
  fromV1Content,
  fromV2Content,
  principalSetFromV1,
  restrictionTruncated,
  userFromV1,
  type V1Content,
  type V1Restriction,
  type V1User,
  type V2BlogPost,
  type V2Page,
  type V2Space,
  type V2SpacePermission,
} from "./wire.ts";

const V2 = "/wiki/api/v2";
const V1 = "/wiki/rest/api";
/** Bulk expand that carries restrictions and labels with the listing (no per-item calls). */
export const RESTRICTION_EXPAND = "restrictions.read.restrictions.user,restrictions.read.restrictions.group";
/** Ids one `GET /pages?id=…` takes (the spec's `maxItems`). */
const MAX_IDS = 250;
/** Bulk expand of a CQL listing: what an item is built from, without its body. */
export const METADATA_EXPAND = `version,space,history,ancestors,metadata.labels,${RESTRICTION_EXPAND}`;
export const CONTENT_EXPAND = `body.storage,${METADATA_EXPAND}`;

export interface SpacePermissionSummary {
  readers: PrincipalSet;
  anonymousRead: boolean;
}

/**
 * The Confluence REST calls the connector makes (docs/connector.md): v2 listings with
 * limit 250 and bodies, v1 restrictions/groups/CQL search. Every call goes through the injected
 * fetch with retries; pagination follows `_links.next` exactly as given.
 */
export class ConfluenceClient {
  constructor(
    private readonly http: HttpClient,
    private readonly auth: ConfluenceAuth,
    /** Site origin, for browser URLs and the anonymous probe (never the gateway). */
    readonly siteUrl: string,
  ) {}

  async get<T>(pathOrUrl: string): Promise<T> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${await this.auth.apiBase()}${pathOrUrl}`;
    const { json } = await this.#json<T>(url, async () => ({
      headers: { authorization: await this.auth.header(), accept: "application/json" },
    }));
    return json as T;
  }

  /**
   * Sends and parses the JSON answer. With credentials, a 401 refreshes OAuth once. A body cut
   * short is asked for again (at most 5 times): a listing, a user or a probe answer read half-way
   * must not be taken for an empty one. Statuses in `allow` come back without a body.
   */
  async #json<T>(
    url: string,
    init: () => Promise<RequestInit>,
    allow: number[] = [],
  ): Promise<{ status: number; json: T | undefined }> {
    let refreshed = false;
    for (let unreadable = 0; ; ) {
      const response = await this.http.send(url, await init(), { allow: [401, ...allow] });
      if (allow.includes(response.status)) {
        await response.body?.cancel().catch(() => {});
        return { status: response.status, json: undefined };
      }
      if (response.status === 401) {
        const body = await bodyText(response);
        // A scope mismatch will not heal by refreshing (confluence.js does the same).
        if (refreshed || /scope does not match/i.test(body) || !(await this.auth.invalidate()))
          throw httpFailure("confluence", 401, body, url);
        refreshed = true;
        continue;
      }
      try {
        return { status: response.status, json: JSON.parse(await bodyText(response)) as T };
      } catch (error) {
        if (++unreadable >= 5)
          throw new ConnectorError(1000, `Confluence sent an unreadable body for ${url}: ${String(error)}`, {
            service: "confluence",
          });
      }
    }
  }

  /** Follows v2 cursors (`_links.next` is `/wiki/api/v2/…`) and v1 ones (context-relative `/rest/api/…`). */
  async *paginate<T>(path: string): AsyncGenerator<T[]> {
    let next: string | undefined = path;
    const seen = new Set<string>();
    while (next) {
      if (seen.has(next)) throw new ConnectorError(5000, `Confluence pagination loops at ${next}`);
      seen.add(next);
      const page: { results?: T[]; _links?: { next?: string } } = await this.get(next);
      yield page.results ?? [];
      next = page._links?.next ? nextPath(page._links.next) : undefined;
    }
  }

  async all<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    for await (const batch of this.paginate<T>(path)) out.push(...batch);
    return out;
  }

  /** Cheap credential probe: 200 for a working account, 403/401 otherwise. */
  async currentUser(): Promise<V1User> {
    return this.get<V1User>(`${V1}/user/current`);
  }

  spaces(): Promise<V2Space[]> {
    return this.all<V2Space>(`${V2}/spaces?limit=250&status=current`);
  }

  async spacePermissions(spaceId: string): Promise<SpacePermissionSummary> {
    const perms = await this.all<V2SpacePermission>(`${V2}/spaces/${spaceId}/permissions?limit=250`);
    const readers: PrincipalSet = { users: [], groups: [] };
    let anonymousRead = false;
    for (const p of perms) {
      if (p.operation?.key !== "read" || p.operation.targetType !== "space") continue;
      const type = p.principal?.type?.toLowerCase();
      if (type === "user" && p.principal.id) readers.users.push(p.principal.id);
      else if (type === "group" && p.principal.id) readers.groups.push(p.principal.id);
      else if (type === "anonymous" || p.principal?.id?.toUpperCase() === "ANONYMOUS") anonymousRead = true;
      // Roles (RBAC) are not expanded: fail closed, they grant nothing in the index.
    }
    return { readers, anonymousRead };
  }

  /**
   * Pages and blog posts of a space, current only (archived/trashed excluded), with their storage
   * bodies or, `bodies: false`, without (`body` left undefined; `contentBodies` fetches them).
   */
  async spaceContent(spaceId: string, { bodies = true } = {}): Promise<CrawledContent[]> {
    const query = `limit=250${bodies ? "&body-format=storage" : ""}&status=current`;
    const [pages, blogs] = await Promise.all([
      this.all<V2Page>(`${V2}/spaces/${spaceId}/pages?${query}`),
      this.all<V2BlogPost>(`${V2}/spaces/${spaceId}/blogposts?${query}`),
    ]);
    return [
      ...pages.map((p) => fromV2Content(p, "page", bodies)),
      ...blogs.map((b) => fromV2Content(b, "blogpost", bodies)),
    ];
  }

  /**
   * Storage bodies of current pages or blog posts by id: `GET /pages?id=…` (at most 250 ids a call,
   * the spec's `maxItems`). Content gone or no longer current since it was listed is left out.
   */
  async contentBodies(type: "page" | "blogpost", ids: readonly string[]): Promise<Map<string, string>> {
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += MAX_IDS) chunks.push(ids.slice(i, i + MAX_IDS));
    const found = await Promise.all(
      chunks.map((chunk) =>
        this.all<V2Page | V2BlogPost>(
          `${V2}/${type === "page" ? "pages" : "blogposts"}?id=${chunk.join(",")}&body-format=storage&status=current&limit=${MAX_IDS}`,
        ),
      ),
    );
    return new Map(found.flat().map((c) => [String(c.id), c.body?.storage?.value ?? ""]));
  }

  /** CQL over `/content/search` with bulk expand; returns content plus the users seen in restrictions. */
  async search(
    cql: string,
    expand: string,
    limit = 50,
  ): Promise<{ content: CrawledContent[]; users: ConfluenceUser[] }> {
    const path = `${V1}/content/search?cql=${encodeURIComponent(cql)}&expand=${encodeURIComponent(expand)}&limit=${limit}`;
    const content: CrawledContent[] = [];
    const users: ConfluenceUser[] = [];
    const bodies = expand.split(",").includes("body.storage");
    for await (const batch of this.paginate<V1Content>(path)) {
      for (const c of batch) {
        if (c.type !== "page" && c.type !== "blogpost") continue;
        content.push(fromV1Content(c, bodies));
        for (const u of c.restrictions?.read?.restrictions?.user?.results ?? []) users.push(userFromV1(u));
      }
    }
    return { content, users };
  }

  /** The content's own read restriction (direct only; inheritance is the caller's job). */
  async readRestriction(contentId: string): Promise<{ set: PrincipalSet | null; users: ConfluenceUser[] }> {
    const limit = 100;
    const users = new Map<string, V1User>();
    const groups = new Map<string, { id?: string }>();
    // Users and groups page together (`start`/`limit` apply to each list).
    for (let start = 0; start <= 100_000; start += limit) {
      const r = await this.get<V1Restriction>(
        `${V1}/content/${contentId}/restriction/byOperation/read?start=${start}&limit=${limit}`,
      );
      // A server that ignores `start` repeats page one: stop (the set stays smaller, never wider).
      const echoed = (r.restrictions?.user as { start?: number } | undefined)?.start;
      if (start > 0 && echoed !== undefined && echoed !== start) break;
      const u = r.restrictions?.user?.results ?? [];
      const g = r.restrictions?.group?.results ?? [];
      for (const x of u) users.set(x.accountId, x);
      for (const x of g) groups.set(x.id ?? "", x);
      if (!restrictionTruncated(r) || (u.length === 0 && g.length === 0)) break;
    }
    const set = principalSetFromV1({
      restrictions: { user: { results: [...users.values()] }, group: { results: [...groups.values()] } },
    });
    return { set, users: [...users.values()].map(userFromV1) };
  }

  /** Labels of one page or blog post (used only when the bulk CQL listing is unavailable). */
  async labels(type: "page" | "blogpost", id: string): Promise<string[]> {
    const all = await this.all<{ name: string }>(
      `${V2}/${type === "page" ? "pages" : "blogposts"}/${id}/labels?limit=250`,
    );
    return all.map((l) => l.name);
  }

  /** Ancestor ids, root first. */
  async ancestors(pageId: string): Promise<string[]> {
    const answer = await this.get<{ results?: Array<{ id: string; type?: string }> }>(
      `${V2}/pages/${pageId}/ancestors?limit=250`,
    );
    return (answer.results ?? []).filter((a) => !a.type || a.type === "page").map((a) => String(a.id));
  }

  /** A group's name (space permissions carry only its id). */
  async groupName(groupId: string): Promise<string> {
    const g = await this.get<{ name?: string }>(`${V1}/group/by-id?id=${encodeURIComponent(groupId)}`);
    return g.name ?? groupId;
  }

  async groupMembers(groupId: string): Promise<ConfluenceUser[]> {
    const out: ConfluenceUser[] = [];
    const limit = 200;
    for (let start = 0; ; start += limit) {
      const page = await this.get<{ results?: V1User[]; size?: number; _links?: { next?: string } }>(
        `${V1}/group/${encodeURIComponent(groupId)}/membersByGroupId?start=${start}&limit=${limit}`,
      );
      const results = page.results ?? [];
      out.push(...results.map(userFromV1));
      if (!page._links?.next && results.length < limit) break;
      if (results.length === 0) break;
    }
    return out;
  }

  /** Users by account id, 250 per call (v2 `POST /users-bulk`). */
  async users(accountIds: string[]): Promise<ConfluenceUser[]> {
    const out: ConfluenceUser[] = [];
    const base = await this.auth.apiBase();
    for (let i = 0; i < accountIds.length; i += 250) {
      const chunk = accountIds.slice(i, i + 250);
      const { json: answer } = await this.#json<{ results?: V1User[] }>(
        `${base}${V2}/users-bulk`,
        async () => ({
          method: "POST",
          headers: {
            authorization: await this.auth.header(),
            accept: "application/json",
            "content-type": "application/json",
          },
          body: JSON.stringify({ accountIds: chunk }),
        }),
      );
      out.push(...(answer?.results ?? []).map(userFromV1));
    }
    return out;
  }

  /**
   * Anonymous access is effective for a space exactly when an unauthenticated caller can see it
   * (site switch ∧ space permission). Asked on the site, without credentials.
   */
  async anonymousCanRead(spaceKey: string): Promise<boolean> {
    const { json: answer } = await this.#json<{ results?: unknown[] }>(
      `${this.siteUrl}${V2}/spaces?keys=${encodeURIComponent(spaceKey)}&limit=1`,
      async () => ({ headers: { accept: "application/json" } }),
      [401, 403, 404],
    );
    return (answer?.results?.length ?? 0) > 0;
  }
}

/** Kept here for the connector's callers; the rule lives in src/util (the capture pages the same way). */
export { nextPath };
