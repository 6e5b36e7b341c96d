import { addRoute, createRouter, findRoute, type RouterContext } from "rou3";
import { Interner } from "../../util/interner.ts";
import { BodyTooLargeError } from "../../util/stream-text.ts";
import { Activity } from "./activity.ts";
import { adminAccess } from "./admin-guard.ts";
import { DEFAULT_MAX_BODY_BYTES, runAdmin, tooLarge } from "./body-limit.ts";
import { SimClock } from "./clock.ts";
import { HostContext, Replayed } from "./context.ts";
import { type ExchangeLimits, ExchangeStore } from "./exchanges.ts";
import { defaultFaultResponse, describeFault, FaultPlan, type FaultPlanSpec } from "./faults.ts";
import { fromFetchRequest } from "./fetch-incoming.ts";
import { globToRegExp } from "./glob.ts";
import { watchHeap } from "./heap.ts";
import { type JournalEntry, journalPath, RequestJournal } from "./journal.ts";
import { hasDotSegment, parseUrl, safeDecode } from "./paths.ts";
import { ResponseCache } from "./response-cache.ts";
import {
  type DispatchResult,
  type Handler,
  type HttpMethod,
  type IncomingRequest,
  json,
  type Route,
  type RouteContext,
  type Service,
  type TwinPlugin,
} from "./types.ts";

export type { DispatchResult } from "./types.ts";

export interface SimHostOptions {
  /** Twins to install (services, admin endpoints, state and reset). */
  twins?: TwinPlugin[];
  /** Services on their own, without admin endpoints, state or reset (tests of the host itself). */
  services?: Service[];
  clock?: SimClock;
  faults?: FaultPlanSpec;
  journalCapacity?: number;
  /**
   * Replay repeated GET answers from the response cache while the service's state is unchanged
   * (default true; services opt in with `Service.cache`). Off: every request runs its route.
   */
  responseCache?: boolean;
  /**
   * Keep the newest requests' headers and bodies beside the journal (`GET /_sim/requests/detail`),
   * within the given limits (true: the defaults). Off by default: it costs a little per request.
   */
  exchanges?: boolean | ExchangeLimits;
  /** Admin requests must send `Authorization: Bearer <adminToken>` (`cgsim serve --admin-token`). */
  adminToken?: string;
}

interface RouteEntry {
  service: Service;
  route: Route;
}

const ANY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
/**
 * Methods that may reach a route. Anything else (TRACE, CONNECT, a made-up token) is answered with
 * the owning service's 405 before any route runs: fetch cannot even build a Request for TRACE or
 * CONNECT, so no handler may see one.
 */
const ROUTABLE_METHODS = new Set([...ANY_METHODS, "HEAD", "OPTIONS"]);

/**
 * The host: one radix router over every service's route table, with the request journal, the
 * fault plan and the clock around it. Transports (direct fetch, msw, express) call `dispatch`.
 */
export class SimHost {
  readonly clock: SimClock;
  readonly journal: RequestJournal;
  readonly faults = new FaultPlan();
  /** Live observers of requests and admin writes (`/_sim/events`). */
  readonly activity = new Activity();
  /** Headers and bodies of the newest requests, when `SimHostOptions.exchanges` is on. */
  readonly exchanges: ExchangeStore | undefined;
  readonly services: Service[] = [];
  readonly twins: TwinPlugin[] = [];
  #router: RouterContext<RouteEntry> = createRouter<RouteEntry>();
  #adminHandlers = new Map<string, Handler>();
  #hostPatterns: RegExp[] = [];
  #servicesByHost = new Map<Service, RegExp[]>();
  #cache: ResponseCache | undefined;
  /** Journal entries share their host names (a handful of hosts, hundreds of thousands of entries). */
  #hostNames = new Interner<string>();
  /** Whether repeated GETs may be replayed from the response cache (`SimHostOptions.responseCache`). */
  readonly responseCache: boolean;
  readonly #adminToken: string | undefined;

