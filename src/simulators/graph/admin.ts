import { directoryFileSchema } from "../../fixtures/directory-schema.ts";
import type { SimHost } from "../host/host.ts";
import { json, type RouteContext } from "../host/types.ts";
import type { GraphTwin } from "./store.ts";

/**
 * Scenario controls for the Graph twin under `/_sim/graph/…` and `/_sim/directory…`, so a runner
 * or an external harness can drive a standalone twin the way the in-process API does:
 *
 * - `GET  /_sim/graph/access?user=&connection=&item=` → explainAccess
 * - `GET  /_sim/graph/resolve?connection=&url=` → urlToItemResolvers evaluation
 * - `POST /_sim/graph/search` `{user, query, connections?, from?, size?, fields?}` → search as user
 * - `POST /_sim/graph/obsolete` `{connection, obsolete?}`
 * - `POST /_sim/graph/quota` `{perConnection?, perTenant?, connection?, items?}`
 * - `POST /_sim/graph/throttle` `{itemsPerSecond: number | null}`
 * - `POST /_sim/graph/provisioning` `{ms}` and `POST /_sim/graph/fail-next-schema` `{connection, message?}`
 * - `GET  /_sim/graph/retry-discipline`
 * - `PUT  /_sim/directory` (a directory fixture object) and `POST /_sim/directory/members` `{group, member, remove?}`
 */
export function installGraphAdmin(host: SimHost, twin: GraphTwin): void {
  const body = async (ctx: RouteContext): Promise<Record<string, unknown>> => {
    try {
      const b = await ctx.request.json();
      return typeof b === "object" && b !== null ? (b as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const guard = async (fn: () => unknown | Promise<unknown>) => {
    try {
      return json(await fn());
    } catch (error) {
      return json({ error: error instanceof Error ? error.message : String(error) }, 400);
    }
  };
  const need = (q: URLSearchParams | Record<string, unknown>, key: string): string => {
    const v = q instanceof URLSearchParams ? q.get(key) : q[key];
    if (typeof v !== "string" || v === "") throw new Error(`'${key}' is required`);
    return v;
  };

  host.admin("GET", "/_sim/graph/access", (ctx) =>
    guard(() =>
      twin.explainAccess(need(ctx.query, "user"), need(ctx.query, "connection"), need(ctx.query, "item")),
    ),
  );
  host.admin("GET", "/_sim/graph/resolve", (ctx) =>
    guard(() => ({ match: twin.resolveUrl(need(ctx.query, "connection"), need(ctx.query, "url")) ?? null })),
  );
  host.admin("POST", "/_sim/graph/search", async (ctx) => {
    const b = await body(ctx);
    return guard(() =>
      twin.search(need(b, "user"), {
        query: need(b, "query"),
        connectionIds: Array.isArray(b.connections) ? (b.connections as string[]) : undefined,
        from: typeof b.from === "number" ? b.from : undefined,
        size: typeof b.size === "number" ? b.size : undefined,
        fields: Array.isArray(b.fields) ? (b.fields as string[]) : undefined,
      }),
    );
  });
  host.admin("POST", "/_sim/graph/obsolete", async (ctx) => {
    const b = await body(ctx);
    return guard(() => {
      twin.makeObsolete(need(b, "connection"), b.obsolete !== false);
      return { connection: b.connection, obsolete: b.obsolete !== false };
    });
  });
  host.admin("POST", "/_sim/graph/quota", async (ctx) => {
    const b = await body(ctx);
    return guard(() => {
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
    const b = await body(ctx);
    return guard(() => {
      const rate = b.itemsPerSecond;
      if (rate !== null && (typeof rate !== "number" || rate <= 0))
        throw new Error("itemsPerSecond must be a positive number or null");
      twin.ingestionItemsPerSecond = rate ?? undefined;
      return { itemsPerSecond: twin.ingestionItemsPerSecond ?? null };
    });
  });
  host.admin("POST", "/_sim/graph/provisioning", async (ctx) => {
    const b = await body(ctx);
    return guard(() => {
      if (typeof b.ms !== "number" || b.ms < 0) throw new Error("ms must be a non-negative number");
      twin.schemaProvisioningMs = b.ms;
      return { schemaProvisioningMs: b.ms };
    });
  });
  host.admin("POST", "/_sim/graph/fail-next-schema", async (ctx) => {
    const b = await body(ctx);
    return guard(() => {
      twin.failNextSchemaOperation(
        need(b, "connection"),
        typeof b.message === "string" ? b.message : undefined,
      );
      return { connection: b.connection };
    });
  });
  host.admin("GET", "/_sim/graph/retry-discipline", () => json({ records: twin.retryDiscipline }));
  host.admin("PUT", "/_sim/directory", async (ctx) => {
    const b = await body(ctx);
    return guard(() => {
      // One fixture format for files and the admin API: the fixture loader's schema.
      const parsed = directoryFileSchema.safeParse(b);
      if (!parsed.success) {
        throw new Error(
          parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "),
        );
      }
      twin.directory.load(parsed.data);
      return twin.directory.snapshot();
    });
  });
  host.admin("POST", "/_sim/directory/members", async (ctx) => {
    const b = await body(ctx);
    return guard(() => {
      if (b.remove === true) twin.directory.removeMember(need(b, "group"), need(b, "member"));
      else twin.directory.addMember(need(b, "group"), need(b, "member"));
      return twin.directory.group(need(b, "group"));
    });
  });
}
