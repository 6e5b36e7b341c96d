/**
 * AST → canonical CQL. Keywords upper case, field names lower case, every literal double-quoted,
 * parentheses only where left-to-right evaluation needs them. parseCql(printCql(q)) equals q
 * (positions aside) for every tree the parser can produce.
 */
import type { Expr, Operand, Query } from "./ast.ts";

export function printCql(query: Query): string {
  const where = printExpr(query.where);
  if (query.orderBy.length === 0) return where;
  const sort = query.orderBy.map((k) => `${k.field} ${k.direction}`).join(", ");
  return `${where} ORDER BY ${sort}`;
}

export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case "clause": {
      const op = expr.op === "in" ? "IN" : expr.op === "not in" ? "NOT IN" : expr.op;
      const value = Array.isArray(expr.value)
        ? `(${expr.value.map(printOperand).join(", ")})`
        : printOperand(expr.value);
      return `${expr.field} ${op} ${value}`;
    }
    case "not":
      return `NOT ${expr.expr.kind === "clause" || expr.expr.kind === "not" ? printExpr(expr.expr) : `(${printExpr(expr.expr)})`}`;
    default: {
      // Left operands chain without parentheses (left to right); a binary right operand needs them.
      const right =
        expr.right.kind === "and" || expr.right.kind === "or"
          ? `(${printExpr(expr.right)})`
          : printExpr(expr.right);
      return `${printExpr(expr.left)} ${expr.kind.toUpperCase()} ${right}`;
    }
  }
}

export function printOperand(operand: Operand): string {
  if (operand.kind === "string") return quote(operand.value);
  return `${operand.name}(${operand.args.map(quote).join(", ")})`;
}

/** Double-quotes a literal, escaping what the lexer unescapes. */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else out += ch;
  }
  return `${out}"`;
}
