import type { components } from "../generated/v1.ts";
import type { Group, User } from "../model.ts";

/** v1 users and groups, typed by the v1 spec, with the keys confluence.js requires. */
type S = components["schemas"];

const AVATAR = { width: 48, height: 48, isDefault: false } as const;

function profilePicture(user: User): NonNullable<S["Icon"]> {
  return { path: `/wiki/aa-avatar/${user.accountId}`, ...AVATAR };
}

/** Fields the v1 User and the `/user/bulk` item share. Hidden emails are `""`, never the address. */
function knownUser(user: User) {
  return {
    type: "known" as const,
    accountId: user.accountId,
    accountType: user.accountType === "customer" ? ("" as const) : user.accountType,
    email: user.emailVisible ? user.email : "",
    publicName: user.publicName,
    profilePicture: profilePicture(user),
    displayName: user.displayName,
    timeZone: user.timeZone,
    isExternalCollaborator: user.guest,
  };
}

/** The v1 User. Hidden emails are `""` (profile visibility), never the real address. */
export function renderUser(base: string, user: User): NonNullable<S["User"]> {
  return {
    ...knownUser(user),
    externalCollaborator: user.guest,
    isGuest: user.guest,
    accountStatus: user.active ? "active" : "inactive",
    _expandable: { operations: "", personalSpace: "" },
    _links: { self: `${base}/rest/api/user?accountId=${encodeURIComponent(user.accountId)}` },
  };
}

/** `/user/bulk` items: the same user with every key confluence.js requires present. */
export function renderBulkUser(base: string, user: User): S["BulkUserLookup"] {
  return {
    ...knownUser(user),
    _expandable: { operations: "", personalSpace: "" },
    _links: { self: `${base}/rest/api/user?accountId=${encodeURIComponent(user.accountId)}` },
  };
}

/** What `/user/current` says about an unauthenticated caller. */
export function renderAnonymous(base: string): S["UserAnonymous"] {
  return {
    type: "anonymous",
    profilePicture: {
      path: "/wiki/s/en_GB/_/images/icons/profilepics/anonymous.svg",
      ...AVATAR,
      isDefault: true,
    },
    displayName: "Anonymous",
    isExternalCollaborator: false,
    _expandable: { operations: "" },
    _links: { self: `${base}/rest/api/user/anonymous` },
  };
}

export function renderGroup(base: string, group: Group): S["Group"] {
  return {
    type: "group",
    name: group.name,
    id: group.id,
    _links: { self: `${base}/rest/api/group/by-id?id=${encodeURIComponent(group.id)}` },
  };
}
