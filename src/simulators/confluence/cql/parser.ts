/**
 * CQL parser: tokens → Query. Grammar (keywords case-insensitive):
 *
 *   query   := expr [ ORDER BY sort ("," sort)* ] EOF
 *   expr    := term ( (AND | OR) term )*          -- left to right, no precedence
 *   term    := NOT term | "(" expr ")" | clause
 *   clause  := field op operand | field (IN | NOT IN) ( "(" operand ("," operand)* ")" | function )
 *   operand := word | quoted | function
 *   function:= word "(" [ arg ("," arg)* ] ")"
 *   sort    := field [ ASC | DESC ]
 *
 * Syntax only: field names, operator/field fit and date formats are checked by validate.ts.
 * Bounded: every later pass (validation, planning, evaluation, printing) recurses over the tree,
 * so the parser refuses deep nesting and long clause chains before anything else sees them.
 */
import type { Binary, Clause, Expr, FunctionOperand, Operand, Operator, Query, SortKey } from "./ast.ts";
import { CqlSyntaxError, showToken } from "./errors.ts";
import { functionSpec } from "./fields.ts";
import { type Token, tokenize } from "./lexer.ts";
import { isReservedWord } from "./reserved.ts";

const AFTER_CLAUSE = ["AND", "OR", "ORDER BY", "end of input"];
const FIELD_EXPECTED = ["a field name", "NOT", "("];
const OPERATOR_EXPECTED = ["=", "!=", "~", "!~", ">", ">=", "<", "<=", "IN", "NOT IN"];

/** Deepest nesting of parentheses and NOTs a query may use (ours: real queries nest a few levels). */
export const MAX_CQL_NESTING = 64;
/**
 * Most clauses one query may hold. AND/OR chains build a tree as deep as they are long, so this
 * bounds the tree's depth too; 1,024 is Lucene's default boolean-clause limit (a guess at the
 * engine behind CQL).
 */
export const MAX_CQL_CLAUSES = 1024;

export function parseCql(text: string): Query {
  return new Parser(text).parseQuery();
}

export type ParseResult = { ok: true; query: Query } | { ok: false; error: CqlSyntaxError };

/** parseCql without throwing; anything other than a CqlSyntaxError still propagates (a bug). */
export function tryParseCql(text: string): ParseResult {
  try {
    return { ok: true, query: parseCql(text) };
  } catch (error) {
    if (error instanceof CqlSyntaxError) return { ok: false, error };
    throw error;
  }
}

class Parser {
  readonly #tokens: Token[];
  #i = 0;
  #nesting = 0;
  #clauses = 0;

  constructor(text: string) {
    this.#tokens = tokenize(text);
  }

