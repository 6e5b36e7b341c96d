import type { Service } from "./types.ts";

/** A route close to a request no route answered (WireMock's "near miss"). */
export interface NearMiss {
  service: string;
  method: string;
  path: string;
  operationId: string;
  /** 0: the path matches the pattern; each segment added, dropped or misspelt adds up to 1; another method adds 0.5. */
  distance: number;
}

/**
 * The routes nearest to a request that matched none (a 404 or 405 from the host), best first:
 * path segments aligned like an edit distance, where a `:param` or `*` segment takes any value, a
 * `**` the rest, and a misspelt literal costs its share of changed characters. The method counts
 * less than the path, so a 405 lists the same path's other methods first.
 */
export function nearMisses(method: string, path: string, services: Service[], limit = 3): NearMiss[] {
  const segments = splitPath(path);
  const wanted = method.toUpperCase();
  const out: NearMiss[] = [];
  for (const service of services)
    for (const route of service.routes) {
      const pathCost = segmentDistance(segments, splitPath(route.path));
      const methodCost = route.method === "*" || route.method === wanted ? 0 : 0.5;
      out.push({
        service: service.name,
        method: route.method,
        path: route.path,
        operationId: route.operationId,
        distance: Math.round((pathCost + methodCost) * 100) / 100,
      });
    }
  out.sort(
    (a, b) => a.distance - b.distance || a.path.length - b.path.length || a.path.localeCompare(b.path),
  );
  return out.slice(0, limit);
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

/** Edit distance over segments (insert/delete 1, substitute by `segmentCost`), `**` eating any tail. */
export function segmentDistance(actual: string[], pattern: string[]): number {
  const rows = actual.length + 1;
  const cols = pattern.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i][0] = i;
  for (let j = 1; j < cols; j++) d[0][j] = d[0][j - 1] + (pattern[j - 1].startsWith("**") ? 0 : 1);
  for (let i = 1; i < rows; i++)
    for (let j = 1; j < cols; j++) {
      const p = pattern[j - 1];
      if (p.startsWith("**")) {
        // Matches zero segments (d[i][j-1]) or one more (d[i-1][j]).
        d[i][j] = Math.min(d[i][j - 1], d[i - 1][j]);
        continue;
      }
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + segmentCost(actual[i - 1], p));
    }
  return d[rows - 1][cols - 1];
}

/** 0 for a match (a parameter takes any value), else the share of characters to change (0–1]. */
function segmentCost(actual: string, pattern: string): number {
  if (pattern.startsWith(":") || pattern === "*" || actual === pattern) return 0;
  return (
    levenshtein(actual.toLowerCase(), pattern.toLowerCase()) / Math.max(actual.length, pattern.length) || 0.1
  );
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length];
}
