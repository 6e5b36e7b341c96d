import { badRequest, type GraphError, invalidRequest } from "./errors.ts";
import type { AclEntry, ExternalActivity, ExternalItemContent, PropertyType, Schema } from "./model.ts";
import { parseEnum } from "./schema-rules.ts";

/**
 * Item body validation against the active schema (docs/fidelity/graph.md, Items).
 * Returns only the members present, so PUT can replace exactly the top-level members sent.
 */

/**
 * Most entries in one item's ACL. Graph documents no limit; 1,000 is ours (Microsoft's guidance
 * is to put large audiences in external groups, [G-GROUPS]). `itemRules.maxAclEntries` changes it.
 */
export const MAX_ACL_ENTRIES = 1000;

export const ACL_TYPES = ["user", "group", "everyone", "everyoneExceptGuests", "externalGroup"] as const;
export const ACCESS_TYPES = ["grant", "deny"] as const;
export const ACTIVITY_TYPES = ["viewed", "modified", "created", "commented"] as const;
export const ACTIVITY_ODATA_TYPE = "#microsoft.graph.externalConnectors.externalActivity";

const COLLECTION_ANNOTATION: Partial<Record<PropertyType, string>> = {
  stringCollection: "Collection(String)",
  int64Collection: "Collection(Int64)",
  doubleCollection: "Collection(Double)",
  dateTimeCollection: "Collection(DateTimeOffset)",
};
const SCALAR_ANNOTATION: Partial<Record<PropertyType, string[]>> = {
  string: ["String", "Edm.String"],
  int64: ["Int64", "Edm.Int64"],
  double: ["Double", "Edm.Double"],
  dateTime: ["DateTimeOffset", "Edm.DateTimeOffset"],
  boolean: ["Boolean", "Edm.Boolean"],
};

export interface ItemRules {
  /** Item id pattern; the docs say "alphanumeric", the twin default also allows `-_.~=`. */
  itemIdPattern: RegExp;
  /** Most ACL entries an item may carry (not documented; the twin's default is a guess). */
  maxAclEntries: number;
  /** Require `@odata.type` on collection properties (the docs say "should"). */
  strictAnnotations: boolean;
  /**
   * Require `"String"` on strings with non-ASCII characters (docs: "should"). Off by default:
   * production ingested an en dash sent without one (msgraph-beta-sdk-dotnet#362), so the twin
   * accepts them with a journal note.
   */
  strictODataTypes: boolean;
}

export const DEFAULT_ITEM_RULES: ItemRules = {
  itemIdPattern: /^[A-Za-z0-9_.~=-]{1,128}$/,
  maxAclEntries: MAX_ACL_ENTRIES,
  strictAnnotations: true,
  strictODataTypes: false,
};

export interface ItemPatch {
  acl?: AclEntry[];
  properties?: Record<string, unknown>;
  content?: ExternalItemContent;
  activities?: ExternalActivity[];
  /** What the body got away with (for the journal), e.g. a non-ASCII string without annotation. */
  warnings?: string[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function validateItemId(id: string, rules: ItemRules): void {
  if (id.length === 0 || id.length > 128 || !rules.itemIdPattern.test(id)) {
    throw invalidRequest(
      "InvalidItemId",
      `Item id '${id.slice(0, 140)}' is not valid: use 1–128 alphanumeric characters (no '/').`,
    );
  }
}

/** 400 for a value that does not match the property's type (or `properties` that is not an object). */
export function valueMismatch(name: string): GraphError {
  return badRequest(`Property ${name} in payload has a value that does not match schema.`, {
    code: "PropertyValueTypeMismatch",
    message: `Property ${name} in payload has a value that does not match schema.`,
  });
}

function checkScalar(type: PropertyType, v: unknown): boolean {
  switch (type) {
    case "string":
    case "stringCollection":
      return typeof v === "string";
    case "int64":
    case "int64Collection":
      return typeof v === "number" && Number.isInteger(v);
    case "double":
    case "doubleCollection":
      return typeof v === "number" && Number.isFinite(v);
    case "dateTime":
    case "dateTimeCollection":
      return typeof v === "string" && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v));
    case "boolean":
      return typeof v === "boolean";
  }
}

const NON_ASCII = /[^\u0020-\u007e\t\n\r]/u;

const schemaIndex = new WeakMap<Schema, Map<string, Schema["properties"][number]>>();

/** Schema properties by lower-case name, built once per schema object (schemas are replaced, not edited). */
function propertiesByName(schema: Schema): Map<string, Schema["properties"][number]> {
  let byName = schemaIndex.get(schema);
  if (!byName) {
    byName = new Map(schema.properties.map((p) => [p.name.toLowerCase(), p]));
    schemaIndex.set(schema, byName);
  }
  return byName;
}

