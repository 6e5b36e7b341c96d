import { mkdtempSync, writeFileSync } from "node:fs";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express, { type Express } from "express";
import { generate } from "selfsigned";
import { bodyBytes, deliver, type Transport } from "./deliver.ts";
import type { SimHost } from "./host.ts";
import type { IncomingRequest, Replay, StoredResponse } from "./types.ts";

/**
 * The http(s) transport: every simulated host served under one origin on 127.0.0.1 (the
 * services' paths do not overlap: `/wiki/…`, `/ex/confluence/…`, `/v1.0/…`, …). The listener is a
 * plain node:http handler; `createExpressApp` wraps the same handler for embedding in an express
 * app. The server uses the bare listener because express 5 costs more than the twin's answer
 * (see bench/confluence-http.ts and docs/architecture.md).
 */
export function createRequestListener(host: SimHost): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serve(host, req, res);
  };
}

/** The same listener as an express 5 app (mount it in your own app, or hand it to supertest). */
export function createExpressApp(host: SimHost): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use(createRequestListener(host));
  return app;
}

async function serve(host: SimHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const method = req.method ?? "GET";
    const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req);
    const sending = deliver(await host.dispatch(new NodeIncoming(req, body)), toSocket, res);
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

/** Writes answers to the node response; a drop or a truncation breaks the socket. */
const toSocket: Transport<ServerResponse, void | Promise<void>> = {
  drop: (res) => {
    res.socket?.destroy();
  },
  send: (res, answer) => {
    if (answer.replay) writeReplay(res, answer.replay);
    else return writeAnswer(res, answer.response);
  },
  sendTruncated: (res, response, body, cut) => {
    writeHead(res, response, body);
    res.write(body.subarray(0, cut), () => res.destroy());
  },
};

async function writeAnswer(res: ServerResponse, response: Response): Promise<void> {
  res.end(writeHead(res, response, await bodyBytes(response)));
}

/** Status and headers (with the full body's content-length); returns the body to write. */
function writeHead(res: ServerResponse, response: Response, body: Buffer): Buffer {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    headers[key] = key === "set-cookie" ? response.headers.getSetCookie() : value;
  });
  if (response.status !== 204 && response.status !== 304) headers["content-length"] = String(body.length);
  res.writeHead(response.status, response.statusText || undefined, headers);
  return body;
}

/** A cached answer straight from its stored bytes: no Fetch objects on the way. */
function writeReplay(res: ServerResponse, { stored, fresh }: Replay): void {
  stored.wire ??= wireHeaders(stored, fresh);
  const headers = stored.wire.headers.slice();
  for (const name in fresh) headers.push(name, fresh[name]);
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

/** The host's view of a node request; the Fetch Request is built only if a route reads it. */
class NodeIncoming implements IncomingRequest {
  readonly method: string;
  readonly url: string;
  #request: Request | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly body: Uint8Array<ArrayBuffer> | undefined,
  ) {
    const proto = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
    this.url = `${proto}://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`;
    this.method = req.method ?? "GET";
  }

  header(name: string): string | null {
    const value = this.req.headers[name];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }

  text(): Promise<string> {
    return Promise.resolve(this.body ? utf8.decode(this.body) : "");
  }

  toRequest(): Request {
    if (this.#request) return this.#request;
    const headers = new Headers();
    for (const [key, value] of Object.entries(this.req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
    }
    this.#request = new Request(this.url, { method: this.method, headers, body: this.body });
    return this.#request;
  }
}

async function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface HttpServerOptions {
  port?: number;
  hostname?: string;
  https?: boolean;
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
    const pems = await selfSignedCertificate();
    ca = pems.cert;
    caFile = join(mkdtempSync(join(tmpdir(), "cgsim-ca-")), "cgsim-ca.pem");
    writeFileSync(caFile, pems.cert);
    server = createHttpsServer({ key: pems.private, cert: pems.cert }, app) as unknown as Server;
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

/** A certificate for 127.0.0.1, localhost and the real service names; it is its own CA. */
async function selfSignedCertificate() {
  return generate([{ name: "commonName", value: "cgsim local twins" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
          { type: 2, value: "graph.microsoft.com" },
          { type: 2, value: "login.microsoftonline.com" },
          { type: 2, value: "*.atlassian.net" },
          { type: 2, value: "api.atlassian.com" },
          { type: 2, value: "auth.atlassian.com" },
        ],
      },
    ],
  });
}
