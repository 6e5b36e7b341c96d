import type { DispatchResult, IncomingRequest } from "./types.ts";
import { serializedBody } from "./types.ts";

/** How much of the newest requests' headers and bodies the host keeps beside the journal. */
export interface ExchangeLimits {
  /** Requests whose headers and bodies are kept (the newest; older ones keep their journal line). */
  maxEntries?: number;
  /** Each body is cut after this many characters. */
  maxBodyChars?: number;
  /** Body characters kept over all entries; the oldest entries go first. */
  maxTotalChars?: number;
}

export const DEFAULT_EXCHANGE_LIMITS: Required<ExchangeLimits> = {
  maxEntries: 10_000,
  maxBodyChars: 64 * 1024,
  maxTotalChars: 16 * 1024 * 1024,
};

/** A body as kept: its text (maybe cut), or why there is none. */
export type CapturedBody =
  | { text: string; length: number; truncated: boolean }
  | { text: null; reason: string };

export interface ExchangeMessage {
  headers: [string, string][];
  body: CapturedBody;
}

/** One request's headers and bodies. `response` is null when the connection was dropped. */
export interface Exchange {
  request: ExchangeMessage;
  response: ExchangeMessage | null;
}

/**
 * Headers and bodies of the newest requests, by journal seq, within fixed limits (entries, chars
 * per body, chars in all), so a long crawl cannot grow memory without bound.
 */
export class ExchangeStore {
  readonly limits: Required<ExchangeLimits>;
  #entries = new Map<number, { exchange: Exchange; chars: number }>();
  #chars = 0;

  constructor(limits: ExchangeLimits = {}) {
    this.limits = { ...DEFAULT_EXCHANGE_LIMITS, ...limits };
  }

  /** Keeps what the host saw of request `seq` and what it answered. */
  async record(seq: number, request: IncomingRequest, result: DispatchResult): Promise<void> {
    const requestBody = await requestText(request);
    const exchange: Exchange = {
      request: {
        headers: request.headerList?.() ?? [],
        body: this.#capture(requestBody, "the route read it as a stream"),
      },
      response: result.kind === "drop" ? null : this.#response(result),
    };
    const chars =
      bodyChars(exchange.request.body) + (exchange.response ? bodyChars(exchange.response.body) : 0);
    this.#entries.set(seq, { exchange, chars });
    this.#chars += chars;
    for (const [oldest, kept] of this.#entries) {
      if (this.#entries.size <= this.limits.maxEntries && this.#chars <= this.limits.maxTotalChars) break;
      this.#entries.delete(oldest);
      this.#chars -= kept.chars;
    }
  }

  get(seq: number): Exchange | undefined {
    return this.#entries.get(seq)?.exchange;
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
    this.#chars = 0;
  }

  #response(result: Extract<DispatchResult, { kind: "response" }>): ExchangeMessage {
    if (result.replay) {
      const { stored, fresh } = result.replay;
      const headers = stored.headers.filter(([name]) => !(name in fresh));
      return { headers: [...headers, ...Object.entries(fresh)], body: this.#capture(stored.body, "") };
    }
    const { response } = result;
    const body = serializedBody(response) ?? (response.body === null ? "" : undefined);
    return { headers: [...response.headers], body: this.#capture(body, "the answer is a stream") };
  }

  #capture(text: string | undefined, reason: string): CapturedBody {
    if (text === undefined) return { text: null, reason };
    const max = this.limits.maxBodyChars;
    if (text.length <= max) return { text, length: text.length, truncated: false };
    // A copy, not a slice: a V8 slice would keep the whole body alive.
    return { text: Buffer.from(text.slice(0, max)).toString(), length: text.length, truncated: true };
  }
}

function bodyChars(body: CapturedBody): number {
  return body.text?.length ?? 0;
}

async function requestText(request: IncomingRequest): Promise<string | undefined> {
  try {
    return await request.bodyText?.();
  } catch {
    return undefined;
  }
}
