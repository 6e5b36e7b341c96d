import { Client, ResponseType } from "@microsoft/microsoft-graph-client";
import { ConnectorError, httpFailure } from "../errors.ts";
import type { ItemIdResolver } from "../resolvers.ts";
import { createLimiter, type RetryPolicy } from "../retry.ts";
import { bodyText, type CallStats, type HttpClient, type Runtime } from "../runtime.ts";
import type { SchemaProperty } from "../schema.ts";
import { Batcher, type SubRequest, type SubResponse } from "./batch.ts";
import { graphMiddleware } from "./middleware.ts";
import { clientCredentials } from "./token.ts";

export interface AclEntry {
  type: "user" | "group" | "everyone" | "everyoneExceptGuests" | "externalGroup";
  value: string;
  accessType: "grant" | "deny";
}

export interface ExternalItem {
  id: string;
  acl?: AclEntry[];
  properties: Record<string, unknown>;
  content: { type: "html" | "text"; value: string };
}

export interface ConnectionInfo {
  id: string;
  state?: string;
  activitySettings?: { urlToItemResolvers?: ItemIdResolver[] };
}

export interface GraphClientOptions {
  runtime: Runtime;
  policy: RetryPolicy;
  stats: CallStats;
  loginHttp: HttpClient;
  concurrency: number;
  baseUrl: string;
  version: string;
  loginUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  connectionId: string;
  /** Writes per JSON batch (1 = no batching, max 20). */
  batchSize?: number;
}

/**
 * Graph connectors calls through @microsoft/microsoft-graph-client with our middleware chain
 * (docs/fidelity/graph.md): ensure connection, schema + operation polling, items, external
 * groups, and the directory lookups identity mapping needs. Answers are read raw so one mapping
 * turns every failure into a connector error code.
 */
export class GraphClient {
  readonly #client: Client;
  readonly #limit: <T>(task: () => Promise<T>) => Promise<T>;
  readonly #connection: string;
  readonly #tokens: ReturnType<typeof clientCredentials>;
  readonly #batcher: Batcher | undefined;

