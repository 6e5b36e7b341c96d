/** One request as the host saw it. `at` is simulated time; `durationMs` is real time spent. */
export interface JournalEntry {
  seq: number;
  at: string;
  method: string;
  url: string;
  host: string;
  path: string;
  service: string | null;
  operationId: string | null;
  status: number;
  durationMs: number;
  /** Set when the fault plan changed the outcome. */
  fault?: string;
  /** Seconds announced in Retry-After, when the response carried one. */
  retryAfter?: number;
  notes?: string[];
  /** For a request sent inside a `$batch`: the journal seq of that batch request. */
  batch?: number;
}

export interface JournalQuery {
  service?: string;
  operationId?: string;
  status?: number;
  sinceSeq?: number;
  limit?: number;
}

/** Request journal: bounded, newest last, readable from tests and over `GET /_sim/requests`. */
export class RequestJournal {
  #entries: JournalEntry[] = [];
  #seq = 0;
  #listeners = new Set<(entry: JournalEntry) => void>();

  constructor(private readonly capacity = 200_000) {}

  /** Entries kept now. */
  get size(): number {
    return Math.min(this.#entries.length, this.capacity);
  }

  /** The seq of the newest request so far (0 before any). */
  get lastSeq(): number {
    return this.#seq;
  }

  nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  record(entry: JournalEntry): void {
    this.#entries.push(entry);
    // Trim in one go once twice over capacity: dropping one entry per request would move the
    // whole array every time (O(capacity) a request once the journal is full).
    if (this.#entries.length >= 2 * this.capacity) this.#entries = this.#entries.slice(-this.capacity);
    for (const listener of this.#listeners) listener(entry);
  }

  /** Calls `listener` with each entry as it is recorded (before its answer is sent); returns the unsubscribe. */
  onRecord(listener: (entry: JournalEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  entries(query: JournalQuery = {}): JournalEntry[] {
    const kept = this.#entries.length > this.capacity ? this.#entries.slice(-this.capacity) : this.#entries;
    let out = kept.filter(
      (e) =>
        (query.service === undefined || e.service === query.service) &&
        (query.operationId === undefined || e.operationId === query.operationId) &&
        (query.status === undefined || e.status === query.status) &&
        (query.sinceSeq === undefined || e.seq > query.sinceSeq),
    );
    if (query.limit !== undefined) out = out.slice(-query.limit);
    return out;
  }

  /** The newest kept entry that `match` accepts (searched newest first). */
  findLast(match: (entry: JournalEntry) => boolean): JournalEntry | undefined {
    const oldest = Math.max(0, this.#entries.length - this.capacity);
    for (let i = this.#entries.length - 1; i >= oldest; i--)
      if (match(this.#entries[i])) return this.#entries[i];
    return undefined;
  }

  count(query: JournalQuery = {}): number {
    return this.entries(query).length;
  }

  clear(): void {
    this.#entries = [];
  }
}

/**
 * The path as a piece of the request's URL text (which the journal keeps anyway) rather than a
 * copy: a long journal holds one URL per request, not a URL and its path. The parsed pathname
 * when the URL spells it differently (percent-encoding normalised by the parser).
 */
export function journalPath(href: string, url: URL): string {
  const start = href.indexOf("/", url.protocol.length + 2);
  return start >= 0 && href.startsWith(url.pathname, start)
    ? href.slice(start, start + url.pathname.length)
    : url.pathname;
}
