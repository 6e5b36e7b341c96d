import { crawlerAccount } from "../scenarios/endpoints.ts";
import { explainChain } from "../scenarios/oracle/explain.ts";
import type { OracleInput } from "../scenarios/oracle/input.ts";
import { cellState, DEFAULT_MATRIX_CAP, matrixPopulation } from "../scenarios/oracle/matrix.ts";
import { CELL_STATES, type CellState } from "../scenarios/oracle/matrix-types.ts";
import type { Content } from "../simulators/confluence/model.ts";
import type { DirectoryUser } from "../simulators/directory/model.ts";
import { listPage } from "../simulators/host/admin-window.ts";
import { json } from "../simulators/host/types.ts";
import type { World } from "../simulators/world.ts";

/** Users one matrix request may name (columns). */
const MAX_USERS = 100;
/** Items one matrix request may name (rows). */
const MAX_ITEMS = 500;

/**
 * The parity oracle over a served world, under `/_sim/oracle/` — the HTML report's matrix cells
 * (`cellState`) and explain chains (`explainChain`), for a connection an outside connector wrote:
 *
 * - `GET /_sim/oracle/matrix?connection=&users=&space=&q=&items=&offset=&limit=` → items (rows,
 *   matrix order; `items=ID,…` names them) × users (columns; default the first 30 enabled users):
 *   each cell's state and reason; `find=ID` adds that item's row index
 * - `GET /_sim/oracle/differences?connection=&users=&space=&q=` → the ids of the items with a
 *   difference for some user, and the counts by state (evaluates every cell: ~10 µs each)
 * - `GET /_sim/oracle/explain?connection=&user=&item=` → the explain chain of one cell
 * - `GET /_sim/oracle/search?connection=&user=&query=` → Graph search as that user, each hit
 *   with the oracle's verdict (an over-exposed hit is a leak the user can find)
 *
 * `connection` defaults to the only (or first) connection. What the oracle cannot know of an
 * outside connector (its settings, when it crawled) is read from the world: it crawls as the
 * ready line's Confluence account, and its last crawl ended with its last index write.
 */
export function installOracleEndpoints(world: World): void {
  const { host } = world;
  host.admin("GET", "/_sim/oracle/matrix", ({ query }) => {
    const scope = matrixScope(world, query);
    if ("error" in scope) return json(scope, 400);
    const listed = listPage(query, scope.items, 100);
    if ("error" in listed) return json(listed, 400);
    const rows = listed.page;
    const indexed = world.graph.connection(scope.input.connectionId)?.items;
    return json({
      ...describeScope(scope),
      offset: listed.offset,
      items: rows.map((c) => ({
        id: c.id,
        title: c.title,
        type: c.type,
        space: world.confluence.store.spaces.get(c.spaceId)?.key ?? c.spaceId,
        status: c.status,
        indexed: indexed?.has(c.id) ?? false,
      })),
      cells: rows.map((c) => scope.users.map((u) => cellState(scope.input, u, c))),
      ...(query.has("find") ? { index: scope.items.findIndex((c) => c.id === query.get("find")) } : {}),
    });
  });
  host.admin("GET", "/_sim/oracle/differences", ({ query }) => {
    const scope = matrixScope(world, query);
    if ("error" in scope) return json(scope, 400);
    const counts = Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>;
    const rows: string[] = [];
    for (const content of scope.items) {
      let differs = false;
      for (const user of scope.users) {
        const { state } = cellState(scope.input, user, content);
        counts[state]++;
        if (state !== "allowed" && state !== "denied" && state !== "notIndexed") differs = true;
      }
      if (differs) rows.push(content.id);
    }
    return json({ ...describeScope(scope), counts, rows });
  });
  host.admin("GET", "/_sim/oracle/explain", ({ query }) => {
    const input = servedOracleInput(world, query.get("connection"));
    const user = world.directory.user(query.get("user") ?? "");
    const content = world.confluence.store.content.get(query.get("item") ?? "");
    if (!user || !content)
      return json(
        {
          error: user
            ? `no page or blog post ${query.get("item")}`
            : `no directory user ${query.get("user")}`,
        },
        404,
      );
    return json({
      connection: input.connectionId,
      user: user.userPrincipalName,
      item: content.id,
      title: content.title,
      ...cellState(input, user, content),
      lines: explainChain(input, user.userPrincipalName, content.id),
    });
  });
  host.admin("GET", "/_sim/oracle/search", ({ query }) => {
    const input = servedOracleInput(world, query.get("connection"));
    const user = world.directory.user(query.get("user") ?? "");
    if (!user) return json({ error: `no directory user ${query.get("user") ?? "(give ?user=UPN)"}` }, 404);
    const text = query.get("query") ?? "";
    if (!text.trim()) return json({ error: "give ?query= (the search text)" }, 400);
    const result = world.graph.search(user.id, {
      query: text,
      connectionIds: [input.connectionId],
      size: 50,
    });
    return json({
      connection: input.connectionId,
      user: user.userPrincipalName,
      query: text,
      total: result.total,
      hits: result.hits.map((hit) => {
        const content = world.confluence.store.content.get(hit.hitId);
        return {
          id: hit.hitId,
          rank: hit.rank,
          title: content?.title ?? String(hit.properties.title ?? ""),
          summary: hit.summary,
          ...(content ? cellState(input, user, content) : { state: "notInConfluence" }),
        };
      }),
    });
  });
}

