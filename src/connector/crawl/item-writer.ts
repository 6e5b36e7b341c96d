import type { ConnectorConfig } from "../config.ts";
import { CODE, ConnectorError, isCrawlWide } from "../errors.ts";
import type { GraphClient } from "../graph/client.ts";
import { buildItem, hashOf, type ItemInput, inputsHash } from "../items.ts";
import type { Ledger, LedgerEntry } from "../ledger.ts";
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

/** An item that differs from the ledger, with what it was compared by. */
export interface PendingItem {
  content: CrawledContent;
  space: CrawledSpace;
  inputsHash: string;
  /** undefined = keep the indexed ACL. */
  acl: ItemAcl | undefined;
  aclHash: string;
}

/**
 * Compares each item with the ledger by the hash of its inputs (version, format, properties) and
 * of its ACL, and PUTs only what changed; the body is needed only for those. An item's own
 * failure (a quota, a rejected payload) is recorded and the crawl goes on; a crawl-wide one
 * (errors.ts `isCrawlWide`) stops it.
 */
export class ItemWriter {
  constructor(private readonly deps: ItemWriterDeps) {}

  /** Compares and, if it changed, writes one item whose body is at hand. */
  async upsert(c: CrawledContent, space: CrawledSpace, acl: ItemAcl | undefined): Promise<void> {
    await this.deps.identities.ensureUsers([c.authorId, c.lastModifiedBy]);
    const pending = this.compare(c, space, acl);
    if (pending) await this.write(pending);
  }

  /**
   * The item if it differs from what the ledger says was written, undefined when it is unchanged
   * (counted). A row from a state file older than inputs hashes is compared with the built item
   * when the body is at hand (and then upgraded in place, nothing sent); without the body it
   * counts as changed. An item's own failure is recorded and gives undefined too.
   * Authors must be known (`Identities.ensureUsers`).
   */
  compare(c: CrawledContent, space: CrawledSpace, acl: ItemAcl | undefined): PendingItem | undefined {
    const { ledger, checkpoints, recorder } = this.deps;
    try {
      const inputs = inputsHash(this.#input(c, space));
      const aclHash = acl ? acl.hash : ledger.aclHashOf(c.id);
      if (!aclHash) throw new ConnectorError(CODE.unknown, `no ACL known for new item ${c.id}`);
      const pending = { content: c, space, inputsHash: inputs, acl, aclHash };
      if (ledger.hashesInputs(c.id)) {
        if (!ledger.matches(c.id, inputs, aclHash)) return pending;
      } else if (
        !ledger.has(c.id) ||
        c.body === undefined ||
        !ledger.matches(c.id, this.#builtHash(pending), aclHash)
      )
        return pending;
      else ledger.set(c.id, this.#entry(pending), checkpoints.generation);
      recorder.count("unchanged", 1, { itemId: c.id });
      return undefined;
    } catch (error) {
      return this.#failed(c.id, error);
    }
  }

  /** PUTs a changed item (its body must be at hand) and records it in the ledger. */
  async write(p: PendingItem): Promise<void> {
    const { graph, ledger, checkpoints, recorder } = this.deps;
    try {
      const item = buildItem(this.#input(p.content, p.space));
      await graph.putItem(p.acl ? { ...item, acl: p.acl.acl } : item);
      ledger.set(p.content.id, this.#entry(p), checkpoints.generation);
      recorder.count("indexed", 1, { itemId: p.content.id });
      await checkpoints.itemWritten();
    } catch (error) {
      this.#failed(p.content.id, error);
    }
  }

  #entry(p: PendingItem): LedgerEntry {
    return { contentHash: p.inputsHash, inputs: true, aclHash: p.aclHash, spaceId: p.space.id };
  }

  /** The hash older state files kept: of the built item's properties and content. */
  #builtHash(p: PendingItem): string {
    const { properties, content } = buildItem(this.#input(p.content, p.space));
    return hashOf({ properties, content });
  }

  readonly #displayName = (accountId: string) => this.deps.identities.displayName(accountId);

  #input(content: CrawledContent, space: CrawledSpace): ItemInput {
    const { siteUrl, properties, format } = this.deps;
    return { content, space, siteUrl, properties, format, displayName: this.#displayName };
  }

  /** Records an item's own failure; a crawl-wide one is thrown on. */
  #failed(itemId: string, error: unknown): undefined {
    if (isCrawlWide(error)) throw error;
    this.deps.recorder.error({
      itemId,
      code: error instanceof ConnectorError ? error.code : CODE.unknown,
      message: error instanceof Error ? error.message : String(error),
    });
    this.deps.recorder.count("failed", 1, { itemId });
    return undefined;
  }
}
