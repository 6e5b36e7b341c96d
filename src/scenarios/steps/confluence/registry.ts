import { changeStep } from "../change-step.ts";
import type { ChangeModule } from "../step-module.ts";
import { hideEmail, revokeApiTokens, revokeOAuthGrant, updateUser, user } from "./accounts.ts";
import { create, edit, label, move } from "./content.ts";
import { anonymous, group, renameGroup, restrict, spacePermission, unrestrict } from "./permissions.ts";
import { archive, purge, restore, trash } from "./status.ts";

/** Every Confluence change a `confluence` step may make, applied to the twin as an admin would. */
type ConfluenceChangeKind =
  | "create"
  | "edit"
  | "move"
  | "trash"
  | "archive"
  | "restore"
  | "purge"
  | "restrict"
  | "unrestrict"
  | "label"
  | "group"
  | "renameGroup"
  | "spacePermission"
  | "anonymous"
  | "hideEmail"
  | "user"
  | "updateUser"
  | "revokeApiTokens"
  | "revokeOAuthGrant";

// The order is the file format's (the JSON Schema and the one-key message list keys in it).
const CONFLUENCE_CHANGES = {
  create,
  edit,
  move,
  trash,
  archive,
  restore,
  purge,
  restrict,
  unrestrict,
  label,
  group,
  renameGroup,
  spacePermission,
  anonymous,
  hideEmail,
  user,
  updateUser,
  revokeApiTokens,
  revokeOAuthGrant,
} satisfies Record<ConfluenceChangeKind, ChangeModule>;

export const confluenceStep = changeStep({
  name: "confluence",
  what: "Confluence change",
  id: "ConfluenceChange",
  changes: CONFLUENCE_CHANGES,
});
