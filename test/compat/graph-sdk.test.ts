import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { ClientSecretCredential, UsernamePasswordCredential } from "@azure/identity";
import {
  BatchRequestContent,
  BatchResponseContent,
  Client,
  type Context,
  GraphError,
  type Middleware,
  MiddlewareFactory,
  ResponseType,
} from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interceptWithMsw, type RunningServer, startHttpServer } from "../../src/simulators/host/index.ts";
import { CONNECTOR_APP, defaultSchema, makeWorld, SEARCH_APP } from "../graph/world.ts";

/**
 * The real @microsoft/microsoft-graph-client 3.0.7 (default middleware chain: auth, RetryHandler,
 * RedirectHandler, telemetry) and @azure/identity credentials against the twins, over the direct
 * transport (terminal middleware + core HttpClient calling the direct fetch), over https
 * (customHosts, CA trusted via an undici Agent and the credential's tlsOptions), and through msw
 * with both clients entirely unconfigured (real hosts, global fetch, node:https).
 */

type World = ReturnType<typeof makeWorld>;

/** The terminal middleware of the direct transport: the host's fetch instead of sockets. */
class DirectFetchHandler implements Middleware {
  constructor(private readonly fetchImpl: typeof fetch) {}
  async execute(context: Context): Promise<void> {
    context.response = await this.fetchImpl(context.request, context.options);
  }
}

/** An @azure/core-rest-pipeline HttpClient over the direct fetch (what MSAL's network client uses). */
function directHttpClient(fetchImpl: typeof fetch): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const res = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers.toJSON(),
        body: typeof request.body === "string" ? request.body : undefined,
      });
      const headers = createHttpHeaders();
      res.headers.forEach((v, k) => {
        headers.set(k, v);
      });
      return { request, status: res.status, headers, bodyAsText: await res.text() };
    },
  };
}

interface Transport {
  name: string;
  graph(w: World, credential: ConstructorParameters<typeof TokenCredentialAuthenticationProvider>[0]): Client;
  credentialOptions(w: World): Record<string, unknown>;
  setup?(w: World): Promise<void>;
  teardown?(): Promise<void>;
}

let server: RunningServer | undefined;
let dispatcher: unknown;

const direct: Transport = {
  name: "direct",
  graph: (w, credential) => {
    const authProvider = new TokenCredentialAuthenticationProvider(credential, {
      scopes: ["https://graph.microsoft.com/.default"],
    });
    const chain = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
    chain.pop(); // HTTPMessageHandler
    chain.push(new DirectFetchHandler(w.fetch));
    return Client.initWithMiddleware({ middleware: chain });
  },
  credentialOptions: (w) => ({ httpClient: directHttpClient(w.fetch) }),
};

const https: Transport = {
  name: "https",
  setup: async (w) => {
    server = await startHttpServer(w.host, { https: true });
    // Node's fetch is undici; its Agent class is reachable through the global dispatcher.
    await fetch("data:text/plain,warm-up");
    const Agent = (globalThis as Record<symbol, { constructor: new (o: unknown) => unknown }>)[
      Symbol.for("undici.globalDispatcher.1")
    ].constructor;
    dispatcher = new Agent({ connect: { ca: server.ca } });
  },
  teardown: async () => {
    await server?.close();
    server = undefined;
  },
  graph: (_w, credential) => {
    const authProvider = new TokenCredentialAuthenticationProvider(credential, {
      scopes: ["https://graph.microsoft.com/.default"],
    });
    return Client.initWithMiddleware({
      authProvider,
      baseUrl: `${server!.url}/`,
      customHosts: new Set(["127.0.0.1"]),
      fetchOptions: { dispatcher } as RequestInit,
    });
  },
  credentialOptions: () => ({
    authorityHost: server!.url,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: server!.ca },
  }),
};

let msw: ReturnType<typeof interceptWithMsw> | undefined;

