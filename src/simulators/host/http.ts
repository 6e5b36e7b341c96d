import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { lazyModule } from "../../util/lazy-module.ts";
import { BodyTooLargeError } from "../../util/stream-text.ts";
import { CertificateAuthority } from "./certificates.ts";
import { httpDate, type SimClock } from "./clock.ts";
import { bodyBytes, deliver, type Transport } from "./deliver.ts";
import type { SimHost } from "./host.ts";
import type { IncomingRequest, Replay, StoredResponse } from "./types.ts";

// Loaded on first use: most runs never serve through express or over https.
const expressModule = lazyModule<typeof import("express")>("express");

/**
 * The http(s) transport: every simulated host served under one origin on 127.0.0.1 (the
 * services' paths do not overlap: `/wiki/…`, `/ex/confluence/…`, `/v1.0/…`, …). The listener is a
 * plain node:http handler; `createExpressApp` wraps the same handler for embedding in an express
 * app. The server uses the bare listener because express 5 costs more than the twin's answer
 * (see bench/confluence-http.ts and docs/architecture.md).
 */
export function createRequestListener(host: SimHost): (req: IncomingMessage, res: ServerResponse) => void {
  const transport = toSocket(host.clock);
  return (req, res) => {
    void serve(host, transport, req, res);
  };
}

/** The same listener as an express 5 app (mount it in your own app, or hand it to supertest). */
export function createExpressApp(host: SimHost): Express {
  const app = expressModule()();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use(createRequestListener(host));
  return app;
}

async function serve(
  host: SimHost,
  transport: SocketTransport,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const incoming = new NodeIncoming(req);
    const result = await host.dispatch(incoming);
    // A refused body was not read to its end (or at all): the connection cannot carry another request.
    if (
      incoming.bodyRefused ||
      (result.kind === "response" && !result.replay && result.response.status === 413)
    ) {
      closeAfterAnswer(req, res);
    }
    const sending = deliver(result, transport, res);
    if (sending) await sending; // a cached answer is written synchronously
  } catch {
    if (!res.headersSent) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "the simulator could not read this request" }));
    } else {
      res.destroy();
    }
  }
}

type SocketTransport = Transport<ServerResponse, void | Promise<void>>;

/**
 * Writes answers to the node response; a drop or a truncation breaks the socket. Answers without a
 * `date` get the twins' time (node would add the machine's).
 */
function toSocket(clock: SimClock): SocketTransport {
  return {
    drop: (res) => {
      res.socket?.destroy();
    },
    send: (res, answer) => {
      if (answer.replay) writeReplay(res, answer.replay, clock);
      else if (isEventStream(answer.response)) streamEvents(res, answer.response);
      else return writeAnswer(res, answer.response, clock);
    },
    sendTruncated: (res, response, body, cut) => {
      writeHead(res, response, body, clock);
      res.write(body.subarray(0, cut), () => res.destroy());
    },
  };
}

async function writeAnswer(res: ServerResponse, response: Response, clock: SimClock): Promise<void> {
  res.end(writeHead(res, response, await bodyBytes(response), clock));
}

/** Status and headers (with the full body's content-length); returns the body to write. */
function writeHead(res: ServerResponse, response: Response, body: Buffer, clock: SimClock): Buffer {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    headers[key] = key === "set-cookie" ? response.headers.getSetCookie() : value;
  });
  if (response.status !== 204 && response.status !== 304) headers["content-length"] = String(body.length);
  headers.date ??= httpDate(clock.now());
  res.writeHead(response.status, response.statusText || undefined, headers);
  return body;
}

function isEventStream(response: Response): boolean {
  return (
    response.body !== null && (response.headers.get("content-type") ?? "").startsWith("text/event-stream")
  );
}

/** A live answer (`/_sim/events`): written as its chunks come, until either side stops. */
function streamEvents(res: ServerResponse, response: Response): void {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  res.writeHead(response.status, headers);
  res.flushHeaders();
  const reader = response.body!.getReader();
  const stop = () => void reader.cancel().catch(() => {});
  res.once("close", stop);
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      res.write(value);
    }
    res.end();
  })().catch(() => res.destroy());
}

/** A cached answer straight from its stored bytes: no Fetch objects on the way. */
function writeReplay(res: ServerResponse, { stored, fresh }: Replay, clock: SimClock): void {
  stored.wire ??= wireHeaders(stored, fresh);
  const headers = stored.wire.headers.slice();
  for (const name in fresh) headers.push(name, fresh[name]);
  if (!("date" in fresh) && !stored.headers.some(([name]) => name === "date")) {
    headers.push("date", httpDate(clock.now()));
  }
  res.writeHead(stored.status, stored.statusText || undefined, headers);
  res.end(stored.wire.bytes);
}

/**
 * The bytes and flat header list (`[name, value, name, value…]`, node's raw form) of a stored
 * answer, without the per-response headers each replay adds (a service's `fresh()` always names
 * the same headers).
 */
function wireHeaders(
  stored: StoredResponse,
  fresh: Record<string, string>,
): NonNullable<StoredResponse["wire"]> {
  const bytes = Buffer.from(stored.body);
  const headers = stored.headers.filter(([name]) => !(name in fresh)).flat();
  if (stored.status !== 204 && stored.status !== 304) headers.push("content-length", String(bytes.length));
  return { bytes, headers };
}

