import { z } from "zod";
import type { ContentStatus } from "../../../simulators/confluence/model.ts";
import { contentId } from "../../schema-parts.ts";
import { defineChange } from "../step-module.ts";

/** Confluence changes of a page's lifecycle: trash, archive, restore, purge (`1005` or `{ page: 1005 }`). */

const pageRef = z.union([contentId, z.object({ page: contentId }).strict()]);
const idOf = (ref: string | { page: string }) => (typeof ref === "string" ? ref : ref.page);

const toStatus = (to: Extract<ContentStatus, "trashed" | "archived" | "current">) =>
  defineChange({
    schema: pageRef,
    references: (ref, scope, path) => scope.content(path, idOf(ref)),
    apply({ names }, ref) {
      names.store.setStatus(idOf(ref), to);
      return `${idOf(ref)} → ${to}`;
    },
  });

export const trash = toStatus("trashed");
export const archive = toStatus("archived");
export const restore = toStatus("current");

export const purge = defineChange({
  schema: pageRef,
  references: (ref, scope, path) => scope.content(path, idOf(ref)),
  apply({ names }, ref) {
    names.store.purge(idOf(ref));
    return `purged ${idOf(ref)}`;
  },
});