/** msw: the SDK and the credential completely unconfigured (real hosts, global fetch, node:https). */
const mswTransport: Transport = {
  name: "msw",
  setup: async (w) => {
    msw = interceptWithMsw(w.host);
  },
  teardown: async () => {
    msw?.close();
    msw = undefined;
  },
  graph: (_w, credential) =>
    Client.initWithMiddleware({
      authProvider: new TokenCredentialAuthenticationProvider(credential, {
        scopes: ["https://graph.microsoft.com/.default"],
      }),
    }),
  credentialOptions: () => ({}),
};

for (const transport of [direct, https, mswTransport]) {
  describe(`Graph SDK + @azure/identity over ${transport.name}`, () => {
    const w = makeWorld({ schemaProvisioningMs: 30_000 });
    let app: Client;
    const userClient = (upn: string) =>
      transport.graph(
        w,
        new UsernamePasswordCredential(
          w.directory.tenantId,
          SEARCH_APP,
          upn,
          "Passw0rd!",
          transport.credentialOptions(w),
        ),
      );

    beforeAll(async () => {
      await transport.setup?.(w);
      app = transport.graph(
        w,
        new ClientSecretCredential(
          w.directory.tenantId,
          CONNECTOR_APP,
          "s3cret",
          transport.credentialOptions(w),
        ),
      );
    });
    afterAll(async () => {
      await transport.teardown?.();
    });

    it("creates a connection, registers the schema and polls the operation to completion", async () => {
      const created = await app
        .api("/external/connections")
        .post({ id: "confluence", name: "Confluence", description: "Acme wiki" });
      expect(created).toMatchObject({ id: "confluence", state: "draft" });
      const raw = (await app
        .api("/external/connections/confluence/schema")
        .responseType(ResponseType.RAW)
        .patch(defaultSchema)) as Response;
      expect(raw.status).toBe(202);
      const location = raw.headers.get("location")!;
      expect(
        location.startsWith(transport.name === "https" ? server!.url : "https://graph.microsoft.com/v1.0/"),
      ).toBe(true);
      expect((await app.api(location).get()).status).toBe("inprogress");
      w.clock.advance(30_000);
      expect((await app.api(location).get()).status).toBe("completed");
      expect((await app.api("/external/connections/confluence").get()).state).toBe("ready");
      // The credential really went through the twin's identity platform.
      expect(w.host.journal.count({ service: "login", operationId: "token" })).toBeGreaterThanOrEqual(1);
      // MSAL has built-in metadata for login.microsoftonline.com; a custom authorityHost is discovered.
      const discovered = w.host.journal.count({ service: "login", operationId: "openidConfiguration" });

      expect(discovered).toBeGreaterThanOrEqual(transport.name === "https" ? 1 : 0);
    });

    it("ingests items with user, group, externalGroup and everyone ACLs and manages external groups", async () => {
      const d = w.directory;
      const alice = d.user("alice@contoso.onmicrosoft.com")!;
      const bob = d.user("bob@contoso.onmicrosoft.com")!;
      const group = await app
        .api("/external/connections/confluence/groups")
        .post({ id: "spaceSALES", displayName: "SALES viewers" });
      expect(group).toMatchObject({ id: "spaceSALES" });
      const member = await app
        .api("/external/connections/confluence/groups/spaceSALES/members")
        .post({ id: bob.id, type: "user" });
      expect(member).toMatchObject({ id: bob.id, type: "user" });
      const put = (id: string, title: string, acl: unknown[]) =>
        app.api(`/external/connections/confluence/items/${id}`).put({
          id,
          acl,
          properties: { title, url: `https://acme.atlassian.net/wiki/pages/${id}` },
          content: { type: "html", value: `<p>${title}</p>` },
        });
      await put("1", "Engineering roadmap", [
        { type: "group", value: d.group("Engineering")!.id, accessType: "grant" },
      ]);
      await put("2", "Sales roadmap", [{ type: "externalGroup", value: "spaceSALES", accessType: "grant" }]);
      await put("3", "Alice private roadmap", [{ type: "user", value: alice.id, accessType: "grant" }]);
      await put("4", "Public roadmap", [{ type: "everyone", value: "everyone", accessType: "grant" }]);
      const updated = await put("4", "Public roadmap", [
        { type: "everyone", value: d.tenantId, accessType: "grant" },
        { type: "user", value: bob.id, accessType: "deny" },
      ]);
      expect(updated.acl).toHaveLength(2);
      const got = await app.api("/external/connections/confluence/items/2").get();
      expect(got.properties.title).toBe("Sales roadmap");
    });

    it("search as two users returns different hits", async () => {
      const search = async (upn: string) => {
        const res = await userClient(upn)
          .api("/search/query")
          .post({
            requests: [
              {
                entityTypes: ["externalItem"],
                contentSources: ["/external/connections/confluence"],
                query: { queryString: "roadmap" },
              },
            ],
          });
        return (res.value[0].hitsContainers[0].hits ?? []).map((h: { hitId: string }) => h.hitId).sort();
      };
      expect(await search("alice@contoso.onmicrosoft.com")).toEqual(["1", "3", "4"]);
      expect(await search("bob@contoso.onmicrosoft.com")).toEqual(["2"]);
    });

    it("surfaces Graph errors as GraphError with code, request id and innerError detail", async () => {
      const err = await app
        .api("/external/connections/confluence/items/5")
        .put({ acl: [], properties: { title: "x" } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GraphError);
      const g = err as GraphError;
      expect(g.statusCode).toBe(400);
      expect(g.code).toBe("InvalidRequest");
      expect(g.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(g.body as string).innerError.code).toBe("AclRequired");
      const missing = await app
        .api("/external/connections/nope")
        .get()
        .catch((e: GraphError) => e);
      expect(missing.statusCode).toBe(404);
    });

    it("RetryHandler honours an injected 429 with Retry-After and succeeds", async () => {
      w.host.faults.set({
        rules: [
          {
            service: "graph",
            method: "GET",
            path: "/v1.0/external/connections/confluence",
            status: 429,
            retryAfter: 1,
            requests: [1],
          },
        ],
      });
      const started = Date.now();
      const conn = await app.api("/external/connections/confluence").get();
      expect(conn.id).toBe("confluence");
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      const retried = w.host.journal
        .entries({ operationId: "externalConnections.get" })
        .slice(-2)
        .map((e) => e.status);
      expect(retried).toEqual([429, 200]);
      w.host.faults.clear();
    });

    it("JSON batching with the SDK's BatchRequestContent / BatchResponseContent", async () => {
      const base = transport.name === "https" ? `${server!.url}/v1.0` : "https://graph.microsoft.com/v1.0";
      const headers = { "content-type": "application/json" };
      const content = new BatchRequestContent([
        {
          id: "1",
          request: new Request(`${base}/external/connections/confluence/items/b1`, {
            method: "PUT",
            headers,
            body: JSON.stringify({
              acl: [{ type: "everyone", value: "everyone", accessType: "grant" }],
              properties: { title: "Batched" },
            }),
          }),
        },
        {
          id: "2",
          request: new Request(`${base}/external/connections/confluence/items/b1`),
          dependsOn: ["1"],
        },
      ]);
      const raw = await app.api("/$batch").post(await content.getContent());
      const responses = new BatchResponseContent(raw);
      expect(responses.getResponseById("1").status).toBe(200);
      const second = responses.getResponseById("2");
      expect(second.status).toBe(200);
      expect((await second.json()).properties.title).toBe("Batched");
    });

    it("deletes the connection (202) and the SDK resolves", async () => {
      await app.api("/external/connections/confluence").delete();
      const gone = await app
        .api("/external/connections/confluence")
        .get()
        .catch((e: GraphError) => e);
      expect(gone.statusCode).toBe(404);
    });
  });
}
