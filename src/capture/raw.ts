import type { PrincipalRef } from "../simulators/confluence/model.ts";

/**
 * What a capture collected, as read from the services and before anything is written or
 * anonymised. Kept in the private state file (it holds customer data) so a capture can resume.
 */

/** Something the capture could not see, said once in the manifest, the site file's header and on the console. */
export interface BlindSpot {
  kind:
    | "hiddenEmail"
    | "forbidden"
    | "notVisible"
    | "parentNotVisible"
    | "restrictionsUnreadable"
    | "membersUnreadable"
    | "permissionsUnreadable"
    | "anonymousUnknown"
    | "assumed"
    | "unknownPrincipal"
    | "notIndexed"
    | "directoryLookup";
  /** The thing concerned: an id, a key, a URL path. */
  subject?: string;
  detail: string;
}

export interface RawUser {
  accountId: string;
  displayName: string;
  publicName: string;
  /** As the API showed it (case and whitespace kept); "" when hidden and not supplied by --user-emails. */
  email: string;
  emailHidden: boolean;
  accountType: "atlassian" | "app" | "customer";
  active: boolean;
  guest: boolean;
  timeZone: string | null;
}

export interface RawGroup {
  id: string;
  name: string;
  /** accountIds; null when the members could not be listed. */
  members: string[] | null;
  productAccess: boolean;
}

export type RawPrincipal = PrincipalRef;

export interface RawSpace {
  id: string;
  key: string;
  name: string;
  type: string;
  status: string;
  description: string;
  /** Who holds `read` on the space; null when the permissions could not be read. */
  view: RawPrincipal[] | null;
}

export interface RawRestriction {
  users: string[];
  groups: string[];
}

export interface RawContent {
  id: string;
  type: "page" | "blogpost";
  spaceId: string;
  parentId: string | null;
  parentType: string | null;
  position: number | null;
  title: string;
  status: string;
  authorId: string | null;
  createdAt: string | null;
  version: { number: number; createdAt: string | null; authorId: string | null } | null;
  body?: string;
  labels?: string[];
  /** Direct restrictions; undefined until read, null when none. */
  read?: RawRestriction | null;
  update?: RawRestriction | null;
}

export interface RawSite {
  /** The site URL the capture was pointed at (no /wiki). */
  siteUrl: string;
  name: string;
  cloudId?: string;
  /** The site-wide anonymous switch; null when it could not be determined. */
  anonymousAccess: boolean | null;
  /** The capturing account. */
  account: { accountId: string; email: string };
  users: Record<string, RawUser>;
  groups: Record<string, RawGroup>;
  spaces: RawSpace[];
  content: Record<string, RawContent>;
  blindSpots: BlindSpot[];
  /** Set when the capture finished. */
  capturedAt?: string;
  scope?: { spaces?: string[]; cql?: string; bodies: boolean };
}

export function emptyRawSite(siteUrl: string): RawSite {
  const host = new URL(siteUrl).hostname;
  const name = host.endsWith(".atlassian.net") ? host.slice(0, -".atlassian.net".length) : "captured";
  return {
    siteUrl,
    name: /^[a-z0-9-]+$/.test(name) ? name : "captured",
    anonymousAccess: null,
    account: { accountId: "", email: "" },
    users: {},
    groups: {},
    spaces: [],
    content: {},
    blindSpots: [],
  };
}

/** Adds a blind spot once (the same kind and subject are said once). */
export function noteBlindSpot(list: BlindSpot[], spot: BlindSpot): void {
  if (list.some((s) => s.kind === spot.kind && s.subject === spot.subject && s.detail === spot.detail))
    return;
  list.push(spot);
}
