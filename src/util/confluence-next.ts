/**
 * Confluence's `_links.next` as a path under the API base: v2 gives `/wiki/api/v2/…`, v1 a
 * context-relative `/rest/api/…`; an absolute link (on the site or the gateway) keeps only its
 * `/wiki/…` part, because the caller's base already carries any gateway prefix. Shared by the
 * connector and the capture, which page through the same listings.
 */
export function nextPath(next: string): string {
  let path = next;
  if (/^https?:\/\//.test(path)) {
    const u = new URL(path);
    path = `${u.pathname}${u.search}`;
    const at = path.indexOf("/wiki/");
    if (at > 0) path = path.slice(at);
  }
  return path.startsWith("/wiki/") ? path : `/wiki${path.startsWith("/") ? "" : "/"}${path}`;
}
