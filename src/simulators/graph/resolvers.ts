import { invalidRequest } from "./errors.ts";
import type { ItemIdResolver } from "./model.ts";

export const ITEM_ID_RESOLVER_TYPE = "#microsoft.graph.externalConnectors.itemIdResolver";

/**
 * `activitySettings.urlToItemResolvers` validation ([G-CONN]: up to eight itemIdResolver entries,
 * priority 1–8, `@odata.type` required) and evaluation (ascending priority; baseUrls prefix, then
 * urlPattern; first match wins; `{group}` in itemId filled from the pattern's named groups).
 */
export function validateResolvers(raw: unknown): ItemIdResolver[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw invalidRequest("InvalidUrlToItemResolvers", "urlToItemResolvers must be an array.");
  if (raw.length > 8)
    throw invalidRequest(
      "TooManyUrlToItemResolvers",
      `At most 8 urlToItemResolvers are allowed; got ${raw.length}.`,
    );
  const priorities = new Set<number>();
  return raw.map((r, i) => {
    const e = (r ?? {}) as Record<string, unknown>;
    const where = `urlToItemResolvers[${i}]`;
    if (e["@odata.type"] !== ITEM_ID_RESOLVER_TYPE && e["@odata.type"] !== ITEM_ID_RESOLVER_TYPE.slice(1)) {
      throw invalidRequest("ODataTypeRequired", `${where} needs "@odata.type": "${ITEM_ID_RESOLVER_TYPE}".`);
    }
    const priority = e.priority;
    if (typeof priority !== "number" || !Number.isInteger(priority) || priority < 1 || priority > 8) {
      throw invalidRequest("InvalidResolverPriority", `${where}.priority must be an integer from 1 to 8.`);
    }
    if (priorities.has(priority))
      throw invalidRequest("DuplicateResolverPriority", `${where}.priority ${priority} is used twice.`);
    priorities.add(priority);
    if (typeof e.itemId !== "string" || e.itemId.length === 0)
      throw invalidRequest("InvalidResolverItemId", `${where}.itemId is required.`);
    const m = (e.urlMatchInfo ?? {}) as Record<string, unknown>;
    if (
      !Array.isArray(m.baseUrls) ||
      m.baseUrls.length === 0 ||
      !m.baseUrls.every((u) => typeof u === "string" && /^https?:\/\//i.test(u))
    ) {
      throw invalidRequest(
        "InvalidUrlMatchInfo",
        `${where}.urlMatchInfo.baseUrls must list absolute http(s) URLs.`,
      );
    }
    if (typeof m.urlPattern !== "string")
      throw invalidRequest("InvalidUrlMatchInfo", `${where}.urlMatchInfo.urlPattern is required.`);
    try {
      new RegExp(m.urlPattern);
    } catch (error) {
      throw invalidRequest(
        "InvalidUrlPattern",
        `${where}.urlMatchInfo.urlPattern is not a valid regular expression: ${(error as Error).message}`,
      );
    }
    const groups = new Set([...m.urlPattern.matchAll(/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((g) => g[1]));
    for (const ref of e.itemId.matchAll(/\{([^}]+)\}/g)) {
      if (!groups.has(ref[1])) {
        throw invalidRequest(
          "UnknownResolverGroup",
          `${where}.itemId references {${ref[1]}}, which is not a named group of urlPattern.`,
        );
      }
    }
    return {
      "@odata.type": ITEM_ID_RESOLVER_TYPE,
      priority,
      itemId: e.itemId,
      urlMatchInfo: { baseUrls: m.baseUrls as string[], urlPattern: m.urlPattern },
    };
  });
}

export interface ResolveResult {
  itemId: string;
  priority: number;
}

/** URL → item id, or undefined when no resolver matches. */
export function resolveUrl(resolvers: ItemIdResolver[], url: string): ResolveResult | undefined {
  const sorted = [...resolvers].sort((a, b) => a.priority - b.priority);
  for (const r of sorted) {
    const base = r.urlMatchInfo.baseUrls.find((b) => url.toLowerCase().startsWith(b.toLowerCase()));
    if (base === undefined) continue;
    // The pattern applies to the rest of the URL after the base (the docs' example: base
    // https://contoso.com, pattern /items/(?<id>…)); patterns written for the full URL still match.
    const rest = url.slice(base.length);
    const re = new RegExp(r.urlMatchInfo.urlPattern);
    const m = re.exec(rest) ?? re.exec(url);
    if (!m) continue;
    const groups = m.groups ?? {};
    const itemId = r.itemId.replace(/\{([^}]+)\}/g, (_, g: string) => groups[g] ?? "");
    return { itemId, priority: r.priority };
  }
  return undefined;
}
