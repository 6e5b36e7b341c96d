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
  | { kind: "label"; id: string; label: string }
  | { kind: "unlabel"; id: string; label: string }
  | { kind: "retitle"; id: string }
  | { kind: "move"; id: string; parent: string | null }
  | { kind: "restore"; id: string }
  | { kind: "renameSpace"; space: string }
  | { kind: "spaceRead"; space: string; group: string; grant: boolean }
  | { kind: "displayName"; user: string };

const IDS = ["1000", "1001", "1002", "1003", "1004", "1006", "1100", "2000", "2001", "2002", "3001", "3002"];
const PEOPLE = ["alice", "bob", "carol", "erin", "frank"];
const GROUPS = ["eng", "hr", "hr-leads", "legal"];
const SPACES = ["ENG", "HR", "PUB"];
const LABELS = ["x", "y", "roadmap", "handbook", "release"];

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
    label: fc.constantFrom(...LABELS),
  }),
  fc.record({
    kind: fc.constant("unlabel" as const),
    id: fc.constantFrom(...IDS),
    label: fc.constantFrom(...LABELS),
  }),
  fc.record({ kind: fc.constant("retitle" as const), id: fc.constantFrom(...IDS) }),
  fc.record({
    kind: fc.constant("move" as const),
    id: fc.constantFrom(...IDS),
    parent: fc.constantFrom(null, ...IDS),
  }),
  fc.record({ kind: fc.constant("restore" as const), id: fc.constantFrom(...IDS) }),
  fc.record({ kind: fc.constant("renameSpace" as const), space: fc.constantFrom(...SPACES) }),
  fc.record({
    kind: fc.constant("spaceRead" as const),
    space: fc.constantFrom(...SPACES),
    group: fc.constantFrom(...GROUPS),
    grant: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("displayName" as const), user: fc.constantFrom("svc", ...PEOPLE) }),
);

function apply(world: World, changes: Change[]): void {
  const { store } = world.confluence;
  for (const c of changes) {
    const content = "id" in c ? store.content.get(c.id) : undefined;
    if ("id" in c && c.kind !== "restore" && content?.status !== "current") continue;
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
      case "unlabel":
        store.removeLabel(c.id, c.label);
        break;
      case "retitle":
        store.updateContent(c.id, { title: `${content!.title} (v${content!.version.number + 1})` });
        break;
      case "move": {
        // Within its space, under another current page or to the root; never under itself.
        const parent = c.parent ? store.content.get(c.parent) : undefined;
        if (content!.type !== "page") break;
        if (parent && (parent.type !== "page" || parent.spaceId !== content!.spaceId)) break;
        if (parent && (parent.id === c.id || store.ancestorsOf(parent).some((a) => a.id === c.id))) break;
        store.moveContent(c.id, parent?.id ?? null);
        break;
      }
      case "restore":
        if (content?.status === "trashed") store.setStatus(c.id, "current");
        break;
      case "renameSpace": {
        const space = store.spaceByKey(c.space)!;
        store.renameSpace(space.id, `${space.name} (renamed at ${world.clock.iso()})`);
        break;
      }
      case "spaceRead": {
        const space = store.spaceByKey(c.space)!;
        const group = { type: "group" as const, id: store.requireGroup(c.group).id };
        if (c.grant) store.grantSpacePermission(space.id, group);
        else store.revokeSpacePermission(space.id, group);
        break;
      }
      case "displayName":
        store.updateUser(accountIdFor(c.user), { displayName: `${c.user} renamed at ${world.clock.iso()}` });
        break;
    }
  }
}

describe("convergence", () => {
  // The crawls after the first list without bodies and fetch only changed items' bodies, so this
  // also pins that no change a connector must see (edits, moves, restrictions, labels, space
  // names and permissions, display names, trash and restore) is missed by that shortcut.
  it("after any changes, full crawls on top of an earlier crawl equal a fresh crawl of the changed site", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(change, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 2 }),
        async (rounds) => {
          const spec: SiteSpec = SITE;
          const a = makeWorld(spec, DIRECTORY);
          const state = new MemoryStateStore();
          await connectorFor(a, configFor(a), state).fullCrawl();
          const b = makeWorld(spec, DIRECTORY);
          for (const changes of rounds) {
            const at = a.clock.now() + 3_600_000;
            a.clock.set(at);
            b.clock.set(at);
            apply(a, changes);
            apply(b, changes);
            await connectorFor(a, configFor(a), state).fullCrawl();
          }
          await connectorFor(b, configFor(b)).fullCrawl();

          expect(indexOf(a)).toEqual(indexOf(b));
          expect(groupsOf(a)).toEqual(groupsOf(b));
        },
      ),
      { numRuns: 30 },
    );
  });
});
