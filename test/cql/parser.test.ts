import { describe, expect, it } from "vitest";
import {
  type Clause,
  CqlSyntaxError,
  type Expr,
  parseCql,
  printCql,
  tokenize,
  tryParseCql,
  withoutPositions,
} from "../../src/simulators/confluence/cql/index.ts";

function where(cql: string): Expr {
  return withoutPositions(parseCql(cql).where);
}

function clause(cql: string): Clause {
  const w = parseCql(cql).where;
  if (w.kind !== "clause") throw new Error(`not a single clause: ${cql}`);
  return withoutPositions(w);
}

function syntaxError(cql: string): CqlSyntaxError {
  const r = tryParseCql(cql);
  if (r.ok) throw new Error(`expected a syntax error for ${cql}`);
  return r.error;
}

describe("lexer", () => {
  it("splits operators, words, strings, parentheses and commas with positions", () => {
    const tokens = tokenize(`space IN ("A b", c)and x>=1`);
    expect(tokens.map((t) => [t.kind, t.text, t.pos])).toEqual([
      ["word", "space", 0],
      ["word", "IN", 6],
      ["lparen", "(", 9],
      ["string", "A b", 10],
      ["comma", ",", 15],
      ["word", "c", 17],
      ["rparen", ")", 18],
      ["word", "and", 19],
      ["word", "x", 23],
      ["op", ">=", 24],
      ["word", "1", 26],
      ["eof", "", 27],
    ]);
  });

  it("unescapes single- and double-quoted strings", () => {
    expect(clause(`title = 'it\\'s'`).value).toEqual({ kind: "string", value: "it's" });
    expect(clause(`title = "say \\"hi\\""`).value).toEqual({ kind: "string", value: 'say "hi"' });
    expect(clause(`text ~ "\\\\[x\\\\]"`).value).toEqual({ kind: "string", value: "\\[x\\]" });
    expect(clause(`title = "a\\u00e9b"`).value).toEqual({ kind: "string", value: "aéb" });
    expect(clause(`title = "it's"`).value).toEqual({ kind: "string", value: "it's" });
  });

  it("rejects illegal escapes, unterminated strings and line breaks in strings", () => {
    expect(syntaxError(`text ~ "\\["`).stage).toBe("lex");
    expect(syntaxError(`title = "abc`).position).toBe(12);
    expect(syntaxError(`title = "a\nb"`).message).toContain("line break");
  });

  it("rejects reserved characters outside quotes and points at them", () => {
    for (const ch of "+;?|*%^$#@[]") {
      const err = syntaxError(`label = a${ch}b`);
      expect(err.position).toBe(9);
      expect(err.expected).toContain("a quoted value");
    }
    expect(parseCql(`label = "a+b*"`)).toBeTruthy();
  });

  it("accepts -, ., / and : in unquoted values (Atlassian's own examples)", () => {
    expect(clause("created > 2014-09-01").value).toEqual({ kind: "string", value: "2014-09-01" });
    expect(clause("created > 2014/09/01").value).toEqual({ kind: "string", value: "2014/09/01" });
    expect(clause("label = my-label.v2").value).toEqual({ kind: "string", value: "my-label.v2" });
    expect(clause("creator = 557058:abc").value).toEqual({ kind: "string", value: "557058:abc" });
  });

  it("rejects a lone !", () => {
    expect(syntaxError("title ! x").expected).toEqual(["!=", "!~"]);
  });
});

