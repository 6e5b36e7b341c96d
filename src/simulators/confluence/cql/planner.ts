/**
 * Picks candidate content from the secondary indexes so the evaluator runs the full predicate on
 * a few items instead of the whole site. Every AND takes the smaller indexed side; an OR is
 * indexed only when both sides are; NOT and negative clauses fall back to a scan. The plan is
 * only a superset: search.ts always re-checks every candidate with the compiled predicate.
 */
import type { Content } from "../model.ts";
import type { Clause, Expr } from "./ast.ts";
import { dateBounds, type EvalContext, isNegative, resolveDate, resolveStrings } from "./evaluator.ts";
import { fieldSpec } from "./fields.ts";
import type { CqlIndexes } from "./indexes.ts";
import { parseTextQuery } from "./text.ts";

export interface Plan {
  /** Candidate content, or undefined for a full scan. */
  candidates: Content[] | undefined;
  /** How the candidates were found, e.g. `and(space[ENG], lastmodified[range])` or `scan`. */
  explain: string;
}

export function plan(expr: Expr, ctx: EvalContext, idx: CqlIndexes): Plan {
  switch (expr.kind) {
    case "clause":
      return planClause(expr, ctx, idx);
    case "not":
      return { candidates: undefined, explain: "scan" };
    case "and": {
      const l = plan(expr.left, ctx, idx);
      const r = plan(expr.right, ctx, idx);
      if (!l.candidates) return r;
      if (!r.candidates) return l;
      return l.candidates.length <= r.candidates.length ? l : r;
    }
    default: {
      const l = plan(expr.left, ctx, idx);
      const r = plan(expr.right, ctx, idx);
      if (!l.candidates || !r.candidates) return { candidates: undefined, explain: "scan" };
      return { candidates: union([l.candidates, r.candidates]), explain: `or(${l.explain}, ${r.explain})` };
    }
  }
}

function planClause(clause: Clause, ctx: EvalContext, idx: CqlIndexes): Plan {
  if (isNegative(clause)) return { candidates: undefined, explain: "scan" };
  const field = fieldSpec(clause.field)?.name.toLowerCase() ?? clause.field;
  if (field === "created" || field === "lastmodified") {
    const { from, to } = dateBounds(clause.op, resolveDate(clause, ctx));
    return { candidates: idx.dateRange(field, from, to), explain: `${field}[range]` };
  }
  if (clause.op === "~") return planText(field, clause, idx);
  const values = resolveStrings(clause, ctx);
  const lists: Content[][] = [];
  const { store } = ctx;
  switch (field) {
    case "id":
    case "content":
      for (const v of values) {
        const c = store.content.get(v);
        if (c) lists.push([c]);
      }
      break;
    case "space":
    case "space.key":
      for (const v of values) {
        const space = store.spaceByKey(v);
        if (space) lists.push(idx.bySpace.get(space.id) ?? []);
      }
      break;
    case "type":
      for (const v of values) lists.push(idx.byType.get(v.toLowerCase()) ?? []);
      break;
    case "label":
      for (const v of values) lists.push(idx.byLabel.get(v.toLowerCase()) ?? []);
      break;
    case "creator":
      for (const v of values) lists.push(idx.byCreator.get(v) ?? []);
      break;
    case "parent":
      for (const v of values) lists.push(store.childrenOf(v));
      break;
    case "ancestor":
      for (const v of values) lists.push(idx.descendants(v));
      break;
    default:
      return { candidates: undefined, explain: "scan" };
  }
  return { candidates: union(lists), explain: `${field}[${values.join(",")}]` };
}

/**
 * `title ~` / `text ~` from the postings: per OR-alternative the rarest positive word or phrase
 * word (wildcards expand over the vocabulary), unioned across alternatives.
 */
function planText(field: string, clause: Clause, idx: CqlIndexes): Plan {
  const kind = field === "title" ? "title" : field === "text" || field === "sitesearch" ? "all" : undefined;
  const value = Array.isArray(clause.value) ? undefined : clause.value;
  if (!kind || !value || value.kind !== "string") return { candidates: undefined, explain: "scan" };
  const postings = idx.postings(kind);
  const lists: Content[][] = [];
  for (const alternative of parseTextQuery(value.value).alternatives) {
    let best: Content[] | undefined;
    for (const { item, negate } of alternative) {
      if (negate) continue;
      let list: Content[];
      if (item.kind === "phrase") {
        list = item.terms.map((t) => postings.get(t) ?? []).reduce((a, b) => (a.length <= b.length ? a : b));
      } else if (item.wildcard) {
        const matching: Content[][] = [];
        for (const [term, docs] of postings) if (item.wildcard.test(term)) matching.push(docs);
        list = union(matching);
      } else {
        list = postings.get(item.term) ?? [];
      }
      if (!best || list.length < best.length) best = list;
    }
    if (best) lists.push(best);
  }
  return { candidates: union(lists), explain: `${field}~[postings]` };
}

function union(lists: Content[][]): Content[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0];
  const seen = new Set<Content>();
  for (const list of lists) for (const c of list) seen.add(c);
  return [...seen];
}
