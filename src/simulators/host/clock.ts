/**
 * Simulated time shared by every twin. Nothing in src/simulators reads Date.now() except
 * `LiveClock` below and the TLS certificates (clients check those against their own clock):
 * timestamps, token expiry, rate-limit refills and Retry-After windows all follow this clock, so
 * a scenario controls time and no test sleeps for real. Anything that waits on simulated time
 * (schema provisioning, rate-limit refills) is computed from the clock when read, never scheduled,
 * so it behaves the same under the frozen and the live clock.
 */
/**
 * The latest instant the clock can show: the end of year 9999. Every twin renders times as ISO
 * 8601 with a four-digit year, and past ±8.64e15 ms a Date is invalid and `toISOString` throws, so
 * a clock moved beyond this would wedge every route; it refuses instead.
 */
export const MAX_SIM_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The earliest instant the clock can show: the Unix epoch (JWT times are seconds since it). */
export const MIN_SIM_TIME = 0;

export class SimClock {
  /** Simulated time is `base() + offset`: a frozen clock's base is 0, a live clock's is wall time. */
  #offset: number;
  /** `iso()` of the last time asked for: every journal entry asks, and time rarely moves. */
  #iso: { at: number; text: string } | undefined;
  /** While `follow` runs: the monotonic reading it started at and the rate. */
  #following: { mono: number; rate: number } | undefined;

  constructor(start: Date | number | string = "2026-01-01T00:00:00.000Z") {
    const ms = toEpochMs(start);
    assertShowable(ms, `start at ${String(start)}`);
    this.#offset = ms - this.base();
  }

  /** What the clock adds its offset to; only the live clock's base moves by itself. */
  protected base(): number {
    return 0;
  }

  /**
   * Milliseconds since the epoch, simulated. A clock that runs by itself (live, or following wall
   * time) stops at the last showable instant rather than run past it.
   */
  now(): number {
    return Math.min(this.base() + this.#offset + this.#followed(), MAX_SIM_TIME);
  }

  date(): Date {
    return new Date(this.now());
  }

  iso(): string {
    const now = this.now();
    if (this.#iso?.at !== now) this.#iso = { at: now, text: new Date(now).toISOString() };
    return this.#iso.text;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`SimClock: cannot advance by ${ms} ms`);
    assertShowable(this.now() + ms, `advance by ${ms} ms`);
    this.#offset += ms;
  }

  set(time: Date | number | string): void {
    const next = toEpochMs(time);
    assertShowable(next, `be set to ${String(time)}`);
    this.#offset = next - this.base() - this.#followed();
  }

  /**
   * From now until `stop()`, simulated time also follows wall time × `rate` (monotonic), for a
   * client in another process that waits for real (an external connector in a scenario); `advance`
   * and `set` still work meanwhile. `stop()` freezes the clock where it got to and returns how
   * many simulated milliseconds the following added.
   */
  follow(rate = 1): { stop(): number } {
    if (!Number.isFinite(rate) || rate <= 0) throw new Error(`SimClock: rate must be positive, got ${rate}`);
    if (this.#following) throw new Error("SimClock: already following wall time");
    this.#following = { mono: performance.now(), rate };
    return {
      stop: () => {
        // Frozen where it got to, which is never past the last showable instant (see `now`).
        const added = Math.max(0, Math.min(this.#followed(), MAX_SIM_TIME - this.base() - this.#offset));
        this.#offset += added;
        this.#following = undefined;
        return added;
      },
    };
  }

  /** Simulated milliseconds the running `follow` has added so far (0 when none runs). */
  #followed(): number {
    const f = this.#following;
    return f ? Math.floor((performance.now() - f.mono) * f.rate) : 0;
  }

  /** A sleep for clients running inside the simulation: waiting advances simulated time. */
  readonly sleep = async (ms: number): Promise<void> => {
    this.advance(Math.max(0, ms));
  };
}

/**
 * A clock that runs by itself: simulated time follows wall time (× `rate`) from `start`, so clients
 * in other processes see tokens expire, schema operations complete and Retry-After windows pass
 * while they wait for real. `advance` and `set` still move it (an offset on top of wall time).
 * `cgsim serve` uses it; scenarios keep the frozen SimClock.
 */
export class LiveClock extends SimClock {
  /** Wall time (ms) when the clock started, and the monotonic reading at that moment. */
  #origin: { wall: number; mono: number };
  #rate: number;

  constructor(options: { start?: Date | number | string; rate?: number } = {}) {
    const rate = options.rate ?? 1;
    if (!Number.isFinite(rate) || rate <= 0) throw new Error(`LiveClock: rate must be positive, got ${rate}`);
    super(0);
    this.#origin = { wall: Date.now(), mono: performance.now() };
    this.#rate = rate;
    this.set(options.start ?? this.#origin.wall);
  }

  get rate(): number {
    return this.#rate;
  }

  /** Wall time at the start plus monotonic elapsed time × rate (immune to wall-clock jumps). */
  protected override base(): number {
    // SimClock's constructor asks before this class's fields exist; it then sets no real offset.
    if (!(#origin in this)) return 0;
    return this.#origin.wall + Math.floor((performance.now() - this.#origin.mono) * this.#rate);
  }
}

let dateCache = { second: Number.NaN, value: "" };

/** The `date` header (HTTP dates have whole seconds, so one string serves a whole simulated second). */
export function httpDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== dateCache.second) dateCache = { second, value: new Date(ms).toUTCString() };
  return dateCache.value;
}

function toEpochMs(time: Date | number | string): number {
  const ms = typeof time === "number" ? time : new Date(time).getTime();
  if (!Number.isFinite(ms)) throw new Error(`SimClock: invalid time ${String(time)}`);
  return ms;
}

function assertShowable(ms: number, what: string): void {
  if (ms < MIN_SIM_TIME || ms > MAX_SIM_TIME) {
    throw new Error(
      `SimClock: cannot ${what}: simulated time runs from ${new Date(MIN_SIM_TIME).toISOString()} to ${new Date(MAX_SIM_TIME).toISOString()}`,
    );
  }
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
  if (typeof text === "number") return withinClockRange(text, String(text));
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return withinClockRange(Number(trimmed), text);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * units[m[2]];
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== trimmed.length) {
    throw new Error(`"${text}" is not a duration (use e.g. 500ms, 30s, 5m, 1h30m, 2d)`);
  }
  return withinClockRange(total, text);
}

/** A duration longer than the clock's whole range can only be a mistake (and would wedge it). */
function withinClockRange(ms: number, text: string): number {
  if (ms > MAX_SIM_TIME - MIN_SIM_TIME) {
    throw new Error(
      `duration "${text}" is longer than the simulated clock's whole range (years 1970 to 9999)`,
    );
  }
  return ms;
}
