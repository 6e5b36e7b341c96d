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
  candidates: readonly Content[] | undefined;
  /** How the candidates were found, e.g. `and(space[ENG], lastmodified[range])` or `scan`. */
  explain: string;
}

export function plan(expr: Expr, ctx: EvalContext, idx: CqlIndexes): Plan {
  const chosen = planLists(expr, ctx, idx);
  return { candidates: chosen.lists && union(chosen.lists), explain: chosen.explain };
}

/**
 * A plan before its lists are merged: an AND keeps only its smaller side, so the union of the
 * larger one (`type in (page, blogpost)`: every page of the site) is never built.
 */
interface ListPlan {
  /** Candidate lists (duplicates possible across them), or undefined for a full scan. */
  lists: (readonly Content[])[] | undefined;
  /** At least as many as the union holds. */
  size: number;
  explain: string;
}

const SCAN: ListPlan = { lists: undefined, size: Number.POSITIVE_INFINITY, explain: "scan" };

/**
 * `budget`: the fewest candidates an enclosing AND already has. A clause whose index is not built
 * yet (a pass over the whole site) is left to the evaluator when that is a small share of the
 * site: checking a few candidates costs less than building the index for one query.
 */
function planLists(
  expr: Expr,
  ctx: EvalContext,
  idx: CqlIndexes,
  budget = Number.POSITIVE_INFINITY,
): ListPlan {
  switch (expr.kind) {
    case "clause":
      return planClause(expr, ctx, idx, budget);
    case "not":
      return SCAN;
    case "and": {
      // The side that needs no index built goes first, so its candidates can spare the other's build.
      const swap = needsBuild(expr.left, idx) && !needsBuild(expr.right, idx);
      const first = planLists(swap ? expr.right : expr.left, ctx, idx, budget);
      const second = planLists(swap ? expr.left : expr.right, ctx, idx, Math.min(budget, first.size));
      if (!first.lists) return second;
      if (!second.lists) return first;
      return first.size <= second.size ? first : second;
    }
    default: {
      const l = planLists(expr.left, ctx, idx, budget);
      const r = planLists(expr.right, ctx, idx, budget);
      if (!l.lists || !r.lists) return SCAN;
      return {
        lists: [...l.lists, ...r.lists],
        size: l.size + r.size,
        explain: `or(${l.explain}, ${r.explain})`,
      };
    }
  }
}

/** Share of the site below which candidates in hand spare building an index. */
const FEW = 1 / 20;

function fieldOf(clause: Clause): string {
  return fieldSpec(clause.field)?.name.toLowerCase() ?? clause.field;
}

function needsBuild(expr: Expr, idx: CqlIndexes): boolean {
  if (expr.kind === "clause") return idx.costly(fieldOf(expr));
  if (expr.kind === "not") return needsBuild(expr.expr, idx);
  return needsBuild(expr.left, idx) || needsBuild(expr.right, idx);
}

function listPlan(lists: (readonly Content[])[], explain: string): ListPlan {
  let size = 0;
  for (const list of lists) size += list.length;
  return { lists, size, explain };
}

function planClause(clause: Clause, ctx: EvalContext, idx: CqlIndexes, budget: number): ListPlan {
  if (isNegative(clause)) return SCAN;
  const field = fieldOf(clause);
  if (budget <= idx.store.content.size * FEW && idx.costly(field)) return SCAN;
  if (field === "created" || field === "lastmodified") {
    const { from, to } = dateBounds(clause.op, resolveDate(clause, ctx));
    return listPlan([idx.dateRange(field, from, to)], `${field}[range]`);
  }
  if (clause.op === "~") return planText(field, clause, idx);
  const values = resolveStrings(clause, ctx);
  const lists: (readonly Content[])[] = [];
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
        if (space) lists.push(idx.inSpace(space.id));
      }
      break;
    case "type":
      for (const v of values) lists.push(idx.ofType(v.toLowerCase()));
      break;
    case "label":
      for (const v of values) lists.push(idx.withLabel(v.toLowerCase()));
      break;
    case "creator":
      for (const v of values) lists.push(idx.byCreator(v));
      break;
    case "parent":
      for (const v of values) lists.push(store.childrenOf(v));
      break;
    case "ancestor":
      for (const v of values) lists.push(idx.descendants(v));
      break;
    default:
      return SCAN;
  }
  return listPlan(lists, `${field}[${values.join(",")}]`);
}

/**
 * `title ~` / `text ~` from the text candidates: per OR-alternative the rarest positive word or
 * phrase word (wildcards expand over the postings' vocabulary), unioned across alternatives.
 */
function planText(field: string, clause: Clause, idx: CqlIndexes): ListPlan {
  const kind = field === "title" ? "title" : field === "text" || field === "sitesearch" ? "all" : undefined;
  const value = Array.isArray(clause.value) ? undefined : clause.value;
  if (!kind || !value || value.kind !== "string") return SCAN;
  const lists: (readonly Content[])[] = [];
  for (const alternative of parseTextQuery(value.value).alternatives) {
    let best: readonly Content[] | undefined;
    for (const { item, negate } of alternative) {
      if (negate) continue;
      let list: readonly Content[];
      if (item.kind === "phrase") {
        list = item.terms
          .map((t) => idx.wordCandidates(kind, t))
          .reduce((a, b) => (a.length <= b.length ? a : b));
      } else if (item.wildcard) {
        const matching: (readonly Content[])[] = [];
        for (const [term, docs] of idx.postings(kind)) if (item.wildcard.test(term)) matching.push(docs);
        list = union(matching);
      } else {
        list = idx.wordCandidates(kind, item.term);
      }
      if (!best || list.length < best.length) best = list;
    }
    if (best) lists.push(best);
  }
  // Named after what answered it: the postings, or a scan for each plain word (indexes.ts).
  return listPlan(lists, `${field}~[${idx.hasPostings(kind) ? "postings" : "word scan"}]`);
}

function union(lists: (readonly Content[])[]): readonly Content[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0];
  const seen = new Set<Content>();
  for (const list of lists) for (const c of list) seen.add(c);
  return [...seen];
}
