/**
 * Compiles a validated CQL expression into a predicate over content. Values are resolved once
 * (dates against the SimClock, `currentUser()` against the caller). Visibility — permissions,
 * status and archived spaces — is applied by search.ts, not here.
 *
 * Fields the model does not hold (watcher, favourite, pageStatus, space.category, comment and
 * attachment types) match nothing, so their negations match everything (docs/fidelity/cql.md).
 */
import type { Content } from "../model.ts";
import type { ConfluenceStore } from "../store.ts";
import type { Clause, Expr, Operand } from "./ast.ts";
import {
  type DateContext,
  type DateRange,
  isDateFunction,
  resolveDateFunction,
  resolveDateLiteral,
} from "./dates.ts";
import { CqlSyntaxError } from "./errors.ts";
import { fieldSpec } from "./fields.ts";
import { allTextOf, type DateField, dateOf, titleTextOf } from "./indexes.ts";
import { type AnalyzedText, analyze, matchesText, parseTextQuery, type TextQuery } from "./text.ts";

export interface EvalContext extends DateContext {
  store: ConfluenceStore;
  /** The caller's accountId, for `currentUser()`; undefined for anonymous callers. */
  currentUser?: string;
  /** `cqlcontext={"spaceKey":…,"contentId":…}`: what `currentSpace()` / `currentContent()` name. */
  spaceKey?: string;
  contentId?: string;
}

export type Predicate = (content: Content) => boolean;

export function compile(expr: Expr, ctx: EvalContext): Predicate {
  switch (expr.kind) {
    case "clause":
      return compileClause(expr, ctx);
    case "not": {
      const inner = compile(expr.expr, ctx);
      return (c) => !inner(c);
    }
    case "and": {
      const [l, r] = [compile(expr.left, ctx), compile(expr.right, ctx)];
      return (c) => l(c) && r(c);
    }
    default: {
      const [l, r] = [compile(expr.left, ctx), compile(expr.right, ctx)];
      return (c) => l(c) || r(c);
    }
  }
}

function operands(clause: Clause): Operand[] {
  return Array.isArray(clause.value) ? clause.value : [clause.value];
}

/** String values of a clause, with functions expanded (`currentUser()` → the caller's id). */
export function resolveStrings(clause: Clause, ctx: EvalContext): string[] {
  const out: string[] = [];
  for (const o of operands(clause)) {
    if (o.kind === "string") out.push(o.value);
    else if (o.name === "currentUser" && ctx.currentUser) out.push(ctx.currentUser);
    else if (o.name === "currentSpace" && ctx.spaceKey) out.push(ctx.spaceKey);
    else if (o.name === "currentContent" && ctx.contentId) out.push(ctx.contentId);
    // favouriteSpaces(), recentlyViewed*(): the twin records no favourites or views → nothing.
  }
  return out;
}

/** The date range a clause's single operand names. */
export function resolveDate(clause: Clause, ctx: EvalContext): DateRange {
  const o = operands(clause)[0];
  if (o.kind === "string") {
    const range = resolveDateLiteral(o.value, ctx);
    if (range) return range;
  } else if (isDateFunction(o.name)) {
    const t = resolveDateFunction(o.name, o.args, ctx);
    if (t !== undefined) return { start: t, end: t + 1 };
  }
  throw new CqlSyntaxError("not a date value", o.pos, ["a date"], "validate");
}

/**
 * The instants a date comparison admits, as [from, to). A value names a period (a day, a minute,
 * or one instant for functions): `>` means after it, `<=` up to its end, `=` within it (guess).
 */
export function dateBounds(op: Clause["op"], range: DateRange): { from: number; to: number } {
  switch (op) {
    case ">":
      return { from: range.end, to: Number.POSITIVE_INFINITY };
    case ">=":
      return { from: range.start, to: Number.POSITIVE_INFINITY };
    case "<":
      return { from: Number.NEGATIVE_INFINITY, to: range.start };
    case "<=":
      return { from: Number.NEGATIVE_INFINITY, to: range.end };
    default: // = and != (the caller negates !=)
      return { from: range.start, to: range.end };
  }
}

