import { badRequest, invalidRequest } from "./errors.ts";
import { PROPERTY_TYPES, type PropertyType, type Schema, type SchemaProperty } from "./model.ts";

/**
 * Schema validation, synchronous on PATCH/POST schema (docs/fidelity/graph.md, Schema). Every failure
 * is 400 with `innerError.code`; only `RefinerShouldNotBeOfType` is observed verbatim, the other inner
 * codes follow its naming and are marked "guess" in docs/fidelity/graph.md.
 */

export const EXTERNAL_ITEM_BASE_TYPE = "microsoft.graph.externalItem";

/** Labels in CSDL order; those after `unknownFutureValue` are evolvable members accepted without Prefer. */
export const LABELS = [
  "title",
  "url",
  "createdBy",
  "lastModifiedBy",
  "authors",
  "createdDateTime",
  "lastModifiedDateTime",
  "fileName",
  "fileExtension",
  "containerName",
  "containerUrl",
  "iconUrl",
  "assignedToPeople",
  "closedBy",
  "closedDate",
  "priority",
  "sprintName",
  "tags",
  "severity",
  "state",
  "dueDate",
  "itemParentId",
  "itemPath",
  "itemType",
  "numberOfReactions",
  "parentUrl",
  "priorityNormalized",
  "reportedBy",
  "secondaryId",
  "personEmails",
  "personAddresses",
  "personAnniversaries",
  "personName",
  "personNote",
  "personPhones",
  "personCurrentPosition",
  "personWebAccounts",
  "personWebSite",
  "personSkills",
  "personProjects",
  "personAccount",
  "personAwards",
  "personCertifications",
  "personAssistants",
  "personColleagues",
  "personManager",
  "personAlternateContacts",
  "personEmergencyContacts",
  "personEducationalActivities",
  "personInterests",
  "personLanguages",
  "personPublications",
  "personPatents",
  "personWorkPositions",
] as const;

/** Label → property type the docs require ("same datatype"); the mapping itself is inferred. */
export const LABEL_TYPES: Partial<Record<string, PropertyType>> = {
  title: "string",
  url: "string",
  createdBy: "string",
  lastModifiedBy: "string",
  authors: "stringCollection",
  createdDateTime: "dateTime",
  lastModifiedDateTime: "dateTime",
  fileName: "string",
  fileExtension: "string",
  iconUrl: "string",
  containerName: "string",
  containerUrl: "string",
};

const FORBIDDEN_NAME_CHARS = /[\s\p{Cc}:;,()[\]{}%$+!*=&?@#\\/~'"<>`^|]/u;
const SEARCHABLE_TYPES: PropertyType[] = ["string", "stringCollection"];

function parseBool(value: unknown, field: string, prop: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "True") return true;
  if (value === "false" || value === "False") return false;
  throw badRequest(`Cannot convert the literal '${String(value)}' to the expected type 'Edm.Boolean'.`, {
    code: "InvalidPropertyValue",
    message: `Property '${prop}': '${field}' must be a boolean.`,
  });
}

/** Case-insensitive enum member; `unknownFutureValue` and unknown members are 400 `BadRequest`. */
export function parseEnum<T extends string>(value: unknown, allowed: readonly T[], typeName: string): T {
  if (typeof value === "string") {
    if (value.toLowerCase() === "unknownfuturevalue") {
      throw badRequest(`The enum member 'unknownFutureValue' of '${typeName}' cannot be used in a request.`, {
        code: "InvalidEnumValue",
        message: `'unknownFutureValue' is a sentinel of ${typeName}, not a value.`,
      });
    }
    const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (found) return found;
  }
  throw badRequest(`Requested value '${String(value)}' was not found.`, {
    code: "InvalidEnumValue",
    message: `'${String(value)}' is not a member of ${typeName} (${allowed.join(", ")}).`,
  });
}

