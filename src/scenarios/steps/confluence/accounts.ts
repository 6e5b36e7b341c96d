import { z } from "zod";
import { defineChange } from "../step-module.ts";

/** Confluence changes to user accounts and their credentials. */

export const hideEmail = defineChange({
  schema: z.union([z.string(), z.object({ user: z.string(), hidden: z.boolean() }).strict()]),
  // The connector maps people by email: a hidden email unmaps them.
  changesPermissions: true,
  references(h, scope, path) {
    if (typeof h === "string") scope.user(path, h);
    else scope.user([...path, "user"], h.user);
  },
  apply({ names }, value) {
    const h = typeof value === "string" ? { user: value, hidden: true } : value;
    names.store.updateUser(names.user(h.user), { emailVisible: !h.hidden });
    return `${h.user}'s email ${h.hidden ? "hidden" : "visible"}`;
  },
});

export const user = defineChange({
  schema: z
    .object({ name: z.string(), active: z.boolean() })
    .strict()
    .describe("Deactivate or reactivate an account"),
  changesPermissions: true,
  references: (u, scope, path) => scope.user([...path, "name"], u.name),
  apply({ names }, u) {
    names.store.updateUser(names.user(u.name), { active: u.active });
    return `${u.name} ${u.active ? "reactivated" : "deactivated"}`;
  },
});

export const revokeApiTokens = defineChange({
  schema: z.string().describe("Revoke every API token of this user: Basic auth with them fails from now on"),
  references: (name, scope, path) => scope.user(path, name),
  apply({ names }, name) {
    names.store.updateUser(names.user(name), { apiTokens: [] });
    return `${name}'s API tokens revoked`;
  },
});

export const revokeOAuthGrant = defineChange({
  schema: z
    .string()
    .describe("The user revokes their consent to every OAuth app: access and refresh tokens die"),
  references: (name, scope, path) => scope.user(path, name),
  apply({ names, world }, name) {
    world.confluence.oauth.revoke(names.user(name));
    return `${name} revoked their OAuth consent`;
  },
});
