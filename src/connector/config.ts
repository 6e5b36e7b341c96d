import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { PROPERTY_NAMES } from "./schema.ts";

/**
 * Connector configuration: what an admin enters in Microsoft's connector wizard (site URL, auth,
 * CQL filter, properties, permissions, identity mapping) plus the Graph app registration and the
 * endpoints. Real endpoints are the defaults, so the same file works against production.
 */

const url = z.url({ protocol: /^https?$/ });

const basicAuth = z
  .object({
    type: z.literal("basic"),
    email: z.string().min(1, "email of the crawl account is required"),
    apiToken: z.string().min(1, "API token is required"),
  })
  .strict();

const oauthAuth = z
  .object({
    type: z.literal("oauth"),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    /** Rotating refresh token (offline_access). Each refresh returns a new one; see tokenStore. */
    refreshToken: z.string().min(1),
    /** Known cloud id; otherwise looked up via accessible-resources by site URL. */
    cloudId: z.string().optional(),
    authUrl: url.default("https://auth.atlassian.com"),
    apiUrl: url.default("https://api.atlassian.com"),
  })
  .strict();

const identityAad = z.object({ source: z.literal("aad") }).strict();
const identityNonAad = z
  .object({
    source: z.literal("nonAad"),
    /** Confluence user property the regex reads (non-AAD mapping, docs/customer-bug-catalog.md C-11). */
    property: z.enum(["email", "accountId", "displayName", "publicName"]).default("email"),
    pattern: z.string().refine(isRegex, "not a valid regular expression"),
    /** Result with `{0}`, `{1}`… replaced by capture groups (`{0}` = group 1, as Microsoft's formula). */
    formula: z
      .string()
      .min(1)
      .refine((f) => /\{\d+\}/.test(f), "formula must use at least one {n}"),
    /** What the formula yields: a UPN (looked up in Entra) or an Entra object id (used as is). */
    target: z.enum(["upn", "objectId"]).default("upn"),
  })
  .strict();