  constructor(options: SimHostOptions) {
    this.#adminToken = options.adminToken;
    this.clock = options.clock ?? new SimClock();
    this.responseCache = options.responseCache !== false;
    this.#cache = this.responseCache ? new ResponseCache() : undefined;
    this.journal = new RequestJournal(options.journalCapacity);
    if (options.exchanges)
      this.exchanges = new ExchangeStore(options.exchanges === true ? {} : options.exchanges);
    if (options.faults) this.faults.set(options.faults);
    for (const twin of options.twins ?? []) this.install(twin);
    for (const service of options.services ?? []) this.addService(service);
  }

  /** Mounts a twin: its services, its admin endpoints, and its state and reset under `/_sim/`. */
  install(twin: TwinPlugin): void {
    for (const service of twin.services) this.addService(service);
    twin.installAdmin(this);
    this.twins.push(twin);
  }

  addService(service: Service): void {
    if (this.services.some((s) => s.name === service.name))
      throw new Error(`service ${service.name} added twice`);
    this.services.push(service);
    for (const route of service.routes) {
      addRoute(this.#router, route.method === "*" ? "" : route.method, route.path, { service, route });
    }
    const hostPatterns = service.hosts.map((h) => globToRegExp(h, "."));
    this.#hostPatterns.push(...hostPatterns);
    this.#servicesByHost.set(service, hostPatterns);
  }

  service<T extends Service = Service>(name: string): T {
    const found = this.services.find((s) => s.name === name);
    if (!found) throw new Error(`no service named ${name}`);
    return found as T;
  }

  /** Registers an admin endpoint under `/_sim/` (never journaled, never faulted). */
  admin(
    method: HttpMethod,
    path: string,
    handler: (ctx: RouteContext) => Response | Promise<Response>,
  ): void {
    this.#adminHandlers.set(`${method} ${path}`, handler);
  }

  /** Every admin endpoint registered so far, as `METHOD /_sim/…`. */
  get adminEndpoints(): string[] {
    return [...this.#adminHandlers.keys()];
  }

  /** True when `hostname` is one the simulated services answer on (or loopback). */
  servesHost(hostname: string): boolean {
    if (hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]") return true;
    return this.isSimulatedHost(hostname);
  }

  /** True when `hostname` is a real vendor host some service declares (`Service.hosts`); loopback is not. */
  isSimulatedHost(hostname: string): boolean {
    return this.#hostPatterns.some((re) => re.test(hostname));
  }

  /** The real host patterns the services answer on (`graph.microsoft.com`, `*.atlassian.net`, …). */
  get hosts(): string[] {
    return [...new Set(this.services.flatMap((s) => s.hosts))];
  }

  /** Each service's entry in `GET /_sim/state`: its twin's snapshot under the twin's first service, else null. */
  snapshot(): Record<string, unknown> {
    const state: Record<string, unknown> = {};
    for (const s of this.services) state[s.name] = null;
    for (const twin of this.twins) if (twin.services[0]) state[twin.services[0].name] = twin.snapshot();
    return state;
  }

  reset(): void {
    for (const twin of this.twins) twin.reset();
    this.journal.clear();
    this.exchanges?.clear();
    this.faults.clear();
    this.#cache?.clear();
  }

  /**
   * Journal, fault plan, route (or its cached answer). `parent` is the journal seq of the request
   * this one was made on behalf of (a `$batch`); such inner requests are journaled and faulted like
   * direct ones.
   */
  async dispatch(incoming: Request | IncomingRequest, parent?: number): Promise<DispatchResult> {
    const started = performance.now();
    watchHeap();
    const request =
      incoming instanceof Request ? fromFetchRequest(incoming, this.exchanges !== undefined) : incoming;
    const url = request.parsedUrl ?? parseUrl(request.url);
    // A target no URL parser accepts (a Host header with a space): what node answers to a bad request.
    if (!url) return { kind: "response", response: new Response(null, { status: 400 }) };
    const ctx = new HostContext(this, request, url);
    const notes = ctx.notes;
    const method = request.method.toUpperCase();
    // Dot segments were normalised away by the URL parser: the path the client named is not this one.
    const dotted = request.rawTarget !== undefined && hasDotSegment(request.rawTarget);

    // Requests a twin makes on a caller's behalf (`$batch`) never reach the admin API.
    const admin =
      dotted || parent !== undefined ? undefined : this.#adminHandlers.get(`${method} ${url.pathname}`);
    if (admin) {
      const access = adminAccess(request, url, {
        token: this.#adminToken,
        isTwinHost: (name) => this.isSimulatedHost(name),
      });
      if (access instanceof Response) return { kind: "response", response: access };
      if (access === undefined) {
        const response = await runAdmin(admin, ctx);
        if (method !== "GET") this.activity.changed();
        return { kind: "response", response };
      }
    }

    const match =
      ROUTABLE_METHODS.has(method) && !dotted ? findRoute(this.#router, method, url.pathname) : undefined;
    const service =
      match?.data.service ??
      this.#serviceForUnmatched(
        dotted ? request.rawTarget!.replaceAll("\\", "/") : url.pathname,
        url.hostname,
      );
    const entry: JournalEntry = {
      seq: this.journal.nextSeq(),
      at: this.clock.iso(),
      method,
      url: request.url,
      host: this.#hostNames.intern(url.host, url.host),
      path: journalPath(request.url, url),
      service: service?.name ?? null,
      operationId: match?.data.route.operationId ?? null,
      status: 0,
      durationMs: 0,
    };
    if (parent !== undefined) entry.batch = parent;
    ctx.seq = entry.seq;
    this.activity.arrived(entry, ctx.url);

    const limit = service?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    ctx.maxBodyBytes = limit;
    // A declared size over the limit is refused before anything is read (or any fault applies).
    if (Number(request.header("content-length") ?? 0) > limit && service) {
      notes.push(`refused: content-length ${request.header("content-length")} is over ${limit} bytes`);
      const response = tooLarge(service, ctx, limit);
      return this.#record(entry, notes, started, { kind: "response", response }, request);
    }
    if (dotted) {
      notes.push(`refused: the request target ${request.rawTarget} has a dot segment or a backslash`);
      const response = service ? service.notFound(ctx) : hostNotFound(url);
      return this.#record(entry, notes, started, { kind: "response", response }, request);
    }

    const fault = this.faults.decide({
      method,
      host: url.hostname,
      path: url.pathname,
      service: service?.name ?? null,
      serviceHosts: service?.hosts ?? [],
    });

    let result: DispatchResult;
    if (fault?.drop) {
      result = { kind: "drop", latencyMs: fault.latencyMs };
      entry.fault = describeFault(fault);
    } else if (fault?.status) {
      entry.fault = describeFault(fault);
      const response = service?.faultResponse
        ? service.faultResponse(fault.status, fault.retryAfter, ctx)
        : defaultFaultResponse(fault.status, fault.retryAfter);
      result = { kind: "response", response, latencyMs: fault.latencyMs };
    } else if (!fault && method === "GET" && match) {
      result = await this.#runCached(ctx, match.data, match.params, notes);
    } else {
      if (fault) entry.fault = describeFault(fault);
      const response = await this.#run(ctx, match?.data, match?.params, service);
      result = { kind: "response", response, latencyMs: fault?.latencyMs };
      if (fault?.truncate !== undefined && fault.truncate !== false) {
        result.truncateAt = typeof fault.truncate === "number" ? fault.truncate : -1;
      }
    }

    return this.#record(entry, notes, started, result, request);
  }

  /** Completes the request's journal entry from its result and records it. */
  async #record(
    entry: JournalEntry,
    notes: string[],
    started: number,
    result: DispatchResult,
    request: IncomingRequest,
  ): Promise<DispatchResult> {
    if (result.kind === "response") {
      entry.status = result.replay ? result.replay.stored.status : result.response.status;
      const retryAfter = result.replay
        ? (result.replay.stored.headers.find(([k]) => k === "retry-after")?.[1] ?? null)
        : result.response.headers.get("retry-after");
      if (retryAfter !== null && /^\d+$/.test(retryAfter)) entry.retryAfter = Number(retryAfter);
    }
    entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
    if (notes.length > 0) entry.notes = notes;
    this.journal.record(entry);
    if (this.exchanges) await this.exchanges.record(entry.seq, request, result);
    this.activity.request(entry);
    return result;
  }

  /** A fault-free GET: replayed from the response cache when its service allows, else run and kept. */
  async #runCached(
    ctx: RouteContext,
    entry: RouteEntry,
    params: Record<string, string> | undefined,
    notes: string[],
  ): Promise<DispatchResult> {
    const policy = entry.service.cache;
    if (!this.#cache || !policy) {
      return { kind: "response", response: await this.#run(ctx, entry, params, entry.service) };
    }
    const version = policy.version();
    const key = policy.key(ctx, entry.route);
    if (key === undefined) {
      return { kind: "response", response: await this.#run(ctx, entry, params, entry.service) };
    }
    const replay = this.#cache.lookup(entry.service, version, key);
    if (replay) {
      notes.push(...replay.stored.notes);
      return new Replayed(replay);
    }
    const response = await this.#run(ctx, entry, params, entry.service);
    this.#cache.store(entry.service, version, key, response, notes);
    return { kind: "response", response };
  }

  async #run(
    ctx: RouteContext,
    entry: RouteEntry | undefined,
    params: Record<string, string> | undefined,
    service: Service | undefined,
  ): Promise<Response> {
    if (!entry && !service) {
      return hostNotFound(ctx.url);
    }
    try {
      if (!entry) return this.#unmatched(ctx, service!);
      if (params) {
        for (const [k, v] of Object.entries(params)) ctx.params[k] = safeDecode(v);
      }
      return await entry.route.handler(ctx);
    } catch (error) {
      const what = entry ? `handler ${entry.route.operationId}` : `${service!.name}'s 404/405`;
      ctx.note(`${what} stopped: ${error instanceof Error ? error.message : String(error)}`);
      const owner = entry?.service ?? service!;
      if (error instanceof BodyTooLargeError) return tooLarge(owner, ctx, error.limit);
      return owner.internalError(ctx, error);
    }
  }

  /** The owning service's 405 (a known path, or a method no route may see) or 404. */
  #unmatched(ctx: RouteContext, service: Service): Response {
    if (
      service.methodNotAllowed &&
      (!ROUTABLE_METHODS.has(ctx.method) || this.#pathExistsForOtherMethod(ctx.url.pathname, ctx.method))
    ) {
      return service.methodNotAllowed(ctx);
    }
    return service.notFound(ctx);
  }

  #pathExistsForOtherMethod(path: string, method: string): boolean {
    return ANY_METHODS.some(
      (m) => m !== method.toUpperCase() && findRoute(this.#router, m, path) !== undefined,
    );
  }

  /**
   * Who renders the 404/405 of an unmatched request: the service owning the longest matching path
   * prefix, else the first service answering on the request's host (a real host's unknown path is
   * still that service's 404; only the shared http origin has paths nobody owns).
   */
  #serviceForUnmatched(path: string, hostname: string): Service | undefined {
    let best: Service | undefined;
    let bestLength = -1;
    for (const s of this.services) {
      for (const prefix of s.prefixes) {
        if (path.startsWith(prefix) && prefix.length > bestLength) {
          best = s;
          bestLength = prefix.length;
        }
      }
    }
    return best ?? this.services.find((s) => this.#servicesByHost.get(s)?.some((re) => re.test(hostname)));
  }
}

/** The host's own 404, for a path on the shared http origin that no service owns. */
function hostNotFound(url: URL): Response {
  return json({ error: "no simulated service serves this path", path: url.pathname }, 404);
}
