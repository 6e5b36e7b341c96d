import { z } from "zod";
import type { JournalEntry } from "../../simulators/host/journal.ts";
import type { World } from "../../simulators/world.ts";
import type { RunContext } from "../context.ts";
import { located, type Path, type ReferenceScope } from "../references.ts";
import { list, many } from "../schema-parts.ts";
import { confluenceStep } from "./confluence/registry.ts";
import { directoryStep } from "./directory.ts";

/**
 * A crawl's `during:` hook: Confluence and directory changes applied while the crawl runs, at a
 * point defined by the requests the crawl makes (so it works the same for the built-in connector
 * and for an external one over http). The changes run synchronously inside the host's dispatch of
 * the request that reaches the point, before that request is answered: it and every later request
 * see the new state, every earlier one the old.
 */

export const duringSchema = many(
  z
    .object({
      afterRequests: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe("After the crawl's first N requests (to `service`, when given): before request N+1"),
      service: z
        .enum(["confluence", "graph", "login", "atlassian-auth", "atlassian-api"])
        .optional()
        .describe("Count only requests to this service (with afterRequests)"),
      afterListing: z
        .string()
        .min(1)
        .optional()
        .describe("Space key: before the first request after the crawl listed this space's content"),
      beforeDeletions: z
        .literal(true)
        .optional()
        .describe("Before the crawl's first DELETE of an indexed item"),
      confluence: confluenceStep.schema.optional(),
      directory: directoryStep.schema.optional(),
    })
    .strict()
    .refine(
      (d) => [d.afterRequests, d.afterListing, d.beforeDeletions].filter((t) => t !== undefined).length === 1,
      "name exactly one of afterRequests, afterListing, beforeDeletions",
    )
    .refine((d) => d.service === undefined || d.afterRequests !== undefined, "service counts afterRequests")
    .refine(
      (d) => d.confluence !== undefined || d.directory !== undefined,
      "give confluence or directory changes",
    ),
  "DuringCrawl",
).describe("Changes applied while the crawl runs, at a point defined by its requests");

type During = z.output<typeof duringSchema>;
type DuringEntry = Exclude<During, unknown[]>;

/** Load time: the changes' references, in order, as if they were steps of their own. */
export function duringReferences(during: During, scope: ReferenceScope, path: Path): During {
  for (const [d, p] of located(during, path)) {
    if (d.afterListing) scope.space([...p, "afterListing"], d.afterListing);
    if (d.confluence)
      d.confluence = confluenceStep.references?.(d.confluence, scope, [...p, "confluence"]) ?? d.confluence;
    if (d.directory)
      d.directory = directoryStep.references?.(d.directory, scope, [...p, "directory"]) ?? d.directory;
  }
  return during;
}

/** What the hook did once the crawl is over: a summary line per entry that fired, failures for the rest. */
export interface DuringOutcome {
  applied: string[];
  failures: string[];
}

/**
 * Arms the hook on the world's host for one crawl step; the returned function disarms it and
 * says what happened. A point the crawl never reached fails the step (its changes never ran).
 */
export function armDuring(ctx: RunContext, during: During, index: number): () => DuringOutcome {
  const entries = list(during).map((entry, i) => ({
    entry,
    i,
    point: pointOf(ctx.world, entry),
    done: false,
  }));
  const applied: string[] = [];
  const failures: string[] = [];
  const arrived = (request: Readonly<JournalEntry>, url: URL) => {
    for (const e of entries) {
      if (e.done || !e.point.reached(request, url)) continue;
      e.done = true;
      const done = [];
      try {
        if (e.entry.confluence) done.push(confluenceStep.applyNow(ctx, e.entry.confluence, index).summary);
        if (e.entry.directory) done.push(directoryStep.applyNow(ctx, e.entry.directory, index).summary);
        applied.push(`during (${e.point.name}, at request #${request.seq}): ${done.join("; ")}`);
      } catch (error) {
        failures.push(`during[${e.i}] (${e.point.name}): ${(error as Error).message}`);
      }
    }
  };
  const remove = ctx.world.host.activity.subscribe({ arrived });
  return () => {
    remove();
    for (const e of entries.filter((x) => !x.done))
      failures.push(
        `during[${e.i}] (${e.point.name}): never reached — ${e.point.missed()}; its changes were not applied`,
      );
    return { applied, failures };
  };
}

