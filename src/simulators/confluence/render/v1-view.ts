import type { Content } from "../model.ts";
import type { ConfluenceStore } from "../store.ts";

/** What every v1 renderer needs: the store, `https://SITE.atlassian.net/wiki`, and the expansions asked for. */
export interface V1View {
  store: ConfluenceStore;
  base: string;
  expand: Expand;
  /** Filters nested lists (children) by the caller's view permission. */
  canView?: (content: Content) => boolean;
}

/** `expand` as sent: repeated (`expand=a&expand=b`, confluence.js) or comma-separated, dotted paths. */
export class Expand {
  readonly paths: Set<string>;
  constructor(values: string[] = []) {
    this.paths = new Set(
      values
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter(Boolean),
    );
  }
  static from(query: URLSearchParams): Expand {
    return new Expand(query.getAll("expand"));
  }
  /** True when `path` or anything below it was asked for. */
  has(path: string): boolean {
    for (const p of this.paths) if (p === path || p.startsWith(`${path}.`)) return true;
    return false;
  }
  /** The expansions below `prefix`, re-rooted (`restrictions.read.x` under `restrictions` → `read.x`). */
  under(prefix: string): Expand {
    return new Expand(
      [...this.paths].filter((p) => p.startsWith(`${prefix}.`)).map((p) => p.slice(prefix.length + 1)),
    );
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Confluence's `friendlyWhen`: relative within a day ("5 minutes ago"), else "Mar 01, 2026" (UTC). */
export function friendly(ms: number, now: number): string {
  const minutes = Math.floor((now - ms) / 60_000);
  if (minutes >= 0 && minutes < 1) return "just a moment ago";
  if (minutes >= 1 && minutes < 60) return minutes === 1 ? "a minute ago" : `${minutes} minutes ago`;
  if (minutes >= 60 && minutes < 24 * 60) {
    const hours = Math.floor(minutes / 60);
    return hours === 1 ? "about an hour ago" : `about ${hours} hours ago`;
  }
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, "0")}, ${d.getUTCFullYear()}`;
}
