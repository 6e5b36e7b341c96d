import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A capture's resume file: what was collected so far and which units of work are finished (or
 * where a paged listing stopped). Written atomically (temp file + rename) at most every
 * `intervalMs` and on `flush()`, so an interrupted capture loses at most a few seconds of work.
 */

export interface UnitProgress {
  done: boolean;
  /** A paged listing's next URL when it stopped part-way. */
  next?: string;
  /** The status a finished unit was refused with (a resume must know it was refused). */
  refused?: number;
}

export interface CaptureState<T> {
  format: "cgsim-capture-state";
  version: 1;
  /** The options the capture was started with; a resume must use the same. */
  fingerprint: string;
  data: T;
  units: Record<string, UnitProgress>;
}

export class StateFile<T> {
  readonly state: CaptureState<T>;
  readonly resumed: boolean;
  #lastWrite = 0;

  constructor(
    readonly path: string,
    fingerprint: string,
    fresh: () => T,
    readonly intervalMs = 2000,
  ) {
    if (existsSync(path)) {
      const old = JSON.parse(readFileSync(path, "utf8")) as CaptureState<T>;
      if (old.format !== "cgsim-capture-state" || old.version !== 1)
        throw new Error(`${path} is not a capture state file`);
      if (old.fingerprint !== fingerprint)
        throw new Error(
          `${path} belongs to a capture started with other options (${old.fingerprint}); run with the same options to resume, or --restart to start over`,
        );
      this.state = old;
      this.resumed = true;
    } else {
      this.state = { format: "cgsim-capture-state", version: 1, fingerprint, data: fresh(), units: {} };
      this.resumed = false;
    }
  }

  get data(): T {
    return this.state.data;
  }

  isDone(unit: string): boolean {
    return this.state.units[unit]?.done === true;
  }

  nextOf(unit: string): string | undefined {
    return this.state.units[unit]?.next;
  }

  /** Records progress of a paged unit (its next URL) and saves when due. */
  progress(unit: string, next: string | undefined): void {
    this.state.units[unit] = { done: false, next };
    this.save();
  }

  done(unit: string, refused?: number): void {
    this.state.units[unit] = refused === undefined ? { done: true } : { done: true, refused };
    this.save();
  }

  refusedWith(unit: string): number | undefined {
    return this.state.units[unit]?.refused;
  }

  /** Saves when the last save is older than the interval. */
  save(): void {
    if (Date.now() - this.#lastWrite >= this.intervalMs) this.flush();
  }

  flush(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, JSON.stringify(this.state), { mode: 0o600 });
    renameSync(temp, this.path);
    this.#lastWrite = Date.now();
  }
}
