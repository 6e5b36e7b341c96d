/**
 * The CQL fields and functions Confluence Cloud knows, with the operators each accepts
 * (Atlassian "CQL fields" and "CQL functions" pages, [A-CQL] in docs/fidelity.md).
 */
import type { Operator } from "./ast.ts";

export type FieldType = "content" | "date" | "user" | "string" | "text" | "space" | "type";

export interface FieldSpec {
  /** Canonical spelling, as the docs write it. */
  name: string;
  type: FieldType;
  operators: readonly Operator[];
  /** A content item can have several values (labels, contributors…): no ORDER BY. */
  multiValued: boolean;
  /** Only accepted by `GET /wiki/rest/api/search/user`. */
  userSearchOnly?: boolean;
}

const EQUALITY: readonly Operator[] = ["=", "!=", "in", "not in"];
const RANGE: readonly Operator[] = ["=", "!=", ">", ">=", "<", "<="];
const CONTAINS: readonly Operator[] = ["~", "!~"];

const SPECS: FieldSpec[] = [
  { name: "ancestor", type: "content", operators: EQUALITY, multiValued: true },
  { name: "parent", type: "content", operators: EQUALITY, multiValued: false },
  { name: "content", type: "content", operators: EQUALITY, multiValued: false },
  { name: "id", type: "content", operators: EQUALITY, multiValued: false },
  { name: "container", type: "content", operators: EQUALITY, multiValued: false },
  { name: "created", type: "date", operators: RANGE, multiValued: false },
  { name: "lastmodified", type: "date", operators: RANGE, multiValued: false },
  { name: "creator", type: "user", operators: EQUALITY, multiValued: false },
  { name: "contributor", type: "user", operators: EQUALITY, multiValued: true },
  { name: "mention", type: "user", operators: EQUALITY, multiValued: true },
  { name: "watcher", type: "user", operators: EQUALITY, multiValued: true },
  { name: "favourite", type: "user", operators: EQUALITY, multiValued: true },
  { name: "favorite", type: "user", operators: EQUALITY, multiValued: true },
  { name: "label", type: "string", operators: EQUALITY, multiValued: true },
  { name: "macro", type: "string", operators: EQUALITY, multiValued: true },
  { name: "pageStatus", type: "string", operators: EQUALITY, multiValued: false },
  { name: "space", type: "space", operators: EQUALITY, multiValued: false },
  { name: "space.key", type: "string", operators: EQUALITY, multiValued: false },
  { name: "space.title", type: "text", operators: CONTAINS, multiValued: false },
  { name: "space.type", type: "type", operators: EQUALITY, multiValued: false },
  { name: "space.category", type: "string", operators: EQUALITY, multiValued: true },
  { name: "text", type: "text", operators: CONTAINS, multiValued: true },
  { name: "title", type: "text", operators: ["=", "!=", "~", "!~", "in", "not in"], multiValued: false },
  { name: "type", type: "type", operators: EQUALITY, multiValued: false },
  { name: "siteSearch", type: "text", operators: ["~"], multiValued: true },
  { name: "user", type: "user", operators: EQUALITY, multiValued: false, userSearchOnly: true },
  { name: "user.fullname", type: "text", operators: CONTAINS, multiValued: false, userSearchOnly: true },
  { name: "user.accountid", type: "user", operators: EQUALITY, multiValued: false, userSearchOnly: true },
  { name: "user.userkey", type: "user", operators: EQUALITY, multiValued: false, userSearchOnly: true },
];

export const FIELDS: ReadonlyMap<string, FieldSpec> = new Map(SPECS.map((s) => [s.name.toLowerCase(), s]));

export function fieldSpec(field: string): FieldSpec | undefined {
  return FIELDS.get(field.toLowerCase());
}

export type FunctionKind = "date" | "user" | "space" | "content";

export interface FunctionSpec {
  name: string;
  kind: FunctionKind;
  minArgs: number;
  maxArgs: number;
}

export const DATE_FUNCTIONS = [
  "now",
  "startOfDay",
  "endOfDay",
  "startOfWeek",
  "endOfWeek",
  "startOfMonth",
  "endOfMonth",
  "startOfYear",
  "endOfYear",
] as const;

export type DateFunctionName = (typeof DATE_FUNCTIONS)[number];

const FUNCTION_SPECS: FunctionSpec[] = [
  ...DATE_FUNCTIONS.map((name): FunctionSpec => ({ name, kind: "date", minArgs: 0, maxArgs: 1 })),
  { name: "currentUser", kind: "user", minArgs: 0, maxArgs: 0 },
  { name: "currentSpace", kind: "space", minArgs: 0, maxArgs: 0 },
  { name: "favouriteSpaces", kind: "space", minArgs: 0, maxArgs: 0 },
  { name: "favoriteSpaces", kind: "space", minArgs: 0, maxArgs: 0 },
  { name: "recentlyViewedSpaces", kind: "space", minArgs: 0, maxArgs: 1 },
  { name: "currentContent", kind: "content", minArgs: 0, maxArgs: 0 },
  { name: "recentlyViewedContent", kind: "content", minArgs: 0, maxArgs: 2 },
];

export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map(
  FUNCTION_SPECS.map((s) => [s.name.toLowerCase(), s]),
);

export function functionSpec(name: string): FunctionSpec | undefined {
  return FUNCTIONS.get(name.toLowerCase());
}

/** Which function kind a field type accepts. */
export function functionKindFor(type: FieldType): FunctionKind | undefined {
  switch (type) {
    case "date":
      return "date";
    case "user":
      return "user";
    case "space":
      return "space";
    case "content":
      return "content";
    default:
      return undefined;
  }
}
