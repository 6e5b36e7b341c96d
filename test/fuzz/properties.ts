import fc from "fast-check";
import { LoadError } from "../../src/fixture-formats/errors.ts";
import { loadScenarioText } from "../../src/scenarios/loader.ts";
import { mutatedBasic, mutatedJwt, mutatedOpaque } from "./mutations.ts";
import { deepJson, type FuzzRequest, fuzzRequest } from "./requests.ts";
import { judge, type Problem, send } from "./verdict.ts";
import { type FuzzWorld, KNOWN } from "./world.ts";

/** What one property saw: cases sent, answers by status, and each kind of problem. */
export interface FuzzStats {
  property: string;
  cases: number;
  statuses: Record<string, number>;
  problems: Record<Problem, number>;
  /** The first problem, shrunk by fast-check, with the seed that replays it. */
  failure?: { seed: number; path?: string; counterexample: string; detail: string };
}

export interface FuzzBudget {
  seed: number;
  runs: number;
  /** Stop early (without failing) after this long; the suite in `npm test` stays within seconds. */
  timeLimitMs?: number;
  /** Real time one request may take before it counts as a hang. */
  hangMs?: number;
}

const newStats = (property: string): FuzzStats => ({
  property,
  cases: 0,
  statuses: {},
  problems: {
    "server-error": 0,
    "foreign-shape": 0,
    hang: 0,
    forgery: 0,
    "transport-error": 0,
    "admin-reached": 0,
  },
});

/** Runs an HTTP property: every generated request must get an answer its service could give. */
async function httpProperty(
  name: string,
  fw: FuzzWorld,
  arb: fc.Arbitrary<FuzzRequest>,
  budget: FuzzBudget,
): Promise<FuzzStats> {
  const stats = newStats(name);
  let lastDetail = "";
  // After the first problem fast-check only shrinks it: those re-runs are not new cases.
  let shrinking = false;
  return checkWithin(
    fc.asyncProperty(arb, async (req) => {
      if (stats.cases % 200 === 0 && !shrinking) await fw.restore();
      const outcome = await send(fw, req, budget.hangMs ?? 10_000);
      if (outcome === undefined) return true;
      const verdict = judge(req, outcome);
      if (!shrinking) {
        stats.cases++;
        const key = outcome instanceof Error || outcome === "hang" ? "none" : String(outcome.status);
        stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
        if (verdict) stats.problems[verdict.problem]++;
      }
      if (!verdict) return true;
      shrinking = true;
      lastDetail = `${verdict.problem}: ${verdict.detail}`;
      return false;
    }),
    budget,
    stats,
    (req, error) => ({ counterexample: describe(req), detail: lastDetail || String(error) }),
  );
}

/**
 * Checks `property` within the budget (stopping early at its time limit is no failure); the first
 * failure, shrunk, lands in `stats` with the seed and path that replay it.
 */
async function checkWithin<T>(
  property: fc.IRawProperty<[T]>,
  budget: FuzzBudget,
  stats: FuzzStats,
  explain: (counterexample: T | undefined, error: unknown) => { counterexample: string; detail: string },
): Promise<FuzzStats> {
  const result = await fc.check(property, {
    seed: budget.seed,
    numRuns: budget.runs,
    interruptAfterTimeLimit: budget.timeLimitMs,
    markInterruptAsFailure: false,
  });
  if (result.failed) {
    stats.failure = {
      seed: result.seed,
      path: result.counterexamplePath ?? undefined,
      ...explain(result.counterexample?.[0], result.errorInstance),
    };
  }
  return stats;
}

function describe(req: FuzzRequest | undefined): string {
  if (!req) return "(none)";
  const body = req.body === undefined ? "" : ` body ${JSON.stringify(req.body.slice(0, 200))}`;
  return `${req.method} ${req.url.slice(0, 300)} headers ${JSON.stringify(req.headers).slice(0, 300)}${body}`;
}

/** Every route of both twins with random params, headers and bodies. */
export function routesProperty(fw: FuzzWorld, budget: FuzzBudget): Promise<FuzzStats> {
  return httpProperty("routes", fw, fuzzRequest(fw.targets, fw.credentials), budget);
}

