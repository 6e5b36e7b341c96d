import { json, type Service, type TwinPlugin } from "../../src/simulators/host/index.ts";

/** A tiny twin with one service, used to test the host layer on its own. */
export function toyTwin(): TwinPlugin {
  let hits = 0;
  const service: Service = {
    name: "toy",
    hosts: ["*.toy.test", "api.toy.test"],
    prefixes: ["/toy/"],
    routes: [
      {
        method: "GET",
        path: "/toy/items/:id",
        operationId: "getItem",
        handler: ({ params, query, clock }) => {
          hits++;
          return json({ id: params.id, q: query.get("q"), now: clock.iso(), pad: "x".repeat(200) });
        },
      },
      {
        method: "POST",
        path: "/toy/items",
        operationId: "createItem",
        handler: async ({ request }) =>
          json({ created: await request.json() }, 201, { location: "/toy/items/1" }),
      },
      {
        method: "GET",
        path: "/toy/boom",
        operationId: "boom",
        handler: () => {
          throw new Error("kaboom");
        },
      },
    ],
    notFound: () => json({ toyError: "not found" }, 404),
    methodNotAllowed: () => json({ toyError: "method not allowed" }, 405),
    internalError: () => json({ toyError: "internal" }, 500),
  };
  return {
    services: [service],
    installAdmin: () => {},
    snapshot: () => ({ hits }),
    reset: () => {
      hits = 0;
    },
  };
}
