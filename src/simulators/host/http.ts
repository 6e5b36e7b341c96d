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
import type { SimHost } from "./host.ts";
import { serializedBody } from "./types.ts";

/**
 * The http(s) transport: an express 5 app on 127.0.0.1 serving every simulated host under one
 * origin (the services' paths do not overlap: `/wiki/…`, `/ex/confluence/…`, `/v1.0/…`, …).
 */
export function createExpressApp(host: SimHost): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use((req, res) => {
    void serve(host, req, res);
  });
  return app;
}

async function serve(host: SimHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const request = await toFetchRequest(req);
    const result = await host.dispatch(request);
    if (result.latencyMs) await new Promise((r) => setTimeout(r, result.latencyMs));
    if (result.kind === "drop") {
      req.socket.destroy();
      return;
    }
    const { response, truncateAt } = result;
    const serialized = serializedBody(response);
    const body =
      serialized !== undefined ? Buffer.from(serialized) : Buffer.from(await response.arrayBuffer());
    const headers: Record<string, string | string[]> = {};
    response.headers.forEach((value, key) => {
      headers[key] = key === "set-cookie" ? response.headers.getSetCookie() : value;
    });
    if (response.status !== 204 && response.status !== 304) headers["content-length"] = String(body.length);
    res.writeHead(response.status, response.statusText || undefined, headers);
    if (truncateAt !== undefined) {
      const cut = truncateAt < 0 ? Math.floor(body.length / 2) : Math.min(truncateAt, body.length);
      res.write(body.subarray(0, cut), () => res.destroy());
      return;
    }
    res.end(body);
  } catch {
    if (!res.headersSent) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "the simulator could not read this request" }));
    } else {
      res.destroy();
    }
  }
}

async function toFetchRequest(req: IncomingMessage): Promise<Request> {
  const proto = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  const url = `${proto}://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`;
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
  }
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Request(url, { method, headers, body: Buffer.concat(chunks) });
}

export interface HttpServerOptions {
  port?: number;
  hostname?: string;
  https?: boolean;
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

/** Starts the express app on 127.0.0.1 (port 0 picks a free port). */
export async function startHttpServer(
  host: SimHost,
  options: HttpServerOptions = {},
): Promise<RunningServer> {
  const app = createExpressApp(host);
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