export const connectorConfigSchema = z
  .object({
    confluence: z
      .object({
        /** `https://acme.atlassian.net` or `https://acme.atlassian.net/wiki` (both accepted). */
        siteUrl: url,
        auth: z.discriminatedUnion("type", [basicAuth, oauthAuth]),
        /** Optional CQL filter, like a WHERE clause; combined with `type in (page, blogpost)`. */
        cql: z.string().trim().min(1).optional(),
        /**
         * Whether anonymous access counts: `probe` asks Confluence without credentials (truth),
         * true/false override it.
         */
        anonymousAccess: z.union([z.literal("probe"), z.boolean()]).default("probe"),
      })
      .strict(),
    graph: z
      .object({
        tenantId: z.string().min(1),
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
        baseUrl: url.default("https://graph.microsoft.com"),
        version: z.enum(["v1.0", "beta"]).default("v1.0"),
        loginUrl: url.default("https://login.microsoftonline.com"),
        /** Item and member writes per JSON batch (`POST /$batch`); 1 sends each on its own. */
        batchSize: z.number().int().min(1).max(20).default(1),
        connection: z
          .object({
            id: z
              .string()
              .regex(/^[A-Za-z0-9]{3,32}$/, "connection id must be 3–32 letters or digits")
              .refine((id) => !/^microsoft/i.test(id), "connection id must not start with Microsoft"),
            name: z.string().min(1).max(128),
            description: z.string().max(2000).default("Confluence Cloud pages and blog posts"),
          })
          .strict(),
      })
      .strict(),
    /** Source properties to index (the seed's table plus space, labels, content type). */
    properties: z.array(z.enum(PROPERTY_NAMES)).min(1).optional(),
    content: z
      .object({ format: z.enum(["html", "text"]).default("html") })
      .strict()
      .default({ format: "html" }),
    permissions: z
      .object({
        mode: z.enum(["everyone", "onlyPeopleWithAccess"]).default("onlyPeopleWithAccess"),
        /** `confluence` = who can view in Confluence; `documented` = Microsoft's documented rules. */
        policy: z.enum(["confluence", "documented"]).default("confluence"),
        /** ACL type for anonymous content: all tenant users, or members only (B2B guests excluded; C-5). */
        anonymousAs: z.enum(["everyone", "everyoneExceptGuests"]).default("everyone"),
        /**
         * `documented` policy only: whether unrestricted pages in non-anonymous spaces follow the space
         * permission (`honored`, the 2023 text) or nobody sees them (`ignored`, the literal 2024 text; C-1).
         */
        documentedSpacePermissions: z.enum(["honored", "ignored"]).default("honored"),
      })
      .strict()
      .default({
        mode: "onlyPeopleWithAccess",
        policy: "confluence",
        anonymousAs: "everyone",
        documentedSpacePermissions: "honored",
      }),
    identity: z.discriminatedUnion("source", [identityAad, identityNonAad]).default({ source: "aad" }),
    incremental: z
      .object({
        /** Look back this far before the last watermark (clock skew, search index lag). */
        skewSeconds: z.number().int().min(0).default(300),
        /** Stricter than Microsoft's connector: recompute ACLs of changed items. */
        updatePermissions: z.boolean().default(false),
        /** Stricter than Microsoft's connector: list all ids and delete vanished items. */
        detectDeletions: z.boolean().default(false),
      })
      .strict()
      .default({ skewSeconds: 300, updatePermissions: false, detectDeletions: false }),
    concurrency: z
      .object({
        confluence: z.number().int().min(1).max(64).default(4),
        graph: z.number().int().min(1).max(25).default(8),
      })
      .strict()
      .default({ confluence: 4, graph: 8 }),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(20).default(8),
        baseDelayMs: z.number().int().min(0).default(1000),
        maxDelayMs: z.number().int().min(0).default(120_000),
      })
      .strict()
      .default({ maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 120_000 }),
    /** Ledger + checkpoint file; default `.cgsim/<connection id>.state.json`. */
    statePath: z.string().optional(),
  })
  .strict();

export type ConnectorConfigInput = z.input<typeof connectorConfigSchema>;
export type ConnectorConfig = z.output<typeof connectorConfigSchema> & {
  confluence: { siteUrl: string };
};

/** A configuration problem: one line per bad field, ready to print. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid connector configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Validates a plain object (already env-expanded). Throws ConfigError listing every bad field. */
export function parseConfig(input: unknown): ConnectorConfig {
  const result = connectorConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`),
    );
  }
  const config = result.data;
  return {
    ...config,
    confluence: { ...config.confluence, siteUrl: normalizeSiteUrl(config.confluence.siteUrl) },
  };
}

/** `https://acme.atlassian.net/wiki/` → `https://acme.atlassian.net` (the connector adds `/wiki`). */
export function normalizeSiteUrl(siteUrl: string): string {
  const u = new URL(siteUrl);
  const path = u.pathname.replace(/\/+$/, "").replace(/\/wiki$/i, "");
  return `${u.protocol}//${u.host}${path}`;
}

/**
 * Replaces `${NAME}` in every string with the environment variable, so secrets stay out of files.
 * A missing variable is a config error naming the field.
 */
export function expandEnv(value: unknown, env: Record<string, string | undefined>, path = ""): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined)
        throw new ConfigError([`${path || "(root)"}: environment variable ${name} is not set`]);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, `${path}.${i}`));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, path ? `${path}.${k}` : k)]),
    );
  }
  return value;
}

/** Reads a YAML or JSON file (JSON is YAML), expands `${ENV}` and validates. */
export async function loadConfigFile(
  file: string,
  env: Record<string, string | undefined> = process.env,
): Promise<ConnectorConfig> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, "utf8"));
  } catch (error) {
    throw new ConfigError([`${file}: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseConfig(expandEnv(raw, env));
}

function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
