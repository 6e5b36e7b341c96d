import type { ConnectionInput, ConnectionPatch } from "../connections.ts";
import { badRequest, GraphError, invalidRequest } from "../errors.ts";
import type { ExternalGroupInput, ExternalGroupPatch } from "../external-groups.ts";
import {
  type AclContext,
  type ItemPatch,
  rejectUnknownMembers,
  validateAcl,
  validateActivities,
  validateContent,
  valueMismatch,
} from "../item-rules.ts";
import type { ExternalGroupMember } from "../model.ts";
import { validateResolvers } from "../resolvers.ts";

/**
 * Request bodies of the external-connection routes checked and turned into the twin's typed
 * inputs. The twin then decides what the connection's state and quotas allow.
 */

const CONNECTION_TYPE = "microsoft.graph.externalConnectors.externalConnection";
const ITEM_TYPE = "microsoft.graph.externalConnectors.externalItem";

/** Members a connection body may carry (v1.0 + beta); `state` is read-only but tolerated on input. */
const CONNECTION_MEMBERS = new Set([
  "id",
  "name",
  "description",
  "configuration",
  "activitySettings",
  "searchSettings",
  "connectorId",
  "contentCategory",
  "enabledContentExperiences",
  "complianceSettings",
  "state",
  "ingestedItemsCount",
]);

const RESERVED_CONNECTION_IDS = [
  "None",
  "Directory",
  "Exchange",
  "ExchangeArchive",
  "LinkedIn",
  "Mailbox",
  "OneDriveBusiness",
  "SharePoint",
  "Teams",
  "Yammer",
  "Connectors",
  "TaskFabric",
  "PowerBI",
  "Assistant",
  "TopicEngine",
  "MSFT_All_Connectors",
].map((s) => s.toLowerCase());

const ITEM_MEMBERS = new Set([
  "id",
  "acl",
  "properties",
  "content",
  "activities",
  "informationProtectionLabel",
]);

/**
 * A String member (Edm.String) as OData reads it: a string or null; an object or array is OData's
 * "unexpected node" error, a number or boolean its "cannot convert the literal" error, never
 * stored as "[object Object]".
 */
function edmString(body: Record<string, unknown>, key: string): string | null {
  const v = body[key];
  if (v === null || typeof v === "string") return v;
  const inner = { code: "PropertyValueTypeMismatch", message: `'${key}' must be a string.` };
  if (typeof v === "object") {
    const node = Array.isArray(v) ? "StartArray" : "StartObject";
    throw badRequest(
      `An unexpected '${node}' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected.`,
      inner,
    );
  }
  throw badRequest(`Cannot convert the literal '${String(v)}' to the expected type 'Edm.String'.`, inner);
}

/** POST /external/connections. */
export function connectionInput(body: Record<string, unknown>): ConnectionInput {
  rejectUnknownMembers(body, CONNECTION_MEMBERS, CONNECTION_TYPE);
  const id = body.id;
  if (typeof id !== "string" || !/^[A-Za-z0-9]{3,32}$/.test(id)) {
    throw invalidRequest(
      "InvalidConnectionId",
      `Connection id '${String(id)}' must be 3–32 alphanumeric characters.`,
    );
  }
  if (id.toLowerCase().startsWith("microsoft") || RESERVED_CONNECTION_IDS.includes(id.toLowerCase())) {
    throw invalidRequest(
      "ReservedConnectionId",
      `Connection id '${id}' is reserved (ids must not begin with 'Microsoft' or be a reserved name).`,
    );
  }
  if (typeof body.name !== "string" || body.name.length === 0 || body.name.length > 128) {
    throw invalidRequest(
      "InvalidConnectionName",
      "Connection name is required and must be at most 128 characters.",
    );
  }
  return { ...connectionMembers(body), id, name: body.name };
}

/** PATCH /external/connections/{id}: the id may be repeated but not changed. */
export function connectionPatch(connectionId: string, body: Record<string, unknown>): ConnectionPatch {
  rejectUnknownMembers(body, CONNECTION_MEMBERS, CONNECTION_TYPE);
  if (body.id !== undefined && body.id !== connectionId) {
    throw invalidRequest("ConnectionIdImmutable", "The connection id cannot be changed.");
  }
  if (
    body.name !== undefined &&
    (typeof body.name !== "string" || body.name.length === 0 || body.name.length > 128)
  ) {
    throw invalidRequest("InvalidConnectionName", "Connection name must be 1–128 characters.");
  }
  const patch = connectionMembers(body);
  if (typeof body.name === "string") patch.name = body.name;
  return patch;
}

