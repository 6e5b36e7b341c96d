import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { Ledger, type LedgerEntry, type LedgerJson } from "./ledger.ts";

/**
 * What the connector remembers between runs: the ledger of indexed items (hashes of content and
 * ACL, so unchanged items are skipped and vanished ones deleted), external group memberships,
 * the incremental watermark, the rotated OAuth refresh token, and the checkpoint of an
 * unfinished crawl so a killed crawl resumes where it stopped.
 */
export interface Checkpoint {
  mode: "full" | "incremental";
  /** Crawl start (ms): the next watermark, kept across a resume. */
  startedAt: number;
  /** Spaces whose items are all written and recorded in the ledger. */
  spacesDone: string[];
  /**
   * The ledger generation this crawl marks the items it lists with (for deletion after a
   * complete listing: indexed items left unmarked are gone).
   */
  generation: number;
  /**
   * External groups referenced by ACLs written so far, with what each stands for, so a resumed
   * crawl keeps them and re-syncs their members too.
   */
  groupDefs?: Record<string, Array<{ users: string[]; groups: string[] }>>;
}

export interface ConnectorState {
  /** 3 since the ledger is kept in columns; version 1 and 2 files are upgraded when read. */
  version: 3;
  schemaHash?: string;
  ledger: Ledger;
  /** External group id → sorted member ids as last written. */
  groups: Record<string, string[]>;
  /** Start time (ms) of the last complete crawl. */
  watermark?: number;
  lastFullCrawl?: number;
  oauth?: { configured: string; current: string };
  checkpoint?: Checkpoint;
}

export interface StateStore {
  load(): Promise<ConnectorState>;
  save(state: ConnectorState): Promise<void>;
}

export const emptyState = (): ConnectorState => ({ version: 3, ledger: new Ledger(), groups: {} });

/** A ledger entry as version 1 of the state file wrote it. */
interface LedgerItemV1 {
  c: string;
  a: string;
  s: string;
}

/** What versions 1 and 2 wrote: one ledger object per item, the checkpoint's listed ids. */
interface StateV2 extends Omit<ConnectorState, "version" | "ledger" | "checkpoint"> {
  version: 1 | 2;
  items?: Record<string, LedgerEntry | LedgerItemV1>;
  checkpoint?: Omit<Checkpoint, "generation"> & { seen?: string[] };
}

/**
 * A saved state as this version uses it. Versions 1 (ledger `{c, a, s}`) and 2 (`{contentHash,
 * aclHash, spaceId}`, the checkpoint's `seen` ids) are upgraded, so an upgrade neither re-sends
 * every item, nor loses the indexed ACL hashes incremental crawls rely on, nor the progress of an
 * unfinished crawl; an unknown version starts empty (the next full crawl rewrites everything,
 * idempotently).
 */
export function upgradeState(saved: unknown): ConnectorState {
  const version =
    typeof saved === "object" && saved !== null ? (saved as { version?: unknown }).version : undefined;
  if (version === 3) {
    const v3 = saved as Omit<ConnectorState, "ledger"> & { ledger: LedgerJson };
    return { ...emptyState(), ...v3, ledger: Ledger.fromJSON(v3.ledger) };
  }
  if (version !== 1 && version !== 2) return emptyState();
  const { items, checkpoint, ...rest } = saved as StateV2;
  const ledger = Ledger.fromEntries(
    Object.entries(items ?? {}).map(([id, e]): [string, LedgerEntry] =>
      "c" in e ? [id, { contentHash: e.c, aclHash: e.a, spaceId: e.s }] : [id, e],
    ),
  );
  const state: ConnectorState = { ...emptyState(), ...rest, version: 3, ledger };
  if (checkpoint) {
    const { seen, ...kept } = checkpoint;
    const generation = ledger.newGeneration();
    for (const id of seen ?? []) ledger.markListed(id, generation);
    state.checkpoint = { ...kept, generation };
  }
  return state;
}

/** JSON file, replaced atomically (write + rename) so a kill never leaves half a file. */
export class FileStateStore implements StateStore {
  constructor(readonly path: string) {}

  async load(): Promise<ConnectorState> {
    try {
      return upgradeState(JSON.parse(await readFile(this.path, "utf8")));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
      throw error;
    }
  }

  async save(state: ConnectorState): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(state));
    await rename(tmp, this.path);
  }
}

/** In-memory store that serialises like the file one (tests, the scenario runner). */
export class MemoryStateStore implements StateStore {
  #json: string | undefined;

  async load(): Promise<ConnectorState> {
    return this.#json ? upgradeState(JSON.parse(this.#json)) : emptyState();
  }

  async save(state: ConnectorState): Promise<void> {
    this.#json = JSON.stringify(state);
  }

  peek(): ConnectorState | undefined {
    return this.#json ? upgradeState(JSON.parse(this.#json)) : undefined;
  }
}
