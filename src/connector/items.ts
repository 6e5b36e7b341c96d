import { hash } from "node:crypto";
import { htmlToText } from "../util/html-text.ts";
import type { ExternalItem } from "./graph/client.ts";
import type { CrawledContent, CrawledSpace } from "./model.ts";
import type { PropertyName } from "./schema.ts";

/** Atlassian's product icons, public URLs. */
const ICONS = {
  page: "https://wac-cdn.atlassian.com/assets/img/favicons/confluence/favicon-32x32.png",
  blogpost: "https://wac-cdn.atlassian.com/assets/img/favicons/confluence/favicon-32x32.png",
};
/** Graph's per-item request limit is 4 MB; keep the body well under it. */
const MAX_CONTENT_BYTES = 3_500_000;

export interface ItemInput {
  content: CrawledContent;
  space: CrawledSpace;
  siteUrl: string;
  displayName: (accountId: string) => string;
  properties: readonly PropertyName[];
  format: "html" | "text";
}

/** The externalItem for a page or blog post, without its ACL. Item id = content id. */
export function buildItem(input: ItemInput): Omit<ExternalItem, "acl"> {
  const c = input.content;
  if (c.body === undefined) throw new Error(`the body of ${c.type} ${c.id} was not fetched`);
  return { id: c.id, properties: itemProperties(input), content: itemContent(c.body, input.format) };
}

/** The item's content: the storage body or its text, cut below Graph's request limit. */
function itemContent(body: string, format: ItemInput["format"]): ExternalItem["content"] {
  return { type: format, value: truncate(format === "html" ? body : htmlToText(body)) };
}

/** The item's properties: everything but its content, so they can be compared without the body. */
export function itemProperties(input: Omit<ItemInput, "format">): Record<string, unknown> {
  const { content: c, space, siteUrl } = input;
  const wiki = `${siteUrl}/wiki`;
  const created = input.displayName(c.authorId);
  const modified = input.displayName(c.lastModifiedBy);
  const values: Record<PropertyName, unknown> = {
    title: c.title,
    url: `${wiki}${c.webui.startsWith("/") ? "" : "/"}${c.webui}`,
    iconUrl: ICONS[c.type],
    authors: [...new Set([created, modified].filter(Boolean))],
    createdBy: created,
    lastModifiedBy: modified,
    createdDateTime: iso(c.createdAt),
    lastModifiedDateTime: iso(c.lastModifiedAt),
    spaceKey: space.key,
    spaceName: space.name,
    spaceUrl: space.url,
    labels: [...c.labels].sort(),
    contentType: c.type,
  };
  const properties: Record<string, unknown> = {};
  for (const name of input.properties) {
    const value = values[name];
    if (value === undefined || value === "") continue;
    if (Array.isArray(value)) properties[`${name}@odata.type`] = "Collection(String)";
    else if (typeof value === "string" && /[^\x20-\x7e]/.test(value))
      properties[`${name}@odata.type`] = "String";
    properties[name] = value;
  }
  return properties;
}

/**
 * Hash of what an item is built from: its version and format, and every input `itemProperties`
 * reads. Confluence gives every body or title edit a new version, so an item whose inputs hash is
 * unchanged is unchanged without reading its body; labels, space names and people's display names
 * change without a new version and are hashed here. Hashed from the inputs rather than the built
 * properties (no objects built per item); test/connector/change-detection.test.ts pins that any
 * change of the properties changes this hash.
 */
export function inputsHash(input: ItemInput): string {
  const { content: c, space } = input;
  const labels = c.labels.length > 1 ? [...c.labels].sort() : c.labels;
  const text = JSON.stringify([
    c.version,
    input.format,
    input.properties,
    input.siteUrl,
    space.key,
    space.name,
    space.url,
    c.type,
    c.title,
    c.webui,
    input.displayName(c.authorId),
    input.displayName(c.lastModifiedBy),
    // Instants, not their text: the CQL and v2 listings may write the same time differently.
    Date.parse(c.createdAt) || c.createdAt,
    Date.parse(c.lastModifiedAt) || c.lastModifiedAt,
    labels,
  ]);
  return hash("sha256", text, "base64url").slice(0, 22);
}

function truncate(value: string): string {
  if (Buffer.byteLength(value) <= MAX_CONTENT_BYTES) return value;
  return Buffer.from(value)
    .subarray(0, MAX_CONTENT_BYTES)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
}

function iso(value: string): string | undefined {
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Stable hash of any JSON value (keys sorted), for change detection. */
export function hashOf(value: unknown): string {
  return hash("sha256", stableJson(value), "base64url").slice(0, 22);
}

/**
 * JSON with object keys sorted; an undefined member is written `null` (never dropped), as the
 * ledgers written so far were hashed that way. It runs once or twice per item, so the value is
 * copied with its keys inserted in sorted order and written by the native JSON.stringify, half the
 * cost of building the text by concatenation (`concatenatedJson`, which gives the same text and
 * still writes what the copy cannot order: array-index keys, which V8 always puts first, and
 * objects that are not plain, such as a Date).
 */
export function stableJson(value: unknown): string {
  const copy = sortedCopy(value);
  return copy === UNSORTABLE ? concatenatedJson(value) : (JSON.stringify(copy) ?? "null");
}

const UNSORTABLE = Symbol("unsortable");

/** Plain data with object keys in sorted order and undefined (or unwritable) members as null. */
function sortedCopy(value: unknown): unknown {
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return null;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      const copy = sortedCopy(value[i]);
      if (copy === UNSORTABLE) return UNSORTABLE;
      out[i] = copy;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return UNSORTABLE;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (ARRAY_INDEX.test(key) || key === "__proto__") return UNSORTABLE;
    const copy = sortedCopy(record[key]);
    if (copy === UNSORTABLE) return UNSORTABLE;
    out[key] = copy;
  }
  return out;
}

/** Keys V8 keeps in numeric order ahead of the others, whatever the insertion order (`__proto__` would set the copy's prototype). */
const ARRAY_INDEX = /^(0|[1-9]\d{0,9})$/;

/** `stableJson` built by concatenation: the reference text, for values the copy cannot order. */
export function concatenatedJson(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + concatenatedJson(value[i]);
    return `${out}]`;
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    let out = "{";
    for (let i = 0; i < keys.length; i++)
      out += `${i > 0 ? "," : ""}${JSON.stringify(keys[i])}:${concatenatedJson(record[keys[i]])}`;
    return `${out}}`;
  }
  return JSON.stringify(value) ?? "null";
}
