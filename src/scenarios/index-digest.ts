import type { World } from "../simulators/world.ts";

/**
 * A connection's index in comparable form: every item (ACL as a sorted set, properties, content)
 * and every external group (names and sorted members), each as one canonical JSON string. Two
 * crawls that left the same index have equal digests whatever order they wrote things in.
 */
export interface IndexDigest {
  items: Map<string, string>;
  groups: Map<string, string>;
}

export function indexDigest(world: World, connectionId: string): IndexDigest {
  const conn = world.graph.connection(connectionId);
  const items = new Map<string, string>();
  const groups = new Map<string, string>();
  for (const [id, item] of conn?.items ?? []) {
    const acl = item.acl.map((e) => canonical(e)).sort();
    items.set(id, canonical({ acl, properties: item.properties, content: item.content ?? null }));
  }
  for (const [id, group] of conn?.groups ?? []) {
    const members = [...group.members.values()].map((m) => `${m.type}:${m.id}`).sort();
    groups.set(id, canonical({ displayName: group.displayName, description: group.description, members }));
  }
  return { items, groups };
}

/**
 * How `actual` differs from `expected`, one line per item or group (missing, extra, different),
 * at most `limit` lines plus a count of the rest.
 */
export function digestDifferences(expected: IndexDigest, actual: IndexDigest, limit = 10): string[] {
  const lines = [
    ...differences("item", expected.items, actual.items),
    ...differences("external group", expected.groups, actual.groups),
  ];
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more`] : lines;
}

function differences(what: string, expected: Map<string, string>, actual: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [id, want] of expected) {
    const got = actual.get(id);
    if (got === undefined) out.push(`${what} ${id} is missing`);
    else if (got !== want) out.push(`${what} ${id} differs: expected ${clip(want)}, found ${clip(got)}`);
  }
  for (const id of actual.keys()) if (!expected.has(id)) out.push(`${what} ${id} should not be there`);
  return out;
}

/** JSON with object keys sorted, so equal values have equal strings. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

function clip(text: string): string {
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