  parseQuery(): Query {
    if (this.#peek().kind === "eof") throw this.#error(FIELD_EXPECTED, "the query is empty");
    const where = this.#parseExpr();
    const orderBy: SortKey[] = [];
    if (this.#isKeyword("order")) {
      this.#next();
      this.#expectKeyword("by");
      do {
        orderBy.push(this.#parseSortKey());
      } while (this.#accept("comma"));
    }
    if (this.#peek().kind !== "eof") {
      throw this.#error(orderBy.length > 0 ? [",", "ASC", "DESC", "end of input"] : AFTER_CLAUSE);
    }
    return { where, orderBy };
  }

  #parseExpr(): Expr {
    let left = this.#parseTerm();
    for (;;) {
      const kind = this.#isKeyword("and") ? "and" : this.#isKeyword("or") ? "or" : undefined;
      if (!kind) return left;
      const pos = this.#next().pos;
      const right = this.#parseTerm();
      left = { kind, left, right, pos } satisfies Binary;
    }
  }

  #parseTerm(): Expr {
    const token = this.#peek();
    if (this.#isKeyword("not")) {
      this.#next();
      return { kind: "not", expr: this.#nested(() => this.#parseTerm()), pos: token.pos };
    }
    if (token.kind === "lparen") {
      this.#next();
      const inner = this.#nested(() => this.#parseExpr());
      if (!this.#accept("rparen")) throw this.#error(["AND", "OR", ")"]);
      return inner;
    }
    return this.#parseClause();
  }

  /** Parses one level deeper, refusing queries nested past MAX_CQL_NESTING. */
  #nested<T>(parse: () => T): T {
    if (++this.#nesting > MAX_CQL_NESTING) {
      throw this.#error([], `the query nests parentheses and NOT deeper than ${MAX_CQL_NESTING} levels`);
    }
    const result = parse();
    this.#nesting--;
    return result;
  }

  #parseClause(): Clause {
    const fieldToken = this.#peek();
    if (fieldToken.kind !== "word" || isReservedWord(fieldToken.text)) throw this.#error(FIELD_EXPECTED);
    if (++this.#clauses > MAX_CQL_CLAUSES) {
      throw this.#error([], `the query has more than ${MAX_CQL_CLAUSES} clauses`);
    }
    this.#next();
    const field = fieldToken.text.toLowerCase();
    const op = this.#parseOperator();
    if (op === "in" || op === "not in") {
      return { kind: "clause", field, op, value: this.#parseListOrFunction(), pos: fieldToken.pos };
    }
    return { kind: "clause", field, op, value: this.#parseOperand(), pos: fieldToken.pos };
  }

  #parseOperator(): Operator {
    const token = this.#peek();
    if (token.kind === "op") {
      this.#next();
      return token.text as Operator;
    }
    if (this.#isKeyword("in")) {
      this.#next();
      return "in";
    }
    if (this.#isKeyword("not")) {
      this.#next();
      if (!this.#isKeyword("in")) throw this.#error(["IN"]);
      this.#next();
      return "not in";
    }
    throw this.#error(OPERATOR_EXPECTED);
  }

  #parseListOrFunction(): Operand[] | FunctionOperand {
    const token = this.#peek();
    if (token.kind === "word" && this.#peek(1).kind === "lparen") return this.#parseFunction();
    if (token.kind !== "lparen") throw this.#error(["(", "a function"]);
    this.#next();
    const items: Operand[] = [];
    do {
      items.push(this.#parseOperand());
    } while (this.#accept("comma"));
    if (!this.#accept("rparen")) throw this.#error([",", ")"]);
    return items;
  }

  #parseOperand(): Operand {
    const token = this.#peek();
    if (token.kind === "string") {
      this.#next();
      return { kind: "string", value: token.text, pos: token.pos };
    }
    if (token.kind === "word") {
      if (this.#peek(1).kind === "lparen") return this.#parseFunction();
      if (isReservedWord(token.text)) {
        throw this.#error(
          ["a value"],
          `${showToken(token.text)} is a reserved word; quote it to use it as a value`,
        );
      }
      this.#next();
      return { kind: "string", value: token.text, pos: token.pos };
    }
    throw this.#error(["a value", "a quoted value", "a function"]);
  }

  #parseFunction(): FunctionOperand {
    const nameToken = this.#next();
    if (isReservedWord(nameToken.text)) {
      throw new CqlSyntaxError(`${showToken(nameToken.text)} is a reserved word`, nameToken.pos, [
        "a function",
      ]);
    }
    this.#next(); // "("
    const args: string[] = [];
    if (!this.#accept("rparen")) {
      do {
        const arg = this.#peek();
        if (arg.kind !== "string" && (arg.kind !== "word" || isReservedWord(arg.text))) {
          throw this.#error(["a function argument"]);
        }
        this.#next();
        args.push(arg.text);
      } while (this.#accept("comma"));
      if (!this.#accept("rparen")) throw this.#error([",", ")"]);
    }
    const name = functionSpec(nameToken.text)?.name ?? nameToken.text;
    return { kind: "function", name, args, pos: nameToken.pos };
  }

  #parseSortKey(): SortKey {
    const token = this.#peek();
    if (token.kind !== "word" || isReservedWord(token.text)) throw this.#error(["a field name"]);
    this.#next();
    let direction: "asc" | "desc" = "asc";
    if (this.#isKeyword("asc") || this.#isKeyword("desc"))
      direction = this.#next().text.toLowerCase() as "asc" | "desc";
    return { field: token.text.toLowerCase(), direction, pos: token.pos };
  }

  #peek(ahead = 0): Token {
    return this.#tokens[Math.min(this.#i + ahead, this.#tokens.length - 1)];
  }

  #next(): Token {
    const token = this.#peek();
    if (this.#i < this.#tokens.length - 1) this.#i++;
    return token;
  }

  #accept(kind: Token["kind"]): boolean {
    if (this.#peek().kind !== kind) return false;
    this.#next();
    return true;
  }

  #isKeyword(word: string): boolean {
    const token = this.#peek();
    return token.kind === "word" && token.text.toLowerCase() === word;
  }

  #expectKeyword(word: string): void {
    if (!this.#isKeyword(word)) throw this.#error([word.toUpperCase()]);
    this.#next();
  }

  #error(expected: readonly string[], message?: string): CqlSyntaxError {
    const token = this.#peek();
    const found = token.kind === "eof" ? undefined : this.#source(token);
    const list = expected
      .map((e) => (/^[a-z]|^[A-Z]+( [A-Z]+)*$/.test(e) ? e : JSON.stringify(e)))
      .join(", ");
    return new CqlSyntaxError(
      message ?? `expected ${list} but found ${showToken(found)}`,
      token.pos,
      expected,
    );
  }

  #source(token: Token): string {
    return token.text;
  }
}
