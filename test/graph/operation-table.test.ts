import { describe, expect, it } from "vitest";
import { OPERATION_TABLE } from "../../src/simulators/graph/index.ts";
import { defaultSchema, item, makeWorld } from "./world.ts";

type State = "draft" | "ready" | "obsolete" | "limitExceeded";
const STATES: State[] = ["draft", "ready", "obsolete", "limitExceeded"];

// Seed 003 ("Create, update, and delete connections in Microsoft Graph"), columns Draft, Ready,
// Obsolete, LimitExceeded, written out here so the test checks the code against the document.
const SEED: Record<string, [boolean, boolean, boolean, boolean]> = {
  createConnection: [false, true, false, true],
  readConnection: [true, true, true, true],
  updateConnection: [true, true, false, true],
  deleteConnection: [true, true, true, true],
  createSchema: [true, false, false, false],
  readSchema: [false, true, true, true],
  updateSchema: [false, true, false, false],
  deleteSchema: [false, false, false, false],
  createItem: [false, true, false, false],
  readItem: [false, true, true, true],
  updateItem: [false, true, false, true],
  deleteItem: [false, true, false, true],
};

const EVERYONE = [{ type: "everyone", value: "everyone", accessType: "grant" }];

/** A world with connection `wiki` in the given state; ready-ish states hold item `existing`. */
async function inState(state: State) {
  const w = makeWorld();
  if (state === "draft") {
    await w.call("POST", "/external/connections", { id: "wiki", name: "Wiki" });
    return w;
  }
  await w.readyConnection("wiki");
  expect(
    (await w.call("PUT", "/external/connections/wiki/items/existing", item("Existing", EVERYONE))).status,
  ).toBe(200);
  if (state === "obsolete") w.twin.makeObsolete("wiki");
  if (state === "limitExceeded") w.twin.setQuota({ connectionId: "wiki", items: 1 });
  expect((await w.call("GET", "/external/connections/wiki")).body.state).toBe(state);
  return w;
}

type W = Awaited<ReturnType<typeof inState>>;
const OPS: Record<string, (w: W) => Promise<{ status: number; body: { error?: { code: string } } }>> = {
  readConnection: (w) => w.call("GET", "/external/connections/wiki"),
  updateConnection: (w) => w.call("PATCH", "/external/connections/wiki", { description: "new" }),
  deleteConnection: (w) => w.call("DELETE", "/external/connections/wiki"),
  // PATCH schema is "create" while no schema exists and "update" afterwards.
  createOrUpdateSchema: (w) =>
    w.call("PATCH", "/external/connections/wiki/schema", {
      ...defaultSchema,
      properties: [...defaultSchema.properties, { name: "extra", type: "string", isRetrievable: true }],
    }),
  readSchema: (w) => w.call("GET", "/external/connections/wiki/schema"),
  deleteSchema: (w) => w.call("DELETE", "/external/connections/wiki/schema"),
  createItem: (w) => w.call("PUT", "/external/connections/wiki/items/fresh", item("Fresh", EVERYONE)),
  readItem: (w) => w.call("GET", "/external/connections/wiki/items/existing"),
  updateItem: (w) =>
    w.call("PATCH", "/external/connections/wiki/items/existing", { properties: { title: "Changed" } }),
  updateItemByPut: (w) =>
    w.call("PUT", "/external/connections/wiki/items/existing", { properties: { title: "Changed" } }),
  deleteItem: (w) => w.call("DELETE", "/external/connections/wiki/items/existing"),
};

const SUCCESS: Record<string, number> = {
  readConnection: 200,
  updateConnection: 204,
  deleteConnection: 202,
  createOrUpdateSchema: 202,
  readSchema: 200,
  createItem: 200,
  readItem: 200,
  updateItem: 200,
  updateItemByPut: 200,
  deleteItem: 204,
};

describe("operation table (Graph's connection-management page)", () => {
  it("the code's table equals the seed's table cell for cell", () => {
    for (const [op, cells] of Object.entries(SEED)) {
      STATES.forEach((s, i) => {
        expect(OPERATION_TABLE[op as keyof typeof OPERATION_TABLE][s], `${op} × ${s}`).toBe(cells[i]);
      });
    }
  });

  const expectedFor = (op: string, state: State): boolean => {
    const i = STATES.indexOf(state);
    if (op === "createOrUpdateSchema") return state === "draft" ? SEED.createSchema[i] : SEED.updateSchema[i];
    if (op === "updateItemByPut") return SEED.updateItem[i];
    return SEED[op][i];
  };

  for (const state of STATES) {
    for (const op of Object.keys(OPS)) {
      const allowed = expectedFor(op, state);
      it(`${op} in ${state}: ${allowed ? "allowed" : "refused"}`, async () => {
        const w = await inState(state);
        const res = await OPS[op](w);
        if (op === "deleteSchema") {
          expect(res.status).toBe(404);
          return;
        }
        if (op === "readSchema" && state === "draft") {
          // A connection that never had a schema: 404, what connector code creates the schema on.
          expect(res.status).toBe(404);
          expect((res.body.error as { innerError?: { code?: string } }).innerError?.code).toBe(
            "SchemaNotFound",
          );
          return;
        }
        if (allowed) expect(res.status, JSON.stringify(res.body)).toBe(SUCCESS[op]);
        else {
          expect([400, 403]).toContain(res.status);
          if (state === "limitExceeded" && op === "createItem")
            expect(res.body.error?.code).toBe("quotaLimitReached");
          else expect(res.body.error?.code).toBe("InvalidRequest");
        }
      });
    }
  }

  it("create connection: a new id is created whatever state the others are in; an existing id is 409 in every state", async () => {
    for (const state of STATES) {
      const w = await inState(state);
      expect((await w.call("POST", "/external/connections", { id: "another", name: "A" })).status).toBe(201);
      expect((await w.call("POST", "/external/connections", { id: "wiki", name: "A" })).status).toBe(409);
    }
  });

  it("limitExceeded returns to ready when items drop under the quota; tenant quota counts all connections", async () => {
    const w = makeWorld({ itemsPerTenant: 2 });
    await w.readyConnection("one");
    await w.readyConnection("two");
    expect((await w.call("PUT", "/external/connections/one/items/a", item("A", EVERYONE))).status).toBe(200);
    expect((await w.call("PUT", "/external/connections/two/items/b", item("B", EVERYONE))).status).toBe(200);
    expect((await w.call("GET", "/external/connections/one")).body.state).toBe("limitExceeded");
    expect((await w.call("GET", "/external/connections/two")).body.state).toBe("limitExceeded");
    const refused = await w.call("PUT", "/external/connections/one/items/c", item("C", EVERYONE));
    expect(refused.status).toBe(403);
    expect(
      (await w.call("GET", "https://graph.microsoft.com/beta/external/connections/one/quota")).body
        .itemsRemaining,
    ).toBe(0);
    expect((await w.call("DELETE", "/external/connections/two/items/b")).status).toBe(204);
    expect((await w.call("GET", "/external/connections/one")).body.state).toBe("ready");
    expect((await w.call("PUT", "/external/connections/one/items/c", item("C", EVERYONE))).status).toBe(200);
  });
});
