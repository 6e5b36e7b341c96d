import type { Content } from "../../simulators/confluence/model.ts";
import { uiLinks } from "../../simulators/confluence/render/links.ts";
import type { ExternalItem } from "../../simulators/graph/model.ts";
import type { World } from "../../simulators/world.ts";
import { htmlToText } from "../../util/html-text.ts";
import { type DifferenceCause, DOCUMENTED, describeCause } from "./causes.ts";
import { crawlAccountCannotView } from "./classify.ts";
import type {
  ConfluenceSnapshot,
  ContentView,
  FreshField,
  FreshnessFinding,
  FreshnessReport,
  StaleField,
} from "./freshness-types.ts";
import { type OracleInput, remembered } from "./input.ts";

/**
 * The freshness oracle: per indexed page or blog post, the index's title, body, url and labels
 * against Confluence's current version. A difference is `stale`; the crawl schedule decides
 * whether that is expected (changed after the last crawl started, the last crawl failed, a change
 * Confluence does not version since the last full crawl when the last crawl was incremental) or a
 * connector bug (the last crawl saw the change and the index still holds the old value).
 */

/** Confluence's current pages and blog posts as the index should hold them. */
export function confluenceSnapshot(world: World): ConfluenceSnapshot {
  const { store } = world.confluence;
  const views = new Map<string, ContentView>();
  for (const c of store.content.values())
    if (isIndexable(c)) views.set(c.id, viewOf(c, store.spaces.get(c.spaceId)?.key ?? ""));
  return views;
}

const isIndexable = (c: Content) => (c.type === "page" || c.type === "blogpost") && c.status === "current";

function viewOf(c: Content, spaceKey: string): ContentView {
  return {
    version: c.version.number,
    title: c.title,
    body: c.body,
    webui: uiLinks(c, spaceKey).webui,
    labels: c.labels.map((l) => l.name).sort(),
  };
}

const normalize = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * A body as the oracle compares it (plain text, whitespace collapsed). Pure, and asked for the same
 * bodies again and again (the permission matrix explains each item once per user), so the last
 * few thousand answers are kept.
 */
const comparable = {
  html: keptAnswers((html: string) => normalize(htmlToText(html))),
  text: keptAnswers(normalize),
};

function keptAnswers(compute: (text: string) => string): (text: string) => string {
  const kept = new Map<string, string>();
  return (text) => {
    let answer = kept.get(text);
    if (answer === undefined) {
      if (kept.size >= 4096) kept.clear();
      answer = compute(text);
      kept.set(text, answer);
    }
    return answer;
  };
}

/** Every indexed current page and blog post, compared field by field. */
export function runFreshness(input: OracleInput): FreshnessReport {
  const items = input.world.graph.connection(input.connectionId)?.items;
  const now = confluenceSnapshot(input.world);
  const findings: FreshnessFinding[] = [];
  let compared = 0;
  for (const [id, view] of now) {
    const item = items?.get(id);
    if (!item) continue;
    compared++;
    const finding = judge(input, id, view, item);
    if (finding) findings.push(finding);
  }
  const stale = findings.filter((f) => !f.documented).length;
  return { items: compared, stale, documented: { stale: findings.length - stale }, findings };
}

/** The finding for one content, or undefined when the index is fresh (or the content not indexable). */
export function freshnessOf(input: OracleInput, contentId: string): FreshnessFinding | undefined {
  return remembered(input, `freshness\n${contentId}`, () => judgeContent(input, contentId));
}

function judgeContent(input: OracleInput, contentId: string): FreshnessFinding | undefined {
  const content = input.world.confluence.store.content.get(contentId);
  const item = input.world.graph.connection(input.connectionId)?.items.get(contentId);
  if (!content || !item || !isIndexable(content)) return undefined;
  const key = input.world.confluence.store.spaces.get(content.spaceId)?.key ?? "";
  return judge(input, contentId, viewOf(content, key), item);
}

function judge(
  input: OracleInput,
  id: string,
  view: ContentView,
  item: ExternalItem,
): FreshnessFinding | undefined {
  const fields = staleFields(view, item);
  if (!fields.length) return undefined;
  const cause = causeOf(input, id, view, fields);
  return {
    item: id,
    title: view.title,
    fields,
    cause,
    reason: describeCause(cause),
    documented: DOCUMENTED[cause.code],
  };
}

/** The fields the item holds and gets wrong; a field the connector does not index is not judged. */
function staleFields(view: ContentView, item: ExternalItem): StaleField[] {
  const out: StaleField[] = [];
  const p = item.properties;
  if (typeof p.title === "string" && p.title !== view.title)
    out.push({ field: "title", index: p.title, confluence: view.title });
  if (item.content) {
    const text = comparable[item.content.type === "html" ? "html" : "text"](item.content.value);
    const body = comparable.html(view.body);
    // Connectors may cut very large bodies (Graph's 4 MB item limit): a prefix is fresh.
    if (text !== body && !(text.length > 100_000 && body.startsWith(text)))
      out.push({ field: "body", index: clip(text), confluence: clip(body) });
  }
  // Only the canonical `/spaces/KEY/…` form names what can go stale (space key, title); id-based
  // forms (tiny links, viewpage.action) never do.
  if (typeof p.url === "string" && p.url.includes("/spaces/") && !p.url.endsWith(`/wiki${view.webui}`))
    out.push({ field: "url", index: p.url, confluence: `…/wiki${view.webui}` });
  if (Array.isArray(p.labels)) {
    const labels = p.labels.map(String).sort();
    if (labels.join("\n") !== view.labels.join("\n"))
      out.push({
        field: "labels",
        index: labels.join(", ") || "(none)",
        confluence: view.labels.join(", ") || "(none)",
      });
  }
  return out;
}

