import { createHash } from "node:crypto";

/** Entra ID (Azure AD) entities as the directory twin stores them, and its id rules. */

export interface DirectoryUser {
  /** Entra object id (GUID). */
  id: string;
  userPrincipalName: string;
  mail: string | null;
  displayName: string;
  /** "Member" or "Guest" as Graph spells `userType`. */
  userType: "Member" | "Guest";
  accountEnabled: boolean;
  /** Password for the ROPC grant (`grant_type=password`). */
  password: string;
}

export type GroupMemberRef = { type: "user" | "group"; id: string };

export interface DirectoryGroup {
  id: string;
  displayName: string;
  mailNickname: string;
  mail: string | null;
  securityEnabled: boolean;
  members: GroupMemberRef[];
}

export interface AppRegistration {
  /** Application (client) id. */
  appId: string;
  /** Service principal object id (the `oid` of app tokens). */
  servicePrincipalId: string;
  displayName: string;
  secret: string;
  /** Granted application permissions (app roles), e.g. `ExternalConnection.ReadWrite.OwnedBy`. */
  roles: string[];
  /** Delegated permissions consented for the app (the `scp` of ROPC tokens). */
  scopes: string[];
}

/** The plain-object fixture format (YAML later): ids are derived deterministically when omitted. */
export interface DirectorySpec {
  /** Tenant id (GUID) or a domain name such as `contoso.onmicrosoft.com`. */
  tenant: string;
  tenantId?: string;
  /** Default domain for bare user names; derived from `tenant` when it is a domain. */
  domain?: string;
  users?: Array<{
    upn: string;
    id?: string;
    mail?: string | null;
    displayName?: string;
    guest?: boolean;
    enabled?: boolean;
    password?: string;
  }>;
  groups?: Array<{
    name: string;
    id?: string;
    mailNickname?: string;
    /** UPNs, user ids, group names or group ids; groups may nest. */
    members?: string[];
  }>;
  apps?: Array<{
    clientId: string;
    secret: string;
    name?: string;
    roles?: string[];
    scopes?: string[];
  }>;
}

export const DEFAULT_USER_PASSWORD = "Passw0rd!";
export const DEFAULT_DELEGATED_SCOPES = ["User.Read", "ExternalItem.Read.All"];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** A GUID-shaped id derived from a name, stable across runs (a v5-like layout over SHA-256). */
export function deterministicGuid(...parts: string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  const variant = ((Number.parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class DirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DirectoryError";
  }
}
