/**
 * A deep copy of plain data (objects, arrays, primitives) that shares its strings. Strings are
 * immutable, so copying their characters, as `structuredClone` does, buys nothing and doubles the
 * memory of text-heavy data (a site spec's page bodies). Anything that is not a plain object or an
 * array (a Date, a Map) is shared as is.
 */
export function cloneSharingStrings<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneSharingStrings) as T;
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) copy[key] = cloneSharingStrings(v);
  return copy as T;
}
