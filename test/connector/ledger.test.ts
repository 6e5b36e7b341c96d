import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashOf } from "../../src/connector/items.ts";
import { Ledger, type LedgerEntry } from "../../src/connector/ledger.ts";

const entry = (content: unknown, acl: unknown, spaceId: string, inputs = true): LedgerEntry => ({
  contentHash: hashOf(content),
  aclHash: hashOf(acl),
  spaceId,
  inputs,
});

type Op =
  | { kind: "set"; id: string; entry: LedgerEntry; generation: number }
  | { kind: "delete"; id: string }
  | { kind: "mark"; id: string; generation: number };

const ids = fc.constantFrom("1", "2", "3", "65537", "98305", "x-7", "1000000000001");
const ops = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant("set" as const),
      id: ids,
      entry: fc
        .tuple(fc.string(), fc.integer({ min: 0, max: 3 }), fc.constantFrom("s1", "s2"), fc.boolean())
        .map(([c, a, s, inputs]) => entry(c, a, s, inputs)),
      generation: fc.integer({ min: 0, max: 3 }),
    }),
    fc.record({ kind: fc.constant("delete" as const), id: ids }),
    fc.record({ kind: fc.constant("mark" as const), id: ids, generation: fc.integer({ min: 1, max: 3 }) }),
  ),
  { maxLength: 60 },
);

describe("ledger", () => {
  it("answers like a map of entries, also after a round trip through its JSON", () => {
    fc.assert(
      fc.property(ops, (list: Op[]) => {
        const ledger = new Ledger();
        const model = new Map<string, { entry: LedgerEntry; listed: number }>();
        for (const op of list) {
          if (op.kind === "set") {
            ledger.set(op.id, op.entry, op.generation);
            const listed = op.generation > 0 ? op.generation : (model.get(op.id)?.listed ?? 0);
            model.set(op.id, { entry: op.entry, listed });
          } else if (op.kind === "delete") {
            ledger.delete(op.id);
            model.delete(op.id);
          } else {
            ledger.markListed(op.id, op.generation);
            const known = model.get(op.id);
            if (known) known.listed = op.generation;
          }
        }
        const copy = Ledger.fromJSON(JSON.parse(JSON.stringify(ledger)));
        for (const l of [ledger, copy]) {
          expect(l.size).toBe(model.size);
          expect([...l.ids()].sort()).toEqual([...model.keys()].sort());
          for (const [id, { entry: e, listed }] of model) {
            expect(l.matches(id, e.contentHash, e.aclHash)).toBe(true);
            expect(l.matches(id, hashOf("something else"), e.aclHash)).toBe(false);
            expect(l.matches(id, e.contentHash, hashOf("another acl"))).toBe(false);
            expect(l.aclHashOf(id)).toBe(e.aclHash);
            expect(l.spaceOf(id)).toBe(e.spaceId);
            expect(l.hashesInputs(id)).toBe(e.inputs);
            for (const g of [1, 2, 3]) expect(l.listedIn(id, g)).toBe(listed === g);
          }
          expect(l.matches("never-set", hashOf(""), hashOf(""))).toBe(false);
          const rows = new Map<string, { items: number; legacy: number }>();
          for (const { entry: e } of model.values()) {
            const r = rows.get(e.spaceId) ?? { items: 0, legacy: 0 };
            rows.set(e.spaceId, { items: r.items + 1, legacy: r.legacy + (e.inputs ? 0 : 1) });
          }
          expect(l.spaceRows()).toEqual(rows);
        }
      }),
    );
  });

  it("grows past its first capacity and reuses the rows of deleted items", () => {
    const ledger = new Ledger();
    for (let i = 0; i < 5000; i++) ledger.set(String(i), entry(i, i % 7, `s${i % 3}`));
    for (let i = 0; i < 5000; i += 2) ledger.delete(String(i));
    for (let i = 0; i < 2500; i++) ledger.set(`n${i}`, entry(`n${i}`, 1, "s9"));
    expect(ledger.size).toBe(5000);
    expect(ledger.matches("4999", hashOf(4999), hashOf(4999 % 7))).toBe(true);
    expect(ledger.matches("n2499", hashOf("n2499"), hashOf(1))).toBe(true);
    expect(ledger.has("4998")).toBe(false);
    const json = ledger.toJSON();
    // Distinct ACL hashes and spaces are stored once.
    expect(json.acls.length).toBe(7);
    expect(json.spaces).toEqual(["s0", "s1", "s2", "s9"]);
    expect(Buffer.from(json.content, "base64").length).toBe(5000 * 16);
  });

  it("refuses a state file whose columns do not match its ids", () => {
    const json = new Ledger().toJSON();
    expect(() => Ledger.fromJSON({ ...json, ids: ["1"] })).toThrow(/damaged/);
    const one = new Ledger();
    one.set("1", entry("c", "a", "s"));
    expect(() => Ledger.fromJSON({ ...one.toJSON(), inputs: "AAA=" })).toThrow(/inputs column/);
  });

  it("reads a file written before inputs hashes as holding built items' hashes", () => {
    const ledger = new Ledger();
    for (let i = 0; i < 20; i++) ledger.set(String(i), entry(i, 0, "s1"));
    const { inputs, ...older } = ledger.toJSON();
    expect(Buffer.from(inputs ?? "", "base64")).toEqual(Buffer.from([255, 255, 15]));
    const read = Ledger.fromJSON(older);
    expect(
      [...read.ids()].every(
        (id) => !read.hashesInputs(id) && read.matches(id, hashOf(Number(id)), hashOf(0)),
      ),
    ).toBe(true);
    expect(read.spaceRows()).toEqual(new Map([["s1", { items: 20, legacy: 20 }]]));
  });

  it("hands out a new generation each time, kept across a round trip", () => {
    const ledger = new Ledger();
    expect(ledger.newGeneration()).toBe(1);
    expect(ledger.newGeneration()).toBe(2);
    expect(Ledger.fromJSON(ledger.toJSON()).newGeneration()).toBe(3);
  });
});
