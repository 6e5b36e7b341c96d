/** A percent-decoded path segment, or the segment as sent when it is not valid percent-encoding. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * True when a request target has a `.` or `..` segment, literal or percent-encoded (`%2e%2E`), or
 * a backslash (URL parsers treat it as `/` for http and https). Such a path is normalised before
 * routing, so `/wiki/../_sim/reset` or `/wiki/%2e%2e/_sim/clock` would escape the service it names;
 * the host refuses them instead.
 */
export function hasDotSegment(target: string): boolean {
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  if (path.includes("\\")) return true;
  return path.split("/").some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}

/** The request's URL, or undefined when no URL parser accepts it (a Host header with a space). */
export function parseUrl(href: string): URL | undefined {
  try {
    return new URL(href);
  } catch {
    return undefined;
  }
}
