import { z } from "zod";
import { defineChange } from "../step-module.ts";

/**
 * Confluence changes to user accounts and their credentials. A user is named by site user name,
 * Confluence email, or the UPN or mail of the directory user who is that person.
 */

const userRef = z.string().min(1).describe("Site user name, email, or the person's UPN");

export const hideEmail = defineChange({
  schema: z.union([userRef, z.object({ user: userRef, hidden: z.boolean() }).strict()]),
  // The connector maps people by email: a hidden email unmaps them.
  changesPermissions: true,
  references: (h, scope, path) =>
    typeof h === "string"
      ? scope.confluenceUser(path, h)
      : { ...h, user: scope.confluenceUser([...path, "user"], h.user) },
  apply({ names }, value) {
    const h = typeof value === "string" ? { user: value, hidden: true } : value;
    names.store.updateUser(names.user(h.user), { emailVisible: !h.hidden });
    return `${h.user}'s email ${h.hidden ? "hidden" : "visible"}`;
  },
});

export const user = defineChange({
  schema: z
    .object({ name: userRef, active: z.boolean() })
    .strict()
    .describe("Deactivate or reactivate an account (the short form of updateUser: { user, active })"),
  changesPermissions: true,
  references: (u, scope, path) => ({ ...u, name: scope.confluenceUser([...path, "name"], u.name) }),
  apply({ names }, u) {
    names.store.updateUser(names.user(u.name), { active: u.active });
    return `${u.name} ${u.active ? "reactivated" : "deactivated"}`;
  },
});

export const updateUser = defineChange({
  schema: z
    .object({
      user: userRef,
      email: z.string().min(1).optional().describe("New email (the accountId stays)"),
      displayName: z.string().min(1).optional(),
      active: z.boolean().optional().describe("false: deactivated"),
    })
    .strict()
    .refine((u) => Object.keys(u).length > 1, "name at least one of email, displayName, active")
    .describe("Profile and account changes of one user: email, display name, deactivation"),
  // The connector maps people by email, and a deactivated account views nothing.
  changesPermissions: true,
  references(u, scope, path) {
    const name = scope.confluenceUser([...path, "user"], u.user);
    if (u.email) scope.changedEmail(name, u.email);
    return { ...u, user: name };
  },
  apply({ names }, { user: name, ...changes }) {
    names.store.updateUser(names.user(name), changes);
    const done = Object.entries(changes).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
    return `${name}: ${done.join(", ")}`;
  },
});

export const revokeApiTokens = defineChange({
  schema: userRef.describe("Revoke every API token of this user: Basic auth with them fails from now on"),
  references: (name, scope, path) => scope.confluenceUser(path, name),
  apply({ names }, name) {
    names.store.updateUser(names.user(name), { apiTokens: [] });
    return `${name}'s API tokens revoked`;
  },
});

export const revokeOAuthGrant = defineChange({
  schema: userRef.describe(
    "The user revokes their consent to every OAuth app: access and refresh tokens die",
  ),
  references: (name, scope, path) => scope.confluenceUser(path, name),
  apply({ names, world }, name) {
    world.confluence.oauth.revoke(names.user(name));
    return `${name} revoked their OAuth consent`;
  },
});