describe("clauses", () => {
  it.each([
    ["=", "title = x"],
    ["!=", "title != x"],
    ["~", "title ~ x"],
    ["!~", "title !~ x"],
    [">", "created > 2020-01-01"],
    [">=", "created >= 2020-01-01"],
    ["<", "created < 2020-01-01"],
    ["<=", "created <= 2020-01-01"],
  ])("parses operator %s", (op, cql) => {
    expect(clause(cql).op).toBe(op);
  });

  it("parses IN and NOT IN lists, any keyword case", () => {
    expect(clause("space in (A, 'B', \"C\")")).toEqual({
      kind: "clause",
      field: "space",
      op: "in",
      value: [
        { kind: "string", value: "A" },
        { kind: "string", value: "B" },
        { kind: "string", value: "C" },
      ],
    });
    expect(clause("label Not In (draft,review)").op).toBe("not in");
  });

  it("parses functions with and without arguments, in operand and list position", () => {
    expect(clause(`created >= now("-4w")`).value).toEqual({ kind: "function", name: "now", args: ["-4w"] });
    expect(clause("creator = currentuser()").value).toEqual({
      kind: "function",
      name: "currentUser",
      args: [],
    });
    expect(clause("space in favouriteSpaces()").value).toEqual({
      kind: "function",
      name: "favouriteSpaces",
      args: [],
    });
    expect(clause("id in recentlyViewedContent(10, 20)").value).toEqual({
      kind: "function",
      name: "recentlyViewedContent",
      args: ["10", "20"],
    });
    expect(clause("creator in (currentUser(), 'abc')").value).toEqual([
      { kind: "function", name: "currentUser", args: [] },
      { kind: "string", value: "abc" },
    ]);
  });

  it("lower-cases field names", () => {
    expect(clause("LastModified > 2020/01/01").field).toBe("lastmodified");
    expect(clause("Space.Key = A").field).toBe("space.key");
  });

  it("reports the missing comma of `space in (ENG HR)` at HR", () => {
    const err = syntaxError("space in (ENG HR)");
    expect(err.position).toBe(14);
    expect(err.expected).toEqual([",", ")"]);
  });

  it("requires a value, an operator and a field", () => {
    expect(syntaxError("title =").expected).toContain("a value");
    expect(syntaxError("title").expected).toContain("IN");
    expect(syntaxError("= x").expected).toContain("a field name");
    expect(syntaxError("").message).toContain("empty");
    expect(syntaxError("   ").message).toContain("empty");
    expect(syntaxError("space in ()").expected).toContain("a value");
    expect(syntaxError("space in A").expected).toContain("(");
    expect(syntaxError("title = (a)").expected).toContain("a value");
    expect(syntaxError("space not = A").expected).toEqual(["IN"]);
  });

  it("rejects unquoted reserved words as values and fields, accepts them quoted", () => {
    for (const word of [
      "and",
      "OR",
      "not",
      "in",
      "null",
      "empty",
      "select",
      "order",
      "by",
      "where",
      "update",
    ]) {
      expect(tryParseCql(`label = ${word}`).ok).toBe(false);
      expect(tryParseCql(`label = "${word}"`).ok).toBe(true);
    }
    expect(syntaxError("label = null").message).toContain("reserved word");
    expect(tryParseCql("select = x").ok).toBe(false);
  });
});

describe("boolean structure", () => {
  it("evaluates AND/OR left to right without precedence", () => {
    expect(printCql(parseCql("a = 1 or b = 2 and c = 3"))).toBe('a = "1" OR b = "2" AND c = "3"');
    const w = where("a = 1 or b = 2 and c = 3");
    expect(w.kind).toBe("and");
    if (w.kind === "and") expect(w.left.kind).toBe("or");
  });

  it("groups with parentheses", () => {
    const w = where("a = 1 or (b = 2 and c = 3)");
    expect(w.kind).toBe("or");
    if (w.kind === "or") expect(w.right.kind).toBe("and");
    expect(printCql(parseCql("a = 1 or (b = 2 and c = 3)"))).toBe('a = "1" OR (b = "2" AND c = "3")');
  });

  it("NOT binds to the next term", () => {
    const w = where("not a = 1 and b = 2");
    expect(w.kind).toBe("and");
    if (w.kind === "and") expect(w.left.kind).toBe("not");
    expect(where("NOT (a = 1 or b = 2)").kind).toBe("not");
    expect(where("not not a = 1")).toEqual({
      kind: "not",
      expr: {
        kind: "not",
        expr: { kind: "clause", field: "a", op: "=", value: { kind: "string", value: "1" } },
      },
    });
  });

  it("rejects unbalanced parentheses and dangling keywords", () => {
    expect(syntaxError("(a = 1").expected).toEqual(["AND", "OR", ")"]);
    expect(syntaxError("a = 1)").expected).toContain("ORDER BY");
    expect(syntaxError("a = 1 and").expected).toContain("a field name");
    expect(syntaxError("a = 1 b = 2").expected).toEqual(["AND", "OR", "ORDER BY", "end of input"]);
    expect(syntaxError("a = 1 && b = 2").stage).toBe("lex");
  });
});

describe("ORDER BY", () => {
  it("parses fields with optional directions", () => {
    expect(withoutPositions(parseCql("type = page order by created desc, title").orderBy)).toEqual([
      { field: "created", direction: "desc" },
      { field: "title", direction: "asc" },
    ]);
    expect(parseCql("type = page ORDER BY lastModified ASC").orderBy[0].field).toBe("lastmodified");
  });

  it("requires BY and a field, and nothing after the sort list", () => {
    expect(syntaxError("type = page order created").expected).toEqual(["BY"]);
    expect(syntaxError("type = page order by").expected).toEqual(["a field name"]);
    expect(syntaxError("type = page order by created sideways").expected).toContain("DESC");
    expect(syntaxError("order by created").expected).toContain("a field name");
  });
});

describe("errors", () => {
  it("are CqlSyntaxError values with position, expected and message", () => {
    try {
      parseCql("space = ENG and");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CqlSyntaxError);
      const err = e as CqlSyntaxError;
      expect(err.position).toBe(15);
      expect(err.message).toContain("end of input");
      expect(err.describe()).toMatch(/^parse error at 15: /);
    }
  });
});