/** The optional members shared by create and update; absent ones stay absent. */
function connectionMembers(body: Record<string, unknown>): ConnectionPatch {
  const patch: ConnectionPatch = {};
  if (body.description !== undefined) patch.description = edmString(body, "description");
  if (body.configuration !== undefined) {
    const ids = (body.configuration as { authorizedAppIds?: unknown } | null)?.authorizedAppIds;
    if (ids !== undefined && (!Array.isArray(ids) || !ids.every((x) => typeof x === "string"))) {
      throw invalidRequest(
        "InvalidConfiguration",
        "configuration.authorizedAppIds must be an array of app ids.",
      );
    }
    patch.configuration = { authorizedAppIds: (ids as string[] | undefined) ?? [] };
  }
  if (body.activitySettings !== undefined) {
    const s = (body.activitySettings ?? {}) as { urlToItemResolvers?: unknown };
    patch.activitySettings = { urlToItemResolvers: validateResolvers(s.urlToItemResolvers) };
  }
  if (body.searchSettings !== undefined) {
    const templates =
      ((body.searchSettings ?? {}) as { searchResultTemplates?: unknown }).searchResultTemplates ?? [];
    if (!Array.isArray(templates) || templates.length > 2) {
      throw invalidRequest("TooManySearchResultTemplates", "At most 2 searchResultTemplates are allowed.");
    }
    for (const t of templates as Array<Record<string, unknown>>) {
      if (typeof t?.id !== "string" || !/^[A-Za-z0-9]{1,16}$/.test(t.id)) {
        throw invalidRequest(
          "InvalidDisplayTemplateId",
          "Display template ids must be 1–16 alphanumeric characters.",
        );
      }
      if (typeof t.layout !== "object" || t.layout === null) {
        throw invalidRequest(
          "InvalidDisplayTemplateLayout",
          `Display template '${t.id}' needs an Adaptive Card layout object.`,
        );
      }
    }
    patch.searchSettings = { searchResultTemplates: templates };
  }
  if (body.connectorId !== undefined) patch.connectorId = edmString(body, "connectorId");
  if (typeof body.contentCategory === "string") patch.contentCategory = body.contentCategory;
  if (typeof body.enabledContentExperiences === "string")
    patch.enabledContentExperiences = body.enabledContentExperiences;
  if (body.complianceSettings !== undefined) patch.complianceSettings = body.complianceSettings;
  return patch;
}

/**
 * PUT/PATCH an item: the body's shape, its id against the URL's, the ACL, content and activities. The
 * property values are checked against the connection's schema by the twin.
 */
export function itemInput(urlId: string, body: unknown, acl: AclContext): ItemPatch {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("The request body must be a JSON object.", {
      code: "InvalidRequestBody",
      message: "An externalItem body must be a JSON object.",
    });
  }
  const b = body as Record<string, unknown>;
  rejectUnknownMembers(b, ITEM_MEMBERS, ITEM_TYPE);
  if (b.id !== undefined && b.id !== urlId) {
    throw invalidRequest(
      "ItemIdMismatch",
      `The id in the body ('${String(b.id)}') differs from the id in the URL ('${urlId}').`,
    );
  }
  const input: ItemPatch = {};
  if (b.acl !== undefined) input.acl = validateAcl(b.acl, acl);
  if (b.properties !== undefined) {
    if (typeof b.properties !== "object" || b.properties === null || Array.isArray(b.properties))
      throw valueMismatch("properties");
    input.properties = b.properties as Record<string, unknown>;
  }
  if (b.content !== undefined && b.content !== null) input.content = validateContent(b.content);
  if (b.activities !== undefined) input.activities = validateActivities(b.activities);
  return input;
}

/** POST …/groups. */
export function externalGroupInput(body: Record<string, unknown>): ExternalGroupInput {
  const id = body.id;
  if (typeof id !== "string" || id.length === 0 || id.length > 128 || !/^[A-Za-z0-9_-]+$/.test(id)) {
    throw invalidRequest(
      "InvalidExternalGroupId",
      `External group id '${String(id)}' must be 1–128 characters from the URL-safe Base64 set.`,
    );
  }
  return {
    id,
    displayName: body.displayName === undefined ? null : edmString(body, "displayName"),
    description: body.description === undefined ? null : edmString(body, "description"),
  };
}

/** PATCH …/groups/{id}: a member set to null clears it. */
export function externalGroupPatch(body: Record<string, unknown>): ExternalGroupPatch {
  const patch: ExternalGroupPatch = {};
  if (body.displayName !== undefined) patch.displayName = edmString(body, "displayName");
  if (body.description !== undefined) patch.description = edmString(body, "description");
  return patch;
}

/** POST …/groups/{id}/members. */
export function externalGroupMember(body: Record<string, unknown>): ExternalGroupMember {
  if (typeof body.id !== "string" || body.id.length === 0)
    throw invalidRequest("InvalidMember", "A member needs an id.");
  const type = body.type;
  if (type !== "user" && type !== "group" && type !== "externalGroup") {
    throw new GraphError(400, "BadRequest", `Requested value '${String(type)}' was not found.`, {
      code: "InvalidEnumValue",
      message: "Member type must be user, group or externalGroup.",
    });
  }
  const member: ExternalGroupMember = { id: body.id, type };
  if (typeof body.identitySource === "string") member.identitySource = body.identitySource;
  return member;
}
