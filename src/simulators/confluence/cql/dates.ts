/**
 * CQL date values → epoch milliseconds. `now` always comes from the twin's SimClock (callers pass
 * it in); wall-clock arithmetic happens in the site's time zone (UTC by default, any IANA zone
 * through Intl). Week start defaults to Sunday (Atlassian's en-US locale; a guess, configurable).
 */
import type { DateFunctionName } from "./fields.ts";
import { DATE_FUNCTIONS } from "./fields.ts";

export interface DateContext {
  /** Simulated "now", epoch ms (SimClock.now()). */
  now: number;
  /** IANA zone such as "Europe/Berlin"; default "UTC". */
  timeZone?: string;
  /** 0 = Sunday (default), 1 = Monday. */
  weekStart?: 0 | 1;
}

/** A resolved date value: the instant it names and the end (exclusive) of its precision. */
export interface DateRange {
  start: number;
  end: number;
}

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

const LITERAL = /^(\d{4})([/-])(\d{1,2})\2(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/;

/** Parses `yyyy/MM/dd[ HH:mm]` or `yyyy-MM-dd[ HH:mm]`; undefined when not a valid date. */
export function parseDateLiteral(text: string): (WallTime & { hasTime: boolean }) | undefined {
  const m = LITERAL.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[3]), Number(m[4])];
  const hasTime = m[5] !== undefined;
  const hour = hasTime ? Number(m[5]) : 0;
  const minute = hasTime ? Number(m[6]) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59)
    return undefined;
  return { year, month, day, hour, minute, hasTime };
}

/** A literal as a range: a whole day without time, one minute with it. */
export function resolveDateLiteral(text: string, ctx: Pick<DateContext, "timeZone">): DateRange | undefined {
  const lit = parseDateLiteral(text);
  if (!lit) return undefined;
  const start = wallToEpoch(lit, ctx.timeZone);
  const end = lit.hasTime ? start + 60_000 : wallToEpoch(addDays(lit, 1), ctx.timeZone);
  return { start, end };
}

export type IncrementUnit = "y" | "M" | "w" | "d" | "h" | "m";

export interface Increment {
  amount: number;
  unit: IncrementUnit | undefined;
}

/** `"-2y"`, `"+4w"`, `"3d"`, `"-1"` (unit omitted = the function's natural period). */
export function parseIncrement(text: string): Increment | undefined {
  const m = /^([+-]?)(\d{1,6})([yMwdhm]?)$/.exec(text.trim());
  if (!m) return undefined;
  const amount = Number(m[2]) * (m[1] === "-" ? -1 : 1);
  return { amount, unit: (m[3] || undefined) as IncrementUnit | undefined };
}

export function isDateFunction(name: string): name is DateFunctionName {
  return (DATE_FUNCTIONS as readonly string[]).includes(name);
}

const PERIOD: Record<Exclude<DateFunctionName, "now">, IncrementUnit> = {
  startOfDay: "d",
  endOfDay: "d",
  startOfWeek: "w",
  endOfWeek: "w",
  startOfMonth: "M",
  endOfMonth: "M",
  startOfYear: "y",
  endOfYear: "y",
};

const COARSENESS: Record<IncrementUnit, number> = { m: 0, h: 1, d: 2, w: 3, M: 4, y: 5 };

/**
 * Resolves `now()`, `startOfDay("-1d")`… to an instant. The increment moves the anchor first
 * when its unit is at least the function's period (`startOfMonth("-1M")` = start of last month)
 * and is added to the boundary otherwise (`startOfMonth("+14d")` = the 15th), as JQL documents.
 * Returns undefined for an invalid increment.
 */
