import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonNestsDeeperThan } from "../../src/util/json-depth.ts";

/** Nesting depth of a parsed JSON value: arrays and objects count one level each. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("jsonNestsDeeperThan", () => {
  it("agrees with the depth of the parsed value, for any JSON text and limit", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(jsonNestsDeeperThan(text, limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 2000 },
    );
  });

  it("finds deep nesting among many shallow brackets, and brackets in strings do not count", () => {
    const wide = JSON.stringify(Array.from({ length: 300 }, () => ({ a: [1] })));
    expect(jsonNestsDeeperThan(wide, 3)).toBe(false);
    expect(jsonNestsDeeperThan(`[${wide}]`, 3)).toBe(true);
    expect(jsonNestsDeeperThan(JSON.stringify({ s: "[".repeat(500) }), 100)).toBe(false);
  });
});
