import type { SimClock } from "./clock.ts";
import { replayResponse } from "./response-cache.ts";
import type { DispatchResult, IncomingRequest, Replay, RouteContext } from "./types.ts";

/** What a request context needs of the host: its clock, and dispatch for `$batch` sub-requests. */
export interface RequestDispatcher {
  readonly clock: SimClock;
  dispatch(request: Request, parent?: number): Promise<DispatchResult>;
}

/**
 * What a route sees of one request: getters build the Fetch Request and the query only when read,
 * and the methods live on the prototype (per-request closures cost ~3 µs a request on the http
 * cache path). No private fields: services extend a context with `Object.create(ctx)`, and the
 * getters and methods must work with such an object as `this`.
 */
export class HostContext implements RouteContext {
  readonly params: Record<string, string> = {};
  readonly notes: string[] = [];
  /** Journal seq of this request, the parent of any `$batch` sub-request it dispatches. */
  seq = 0;

  constructor(
    readonly host: RequestDispatcher,
    readonly incoming: IncomingRequest,
    readonly url: URL,
  ) {}

  /** Largest body the route may read (the service's limit); set by the host before the route runs. */
  maxBodyBytes = Number.POSITIVE_INFINITY;

  get request(): Request {
    return this.incoming.toRequest(this.maxBodyBytes);
  }

  get method(): string {
    return this.incoming.method.toUpperCase();
  }

  get query(): URLSearchParams {
    return this.url.searchParams;
  }

  get clock(): SimClock {
    return this.host.clock;
  }

  header(name: string): string | null {
    return this.incoming.header(name);
  }

  text(): Promise<string> {
    return this.incoming.text(this.maxBodyBytes);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  dispatch(request: Request): Promise<DispatchResult> {
    return this.host.dispatch(request, this.seq);
  }
}

/** A dispatch result for a cache hit; the Fetch Response is built only if a transport asks. */
export class Replayed {
  readonly kind = "response";
  #response: Response | undefined;

  constructor(readonly replay: Replay) {}

  get response(): Response {
    this.#response ??= replayResponse(this.replay);
    return this.#response;
  }
}
