/**
 * The ledger of indexed items: for each item written to Graph, the hash of what it was built from
 * (its inputs) and of its ACL and the space it came from, so unchanged items are skipped and
 * vanished ones deleted. It grows with the index (a million items for a large site), so it is kept
 * in columns: 16 bytes of inputs hash per item, a bit saying it is one, and an index into a table of
 * distinct ACL hashes and one of space ids (a space's items mostly share a handful of ACLs). About
 * 85–100 bytes an item in memory (its id and map entry included) and 41 in the state file, against
 * ~150 and 112 as one object per item plus a list of the ids seen (docs/performance.md).
 */

/** One item as last written. */
export interface LedgerEntry {
  /**
   * Hash of what the item was built from (`inputsHash`: version, format, properties; 22 base64url
   * characters), or, in rows written before it was introduced (`inputs` false), of the built item
   * (`hashOf` properties + content).
   */
  contentHash: string;
  /** Whether `contentHash` is an inputs hash; false only for rows from older state files. */
  inputs?: boolean;
  /** Hash of the ACL. */
  aclHash: string;
  spaceId: string;
}

/** The ledger in the state file (version 3): columns in `ids` order. */
export interface LedgerJson {
  ids: string[];
  /** The first 16 bytes of each item's content hash, base64, 16 bytes per id. */
  content: string;
  /** Distinct ACL hashes; `acl[i]` is the index of item i's. */
  acls: string[];
  acl: number[];
  /** Distinct space ids; `space[i]` is the index of item i's. */
  spaces: string[];
  space: number[];
  /** The crawl generation that last listed item i (0: none yet); see `listedIn`. */
  listed: number[];
  /** The last generation handed out. */
  generation: number;
  /**
   * Which rows hold an inputs hash: one bit per row in `ids` order (bit i%8 of byte i/8), base64.
   * Absent in files written before it: every row then holds the hash of the built item.
   */
  inputs?: string;
}

/** How many items of a space the ledger holds, and how many of them with an older kind of hash. */
export interface SpaceRows {
  items: number;
  legacy: number;
}

/** Bytes of a content hash kept: 128 bits, as good as the 132 of its base64 text for telling changes. */
const DIGEST_BYTES = 16;

/** Strings stored once and referred to by their index. */
class Table {
  readonly values: string[] = [];
  readonly #index = new Map<string, number>();

  constructor(values: readonly string[] = []) {
    for (const v of values) this.indexOf(v);
  }

  indexOf(value: string): number {
    let i = this.#index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.#index.set(value, i);
    }
    return i;
  }
}

export class Ledger {
  /** Item id → its row in the columns. */
  readonly #rows = new Map<string, number>();
  #digests = new Uint8Array(DIGEST_BYTES * 1024);
  #acl = new Uint32Array(1024);
  #space = new Uint32Array(1024);
  #listed = new Uint32Array(1024);
  /** 1 where the row's digest is an inputs hash (see LedgerEntry.inputs). */
  #inputs = new Uint8Array(1024);
  /** Rows freed by deletions, reused by the next new items. */
  readonly #free: number[] = [];
  #end = 0;
  #acls = new Table();
  #spaces = new Table();
  #generation = 0;

  get size(): number {
    return this.#rows.size;
  }

  has(id: string): boolean {
    return this.#rows.has(id);
  }

  ids(): IterableIterator<string> {
    return this.#rows.keys();
  }

