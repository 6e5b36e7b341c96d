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
  const value = input.format === "html" ? c.body : htmlToText(c.body);
  return { id: c.id, properties, content: { type: input.format, value: truncate(value) } };
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
 * ledgers written so far were hashed that way. Built by concatenation: it runs once per item.
 */
export function stableJson(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + stableJson(value[i]);
    return `${out}]`;
  }
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    let out = "{";
    for (let i = 0; i < keys.length; i++)
      out += `${i > 0 ? "," : ""}${JSON.stringify(keys[i])}:${stableJson(record[keys[i]])}`;
    return `${out}}`;
  }
  return JSON.stringify(value) ?? "null";
}
