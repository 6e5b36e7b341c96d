/**
 * The externalItem schema per the seed's property table (label ⇒ retrievable, property type =
 * label type) plus space key/name/url, labels and content type. Property names are the labels'
 * names so queries and result templates read naturally.
 */

export type PropertyType = "string" | "stringCollection" | "dateTime";

export interface SchemaProperty {
  name: string;
  type: PropertyType;
  isSearchable?: boolean;
  isQueryable?: boolean;
  isRetrievable?: boolean;
  isRefinable?: boolean;
  labels?: string[];
}

export const PROPERTY_NAMES = [
  "title",
  "url",
  "iconUrl",
  "authors",
  "createdBy",
  "lastModifiedBy",
  "createdDateTime",
  "lastModifiedDateTime",
  "spaceKey",
  "spaceName",
  "spaceUrl",
  "labels",
  "contentType",
] as const;
export type PropertyName = (typeof PROPERTY_NAMES)[number];

/** Label → the type Graph requires for it (docs/fidelity/graph.md, Schema). */
export const LABEL_TYPES: Record<string, PropertyType> = {
  title: "string",
  url: "string",
  iconUrl: "string",
  createdBy: "string",
  lastModifiedBy: "string",
  authors: "stringCollection",
  createdDateTime: "dateTime",
  lastModifiedDateTime: "dateTime",
  containerName: "string",
  containerUrl: "string",
};

const DEFINITIONS: Record<PropertyName, SchemaProperty> = {
  title: {
    name: "title",
    type: "string",
    isSearchable: true,
    isQueryable: true,
    isRetrievable: true,
    labels: ["title"],
  },
  url: { name: "url", type: "string", isRetrievable: true, labels: ["url"] },
  iconUrl: { name: "iconUrl", type: "string", isRetrievable: true, labels: ["iconUrl"] },
  authors: {
    name: "authors",
    type: "stringCollection",
    isSearchable: true,
    isQueryable: true,
    isRetrievable: true,
    labels: ["authors"],
  },
  createdBy: {
    name: "createdBy",
    type: "string",
    isSearchable: true,
    isQueryable: true,
    isRetrievable: true,
    labels: ["createdBy"],
  },
  lastModifiedBy: {
    name: "lastModifiedBy",
    type: "string",
    isSearchable: true,
    isQueryable: true,
    isRetrievable: true,
    labels: ["lastModifiedBy"],
  },
  createdDateTime: {
    name: "createdDateTime",
    type: "dateTime",
    isQueryable: true,
    isRetrievable: true,
    isRefinable: true,
    labels: ["createdDateTime"],
  },
  lastModifiedDateTime: {
    name: "lastModifiedDateTime",
    type: "dateTime",
    isQueryable: true,
    isRetrievable: true,
    isRefinable: true,
    labels: ["lastModifiedDateTime"],
  },
  spaceKey: { name: "spaceKey", type: "string", isQueryable: true, isRetrievable: true, isRefinable: true },
  spaceName: {
    name: "spaceName",
    type: "string",
    isSearchable: true,
    isRetrievable: true,
    labels: ["containerName"],
  },
  spaceUrl: { name: "spaceUrl", type: "string", isRetrievable: true, labels: ["containerUrl"] },
  labels: {
    name: "labels",
    type: "stringCollection",
    isSearchable: true,
    isQueryable: true,
    isRetrievable: true,
  },
  contentType: {
    name: "contentType",
    type: "string",
    isQueryable: true,
    isRetrievable: true,
    isRefinable: true,
  },
};

/** Title and url are always indexed: search results and urlToItemResolvers need them. */
export function selectedProperties(selection?: readonly PropertyName[]): PropertyName[] {
  const chosen = new Set<PropertyName>(["title", "url", ...(selection ?? PROPERTY_NAMES)]);
  return PROPERTY_NAMES.filter((p) => chosen.has(p));
}

export function buildSchema(selection?: readonly PropertyName[]): {
  baseType: "microsoft.graph.externalItem";
  properties: SchemaProperty[];
} {
  return {
    baseType: "microsoft.graph.externalItem",
    properties: selectedProperties(selection).map((p) => structuredClone(DEFINITIONS[p])),
  };
}

/** Graph's schema rules our schema must satisfy; returns the broken ones (empty = valid). */
export function schemaProblems(properties: SchemaProperty[]): string[] {
  const problems: string[] = [];
  const seenLabels = new Set<string>();
  for (const p of properties) {
    if (p.isSearchable && p.type !== "string" && p.type !== "stringCollection")
      problems.push(`${p.name}: only string properties can be searchable`);
    if (p.isSearchable && p.isRefinable) problems.push(`${p.name}: refinable and searchable`);
    for (const label of p.labels ?? []) {
      if (!p.isRetrievable) problems.push(`${p.name}: labelled ${label} but not retrievable`);
      if (LABEL_TYPES[label] !== p.type)
        problems.push(`${p.name}: label ${label} needs type ${LABEL_TYPES[label]}`);
      if (seenLabels.has(label)) problems.push(`label ${label} used twice`);
      seenLabels.add(label);
    }
  }
  return problems;
}
