import { z } from "zod";
import { connectorConfigSchema } from "../connector/config.ts";
import { directoryFileSchema } from "../fixtures/directory-schema.ts";
import { generatorSpecSchema } from "../fixtures/generator.ts";
import { siteFileSchema } from "../fixtures/site-schema.ts";
import { parseDuration } from "../simulators/host/clock.ts";
import { faultPlanSchema, faultRuleSchema } from "../simulators/host/faults.ts";

/**
 * The scenario file format. One zod schema is the source of truth for the loader, the exported
 * JSON Schema (schemas/scenario.schema.json, `cgsim schema`) and docs/scenario-reference.md.
 */

/** An object that must carry exactly one of its keys (a tagged step or change). */
function oneOf<T extends z.ZodRawShape>(shape: T, what: string) {
  const keys = Object.keys(shape);
  return z
    .object(shape)
    .partial()
    .strict()
    .refine((o) => Object.keys(o).length === 1, {
      message: `a ${what} has exactly one of: ${keys.join(", ")}`,
    })
    .meta({ minProperties: 1, maxProperties: 1 });
}

/** One item or a list of them. With an id the item is emitted once in the JSON Schema's $defs. */
const many = <T extends z.ZodType>(item: T, id?: string) => {
  const one = id ? item.meta({ id }) : item;
  return z.union([one, z.array(one)]);
};

const duration = z
  .union([z.string(), z.number().int().min(0)])
  .refine((d) => {
    try {
      parseDuration(d);
      return true;
    } catch {
      return false;
    }
  }, "not a duration (use e.g. 500ms, 30s, 5m, 1h30m, 2d)")
  .describe("Duration: 500ms, 30s, 5m, 1h30m, 2d, or milliseconds");

/** A Confluence content id (`1001`) — digits, written as a number or a string. */
const contentId = z
  .union([z.string().regex(/^\d+$/, "content ids are digits"), z.number().int().positive()])
  .transform(String);

/** `user:alice`, `group:eng`, `anonymous`, or a bare user/group name of the site file. */
const principal = z.string().min(1);

// ---- site, directory, connector ------------------------------------------------------------------

export const siteSourceSchema = z
  .union([
    z.string().describe("Path of a site file or generator spec file, relative to the scenario"),
    z.object({ generator: generatorSpecSchema }).strict().describe("A generator spec (seeded by `seed`)"),
    siteFileSchema.describe("An inline site"),
  ])
  .describe("The Confluence site; default: the bundled contoso fixture");

export const directorySourceSchema = z
  .union([z.string().describe("Path of a directory file, relative to the scenario"), directoryFileSchema])
  .describe("The Entra directory; default: the bundled contoso directory (or the generated one)");

const shape = connectorConfigSchema.shape;

