import { join } from "node:path";
import { type AclContext, AclPlanner } from "./acl.ts";
import type { ConnectorConfig } from "./config.ts";
import { basicAuth, type ConfluenceAuth, oauthAuth, type RefreshTokenStore } from "./confluence/auth.ts";
import { ConfluenceClient } from "./confluence/client.ts";
import { runCrawl } from "./crawl/crawl.ts";
import type { CrawlDeps } from "./crawl/session.ts";
import { CODE, ConnectorError } from "./errors.ts";
import { GraphClient } from "./graph/client.ts";
import { hashOf } from "./items.ts";
import { type AudienceStrategy, audienceFor } from "./permissions.ts";
import type { CrawlReport, ProgressEvent } from "./report.ts";
import { urlToItemResolvers } from "./resolvers.ts";
import { CallStats, createHttpClient, defaultRuntime, type Runtime } from "./runtime.ts";
import { buildSchema } from "./schema.ts";
import { type ConnectorState, FileStateStore, type StateStore } from "./state.ts";

export interface ConnectorOptions {
  config: ConnectorConfig;
  /** Injected fetch, clock, sleep and randomness; real ones by default. */
  runtime?: Partial<Runtime>;
  /** Ledger/checkpoint store; a JSON file at `config.statePath` by default. */
  state?: StateStore;
  onProgress?: (event: ProgressEvent) => void;
  /** Save the checkpoint after a space once this many items were listed since the last save (default 1000). */
  checkpointEvery?: number;
  /** Largest external group Graph indexes (2008 above it); default 50,000. */
  maxGroupMembers?: number;
  /**
   * How an item's audience is computed; default `audienceFor` (the rule `permissions.policy` names).
   * Dependency injection for tests (the mutation suite injects deliberately wrong strategies);
   * production code never sets it.
   */
  audience?: AudienceStrategy;
  /**
   * Makes the ACL planner of each crawl; default `new AclPlanner(context)`. Dependency injection
   * for tests like `audience` (the mutation suite injects a planner that fails open).
   */
  planner?: (context: AclContext) => AclPlanner;
}

/**
 * The Confluence Cloud → Microsoft Graph connector. Speaks only HTTP through the injected
 * fetch; knows nothing of the simulators.
 */
export class Connector {
  readonly config: ConnectorConfig;
  readonly runtime: Runtime;
  readonly stats = new CallStats();
  readonly store: StateStore;
  readonly confluence: ConfluenceClient;
  readonly graph: GraphClient;
  #state: ConnectorState | undefined;
  #saving: Promise<void> = Promise.resolve();

  readonly checkpointEvery: number;
  readonly maxGroupMembers: number;
  readonly audience: AudienceStrategy;
  readonly planner: (context: AclContext) => AclPlanner;

  constructor(private readonly options: ConnectorOptions) {
    this.checkpointEvery = options.checkpointEvery ?? 1000;
    this.audience = options.audience ?? audienceFor;
    this.planner = options.planner ?? ((context) => new AclPlanner(context));
    this.maxGroupMembers = options.maxGroupMembers ?? 50_000;
    this.config = options.config;
    this.runtime = { ...defaultRuntime(), ...options.runtime };
    this.store =
      options.state ??
      new FileStateStore(
        this.config.statePath ?? join(".cgsim", `${this.config.graph.connection.id}.state.json`),
      );
    const { retry, concurrency } = this.config;
    const http = (service: "confluence" | "graph" | "login" | "atlassian-auth", n: number) =>
      createHttpClient(service, this.runtime, retry, this.stats, n);
    const siteUrl = this.config.confluence.siteUrl;
    const auth: ConfluenceAuth =
      this.config.confluence.auth.type === "basic"
        ? basicAuth(siteUrl, this.config.confluence.auth.email, this.config.confluence.auth.apiToken)
        : oauthAuth(
            siteUrl,
            this.config.confluence.auth,
            http("atlassian-auth", 1),
            this.runtime,
            this.#refreshTokens(),
          );
    this.confluence = new ConfluenceClient(http("confluence", concurrency.confluence), auth, siteUrl);
    const g = this.config.graph;
    this.graph = new GraphClient({
      runtime: this.runtime,
      policy: retry,
      stats: this.stats,
      loginHttp: http("login", 1),
      concurrency: concurrency.graph,
      baseUrl: g.baseUrl.replace(/\/+$/, ""),
      version: g.version,
      loginUrl: g.loginUrl,
      tenantId: g.tenantId,
      clientId: g.clientId,
      clientSecret: g.clientSecret,
      connectionId: g.connection.id,
      batchSize: g.batchSize,
    });
  }

  async state(): Promise<ConnectorState> {
    this.#state ??= await this.store.load();
    return this.#state;
  }

