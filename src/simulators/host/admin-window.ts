/** The largest page an admin listing returns at once. */
export const MAX_WINDOW = 5000;

/**
 * `offset` and `limit` of an admin listing (`?offset=0&limit=500`), checked: whole numbers,
 * offset ≥ 0, limit 1–5000 (default 500).
 */
export function pageWindow(
  query: URLSearchParams,
  total: number,
  defaultLimit = 500,
): { offset: number; limit: number } | { error: string } {
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
  return { offset: Math.min(offset, total), limit };
}
