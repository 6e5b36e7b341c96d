import { z } from "zod";
import { directoryFileSchema } from "../../fixture-formats/directory-schema.ts";
import type { ReferenceScope } from "../references.ts";
import { changeStep } from "./change-step.ts";
import { type ChangeModule, defineChange } from "./step-module.ts";

/**
 * The `directory` step: Entra changes. Every one may change who a person is or which groups they
 * are in, so every one is a permission change.
 */

const member = z
  .object({
    group: z.string(),
    member: z.string().describe("A person (UPN, Entra mail, site user name or email), a user id or a group"),
  })
  .strict();

/** A person by any reference becomes their UPN; anything else (a group name, an object id) stays. */
const memberRef = (scope: ReferenceScope, ref: string) => scope.directoryUserOrUndefined(ref) ?? ref;

type DirectoryChangeKind =
  | "addUser"
  | "removeUser"
  | "updateUser"
  | "addGroup"
  | "removeGroup"
  | "addMember"
  | "removeMember";

const DIRECTORY_CHANGES = {
  addUser: defineChange({
    schema: directoryFileSchema.shape.users.unwrap().element,
    changesPermissions: true,
    references: (u, scope) => scope.addedUpn(u.upn, u.mail ?? undefined),
    apply: ({ world }, u) => `added ${world.directory.addUser(u).userPrincipalName}`,
  }),
  removeUser: defineChange({
    schema: z.string().describe("The person (UPN, Entra mail, site user name or email) or a user id"),
    changesPermissions: true,
    references: (ref, scope) => memberRef(scope, ref),
    apply({ world }, upn) {
      world.directory.removeUser(upn);
      return `removed ${upn}`;
    },
  }),
  updateUser: defineChange({
    schema: z
      .object({
        upn: z.string(),
        mail: z.string().nullable().optional(),
        displayName: z.string().optional(),
        enabled: z.boolean().optional(),
      })
      .strict(),
    changesPermissions: true,
    references(u, scope, path) {
      const upn = scope.directoryUser([...path, "upn"], u.upn);
      if (u.mail !== undefined) scope.changedMail(upn, u.mail);
      return { ...u, upn };
    },
    apply({ world }, { upn, enabled, ...rest }) {
      world.directory.updateUser(upn, {
        ...rest,
        ...(enabled === undefined ? {} : { accountEnabled: enabled }),
      });
      return `updated ${upn}`;
    },
  }),
  addGroup: defineChange({
    schema: directoryFileSchema.shape.groups.unwrap().element,
    changesPermissions: true,
    references: (g, scope) => ({ ...g, members: g.members?.map((m) => memberRef(scope, m)) }),
    apply: ({ world }, g) => `added group ${world.directory.addGroup(g).displayName}`,
  }),
  removeGroup: defineChange({
    schema: z.string(),
    changesPermissions: true,
    apply({ world }, name) {
      world.directory.removeGroup(name);
      return `removed group ${name}`;
    },
  }),
  addMember: defineChange({
    schema: member,
    changesPermissions: true,
    references: (m, scope) => ({ ...m, member: memberRef(scope, m.member) }),
    apply({ world }, m) {
      world.directory.addMember(m.group, m.member);
      return `${m.member} joined ${m.group}`;
    },
  }),
  removeMember: defineChange({
    schema: member,
    changesPermissions: true,
    references: (m, scope) => ({ ...m, member: memberRef(scope, m.member) }),
    apply({ world }, m) {
      world.directory.removeMember(m.group, m.member);
      return `${m.member} left ${m.group}`;
    },
  }),
} satisfies Record<DirectoryChangeKind, ChangeModule>;

export const directoryStep = changeStep({
  name: "directory",
  what: "directory change",
  id: "DirectoryChange",
  changes: DIRECTORY_CHANGES,
  permissionNote: (done) => `directory: ${done}`,
});
