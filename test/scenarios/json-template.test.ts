import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoadError } from "../../src/fixture-formats/errors.ts";
import { loadScenarioText } from "../../src/scenarios/loader.ts";
import { expandRepeats, jsonMismatch, MAX_REPEAT } from "../../src/scenarios/steps/json-template.ts";

describe("graph request JSON: $repeat", () => {
  it("expands a $repeat element into numbered copies, in place", () => {
    expect(
      expandRepeats({
        properties: [{ name: "title" }, { $repeat: 3, from: 1, item: { name: "p{n}", tags: ["t{n}"] } }, "x"],
      }),
    ).toEqual({
      properties: [
        { name: "title" },
        { name: "p1", tags: ["t1"] },
        { name: "p2", tags: ["t2"] },
        { name: "p3", tags: ["t3"] },
        "x",
      ],
    });
  });

  it("makes exactly N items numbered from K, and leaves JSON without $repeat as it is", () => {
    fc.assert(
      fc.property(fc.nat(200), fc.integer({ min: -5, max: 5 }), (count, from) => {
        const out = expandRepeats([{ $repeat: count, from, item: "v{n}" }]) as string[];
        expect(out).toEqual(Array.from({ length: count }, (_, i) => `v${from + i}`));
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(expandRepeats(value)).toEqual(value);
      }),
    );
  });

  it("refuses a malformed $repeat, located at the body in the scenario file", () => {
    for (const [spec, message] of [
      [`{ $repeat: ${MAX_REPEAT + 1}, item: x }`, `$repeat must be a whole number from 0 to ${MAX_REPEAT}`],
      ["{ $repeat: 2 }", "$repeat needs an item"],
      ["{ $repeat: 2, item: x, times: 3 }", "$repeat takes only from and item, not times"],
    ]) {
      const text = `name: r\nsteps:\n  - graph:\n      request:\n        method: POST\n        path: /v1.0/x\n        body: [${spec}]\n`;
      try {
        loadScenarioText(text, "r.yaml");
        expect.unreachable("loaded");
      } catch (error) {
        expect(error).toBeInstanceOf(LoadError);
        expect((error as LoadError).message).toContain(
          `r.yaml:7:15: steps[0].graph.request.body: ${message}`,
        );
      }
    }
  });
});

describe("graph request JSON: expected answer", () => {
  it("matches objects by the fields named, lists element by element", () => {
    const answer = { state: "ready", properties: [{ name: "a", type: "string" }, { name: "b" }] };
    expect(jsonMismatch(answer, { state: "ready" })).toBeUndefined();
    expect(jsonMismatch(answer, { properties: [{ name: "a" }, { name: "b" }] })).toBeUndefined();
    expect(jsonMismatch(answer, { state: "draft" })).toBe('state is "ready", expected "draft"');
    expect(jsonMismatch(answer, { properties: [{ name: "a" }] })).toBe(
      "properties has 2 entries, expected 1",
    );
    expect(jsonMismatch(answer, { properties: [{}, { name: "c" }] })).toBe(
      'properties[1].name is "b", expected "c"',
    );
    expect(jsonMismatch(answer, { missing: 1 })).toBe("missing is missing, expected 1");
    expect(jsonMismatch("not json", { state: "ready" })).toBe('the answer is "not json", expected an object');
  });

  it("every value matches itself", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonMismatch(value, value)).toBeUndefined();
      }),
    );
  });
});
