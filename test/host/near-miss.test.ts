import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { serveWorld } from "../../src/cli/serve.ts";
import { nearMisses, segmentDistance } from "../../src/simulators/host/near-miss.ts";
import type { Route, Service } from "../../src/simulators/host/types.ts";

const services = serveWorld().host.services;
const routes: { service: Service; route: Route }[] = services.flatMap((service) =>
  service.routes.map((route) => ({ service, route })),
);

/** A concrete path for a route pattern: each parameter replaced by a generated segment. */
const concrete = (pattern: string, values: string[]) =>
  pattern.replace(/:[A-Za-z0-9_]+/g, () => values.shift() ?? "x").replace(/\/\*\*.*$/, "/deep/rest");

const segment = fc.stringMatching(/^[a-z0-9]{1,12}$/);

describe("near misses (the routes nearest to an unmatched request)", () => {
  it("a path the route table matches has a distance-0 near miss with that route's pattern", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...routes),
        fc.array(segment, { minLength: 6, maxLength: 6 }),
        ({ route }, values) => {
          const path = concrete(route.path, values);
          const method = route.method === "*" ? "GET" : route.method;
          const best = nearMisses(method, path, services, 50);
          expect(best[0].distance).toBe(0);
          expect(best.filter((m) => m.distance === 0).map((m) => m.path)).toContain(route.path);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a one-letter typo in a literal segment still finds the route, at a distance below 1", () => {
    const literal = routes.filter(({ route }) => route.path.split("/").some((s) => /^[a-z]{4,}$/.test(s)));
    fc.assert(
      fc.property(
        fc.constantFrom(...literal),
        fc.nat(),
        fc.array(segment, { minLength: 6, maxLength: 6 }),
        ({ route }, pick, values) => {
          const parts = concrete(route.path, values).split("/");
          const words = parts
            .map((s, i) => (/^[a-z]{4,}$/.test(s) && route.path.split("/")[i] === s ? i : -1))
            .filter((i) => i >= 0);
          const at = words[pick % words.length];
          parts[at] = `${parts[at].slice(0, -1)}${parts[at].endsWith("q") ? "z" : "q"}`;
          const method = route.method === "*" ? "GET" : route.method;
          const found = nearMisses(method, parts.join("/"), services, 200).find((m) => m.path === route.path);
          expect(found?.distance).toBeGreaterThan(0);
          expect(found?.distance).toBeLessThan(1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("puts the same path's other methods first for a 405", () => {
    const [first] = nearMisses("DELETE", "/wiki/api/v2/spaces", services);
    expect(first).toMatchObject({
      method: "GET",
      path: "/wiki/api/v2/spaces",
      operationId: "getSpaces",
      distance: 0.5,
    });
  });

  it("finds Confluence's v2 page route for a singular 'page'", () => {
    const [first] = nearMisses("GET", "/wiki/api/v2/page/1001", services);
    expect(first).toMatchObject({ path: "/wiki/api/v2/pages/:id", operationId: "getPageById" });
  });

  it("counts added, dropped and misspelt segments; ** takes any tail", () => {
    expect(segmentDistance(["a", "b"], ["a", "b"])).toBe(0);
    expect(segmentDistance(["a", "b", "c"], ["a", "b"])).toBe(1);
    expect(segmentDistance(["a"], ["a", ":id"])).toBe(1);
    expect(segmentDistance(["a", "x", "y", "z"], ["a", "**"])).toBe(0);
    expect(segmentDistance(["pages"], ["page"])).toBeCloseTo(0.2);
  });
});
