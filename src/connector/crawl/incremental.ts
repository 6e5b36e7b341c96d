import { CONTENT_EXPAND } from "../confluence/client.ts";
import type { V2Space } from "../confluence/wire.ts";
import type { CrawledContent } from "../model.ts";
import { forEachLimited } from "../retry.ts";
import { cqlDate } from "./cql.ts";
import { deleteUnlisted } from "./deletions.ts";
import { writeWindow } from "./item-writer.ts";
import type { CrawlSession } from "./session.ts";

/**
 * Incremental crawl: items modified since the watermark (minus the skew) by CQL. Items already
 * indexed are written without an ACL (Graph keeps the old one) unless `updatePermissions`; new
 * items get a full ACL. Deletions only with `detectDeletions`, from a complete listing of all ids.
 */
export async function incrementalCrawl(session: CrawlSession): Promise<void> {
  const { config, confluence, state, recorder, checkpoints, identities, acls, groups, items } = session;
  const { skewSeconds, updatePermissions, detectDeletions } = config.incremental;
  const since = (state.watermark ?? 0) - skewSeconds * 1000;
  const filter = config.confluence.cql;
  const base = `type in (page, blogpost)${filter ? ` and (${filter})` : ""}`;
  const changed = await recorder.during("listing", () =>
    confluence.search(`${base} and lastmodified >= "${cqlDate(since, session.timeZone)}"`, CONTENT_EXPAND),
  );
  identities.remember(changed.users);
  recorder.count("discovered", changed.content.length);
  const spaces = new Map(
    (await recorder.during("listing", () => confluence.spaces())).map((s) => [s.key, s]),
  );
  const bySpace = new Map<V2Space, CrawledContent[]>();
  for (const c of changed.content) {
    const s = spaces.get(c.spaceKey ?? "");
    if (!s) {
      recorder.count("skipped", 1, { itemId: c.id }); // archived or invisible space
      continue;
    }
    c.spaceId = s.id;
    const list = bySpace.get(s);
    if (list) list.push(c);
    else bySpace.set(s, [c]);
  }
  for (const [s, changedInSpace] of bySpace) {
    await recorder.inSpace(s.key, async () => {
      const space = await recorder.during("permissions", () => acls.space(s));
      const needAcl = new Set(changedInSpace.filter((c) => updatePermissions || !state.ledger.has(c.id)));
      const itemAcls = acls.everyoneMode
        ? undefined
        : await recorder.during("permissions", () => acls.acls([...needAcl], space, new Map()));
      await recorder.during("groups", () => groups.sync());
      await recorder.during("listing", () =>
        identities.ensureUsers(changedInSpace.flatMap((c) => [c.authorId, c.lastModifiedBy])),
      );
      await recorder.during("items", () =>
        forEachLimited(changedInSpace, writeWindow(config), (c) =>
          items.upsert(c, space, needAcl.has(c) ? (itemAcls?.get(c.id) ?? acls.everyone()) : undefined),
        ),
      );
    });
  }
  if (detectDeletions) {
    const all = await recorder.during("listing", () => confluence.search(base, "space", 250));
    // Items of spaces the crawl no longer sees count as gone. This listing computes no ACLs, so it
    // proves nothing about external groups: they are left to the next full crawl.
    const present = new Set(all.content.filter((c) => spaces.has(c.spaceKey ?? "")).map((c) => c.id));
    await recorder.during("deletions", () => deleteUnlisted({ listed: (id) => present.has(id) }, session));
  }
  checkpoints.finish();
}