/** Deep nesting and long chains in every grammar the twins parse over HTTP. */
export function grammarsProperty(fw: FuzzWorld, budget: FuzzBudget): Promise<FuzzStats> {
  const depth = fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 200, max: 20_000 }));
  const target = (service: string, path: string) =>
    fw.targets.find((t) => t.service === service && t.path === path)!;
  const request = (
    service: string,
    path: string,
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): FuzzRequest => ({
    target: target(service, path),
    method,
    url,
    headers,
    body,
    forged: false,
  });
  const cql = fc
    .record({
      n: depth,
      shape: fc.constantFrom("parens", "not", "and", "or", "open", "mixed"),
      route: fc.constantFrom("/wiki/rest/api/search", "/wiki/rest/api/content/search"),
    })
    .map(({ n, shape, route }) => {
      const clause = "type = page";
      const q = {
        parens: `${"(".repeat(n)}${clause}${")".repeat(n)}`,
        not: `${clause} and ${"not ".repeat(n)}${clause}`,
        and: Array(n).fill(clause).join(" and "),
        or: Array(n).fill(clause).join(" or "),
        open: "(".repeat(n),
        mixed: `${clause} and ${"(not ".repeat(n)}${clause}${")".repeat(n)}`,
      }[shape]!;
      return request(
        "confluence",
        route,
        "GET",
        `https://contoso.atlassian.net${route}?cql=${encodeURIComponent(q)}`,
        {
          authorization: fw.credentials.confluenceBasic,
        },
      );
    });
  const kql = fc
    .record({ n: depth, shape: fc.constantFrom("parens", "not", "minus", "or") })
    .map(({ n, shape }) => {
      const q = {
        parens: `${"(".repeat(n)}zebra${")".repeat(n)}`,
        not: `${"NOT ".repeat(n)}zebra`,
        minus: `${"-(".repeat(n)}zebra`,
        or: Array(n).fill("zebra").join(" OR "),
      }[shape]!;
      const body = JSON.stringify({
        requests: [{ entityTypes: ["externalItem"], query: { queryString: q } }],
      });
      return request(
        "graph",
        "/v1.0/search/query",
        "POST",
        "https://graph.microsoft.com/v1.0/search/query",
        {
          authorization: `Bearer ${fw.credentials.graphUser}`,
          "content-type": "application/json",
        },
        body,
      );
    });
  const filter = fc.record({ n: depth, op: fc.constantFrom("or", "in", "spaces") }).map(({ n, op }) => {
    const f = {
      or: Array(n).fill("mail eq 'a@b.c'").join(" or "),
      in: `mail in (${Array(n).fill("'a@b.c'").join(",")})`,
      spaces: `mail eq${" ".repeat(n)}'x'`,
    }[op]!;
    return request(
      "graph",
      "/v1.0/users",
      "GET",
      `https://graph.microsoft.com/v1.0/users?$filter=${encodeURIComponent(f)}`,
      {
        authorization: `Bearer ${fw.credentials.graphApp}`,
      },
    );
  });
  const json = fc
    .record({
      n: depth,
      kind: fc.constantFrom<"array" | "object">("array", "object"),
      route: fc.constantFrom(
        {
          method: "PUT",
          url: `/v1.0/external/connections/${KNOWN.connection}/items/deep`,
          pattern: "/v1.0/external/connections/:connectionId/items/:itemId",
        },
        { method: "POST", url: "/v1.0/external/connections", pattern: "/v1.0/external/connections" },
        { method: "POST", url: "/v1.0/$batch", pattern: "/v1.0/$batch" },
      ),
    })
    .map(({ n, kind, route: { method, url, pattern } }) =>
      request(
        "graph",
        pattern,
        method,
        `https://graph.microsoft.com${url}`,
        {
          authorization: `Bearer ${fw.credentials.graphApp}`,
          "content-type": "application/json",
        },
        `{"acl":${deepJson(n, kind)},"requests":${deepJson(n, kind)}}`,
      ),
    );
  return httpProperty("grammars", fw, fc.oneof(cql, kql, filter, json), budget);
}

