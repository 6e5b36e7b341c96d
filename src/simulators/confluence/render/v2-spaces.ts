import type { components } from "../generated/v2.ts";
import type { Space, SpacePermission } from "../model.ts";
import { iso } from "./links.ts";
import type { SpaceBulkOut, SpacePermissionOut, SpaceSingleOut } from "./v2.ts";

/** v2 spaces and their permission assignments, typed against the generated OpenAPI schemas. */
type S = components["schemas"];

export type DescriptionFormat = S["SpaceDescriptionBodyRepresentation"];

function spaceDescription(space: Space, format: DescriptionFormat | undefined): S["SpaceDescription"] | null {
  if (!format) return null;
  const value =
    format === "plain"
      ? space.description
      : space.description
        ? `<p>${escapeHtml(space.description)}</p>`
        : "";
  return { [format]: { representation: format, value } };
}

/** The default space icon (there are no uploaded icons in the model). */
function spaceIcon(space: Space): S["SpaceIcon"] {
  return {
    path: "/images/logo/default-space-logo.svg",
    apiDownloadLink: `/download/space/${encodeURIComponent(space.key)}/icon`,
  };
}

export interface SpaceRenderOptions {
  descriptionFormat?: DescriptionFormat;
  includeIcon?: boolean;
}

export function renderSpaceBulk(space: Space, o: SpaceRenderOptions): SpaceBulkOut {
  const out: SpaceBulkOut = {
    id: space.id,
    key: space.key,
    name: space.name,
    type: space.type,
    status: space.status,
    authorId: space.authorId,
    createdAt: iso(space.createdAt),
    description: spaceDescription(space, o.descriptionFormat),
    icon: o.includeIcon ? spaceIcon(space) : null,
    _links: { webui: `/spaces/${space.key}` },
    currentActiveAlias: space.key,
  };
  // confluence.js declares homepageId a string: omit it rather than send null.
  if (space.homepageId) out.homepageId = space.homepageId;
  return out;
}

export function renderSpaceSingle(
  space: Space,
  o: SpaceRenderOptions,
  base: string,
  blocks: Pick<SpaceSingleOut, "labels" | "properties" | "operations" | "permissions">,
): SpaceSingleOut {
  return {
    ...renderSpaceBulk(space, o),
    ...blocks,
    _links: { webui: `/spaces/${space.key}`, base },
  };
}

export function renderSpacePermission(p: SpacePermission): SpacePermissionOut {
  return {
    id: p.id,
    principal:
      p.principal.type === "anonymous"
        ? { type: "anonymous" }
        : { type: p.principal.type, id: p.principal.id },
    operation: {
      key: p.operation.key as NonNullable<NonNullable<S["SpacePermissionAssignment"]["operation"]>["key"]>,
      targetType: p.operation.targetType as NonNullable<
        NonNullable<S["SpacePermissionAssignment"]["operation"]>["targetType"]
      >,
    },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
}
