import type { DirectoryUser } from "../../simulators/directory/model.ts";
import type { BlindSpot } from "../raw.ts";

/** What `cgsim capture graph` read from Microsoft Graph, before it is written or anonymised. */

export interface RawAclEntry {
  type: string;
  value: string;
  accessType: string;
}

export interface RawItem {
  id: string;
  acl: RawAclEntry[];
  properties: Record<string, unknown>;
  content?: { type: string; value: string };
}

export interface RawMember {
  id: string;
  type: string;
}

export interface RawExternalGroup {
  id: string;
  displayName: string | null;
  description: string | null;
  /** null when the members could not be read. */
  members: RawMember[] | null;
}

/** An Entra user as Graph returned it (the directory twin's own shape, without the password). */
export type RawDirectoryUser = Omit<DirectoryUser, "password">;

export interface RawDirectoryGroup {
  id: string;
  displayName: string;
  mailNickname: string;
  members: RawMember[] | null;
}

export interface RawGraph {
  tenantId: string;
  /** The app whose credentials read the index (the connector's app). */
  appId: string;
  connection: Record<string, unknown> | null;
  schema: { baseType: string; properties: Array<Record<string, unknown>> } | null;
  /** By Confluence content id: the item, or null when Graph answered 404 (not indexed). */
  items: Record<string, RawItem | null>;
  externalGroups: Record<string, RawExternalGroup>;
  users: Record<string, RawDirectoryUser>;
  groups: Record<string, RawDirectoryGroup>;
  blindSpots: BlindSpot[];
  connectionId?: string;
  /** Set when the capture finished. */
  capturedAt?: string;
}

export function emptyRawGraph(): RawGraph {
  return {
    tenantId: "",
    appId: "",
    connection: null,
    schema: null,
    items: {},
    externalGroups: {},
    users: {},
    groups: {},
    blindSpots: [],
  };
}
