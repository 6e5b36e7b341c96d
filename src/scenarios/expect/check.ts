import { AccessEvaluator } from "../../simulators/confluence/permissions.ts";
import { globToRegExp } from "../../simulators/host/glob.ts";
import type { JournalEntry } from "../../simulators/host/journal.ts";
import type { RunContext } from "../context.ts";
import { explainPair } from "../oracle/explain.ts";
import { oracleInput } from "../oracle/input.ts";
import { entryRef, externalGroupId, normalizeRef } from "../oracle/notation.ts";
import { runParity } from "../oracle/parity.ts";
import type { Expectation } from "../schema.ts";

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const show = (xs: Iterable<string>) => `[${[...xs].join(", ")}]`;

/** Checks every key of one `expect` step; returns one message per broken expectation. */
export async function checkExpectation(ctx: RunContext, e: Expectation): Promise<string[]> {
  const failures: string[] = [];
  const { world, connectionId } = ctx;
  const conn = world.graph.connection(connectionId);
  const needConnection = (what: string): boolean => {
    if (conn) return true;
    failures.push(`${what}: connection ${connectionId} does not exist (has a crawl run?)`);
    return false;
  };

  if (e.connection) {
    const { state, exists } = e.connection;
    if (exists === false && conn) failures.push(`connection: ${connectionId} exists but should not`);
    if (exists === true && !conn) failures.push(`connection: ${connectionId} does not exist`);
    if (state && needConnection("connection")) {
      const actual = world.graph.stateOf(conn!);
      if (actual !== state) failures.push(`connection: state is ${actual}, expected ${state}`);
    }
  }

  if (e.items && needConnection("items")) {
    const ids = new Set(conn!.items.keys());
    if (e.items.count !== undefined && ids.size !== e.items.count)
      failures.push(`items: ${ids.size} in the index, expected ${e.items.count}`);
    const missing = (e.items.include ?? []).filter((id) => !ids.has(id));
    if (missing.length) failures.push(`items: missing ${show(missing)}`);
    const present = (e.items.exclude ?? []).filter((id) => ids.has(id));
    if (present.length) failures.push(`items: should not be indexed ${show(present)}`);
  }

  for (const want of list(e.item)) {
    if (!needConnection("item")) break;
    const item = conn!.items.get(want.id);
    if (!item) {
      failures.push(`item ${want.id}: not in the index`);
      continue;
    }
    for (const [key, value] of Object.entries(want.properties ?? {})) {
      const actual = item.properties[key];
      if (JSON.stringify(actual) !== JSON.stringify(value))
        failures.push(
          `item ${want.id}: property ${key} is ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`,
        );
    }
    if (want.content !== undefined && !(item.content?.value ?? "").includes(want.content))
      failures.push(`item ${want.id}: content does not contain ${JSON.stringify(want.content)}`);
  }

  for (const want of list(e.acl)) {
    if (!needConnection("acl")) break;
    const item = conn!.items.get(want.item);
    if (!item) {
      failures.push(`acl ${want.item}: not in the index`);
      continue;
    }
    const actual = {
      grant: new Set(item.acl.filter((a) => a.accessType === "grant").map((a) => entryRef(world, a))),
      deny: new Set(item.acl.filter((a) => a.accessType === "deny").map((a) => entryRef(world, a))),
    };
    if (want.audience) {
      const actualUsers = [...world.directory.users.values()]
        .filter((u) => u.accountEnabled && world.graph.canAccess(u.id, connectionId, want.item))
        .map((u) => u.userPrincipalName.toLowerCase())
        .sort();
      const wanted = want.audience.map((u) => normalizeRef(world, `user:${u}`).slice(5));
      const missing = wanted.filter((u) => !actualUsers.includes(u));
      const extra = actualUsers.filter((u) => !wanted.includes(u));
      if (missing.length || extra.length)
        failures.push(
          `acl ${want.item}: grants ${show(actualUsers)}, expected ${show(wanted)}` +
            (missing.length ? `; missing ${show(missing)}` : "") +
            (extra.length ? `; unexpected ${show(extra)}` : ""),
        );
    }
    for (const kind of ["grant", "deny"] as const) {
      const expected = want[kind];
      if (expected === undefined) continue;
      const wanted = new Set(expected.map((r) => normalizeRef(world, r)));
      const missing = [...wanted].filter((r) => !actual[kind].has(r));
      const extra = [...actual[kind]].filter((r) => !wanted.has(r));
      if (missing.length || (want.exact !== false && extra.length)) {
        failures.push(
          `acl ${want.item}: ${kind} is ${show(actual[kind])}, expected ${show(wanted)}` +
            (missing.length ? `; missing ${show(missing)}` : "") +
            (want.exact !== false && extra.length ? `; unexpected ${show(extra)}` : ""),
        );
      }
    }
  }

  for (const want of list(e.externalGroup)) {
    if (!needConnection("externalGroup")) break;
    const id = externalGroupId(world, want.id);
    const group = conn!.groups.get(id);
    if (want.exists === false) {
      if (group) failures.push(`externalGroup ${want.id}: exists (${id}) but should not`);
      continue;
    }
    if (!group) {
      failures.push(`externalGroup ${want.id}: no external group ${id}`);
      continue;
    }
    if (want.members) {
      const actual = new Set(
        [...group.members.values()].map((m) =>
          entryRef(world, { type: m.type === "user" ? "user" : m.type, value: m.id, accessType: "grant" }),
        ),
      );
      const wanted = new Set(want.members.map((r) => normalizeRef(world, r.includes(":") ? r : `user:${r}`)));
      if ([...wanted].some((m) => !actual.has(m)) || [...actual].some((m) => !wanted.has(m)))
        failures.push(`externalGroup ${want.id}: members are ${show(actual)}, expected ${show(wanted)}`);
    }
  }

  for (const want of list(e.search)) {
    const result = world.graph.search(want.as, {
      query: want.query,
      connectionIds: [connectionId],
      size: 1000,
    });
    const hits = new Set(result.hits.map((h) => h.hitId));
    for (const id of want.finds ?? []) {
      if (!hits.has(id))
        failures.push(
          `search as ${want.as} for ${JSON.stringify(want.query)}: does not find ${id}\n${indent(explainPair(ctx, want.as, id))}`,
        );
    }
    for (const id of want.misses ?? []) {
      if (hits.has(id))
        failures.push(
          `search as ${want.as} for ${JSON.stringify(want.query)}: finds ${id} but should not\n${indent(explainPair(ctx, want.as, id))}`,
        );
    }
  }

  for (const want of list(e.resolve)) {
    const result = world.graph.resolveUrl(connectionId, want.url);
    const actual = result?.itemId ?? null;
    if (actual !== want.to)
      failures.push(
        `resolve ${want.url}: ${actual === null ? "unresolved" : `→ ${actual}`}, expected ${want.to ?? "unresolved"}`,
      );
  }

  if (e.errors) {
    const last = ctx.crawls.at(-1);
    if (!last) failures.push("errors: no crawl has run");
    else {
      const codes = reportedCodes(last);
      if (e.errors.none && codes.size)
        failures.push(`errors: expected none, reported ${show([...codes].map(String))}`);
      const missing = (e.errors.codes ?? []).filter((c) => !codes.has(c));
      if (missing.length)
        failures.push(
          `errors: ${show(missing.map(String))} not reported (reported ${show([...codes].map(String))})`,
        );
      if (e.errors.only) {
        const extra = [...codes].filter((c) => !(e.errors?.codes ?? []).includes(c));
        if (extra.length) failures.push(`errors: also reported ${show(extra.map(String))}`);
      }
    }
  }

  if (e.requests) {
    const since = e.requests.since === "start" ? 0 : (ctx.crawls.at(-1)?.sinceSeq ?? 0);
    const r = e.requests;
    const pathRe = r.path === undefined ? undefined : globToRegExp(r.path, "/");
    const entries = world.host.journal
      .entries({ service: r.service, sinceSeq: since, operationId: r.operationId, status: r.status })
      .filter(
        (x) =>
          (r.method === undefined || x.method === r.method.toUpperCase()) &&
          (pathRe === undefined || pathRe.test(x.path)),
      );
    const what = [r.service, r.method?.toUpperCase(), r.operationId, r.path, r.status]
      .filter((x) => x !== undefined)
      .join(" ");
    if (r.max !== undefined && entries.length > r.max)
      failures.push(`requests: ${entries.length} ${what} calls, budget ${r.max}`);
    if (r.min !== undefined && entries.length < r.min)
      failures.push(`requests: ${entries.length} ${what} calls, expected at least ${r.min}`);
    if (e.requests.perItem !== undefined) {
      const items = conn?.items.size ?? 0;
      const per = items === 0 ? entries.length : entries.length / items;
      if (per > e.requests.perItem)
        failures.push(
          `requests: ${per.toFixed(2)} ${what} calls per item (${entries.length} for ${items} items), budget ${e.requests.perItem}`,
        );
    }
  }

  if (e.retries?.honourRetryAfter) {
    failures.push(...retryViolations(world.host.journal.entries()));
    // The Graph twin's own ingestion throttling keeps its own record per connection.
    for (const r of world.graph.retryDiscipline.filter((x) => !x.honoured))
      failures.push(
        `retries: connection ${r.connectionId} came back ${r.waitedSeconds}s after a ${r.retryAfterSeconds}s Retry-After (throttled at ${r.throttledAt})`,
      );
  }

  for (const want of list(e.access)) {
    const accountId = ctx.names.user(want.as);
    const evaluator = new AccessEvaluator(world.confluence.store, { type: "user", accountId });
    for (const [ids, expected] of [
      [want.views ?? [], true],
      [want.cannotView ?? [], false],
    ] as const) {
      for (const id of ids) {
        const content = world.confluence.store.content.get(id);
        if (!content) {
          failures.push(`access: no content ${id}`);
          continue;
        }
        const decision = evaluator.explain(content);
        if (decision.allowed !== expected)
          failures.push(
            `access: ${want.as} ${decision.allowed ? "can" : "cannot"} view ${id} "${content.title}"\n${indent(decision.reasons.map((r) => `${r.ok ? "✓" : "✗"} ${r.check}: ${r.detail}`))}`,
          );
      }
    }
  }

  for (const want of list(e.content)) {
    const c = world.confluence.store.content.get(want.id);
    if (!c) {
      if (want.status !== "purged") failures.push(`content ${want.id}: does not exist`);
      continue;
    }
    if (want.status !== undefined && c.status !== want.status)
      failures.push(`content ${want.id}: status is ${c.status}, expected ${want.status}`);
    if (want.title !== undefined && c.title !== want.title)
      failures.push(
        `content ${want.id}: title is ${JSON.stringify(c.title)}, expected ${JSON.stringify(want.title)}`,
      );
    if (want.parent !== undefined && c.parentId !== want.parent)
      failures.push(
        `content ${want.id}: parent is ${c.parentId ?? "none"}, expected ${want.parent ?? "none"}`,
      );
    if (want.space !== undefined) {
      const key = world.confluence.store.spaces.get(c.spaceId)?.key;
      if (key?.toLowerCase() !== want.space.toLowerCase())
        failures.push(`content ${want.id}: in space ${key}, expected ${want.space}`);
    }
  }

  if (e.parity) {
    const report = runParity(oracleInput(ctx));
    const problems: string[] = [];
    // Which (kind, documented) classes missed their count: only those differences are listed.
    const failing = new Set<string>();
    for (const kind of ["overExposed", "underExposed"] as const) {
      const want = e.parity[kind];
      if (want !== undefined && report[kind] !== want) {
        problems.push(`${report[kind]} ${kind} (expected ${want})`);
        failing.add(`${kind} false`);
      }
      const documented = e.parity.documented?.[kind];
      if (documented !== undefined && report.documented[kind] !== documented) {
        problems.push(`${report.documented[kind]} documented ${kind} (expected ${documented})`);
        failing.add(`${kind} true`);
      }
    }
    const shared = e.parity.sharedAccounts;
    const sharedLines: string[] = [];
    if (shared !== undefined && report.sharedAccounts.length !== shared) {
      problems.push(`${report.sharedAccounts.length} shared Confluence accounts (expected ${shared})`);
      for (const s of report.sharedAccounts)
        sharedLines.push(`${s.account} is claimed by ${s.users.join(" and ")}`);
    }
    if (problems.length) {
      const bugs = report.differences.filter((d) => failing.has(`${d.kind} ${d.documented}`));
      failures.push(
        `parity: ${problems.join(", ")} over ${report.users} users × ${report.items} items\n${indent([
          ...sharedLines,
          ...bugs
            .slice(0, 20)
            .map(
              (d) =>
                `${d.kind} ${d.user} × ${d.item} "${d.title}": ${d.documented ? "(documented) " : ""}${d.reason}`,
            ),
        ])}${bugs.length > 20 ? `\n    … ${bugs.length - 20} more` : ""}${
          // The first difference explained in full: usually enough to see the pattern.
          bugs[0] ? `\n${indent(explainPair(ctx, bugs[0].user, bugs[0].item))}` : ""
        }`,
      );
    }
  }
  return failures;
}