const clip = (text: string) => (text.length > 80 ? `${text.slice(0, 77)}…` : text);

/**
 * Why the index lags, judged per field from what Confluence held when the last crawl and the last
 * full crawl started: the first field nothing documented explains makes it a bug.
 */
function causeOf(input: OracleInput, id: string, view: ContentView, fields: StaleField[]): DifferenceCause {
  if (input.lastCrawlAt === undefined) return { code: "notCrawledYet" };
  // It cannot see the page, so it can neither refresh nor (incrementally) remove it.
  const content = input.world.confluence.store.content.get(id);
  if (content && crawlAccountCannotView(input, content)) return { code: "crawlAccountCannotView" };
  if (!input.confluenceAtLastCrawl) return undatedCause(input, content, fields);
  const atLast = input.confluenceAtLastCrawl.get(id);
  const atFull = input.confluenceAtLastFullCrawl?.get(id);
  const value = (v: ContentView | undefined, f: FreshField) =>
    v ? JSON.stringify(v[f === "url" ? "webui" : f]) : undefined;
  const unexplained = fields.filter((f) => {
    // Changed after the last crawl started (or created since): the next crawl picks it up.
    if (value(atLast, f.field) !== value(view, f.field)) return false;
    if (input.lastCrawlFailure) return false;
    // Unversioned since the last full crawl: invisible to an incremental crawl.
    return !(
      input.lastCrawlMode === "incremental" &&
      atFull &&
      atFull.version === view.version &&
      value(atFull, f.field) !== value(view, f.field)
    );
  });
  if (unexplained.length) return { code: "staleContent", fields: unexplained.map((f) => f.field) };
  const names = fields.map((f) => f.field);
  if (fields.some((f) => value(atLast, f.field) !== value(view, f.field)))
    return { code: "stale", staleness: "changedAfterCrawl", changes: names };
  if (input.lastCrawlFailure) return { code: "crawlFailed", errorCode: input.lastCrawlFailure.code };
  return { code: "stale", staleness: "incrementalSkipsUnversioned", changes: names };
}

/**
 * Without the crawl schedule (a served world an outside connector wrote: no snapshots), only the
 * version says when a title or body changed; labels and moves are not versioned, so their lag
 * cannot be dated and is not blamed on the connector.
 */
function undatedCause(
  input: OracleInput,
  content: Content | undefined,
  fields: StaleField[],
): DifferenceCause {
  const names = fields.map((f) => f.field);
  if (content && input.lastCrawlAt !== undefined && content.version.createdAt > input.lastCrawlAt)
    return { code: "stale", staleness: "changedAfterCrawl", changes: names };
  const versioned = names.filter((f) => f === "title" || f === "body");
  if (versioned.length) return { code: "staleContent", fields: versioned };
  return { code: "stale", staleness: "unversionedUndated", changes: names };
}

/** A finding as report lines: the item, the verdict and reason, then each stale field. */
export function freshnessLines(f: FreshnessFinding): string[] {
  return [
    `stale ${f.item} "${f.title}": ${f.documented ? "(documented) " : ""}${f.reason} [${f.cause.code}]`,
    ...f.fields.map(
      (x) => `  ${x.field}: index ${JSON.stringify(x.index)}, Confluence ${JSON.stringify(x.confluence)}`,
    ),
  ];
}

/** Findings a scenario result keeps (reports show the counts and these). */
export const FRESHNESS_FINDINGS_SHOWN = 20;

/** The end-of-run freshness for a result: undefined before any crawl or when it cannot be judged. */
export function finalFreshness(input: OracleInput): FreshnessReport | undefined {
  if (input.lastCrawlAt === undefined) return undefined;
  try {
    const report = runFreshness(input);
    return { ...report, findings: report.findings.slice(0, FRESHNESS_FINDINGS_SHOWN) };
  } catch {
    // A report aid must never fail the scenario it reports on.
    return undefined;
  }
}

/** One summary line and the undocumented findings, for the console (nothing when all is fresh). */
export function freshnessSummary(report: FreshnessReport | undefined): string[] {
  if (!report || (!report.stale && !report.documented.stale)) return [];
  const parts = [
    report.stale ? `${report.stale} stale (connector bug)` : "",
    report.documented.stale ? `${report.documented.stale} stale (expected: crawl schedule)` : "",
  ].filter(Boolean);
  return [
    `freshness: ${parts.join(", ")} of ${report.items} indexed items`,
    ...report.findings.filter((f) => !f.documented).flatMap((f) => freshnessLines(f).map((l) => `  ${l}`)),
  ];
}