interface MatrixScope {
  input: OracleInput;
  users: DirectoryUser[];
  totalUsers: number;
  items: Content[];
  totalItems: number;
}

function matrixScope(world: World, query: URLSearchParams): MatrixScope | { error: string } {
  const input = servedOracleInput(world, query.get("connection"));
  const { users: all, bySpace } = matrixPopulation(world);
  let users = all.slice(0, DEFAULT_MATRIX_CAP.maxUsers);
  const named = query.get("users");
  if (named) {
    const wanted = named
      .split(",")
      .map((u) => u.trim())
      .filter(Boolean);
    if (wanted.length > MAX_USERS) return { error: `at most ${MAX_USERS} users at once` };
    const missing = wanted.filter((u) => !world.directory.user(u)?.accountEnabled);
    if (missing.length) return { error: `no enabled directory user ${missing.join(", ")}` };
    users = wanted.map((u) => world.directory.user(u)!);
  }
  const space = query.get("space");
  const text = (query.get("q") ?? "").toLowerCase();
  const everything = [...bySpace.values()].flat();
  let items = (space ? (bySpace.get(space) ?? []) : everything).filter(
    (c) => !text || c.id.includes(text) || c.title.toLowerCase().includes(text),
  );
  const ids = query.get("items");
  if (ids) {
    const wanted = ids.split(",").filter(Boolean);
    if (wanted.length > MAX_ITEMS) return { error: `at most ${MAX_ITEMS} items at once` };
    const byId = new Map(items.map((c) => [c.id, c]));
    items = wanted.map((id) => byId.get(id)).filter((c): c is Content => c !== undefined);
  }
  return { input, users, totalUsers: all.length, items, totalItems: everything.length };
}

function describeScope(scope: MatrixScope) {
  return {
    connection: scope.input.connectionId,
    lastIndexWrite:
      scope.input.lastCrawlAt === undefined ? null : new Date(scope.input.lastCrawlAt).toISOString(),
    users: scope.users.map((u) => ({
      upn: u.userPrincipalName,
      name: u.displayName,
      guest: u.userType === "Guest",
    })),
    totalUsers: scope.totalUsers,
    total: scope.items.length,
    totalItems: scope.totalItems,
  };
}

const INDEX_WRITE = /\/external\/connections\/([^/]+)\/(items|groups)\b/;

/**
 * The oracle's input for a world an outside connector wrote: no settings (the oracle's defaults),
 * the ready line's crawl account, and the last successful write to the connection's items or
 * groups as the end of its last crawl (before any write, under-exposure is "no crawl has run yet").
 */
export function servedOracleInput(world: World, connection: string | null): OracleInput {
  const connectionId = connection || [...world.graph.connections.keys()][0] || "";
  const lastWrite = world.host.journal.findLast(
    (e) => e.method !== "GET" && e.status < 300 && INDEX_WRITE.exec(e.path)?.[1] === connectionId,
  );
  return {
    world,
    connectionId,
    crawlAccount: crawlerAccount(world)?.accountId,
    lastCrawlAt: lastWrite ? Date.parse(lastWrite.at) : undefined,
    permissionChangesSinceFullCrawl: [],
    permissionChangesSinceLastCrawl: [],
  };
}
