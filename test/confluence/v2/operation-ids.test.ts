import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { v2Routes } from "../../../src/simulators/confluence/routes/v2/index.ts";

/**
 * Handlers are named by the spec's operationIds (scopes and docs are looked up by them), and each
 * serves the spec's method and path. Two routes are newer than the Jan-2025 spec.
 */
describe("v2 operation ids", () => {
  it("match the spec's method and path", () => {
    const spec = JSON.parse(
      readFileSync(new URL("../../../specs/confluence-v2.openapi.json", import.meta.url), "utf8"),
    ) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const byId = new Map<string, string>();
    for (const [path, item] of Object.entries(spec.paths))
      for (const [method, op] of Object.entries(item))
        if (op?.operationId)
          byId.set(op.operationId, `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, "{}")}`);
    const newer = new Set(["getPageDirectChildren", "getPageDescendants"]);
    for (const route of v2Routes()) {
      const served = `${route.method} ${route.path.replace("/api/v2", "").replace(/:\w+/g, "{}")}`;
      if (newer.has(route.operationId)) expect(byId.has(route.operationId)).toBe(false);
      else expect(byId.get(route.operationId), route.operationId).toBe(served);
    }
  });
});
