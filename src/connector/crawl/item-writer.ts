import type { ConnectorConfig } from "../config.ts";
import { CODE, ConnectorError, isCrawlWide } from "../errors.ts";
import type { ExternalItem, GraphClient } from "../graph/client.ts";
import { buildItem, hashOf } from "../items.ts";
import type { Ledger } from "../ledger.ts";
import type { CrawledContent, CrawledSpace } from "../model.ts";
import type { PropertyName } from "../schema.ts";
import type { ItemAcl } from "./acls.ts";
import type { Checkpoints } from "./checkpoint.ts";
import type { Identities } from "./identities.ts";
import type { CrawlRecorder } from "./recorder.ts";

export interface ItemWriterDeps {
  graph: GraphClient;
  /** The ledger: item id → hashes as last written (updated here). */
  ledger: Ledger;
  siteUrl: string;
  properties: readonly PropertyName[];
  format: ConnectorConfig["content"]["format"];
  identities: Identities;
  checkpoints: Checkpoints;
  recorder: CrawlRecorder;
}

/**
 * Items built and on their way at once: twice the Graph concurrency keeps every Graph slot busy
 * while only a window of item bodies is in memory, not a whole space's.
 */
export function writeWindow(config: ConnectorConfig): number {
  return 2 * config.concurrency.graph;
}

/**
 * Builds each item, compares its content and ACL hashes with the ledger and PUTs only what
 * changed. An item's own failure (a quota, a rejected payload) is recorded and the crawl goes
 * on; a crawl-wide one (errors.ts `isCrawlWide`) stops it.
 */
export class ItemWriter {
  constructor(private readonly deps: ItemWriterDeps) {}

  /** `acl` undefined = keep the indexed ACL (incremental default: permissions are not updated). */
  async upsert(c: CrawledContent, space: CrawledSpace, acl: ItemAcl | undefined): Promise<void> {
    const { graph, ledger, identities, checkpoints, recorder } = this.deps;
    try {
      await identities.ensureUsers([c.authorId, c.lastModifiedBy]);
      const item = buildItem({
        content: c,
        space,
        siteUrl: this.deps.siteUrl,
        displayName: (a) => identities.displayName(a),
        properties: this.deps.properties,
        format: this.deps.format,
      });
      const contentHash = hashOf({ properties: item.properties, content: item.content });
      const aclHash = acl ? hashOf(acl.acl) : ledger.aclHashOf(c.id);
      if (!aclHash) throw new ConnectorError(CODE.unknown, `no ACL known for new item ${c.id}`);
      if (ledger.matches(c.id, contentHash, aclHash)) {
        recorder.count("unchanged", 1, { itemId: c.id });
        return;
      }
      const body: ExternalItem = acl ? { ...item, acl: acl.acl } : item;
      await graph.putItem(body);
      ledger.set(c.id, { contentHash, aclHash, spaceId: space.id }, checkpoints.generation);
      recorder.count("indexed", 1, { itemId: c.id });
      await checkpoints.itemWritten();
    } catch (error) {
      if (isCrawlWide(error)) throw error;
      recorder.error({
        itemId: c.id,
        code: error instanceof ConnectorError ? error.code : CODE.unknown,
        message: error instanceof Error ? error.message : String(error),
      });
      recorder.count("failed", 1, { itemId: c.id });
    }
  }
}
