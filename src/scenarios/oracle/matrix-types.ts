/** The shapes of the users × items permission matrix (src/scenarios/oracle/matrix.ts), shared with the HTML report. */

/** Truth vs index for one cell. `notIndexed`: nobody finds the item and Confluence denies this user. */
export type CellState =
  | "allowed"
  | "denied"
  | "notIndexed"
  | "over"
  | "under"
  | "documentedOver"
  | "documentedUnder";

export const CELL_STATES: CellState[] = [
  "allowed",
  "denied",
  "notIndexed",
  "over",
  "documentedOver",
  "under",
  "documentedUnder",
];

export interface MatrixCell {
  state: CellState;
  /** The oracle's reason, for differences. */
  reason?: string;
  /** The explain chain, as indices into the snapshot's `lines` (chains repeat most lines). */
  explain: number[];
}

export interface MatrixUser {
  upn: string;
  name: string;
  guest: boolean;
}

export interface MatrixItem {
  id: string;
  title: string;
  type: string;
  space: string;
  status: string;
  indexed: boolean;
  /** The freshness oracle's finding when the index's title, body, url or labels lag Confluence. */
  stale?: { documented: boolean; fields: string[]; reason: string };
}

export interface MatrixSnapshot {
  /** Steps run when the snapshot was taken (1-based step number of the last one). */
  afterStep: number;
  label: string;
  users: MatrixUser[];
  items: MatrixItem[];
  /** Population before capping (enabled directory users, pages and blog posts). */
  total: { users: number; items: number };
  /** Shown cells by state. */
  counts: Record<CellState, number>;
  /** cells[user][item]. */
  cells: MatrixCell[][];
  lines: string[];
  /** Why the snapshot could not be taken (the scenario result is unaffected). */
  error?: string;
}

export interface MatrixOptions {
  /** Caps keep big generated sites cheap: explain runs once per shown cell. */
  maxUsers?: number;
  maxItems?: number;
}
