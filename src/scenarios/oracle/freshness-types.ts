/** The freshness oracle's shapes (freshness.ts), apart so the run context and results can hold them. */
import type { DifferenceCause } from "./causes.ts";

export type FreshField = "title" | "body" | "url" | "labels";

/** What the index should hold for a content, as Confluence has it. */
export interface ContentView {
  version: number;
  title: string;
  /** The storage-format body (compared as plain text: connectors index html or text). */
  body: string;
  /** The canonical web UI path (`/spaces/KEY/pages/ID/Title`). */
  webui: string;
  labels: string[];
}

/** Content id → its view, for every current page and blog post. */
export type ConfluenceSnapshot = ReadonlyMap<string, ContentView>;

export interface StaleField {
  field: FreshField;
  index: string;
  confluence: string;
}

export interface FreshnessFinding {
  item: string;
  title: string;
  fields: StaleField[];
  cause: DifferenceCause;
  reason: string;
  documented: boolean;
}

export interface FreshnessReport {
  /** Indexed current pages and blog posts compared. */
  items: number;
  /** Undocumented stale items (connector bugs). */
  stale: number;
  documented: { stale: number };
  findings: FreshnessFinding[];
}
