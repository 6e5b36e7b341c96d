/**
 * What the connector knows about Confluence after crawling, in Confluence's words. Filled by the
 * Confluence client from v2/v1 responses; pure data for the permission and item builders.
 */

/** A set of principals as Confluence lists them on a space permission or a read restriction. */
export interface PrincipalSet {
  /** Atlassian account ids. */
  users: string[];
  /** Confluence group ids (not names: names can be renamed). */
  groups: string[];
}

export interface CrawledSpace {
  id: string;
  key: string;
  name: string;
  /** Browser URL of the space home. */
  url: string;
  /** Who holds the space `read` permission. */
  readers: PrincipalSet;
  /** The space grants `read` to anonymous users. */
  anonymousRead: boolean;
  /** Anonymous users can really read it (site allows anonymous access too); see config. */
  anonymousEffective: boolean;
}

export interface CrawledContent {
  id: string;
  type: "page" | "blogpost";
  spaceId: string;
  /** Space key when the listing carried it (v1/CQL results). */
  spaceKey?: string;
  title: string;
  /** Parent page id (pages only). */
  parentId: string | null;
  /** Ancestor page ids, root first, when known (CQL expand); otherwise derived from parentId. */
  ancestors?: string[];
  /** Storage-format body (XHTML); undefined when listed without bodies and not fetched yet. */
  body?: string;
  /** Context-relative web UI path (`/spaces/KEY/pages/ID/Title`). */
  webui: string;
  authorId: string;
  createdAt: string;
  lastModifiedAt: string;
  lastModifiedBy: string;
  version: number;
  labels: string[];
  /** The content's own read restriction (null = none); undefined = not fetched yet. */
  readRestriction?: PrincipalSet | null;
}

export interface ConfluenceUser {
  accountId: string;
  email: string;
  displayName: string;
  publicName: string;
  /** False for deactivated/closed accounts: they cannot use Confluence, so they get nothing. */
  active?: boolean;
}

export const isEmptySet = (s: PrincipalSet): boolean => s.users.length === 0 && s.groups.length === 0;
