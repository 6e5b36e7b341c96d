import type { SetupServer } from "msw/node";
import type { SiteFixture } from "../fixture-formats/site-schema.ts";
import type { ConfluenceRoute } from "./confluence/context.ts";
import { confluencePlugin } from "./confluence/service.ts";
import { ConfluenceTwin } from "./confluence/twin.ts";
import type { DirectorySpec } from "./directory/model.ts";
import { directoryPlugin } from "./directory/service.ts";
import type { Directory } from "./directory/store.ts";
import { DirectoryTwin } from "./directory/twin.ts";
import { graphPlugin } from "./graph/service.ts";
import { GraphTwin, type GraphTwinOptions } from "./graph/twin.ts";
import { installAdminApi } from "./host/admin.ts";
import { CertificateAuthority } from "./host/certificates.ts";
import { SimClock } from "./host/clock.ts";
import { createDirectFetch } from "./host/direct.ts";
import type { ExchangeLimits } from "./host/exchanges.ts";
import type { FaultPlanSpec } from "./host/faults.ts";
import { SimHost } from "./host/host.ts";
import { type HttpServerOptions, type RunningServer, startHttpServer } from "./host/http.ts";
import { interceptWithMsw } from "./host/msw.ts";
import { type ProxyOptions, type RunningProxy, startProxy } from "./host/proxy.ts";

export type TransportName = "direct" | "msw" | "http";

export interface WorldOptions {
  site: SiteFixture;
  /**
   * The Confluence route table, when not every v2 and v1 route (tests that mount probes or one
   * module's routes).
   */
  confluenceRoutes?: ConfluenceRoute[];
  /** Entra directory (a directory file or fixture object); an empty `contoso.onmicrosoft.com` tenant when omitted. */
  directory?: DirectorySpec;
  /** Simulated start time (ISO 8601); default 2026-01-01T00:00:00Z. */
  start?: string;
  /** The world's clock (e.g. a `LiveClock` for `cgsim serve`); `start` is then ignored. */
  clock?: SimClock;
  faults?: FaultPlanSpec;
  /** Graph twin switches (quotas, ingestion rate, schema provisioning time, token lifetime). */
  graph?: Omit<GraphTwinOptions, "directory" | "clock" | "issuer">;
  /** Replay repeated GETs from the host's response cache (default true). */
  responseCache?: boolean;
  /** Keep the newest requests' headers and bodies for `/_sim/requests/detail` (cgsim serve does). */
  exchanges?: boolean | ExchangeLimits;
  /** Admin requests (`/_sim/…`) must send `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
}

/**
 * Everything one scenario (or one `cgsim serve`) runs against: the Confluence, Graph and directory
 * twins installed on one SimHost (each with its admin API) with one clock and one fault plan,
 * reachable through any of the three transports.
 */
export class World {
  readonly clock: SimClock;
  readonly host: SimHost;
  readonly confluence: ConfluenceTwin;
  readonly directory: Directory;
  readonly graph: GraphTwin;
  /** The direct transport: a fetch that dispatches in-process without sockets. */
  readonly fetch: typeof fetch;
  #msw: SetupServer | undefined;
  #servers: Array<RunningServer | RunningProxy> = [];
  #authority: Promise<CertificateAuthority> | undefined;

  /** Sent with the world's own admin calls (`admin()`) when the host requires one. */
  readonly #adminToken: string | undefined;

  constructor(options: WorldOptions) {
    this.#adminToken = options.adminToken;
    this.clock = options.clock ?? new SimClock(options.start ?? "2026-01-01T00:00:00.000Z");
    this.confluence = ConfluenceTwin.fromSpec(options.site.spec, this.clock, options.site.options);
    const entra = DirectoryTwin.fromSpec(
      options.directory ?? { tenant: "contoso.onmicrosoft.com" },
      this.clock,
      options.graph?.tokens,
    );
    this.directory = entra.store;
    this.graph = new GraphTwin({
      ...options.graph,
      directory: entra.store,
      issuer: entra.issuer,
      clock: this.clock,
    });
    this.host = new SimHost({
      twins: [
        confluencePlugin(this.confluence, options.confluenceRoutes),
        graphPlugin(this.graph),
        directoryPlugin(entra),
      ],
      clock: this.clock,
      faults: options.faults,
      responseCache: options.responseCache,
      exchanges: options.exchanges,
      adminToken: options.adminToken,
    });
    installAdminApi(this.host);
    this.fetch = createDirectFetch(this.host);
  }

  /**
   * A call to the admin API (`/_sim/…`) over the direct transport: addressed to loopback (the admin
   * API is never served on a twin's host) and with the admin token when the world has one.
   */
  admin(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#adminToken) headers.authorization = `Bearer ${this.#adminToken}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    return this.fetch(`http://127.0.0.1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Names of the services on the host (`confluence`, `atlassian-auth`, `graph`, `login`, …). */
  get serviceNames(): string[] {
    return this.host.services.map((s) => s.name);
  }

  /** Starts msw interception of every simulated host in this process (the msw transport). */
  intercept(): SetupServer {
    this.#msw ??= interceptWithMsw(this.host);
    return this.#msw;
  }

  /** Serves the host over http(s) on 127.0.0.1 (the http transport); https presents the world's CA. */
  async listen(options: HttpServerOptions = {}): Promise<RunningServer> {
    const authority = options.https ? (options.authority ?? (await this.certificateAuthority())) : undefined;
    const server = await startHttpServer(this.host, { ...options, authority });
    this.#servers.push(server);
    return server;
  }

  /**
   * Also serves the host as an HTTP forward proxy (Dev Proxy's port 8000 by default), so clients
   * that hard-code the real hosts reach the twins; `clientEnv` (src/scenarios/endpoints.ts) names
   * the variables a client process needs.
   */
  async listenProxy(options: Omit<ProxyOptions, "authority"> = {}): Promise<RunningProxy> {
    const proxy = await startProxy(this.host, { ...options, authority: await this.certificateAuthority() });
    this.#servers.push(proxy);
    return proxy;
  }

  /** The CA behind the world's https listener and proxy (one per world, made on first use). */
  certificateAuthority(): Promise<CertificateAuthority> {
    this.#authority ??= CertificateAuthority.create();
    return this.#authority;
  }

  async close(): Promise<void> {
    this.#msw?.close();
    this.#msw = undefined;
    await Promise.all(this.#servers.map((s) => s.close()));
    this.#servers = [];
  }
}
