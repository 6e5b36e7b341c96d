/**
 * Semantic checks the real service applies after parsing: known fields, operator/field fit,
 * function/field fit, date formats, ORDER BY only on single-valued fields, user fields only on
 * /search/user, and no negative first clause. Every failure is a CqlSyntaxError (stage
 * "validate") pointing at the offending clause; on the wire all of them are the same 400.
 */
import type { Clause, Expr, Operand, Query } from "./ast.ts";
import { clausesOf } from "./ast.ts";
import { isDateFunction, parseDateLiteral, parseIncrement } from "./dates.ts";
import { CqlSyntaxError } from "./errors.ts";
import { FIELDS, type FieldSpec, fieldSpec, functionKindFor, functionSpec } from "./fields.ts";
import { type ParseResult, parseCql } from "./parser.ts";

export type CqlEndpoint = "search" | "content-search" | "user-search";

export interface ValidateOptions {
  /** Which endpoint runs the query: user fields only work on /search/user. Default "search". */
  endpoint?: CqlEndpoint;
  /**
   * Atlassian's docs: "a negative expression cannot be the first clause". Default "reject"
   * (a 400); "allow" evaluates it against everything instead.
   */
  leadingNegation?: "reject" | "allow";
}

const NEGATIVE_OPS = new Set(["!=", "!~", "not in"]);

export function validateCql(query: Query, options: ValidateOptions = {}): void {
  const endpoint = options.endpoint ?? "search";
  for (const clause of clausesOf(query.where)) checkClause(clause, endpoint);
  if ((options.leadingNegation ?? "reject") === "reject") {
    const first = leadingNegation(query.where);
    if (first)
      throw invalid("a negative expression cannot be the first clause", first.pos, ["a positive clause"]);
  }
  for (const key of query.orderBy) {
    const spec = fieldSpec(key.field);
    if (!spec || spec.userSearchOnly)
      throw invalid(`cannot order by unknown field "${key.field}"`, key.pos, sortable());
    if (spec.multiValued || (spec.type === "text" && spec.name !== "title")) {
      throw invalid(
        `cannot order by ${spec.multiValued ? "multi-valued" : "text"} field "${spec.name}"`,
        key.pos,
        sortable(),
      );
    }
  }
}

/** Parse and validate in one step, without throwing. */
export function checkCql(text: string, options: ValidateOptions = {}): ParseResult {
  try {
    const query = parseCql(text);
    validateCql(query, options);
    return { ok: true, query };
  } catch (error) {
    if (error instanceof CqlSyntaxError) return { ok: false, error };
    throw error;
  }
}

function checkClause(clause: Clause, endpoint: CqlEndpoint): void {
  const spec = fieldSpec(clause.field);
  if (!spec) throw invalid(`unknown field "${clause.field}"`, clause.pos, ["a CQL field"]);
  if (spec.userSearchOnly && endpoint !== "user-search") {
    throw invalid(`field "${spec.name}" is only accepted by /wiki/rest/api/search/user`, clause.pos, [
      "a content field",
    ]);
  }
  if (!spec.userSearchOnly && endpoint === "user-search") {
    throw invalid(`field "${spec.name}" is not accepted by /wiki/rest/api/search/user`, clause.pos, [
      "a user field",
    ]);
  }
  if (!spec.operators.includes(clause.op)) {
    throw invalid(
      `operator "${clause.op.toUpperCase()}" is not supported by field "${spec.name}"`,
      clause.pos,
      spec.operators.map((o) => o.toUpperCase()),
    );
  }
  const operands: Operand[] = Array.isArray(clause.value) ? clause.value : [clause.value];
  for (const operand of operands) checkOperand(operand, spec);
}

function checkOperand(operand: Operand, spec: FieldSpec): void {
  if (operand.kind === "function") {
    const fn = functionSpec(operand.name);
    if (!fn) throw invalid(`unknown function "${operand.name}()"`, operand.pos, ["a CQL function"]);
    if (fn.kind !== functionKindFor(spec.type)) {
      throw invalid(`function "${fn.name}()" is not supported by field "${spec.name}"`, operand.pos, [
        "a value",
      ]);
    }
    if (operand.args.length < fn.minArgs || operand.args.length > fn.maxArgs) {
      throw invalid(`function "${fn.name}()" takes ${fn.minArgs}–${fn.maxArgs} arguments`, operand.pos, []);
    }
    if (isDateFunction(fn.name) && operand.args.length === 1) {
      const inc = parseIncrement(operand.args[0]);
      if (!inc || (fn.name === "now" && !inc.unit)) {
        throw invalid(`invalid increment "${operand.args[0]}" (use e.g. "-4w", "+1d")`, operand.pos, [
          '"(+/-)nn(y|M|w|d|h|m)"',
        ]);
      }
    }
    if (fn.kind === "space" || fn.kind === "content") {
      for (const arg of operand.args) {
        if (!/^\d+$/.test(arg))
          throw invalid(`function "${fn.name}()" takes numbers`, operand.pos, ["a number"]);
      }
    }
    return;
  }
  if (spec.type === "date" && !parseDateLiteral(operand.value)) {
    throw invalid(
      `"${operand.value}" is not a date (use "yyyy/MM/dd", "yyyy-MM-dd", optionally with " HH:mm")`,
      operand.pos,
      ["yyyy/MM/dd", "yyyy/MM/dd HH:mm", "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "a date function"],
    );
  }
}

/** The first clause in evaluation order, if it is negative. */
function leadingNegation(expr: Expr): Expr | undefined {
  let e = expr;
  while (e.kind === "and" || e.kind === "or") e = e.left;
  if (e.kind === "not") return e;
  if (e.kind === "clause" && NEGATIVE_OPS.has(e.op)) return e;
  return undefined;
}

function sortable(): string[] {
  return [...FIELDS.values()]
    .filter((s) => !s.multiValued && !s.userSearchOnly && (s.type !== "text" || s.name === "title"))
    .map((s) => s.name);
}

function invalid(message: string, pos: number, expected: readonly string[]): CqlSyntaxError {
  return new CqlSyntaxError(message, pos, expected, "validate");
}
