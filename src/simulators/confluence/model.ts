/**
 * The Confluence Cloud domain model, in Confluence's own words. Pure data: no HTTP here.
 * Ids are strings of digits (v2 returns every id as a string; v1 `space.id` is rendered as a number).
 */

export type AccountType = "atlassian" | "app" | "customer";

export interface User {
  accountId: string;
  displayName: string;
  publicName: string;
  /** The real address; what the API shows depends on `emailVisible`. */
  email: string;
  /** Profile visibility: when false the API returns `email: ""`. */
  emailVisible: boolean;
  accountType: AccountType;
  active: boolean;
  /** Guests get no product access from groups; they see only spaces that grant them directly. */
  guest: boolean;
  timeZone: string | null;
  /** API tokens accepted for Basic auth (email + token). */
  apiTokens: string[];
  /** Confluence administrator (may run permission checks for other subjects). */
  admin: boolean;
}

export interface Group {
  id: string;
  name: string;
  members: Set<string>;
}

export type SpaceType = "global" | "personal" | "collaboration" | "knowledge_base";
export type SpaceStatus = "current" | "archived";

export type PrincipalRef =
  | { type: "user"; id: string }
  | { type: "group"; id: string }
  | { type: "anonymous" };

export interface SpacePermission {
  id: string;
  principal: PrincipalRef;
  operation: { key: string; targetType: string };
}

export interface Space {
  id: string;
  key: string;
  name: string;
  type: SpaceType;
  status: SpaceStatus;
  authorId: string;
  createdAt: number;
  homepageId: string | null;
  description: string;
  permissions: SpacePermission[];
}

export type ContentType = "page" | "blogpost";
export type ContentStatus = "current" | "archived" | "trashed" | "draft" | "deleted";
export type RestrictionOperation = "read" | "update";

export interface Restriction {
  users: string[];
  groups: string[];
}

export interface Label {
  id: string;
  name: string;
  prefix: "global" | "my" | "team" | "system";
}

export interface Version {
  number: number;
  createdAt: number;
  authorId: string;
  message: string;
  minorEdit: boolean;
}

export interface Content {
  id: string;
  type: ContentType;
  status: ContentStatus;
  title: string;
  spaceId: string;
  /** Pages only; null for a space's root pages and for blog posts. */
  parentId: string | null;
  position: number | null;
  authorId: string;
  ownerId: string;
  createdAt: number;
  version: Version;
  history: Version[];
  /** Storage-format XHTML; the atlas_doc_format rendering is derived from it. */
  body: string;
  labels: Label[];
  /** Direct restrictions only; inheritance is computed by the permission evaluator. */
  restrictions: Record<RestrictionOperation, Restriction | null>;
}

export interface Site {
  /** `acme` in acme.atlassian.net. */
  name: string;
  /** `https://acme.atlassian.net` (no /wiki). */
  baseUrl: string;
  cloudId: string;
  /** Site-wide switch: anonymous users may use Confluence (spaces must still grant them). */
  anonymousAccess: boolean;
  /** Groups that grant Confluence product access ("confluence-users" on classic sites). */
  productAccessGroupIds: string[];
  timeZone: string;
}

export const isRestricted = (r: Restriction | null): r is Restriction =>
  r !== null && (r.users.length > 0 || r.groups.length > 0);

/** A domain rule broken by a mutation (unknown id, duplicate title …): a value, not a crash. */
export class ConfluenceDomainError extends Error {
  constructor(
    readonly code: "NOT_FOUND" | "CONFLICT" | "INVALID",
    message: string,
  ) {
    super(message);
  }
}

export interface NewContent {
  id?: string;
  type: ContentType;
  spaceId: string;
  title: string;
  parentId?: string | null;
  body?: string;
  authorId?: string;
  status?: ContentStatus;
  labels?: string[];
  createdAt?: number;
  lastModified?: number;
  /** Number of the current version (default 1): a seeded site may start past version 1. */
  version?: number;
}
