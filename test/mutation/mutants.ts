/**
 * Deliberately broken connectors, built from the test suite only: alternative strategies injected
 * through `ConnectorOptions.audience`, a subclassed ACL planner (`ConnectorOptions.planner`),
 * wrapped clients and a wrapped sleep. Production code has no bug switches; each mutant is handed to the scenario runner with
 * `RunOptions.connector`, which receives the built-in connector as configured for the scenario.
 */
import type { AclContext, AclResolution } from "../../src/connector/acl.ts";
import { AclPlanner } from "../../src/connector/acl.ts";
import { Connector, type ConnectorOptions } from "../../src/connector/connector.ts";
import { ConnectorError } from "../../src/connector/errors.ts";
import type { CrawledSpace, PrincipalSet } from "../../src/connector/model.ts";
import {
  type Audience,
  type AudienceStrategy,
  audienceFor,
  normalizeSet,
} from "../../src/connector/permissions.ts";

export interface Mutant {
  /** Short id used in test names and the mutation table. */
  id: string;
  /** The bug, as a reviewer would describe it. */
  bug: string;
  /** What the runner calls instead of using the built-in connector. */
  connector: (builtIn: Connector) => Connector;
}

/** The options the built-in connector was made with (config, runtime, state and the scenario's limits). */
function optionsOf(builtIn: Connector): ConnectorOptions {
  return {
    config: builtIn.config,
    runtime: builtIn.runtime,
    state: builtIn.store,
    checkpointEvery: builtIn.checkpointEvery,
    maxGroupMembers: builtIn.maxGroupMembers,
    audience: builtIn.audience,
    planner: builtIn.planner,
  };
}

/** A new connector like the built-in one, with `extra` options replaced. */
function rebuild(builtIn: Connector, extra: Partial<ConnectorOptions>): Connector {
  return new Connector({ ...optionsOf(builtIn), ...extra });
}

const merge = (sets: PrincipalSet[]): PrincipalSet =>
  normalizeSet({ users: sets.flatMap((s) => s.users), groups: sets.flatMap((s) => s.groups) });

/** (a) Anyone in the space OR in a restriction: Graph's native OR used where Confluence needs AND. */
const unionInsteadOfIntersection: AudienceStrategy = (policy, input, options) => {
  const audience = audienceFor(policy, input, options);
  return audience.kind === "intersection" ? { kind: "union", set: merge(audience.sets) } : audience;
};

/** (b) Restrictions of ancestor pages dropped even under the `confluence` policy. */
const ignoreAncestors: AudienceStrategy = (policy, input, options) =>
  audienceFor(policy, { ...input, ancestors: [] }, options);

/**
 * (c) A page whose read restriction (own or inherited) names a user who cannot be mapped to Entra
 * falls back to the space's readers instead of staying narrow (fail open). The strategy remembers
 * each audience's space and restriction users; the planner swaps the audience before resolving it.
 */
function spaceFallback(builtIn: Connector): Connector {
  const origin = new WeakMap<Audience, { space: CrawledSpace; restricted: string[] }>();
  const remember: AudienceStrategy = (policy, input, options) => {
    const audience = audienceFor(policy, input, options);
    const restrictions = [...input.ancestors, ...(input.own ? [input.own] : [])];
    origin.set(audience, { space: input.space, restricted: restrictions.flatMap((r) => r.users) });
    return audience;
  };
  class FallbackPlanner extends AclPlanner {
    constructor(private readonly context: AclContext) {
      super(context);
    }
    override resolve(audience: Audience): AclResolution {
      const { space, restricted = [] } = origin.get(audience) ?? {};
      const unmappable = restricted.some((u) => this.context.entraId(u) === undefined);
      if (space && unmappable) {
        const fallback: Audience = space.anonymousEffective
          ? { kind: "everyone" }
          : { kind: "union", set: normalizeSet(space.readers) };
        return super.resolve(fallback);
      }
      return super.resolve(audience);
    }
  }
  return rebuild(builtIn, { audience: remember, planner: (context) => new FallbackPlanner(context) });
}

/**
 * (d) A failed Confluence read (after the client's own retries) is taken as an empty page: the
 * listing simply ends there, the crawl believes it saw everything and deletes what it did not see.
 * A wrapped client: the instance's `get` (which `paginate`, `currentUser` and every listing use)
 * swallows connector errors.
 */
function deleteOnPartialListing(builtIn: Connector): Connector {
  const client = builtIn.confluence;
  const get = client.get.bind(client);
  client.get = async <T>(path: string): Promise<T> => {
    try {
      return await get<T>(path);
    } catch (error) {
      if (error instanceof ConnectorError) return { results: [], _links: {} } as T;
      throw error;
    }
  };
  return builtIn;
}

/**
 * (e) Retries before Retry-After has passed: the connector's sleep (the simulated clock's) sleeps a
 * tenth of what it is asked, so every wait — Retry-After, backoff, the throttle gate — is cut short.
 */
function earlyRetry(builtIn: Connector): Connector {
  const sleep = builtIn.runtime.sleep;
  return rebuild(builtIn, { runtime: { ...builtIn.runtime, sleep: (ms) => sleep(Math.floor(ms / 10)) } });
}

/**
 * (f) ACLs refreshed only when the page has a new version: an item PUT again with the same
 * lastModifiedDateTime (no new version) keeps the ACL written with that version. A wrapped Graph
 * client; Confluence does not version a move, so a page moved under a restricted parent keeps
 * its old, wider ACL.
 */
function aclOnlyOnNewVersion(builtIn: Connector): Connector {
  const client = builtIn.graph;
  const put = client.putItem.bind(client);
  const written = new Map<string, { modified: unknown; acl: unknown }>();
  client.putItem = async (item) => {
    const modified = item.properties.lastModifiedDateTime;
    const before = written.get(item.id);
    const body =
      before && before.modified === modified && item.acl
        ? { ...item, acl: before.acl as typeof item.acl }
        : item;
    written.set(item.id, { modified, acl: body.acl });
    await put(body);
  };
  return builtIn;
}

export const MUTANTS: Record<"a" | "b" | "c" | "d" | "e" | "f", Mutant> = {
  a: {
    id: "union-instead-of-intersection",
    bug: "space permission OR page restriction (union) instead of AND (intersection)",
    connector: (builtIn) => rebuild(builtIn, { audience: unionInsteadOfIntersection }),
  },
  b: {
    id: "ignore-ancestors",
    bug: "ancestor restrictions ignored under the confluence policy",
    connector: (builtIn) => rebuild(builtIn, { audience: ignoreAncestors }),
  },
  c: {
    id: "space-acl-fallback",
    bug: "a restriction naming an unmappable user falls back to the space's ACL (fail open)",
    connector: spaceFallback,
  },
  d: {
    id: "delete-on-partial-listing",
    bug: "a failed Confluence read ends the listing as if complete; unseen items are deleted",
    connector: deleteOnPartialListing,
  },
  e: {
    id: "retry-before-retry-after",
    bug: "retries after a tenth of the Retry-After (sleep cut short)",
    connector: earlyRetry,
  },
  f: {
    id: "acl-only-on-new-version",
    bug: "ACLs refreshed only when a page has a new version (a move is not one)",
    connector: aclOnlyOnNewVersion,
  },
};