function checkName(name: unknown, kind: "Property" | "Alias", owner: string): string {
  if (typeof name !== "string" || name.length === 0) {
    throw invalidRequest(
      kind === "Property" ? "PropertyNameRequired" : "InvalidAliasName",
      `${kind} name is required${kind === "Alias" ? ` (property '${owner}')` : ""}.`,
    );
  }
  if (name.length > 32) {
    throw invalidRequest(
      kind === "Property" ? "InvalidPropertyName" : "InvalidAliasName",
      `${kind} name '${name}' is longer than 32 characters.`,
    );
  }
  if (FORBIDDEN_NAME_CHARS.test(name)) {
    throw invalidRequest(
      kind === "Property" ? "InvalidPropertyName" : "InvalidAliasName",
      `${kind} name '${name}' contains a character that is not allowed.`,
    );
  }
  return name;
}

const TYPE_DISPLAY: Record<PropertyType, string> = {
  string: "String",
  int64: "Int64",
  double: "Double",
  dateTime: "DateTime",
  boolean: "Boolean",
  stringCollection: "StringCollection",
  int64Collection: "Int64Collection",
  doubleCollection: "DoubleCollection",
  dateTimeCollection: "DateTimeCollection",
};

/** Parses and validates a schema body; returns the normalised schema (lower-camel enum names). */
export function validateSchema(body: unknown): Schema {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("The request body must be a JSON object.", {
      code: "InvalidRequestBody",
      message: "Schema body must be an object.",
    });
  }
  const b = body as Record<string, unknown>;
  if (b.baseType !== EXTERNAL_ITEM_BASE_TYPE) {
    throw invalidRequest(
      "InvalidSchemaBaseType",
      `Schema baseType must be '${EXTERNAL_ITEM_BASE_TYPE}', got '${String(b.baseType)}'.`,
    );
  }
  if (!Array.isArray(b.properties) || b.properties.length === 0 || b.properties.length > 128) {
    const n = Array.isArray(b.properties) ? b.properties.length : 0;
    throw invalidRequest(
      "SchemaPropertyCountOutOfRange",
      `A schema must have between 1 and 128 properties; it has ${n}.`,
    );
  }
  const properties: SchemaProperty[] = [];
  const names = new Map<string, string>();
  const labelOwner = new Map<string, string>();
  for (const raw of b.properties as unknown[]) {
    if (typeof raw !== "object" || raw === null) {
      throw badRequest("A schema property must be an object.", {
        code: "InvalidRequestBody",
        message: "Schema properties must be objects.",
      });
    }
    const r = raw as Record<string, unknown>;
    const name = checkName(r.name, "Property", "");
    const type = parseEnum(r.type, PROPERTY_TYPES, "microsoft.graph.externalConnectors.propertyType");
    const p: SchemaProperty = { name, type };
    const isSearchable = parseBool(r.isSearchable, "isSearchable", name);
    const isQueryable = parseBool(r.isQueryable, "isQueryable", name);
    const isRetrievable = parseBool(r.isRetrievable, "isRetrievable", name);
    const isRefinable = parseBool(r.isRefinable, "isRefinable", name);
    const isExactMatchRequired = parseBool(r.isExactMatchRequired, "isExactMatchRequired", name);
    if (isSearchable !== undefined) p.isSearchable = isSearchable;
    if (isQueryable !== undefined) p.isQueryable = isQueryable;
    if (isRetrievable !== undefined) p.isRetrievable = isRetrievable;
    if (isRefinable !== undefined) p.isRefinable = isRefinable;
    if (isExactMatchRequired !== undefined) p.isExactMatchRequired = isExactMatchRequired;
    if (r.description !== undefined && r.description !== null) {
      if (typeof r.description !== "string" || r.description.length > 200) {
        throw invalidRequest(
          "PropertyDescriptionTooLong",
          `Description of property '${name}' must be a string of at most 200 characters.`,
        );
      }
      p.description = r.description;
    }
    if (r.labels !== undefined && r.labels !== null) {
      if (!Array.isArray(r.labels))
        throw badRequest("labels must be an array.", {
          code: "InvalidRequestBody",
          message: `Property '${name}': labels must be an array.`,
        });
      p.labels = r.labels.map((l) => parseEnum(l, LABELS, "microsoft.graph.externalConnectors.label"));
    }
    if (r.aliases !== undefined && r.aliases !== null) {
      if (!Array.isArray(r.aliases))
        throw badRequest("aliases must be an array.", {
          code: "InvalidRequestBody",
          message: `Property '${name}': aliases must be an array.`,
        });
      p.aliases = r.aliases.map((a) => checkName(a, "Alias", name));
    }
    if (r.rankingHint !== undefined && r.rankingHint !== null)
      p.rankingHint = r.rankingHint as { importanceScore: string };

    // Rule 13: names and aliases unique, case-insensitively (inferred).
    for (const n of [name, ...(p.aliases ?? [])]) {
      const key = n.toLowerCase();
      const prior = names.get(key);
      if (prior !== undefined) {
        throw invalidRequest(
          n === name ? "DuplicatePropertyName" : "DuplicateAlias",
          n === name
            ? `Property name '${name}' is used more than once (names are case-insensitive).`
            : `Alias '${n}' of property '${name}' collides with '${prior}'.`,
        );
      }
      names.set(key, name);
    }
    // Rule 14: searchable only on string types.
    if (p.isSearchable && !SEARCHABLE_TYPES.includes(type)) {
      throw invalidRequest(
        "SearchableShouldNotBeOfType",
        `Searchable property '${name}' cannot be of type '${TYPE_DISPLAY[type]}'.`,
      );
    }
    // Rule 16 (observed verbatim): boolean refiner.
    if (p.isRefinable && type === "boolean") {
      throw invalidRequest(
        "RefinerShouldNotBeOfType",
        `Refiner property '${name}' cannot be of type 'Boolean'.`,
      );
    }
    // Rule 15: refinable and searchable exclusive.
    if (p.isRefinable && p.isSearchable) {
      throw invalidRequest(
        "RefinerShouldNotBeSearchable",
        `Refiner property '${name}' cannot be searchable.`,
      );
    }
    // Rule 19 (beta): exact match only on non-searchable string types.
    if (p.isExactMatchRequired && (p.isSearchable || !SEARCHABLE_TYPES.includes(type))) {
      throw invalidRequest(
        "ExactMatchNotSupported",
        `isExactMatchRequired on property '${name}' needs a non-searchable String or StringCollection property.`,
      );
    }
    for (const label of p.labels ?? []) {
      // Rule 17: labelled ⇒ retrievable.
      if (!p.isRetrievable) {
        throw invalidRequest(
          "LabelledPropertyShouldBeRetrievable",
          `Property '${name}' has label '${label}' and must be retrievable.`,
        );
      }
      // Rule 18: label type and uniqueness.
      const expected = LABEL_TYPES[label];
      if (expected && expected !== type) {
        throw invalidRequest(
          "LabelTypeMismatch",
          `Label '${label}' requires a property of type '${TYPE_DISPLAY[expected]}'; property '${name}' is '${TYPE_DISPLAY[type]}'.`,
        );
      }
      const owner = labelOwner.get(label);
      if (owner !== undefined) {
        throw invalidRequest(
          "DuplicateLabel",
          `Label '${label}' is assigned to both '${owner}' and '${name}'.`,
        );
      }
      labelOwner.set(label, name);
    }
    properties.push(p);
  }
  return { baseType: EXTERNAL_ITEM_BASE_TYPE, properties };
}

/** Rule 22: updates are additive — no removed property, no type change, retrievable kept, refinable unchanged. */
export function validateSchemaUpdate(current: Schema, next: Schema): void {
  const byName = new Map(next.properties.map((p) => [p.name.toLowerCase(), p]));
  for (const old of current.properties) {
    const p = byName.get(old.name.toLowerCase());
    if (!p)
      throw invalidRequest(
        "PropertyCannotBeRemoved",
        `Property '${old.name}' cannot be removed from the schema; delete and recreate the connection instead.`,
      );
    if (p.type !== old.type)
      throw invalidRequest(
        "PropertyTypeCannotBeChanged",
        `The type of property '${old.name}' cannot be changed.`,
      );
    if (old.isRetrievable && !p.isRetrievable)
      throw invalidRequest(
        "RetrievableCannotBeRemoved",
        `The retrievable attribute of property '${old.name}' cannot be removed.`,
      );
    if (Boolean(old.isRefinable) !== Boolean(p.isRefinable))
      throw invalidRequest(
        "RefinableCannotBeChanged",
        `The refinable attribute of property '${old.name}' cannot be added or removed.`,
      );
  }
}
