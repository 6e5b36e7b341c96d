import type { GraphClient } from "../graph/client.ts";
import type { ConnectorState } from "../state.ts";
import type { CrawlRecorder } from "./recorder.ts";

/**
 * What a listing that completed without error showed. Build it only after the whole listing
 * succeeded: a listing cut short by an error (after retries) or by revoked credentials proves
 * nothing about what it did not reach.
 */
export interface CompleteListing {
  /** Whether the listing returned this indexed item (across resumes of the same crawl). */
  listed: (itemId: string) => boolean;
  /** Every external group the listing's ACLs use; omitted when it did not compute every ACL. */
  groups?: ReadonlySet<string>;
}

export interface DeletionDeps {
  graph: GraphClient;
  state: ConnectorState;
  recorder: CrawlRecorder;
}

/**
 * The one deletion rule: delete only what a complete listing proved gone. Indexed items it does
 * not show (trashed, archived, purged, filtered out, no longer visible to the crawl account, space
 * gone) and, when it names the groups in use, external groups no ACL uses any more (also after
 * switching to permission mode `everyone`). A failed crawl never gets here, so it deletes nothing
 * and the index stays as it was.
 */
export async function deleteUnlisted(listing: CompleteListing, deps: DeletionDeps): Promise<void> {
  const { graph, state, recorder } = deps;
  const goneItems = [...state.ledger.ids()].filter((id) => !listing.listed(id));
  await Promise.all(
    goneItems.map(async (id) => {
      await graph.deleteItem(id);
      state.ledger.delete(id);
      recorder.count("deleted", 1, { itemId: id });
    }),
  );
  const used = listing.groups;
  if (!used) return;
  const unusedGroups = Object.keys(state.groups).filter((id) => !used.has(id));
  await Promise.all(
    unusedGroups.map(async (id) => {
      await graph.deleteGroup(id);
      delete state.groups[id];
      recorder.groupDeleted();
    }),
  );
}
