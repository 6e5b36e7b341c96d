import { v2BadParam } from "./errors.ts";

/**
 * Query-parameter readers for the v2 API. A bad value throws `V2ParamError`, which the v2 route
 * wrapper turns into the measured 400 body, so handlers read parameters in straight-line code.
 */
export class V2ParamError extends Error {
  constructor(
    readonly title: string,
    readonly detail: string | null = null,
  ) {
    super(title);
  }

  response(): Response {
    return v2BadParam(this.title, this.detail);
  }
}

/** Spring's conversion failure, as measured for `id` (docs/fidelity/confluence-v2.md). */
export function wrongType(name: string, value: string, type: string): V2ParamError {
  return new V2ParamError(
    `Provided value {${value}} for '${name}' is not the correct type. Expected type is ${type}.`,
  );
}

const INT64_MAX = 9_223_372_036_854_775_807n;

/** True for a decimal that fits a Java long (what v2 declares for every numeric id). */
export function isLong(value: string): boolean {
  if (!/^[-+]?\d{1,19}$/.test(value)) return false;
  const n = BigInt(value);
  return n <= INT64_MAX && n >= -INT64_MAX - 1n;
}

/**
 * A path or query id declared int64: `abc` → 400 `… Expected type is long.` Parsed like Java's
 * Long.parseLong, so `007` and `+7` name content 7.
 */
export function longId(value: string, name = "id"): string {
  if (!isLong(value)) throw wrongType(name, value, "long");
  return BigInt(value).toString();
}

/**
 * An array parameter. The spec documents comma-separated values (`space-id=1,2`); confluence.js
 * sends them repeated (`space-id=1&space-id=2`). Both forms, and mixes, are accepted.
 */
export function arrayParam(query: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (const raw of query.getAll(name)) {
    for (const part of raw.split(",")) {
      const v = part.trim();
      if (v) out.push(v);
    }
  }
  return out;
}

/** An array of int64 ids; undefined when the parameter is absent. */
export function longArrayParam(query: URLSearchParams, name: string): string[] | undefined {
  if (!query.has(name)) return undefined;
  return arrayParam(query, name).map((v) => longId(v, name));
}

export function stringParam(query: URLSearchParams, name: string): string | undefined {
  const v = query.get(name);
  return v === null ? undefined : v;
}

/** `true`/`false` in any case; anything else is a conversion failure. */
export function boolParam(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = query.get(name);
  if (v === null || v === "") return fallback;
  const lower = v.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  throw wrongType(name, v, "boolean");
}

/** One value from a closed set, named after the spec's schema (`PageSortOrder`) in the 400 title. */
export function enumParam<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
  typeName: string,
): T | undefined {
  const v = query.get(name);
  if (v === null || v === "") return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw wrongType(name, v, typeName);
  return v as T;
}

/** Several values from a closed set (repeated or comma-separated); undefined when absent. */
export function enumArrayParam<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
  typeName: string,
): T[] | undefined {
  const values = arrayParam(query, name);
  if (values.length === 0) return undefined;
  for (const v of values) if (!(allowed as readonly string[]).includes(v)) throw wrongType(name, v, typeName);
  return values as T[];
}

/** A 32-bit integer parameter; undefined when absent. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === "") return undefined;
  if (!/^-?\d{1,10}$/.test(v) || Math.abs(Number(v)) > 2_147_483_647) throw wrongType(name, v, "int");
  return Number(v);
}