  /** Saves are queued: a file store must never see two writers at once. */
  saveState(): Promise<void> {
    this.#saving = this.#saving.then(async () => {
      if (this.#state) await this.store.save(this.#state);
    });
    return this.#saving;
  }

  /** Ensure the connection (GET, create on 404), its resolvers and template, and the schema. */
  async setup(): Promise<void> {
    const state = await this.state();
    const g = this.config.graph.connection;
    const settings = {
      name: g.name,
      description: g.description,
      activitySettings: { urlToItemResolvers: urlToItemResolvers(this.config.confluence.siteUrl) },
      searchSettings: { searchResultTemplates: [searchResultTemplate()] },
    };
    let connection = await this.graph.getConnection();
    if (!connection) connection = await this.graph.createConnection(settings);
    if (connection.state === "obsolete")
      throw new ConnectorError(
        CODE.connectionObsolete,
        `connection ${g.id} is obsolete (a dependency was deprecated); only delete is allowed`,
        {
          service: "graph",
        },
      );
    else if (
      JSON.stringify(connection.activitySettings?.urlToItemResolvers ?? []) !==
      JSON.stringify(settings.activitySettings.urlToItemResolvers)
    ) {
      await this.graph.updateConnection({ activitySettings: settings.activitySettings });
    }
    const schema = buildSchema(this.config.properties);
    const schemaHash = hashOf(schema);
    // Graph's operation table (docs/fidelity/graph.md): create schema only in draft, update schema only in
    // ready; limitExceeded refuses both but still takes item updates and deletes (new items fail
    // with the quota error, reported as 1009 per item). So register in draft, update in ready
    // when the registered schema lacks a property, and never touch the schema in limitExceeded.
    if (connection.state !== undefined && connection.state !== "draft") {
      if (state.schemaHash === schemaHash) return;
      const current = await this.graph.getSchema();
      const have = new Set((current?.properties ?? []).map((p) => p.name.toLowerCase()));
      if (schema.properties.every((p) => have.has(p.name.toLowerCase()))) {
        state.schemaHash = schemaHash;
        await this.saveState();
        return;
      }
      // limitExceeded with a schema that lacks properties: crawl with the registered one (items
      // keep updating); the hash stays unsaved so the first crawl in ready updates the schema.
      if (connection.state !== "ready") return;
    }
    await this.graph.registerSchema(schema);
    state.schemaHash = schemaHash;
    await this.saveState();
  }

  async fullCrawl(): Promise<CrawlReport> {
    return this.#run("full");
  }

  /** Incremental crawl; without a watermark from a completed crawl it runs a full crawl. */
  async incrementalCrawl(): Promise<CrawlReport> {
    const state = await this.state();
    if (state.watermark === undefined || state.checkpoint?.mode === "full") return this.#run("full");
    return this.#run("incremental");
  }

  /** Setup and the crawl; a crawl that stops on a connector error resolves with `fatal` set. */
  #run(mode: "full" | "incremental"): Promise<CrawlReport> {
    return runCrawl(this.#crawlDeps(), mode);
  }

  /** What a crawl needs from the connector, and nothing more. */
  #crawlDeps(): CrawlDeps {
    return {
      config: this.config,
      confluence: this.confluence,
      graph: this.graph,
      now: () => this.runtime.now(),
      stats: this.stats,
      setup: () => this.setup(),
      state: { load: () => this.state(), save: () => this.saveState() },
      audience: this.audience,
      planner: this.planner,
      checkpointEvery: this.checkpointEvery,
      maxGroupMembers: this.maxGroupMembers,
      onProgress: this.options.onProgress,
    };
  }

  #refreshTokens(): RefreshTokenStore {
    return {
      current: async (configured) => {
        const s = await this.state();
        return s.oauth && s.oauth.configured === hashOf(configured) ? s.oauth.current : configured;
      },
      rotated: async (configured, next) => {
        const s = await this.state();
        s.oauth = { configured: hashOf(configured), current: next };
        await this.saveState();
      },
    };
  }
}

/** Adaptive Card data binding: `${name}`. */
const bind = (name: string) => `$${"{"}${name}}`;

/** A minimal Adaptive Card result template (title, space, last modified). */
function searchResultTemplate() {
  return {
    id: "confluence1",
    priority: 1,
    layout: {
      type: "AdaptiveCard",
      version: "1.3",
      $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
      body: [
        {
          type: "TextBlock",
          text: `[${bind("title")}](${bind("url")})`,
          weight: "Bolder",
          size: "Medium",
          wrap: true,
        },
        {
          type: "TextBlock",
          text: `${bind("spaceName")} · ${bind("lastModifiedBy")}`,
          isSubtle: true,
          spacing: "Small",
          wrap: true,
        },
        { type: "TextBlock", text: bind("ResultSnippet"), maxLines: 3, wrap: true },
      ],
    },
  };
}