/** Mutated credentials on routes that need them: never a 2xx. */
export function tokensProperty(fw: FuzzWorld, budget: FuzzBudget): Promise<FuzzStats> {
  const { credentials: c } = fw;
  const graphTarget = fw.targets.find((t) => t.path === "/v1.0/external/connections" && t.method === "GET")!;
  const confluenceTarget = fw.targets.find((t) => t.path === "/wiki/api/v2/spaces")!;
  const gatewayTarget = fw.targets.find((t) => t.path === "/ex/confluence/:cloudId/wiki/api/v2/spaces")!;
  const cloudId = fw.world.confluence.store.site.cloudId;
  const graph = fc
    .oneof(
      mutatedJwt(`Bearer ${c.graphApp}`, `Bearer ${c.graphUser}`),
      mutatedJwt(`Bearer ${c.graphUser}`, `Bearer ${c.graphApp}`),
    )
    .map((m) => ({ target: graphTarget, url: "https://graph.microsoft.com/v1.0/external/connections", m }));
  const basic = mutatedBasic(c.confluenceBasic).map((m) => ({
    target: confluenceTarget,
    url: "https://contoso.atlassian.net/wiki/api/v2/spaces",
    m,
  }));
  const oauth = mutatedOpaque(c.confluenceOAuth).map((m) => ({
    target: gatewayTarget,
    url: `https://api.atlassian.com/ex/confluence/${cloudId}/wiki/api/v2/spaces`,
    m,
  }));
  const arb = fc.oneof(graph, basic, oauth).map(
    ({ target, url, m }): FuzzRequest => ({
      target,
      method: "GET",
      url,
      headers: { authorization: m.header },
      forged: m.changed,
      how: m.how,
    }),
  );
  return httpProperty("tokens", fw, arb, budget);
}

/** Scenario YAML with deep nesting and aliases: a LoadError or a scenario, never anything else. */
export async function yamlProperty(budget: FuzzBudget): Promise<FuzzStats> {
  const stats = newStats("yaml");
  let shrinking = false;
  const nested = fc
    .record({ n: fc.integer({ min: 1, max: 5000 }), flow: fc.boolean() })
    .map(({ n, flow }) =>
      flow
        ? `name: x\nsteps: ${"[".repeat(n)}${"]".repeat(n)}\n`
        : `name: x\nsteps:\n${Array.from({ length: Math.min(n, 300) }, (_, i) => `${"  ".repeat(i + 1)}- k:`).join("\n")}\n`,
    );
  const aliases = fc
    .record({ anchors: fc.integer({ min: 1, max: 12 }), fanout: fc.integer({ min: 1, max: 12 }) })
    .map(({ anchors, fanout }) =>
      [
        "name: x",
        "steps:",
        "  - &a0 { clock: { advance: 1h } }",
        ...Array.from(
          { length: anchors },
          (_, i) => `  - &a${i + 1} [${Array(fanout).fill(`*a${i}`).join(", ")}]`,
        ),
        "",
      ].join("\n"),
    );
  return checkWithin(
    fc.property(fc.oneof(nested, aliases, fc.string({ maxLength: 300 })), (text) => {
      if (!shrinking) stats.cases++;
      try {
        loadScenarioText(text, "fuzz.yaml");
      } catch (error) {
        if (error instanceof LoadError) return true;
        if (!shrinking) stats.problems["server-error"]++;
        shrinking = true;
        return false;
      }
      return true;
    }),
    budget,
    stats,
    (text, error) => ({
      counterexample: JSON.stringify(String(text).slice(0, 300)),
      detail: String(error ?? "threw something other than a LoadError"),
    }),
  );
}

/** Every fuzz property by name, each with its share of a full `npm run fuzz -- --suite twins` run. */
export const FUZZ_PROPERTIES = {
  routes: { run: routesProperty, share: 0.6 },
  grammars: { run: grammarsProperty, share: 0.15 },
  tokens: { run: tokensProperty, share: 0.2 },
  yaml: { run: (_fw: FuzzWorld, budget: FuzzBudget) => yamlProperty(budget), share: 0.05 },
} as const;