  constructor(private readonly options: GraphClientOptions) {
    const origin = new URL(options.baseUrl).origin;
    const tokens = clientCredentials(options.loginHttp, options.runtime, {
      loginUrl: options.loginUrl,
      tenantId: options.tenantId,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      graphBaseUrl: origin,
    });
    this.#tokens = tokens;
    this.#client = Client.initWithMiddleware({
      baseUrl: `${origin}/`,
      defaultVersion: options.version,
      middleware: graphMiddleware({
        runtime: options.runtime,
        policy: options.policy,
        stats: options.stats,
        graphOrigin: origin,
        token: () => tokens.token(),
      }),
    });
    this.#limit = createLimiter(options.concurrency);
    this.#connection = `/external/connections/${encodeURIComponent(options.connectionId)}`;
    if ((options.batchSize ?? 1) > 1) {
      this.#batcher = new Batcher(
        async (requests) => {
          const r = await this.call("post", "/$batch", {
            requests: requests.map((q) => ({
              id: q.id,
              method: q.method,
              url: q.url,
              ...(q.body === undefined
                ? {}
                : { body: q.body, headers: { "content-type": "application/json" } }),
            })),
          });
          return ((r.json as { responses?: SubResponse[] } | undefined)?.responses ?? []).map((x) => ({
            ...x,
            id: String(x.id),
          }));
        },
        Math.min(20, options.batchSize ?? 1),
        options.policy,
        options.runtime,
        options.baseUrl,
        (status) => {
          options.stats.retries.graph++;
          if (status === 429) options.stats.throttled.graph++;
        },
      );
    }
  }

  /**
   * Value for `everyone` ACEs: the tenant GUID from the app token, the configured id when it is
   * a GUID, else the literal "everyone" Microsoft's samples send.
   */
  async everyoneValue(): Promise<string> {
    const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (guid.test(this.options.tenantId)) return this.options.tenantId;
    return (await this.#tokens.tenantGuid()) ?? "everyone";
  }

  /** One call; `allow` lists statuses returned to the caller instead of thrown. */
  async call(
    method: "get" | "post" | "put" | "patch" | "delete",
    path: string,
    body?: unknown,
    allow: number[] = [],
  ): Promise<{ status: number; headers: Headers; json: unknown }> {
    return this.#limit(async () => {
      const send = async (): Promise<Response> => {
        // Token problems (bad secret: 1002, expired secret: 1005) surface with their own code here,
        // rather than wrapped by the SDK; the middleware then reuses the cached token.
        await this.#tokens.token();
        try {
          const request = this.#client.api(path).responseType(ResponseType.RAW);
          return (await (method === "get" || method === "delete"
            ? request[method]()
            : request[method](body))) as Response;
        } catch (error) {
          const cause =
            error instanceof Error
              ? ((error.cause as Error | undefined)?.message ?? error.message)
              : String(error);
          throw new ConnectorError(1000, `graph unreachable: ${cause}`, { service: "graph" });
        }
      };
      let refreshed = false;
      for (let attempt = 1; ; attempt++) {
        let response = await send();
        if (response.status === 401 && !allow.includes(401) && !refreshed) {
          // A token revoked or signed with rotated keys: get a new one once before giving up.
          await response.body?.cancel().catch(() => {});
          this.#tokens.invalidate();
          refreshed = true;
          response = await send();
        }
        let text: string;
        try {
          text = await bodyText(response);
        } catch (error) {
          // An answer cut short: its status may be a write that happened, but the body (a created
          // connection, a batch's answers, an error's code) is lost. Writes are idempotent: ask again.
          if (attempt >= this.options.policy.maxAttempts) {
            throw new ConnectorError(1000, `graph sent an unreadable body for ${path}: ${String(error)}`, {
              service: "graph",
            });
          }
          this.options.stats.retries.graph++;
          await this.options.runtime.sleep(this.options.policy.baseDelayMs);
          continue;
        }
        return this.#answer(response, text, path, allow);
      }
    });
  }

  /** A failure status (unless allowed) → its connector error; otherwise status, headers and JSON. */
  #answer(response: Response, text: string, path: string, allow: number[]) {
    if (!response.ok && !allow.includes(response.status)) {
      throw httpFailure("graph", response.status, text, `${this.options.baseUrl}${path}`);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json };
  }

  async getConnection(): Promise<ConnectionInfo | undefined> {
    const r = await this.call("get", this.#connection, undefined, [404]);
    return r.status === 404 ? undefined : (r.json as ConnectionInfo);
  }

  async createConnection(body: Record<string, unknown>): Promise<ConnectionInfo> {
    const r = await this.call(
      "post",
      "/external/connections",
      { id: this.options.connectionId, ...body },
      [409],
    );
    if (r.status === 409) return (await this.getConnection()) ?? { id: this.options.connectionId };
    return r.json as ConnectionInfo;
  }

  async updateConnection(body: Record<string, unknown>): Promise<void> {
    await this.call("patch", this.#connection, body);
  }

  async getSchema(): Promise<{ properties?: SchemaProperty[] } | undefined> {
    const r = await this.call("get", `${this.#connection}/schema`, undefined, [400, 404]);
    return r.status === 200 ? (r.json as { properties?: SchemaProperty[] }) : undefined;
  }

  /** PATCH schema (202 + Location) and poll the operation until completed; failed → error. */
  async registerSchema(schema: unknown, pollEveryMs = 10_000, maxPolls = 180): Promise<void> {
    const r = await this.call("patch", `${this.#connection}/schema`, schema);
    const location = r.headers.get("location");
    if (r.status !== 202 || !location) return;
    const opPath = operationPath(location, this.options.version);
    for (let i = 0; i < maxPolls; i++) {
      const op = (await this.call("get", opPath)).json as { status?: string; error?: { message?: string } };
      if (op?.status === "completed") return;
      if (op?.status === "failed")
        throw new ConnectorError(
          5000,
          `schema registration failed: ${op.error?.message ?? "no reason given"}`,
          {
            service: "graph",
          },
        );
      await this.options.runtime.sleep(pollEveryMs);
    }
    throw new ConnectorError(5000, `schema operation still in progress after ${maxPolls} polls`, {
      service: "graph",
    });
  }

  /** A write, sent alone or inside a JSON batch when `batchSize` > 1. */
  async #write(
    method: SubRequest["method"],
    path: string,
    body?: unknown,
    allow: number[] = [],
  ): Promise<void> {
    if (this.#batcher) await this.#batcher.submit({ method, url: path, body, allow });
    else await this.call(method.toLowerCase() as "put" | "post" | "delete", path, body, allow);
  }

  async putItem(item: ExternalItem): Promise<void> {
    const { id, ...body } = item;
    await this.#write("PUT", `${this.#connection}/items/${encodeURIComponent(id)}`, body);
  }

  /** Idempotent: an item already gone counts as deleted. */
  async deleteItem(id: string): Promise<void> {
    await this.#write("DELETE", `${this.#connection}/items/${encodeURIComponent(id)}`, undefined, [404]);
  }

  /** Creates the group if missing (409 = exists). */
  async ensureGroup(id: string, displayName: string, description: string): Promise<void> {
    await this.call("post", `${this.#connection}/groups`, { id, displayName, description }, [409]);
  }

  async deleteGroup(id: string): Promise<void> {
    await this.call("delete", `${this.#connection}/groups/${encodeURIComponent(id)}`, undefined, [404]);
  }

  async addMember(groupId: string, memberId: string, type: "user" | "group" | "externalGroup" = "user") {
    await this.#write(
      "POST",
      `${this.#connection}/groups/${encodeURIComponent(groupId)}/members`,
      { id: memberId, type },
      [409],
    );
  }

  async removeMember(groupId: string, memberId: string): Promise<void> {
    await this.#write(
      "DELETE",
      `${this.#connection}/groups/${encodeURIComponent(groupId)}/members/${encodeURIComponent(memberId)}`,
      undefined,
      [404],
    );
  }

  /** UPNs → Entra object ids (15 per `in` filter); missing UPNs are absent from the map. */
  async usersByUpn(upns: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unique = [...new Set(upns.map((u) => u.toLowerCase()))];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += 15) chunks.push(unique.slice(i, i + 15));
    await Promise.all(
      chunks.map(async (chunk) => {
        const list = chunk.map((u) => `'${u.replaceAll("'", "''")}'`).join(",");
        const filter = encodeURIComponent(`userPrincipalName in (${list})`);
        let path: string | undefined = `/users?$filter=${filter}&$select=id,userPrincipalName&$top=999`;
        while (path) {
          const r = await this.call("get", path);
          const page = r.json as {
            value?: Array<{ id: string; userPrincipalName: string }>;
            "@odata.nextLink"?: string;
          };
          for (const u of page.value ?? []) found.set(u.userPrincipalName.toLowerCase(), u.id);
          path = page["@odata.nextLink"];
        }
      }),
    );
    return found;
  }
}

/** The operation URL from `Location`, as a path the SDK accepts (absolute URLs work too). */
function operationPath(location: string, version: string): string {
  if (!/^https?:/.test(location)) return location;
  const u = new URL(location);
  const prefix = `/${version}`;
  return u.pathname.startsWith(prefix) ? u.pathname.slice(prefix.length) + u.search : location;
}
