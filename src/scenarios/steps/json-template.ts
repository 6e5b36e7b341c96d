/**
 * JSON written in a scenario for a raw Graph call: its body, and the fields its answer must have.
 *
 * - `{ $repeat: N, from: K, item: … }` inside a list stands for N copies of `item`, with `{n}` in
 *   its strings replaced by K, K+1, … (K defaults to 0): a schema with 127 properties is one line.
 * - An expected answer matches when every field it names has that value: objects are compared
 *   field by field (the answer may have more), lists element by element (same length).
 */

/** Most copies one `$repeat` may make (a typo must not allocate millions). */
export const MAX_REPEAT = 10_000;

/** The value with every `$repeat` element expanded; throws with the reason when one is malformed. */
export function expandRepeats(value: unknown): unknown {
  if (Array.isArray(value)) return value.flatMap((v) => (isRepeat(v) ? repeat(v) : [expandRepeats(v)]));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandRepeats(v)]));
  return value;
}

function isRepeat(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && "$repeat" in v;
}

function repeat(spec: Record<string, unknown>): unknown[] {
  const { $repeat: count, from = 0, item, ...rest } = spec;
  if (Object.keys(rest).length)
    throw new Error(`$repeat takes only from and item, not ${Object.keys(rest).join(", ")}`);
  if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > MAX_REPEAT)
    throw new Error(`$repeat must be a whole number from 0 to ${MAX_REPEAT}`);
  if (!Number.isInteger(from)) throw new Error("$repeat's from must be a whole number");
  if (item === undefined) throw new Error("$repeat needs an item");
  const expanded = expandRepeats(item);
  return Array.from({ length: count as number }, (_, i) => numbered(expanded, (from as number) + i));
}

const numbered = (value: unknown, n: number) => mapStrings(value, (s) => s.replaceAll("{n}", String(n)));

/** The JSON value with every string (not keys) replaced by `fn` of it. */
export function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}

/** Where `actual` differs from what `expected` names (`state is "ready", expected "draft"`), or undefined. */
export function jsonMismatch(actual: unknown, expected: unknown, at = ""): string | undefined {
  const where = at || "the answer";
  if (expected !== null && typeof expected === "object") {
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return `${where} is ${brief(actual)}, expected a list`;
      if (actual.length !== expected.length)
        return `${where} has ${actual.length} entries, expected ${expected.length}`;
      for (const [i, e] of expected.entries()) {
        const found = jsonMismatch(actual[i], e, `${at}[${i}]`);
        if (found) return found;
      }
      return undefined;
    }
    if (actual === null || typeof actual !== "object" || Array.isArray(actual))
      return `${where} is ${brief(actual)}, expected an object`;
    for (const [key, e] of Object.entries(expected)) {
      const found = jsonMismatch((actual as Record<string, unknown>)[key], e, at ? `${at}.${key}` : key);
      if (found) return found;
    }
    return undefined;
  }
  return actual === expected
    ? undefined
    : `${where} is ${brief(actual)}, expected ${JSON.stringify(expected)}`;
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? "missing";
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
