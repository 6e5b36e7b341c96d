import type { Content } from "../../simulators/confluence/model.ts";
import type { DirectoryUser } from "../../simulators/directory/model.ts";
import type { World } from "../../simulators/world.ts";
import type { RunContext } from "../context.ts";
import type { StepResult } from "../results.ts";
import { classifyPair } from "./classify.ts";
import { explainChain } from "./explain.ts";
import { freshnessOf } from "./freshness.ts";
import { type OracleInput, oracleInput } from "./input.ts";
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

/**
 * Who and what a matrix is about, in matrix order: enabled directory users (the parity oracle's
 * population), and pages and blog posts grouped by space key (spaces sorted, the site's own order
 * within a space: parents before children).
 */
export function matrixPopulation(world: World): { users: DirectoryUser[]; bySpace: Map<string, Content[]> } {
  const users = [...world.directory.users.values()].filter((u) => u.accountEnabled);
  const spaceKey = (spaceId: string) => world.confluence.store.spaces.get(spaceId)?.key ?? spaceId;
  const grouped = new Map<string, Content[]>();
  for (const c of world.confluence.store.content.values()) {
    if (c.type !== "page" && c.type !== "blogpost") continue;
    const key = spaceKey(c.spaceId);
    const list = grouped.get(key);
    if (list) list.push(c);
    else grouped.set(key, [c]);
  }
  const bySpace = new Map([...grouped].sort(([a], [b]) => a.localeCompare(b)));
  return { users, bySpace };
}

/** One cell: the oracle's difference when there is one, else whether the index grants. */
export function cellState(
  input: OracleInput,
  user: DirectoryUser,
  content: Content,
): { state: CellState; reason?: string } {
  const { world, connectionId } = input;
  const indexed = world.graph.connection(connectionId)?.items.has(content.id) ?? false;
  const difference = classifyPair(input, user, content);
  if (difference?.kind === "overExposed")
    return { state: difference.documented ? "documentedOver" : "over", reason: difference.reason };
  if (difference)
    return { state: difference.documented ? "documentedUnder" : "under", reason: difference.reason };
  if (!indexed) return { state: "notIndexed" };
  return { state: world.graph.canAccess(user.id, connectionId, content.id) ? "allowed" : "denied" };
}

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
  const { users: allUsers, bySpace } = matrixPopulation(world);
  const spaces = [...bySpace.keys()];
  const itemCount = [...bySpace.values()].reduce((n, list) => n + list.length, 0);
  // A cap takes items from every space in turn, so a capped matrix still shows each space.
  const quota = new Map(spaces.map((k) => [k, 0]));
  for (let left = Math.min(maxItems, itemCount); left > 0; )
    for (const k of spaces)
      if (left > 0 && quota.get(k)! < bySpace.get(k)!.length) {
        quota.set(k, quota.get(k)! + 1);
        left--;
      }
  const contents = spaces.flatMap((k) => bySpace.get(k)!.slice(0, quota.get(k)));
  const users = allUsers.slice(0, maxUsers);
  const items = world.graph.connection(connectionId)?.items;
  const spaceKey = (spaceId: string) => world.confluence.store.spaces.get(spaceId)?.key ?? spaceId;

  // Nothing changes the world while the snapshot is taken: repeated answers are kept.
  const input = { ...oracleInput(ctx), memo: new Map() };
  const { lines, intern } = lineTable();
  const counts = Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>;
  const cells = users.map((user) =>
    contents.map((content): MatrixCell => {
      const { state, reason } = cellState(input, user, content);
      counts[state]++;
      const explain = explainChain(input, user.userPrincipalName, content.id).map(intern);
      return reason !== undefined ? { state, reason, explain } : { state, explain };
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
    items: contents.map((c) => {
      const stale = freshnessOf(input, c.id);
      return {
        id: c.id,
        title: c.title,
        type: c.type,
        space: spaceKey(c.spaceId),
        status: c.status,
        indexed: items?.has(c.id) ?? false,
        ...(stale && {
          stale: {
            documented: stale.documented,
            fields: stale.fields.map((f) => f.field),
            reason: stale.reason,
          },
        }),
      };
    }),
    total: { users: allUsers.length, items: itemCount },
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
