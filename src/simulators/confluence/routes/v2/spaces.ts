import { json } from "../../../host/types.ts";
import type { ConfluenceRoute } from "../../context.ts";
import type { Space, SpacePermission } from "../../model.ts";
import {
  INCLUDE_CAP,
  includeBlock,
  listResponse,
  pageOfUnsorted,
  readCursor,
  readLimit,
  type SortSpec,
} from "../../pagination.ts";
import { arrayParam, boolParam, enumParam, longArrayParam, stringParam } from "../../params.ts";
import {
  type DescriptionFormat,
  renderSpaceBulk,
  renderSpacePermission,
  renderSpaceSingle,
} from "../../render/v2-spaces.ts";
import { requireSpace, v2 } from "./common.ts";
import { spaceOperations } from "./operations.ts";

const SPACE_SORTS = ["id", "-id", "key", "-key", "name", "-name"] as const;
// The spec's four plus the newer ones confluence.js knows (they match no space in the model).
const SPACE_TYPES = [
  "global",
  "collaboration",
  "knowledge_base",
  "personal",
  "system",
  "onboarding",
  "xflow_sample_space",
] as const;
const DESCRIPTION_FORMATS: readonly DescriptionFormat[] = ["plain", "view"];

function spaceSort(name: string): SortSpec<Space> {
  const desc = name.startsWith("-");
  const order = desc ? name.slice(1) : name;
  const key =
    order === "key"
      ? (s: Space) => s.key
      : order === "name"
        ? (s: Space) => s.name
        : (s: Space) => Number(s.id);
  return { order, desc, key };
}

const permissionSort: SortSpec<SpacePermission> = { order: "id", desc: false, key: (p) => Number(p.id) };

export function spaceRoutes(): ConfluenceRoute[] {
  return [
    v2("GET", "/spaces", "getSpaces", (ctx) => {
      const q = ctx.query;
      const ids = longArrayParam(q, "ids");
      const keys = q.has("keys") ? new Set(arrayParam(q, "keys")) : undefined;
      const type = enumParam(q, "type", SPACE_TYPES, "SpaceType");
      const status = enumParam(q, "status", ["current", "archived"], "SpaceStatus");
      const labels = arrayParam(q, "labels");
      const favoritedBy = stringParam(q, "favorited-by");
      const sort = spaceSort(enumParam(q, "sort", SPACE_SORTS, "SpaceSortOrder") ?? "id");
      const descriptionFormat = enumParam(
        q,
        "description-format",
        DESCRIPTION_FORMATS,
        "SpaceDescriptionBodyRepresentation",
      );
      const includeIcon = boolParam(q, "include-icon", false);
      const limit = readLimit(q);
      const cursor = readCursor(q, sort.order);
      const idSet = ids ? new Set(ids) : undefined;
      const page = pageOfUnsorted(
        [...ctx.store.spaces.values()],
        sort,
        cursor,
        limit,
        (s) =>
          (!idSet || idSet.has(s.id)) &&
          (!keys || keys.has(s.key)) &&
          (!type || s.type === type) &&
          (!status || s.status === status) &&
          // The model has no space labels or favourites: those filters match nothing.
          labels.length === 0 &&
          favoritedBy === undefined &&
          ctx.access.canViewSpace(s),
      );
      return listResponse(
        ctx,
        page.items.map((s) => renderSpaceBulk(s, { descriptionFormat, includeIcon })),
        page.next,
      );
    }),

    v2("GET", "/spaces/:id", "getSpaceById", (ctx) => {
      const q = ctx.query;
      const descriptionFormat = enumParam(
        q,
        "description-format",
        DESCRIPTION_FORMATS,
        "SpaceDescriptionBodyRepresentation",
      );
      const includeIcon = boolParam(q, "include-icon", false);
      const want = {
        operations: boolParam(q, "include-operations", false),
        properties: boolParam(q, "include-properties", false),
        permissions: boolParam(q, "include-permissions", false),
        labels: boolParam(q, "include-labels", false),
      };
      const space = requireSpace(ctx, ctx.params.id);
      const self = `/wiki/api/v2/spaces/${space.id}`;
      const blocks: Parameters<typeof renderSpaceSingle>[3] = {};
      if (want.labels)
        blocks.labels = { results: [], meta: { hasMore: false }, _links: { self: `${self}/labels` } };
      if (want.properties)
        blocks.properties = { results: [], meta: { hasMore: false }, _links: { self: `${self}/properties` } };
      if (want.operations) {
        const ops = spaceOperations(ctx, space);
        blocks.operations = {
          results: ops.slice(0, INCLUDE_CAP),
          meta: { hasMore: ops.length > INCLUDE_CAP },
          _links: { self: `${self}/operations` },
        };
      }
      if (want.permissions) {
        blocks.permissions = includeBlock(
          space.permissions,
          permissionSort,
          `${self}/permissions`,
          renderSpacePermission,
        );
      }
      return json(renderSpaceSingle(space, { descriptionFormat, includeIcon }, ctx.base, blocks));
    }),

    v2("GET", "/spaces/:id/permissions", "getSpacePermissionsAssignments", (ctx) => {
      const limit = readLimit(ctx.query);
      const cursor = readCursor(ctx.query, permissionSort.order);
      const space = requireSpace(ctx, ctx.params.id);
      const page = pageOfUnsorted(space.permissions, permissionSort, cursor, limit);
      return listResponse(ctx, page.items.map(renderSpacePermission), page.next);
    }),

    // No space labels or properties in the model: correct envelopes, empty results.
    ...["labels", "properties"].map((sub) =>
      v2("GET", `/spaces/:id/${sub}`, sub === "labels" ? "getSpaceLabels" : "getSpaceProperties", (ctx) => {
        readLimit(ctx.query);
        readCursor(ctx.query, "id");
        requireSpace(ctx, ctx.params.id);
        return listResponse(ctx, [], undefined);
      }),
    ),

    v2("GET", "/spaces/:id/operations", "getSpaceOperations", (ctx) => {
      const space = requireSpace(ctx, ctx.params.id);
      return json({ operations: spaceOperations(ctx, space) });
    }),
  ];
}
