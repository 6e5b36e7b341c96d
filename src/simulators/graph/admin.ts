import { adminBody, answer, required } from "../host/admin-input.ts";
import { type AdminRegistry, json } from "../host/types.ts";
import { installGraphInspection } from "./inspect.ts";
import type { GraphTwin } from "./twin.ts";

/**
 * Scenario controls for the Graph twin under `/_sim/graph/…`, so a runner or an external harness
 * can drive a standalone twin the way the in-process API does:
 *
 * - `GET  /_sim/graph/access?user=&connection=&item=` → explainAccess
 * - `GET  /_sim/graph/resolve?connection=&url=` → urlToItemResolvers evaluation
 * - `POST /_sim/graph/search` `{user, query, connections?, from?, size?, fields?}` → search as user
 * - `POST /_sim/graph/obsolete` `{connection, obsolete?}`
 * - `POST /_sim/graph/quota` `{perConnection?, perTenant?, connection?, items?}`
 * - `POST /_sim/graph/throttle` `{itemsPerSecond: number | null}`
 * - `POST /_sim/graph/provisioning` `{ms}` and `POST /_sim/graph/fail-next-schema` `{connection, message?}`
 * - `POST /_sim/graph/strict-odata-types` `{strict: boolean}`
 * - `GET  /_sim/graph/retry-discipline`
 *
 * Read-only views of its state (connections, items, external groups) are in inspect.ts. The
 * directory's controls (`/_sim/directory…`) are the directory twin's (src/simulators/directory/admin.ts).
 */
export function installGraphAdmin(host: AdminRegistry, twin: GraphTwin): void {
  installGraphInspection(host, twin);
  host.admin("GET", "/_sim/graph/access", (ctx) =>
    answer(() =>
      twin.explainAccess(
        required(ctx.query, "user"),
        required(ctx.query, "connection"),
        required(ctx.query, "item"),
      ),
    ),
  );
  host.admin("GET", "/_sim/graph/resolve", (ctx) =>
    answer(() => ({
      match: twin.resolveUrl(required(ctx.query, "connection"), required(ctx.query, "url")) ?? null,
    })),
  );
  host.admin("POST", "/_sim/graph/search", async (ctx) => {
    const b = await adminBody(ctx);
    return answer(() =>
      twin.search(required(b, "user"), {
        query: required(b, "query"),
        connectionIds: Array.isArray(b.connections) ? (b.connections as string[]) : undefined,
        from: typeof b.from === "number" ? b.from : undefined,
        size: typeof b.size === "number" ? b.size : undefined,
        fields: Array.isArray(b.fields) ? (b.fields as string[]) : undefined,
      }),
    );
  });
  host.admin("POST", "/_sim/graph/obsolete", async (ctx) => {
    const b = await adminBody(ctx);
    return answer(() => {
      twin.makeObsolete(required(b, "connection"), b.obsolete !== false);
      return { connection: b.connection, obsolete: b.obsolete !== false };
    });
  });
  host.admin("POST", "/_sim/graph/quota", async (ctx) => {
    const b = await adminBody(ctx);
    return answer(() => {
      const num = (k: string) => (typeof b[k] === "number" ? (b[k] as number) : undefined);
      twin.setQuota({
        perConnection: num("perConnection"),
        perTenant: num("perTenant"),
        connectionId: typeof b.connection === "string" ? b.connection : undefined,
        items: num("items"),
      });
      return { itemsPerConnection: twin.itemsPerConnection, itemsPerTenant: twin.itemsPerTenant };
    });
  });
  host.admin("POST", "/_sim/graph/throttle", async (ctx) => {
    const b = await adminBody(ctx);
    return answer(() => {
      const rate = b.itemsPerSecond;
      if (rate !== null && (typeof rate !== "number" || rate <= 0))
        throw new Error("itemsPerSecond must be a positive number or null");
      twin.ingestionItemsPerSecond = rate ?? undefined;
      return { itemsPerSecond: twin.ingestionItemsPerSecond ?? null };
    });
  });
  host.admin("POST", "/_sim/graph/provisioning", async (ctx) => {
    const b = await adminBody(ctx);
    return answer(() => {
      if (typeof b.ms !== "number" || b.ms < 0) throw new Error("ms must be a non-negative number");
      twin.schemaProvisioningMs = b.ms;
      return { schemaProvisioningMs: b.ms };
    });
  });
  host.admin("POST", "/_sim/graph/strict-odata-types", async (ctx) => {
    const b = await adminBody(ctx);
    return answer(() => {
      if (typeof b.strict !== "boolean") throw new Error("strict must be true or false");
      twin.strictODataTypes = b.strict;
      return { strictODataTypes: b.strict };
    });
  });
  host.admin("POST", "/_sim/graph/fail-next-schema", async (ctx) => {
    const b = await adminBody(ctx);
    return answer(() => {
      twin.failNextSchemaOperation(
        required(b, "connection"),
        typeof b.message === "string" ? b.message : undefined,
      );
      return { connection: b.connection };
    });
  });
  host.admin("GET", "/_sim/graph/retry-discipline", () => json({ records: twin.retryDiscipline }));
}