export function resolveDateFunction(
  name: DateFunctionName,
  args: readonly string[],
  ctx: DateContext,
): number | undefined {
  const zone = ctx.timeZone;
  let inc: Increment = { amount: 0, unit: "d" };
  if (args.length > 1) return undefined;
  if (args.length === 1) {
    const parsed = parseIncrement(args[0]);
    if (!parsed) return undefined;
    if (!parsed.unit && name === "now") return undefined;
    inc = { amount: parsed.amount, unit: parsed.unit ?? PERIOD[name as Exclude<DateFunctionName, "now">] };
  }
  const unit = inc.unit as IncrementUnit;
  if (name === "now") return addToInstant(ctx.now, inc.amount, unit, zone);
  const period = PERIOD[name];
  const before = COARSENESS[unit] >= COARSENESS[period];
  const anchor = before ? addToInstant(ctx.now, inc.amount, unit, zone) : ctx.now;
  const wall = epochToWall(anchor, zone);
  const startWall = startOfPeriod(wall, period, ctx.weekStart ?? 0);
  let result = name.startsWith("start")
    ? wallToEpoch(startWall, zone)
    : wallToEpoch(addToWall(startWall, 1, period), zone) - 1;
  if (!before) result = addToInstant(result, inc.amount, unit, zone);
  return result;
}

function startOfPeriod(wall: WallTime, period: IncrementUnit, weekStart: 0 | 1): WallTime {
  const day = { ...wall, hour: 0, minute: 0 };
  switch (period) {
    case "d":
      return day;
    case "w": {
      const dow = new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
      return addDays(day, -((dow - weekStart + 7) % 7));
    }
    case "M":
      return { ...day, day: 1 };
    default:
      return { ...day, month: 1, day: 1 };
  }
}

/** Adds in wall-clock terms for calendar units (DST-safe), in absolute time for h and m. */
export function addToInstant(epoch: number, amount: number, unit: IncrementUnit, zone?: string): number {
  if (amount === 0) return epoch;
  if (unit === "h") return epoch + amount * 3_600_000;
  if (unit === "m") return epoch + amount * 60_000;
  const ms = epochMillisOfMinute(epoch);
  return wallToEpoch(addToWall(epochToWall(epoch, zone), amount, unit), zone) + ms;
}

function epochMillisOfMinute(epoch: number): number {
  return ((epoch % 60_000) + 60_000) % 60_000;
}

function addToWall(wall: WallTime, amount: number, unit: IncrementUnit): WallTime {
  switch (unit) {
    case "y":
      return clampDay({ ...wall, year: wall.year + amount });
    case "M": {
      const index = wall.year * 12 + (wall.month - 1) + amount;
      return clampDay({ ...wall, year: Math.floor(index / 12), month: (((index % 12) + 12) % 12) + 1 });
    }
    case "w":
      return addDays(wall, amount * 7);
    case "d":
      return addDays(wall, amount);
    default:
      return wall;
  }
}

function addDays(wall: WallTime, days: number): WallTime {
  const d = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function clampDay(wall: WallTime): WallTime {
  return { ...wall, day: Math.min(wall.day, daysInMonth(wall.year, wall.month)) };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

function isUtc(zone: string | undefined): boolean {
  return zone === undefined || zone === "UTC" || zone === "Etc/UTC";
}

export function epochToWall(epoch: number, zone?: string): WallTime {
  if (isUtc(zone)) {
    const d = new Date(epoch);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
    };
  }
  const parts: Record<string, number> = {};
  for (const p of formatter(zone as string).formatToParts(epoch)) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
}

function wallAsUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
}

/** Wall time in `zone` → epoch ms. In a DST gap the later offset wins, like java.time. */
export function wallToEpoch(wall: WallTime, zone?: string): number {
  const guess = wallAsUtc(wall);
  if (isUtc(zone)) return guess;
  const offsetAt = (t: number) => wallAsUtc(epochToWall(t, zone)) - (t - epochMillisOfMinute(t));
  const first = guess - offsetAt(guess);
  const second = guess - offsetAt(first);
  return first === second ? first : Math.max(first, second);
}
