import { z } from "zod";
import { readAdminJson } from "../host/admin-input.ts";
import { type AdminRegistry, json, type RouteContext } from "../host/types.ts";
import { installConfluenceInspection } from "./inspect.ts";
import type { ConfluenceTwin } from "./twin.ts";

const removalMode = z.enum(["removed", "deprecated"]);
const removalSwitch = z.object({ basic: removalMode.optional(), oauth: removalMode.optional() }).strict();
const adminBodies = {
  rateLimit: z
    .object({
      rules: z
        .array(
          z
            .object({
              method: z.string().optional(),
              operationId: z.string().optional(),
              capacity: z.number().int().min(1),
              refillPerSecond: z.number().positive(),
            })
            .strict(),
        )
        .optional(),
      reason: z.enum(["confluence-quota-tenant-based", "confluence-quota-global-based"]).optional(),
    })
    .strict(),
  v1Removal: removalSwitch.extend({ endpoints: z.record(z.string(), removalSwitch).optional() }).strict(),
  app: z
    .object({
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      name: z.string().default("app"),
      redirectUris: z.array(z.string().url()).min(1),
      scopes: z.array(z.string()).optional(),
    })
    .strict(),
  scopedToken: z
    .object({ user: z.string().min(1), token: z.string().min(1), scopes: z.array(z.string()).min(1) })
    .strict(),
  tokens: z
    .object({ clientId: z.string().min(1), accountId: z.string().min(1), scopes: z.array(z.string()).min(1) })
    .strict(),
};

/**
 * Confluence switches over the admin API, for standalone runs and connectors in other processes:
 * `PUT /_sim/confluence/rate-limit`, `PUT /_sim/confluence/v1-removal`, `POST /_sim/confluence/oauth/apps`,
 * `POST /_sim/confluence/oauth/tokens` (tokens without the browser step),
 * `POST /_sim/confluence/scoped-api-tokens` (`{user, token, scopes}`); and read-only views of its
 * state (inspect.ts).
 */
export function installConfluenceAdmin(host: AdminRegistry, twin: ConfluenceTwin): void {
  installConfluenceInspection(host, twin);
  const withBody =
    <T>(schema: z.ZodType<T>, apply: (body: T) => unknown) =>
    async (ctx: RouteContext) => {
      const parsed = schema.safeParse(await readAdminJson(ctx));
      if (!parsed.success) return json({ error: "invalid body", issues: parsed.error.issues }, 400);
      const result = apply(parsed.data);
      return result instanceof Response ? result : json(result ?? { ok: true });
    };
  host.admin(
    "PUT",
    "/_sim/confluence/rate-limit",
    withBody(adminBodies.rateLimit, (b) => {
      twin.rateLimits.configure(b);
      return { enabled: twin.rateLimits.enabled };
    }),
  );
  host.admin(
    "PUT",
    "/_sim/confluence/v1-removal",
    withBody(adminBodies.v1Removal, (b) => {
      twin.setV1Removal(b);
      return b;
    }),
  );
  host.admin(
    "POST",
    "/_sim/confluence/oauth/apps",
    withBody(adminBodies.app, (b) => {
      twin.oauth.registerApp(b);
      return { clientId: b.clientId };
    }),
  );
  host.admin(
    "POST",
    "/_sim/confluence/scoped-api-tokens",
    withBody(adminBodies.scopedToken, (b) => {
      const user = twin.store.users.get(b.user) ?? twin.store.userByEmail(b.user);
      if (!user) return json({ error: `no user ${b.user}` }, 400);
      twin.addScopedApiToken(b);
      return { user: user.accountId, scopes: b.scopes };
    }),
  );
  host.admin(
    "POST",
    "/_sim/confluence/oauth/tokens",
    withBody(adminBodies.tokens, (b) => {
      if (!twin.oauth.apps.has(b.clientId)) return json({ error: `no OAuth app ${b.clientId}` }, 400);
      if (!twin.store.users.has(b.accountId)) return json({ error: `no user ${b.accountId}` }, 400);
      return twin.oauth.issueTokens(b);
    }),
  );
}