function reportedCodes(crawl: RunContext["crawls"][number]): Set<number> {
  const codes = new Set<number>();
  if (crawl.fatal) codes.add(crawl.fatal.code);
  for (const err of crawl.report?.errors ?? []) codes.add(err.code);
  for (const u of crawl.report?.unmappedIdentities ?? []) codes.add(u.code);
  if (crawl.report?.partialAcl.length) codes.add(2007);
  return codes;
}

/** A request answered with Retry-After N must not be retried before N seconds (simulated time); POSTs are skipped. */
export function retryViolations(entries: JournalEntry[]): string[] {
  const out: string[] = [];
  const blockedUntil = new Map<string, { until: number; seq: number }>();
  for (const e of entries) {
    // The same request (method + URL) may not come back before the announced time. POSTs to one
    // URL are usually different requests (one per group or batch), so they are not compared.
    if (e.method === "POST") continue;
    const key = `${e.method} ${e.url}`;
    const at = Date.parse(e.at);
    const block = blockedUntil.get(key);
    if (block && at < block.until) {
      out.push(
        `retries: ${e.method} ${e.path} retried at ${e.at}, ${((block.until - at) / 1000).toFixed(1)}s before the Retry-After of request #${block.seq} elapsed`,
      );
    }
    if (e.retryAfter !== undefined && (e.status === 429 || e.status === 503))
      blockedUntil.set(key, { until: at + e.retryAfter * 1000, seq: e.seq });
  }
  return out;
}

function indent(lines: string[] | string): string {
  const arr = typeof lines === "string" ? lines.split("\n") : lines;
  return arr.map((l) => `    ${l}`).join("\n");
}
