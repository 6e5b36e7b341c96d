import { type Replay, type Service, type StoredResponse, serializedBody } from "./types.ts";

/** Bodies kept per service before the cache starts over (a crawl's unique pages never pile up). */
const DEFAULT_MAX_CHARS = 16 * 1024 * 1024;

interface ServiceCache {
  version: string;
  entries: Map<string, StoredResponse>;
  chars: number;
}

/**
 * Answers of GET routes kept per service under the service's own cache policy (see
 * `ResponseCachePolicy`): a repeated request with the same key, while the service's version is
 * unchanged, is answered without running its route. Only answers whose body the host built
 * (`json()`, `text()`, no body) are kept; they replay byte for byte with fresh request ids.
 */
export class ResponseCache {
  #services = new Map<Service, ServiceCache>();

  constructor(private readonly maxChars = DEFAULT_MAX_CHARS) {}

  /** The replay for `key`, if one was stored under the service's current version. */
  lookup(service: Service, version: string, key: string): Replay | undefined {
    const cache = this.#services.get(service);
    if (!cache || cache.version !== version) return undefined;
    const stored = cache.entries.get(key);
    if (!stored) return undefined;
    return { stored, fresh: service.cache?.fresh?.() ?? {} };
  }

  /**
   * Keeps `response` for `key` when the route left the service's version unchanged (a GET that
   * changed state is never replayed) and its body is known without reading the stream.
   */
  store(service: Service, versionBefore: string, key: string, response: Response, notes: string[]): void {
    if (service.cache?.version() !== versionBefore) return;
    const body = serializedBody(response) ?? (response.body === null ? "" : undefined);
    if (body === undefined) return;
    let cache = this.#services.get(service);
    if (!cache || cache.version !== versionBefore || cache.chars + body.length > this.maxChars) {
      cache = { version: versionBefore, entries: new Map(), chars: 0 };
      this.#services.set(service, cache);
    }
    cache.entries.set(key, {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
      body,
      notes: [...notes],
    });
    cache.chars += body.length;
  }

  clear(): void {
    this.#services.clear();
  }
}

/** A Fetch Response for a replayed answer (direct and msw transports, `$batch`). */
export function replayResponse({ stored, fresh }: Replay): Response {
  const headers = new Headers(stored.headers);
  for (const [name, value] of Object.entries(fresh)) headers.set(name, value);
  return new Response(stored.body === "" ? null : stored.body, {
    status: stored.status,
    statusText: stored.statusText,
    headers,
  });
}