  /** Whether the item was last written with exactly this content and ACL. */
  matches(id: string, contentHash: string, aclHash: string): boolean {
    const row = this.#rows.get(id);
    if (row === undefined || this.#acls.values[this.#acl[row]] !== aclHash) return false;
    const digest = digestOf(contentHash);
    const at = row * DIGEST_BYTES;
    for (let i = 0; i < DIGEST_BYTES; i++) if (this.#digests[at + i] !== digest[i]) return false;
    return true;
  }

  /** Whether the item's content hash is an inputs hash (false: a built item's, or not indexed). */
  hashesInputs(id: string): boolean {
    const row = this.#rows.get(id);
    return row !== undefined && this.#inputs[row] === 1;
  }

  /** Items per space id, and how many of them still hold a built item's hash. */
  spaceRows(): Map<string, SpaceRows> {
    const out = new Map<string, SpaceRows>();
    for (const row of this.#rows.values()) {
      const id = this.#spaces.values[this.#space[row]];
      let rows = out.get(id);
      if (!rows) {
        rows = { items: 0, legacy: 0 };
        out.set(id, rows);
      }
      rows.items++;
      if (this.#inputs[row] !== 1) rows.legacy++;
    }
    return out;
  }

  /** The hash of the ACL the item was last written with. */
  aclHashOf(id: string): string | undefined {
    const row = this.#rows.get(id);
    return row === undefined ? undefined : this.#acls.values[this.#acl[row]];
  }

  spaceOf(id: string): string | undefined {
    const row = this.#rows.get(id);
    return row === undefined ? undefined : this.#spaces.values[this.#space[row]];
  }

  /** Records a write; `generation` marks the item listed by that crawl (see `listedIn`). */
  set(id: string, entry: LedgerEntry, generation = 0): void {
    let row = this.#rows.get(id);
    if (row === undefined) {
      row = this.#free.pop() ?? this.#grow();
      this.#rows.set(id, row);
      this.#listed[row] = 0;
    }
    this.#digests.set(digestOf(entry.contentHash), row * DIGEST_BYTES);
    this.#acl[row] = this.#acls.indexOf(entry.aclHash);
    this.#space[row] = this.#spaces.indexOf(entry.spaceId);
    this.#inputs[row] = entry.inputs ? 1 : 0;
    if (generation > 0) this.#listed[row] = generation;
  }

  delete(id: string): void {
    const row = this.#rows.get(id);
    if (row === undefined) return;
    this.#rows.delete(id);
    this.#free.push(row);
  }

  /**
   * A new crawl generation: the items a complete listing marks with it (`markListed`) are the ones
   * it showed, the others are the ones it proved gone. Instead of a list of the ids seen, which
   * would double the ledger while a crawl runs.
   */
  newGeneration(): number {
    return ++this.#generation;
  }

  /** Marks the item, if indexed, as listed by the crawl of this generation. */
  markListed(id: string, generation: number): void {
    const row = this.#rows.get(id);
    if (row !== undefined) this.#listed[row] = generation;
  }

  listedIn(id: string, generation: number): boolean {
    const row = this.#rows.get(id);
    return row !== undefined && this.#listed[row] === generation;
  }

  toJSON(): LedgerJson {
    const n = this.#rows.size;
    const digests = new Uint8Array(n * DIGEST_BYTES);
    const acl = new Array<number>(n);
    const space = new Array<number>(n);
    const listed = new Array<number>(n);
    const ids = new Array<string>(n);
    const inputs = new Uint8Array(Math.ceil(n / 8));
    let i = 0;
    for (const [id, row] of this.#rows) {
      ids[i] = id;
      digests.set(this.#digests.subarray(row * DIGEST_BYTES, (row + 1) * DIGEST_BYTES), i * DIGEST_BYTES);
      acl[i] = this.#acl[row];
      space[i] = this.#space[row];
      listed[i] = this.#listed[row];
      if (this.#inputs[row] === 1) inputs[i >> 3] |= 1 << (i & 7);
      i++;
    }
    return {
      ids,
      content: Buffer.from(digests.buffer, 0, digests.length).toString("base64"),
      acls: this.#acls.values,
      acl,
      spaces: this.#spaces.values,
      space,
      listed,
      generation: this.#generation,
      inputs: Buffer.from(inputs.buffer, 0, inputs.length).toString("base64"),
    };
  }

  /** The ledger a state file holds; a column that does not fit the ids is refused. */
  static fromJSON(json: LedgerJson): Ledger {
    const ledger = new Ledger();
    const n = json.ids.length;
    const digests = Buffer.from(json.content, "base64");
    if (digests.length !== n * DIGEST_BYTES || json.acl.length !== n || json.space.length !== n)
      throw new Error("the state file's ledger is damaged (its columns do not match its ids)");
    ledger.#acls = new Table(json.acls);
    ledger.#spaces = new Table(json.spaces);
    ledger.#generation = json.generation ?? 0;
    ledger.#reserve(n);
    ledger.#digests.set(digests);
    const inputs = json.inputs === undefined ? undefined : Buffer.from(json.inputs, "base64");
    if (inputs && inputs.length !== Math.ceil(n / 8))
      throw new Error("the state file's ledger is damaged (its inputs column does not match its ids)");
    for (let row = 0; row < n; row++) {
      if (inputs) ledger.#inputs[row] = (inputs[row >> 3] >> (row & 7)) & 1;
      ledger.#rows.set(json.ids[row], row);
      ledger.#acl[row] = json.acl[row];
      ledger.#space[row] = json.space[row];
      ledger.#listed[row] = json.listed?.[row] ?? 0;
    }
    ledger.#end = n;
    return ledger;
  }

  /** A ledger from one entry per item (state files before version 3). */
  static fromEntries(entries: Iterable<[string, LedgerEntry]>): Ledger {
    const ledger = new Ledger();
    for (const [id, entry] of entries) ledger.set(id, entry);
    return ledger;
  }

  #grow(): number {
    this.#reserve(this.#end + 1);
    return this.#end++;
  }

  /** Room for `rows` rows in every column (capacity doubles). */
  #reserve(rows: number): void {
    if (rows <= this.#acl.length) return;
    let capacity = this.#acl.length;
    while (capacity < rows) capacity *= 2;
    const widen = <T extends Uint8Array | Uint32Array>(old: T, make: (n: number) => T, per = 1): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.#digests = widen(this.#digests, (n) => new Uint8Array(n), DIGEST_BYTES);
    this.#acl = widen(this.#acl, (n) => new Uint32Array(n));
    this.#space = widen(this.#space, (n) => new Uint32Array(n));
    this.#listed = widen(this.#listed, (n) => new Uint32Array(n));
    this.#inputs = widen(this.#inputs, (n) => new Uint8Array(n));
  }
}

/** The first 16 bytes a content hash's base64url text stands for. */
function digestOf(contentHash: string): Uint8Array {
  const bytes = Buffer.from(contentHash, "base64url");
  if (bytes.length < DIGEST_BYTES) throw new Error(`not a content hash: ${contentHash}`);
  return bytes.subarray(0, DIGEST_BYTES);
}