export function isNegative(clause: Clause): boolean {
  return clause.op === "!=" || clause.op === "not in" || clause.op === "!~";
}

function compileClause(clause: Clause, ctx: EvalContext): Predicate {
  const spec = fieldSpec(clause.field);
  const name = spec?.name.toLowerCase() ?? clause.field;
  const negative = isNegative(clause);
  const positive = positivePredicate(name, clause, ctx);
  return negative ? (c) => !positive(c) : positive;
}

/** The predicate of the clause's positive form (`=`, `in`, `~`, or a date comparison). */
function positivePredicate(field: string, clause: Clause, ctx: EvalContext): Predicate {
  const { store } = ctx;
  if (field === "created" || field === "lastmodified") {
    const { from, to } = dateBounds(clause.op, resolveDate(clause, ctx));
    const f = field as DateField;
    return (c) => {
      const t = dateOf(c, f);
      return t >= from && t < to;
    };
  }
  if (clause.op === "~" || clause.op === "!~") {
    const value = operands(clause)[0];
    const query: TextQuery = parseTextQuery(value.kind === "string" ? value.value : "");
    switch (field) {
      case "title":
        return (c) => matchesText(query, titleTextOf(c));
      case "space.title":
        return (c) => {
          const space = store.spaces.get(c.spaceId);
          return space ? matchesText(query, analyzeCached(space.name)) : false;
        };
      default: // text, siteSearch
        return (c) => matchesText(query, allTextOf(c));
    }
  }
  const values = resolveStrings(clause, ctx);
  const set = new Set(values);
  const lower = new Set(values.map((v) => v.toLowerCase()));
  switch (field) {
    case "id":
    case "content":
      return (c) => set.has(c.id);
    case "parent":
      return (c) => c.parentId !== null && set.has(c.parentId);
    case "ancestor":
      return (c) => store.ancestorsOf(c).some((a) => set.has(a.id));
    case "type":
      return (c) => lower.has(c.type);
    case "space":
    case "space.key":
      return (c) => lower.has((store.spaces.get(c.spaceId)?.key ?? "").toLowerCase());
    case "space.type":
      return (c) => lower.has(store.spaces.get(c.spaceId)?.type ?? "");
    case "title":
      return (c) => lower.has(c.title.toLowerCase());
    case "label":
      return (c) => c.labels.some((l) => lower.has(l.name.toLowerCase()));
    case "creator":
      return (c) => set.has(c.authorId);
    case "contributor":
      return (c) => c.history.some((v) => set.has(v.authorId));
    case "mention":
      return (c) => mentionsOf(c).some((id) => set.has(id));
    case "macro":
      return (c) => macrosOf(c).some((m) => lower.has(m));
    default:
      // container (pages live in spaces; attachments/comments are not modelled), watcher,
      // favourite, pageStatus, space.category: nothing in the model carries them.
      return () => false;
  }
}

const spaceNames = new Map<string, AnalyzedText>();

function analyzeCached(name: string): AnalyzedText {
  let a = spaceNames.get(name);
  if (!a) {
    a = analyze(name);
    spaceNames.set(name, a);
  }
  return a;
}

/** Account ids of `<ri:user ri:account-id="…"/>` mentions in the body. */
export function mentionsOf(content: Content): string[] {
  return [...content.body.matchAll(/<ri:user\b[^>]*\bri:account-id="([^"]+)"/g)].map((m) => m[1]);
}

/** Macro names used in the body (`<ac:structured-macro ac:name="jira">`), lower-cased. */
export function macrosOf(content: Content): string[] {
  return [...content.body.matchAll(/<ac:(?:structured-)?macro\b[^>]*\bac:name="([^"]+)"/g)].map((m) =>
    m[1].toLowerCase(),
  );
}
