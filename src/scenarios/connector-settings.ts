import { z } from "zod";
import { connectorConfigSchema } from "../connector/config.ts";
import { many, realTimeLimit } from "./schema-parts.ts";

/** The scenario's `connector:` block: the built-in connector's settings, or an external command. */

export const DEFAULT_CONNECTION_ID = "confluencecloud1";

const shape = connectorConfigSchema.shape;

export const connectorSchema = z
  .object({
    command: many(z.string())
      .optional()
      .describe("Run this external connector for each crawl step instead of the built-in one"),
    via: z
      .enum(["http", "proxy"])
      .optional()
      .describe(
        "How `command` reaches the twins: http (default: CGSIM_* URLs of one local origin) or proxy (the real host names through cgsim's forward proxy, HTTPS_PROXY + CA, for an unmodified connector)",
      ),
    env: z
      .record(z.string(), z.string())
      .optional()
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${NAME} is the scenario file's syntax
      .describe("Extra environment for `command`; ${NAME} in a value is replaced by cgsim's variable NAME"),
    stateFile: z
      .string()
      .optional()
      .describe(
        "Where `command` keeps cgsim's connector state, relative to CGSIM_WORK_DIR: the `resume` expectation reads its ledger after a kill",
      ),
    timeout: realTimeLimit
      .optional()
      .describe("Real-time limit for one external crawl; the process is killed after it (default 5m)"),
    clockRate: z
      .number()
      .positive()
      .max(3600)
      .optional()
      .describe("Simulated seconds per real second while `command` runs (default 1)"),
    connectionId: z
      .string()
      .regex(/^[A-Za-z0-9]{3,32}$/)
      .optional()
      .describe("Default confluencecloud1"),
    auth: z.enum(["basic", "oauth"]).optional().describe("Crawler auth against Confluence (default basic)"),
    oauthScopes: z
      .array(z.string())
      .optional()
      .describe("Scopes the crawl account consents to with auth: oauth (default: the eight documented ones)"),
    cql: z.string().optional(),
    // Without the connector's default: a `connector` step must only change what it names.
    anonymousAccess: shape.confluence.shape.anonymousAccess.unwrap().optional(),
    permissions: z
      .union([z.enum(["everyone", "onlyPeopleWithAccess"]), shape.permissions.unwrap()])
      .optional()
      .describe("Mode, or { mode, policy: confluence | documented }"),
    identity: shape.identity.unwrap().optional(),
    properties: shape.properties.optional(),
    content: shape.content.unwrap().optional(),
    incremental: shape.incremental.unwrap().optional(),
    concurrency: shape.concurrency.unwrap().optional(),
    retry: shape.retry.unwrap().optional(),
    checkpointEvery: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        "The built-in connector saves its checkpoint after a space once this many items were listed (default 1000)",
      ),
    maxGroupMembers: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        "Largest external group the built-in connector writes (Graph's limit: 50,000; scale it down to reproduce error 2008 on a small site)",
      ),
  })
  .strict()
  .describe("Built-in connector settings, or `command:` for an external connector");

export type ConnectorSettings = z.output<typeof connectorSchema>;
