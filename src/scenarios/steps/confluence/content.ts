import { z } from "zod";
import { contentId, principal } from "../../schema-parts.ts";
import { defineChange } from "../step-module.ts";

/** Confluence changes to pages and blog posts themselves: create, edit, move, label. */

export const create = defineChange({
  schema: z
    .object({
      space: z.string(),
      title: z.string().min(1),
      id: contentId.optional(),
      type: z.enum(["page", "blogpost"]).optional(),
      parent: contentId.optional(),
      body: z.string().optional(),
      labels: z.array(z.string()).optional(),
      author: z.string().optional(),
      read: z.array(principal).optional(),
      update: z.array(principal).optional(),
    })
    .strict(),
  references(c, scope, path) {
    scope.space([...path, "space"], c.space);
    scope.content([...path, "parent"], c.parent);
    scope.created(c.id);
    return {
      ...c,
      author: c.author && scope.confluenceUser([...path, "author"], c.author),
      read: scope.principals([...path, "read"], c.read),
      update: scope.principals([...path, "update"], c.update),
    };
  },
  apply({ names }, c) {
    const { store } = names;
    const space = store.requireSpace(c.space);
    const content = store.addContent({
      id: c.id,
      type: c.type ?? "page",
      spaceId: space.id,
      parentId: c.parent ?? null,
      title: c.title,
      body: c.body ?? `<p>${c.title}</p>`,
      labels: c.labels,
      authorId: c.author ? names.user(c.author) : undefined,
    });
    if (c.read) store.setRestriction(content.id, "read", names.restriction(c.read));
    if (c.update) store.setRestriction(content.id, "update", names.restriction(c.update));
    return `created ${content.type} ${content.id} "${content.title}" in ${space.key}`;
  },
});

export const edit = defineChange({
  schema: z
    .object({
      page: contentId,
      title: z.string().optional(),
      body: z.string().optional(),
      author: z.string().optional(),
    })
    .strict(),
  references(c, scope, path) {
    scope.content([...path, "page"], c.page);
    return { ...c, author: c.author && scope.confluenceUser([...path, "author"], c.author) };
  },
  apply({ names }, { page, author, ...rest }) {
    names.store.updateContent(page, { ...rest, authorId: author ? names.user(author) : undefined });
    return `edited ${page}`;
  },
});

export const move = defineChange({
  schema: z
    .object({ page: contentId, parent: contentId.nullable().optional(), space: z.string().optional() })
    .strict(),
  // Moving under another parent changes the restrictions the page inherits.
  changesPermissions: true,
  references(c, scope, path) {
    scope.content([...path, "page"], c.page);
    scope.content([...path, "parent"], c.parent);
    if (c.space) scope.space([...path, "space"], c.space);
  },
  apply({ names }, { page, parent, space }) {
    const { store } = names;
    const spaceId = space ? store.requireSpace(space).id : undefined;
    store.moveContent(page, parent ?? null, spaceId);
    return `moved ${page} under ${parent ?? "the space root"}`;
  },
});

export const label = defineChange({
  schema: z
    .object({
      page: contentId,
      add: z.array(z.string()).optional(),
      remove: z.array(z.string()).optional(),
    })
    .strict(),
  references: (c, scope, path) => scope.content([...path, "page"], c.page),
  apply({ names }, c) {
    for (const l of c.add ?? []) names.store.addLabel(c.page, l);
    for (const l of c.remove ?? []) names.store.removeLabel(c.page, l);
    return `labels of ${c.page} changed`;
  },
});
