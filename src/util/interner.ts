/**
 * One shared copy of values that repeat: the first value seen under a key is handed out for every
 * later one. Large simulated sites repeat the same few values (a space's name and URL on each of
 * its pages, the same ACL on most of a space's items), and values parsed from JSON are fresh copies
 * each time, so keeping one saves most of their memory.
 *
 * A key that rarely repeats (a title, a URL) would only add a table entry per value: after
 * `probe` new keys, an interner that was asked again for fewer keys than it stored gives up,
 * forgets its table and hands every value back as it is.
 */
export class Interner<T> {
  #table: Map<string, T> | undefined = new Map();
  #hits = 0;

  constructor(private readonly probe = 4096) {}

  /** The kept value for `key`, or `value` (kept from now on). */
  intern(key: string, value: T): T {
    const table = this.#table;
    if (!table) return value;
    const known = table.get(key);
    if (known !== undefined) {
      this.#hits++;
      return known;
    }
    if (table.size >= this.probe && this.#hits < table.size) {
      this.#table = undefined;
      return value;
    }
    table.set(key, value);
    return value;
  }

  /** Whether the interner still keeps values (false once it gave up). */
  get active(): boolean {
    return this.#table !== undefined;
  }

  clear(): void {
    this.#table = new Map();
    this.#hits = 0;
  }
}
