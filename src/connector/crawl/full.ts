import type { V2Space } from "../confluence/wire.ts";
import { forEachLimited } from "../retry.ts";
import { fetchBodies } from "./bodies.ts";
import { deleteUnlisted } from "./deletions.ts";
import { type PendingItem, writeWindow } from "./item-writer.ts";
import type { CrawlSession } from "./session.ts";
import { listSpaceContent } from "./space-content.ts";

/**
 * Full crawl: every space (those a resumed checkpoint finished are skipped) → its permissions,
 * content, ACLs, external groups and changed items; then, the listing being complete, whatever it
 * no longer shows is deleted.
 */
export async function fullCrawl(session: CrawlSession): Promise<void> {
  const { confluence, recorder, checkpoints, planner, groups } = session;
  const spaces = await recorder.during("listing", () => confluence.spaces());
  const indexed = session.state.ledger.spaceRows();
  for (const s of spaces) {
    if (checkpoints.isDone(s.id)) continue;
    // A space whose items are all indexed with inputs hashes is listed without bodies: only the
    // items that changed need theirs (docs/connector.md, "Full").
    const rows = indexed.get(s.id);
    const bodies = !rows || rows.legacy > 0;
    const listed = await recorder.inSpace(s.key, () => crawlSpace(session, s, bodies));
    await checkpoints.spaceDone(s.id, planner.groups.values(), listed);
  }
  const earlierGroups = checkpoints.groupDefinitions;
  await recorder.during("groups", () => groups.resync(earlierGroups));
  const used = new Set([...planner.groups.keys(), ...Object.keys(earlierGroups)]);
  await recorder.during("deletions", () =>
    deleteUnlisted({ listed: (id) => checkpoints.wasListed(id), groups: used }, session),
  );
  checkpoints.finish();
}

/** One space, written completely; returns how many items it listed. */
async function crawlSpace(session: CrawlSession, s: V2Space, bodies: boolean): Promise<number> {
  const { config, confluence, recorder, checkpoints, identities, acls, groups, items } = session;
  const space = await recorder.during("permissions", () => acls.space(s));
  const content = await recorder.during("listing", () =>
    listSpaceContent(s, { confluence, cql: config.confluence.cql, identities, bodies }),
  );
  recorder.count("discovered", content.length, { space: s.key });
  checkpoints.listed(content.map((c) => c.id));
  const byId = new Map(content.map((c) => [c.id, c]));
  const itemAcls = acls.everyoneMode
    ? undefined
    : await recorder.during("permissions", () => acls.acls(content, space, byId));
  await recorder.during("groups", () => groups.sync());
  // Authors' display names in one batch per space, not one lookup per item.
  await recorder.during("listing", () =>
    identities.ensureUsers(content.flatMap((c) => [c.authorId, c.lastModifiedBy])),
  );
  const changed: PendingItem[] = [];
  for (const c of content) {
    const pending = items.compare(c, space, itemAcls?.get(c.id) ?? acls.everyone());
    if (pending) changed.push(pending);
  }
  const missing = changed.filter((p) => p.content.body === undefined).map((p) => p.content);
  const gone = await recorder.during("listing", () => fetchBodies(confluence, missing));
  for (const id of gone) recorder.count("skipped", 1, { itemId: id });
  await recorder.during("items", () =>
    forEachLimited(
      changed.filter((p) => p.content.body !== undefined),
      writeWindow(config),
      (p) => items.write(p),
    ),
  );
  return content.length;
}
