import type { AclContext, AclPlanner } from "../acl.ts";
import type { ConnectorConfig } from "../config.ts";
import type { ConfluenceClient } from "../confluence/client.ts";
import type { GraphClient } from "../graph/client.ts";
import type { AudienceStrategy } from "../permissions.ts";
import type { ProgressEvent } from "../report.ts";
import type { CallStats } from "../runtime.ts";
import { selectedProperties } from "../schema.ts";
import type { ConnectorState } from "../state.ts";
import { AclResolver } from "./acls.ts";
import type { Checkpoints } from "./checkpoint.ts";
import { GroupSync } from "./groups.ts";
import { Identities } from "./identities.ts";
import { ItemWriter } from "./item-writer.ts";
import type { CrawlRecorder } from "./recorder.ts";

/** What a crawl takes from the connector that runs it. */
export interface CrawlDeps {
  config: ConnectorConfig;
  confluence: ConfluenceClient;
  graph: GraphClient;
  /** The connector's clock (simulated in tests). */
  now: () => number;
  stats: CallStats;
  /** Connection, resolvers and schema: the first part of the crawl's setup. */
  setup: () => Promise<void>;
  /** The connector state (ledger, watermark, checkpoint), loaded once, and its queued save. */
  state: { load: () => Promise<ConnectorState>; save: () => Promise<void> };
  /** Audience rule and ACL planner (test seams; see ConnectorOptions). */
  audience: AudienceStrategy;
  planner: (context: AclContext) => AclPlanner;
  /** Items listed between checkpoint saves. */
  checkpointEvery: number;
  /** Largest external group Graph indexes. */
  maxGroupMembers: number;
  onProgress?: (event: ProgressEvent) => void;
}

/** One running crawl: the clients, the state it updates and the parts that do the work. */
export interface CrawlSession {
  config: ConnectorConfig;
  confluence: ConfluenceClient;
  graph: GraphClient;
  state: ConnectorState;
  recorder: CrawlRecorder;
  checkpoints: Checkpoints;
  identities: Identities;
  planner: AclPlanner;
  acls: AclResolver;
  groups: GroupSync;
  items: ItemWriter;
  /** The crawl account's time zone: Confluence reads CQL dates in it (null: UTC). */
  timeZone: string | null;
}

/**
 * The rest of setup once the checkpoint is open: the tenant value of `everyone` ACEs (from the
 * Graph token), the parts of the crawl, and the Confluence credential probe.
 */
export async function openSession(
  deps: CrawlDeps,
  state: ConnectorState,
  checkpoints: Checkpoints,
  recorder: CrawlRecorder,
): Promise<CrawlSession> {
  const { config, confluence, graph } = deps;
  const identities = new Identities({ confluence, graph, rule: config.identity, recorder });
  const planner = deps.planner({
    tenantId: await graph.everyoneValue(),
    everyoneType: config.permissions.anonymousAs,
    entraId: (a) => identities.entraId(a),
    groupMembers: (g) => identities.groupMembers(g),
    groupName: (g) => identities.groupName(g),
  });
  const acls = new AclResolver({
    confluence,
    permissions: config.permissions,
    anonymousAccess: config.confluence.anonymousAccess,
    tenantId: config.graph.tenantId,
    audience: deps.audience,
    planner,
    identities,
    recorder,
  });
  const groups = new GroupSync({
    graph,
    planner,
    written: state.groups,
    maxMembers: deps.maxGroupMembers,
    identities,
    recorder,
  });
  const items = new ItemWriter({
    graph,
    ledger: state.ledger,
    siteUrl: confluence.siteUrl,
    properties: selectedProperties(config.properties),
    format: config.content.format,
    identities,
    checkpoints,
    recorder,
  });
  // Credential probe (a bad token fails here, before anything is listed); its time zone is the
  // one Confluence reads CQL dates in.
  const timeZone = (await confluence.currentUser()).timeZone ?? null;
  return {
    config,
    confluence,
    graph,
    state,
    recorder,
    checkpoints,
    identities,
    planner,
    acls,
    groups,
    items,
    timeZone,
  };
}
