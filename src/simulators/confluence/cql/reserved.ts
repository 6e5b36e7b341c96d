/**
 * Words CQL reserves: an unquoted value equal to one of these (any case) is a syntax error.
 * Source: Atlassian "CQL functions / reserved words" ([A-CQL] in docs/fidelity.md).
 */
export const RESERVED_WORDS = new Set([
  "after",
  "and",
  "as",
  "avg",
  "before",
  "begin",
  "by",
  "commit",
  "contains",
  "count",
  "distinct",
  "else",
  "empty",
  "end",
  "explain",
  "from",
  "having",
  "if",
  "in",
  "inner",
  "insert",
  "into",
  "is",
  "isnull",
  "left",
  "like",
  "limit",
  "max",
  "min",
  "not",
  "null",
  "or",
  "order",
  "outer",
  "right",
  "select",
  "sum",
  "then",
  "was",
  "where",
  "update",
]);

export function isReservedWord(word: string): boolean {
  return RESERVED_WORDS.has(word.toLowerCase());
}
