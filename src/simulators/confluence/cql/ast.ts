/**
 * Typed syntax tree for CQL (Confluence Query Language). The parser produces it, the printer
 * turns it back into canonical CQL, the validator and evaluator walk it.
 * Every node carries `pos`, the 0-based offset of its first character in the source text.
 */

export type Operator = "=" | "!=" | "~" | "!~" | ">" | ">=" | "<" | "<=" | "in" | "not in";

export const OPERATORS: readonly Operator[] = ["=", "!=", "~", "!~", ">", ">=", "<", "<=", "in", "not in"];

/** A literal value, quoted or not (`ENG`, `"ENG"`, `'2024/01/01'`). The quotes are not kept. */
export interface StringOperand {
  kind: "string";
  value: string;
  pos: number;
}

/** A function call such as `now("-4w")` or `currentUser()`. Arguments are literal strings. */
export interface FunctionOperand {
  kind: "function";
  /** Canonical spelling when the function is known (`currentUser`), else as written. */
  name: string;
  args: string[];
  pos: number;
}

export type Operand = StringOperand | FunctionOperand;

/** `field op value`. For `in` / `not in` the value is a list or a function; otherwise one operand. */
export interface Clause {
  kind: "clause";
  /** Lower-cased field name (`lastmodified`, `space.key`, `sitesearch`). */
  field: string;
  op: Operator;
  value: Operand | Operand[];
  pos: number;
}

export interface Not {
  kind: "not";
  expr: Expr;
  pos: number;
}

/** AND / OR are evaluated left to right without precedence, so `a or b and c` = `(a or b) and c`. */
export interface Binary {
  kind: "and" | "or";
  left: Expr;
  right: Expr;
  pos: number;
}

export type Expr = Clause | Not | Binary;

export interface SortKey {
  field: string;
  direction: "asc" | "desc";
  pos: number;
}

export interface Query {
  where: Expr;
  orderBy: SortKey[];
}

/** Every clause of an expression, left to right (the order the service evaluates them). */
export function clausesOf(expr: Expr): Clause[] {
  const out: Clause[] = [];
  const walk = (e: Expr): void => {
    if (e.kind === "clause") out.push(e);
    else if (e.kind === "not") walk(e.expr);
    else {
      walk(e.left);
      walk(e.right);
    }
  };
  walk(expr);
  return out;
}

/** A copy with every `pos` removed, for comparing trees parsed from different texts. */
export function withoutPositions<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (key, value) => (key === "pos" ? undefined : value))) as T;
}
