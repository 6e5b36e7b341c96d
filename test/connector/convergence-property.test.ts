import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryStateStore } from "../../src/connector/state.ts";
import { accountIdFor, type SiteSpec } from "../../src/simulators/confluence/seed.ts";
import type { World } from "../../src/simulators/world.ts";
import { DIRECTORY, SITE } from "./fixture.ts";
import { configFor, connectorFor, groupsOf, indexOf, makeWorld } from "./harness.ts";

type Change =
  | { kind: "edit"; id: string }
  | { kind: "trash"; id: string }
  | { kind: "restrict"; id: string; users: string[] }
  | { kind: "unrestrict"; id: string }
  | { kind: "join"; group: string; user: string }
  | { kind: "leave"; group: string; user: string }
  | { kind: "label"; id: string; label: string };

const IDS = ["1000", "1001", "1002", "1003", "1004", "1006", "1100", "2000", "2001", "2002", "3001", "3002"];
const PEOPLE = ["alice", "bob", "carol", "erin", "frank"];
const GROUPS = ["eng", "hr", "hr-leads", "legal"];

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant("edit" as const), id: fc.constantFrom(...IDS) }),
  fc.record({ kind: fc.constant("trash" as const), id: fc.constantFrom(...IDS) }),
  fc.record({
    kind: fc.constant("restrict" as const),
    id: fc.constantFrom(...IDS),
    users: fc.subarray(PEOPLE, { minLength: 1 }),
  }),
  fc.record({ kind: fc.constant("unrestrict" as const), id: fc.constantFrom(...IDS) }),
  fc.record({
    kind: fc.constant("join" as const),
    group: fc.constantFrom(...GROUPS),
    user: fc.constantFrom(...PEOPLE),
  }),
  fc.record({
    kind: fc.constant("leave" as const),
    group: fc.constantFrom(...GROUPS),
    user: fc.constantFrom(...PEOPLE),
  }),
  fc.record({
    kind: fc.constant("label" as const),
    id: fc.constantFrom(...IDS),
    label: fc.constantFrom("x", "y"),
  }),
);

function apply(world: World, changes: Change[]): void {
  const { store } = world.confluence;
  for (const c of changes) {
    const content = "id" in c ? store.content.get(c.id) : undefined;
    if ("id" in c && content?.status !== "current") continue;
    switch (c.kind) {
      case "edit":
        store.updateContent(c.id, { body: `<p>edited at ${world.clock.iso()}</p>` });
        break;
      case "trash":
        store.setStatus(c.id, "trashed");
        break;
      case "restrict":
        // The crawl account stays in the restriction so the page remains crawlable.
        store.setRestriction(c.id, "read", { users: [...c.users, "svc"].map(accountIdFor), groups: [] });
        break;
      case "unrestrict":
        store.setRestriction(c.id, "read", null);
        break;
      case "join":
        store.addGroupMember(store.requireGroup(c.group).id, accountIdFor(c.user));
        break;
      case "leave":
        store.removeGroupMember(store.requireGroup(c.group).id, accountIdFor(c.user));
        break;
      case "label":
        store.addLabel(c.id, c.label);
        break;
    }
  }
}

describe("convergence", () => {
  it("after any changes, a full crawl on top of an earlier crawl equals a fresh crawl of the changed site", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 8 }), async (changes) => {
        const spec: SiteSpec = SITE;
        const a = makeWorld(spec, DIRECTORY);
        const state = new MemoryStateStore();
        await connectorFor(a, configFor(a), state).fullCrawl();
        const at = a.clock.now() + 3_600_000;
        a.clock.set(at);
        apply(a, changes);
        await connectorFor(a, configFor(a), state).fullCrawl();

        const b = makeWorld(spec, DIRECTORY);
        b.clock.set(at);
        apply(b, changes);
        await connectorFor(b, configFor(b)).fullCrawl();

        expect(indexOf(a)).toEqual(indexOf(b));
        expect(groupsOf(a)).toEqual(groupsOf(b));
      }),
      { numRuns: 20 },
    );
  });
});
