import {
  CONTENT_EXPAND,
  type ConfluenceClient,
  METADATA_EXPAND,
  RESTRICTION_EXPAND,
} from "../confluence/client.ts";
import type { V2Space } from "../confluence/wire.ts";
import { CODE, ConnectorError } from "../errors.ts";
import type { CrawledContent } from "../model.ts";
import { cqlString } from "./cql.ts";
import type { Identities } from "./identities.ts";

export interface SpaceContentDeps {
  confluence: ConfluenceClient;
  /** The configured CQL filter, if any. */
  cql: string | undefined;
  identities: Identities;
  /** With storage bodies (default) or without (`body` left undefined, fetched later if needed). */
  bodies?: boolean;
}

/**
 * The pages and blog posts of one space, with their labels and own read restrictions where one
 * bulk answer carries them: the v2 listing plus one CQL listing of restrictions and labels, or,
 * with a CQL filter, the filtered CQL search with the full expand.
 */
export async function listSpaceContent(s: V2Space, deps: SpaceContentDeps): Promise<CrawledContent[]> {
  const { confluence, cql, identities } = deps;
  const key = cqlString(s.key);
  if (cql) {
    const found = await confluence.search(
      `space = ${key} and (${cql}) and type in (page, blogpost)`,
      deps.bodies === false ? METADATA_EXPAND : CONTENT_EXPAND,
    );
    identities.remember(found.users);
    for (const c of found.content) c.spaceId = s.id;
    return found.content;
  }
  const content = await confluence.spaceContent(s.id, { bodies: deps.bodies ?? true });
  if (content.length === 0) return content;
  // One CQL listing carries every item's read restriction and labels (≈ 0.004 calls per item).
  const extra = await confluence
    .search(`space = ${key} and type in (page, blogpost)`, `metadata.labels,${RESTRICTION_EXPAND}`, 250)
    .catch((error: unknown) => {
      if (error instanceof ConnectorError && error.code === CODE.unreachable) return undefined; // no search: per item
      throw error;
    });
  if (!extra) {
    // Without CQL search, labels cost one call per item; restrictions are fetched per item later.
    await Promise.all(
      content.map(async (c) => {
        c.labels = await confluence.labels(c.type, c.id);
      }),
    );
    return content;
  }
  identities.remember(extra.users);
  const info = new Map(extra.content.map((c) => [c.id, c]));
  for (const c of content) {
    const i = info.get(c.id);
    if (!i) continue;
    c.labels = i.labels;
    c.readRestriction = i.readRestriction;
  }
  return content;
}
