import type { DesiredGroup } from "../acl.ts";
import type { CrawlMode } from "../report.ts";
import type { Checkpoint, ConnectorState } from "../state.ts";

export interface CheckpointDeps {
  /** Saves the whole connector state (queued). */
  save: () => Promise<void>;
  /** Save after a space once this many items were listed since the last save. */
  every: number;
}

/** Writes between saves inside one large space. */
const WRITES_PER_SAVE = 2000;
/**
 * A save writes the whole state, which grows with the ledger: waiting for at least this share of
 * the ledger's size in new work between saves keeps the total cost of saving linear in the crawl
 * (about ten ledgers' worth in all) instead of quadratic, at the price of redoing at most that
 * share after a kill.
 */
const SAVE_SHARE = 0.1;

/**
 * The checkpoint of a running crawl, kept in the connector state so a killed crawl resumes: the
 * spaces done (skipped on resume), the items listed so far (marked in the ledger with the crawl's
 * generation) and what each external group written so far stands for. Saved after a space once
 * `every` items were listed since the last save (small spaces are cheap to redo; saving is not
 * free), every 2,000 writes inside a large space (both at least a tenth of the ledger apart), and
 * at the end. Finishing moves the watermark to the crawl's start and clears the checkpoint.
 */
export class Checkpoints {
  #listedSinceSave = 0;
  #writesSinceSave = 0;

  private constructor(
    private readonly state: ConnectorState,
    private readonly current: Checkpoint,
    readonly resumed: boolean,
    private readonly deps: CheckpointDeps,
  ) {}

  /** Resumes the unfinished crawl of the same mode, or starts a new checkpoint; saves it. */
  static async open(
    state: ConnectorState,
    mode: CrawlMode,
    startedAt: number,
    deps: CheckpointDeps,
  ): Promise<Checkpoints> {
    const previous = state.checkpoint?.mode === mode ? state.checkpoint : undefined;
    const current = previous ?? { mode, startedAt, spacesDone: [], generation: state.ledger.newGeneration() };
    state.checkpoint = current;
    await deps.save();
    return new Checkpoints(state, current, previous !== undefined, deps);
  }

  isDone(spaceId: string): boolean {
    return this.current.spacesDone.includes(spaceId);
  }

  /** The ledger generation items listed by this crawl are marked with. */
  get generation(): number {
    return this.current.generation;
  }

  /** Item ids the listing returned (what the deletion rule compares the ledger with). */
  listed(itemIds: Iterable<string>): void {
    for (const id of itemIds) this.state.ledger.markListed(id, this.current.generation);
  }

  /** Whether this crawl (resumed or not) listed an indexed item. */
  wasListed(itemId: string): boolean {
    return this.state.ledger.listedIn(itemId, this.current.generation);
  }

  /** External group id → the principal sets it stands for, as written so far. */
  get groupDefinitions(): Record<string, DesiredGroup["definition"]> {
    return this.current.groupDefs ?? {};
  }

  /** A space's items are all written: record it and the groups it used; save now and then. */
  async spaceDone(spaceId: string, groups: Iterable<DesiredGroup>, itemsListed: number): Promise<void> {
    this.current.spacesDone.push(spaceId);
    this.current.groupDefs ??= {};
    for (const g of groups) this.current.groupDefs[g.id] = g.definition;
    this.#listedSinceSave += itemsListed;
    if (this.#listedSinceSave >= this.#apart(this.deps.every)) await this.#save();
  }

  /** An item was written: inside a large space, save now and then so a kill does not redo it all. */
  async itemWritten(): Promise<void> {
    if (++this.#writesSinceSave >= this.#apart(WRITES_PER_SAVE)) {
      this.#writesSinceSave = 0;
      await this.deps.save();
    }
  }

  /** The crawl completed: the next incremental crawl starts from this one's start. */
  finish(): void {
    this.state.watermark = this.current.startedAt;
    if (this.current.mode === "full") this.state.lastFullCrawl = this.current.startedAt;
    delete this.state.checkpoint;
  }

  /** Work between two saves: `least`, or a tenth of the ledger when that is more. */
  #apart(least: number): number {
    return Math.max(least, Math.floor(this.state.ledger.size * SAVE_SHARE));
  }

  async #save(): Promise<void> {
    this.#listedSinceSave = 0;
    this.#writesSinceSave = 0;
    await this.deps.save();
  }
}