/** A point in a crawl, recognised from the requests it makes. */
interface Point {
  name: string;
  /** Called for each request as it arrives: true once, when the point is reached. */
  reached(request: Readonly<JournalEntry>, url: URL): boolean;
  /** Why a crawl never reached it. */
  missed(): string;
}

function pointOf(world: World, d: DuringEntry): Point {
  if (d.afterRequests !== undefined) return afterRequests(d.afterRequests, d.service);
  if (d.afterListing !== undefined) return afterListing(world, d.afterListing);
  return beforeDeletions();
}

/** Before the crawl's request N+1 (its own requests; a `$batch`'s parts are not counted). */
function afterRequests(n: number, service: string | undefined): Point {
  let seen = 0;
  return {
    name: `after ${n} ${service ? `${service} ` : ""}requests`,
    reached(request) {
      if (request.batch !== undefined || (service && request.service !== service)) return false;
      seen += 1;
      return seen === n + 1;
    },
    missed: () => `the crawl made ${seen} ${service ? `${service} ` : ""}requests`,
  };
}

/**
 * Before the first request, once the crawl has started listing the space's content, that is not
 * itself part of that listing (pages or blog posts of the space, or a CQL search restricted to it).
 */
function afterListing(world: World, key: string): Point {
  let listing = false;
  return {
    name: `after listing space ${key}`,
    reached(request, url) {
      const part = request.batch === undefined && listsSpace(world, request, url, key);
      if (part) listing = true;
      return listing && !part;
    },
    missed: () =>
      listing ? `nothing followed the listing of space ${key}` : `the crawl never listed space ${key}`,
  };
}

/** Before the crawl's first DELETE of an external item (also inside a `$batch`). */
function beforeDeletions(): Point {
  return {
    name: "before deletions",
    reached: (request) =>
      request.method === "DELETE" &&
      request.service === "graph" &&
      /\/external\/connections\/[^/]+\/items\/[^/]+$/.test(request.path),
    missed: () => "the crawl deleted no item",
  };
}

const LISTINGS = new Set([
  "getPagesInSpace",
  "getBlogPostsInSpace",
  "getPages",
  "getBlogPosts",
  "getContent",
  "searchByCQL",
  "searchContentByCQL",
]);

/** Is this request part of listing space `key`'s content (v2, v1 or CQL)? */
function listsSpace(world: World, request: Readonly<JournalEntry>, url: URL, key: string): boolean {
  if (request.method !== "GET" || !LISTINGS.has(request.operationId ?? "")) return false;
  const space = world.confluence.store.spaceByKey(key);
  const q = url.searchParams;
  switch (request.operationId) {
    case "getPagesInSpace":
    case "getBlogPostsInSpace":
      return space !== undefined && request.path.split("/").at(-2) === space.id;
    case "getPages":
    case "getBlogPosts":
      return space !== undefined && q.getAll("space-id").some((v) => v.split(",").includes(space.id));
    case "getContent":
      return q.get("spaceKey")?.toLowerCase() === key.toLowerCase();
    default:
      return cqlNamesSpace(q.get("cql") ?? "", key);
  }
}

/** `space = KEY`, `space.key = "KEY"`, `space in (A, KEY)` in a CQL query (case-insensitive). */
export function cqlNamesSpace(cql: string, key: string): boolean {
  const wanted = key.toLowerCase();
  const unquote = (v: string) =>
    v
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .toLowerCase();
  for (const m of cql.matchAll(/\bspace(?:\.key)?\s*=\s*("[^"]*"|[\w-]+)/gi))
    if (unquote(m[1]) === wanted) return true;
  for (const m of cql.matchAll(/\bspace(?:\.key)?\s+in\s*\(([^)]*)\)/gi))
    if (m[1].split(",").some((v) => unquote(v) === wanted)) return true;
  return false;
}
