import { type Caller, isTokenFailure, type TokenIssuer } from "../directory/tokens.ts";
import { GraphError } from "./errors.ts";

/** Bearer token → caller, or 401 `InvalidAuthenticationToken` with Graph's messages. */
export async function authenticate(issuer: TokenIssuer, authorization: string | null): Promise<Caller> {
  const result = await issuer.verify(authorization);
  if (isTokenFailure(result)) {
    throw new GraphError(401, "InvalidAuthenticationToken", result.message, undefined, {
      "www-authenticate": `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
    });
  }
  return result;
}

/** Permissions the caller holds: app `roles` or delegated `scp`. */
export function permissionsOf(caller: Caller): string[] {
  return caller.kind === "app" ? caller.roles : caller.scopes;
}

/**
 * Connector endpoints answered 401 for missing permissions in observed cases (docs/fidelity/graph.md); the
 * message is Graph's "Missing role permissions" text so the fix is obvious. Returns the permission used.
 */
export function requireConnectorPermission(caller: Caller, anyOf: string[]): string {
  const held = permissionsOf(caller);
  const found = anyOf.find((p) => held.includes(p));
  if (found) return found;
  const what = caller.kind === "app" ? "role" : "scope";
  throw new GraphError(
    401,
    "Unauthorized",
    `Missing ${what} permissions on the request. API requires one of '${anyOf.join(", ")}'. ${what === "role" ? "Roles" : "Scopes"} on the request '${held.join(", ")}'.`,
  );
}

/** Directory endpoints answer 403 `Authorization_RequestDenied` (documented Graph behaviour). */
export function requireDirectoryPermission(caller: Caller, anyOf: string[]): void {
  const held = permissionsOf(caller);
  if (anyOf.some((p) => held.includes(p))) return;
  throw new GraphError(
    403,
    "Authorization_RequestDenied",
    "Insufficient privileges to complete the operation.",
  );
}

export const PERMS = {
  connectionRead: [
    "ExternalConnection.Read.All",
    "ExternalConnection.ReadWrite.OwnedBy",
    "ExternalConnection.ReadWrite.All",
  ],
  connectionWrite: ["ExternalConnection.ReadWrite.OwnedBy", "ExternalConnection.ReadWrite.All"],
  itemRead: ["ExternalItem.Read.All", "ExternalItem.ReadWrite.OwnedBy", "ExternalItem.ReadWrite.All"],
  itemWrite: ["ExternalItem.ReadWrite.OwnedBy", "ExternalItem.ReadWrite.All"],
  search: ["ExternalItem.Read.All", "ExternalItem.ReadWrite.All"],
  userRead: [
    "User.Read.All",
    "User.ReadBasic.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
  groupRead: [
    "Group.Read.All",
    "GroupMember.Read.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
} as const;
