import type { ConfluenceClient } from "../confluence/client.ts";
import type { CrawledContent } from "../model.ts";

/**
 * Fills in the bodies of content listed without them, 250 ids a call; returns the ids Confluence
 * no longer shows as current (trashed or purged since the listing), whose bodies stay undefined.
 */
export async function fetchBodies(
  confluence: ConfluenceClient,
  content: CrawledContent[],
): Promise<string[]> {
  const gone: string[] = [];
  for (const type of ["page", "blogpost"] as const) {
    const ofType = content.filter((c) => c.type === type);
    if (ofType.length === 0) continue;
    const bodies = await confluence.contentBodies(
      type,
      ofType.map((c) => c.id),
    );
    for (const c of ofType) {
      c.body = bodies.get(c.id);
      if (c.body === undefined) gone.push(c.id);
    }
  }
  return gone;
}