export const connectorSchema = z
  .object({
    command: many(z.string())
      .optional()
      .describe("Run this external connector for each crawl step instead of the built-in one"),
    env: z.record(z.string(), z.string()).optional().describe("Extra environment for `command`"),
    timeout: duration.optional().describe("Real-time limit for one external crawl (default 5m)"),
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

// ---- steps ---------------------------------------------------------------------------------------

export const crawlStepSchema = z
  .union([
    z.enum(["full", "incremental"]),
    z
      .object({
        mode: z.enum(["full", "incremental"]),
        /** The crawl is expected to stop with a fatal error (the step passes when it does). */
        fails: z.boolean().optional(),
      })
      .strict(),
  ])
  .describe("Run the connector: full | incremental");

const createChange = z
  .object({
    space: z.string(),
    title: z.string().min(1),
    id: contentId.optional(),
    type: z.enum(["page", "blogpost"]).optional(),
    parent: contentId.optional(),
    body: z.string().optional(),
    labels: z.array(z.string()).optional(),
    author: z.string().optional(),
    read: z.array(principal).optional(),
    update: z.array(principal).optional(),
  })
  .strict();

const pageRef = z.union([contentId, z.object({ page: contentId }).strict()]);

export const confluenceChangeSchema = oneOf(
  {
    create: createChange,
    edit: z
      .object({
        page: contentId,
        title: z.string().optional(),
        body: z.string().optional(),
        author: z.string().optional(),
      })
      .strict(),
    move: z
      .object({ page: contentId, parent: contentId.nullable().optional(), space: z.string().optional() })
      .strict(),
    trash: pageRef,
    archive: pageRef,
    restore: pageRef,
    purge: pageRef,
    restrict: z
      .object({ page: contentId, read: z.array(principal).optional(), update: z.array(principal).optional() })
      .strict(),
    unrestrict: z
      .object({ page: contentId, operation: z.enum(["read", "update", "all"]).optional() })
      .strict(),
    label: z
      .object({
        page: contentId,
        add: z.array(z.string()).optional(),
        remove: z.array(z.string()).optional(),
      })
      .strict(),
    group: z
      .object({
        name: z.string(),
        create: z.boolean().optional(),
        add: z.array(z.string()).optional(),
        remove: z.array(z.string()).optional(),
      })
      .strict()
      .describe("Group membership: add/remove users (create: true makes the group first)"),
    spacePermission: z
      .object({
        space: z.string(),
        grant: z.array(principal).optional(),
        revoke: z.array(principal).optional(),
      })
      .strict()
      .describe("View permission on a space; `anonymous` is a principal"),
    anonymous: z.boolean().describe("Site-wide anonymous access switch"),
    hideEmail: z.union([z.string(), z.object({ user: z.string(), hidden: z.boolean() }).strict()]),
    user: z
      .object({ name: z.string(), active: z.boolean() })
      .strict()
      .describe("Deactivate or reactivate an account"),
    revokeApiTokens: z
      .string()
      .describe("Revoke every API token of this user: Basic auth with them fails from now on"),
    revokeOAuthGrant: z
      .string()
      .describe("The user revokes their consent to every OAuth app: access and refresh tokens die"),
  },
  "Confluence change",
);

export const directoryChangeSchema = oneOf(
  {
    addUser: directoryFileSchema.shape.users.unwrap().element,
    removeUser: z.string().describe("UPN or object id"),
    updateUser: z
      .object({
        upn: z.string(),
        mail: z.string().nullable().optional(),
        displayName: z.string().optional(),
        enabled: z.boolean().optional(),
      })
      .strict(),
    addGroup: directoryFileSchema.shape.groups.unwrap().element,
    removeGroup: z.string(),
    addMember: z.object({ group: z.string(), member: z.string() }).strict(),
    removeMember: z.object({ group: z.string(), member: z.string() }).strict(),
  },
  "directory change",
);

export const graphChangeSchema = oneOf(
  {
    quota: z
      .object({
        perConnection: z.number().int().min(0).optional(),
        perTenant: z.number().int().min(0).optional(),
        items: z.number().int().min(0).optional().describe("This connection's own item limit"),
      })
      .strict(),
    obsolete: z.boolean().describe("Mark the connection obsolete (true) or restore it (false)"),
    request: z
      .object({
        method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
        path: z
          .string()
          .regex(/^\/?(v1\.0|beta)\//, "starts with /v1.0/ or /beta/")
          .describe("Graph path; {connectionId} is the scenario's connection"),
        body: z.unknown().optional().describe("JSON body"),
        status: many(z.number().int().min(100).max(599))
          .optional()
          .describe("Expected status (or list); default any 2xx Graph uses: 200, 201, 202, 204"),
      })
      .strict()
      .describe("A raw Graph call as the connector's app (client credentials)"),
  },
  "Graph change",
);

const serviceRules = many(faultRuleSchema, "FaultRule");

export const faultsStepSchema = z
  .union([
    z.literal("clear"),
    faultPlanSchema,
    z
      .object({
        seed: z.number().int().optional(),
        confluence: serviceRules.optional(),
        graph: serviceRules.optional(),
        login: serviceRules.optional(),
        "atlassian-auth": serviceRules.optional(),
      })
      .strict()
      .describe("Rules per service (shorthand for rules with `service:` set)"),
  ])
  .describe("Replace the fault plan, or `clear`");

export const clockStepSchema = z
  .union([
    z.object({ advance: duration }).strict(),
    z.object({ set: z.iso.datetime({ offset: true }) }).strict(),
  ])
  .describe("Advance or set simulated time");

// ---- expectations --------------------------------------------------------------------------------

const ids = z.array(contentId);

/** ACL entry notation: `user:alice@contoso.com`, `group:<entra id or name>`, `xg:eng`, `everyone`, … */
const aclRef = z.string().min(1);

export const expectationSchema = z
  .object({
    connection: z
      .object({
        state: z.enum(["draft", "ready", "obsolete", "limitExceeded"]).optional(),
        exists: z.boolean().optional(),
      })
      .strict()
      .optional(),
    items: z
      .object({
        count: z.number().int().min(0).optional(),
        include: ids.optional(),
        exclude: ids.optional(),
      })
      .strict()
      .optional(),
    item: many(
      z
        .object({
          id: contentId,
          properties: z.record(z.string(), z.unknown()).optional(),
          content: z.string().optional().describe("Substring the indexed content must contain"),
        })
        .strict(),
      "ItemExpectation",
    ).optional(),
    acl: many(
      z
        .object({
          item: contentId,
          grant: z.array(aclRef).optional(),
          deny: z.array(aclRef).optional(),
          exact: z.boolean().optional().describe("true: no other entries (default true)"),
          audience: z
            .array(z.string())
            .optional()
            .describe("Exactly these directory users (UPNs; bare names get the tenant domain) are granted"),
        })
        .strict(),
      "AclExpectation",
    ).optional(),
    externalGroup: many(
      z
        .object({
          id: z.string().describe("External group id, or a Confluence group name"),
          members: z.array(z.string()).optional(),
          exists: z.boolean().optional(),
        })
        .strict(),
      "ExternalGroupExpectation",
    ).optional(),
    search: many(
      z
        .object({
          as: z.string().describe("UPN of the searching user"),
          query: z.string().default("*"),
          finds: ids.optional(),
          misses: ids.optional(),
        })
        .strict(),
      "SearchExpectation",
    ).optional(),
    resolve: many(
      z.object({ url: z.string(), to: contentId.nullable() }).strict(),
      "ResolveExpectation",
    ).optional(),
    errors: z
      .object({
        codes: z.array(z.number().int()).optional().describe("These codes were reported"),
        only: z.boolean().optional().describe("and no others"),
        none: z.boolean().optional(),
      })
      .strict()
      .optional()
      .describe("Connector errors reported by the last crawl"),
    requests: z
      .object({
        service: z.string().default("confluence"),
        method: z.string().optional().describe("Only requests with this HTTP method (GET, PUT, DELETE…)"),
        operationId: z.string().optional().describe("Only requests to this operation (e.g. getPages)"),
        status: z.number().int().optional().describe("Only requests answered with this status"),
        path: z.string().optional().describe("Only requests whose path matches this glob"),
        min: z.number().int().min(0).optional().describe("At least this many matching calls"),
        max: z.number().int().min(0).optional().describe("At most this many matching calls"),
        perItem: z.number().min(0).optional().describe("At most this many calls per indexed item"),
        since: z.enum(["start", "lastCrawl"]).default("lastCrawl"),
      })
      .strict()
      .optional()
      .describe("Request budget, from the host's request journal"),
    retries: z
      .object({ honourRetryAfter: z.boolean().default(true) })
      .strict()
      .optional()
      .describe("No request to a throttled service before its Retry-After elapsed"),
    access: many(
      z
        .object({
          as: z.string().describe("Confluence user name"),
          views: ids.optional(),
          cannotView: ids.optional(),
        })
        .strict(),
      "AccessExpectation",
    )
      .optional()
      .describe("Truth: what the Confluence twin lets the user view"),
    content: many(
      z
        .object({
          id: contentId,
          status: z.enum(["current", "archived", "trashed", "draft", "deleted", "purged"]).optional(),
          title: z.string().optional(),
          parent: contentId.nullable().optional(),
          space: z.string().optional(),
        })
        .strict(),
      "ContentExpectation",
    )
      .optional()
      .describe("Confluence twin state of a page or blog post"),
    parity: z
      .object({
        overExposed: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe("Undocumented over-exposed user × item pairs"),
        underExposed: z.number().int().min(0).optional().describe("Undocumented under-exposed pairs"),
        documented: z
          .object({
            overExposed: z.number().int().min(0).optional(),
            underExposed: z.number().int().min(0).optional(),
          })
          .strict()
          .optional()
          .describe("Pairs explained by a documented limitation or expected staleness"),
        sharedAccounts: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe(
            "Confluence accounts more than one Entra user is matched to (UPN and mail): only one is the person",
          ),
      })
      .strict()
      .optional()
      .describe("Truth (Confluence) vs index (Graph) for every directory user × page/blog post"),
  })
  .strict()
  .describe("Checks; every key given must hold");

export const stepSchema = oneOf(
  {
    crawl: crawlStepSchema,
    confluence: many(confluenceChangeSchema, "ConfluenceChange"),
    directory: many(directoryChangeSchema, "DirectoryChange"),
    graph: many(graphChangeSchema, "GraphChange"),
    clock: clockStepSchema,
    faults: faultsStepSchema,
    connector: connectorSchema
      .omit({ command: true, env: true, timeout: true, connectionId: true })
      .describe(
        "Change the built-in connector's settings from now on, as an admin would in the admin center (merged into the current ones; the crawl state — watermark, deletion ledger — is kept; auth/oauthScopes re-consent)",
      ),
    expect: expectationSchema,
  },
  "step",
);

export const scenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    seed: z.number().int().optional().describe("Seeds generators, fault plans and the connector's jitter"),
    start: z.iso.datetime({ offset: true }).optional().describe("Simulated start time"),
    site: siteSourceSchema.optional(),
    directory: directorySourceSchema.optional(),
    connector: connectorSchema.optional(),
    transport: z.enum(["direct", "msw", "http"]).optional().describe("How the connector reaches the twins"),
    graph: z
      .object({
        itemsPerConnection: z.number().int().min(0).optional(),
        itemsPerTenant: z.number().int().min(0).optional(),
        ingestionItemsPerSecond: z.number().min(0).optional(),
        schemaProvisioningMs: z.number().int().min(0).optional(),
      })
      .strict()
      .optional()
      .describe("Graph twin settings"),
    faults: faultsStepSchema.optional().describe("Fault plan from the start"),
    steps: z.array(stepSchema).min(1),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type Step = z.output<typeof stepSchema>;
export type Expectation = z.output<typeof expectationSchema>;
export type ConfluenceChange = z.output<typeof confluenceChangeSchema>;
export type DirectoryChange = z.output<typeof directoryChangeSchema>;
export type GraphChange = z.output<typeof graphChangeSchema>;
export type FaultsStep = z.output<typeof faultsStepSchema>;
export type ConnectorSettings = z.output<typeof connectorSchema>;
export type GraphRequest = NonNullable<z.output<typeof graphChangeSchema>["request"]>;
