import type { ConfluenceContext } from "../../context.ts";
import type { components } from "../../generated/v2.ts";
import type { Content, Space, SpacePermission } from "../../model.ts";
import { canEdit } from "../../permissions.ts";

type Operation = components["schemas"]["Operation"];

/** True when a space permission entry applies to the caller (the one evaluator decides). */
export function holds(ctx: ConfluenceContext, p: SpacePermission): boolean {
  return ctx.access.holds(p) !== undefined;
}

/** The caller's operations on a space: every space permission they hold, `read` first. */
export function spaceOperations(ctx: ConfluenceContext, space: Space): Operation[] {
  const seen = new Set<string>();
  const out: Operation[] = [];
  for (const p of space.permissions) {
    if (p.operation.targetType !== "space" || !holds(ctx, p)) continue;
    const k = p.operation.key;
    if (!seen.has(k)) {
      seen.add(k);
      out.push({ operation: k, targetType: "space" });
    }
  }
  return out.sort((a, b) => (a.operation === "read" ? -1 : b.operation === "read" ? 1 : 0));
}

/**
 * The caller's operations on a page or blog post, from the one evaluator: `read` when visible,
 * `update` when `canEdit` (the content's own edit restriction), then other operations the caller's
 * space permissions grant for that content type (restrict_content also needs edit rights).
 */
export function contentOperations(ctx: ConfluenceContext, c: Content): Operation[] {
  const targetType = c.type;
  const ops: Operation[] = [{ operation: "read", targetType }];
  const space = ctx.store.spaces.get(c.spaceId);
  // Anonymous visitors edit only where the space grants anonymous `update` explicitly.
  const anonymous = ctx.access.subject.type === "anonymous";
  const editable =
    canEdit(ctx.access, c) &&
    (!anonymous ||
      (space?.permissions.some(
        (p) =>
          p.principal.type === "anonymous" &&
          p.operation.key === "update" &&
          p.operation.targetType === targetType,
      ) ??
        false));
  if (editable) ops.push({ operation: "update", targetType });
  const extra = new Set<string>();
  for (const p of space?.permissions ?? []) {
    const k = p.operation.key;
    if (p.operation.targetType !== targetType || k === "read" || k === "update" || !holds(ctx, p)) continue;
    if (k === "restrict_content" && !editable) continue;
    extra.add(k);
  }
  for (const k of [...extra].sort()) ops.push({ operation: k, targetType });
  return ops;
}
