/**
 * Simulated time shared by every twin. Nothing in src/simulators reads Date.now():
 * timestamps, token expiry, rate-limit refills and Retry-After windows all follow this clock,
 * so a scenario controls time and no test sleeps for real.
 */
export class SimClock {
  #now: number;
  /** `iso()` of the last time asked for: every journal entry asks, and time rarely moves. */
  #iso: { at: number; text: string } | undefined;

  constructor(start: Date | number | string = "2026-01-01T00:00:00.000Z") {
    this.#now = typeof start === "number" ? start : new Date(start).getTime();
    if (!Number.isFinite(this.#now)) throw new Error(`SimClock: invalid start time ${String(start)}`);
  }

  /** Milliseconds since the epoch, simulated. */
  now(): number {
    return this.#now;
  }

  date(): Date {
    return new Date(this.#now);
  }

  iso(): string {
    if (this.#iso?.at !== this.#now) this.#iso = { at: this.#now, text: new Date(this.#now).toISOString() };
    return this.#iso.text;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`SimClock: cannot advance by ${ms} ms`);
    this.#now += ms;
  }

  set(time: Date | number | string): void {
    const next = typeof time === "number" ? time : new Date(time).getTime();
    if (!Number.isFinite(next)) throw new Error(`SimClock: invalid time ${String(time)}`);
    this.#now = next;
  }

  /** A sleep for clients running inside the simulation: waiting advances simulated time. */
  readonly sleep = async (ms: number): Promise<void> => {
    this.advance(Math.max(0, ms));
  };
}

const units: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses "90s", "5m", "1h30m", "2d" or a number of milliseconds. */
export function parseDuration(text: string | number): number {
  if (typeof text === "number") return text;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * units[m[2]];
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== trimmed.length) {
    throw new Error(`invalid duration "${text}" (use e.g. 500ms, 30s, 5m, 1h30m, 2d)`);
  }
  return total;
}
