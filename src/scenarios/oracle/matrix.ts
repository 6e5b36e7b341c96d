import type { RunContext } from "../context.ts";
import type { StepResult } from "../results.ts";
import { classifyPair } from "./classify.ts";
import { explainPair } from "./explain.ts";
import { oracleInput } from "./input.ts";
import {
  CELL_STATES,
  type CellState,
  type MatrixCell,
  type MatrixOptions,
  type MatrixSnapshot,
} from "./matrix-types.ts";

/**
 * Users × items permission matrix of a live world, for the HTML report: each cell is the parity
 * oracle's verdict for one directory user and one page or blog post, with its `explain` chain.
 * Nothing here decides access: the oracle (classifyPair) and explain (explainPair) do.
 */

export const DEFAULT_MATRIX_CAP = { maxUsers: 30, maxItems: 60 };

/** The matrix for the world as it is now. */
export function takeMatrix(
  ctx: RunContext,
  afterStep: number,
  label: string,
  options: MatrixOptions = {},
): MatrixSnapshot {
  const { world, connectionId } = ctx;
  const maxUsers = options.maxUsers ?? DEFAULT_MATRIX_CAP.maxUsers;
  const maxItems = options.maxItems ?? DEFAULT_MATRIX_CAP.maxItems;
  // Same population as the parity oracle (runParity).
  const allUsers = [...world.directory.users.values()].filter((u) => u.accountEnabled);
  const allContents = [...world.confluence.store.content.values()].filter(
    (c) => c.type === "page" || c.type === "blogpost",
  );
  const spaceKey = (spaceId: string) => world.confluence.store.spaces.get(spaceId)?.key ?? spaceId;
  // Grouped by space, in the site's own order within a space (parents before children); a cap
  // takes items from every space in turn, so a capped matrix still shows each space.
  const bySpace = new Map<string, typeof allContents>();
  for (const c of allContents) {
    const key = spaceKey(c.spaceId);
    const list = bySpace.get(key);
    if (list) list.push(c);
    else bySpace.set(key, [c]);
  }
  const spaces = [...bySpace.keys()].sort((a, b) => a.localeCompare(b));
  const quota = new Map(spaces.map((k) => [k, 0]));
  for (let left = Math.min(maxItems, allContents.length); left > 0; )
    for (const k of spaces)
      if (left > 0 && quota.get(k)! < bySpace.get(k)!.length) {
        quota.set(k, quota.get(k)! + 1);
        left--;
      }
  const contents = spaces.flatMap((k) => bySpace.get(k)!.slice(0, quota.get(k)));
  const users = allUsers.slice(0, maxUsers);
  const items = world.graph.connection(connectionId)?.items;

  const input = oracleInput(ctx);
  const { lines, intern } = lineTable();
  const counts = Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>;
  const cells = users.map((user) =>
    contents.map((content): MatrixCell => {
      const indexed = items?.has(content.id) ?? false;
      const difference = classifyPair(input, user, content);
      let state: CellState;
      if (difference?.kind === "overExposed") state = difference.documented ? "documentedOver" : "over";
      else if (difference) state = difference.documented ? "documentedUnder" : "under";
      else if (!indexed) state = "notIndexed";
      else state = world.graph.canAccess(user.id, connectionId, content.id) ? "allowed" : "denied";
      counts[state]++;
      const explain = explainPair(ctx, user.userPrincipalName, content.id).map(intern);
      return difference ? { state, reason: difference.reason, explain } : { state, explain };
    }),
  );
  return {
    afterStep,
    label,
    users: users.map((u) => ({
      upn: u.userPrincipalName,
      name: u.displayName,
      guest: u.userType === "Guest",
    })),
    items: contents.map((c) => ({
      id: c.id,
      title: c.title,
      type: c.type,
      space: spaceKey(c.spaceId),
      status: c.status,
      indexed: items?.has(c.id) ?? false,
    })),
    total: { users: allUsers.length, items: allContents.length },
    counts,
    cells,
    lines,
  };
}

/**
 * The runner's hook: a snapshot after each crawl step, and one at the end unless only
 * expectations ran since the last (they change nothing the matrix shows).
 */
export function recordMatrix(
  ctx: RunContext,
  result: { steps: StepResult[]; matrix?: MatrixSnapshot[] },
  at: "step" | "end",
  options: MatrixOptions = {},
): void {
  const last = result.steps.at(-1);
  const taken = result.matrix?.at(-1)?.afterStep ?? 0;
  const stepNo = result.steps.length;
  let label: string;
  if (at === "step") {
    if (last?.kind !== "crawl") return;
    label = `after step ${stepNo}: ${last.summary}`;
  } else {
    const since = result.steps.slice(taken);
    if (taken > 0 && since.every((s) => s.kind === "expect")) return;
    label =
      last && !last.ok
        ? `where it stopped (step ${stepNo} failed)`
        : `end of scenario (after step ${stepNo})`;
  }
  result.matrix ??= [];
  try {
    result.matrix.push(takeMatrix(ctx, stepNo, label, options));
  } catch (error) {
    // A report aid must never fail the scenario it reports on.
    result.matrix.push({
      afterStep: stepNo,
      label,
      users: [],
      items: [],
      total: { users: 0, items: 0 },
      counts: Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>,
      cells: [],
      lines: [],
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** A table of distinct lines: `intern` returns a line's index, adding it once (explain texts repeat). */
export function lineTable(): { lines: string[]; intern: (line: string) => number } {
  const lines: string[] = [];
  const index = new Map<string, number>();
  const intern = (line: string) => {
    let i = index.get(line);
    if (i === undefined) {
      i = lines.push(line) - 1;
      index.set(line, i);
    }
    return i;
  };
  return { lines, intern };
}
