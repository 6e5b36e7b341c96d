import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * What the connector remembers between runs: the ledger of indexed items (hashes of content and
 * ACL, so unchanged items are skipped and vanished ones deleted), external group memberships,
 * the incremental watermark, the rotated OAuth refresh token, and the checkpoint of an
 * unfinished crawl so a killed crawl resumes where it stopped.
 */
export interface LedgerItem {
  /** Hash of properties + content. */
  contentHash: string;
  /** Hash of the ACL. */
  aclHash: string;
  spaceId: string;
}

/** A ledger entry as version 1 of the state file wrote it. */
interface LedgerItemV1 {
  c: string;
  a: string;
  s: string;
}

export interface Checkpoint {
  mode: "full" | "incremental";
  /** Crawl start (ms): the next watermark, kept across a resume. */
  startedAt: number;
  /** Spaces whose items are all written and recorded in the ledger. */
  spacesDone: string[];
  /** Item ids seen by the listing so far (for deletion after a complete listing). */
  seen: string[];
  /**
   * External groups referenced by ACLs written so far, with what each stands for, so a resumed
   * crawl keeps them and re-syncs their members too.
   */
  groupDefs?: Record<string, Array<{ users: string[]; groups: string[] }>>;
}

export interface ConnectorState {
  /** 2 since the ledger fields have names; version 1 files are upgraded when read. */
  version: 2;
  schemaHash?: string;
  items: Record<string, LedgerItem>;
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

export const emptyState = (): ConnectorState => ({ version: 2, items: {}, groups: {} });

/**
 * A saved state as this version uses it. Version 1 (ledger `{c, a, s}`) is upgraded, so an
 * upgrade neither re-sends every item nor loses the indexed ACL hashes incremental crawls rely
 * on; an unknown version starts empty (the next full crawl rewrites everything, idempotently).
 */
function upgradeState(saved: unknown): ConnectorState {
  const version =
    typeof saved === "object" && saved !== null ? (saved as { version?: unknown }).version : undefined;
  if (version === 2) return { ...emptyState(), ...(saved as ConnectorState) };
  if (version !== 1) return emptyState();
  const v1 = saved as Omit<ConnectorState, "version" | "items"> & { items?: Record<string, LedgerItemV1> };
  const items: Record<string, LedgerItem> = {};
  for (const [id, { c, a, s }] of Object.entries(v1.items ?? {}))
    items[id] = { contentHash: c, aclHash: a, spaceId: s };
  return { ...emptyState(), ...v1, version: 2, items };
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
    return this.#json ? (JSON.parse(this.#json) as ConnectorState) : emptyState();
  }

  async save(state: ConnectorState): Promise<void> {
    this.#json = JSON.stringify(state);
  }

  peek(): ConnectorState | undefined {
    return this.#json ? (JSON.parse(this.#json) as ConnectorState) : undefined;
  }
}
