import type { JournalEntry } from "./journal.ts";

export interface ActivityListener {
  /**
   * A request arrived: its journal entry (status still 0) and URL, before the fault plan and the
   * route see it. Runs synchronously, so whatever it changes is what this request and every later
   * one see (a crawl's `during:` hook).
   */
  arrived?(entry: Readonly<JournalEntry>, url: URL): void;
  /** A request was journaled (its answer is decided; the transport may still be sending it). */
  request?(entry: JournalEntry): void;
  /** Something other than a twin request may have changed state: an admin write (clock, faults, reset…). */
  changed?(): void;
}

/**
 * What happens on a host, for live observers (the `/_sim/events` stream, a crawl's `during:`
 * hook): every request as it arrives and once journaled, and every admin write. `revision` counts both, so an observer can tell whether anything moved
 * since it last looked. With no listener, reporting costs an increment.
 */
export class Activity {
  #listeners = new Set<ActivityListener>();
  revision = 0;

  arrived(entry: Readonly<JournalEntry>, url: URL): void {
    for (const listener of this.#listeners) listener.arrived?.(entry, url);
  }

  request(entry: JournalEntry): void {
    this.revision++;
    for (const listener of this.#listeners) listener.request?.(entry);
  }

  changed(): void {
    this.revision++;
    for (const listener of this.#listeners) listener.changed?.();
  }

  /** Starts listening; the returned function stops. */
  subscribe(listener: ActivityListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listeners(): number {
    return this.#listeners.size;
  }
}
