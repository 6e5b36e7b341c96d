/** Graph connectors entities as the twin stores them (names follow `microsoft.graph.externalConnectors`). */

export type ConnectionState = "draft" | "ready" | "obsolete" | "limitExceeded";

export const PROPERTY_TYPES = [
  "string",
  "int64",
  "double",
  "dateTime",
  "boolean",
  "stringCollection",
  "int64Collection",
  "doubleCollection",
  "dateTimeCollection",
] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export interface SchemaProperty {
  name: string;
  type: PropertyType;
  isSearchable?: boolean;
  isQueryable?: boolean;
  isRetrievable?: boolean;
  isRefinable?: boolean;
  isExactMatchRequired?: boolean;
  labels?: string[];
  aliases?: string[];
  description?: string;
  rankingHint?: { importanceScore: string };
}

export interface Schema {
  baseType: string;
  properties: SchemaProperty[];
}

export interface ConnectionOperation {
  id: string;
  connectionId: string;
  kind: "schema";
  /** SimClock ms when the operation finishes. */
  completesAt: number;
  /** When set, the operation ends `failed` with this message. */
  failWith?: string;
  schema: Schema;
  applied: boolean;
}

export interface UrlMatchInfo {
  baseUrls: string[];
  urlPattern: string;
}

export interface ItemIdResolver {
  "@odata.type": string;
  priority: number;
  itemId: string;
  urlMatchInfo: UrlMatchInfo;
}

export interface ExternalConnection {
  id: string;
  name: string;
  description: string | null;
  configuration: { authorizedAppIds: string[] };
  activitySettings: { urlToItemResolvers: ItemIdResolver[] };
  searchSettings: { searchResultTemplates: unknown[] };
  connectorId: string | null;
  contentCategory: string;
  enabledContentExperiences: string;
  complianceSettings: unknown;
  /** The app that created the connection (OwnedBy scoping). */
  ownerAppId: string;
  /** Scenario switch: a dependency was deprecated; only delete is allowed. */
  obsolete: boolean;
  /** Active (provisioned) schema; items validate against it. */
  schema: Schema | null;
  /** Latest schema submitted (GET schema shows it while provisioning). */
  submittedSchema: Schema | null;
  operations: Map<string, ConnectionOperation>;
  items: Map<string, ExternalItem>;
  groups: Map<string, ExternalGroup>;
  /** Bumped on every external group or membership change (membership caches compare it). */
  groupsVersion: number;
  /** Per-connection item quota; undefined = twin default. */
  itemQuota?: number;
}

export type AclType = "user" | "group" | "everyone" | "everyoneExceptGuests" | "externalGroup";
export type AccessType = "grant" | "deny";

export interface AclEntry {
  type: AclType;
  value: string;
  accessType: AccessType;
  identitySource?: string;
}

export interface ExternalItemContent {
  type: "text" | "html";
  value: string;
}

export interface ExternalActivity {
  type: string;
  startDateTime: string;
  performedBy: { type: string; id: string };
}

export interface ExternalItem {
  id: string;
  acl: AclEntry[];
  properties: Record<string, unknown>;
  content?: ExternalItemContent;
  activities: ExternalActivity[];
  createdAt: string;
  lastModifiedAt: string;
}

export type ExternalGroupMemberType = "user" | "group" | "externalGroup";

export interface ExternalGroupMember {
  id: string;
  type: ExternalGroupMemberType;
  identitySource?: string;
}

export interface ExternalGroup {
  id: string;
  displayName: string | null;
  description: string | null;
  members: Map<string, ExternalGroupMember>;
}