const utf8 = new TextDecoder();

/**
 * The host's view of a node request; the Fetch Request is built only if a route reads it, and the
 * body is read from the socket only when a route asks for it, up to the service's limit.
 */
class NodeIncoming implements IncomingRequest {
  readonly method: string;
  readonly url: string;
  readonly rawTarget: string;
  readonly listener: { port: number };
  /** The body passed its limit: the rest was never read, so the connection cannot be reused. */
  bodyRefused = false;
  #body: Promise<Buffer> | undefined;
  #request: Request | undefined;

  constructor(readonly req: IncomingMessage) {
    const target = req.url ?? "/";
    const proto = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
    // A proxy request names its whole URL (absolute-form, RFC 9112 §3.2.2); others name a path.
    this.url = /^https?:\/\//i.test(target)
      ? target
      : `${proto}://${req.headers.host ?? "127.0.0.1"}${target}`;
    this.method = req.method ?? "GET";
    // The path as sent (dot segments and all): an absolute-form target's, without scheme and host.
    this.rawTarget = target.replace(/^https?:\/\/[^/?#]*/i, "") || "/";
    this.listener = { port: req.socket.localPort ?? 0 };
  }

  header(name: string): string | null {
    const value = this.req.headers[name];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }

  async text(maxBytes = Number.POSITIVE_INFINITY): Promise<string> {
    return utf8.decode(await this.#read(maxBytes));
  }

  /**
   * For the exchange record, once the route is done: the body it read, else the body read now (up
   * to DRAIN_AFTER_REFUSAL bytes); rejects when the body was refused or is larger.
   */
  bodyText(): Promise<string> | string {
    if (!this.#body && (this.method === "GET" || this.method === "HEAD")) return "";
    return this.text(DRAIN_AFTER_REFUSAL);
  }

  headerList(): [string, string][] {
    const raw = this.req.rawHeaders;
    const out: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toLowerCase(), raw[i + 1]]);
    return out;
  }

  toRequest(maxBytes = Number.POSITIVE_INFINITY): Request {
    if (this.#request) return this.#request;
    const headers = new Headers();
    for (const [key, value] of Object.entries(this.req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
    }
    const bodyless = this.method === "GET" || this.method === "HEAD";
    const read = () => this.#read(maxBytes);
    const body = bodyless
      ? undefined
      : new ReadableStream<Uint8Array>({
          async start(controller) {
            try {
              controller.enqueue(await read());
              controller.close();
            } catch (error) {
              controller.error(error);
            }
          },
        });
    this.#request = new Request(this.url, {
      method: this.method,
      headers,
      body,
      duplex: "half",
    } as RequestInit);
    return this.#request;
  }

  #read(maxBytes: number): Promise<Buffer> {
    this.#body ??= readBody(this.req, maxBytes).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) this.bodyRefused = true;
      throw error;
    });
    return this.#body;
  }
}

/**
 * The request body, read off the socket until it ends or passes `maxBytes`: then reading stops
 * (the socket is paused, nothing more is buffered) and it rejects with BodyTooLargeError.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", reject);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        req.pause();
        reject(new BodyTooLargeError(maxBytes));
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", reject);
  });
}

/** Bytes of a refused body read (and dropped) after the answer, so clients get to read it. */
const DRAIN_AFTER_REFUSAL = 1 << 20;

/**
 * After a 413 the rest of the body is still on its way: answer with `connection: close`, then
 * read and drop at most DRAIN_AFTER_REFUSAL more bytes while the client reads the answer, and close
 * the socket (memory stays flat whatever the client still sends).
 */
function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("connection", "close");
  res.once("finish", () => {
    let drained = 0;
    req.on("data", (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > DRAIN_AFTER_REFUSAL) req.socket.destroy();
    });
    req.once("end", () => req.socket.end());
    req.resume();
  });
}

export interface HttpServerOptions {
  port?: number;
  hostname?: string;
  https?: boolean;
  /** The CA whose certificate the https listener presents (one is made when omitted). */
  authority?: CertificateAuthority;
  /**
   * "node" (default): the bare request listener. "express": the same listener inside an express 5
   * app, for comparing the two; express 5 alone costs ~100 µs a request on a 2-core machine.
   */
  engine?: "node" | "express";
}

export interface RunningServer {
  url: string;
  port: number;
  /** With `https`: path of the PEM file clients must trust (e.g. NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  ca?: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts the twins on 127.0.0.1 (port 0 picks a free port). */
export async function startHttpServer(
  host: SimHost,
  options: HttpServerOptions = {},
): Promise<RunningServer> {
  const app = options.engine === "express" ? createExpressApp(host) : createRequestListener(host);
  const hostname = options.hostname ?? "127.0.0.1";
  let server: Server;
  let caFile: string | undefined;
  let ca: string | undefined;
  if (options.https) {
    const authority = options.authority ?? (await CertificateAuthority.create());
    ca = authority.cert;
    caFile = authority.file;
    server = createHttpsServer({ key: authority.key, cert: authority.cert }, app) as unknown as Server;
  } else {
    server = createHttpServer(app);
  }
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, hostname, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.https ? "https" : "http"}://${hostname}:${port}`,
    port,
    caFile,
    ca,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
