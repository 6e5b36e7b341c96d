import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Directory } from "../../src/simulators/directory/index.ts";
import { GraphTwin } from "../../src/simulators/graph/index.ts";
import { SimClock } from "../../src/simulators/host/index.ts";

/**
 * canAccess vs a brute-force reference over random directories, external group graphs (with
 * cycles) and ACLs. The reference walks membership recursively per question; the twin uses
 * fixed points and precomputed group sets.
 */

interface World {
  users: Array<{ guest: boolean; enabled: boolean }>;
  entra: Array<Array<{ t: "user" | "group"; i: number }>>;
  external: Array<Array<{ t: "user" | "group" | "externalGroup"; i: number }>>;
  items: Array<
    Array<{
      type: "user" | "group" | "externalGroup" | "everyone" | "everyoneExceptGuests";
      i: number;
      deny: boolean;
    }>
  >;
}

const NU = 5;
const NG = 4;
const NX = 4;

const worldArb: fc.Arbitrary<World> = fc.record({
  users: fc.array(fc.record({ guest: fc.boolean(), enabled: fc.constantFrom(true, true, true, false) }), {
    minLength: NU,
    maxLength: NU,
  }),
  entra: fc.array(
    fc.array(fc.record({ t: fc.constantFrom("user" as const, "group" as const), i: fc.nat(NU - 1) }), {
      maxLength: 4,
    }),
    { minLength: NG, maxLength: NG },
  ),
  external: fc.array(
    fc.array(
      fc.record({
        t: fc.constantFrom("user" as const, "group" as const, "externalGroup" as const),
        i: fc.nat(NX - 1),
      }),
      { maxLength: 4 },
    ),
    { minLength: NX, maxLength: NX },
  ),
  items: fc.array(
    fc.array(
      fc.record({
        type: fc.constantFrom(
          "user" as const,
          "group" as const,
          "externalGroup" as const,
          "everyone" as const,
          "everyoneExceptGuests" as const,
        ),
        i: fc.nat(NX - 1),
        deny: fc.boolean(),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    { minLength: 1, maxLength: 6 },
  ),
});

function build(w: World) {
  const directory = new Directory({
    tenant: "contoso.onmicrosoft.com",
    users: w.users.map((u, i) => ({ upn: `u${i}`, guest: u.guest, enabled: u.enabled })),
    groups: w.entra.map((_, g) => ({ name: `g${g}` })),
  });
  const uid = (i: number) => directory.user(`u${i % NU}@contoso.onmicrosoft.com`)!.id;
  const gid = (i: number) => directory.group(`g${i % NG}`)!.id;
  w.entra.forEach((members, g) => {
    for (const m of members) directory.addMember(gid(g), m.t === "user" ? uid(m.i) : gid(m.i));
  });
  const clock = new SimClock();
  const twin = new GraphTwin({ directory, clock, schemaProvisioningMs: 0 });
  const conn = twin.createConnection("app", { id: "prop", name: "p" });
  twin.submitSchema(conn, {
    baseType: "microsoft.graph.externalItem",
    properties: [{ name: "title", type: "string", isSearchable: true }],
  });
  w.external.forEach((members, x) => {
    twin.createGroup(conn, { id: `x${x}` });
    for (const m of members) {
      const id = m.t === "user" ? uid(m.i) : m.t === "group" ? gid(m.i) : `x${m.i}`;
      if (!conn.groups.get(`x${x}`)!.members.has(id)) twin.addGroupMember(conn, `x${x}`, { id, type: m.t });
    }
  });
  const acls = w.items.map((entries) =>
    entries.map((e) => ({
      type: e.type,
      accessType: e.deny ? ("deny" as const) : ("grant" as const),
      value:
        e.type === "user"
          ? uid(e.i)
          : e.type === "group"
            ? gid(e.i)
            : e.type === "externalGroup"
              ? `x${e.i}`
              : e.i % 2 === 0
                ? directory.tenantId
                : "everyone",
    })),
  );
  acls.forEach((acl, n) => {
    twin.putItem(conn, `i${n}`, { acl, properties: { title: "t" } });
  });
  return { directory, twin, conn, acls, uid, gid };
}

/** The brute-force reference. */
function reference(
  b: ReturnType<typeof build>,
  userIndex: number,
  acl: Array<{ type: string; value: string; accessType: string }>,
): boolean {
  const { directory, conn } = b;
  const user = directory.user(`u${userIndex}@contoso.onmicrosoft.com`)!;
  if (!user.accountEnabled) return false;
  const inEntra = (groupId: string, seen: Set<string>): boolean => {
    const g = directory.groups.get(groupId);
    if (!g || seen.has(groupId)) return false;
    const next = new Set(seen).add(groupId);
    return g.members.some((m) => (m.type === "user" ? m.id === user.id : inEntra(m.id, next)));
  };
  const inExternal = (id: string, seen: Set<string>): boolean => {
    const g = conn.groups.get(id);
    if (!g || seen.has(id)) return false;
    const next = new Set(seen).add(id);
    return [...g.members.values()].some((m) =>
      m.type === "user"
        ? m.id === user.id
        : m.type === "group"
          ? inEntra(m.id, new Set())
          : inExternal(m.id, next),
    );
  };
  const matches = (e: { type: string; value: string }) => {
    const everyone = e.value === directory.tenantId || e.value === "everyone";
    switch (e.type) {
      case "user":
        return e.value === user.id;
      case "group":
        return inEntra(e.value, new Set());
      case "externalGroup":
        return inExternal(e.value, new Set());
      case "everyone":
        return everyone;
      case "everyoneExceptGuests":
        return everyone && user.userType !== "Guest";
      default:
        return false;
    }
  };
  const denied = acl.some((e) => e.accessType === "deny" && matches(e));
  const granted = acl.some((e) => e.accessType === "grant" && matches(e));
  return granted && !denied;
}

describe("canAccess (property-based)", () => {
  it("equals the brute-force reference for random ACLs and group graphs; deny always wins", () => {
    const outcomes = { allowed: 0, refused: 0, viaExternal: 0, viaEntra: 0 };
    fc.assert(
      fc.property(worldArb, (w) => {
        const b = build(w);
        for (let u = 0; u < NU; u++) {
          const upn = `u${u}@contoso.onmicrosoft.com`;
          b.acls.forEach((acl, n) => {
            const got = b.twin.canAccess(upn, "prop", `i${n}`);
            expect(got).toBe(reference(b, u, acl));
            outcomes[got ? "allowed" : "refused"]++;
            const decision = b.twin.explainAccess(upn, "prop", `i${n}`);
            if (decision.denies.length > 0) expect(decision.allowed).toBe(false);
            if (decision.allowed && decision.grants.some((g) => g.type === "externalGroup"))
              outcomes.viaExternal++;
            if (decision.allowed && decision.grants.some((g) => g.type === "group")) outcomes.viaEntra++;
          });
        }
      }),
      { numRuns: 300, seed: 20260301 },
    );
    // The generator must exercise both outcomes and both kinds of group expansion.
    expect(outcomes.allowed).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.viaExternal).toBeGreaterThan(10);
    expect(outcomes.viaEntra).toBeGreaterThan(10);
  });

  it("adding a matching deny to any ACL always removes access", () => {
    fc.assert(
      fc.property(worldArb, fc.nat(NU - 1), (w, u) => {
        const b = build(w);
        const upn = `u${u}@contoso.onmicrosoft.com`;
        const user = b.directory.user(upn)!;
        b.acls.forEach((acl, n) => {
          b.twin.putItem(b.conn, `i${n}`, {
            acl: [...acl, { type: "user" as const, value: user.id, accessType: "deny" as const }],
          });
          expect(b.twin.canAccess(upn, "prop", `i${n}`)).toBe(false);
        });
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