export function validateProperties(
  raw: unknown,
  schema: Schema,
  rules: ItemRules,
  warnings: string[] = [],
): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw valueMismatch("properties");
  const bag = raw as Record<string, unknown>;
  const byName = propertiesByName(schema);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(bag)) {
    if (key.includes("@odata.")) continue;
    const prop = byName.get(key.toLowerCase());
    if (!prop) {
      throw invalidRequest(
        "PropertyNotInSchema",
        `Property '${key}' is not declared in the connection schema.`,
      );
    }
    const annotation = bag[`${key}@odata.type`];
    if (annotation !== undefined && typeof annotation !== "string") throw valueMismatch(key);
    const collection = COLLECTION_ANNOTATION[prop.type];
    if (value === null) {
      out[prop.name] = null;
      continue;
    }
    if (collection) {
      if (!Array.isArray(value) || !value.every((v) => checkScalar(prop.type, v))) throw valueMismatch(key);
      if (annotation === undefined ? rules.strictAnnotations : annotation.replace(/^#/, "") !== collection) {
        throw badRequest(`Property ${key} in payload has a value that does not match schema.`, {
          code: "MissingODataTypeAnnotation",
          message: `Collection property '${key}' needs "${key}@odata.type": "${collection}".`,
        });
      }
    } else {
      if (Array.isArray(value) || !checkScalar(prop.type, value)) throw valueMismatch(key);
      if (
        annotation !== undefined &&
        !(SCALAR_ANNOTATION[prop.type] ?? []).includes(annotation.replace(/^#/, ""))
      ) {
        throw valueMismatch(key);
      }
      if (prop.type === "string" && annotation === undefined && NON_ASCII.test(value as string)) {
        const message = `String property '${key}' has non-ASCII characters and needs "${key}@odata.type": "String".`;
        if (rules.strictODataTypes) {
          throw badRequest(`Property ${key} in payload has a value that does not match schema.`, {
            code: "MissingODataTypeAnnotation",
            message,
          });
        }
        warnings.push(`accepted without annotation (strict OData types off): ${message}`);
      }
    }
    out[prop.name] = value;
  }
  return out;
}

/** What an ACL is checked against: the tenant (`everyone` names it) and the API version. */
export interface AclContext {
  tenantId: string;
  /** `identitySource` is a beta member; on v1.0 it does not exist. */
  version: "v1.0" | "beta";
  maxEntries: number;
}

const ACL_TYPE_NAME = "microsoft.graph.externalConnectors.acl";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXTERNAL_GROUP_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * An item's ACL ([G-ITEMS] acl resource): `type` and `accessType` from their enums; `value` the
 * Entra object id for user and group, the tenant id for everyone and everyoneExceptGuests (or the
 * literal `everyone` Microsoft's samples send), an external group id for externalGroup; beta's
 * `identitySource` from its enum; at most `maxEntries` entries.
 */
export function validateAcl(raw: unknown, context: AclContext): AclEntry[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw invalidRequest("AclRequired", "The acl must contain at least one entry.");
  }
  if (raw.length > context.maxEntries) {
    throw invalidRequest(
      "TooManyAclEntries",
      `The acl has ${raw.length} entries; an item may carry at most ${context.maxEntries}. Put large audiences in external groups.`,
    );
  }
  const allowed = new Set([
    "type",
    "value",
    "accessType",
    ...(context.version === "beta" ? ["identitySource"] : []),
  ]);
  return raw.map((e, i) => {
    if (typeof e !== "object" || e === null || Array.isArray(e))
      throw badRequest(`acl[${i}] must be an object.`, {
        code: "InvalidAcl",
        message: `acl[${i}] must be an object.`,
      });
    const r = e as Record<string, unknown>;
    rejectUnknownMembers(r, allowed, ACL_TYPE_NAME);
    const type = parseEnum(r.type, ACL_TYPES, "microsoft.graph.externalConnectors.aclType");
    const accessType = parseEnum(r.accessType, ACCESS_TYPES, "microsoft.graph.externalConnectors.accessType");
    if (typeof r.value !== "string" || r.value.length === 0) {
      throw invalidRequest(
        "InvalidAcl",
        `acl[${i}].value must be a non-empty string (object id, tenant id or external group id).`,
      );
    }
    const source = r.identitySource === undefined ? undefined : identitySource(r.identitySource);
    // beta's older shape: `type: group` + `identitySource: external` names an external group.
    checkAclValue(i, source === "external" ? "externalGroup" : type, r.value, context.tenantId);
    const entry: AclEntry = { type, value: r.value, accessType };
    if (source !== undefined) entry.identitySource = source;
    return entry;
  });
}

function checkAclValue(i: number, type: AclEntry["type"], value: string, tenantId: string): void {
  const refuse = (expected: string) =>
    invalidRequest("InvalidAclValue", `acl[${i}].value '${value}' is not ${expected} (type ${type}).`);
  if ((type === "user" || type === "group") && !GUID.test(value)) {
    throw refuse(
      "a Microsoft Entra object id: user and group entries name the object by id, not by UPN or name",
    );
  }
  if (
    (type === "everyone" || type === "everyoneExceptGuests") &&
    value.toLowerCase() !== tenantId.toLowerCase() &&
    value.toLowerCase() !== "everyone"
  ) {
    throw refuse(`this tenant's id (${tenantId})`);
  }
  if (type === "externalGroup" && !EXTERNAL_GROUP_ID.test(value)) {
    throw refuse("an external group id (1–128 characters from the URL-safe Base64 set)");
  }
}

/** beta's identitySourceType; the early docs' "Azure Active Directory" spelling matches too. */
function identitySource(raw: unknown): string {
  const normal = typeof raw === "string" ? raw.replace(/\s+/g, "") : raw;
  return parseEnum(
    normal,
    ["azureActiveDirectory", "external"] as const,
    "microsoft.graph.externalConnectors.identitySourceType",
  );
}

export function validateContent(raw: unknown): ExternalItemContent {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw valueMismatch("content");
  const r = raw as Record<string, unknown>;
  const type =
    r.type === undefined
      ? "text"
      : parseEnum(
          r.type,
          ["text", "html"] as const,
          "microsoft.graph.externalConnectors.externalItemContentType",
        );
  if (typeof r.value !== "string") {
    throw badRequest("Property content in payload has a value that does not match schema.", {
      code: "PropertyValueTypeMismatch",
      message: "content.value must be a string.",
    });
  }
  return { type, value: r.value };
}

export function validateActivities(raw: unknown, max = Number.POSITIVE_INFINITY): ExternalActivity[] {
  if (!Array.isArray(raw))
    throw badRequest("activities must be an array.", {
      code: "InvalidRequestBody",
      message: "activities must be an array.",
    });
  if (raw.length > max)
    throw badRequest(`At most ${max} activities may be sent in one call.`, {
      code: "TooManyActivities",
      message: `At most ${max} activities per call.`,
    });
  return raw.map((a, i) => {
    const r = (a ?? {}) as Record<string, unknown>;
    if (r["@odata.type"] !== ACTIVITY_ODATA_TYPE) {
      throw invalidRequest(
        "ODataTypeRequired",
        `activities[${i}] needs "@odata.type": "${ACTIVITY_ODATA_TYPE}".`,
      );
    }
    const type = parseEnum(r.type, ACTIVITY_TYPES, "microsoft.graph.externalConnectors.externalActivityType");
    if (typeof r.startDateTime !== "string" || Number.isNaN(Date.parse(r.startDateTime))) {
      throw invalidRequest("InvalidActivity", `activities[${i}].startDateTime must be an ISO 8601 date.`);
    }
    const pb = (r.performedBy ?? {}) as Record<string, unknown>;
    if (typeof pb.id !== "string")
      throw invalidRequest("InvalidActivity", `activities[${i}].performedBy.id is required.`);
    const pbType = parseEnum(
      pb.type ?? "user",
      ["user", "group", "externalGroup"] as const,
      "microsoft.graph.externalConnectors.identityType",
    );
    return { type, startDateTime: r.startDateTime, performedBy: { type: pbType, id: pb.id } };
  });
}

/** OData rejects members the entity type does not declare (annotations `@…` excepted). */
export function rejectUnknownMembers(
  body: Record<string, unknown>,
  allowed: Set<string>,
  typeName: string,
): void {
  for (const key of Object.keys(body)) {
    if (key.startsWith("@") || key.includes("@odata.") || allowed.has(key)) continue;
    throw badRequest(
      `The property '${key}' does not exist on type '${typeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      { code: "UnknownProperty", message: `'${key}' is not a member of ${typeName}.` },
    );
  }
}

/**
 * The schema rules of a PUT/PATCH (the route already checked the body's shape): `creating` demands
 * an acl and ≥ 1 property (rule 29); property values must match the schema. Returns the members
 * present, properties as the schema names them.
 */
export function checkItemAgainstSchema(
  input: ItemPatch,
  schema: Schema,
  creating: boolean,
  rules: ItemRules,
): ItemPatch {
  if (creating && input.acl === undefined)
    throw invalidRequest(
      "AclRequired",
      "An acl with at least one entry is required when an item is created.",
    );
  if (input.properties === undefined) {
    if (creating)
      throw invalidRequest(
        "PropertiesRequired",
        "properties with at least one value are required when an item is created.",
      );
    return input;
  }
  const warnings: string[] = [];
  const properties = validateProperties(input.properties, schema, rules, warnings);
  if (creating && Object.keys(properties).length === 0) {
    throw invalidRequest("PropertiesRequired", "At least one property is required when an item is created.");
  }
  return warnings.length > 0 ? { ...input, properties, warnings } : { ...input, properties };
}
