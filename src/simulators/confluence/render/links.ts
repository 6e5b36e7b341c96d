import type { Content } from "../model.ts";

/** Formats and links both API versions render the same way. */

/** ISO-8601 text of a timestamp, remembered: listings format two per page, mostly the same ones. */
export function iso(ms: number): string {
  let text = isoCache.get(ms);
  if (text === undefined) {
    if (isoCache.size >= 100_000) isoCache.clear();
    text = new Date(ms).toISOString();
    isoCache.set(ms, text);
  }
  return text;
}

const isoCache = new Map<number, string>();

/** Title as it appears in web UI paths: URL-encoded with `+` for spaces (`Title+With+Plus`). */
export function webuiTitle(title: string): string {
  return encodeURIComponent(title).replaceAll("%20", "+");
}

/**
 * Confluence's tiny link: the id as 8 little-endian bytes, base64 without padding, trailing `A`s
 * trimmed, `/`→`-`, `+`→`_` (3964929 → `AYA8`, as measured).
 */
export function tinyui(id: string): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt(id));
  const b64 = bytes.toString("base64").replace(/=+$/, "").replace(/A+$/, "");
  return `/x/${b64.replaceAll("/", "-").replaceAll("+", "_")}`;
}

/** The web UI links of a page or blog post (`_links` in v1 and v2 alike), in v2's key order. */
export function uiLinks(
  content: Content,
  spaceKey: string,
): { editui: string; edituiv2: string; webui: string; tinyui: string } {
  const kind = content.type === "page" ? "pages" : "blog";
  const d = new Date(content.createdAt);
  const webui =
    content.type === "page"
      ? `/spaces/${spaceKey}/pages/${content.id}/${webuiTitle(content.title)}`
      : `/spaces/${spaceKey}/blog/${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${content.id}/${webuiTitle(content.title)}`;
  return {
    editui: `/pages/resumedraft.action?draftId=${content.id}`,
    edituiv2: `/spaces/${spaceKey}/${kind}/edit-v2/${content.id}`,
    webui,
    tinyui: tinyui(content.id),
  };
}

const pad = (n: number) => String(n).padStart(2, "0");
