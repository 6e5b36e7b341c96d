import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Clause,
  CqlSyntaxError,
  checkCql,
  type Expr,
  FIELDS,
  OPERATORS,
  type Operand,
  parseCql,
  printCql,
  type Query,
  searchByCql,
  withoutPositions,
} from "../../src/simulators/confluence/cql/index.ts";
import { as, testSite } from "./site.ts";

const fieldNames = [...FIELDS.keys(), "unknownfield", "custom.thing"];
const functionNames = [
  "now",
  "startOfDay",
  "currentUser",
  "favouriteSpaces",
  "recentlyViewedContent",
  "myFunc",
];

const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom("a", " ", '"', "'", "\\", "\n", "*", "(", ","),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
});

const operand: fc.Arbitrary<Operand> = fc.oneof(
  { weight: 4, arbitrary: text.map((value): Operand => ({ kind: "string", value, pos: 0 })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ name: fc.constantFrom(...functionNames), args: fc.array(text, { maxLength: 2 }) })
      .map(({ name, args }): Operand => ({ kind: "function", name, args, pos: 0 })),
  },
);

const clause: fc.Arbitrary<Clause> = fc
  .record({ field: fc.constantFrom(...fieldNames), op: fc.constantFrom(...OPERATORS), single: operand })
  .chain(({ field, op, single }) => {
    if (op !== "in" && op !== "not in")
      return fc.constant<Clause>({ kind: "clause", field, op, value: single, pos: 0 });
    return fc
      .oneof(
        fc.array(operand, { minLength: 1, maxLength: 4 }),
        operand.filter((o) => o.kind === "function"),
      )
      .map((value): Clause => ({ kind: "clause", field, op, value, pos: 0 }));
  });

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    clause,
    fc.record({ kind: fc.constant("not" as const), expr: tie("expr"), pos: fc.constant(0) }),
    fc.record({
      kind: fc.constantFrom("and" as const, "or" as const),
      left: tie("expr"),
      right: tie("expr"),
      pos: fc.constant(0),
    }),
  ),
}));

const query: fc.Arbitrary<Query> = fc.record({
  where: expr,
  orderBy: fc.array(
    fc.record({
      field: fc.constantFrom(...fieldNames),
      direction: fc.constantFrom("asc" as const, "desc" as const),
      pos: fc.constant(0),
    }),
    { maxLength: 3 },
  ),
});

const store = testSite();
const alice = as(store, "alice");

describe("properties", () => {
  it("printing a random tree and parsing it back gives the same tree", () => {
    fc.assert(
      fc.property(query, (q) => {
        expect(withoutPositions(parseCql(printCql(q)))).toEqual(withoutPositions(q));
      }),
      { numRuns: 2000 },
    );
  });

  it("10,000 random strings never throw anything but CqlSyntaxError", () => {
    const cqlish = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: "binary", maxLength: 30 }),
      fc
        .array(
          fc.constantFrom(
            "type",
            "space",
            "=",
            "!=",
            "~",
            "!~",
            ">",
            ">=",
            "<",
            "<=",
            "in",
            "not",
            "and",
            "or",
            "(",
            ")",
            ",",
            '"',
            "'",
            "\\",
            "page",
            "now(",
            '"-1d"',
            "order",
            "by",
            "desc",
            "2024/01/01",
            "*",
            "label",
            " ",
          ),
          { maxLength: 14 },
        )
        .map((parts) => parts.join(" ")),
    );
    fc.assert(
      fc.property(cqlish, (s) => {
        try {
          checkCql(s);
          parseCql(s);
        } catch (e) {
          if (!(e instanceof CqlSyntaxError)) throw e;
          expect(e.position).toBeGreaterThanOrEqual(0);
          expect(e.position).toBeLessThanOrEqual(s.length);
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it("every accepted query evaluates, and the planner finds what a full scan finds", () => {
    const fields = [
      "type",
      "space",
      "title",
      "text",
      "label",
      "id",
      "ancestor",
      "parent",
      "created",
      "lastmodified",
      "creator",
    ];
    const values = [
      "page",
      "ENG",
      '"roadmap 2026"',
      '"win*"',
      "public",
      "101",
      "100",
      '"2026/03/17"',
      "now('-1w')",
      "startOfMonth()",
      "currentUser()",
    ];
    const ops = ["=", "!=", "~", "!~", ">", "<=", "in", "not in"];
    const clauseText = fc
      .record({ f: fc.constantFrom(...fields), o: fc.constantFrom(...ops), v: fc.constantFrom(...values) })
      .map(({ f, o, v }) => (o === "in" || o === "not in" ? `${f} ${o} (${v})` : `${f} ${o} ${v}`));
    const cql = fc
      .tuple(
        clauseText,
        fc.array(fc.tuple(fc.constantFrom(" and ", " or ", " and not "), clauseText), { maxLength: 3 }),
      )
      .map(([first, rest]) => first + rest.map(([j, c]) => j + c).join(""));
    let accepted = 0;
    fc.assert(
      fc.property(cql, (text) => {
        if (!checkCql(text).ok) return;
        accepted++;
        const params = {
          cql: text,
          limit: 50,
          restrictionTrim: "exact" as const,
          includeArchivedSpaces: true,
        };
        const planned = searchByCql(alice, params);
        const scanned = searchByCql(alice, { ...params, usePlanner: false });
        if (!planned.ok || !scanned.ok) throw new Error(`${text} failed to evaluate`);
        // The index-backed plan must find exactly what a full scan finds.
        expect(planned.result.results.map((c) => c.id)).toEqual(scanned.result.results.map((c) => c.id));
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});
