import { describe, expect, it } from "vitest";
import { validateSchema } from "../../src/simulators/graph/index.ts";
import { makeWorld } from "./world.ts";

const base = "microsoft.graph.externalItem";
const p = (o: Record<string, unknown>) => ({ name: "title", type: "string", isRetrievable: true, ...o });
const schema = (...properties: unknown[]) => ({ baseType: base, properties });

/** Research table (a): row, schema body, status, error.code, innerError.code. */
const RULES: Array<[string, unknown, number, string, string]> = [
  [
    "10 baseType",
    { baseType: "microsoft.graph.externalConnector.externalItem", properties: [p({})] },
    400,
    "InvalidRequest",
    "InvalidSchemaBaseType",
  ],
  ["11 no properties", schema(), 400, "InvalidRequest", "SchemaPropertyCountOutOfRange"],
  [
    "11 >128 properties",
    schema(...Array.from({ length: 129 }, (_, i) => p({ name: `p${i}` }))),
    400,
    "InvalidRequest",
    "SchemaPropertyCountOutOfRange",
  ],
  ["12 name >32", schema(p({ name: "a".repeat(33) })), 400, "InvalidRequest", "InvalidPropertyName"],
  [
    "12 name with forbidden char",
    schema(p({ name: "page:title" })),
    400,
    "InvalidRequest",
    "InvalidPropertyName",
  ],
  ["12 name with space", schema(p({ name: "page title" })), 400, "InvalidRequest", "InvalidPropertyName"],
  ["12 alias >32", schema(p({ aliases: ["b".repeat(33)] })), 400, "InvalidRequest", "InvalidAliasName"],
  [
    "12 alias with forbidden char",
    schema(p({ aliases: ["a/b"] })),
    400,
    "InvalidRequest",
    "InvalidAliasName",
  ],
  [
    "13 duplicate names (case-insensitive)",
    schema(p({}), p({ name: "TITLE" })),
    400,
    "InvalidRequest",
    "DuplicatePropertyName",
  ],
  [
    "13 alias collides with a name",
    schema(p({}), p({ name: "other", aliases: ["title"] })),
    400,
    "InvalidRequest",
    "DuplicateAlias",
  ],
  [
    "14 searchable int64",
    schema(p({ type: "int64", isSearchable: true })),
    400,
    "InvalidRequest",
    "SearchableShouldNotBeOfType",
  ],
  [
    "14 searchable dateTime",
    schema(p({ type: "dateTime", isSearchable: true })),
    400,
    "InvalidRequest",
    "SearchableShouldNotBeOfType",
  ],
  [
    "15 refinable and searchable",
    schema(p({ isRefinable: true, isSearchable: true })),
    400,
    "InvalidRequest",
    "RefinerShouldNotBeSearchable",
  ],
  [
    "16 refinable boolean",
    schema(p({ type: "boolean", isRefinable: true })),
    400,
    "InvalidRequest",
    "RefinerShouldNotBeOfType",
  ],
  [
    "17 labelled not retrievable",
    schema(p({ isRetrievable: false, labels: ["title"] })),
    400,
    "InvalidRequest",
    "LabelledPropertyShouldBeRetrievable",
  ],
  [
    "18 label type mismatch",
    schema(p({ type: "int64", labels: ["title"] })),
    400,
    "InvalidRequest",
    "LabelTypeMismatch",
  ],
  [
    "18 label twice",
    schema(p({ labels: ["title"] }), p({ name: "t2", labels: ["title"] })),
    400,
    "InvalidRequest",
    "DuplicateLabel",
  ],
  [
    "19 exact match on searchable",
    schema(p({ isSearchable: true, isExactMatchRequired: true })),
    400,
    "InvalidRequest",
    "ExactMatchNotSupported",
  ],
  [
    "19 exact match on int64",
    schema(p({ type: "int64", isExactMatchRequired: true })),
    400,
    "InvalidRequest",
    "ExactMatchNotSupported",
  ],
  [
    "20 description >200",
    schema(p({ description: "d".repeat(201) })),
    400,
    "InvalidRequest",
    "PropertyDescriptionTooLong",
  ],
  [
    "21 unknownFutureValue type",
    schema(p({ type: "unknownFutureValue" })),
    400,
    "BadRequest",
    "InvalidEnumValue",
  ],
  [
    "21 unknownFutureValue label",
    schema(p({ labels: ["unknownFutureValue"] })),
    400,
    "BadRequest",
    "InvalidEnumValue",
  ],
  ["unknown type", schema(p({ type: "guid" })), 400, "BadRequest", "InvalidEnumValue"],
  ["non-boolean flag", schema(p({ isSearchable: "yes" })), 400, "BadRequest", "InvalidPropertyValue"],
];

describe("schema validation (docs/fidelity/graph.md, Schema)", () => {
  for (const [row, body, status, code, inner] of RULES) {
    it(`row ${row} → ${status} ${code}/${inner}`, async () => {
      const w = makeWorld();
      await w.call("POST", "/external/connections", { id: "wiki", name: "Wiki" });
      const res = await w.call("PATCH", "/external/connections/wiki/schema", body);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.innerError.code).toBe(inner);
      expect(typeof res.body.error.innerError.message).toBe("string");
    });
  }

  it("row 16 message is the observed one", () => {
    expect(() =>
      validateSchema(schema(p({ name: "someproperty", type: "Boolean", isRefinable: "true" }))),
    ).toThrow(
      expect.objectContaining({
        inner: {
          code: "RefinerShouldNotBeOfType",
          message: "Refiner property 'someproperty' cannot be of type 'Boolean'.",
        },
      }),
    );
  });

  it("accepts what the samples send: capitalised enums, string booleans, labels after the sentinel, refinable string/dateTime, 128 properties", () => {
    const s = validateSchema(
      schema(
        {
          name: "ticketTitle",
          type: "String",
          isSearchable: "true",
          isRetrievable: "true",
          labels: ["title"],
        },
        { name: "iconUrl", type: "string", isRetrievable: true, labels: ["iconUrl"] },
        { name: "state", type: "string", isRefinable: true, isQueryable: true, isRetrievable: true },
        {
          name: "updatedAt",
          type: "dateTime",
          isRefinable: true,
          isRetrievable: true,
          labels: ["lastModifiedDateTime"],
        },
        { name: "authors", type: "StringCollection", isRetrievable: true, labels: ["authors"] },
        { name: "page_id-x", type: "int64", isQueryable: true },
      ),
    );
    expect(s.properties.map((x) => x.type)).toEqual([
      "string",
      "string",
      "string",
      "dateTime",
      "stringCollection",
      "int64",
    ]);
    expect(s.properties[0].isSearchable).toBe(true);
    expect(() =>
      validateSchema(schema(...Array.from({ length: 128 }, (_, i) => p({ name: `p${i}` })))),
    ).not.toThrow();
  });
});
