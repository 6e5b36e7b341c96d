/**
 * activitySettings.urlToItemResolvers: Confluence page and blog URLs → item id (= content id).
 * Priorities ascend; Graph tests `baseUrls` as a prefix, then the ECMAScript `urlPattern`.
 */
export interface ItemIdResolver {
  "@odata.type": "#microsoft.graph.externalConnectors.itemIdResolver";
  priority: number;
  itemId: string;
  urlMatchInfo: { baseUrls: string[]; urlPattern: string };
}

export function urlToItemResolvers(siteUrl: string): ItemIdResolver[] {
  const base = `${siteUrl}/wiki`;
  const make = (priority: number, urlPattern: string): ItemIdResolver => ({
    "@odata.type": "#microsoft.graph.externalConnectors.itemIdResolver",
    priority,
    itemId: "{id}",
    urlMatchInfo: { baseUrls: [base], urlPattern },
  });
  return [
    // /spaces/KEY/pages/ID[/Title], /spaces/KEY/pages/edit-v2/ID, /spaces/KEY/blog/YYYY/MM/DD/ID[/Title]
    make(1, "/spaces/[^/]+/(?:pages/(?:edit-v2/)?|blog/\\d{4}/\\d{2}/\\d{2}/)(?<id>\\d+)(?:[/?#].*)?$"),
    // /pages/viewpage.action?pageId=ID (any parameter order)
    make(2, "/pages/viewpage\\.action\\?(?:.*&)?pageId=(?<id>\\d+)(?:[&#].*)?$"),
  ];
}

/**
 * What Graph does with the resolvers (used by tests and `explain`): first resolver by ascending
 * priority whose base URL prefixes the URL and whose pattern matches the rest.
 */
export function resolveItemId(resolvers: ItemIdResolver[], url: string): string | undefined {
  for (const r of [...resolvers].sort((a, b) => a.priority - b.priority)) {
    for (const base of r.urlMatchInfo.baseUrls) {
      if (!url.startsWith(base)) continue;
      // Unanchored patterns work whether Graph matches the rest of the URL or the whole URL.
      const m = new RegExp(r.urlMatchInfo.urlPattern).exec(url.slice(base.length));
      if (m) return r.itemId.replace(/\{(\w+)\}/g, (_, g: string) => m.groups?.[g] ?? "");
    }
  }
  return undefined;
}
