// A crawl's worth of confluence.js 3 calls against the real site host, reached only through the
// process environment (the ready line's `env`: proxy + CA). argv[2]: {host, email, apiToken}.
// Prints one JSON line with what it saw; exits non-zero on the first failure.
import { createV1Client, createV2Client } from "confluence-js-3";

const { host, email, apiToken } = JSON.parse(process.argv[2]);
const auth = { type: "basic", email, apiToken };
const v1 = createV1Client({ host, auth });
const v2 = createV2Client({ host, auth });

const spaces = await v2.space.getSpaces({ limit: 250 });
const seen = {
  spaces: spaces.results.map((s) => s.key).sort(),
  base: spaces._links?.base,
  pages: 0,
  restrictionCalls: 0,
};
for (const space of spaces.results) {
  let cursor;
  do {
    const page = await v2.page.getPagesInSpace({
      id: Number(space.id),
      limit: 25,
      cursor,
      bodyFormat: "storage",
    });
    for (const p of page.results) {
      seen.pages += 1;
      const byOperation = await v1.contentRestrictions.getRestrictionsByOperation({ id: p.id });
      if (byOperation.read) seen.restrictionCalls += 1;
    }
    cursor = page._links?.next ? new URL(page._links.next, host).searchParams.get("cursor") : undefined;
  } while (cursor);
}
const found = await v1.search.searchByCQL({ cql: "type = page order by id" });
seen.cqlHits = found.results.length;
seen.cqlBase = found._links?.base;
process.stdout.write(`${JSON.stringify(seen)}\n`);
