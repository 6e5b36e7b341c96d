import type { Route } from "../../host/types.ts";
import { PERMS } from "../auth.ts";
import { badRequest, GraphError, graphJson, odataContext } from "../errors.ts";
import { KqlError } from "../search/kql.ts";
import type { GraphTwin } from "../twin.ts";
import { asObject, graphRoutes, readJsonBody } from "./common.ts";

function invalid(message: string): GraphError {
  return badRequest(`SearchRequest Invalid (${message})`);
}

/** A query the KQL parser refuses (too long, too deep) is the caller's mistake: 400, not 500. */
function searchOrRefuse<T>(search: () => T): T {
  try {
    return search();
  } catch (error) {
    if (error instanceof KqlError) throw invalid(error.message);
    throw error;
  }
}

/** `POST /search/query` for externalItem, as a delegated user; results trimmed by the item ACLs. */
export function searchRoutes(twin: GraphTwin): Route[] {
  return graphRoutes(twin.issuer, "POST", "/search/query", "search.query", async (ctx, caller) => {
    const body = asObject(await readJsonBody(ctx));
    if (!Array.isArray(body.requests) || body.requests.length === 0)
      throw invalid("requests must be a non-empty array");
    if (caller.kind === "app") {
      const anyRegion = body.requests.some((r) => typeof (r as { region?: unknown })?.region === "string");
      if (!anyRegion) throw invalid("Region is required when request with application permission.");
      throw invalid(
        "Application permission is only supported for the following entity types: driveItem, listItem, list, drive, site. externalItem search needs a delegated (signed-in user) token.",
      );
    }
    if (!PERMS.search.some((p) => caller.scopes.includes(p))) {
      throw new GraphError(
        403,
        "Forbidden",
        `Access to ExternalItem in Graph API requires the following permissions: ${PERMS.search.join(" or ")}. However, the application only has the following permissions granted: ${caller.scopes.join(", ")}`,
      );
    }
    const value = body.requests.map((raw, i) => {
      const r = asObject(raw);
      const entityTypes = r.entityTypes;
      if (!Array.isArray(entityTypes) || entityTypes.length === 0)
        throw invalid(`requests[${i}].entityTypes is required`);
      if (!entityTypes.every((t) => typeof t === "string" && t.toLowerCase() === "externalitem")) {
        throw invalid(
          `The entity types combination [${entityTypes.join(", ")}] is not supported by the twin; use ["externalItem"]`,
        );
      }
      const query = asObject(r.query ?? {});
      const queryString = query.queryString;
      if (typeof queryString !== "string" || queryString.trim() === "")
        throw invalid("Query string cannot be empty.");
      const from = r.from ?? 0;
      const size = r.size ?? 25;
      if (typeof from !== "number" || !Number.isInteger(from) || from < 0)
        throw invalid("From must be a non-negative integer.");
      if (typeof size !== "number" || !Number.isInteger(size) || size < 0 || size > 500)
        throw invalid("Size must be between 0 and 500.");
      let connectionIds: string[] | undefined;
      if (r.contentSources !== undefined) {
        if (!Array.isArray(r.contentSources)) throw invalid("contentSources must be an array");
        connectionIds = r.contentSources.map((s) => {
          const m = typeof s === "string" ? /^\/external\/connections\/([A-Za-z0-9]+)$/.exec(s) : null;
          if (!m) throw invalid(`ContentSource '${String(s)}' is not valid; use /external/connections/{id}.`);
          if (!twin.connection(m[1])) throw invalid(`ContentSource '${s}' does not exist.`);
          return m[1];
        });
      }
      let fields: string[] | undefined;
      if (r.fields !== undefined) {
        if (!Array.isArray(r.fields) || !r.fields.every((f) => typeof f === "string"))
          throw invalid("fields must be an array of strings");
        fields = r.fields as string[];
      }
      const result = searchOrRefuse(() =>
        twin.search(caller.userId, {
          query: queryString,
          connectionIds,
          from,
          size,
          fields,
          aggregations: r.aggregations,
          aggregationFilters: r.aggregationFilters,
          sortProperties: r.sortProperties,
        }),
      );
      const container: Record<string, unknown> = {};
      if (result.hits.length > 0) {
        container.hits = result.hits.map((h) => ({
          hitId: h.hitId,
          rank: h.rank,
          summary: h.summary,
          contentSource: h.contentSource,
          resource: {
            "@odata.type": "#microsoft.graph.externalConnectors.externalItem",
            properties: h.properties,
          },
        }));
      }
      container.total = result.total;
      container.moreResultsAvailable = result.moreResultsAvailable;
      if (result.aggregations) container.aggregations = result.aggregations;
      ctx.note(`search as ${caller.userId}: "${queryString}" → ${result.total} hits`);
      return { searchTerms: result.terms.map((t) => t.toLowerCase()), hitsContainers: [container] };
    });
    return graphJson(ctx, {
      "@odata.context": odataContext(ctx, "Collection(microsoft.graph.searchResponse)"),
      value,
    });
  });
}
