/** The largest page an admin listing returns at once. */
export const MAX_WINDOW = 5000;

/** One page of an admin listing: the whole length, where the page starts, and its rows. */
export interface ListPage<T> {
  total: number;
  offset: number;
  page: T[];
}

/**
 * The page of `all` that `?offset=0&limit=500` asks for, checked: whole numbers, offset ≥ 0, limit
 * 1–5000 (default `defaultLimit`). An offset past the end gives an empty page.
 */
export function listPage<T>(
  query: URLSearchParams,
  all: readonly T[],
  defaultLimit = 500,
): ListPage<T> | { error: string } {
  const read = (name: string, fallback: number) => {
    const raw = query.get(name);
    if (raw === null || raw === "") return fallback;
    return /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  };
  const offset = read("offset", 0);
  const limit = read("limit", defaultLimit);
  if (Number.isNaN(offset)) return { error: "offset must be a whole number ≥ 0" };
  if (Number.isNaN(limit) || limit < 1 || limit > MAX_WINDOW)
    return { error: `limit must be a whole number from 1 to ${MAX_WINDOW}` };
  const start = Math.min(offset, all.length);
  return { total: all.length, offset: start, page: all.slice(start, start + limit) };
}
