import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { MemoryStateStore, upgradeState } from "../../connector/state.ts";
import { createRandom } from "../../simulators/host/random.ts";
import type { World } from "../../simulators/world.ts";
import type { RunContext } from "../context.ts";
import type { CrawlOutcome } from "../results.ts";

/**
 * `crawl: { mode, kill: { afterRequests } }`: the crawl dies after that many requests, as a process
 * killed mid-crawl would — the built-in connector by abort (requests after the point are never sent,
 * answers to those in flight never arrive, its state is what it last saved), an external connector
 * by SIGKILL. The next crawl starts a new connector on the saved state, which resumes.
 */
export const killSchema = z
  .object({
    afterRequests: z
      .union([z.number().int().min(1), z.tuple([z.number().int().min(1), z.number().int().min(1)])])
      .describe("Kill after this many requests, or after a seeded pick in [min, max]"),
  })
  .strict()
  .describe("Kill the crawl mid-way (built-in: abort; external: SIGKILL)");

export type Kill = z.output<typeof killSchema>;

/** The request the kill happens after: the number given, or a pick in [min, max] from the run's seed. */
export function killPoint(kill: Kill, seed: number, step: number): number {
  const at = kill.afterRequests;
  if (typeof at === "number") return at;
  const [min, max] = at[0] <= at[1] ? at : [at[1], at[0]];
  return min + Math.floor(createRandom(seed * 31 + step)() * (max - min + 1));
}

/**
 * A fetch that dies after `n` requests: the n-th is sent, later ones never are and never settle,
 * and no answer that arrives after the kill reaches the caller. `killed` resolves at the kill.
 */
export function killableFetch(
  inner: typeof fetch,
  n: number,
): { fetch: typeof fetch; killed: Promise<void> } {
  let sent = 0;
  let dead = false;
  let kill: () => void = () => {};
  const killed = new Promise<void>((resolve) => {
    kill = resolve;
  });
  const never = new Promise<never>(() => {});
  const killable = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (dead) return never;
    const answer = inner(input, init);
    if (++sent >= n) {
      dead = true;
      kill();
    }
    const response = await answer;
    return dead ? never : response;
  }) as typeof fetch;
  return { fetch: killable, killed };
}

/**
 * Item ids the connector's saved state holds in its ledger (written and recorded): the built-in
 * connector's state store, or an external connector's `stateFile` (cgsim's state format).
 */
export function savedLedger(ctx: RunContext): string[] | undefined {
  if (ctx.settings.command) {
    const file = ctx.settings.stateFile;
    if (!file) return undefined;
    try {
      const saved = JSON.parse(readFileSync(isAbsolute(file) ? file : join(ctx.workDir(), file), "utf8"));
      return [...upgradeState(saved).ledger.ids()];
    } catch {
      return [];
    }
  }
  return ctx.connectorState instanceof MemoryStateStore
    ? [...(ctx.connectorState.peek()?.ledger.ids() ?? [])]
    : undefined;
}

const ITEM_PATH = /^\/(?:v1\.0|beta)\/external\/connections\/[^/]+\/items\/([^/]+)$/;

/** Item ids written (PUT, 2xx) between two journal seqs, in order, repeats kept. */
export function itemPuts(world: World, sinceSeq: number, untilSeq = Number.POSITIVE_INFINITY): string[] {
  return world.host.journal
    .entries({ sinceSeq })
    .filter((e) => e.seq <= untilSeq && e.method === "PUT" && e.status < 300)
    .map((e) => ITEM_PATH.exec(e.path)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(decodeURIComponent);
}

/** What a killed crawl left: items written, and how many of them the saved checkpoint holds. */
export function killFigures(world: World, outcome: CrawlOutcome): string {
  const written = new Set(itemPuts(world, outcome.sinceSeq));
  const ledger = outcome.killed?.ledger;
  if (!ledger) return ` (${written.size} items written)`;
  const saved = new Set(ledger);
  const inWindow = [...written].filter((id) => !saved.has(id)).length;
  return ` (${written.size} items written, ${inWindow} of them after the last saved checkpoint)`;
}
