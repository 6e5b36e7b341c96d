import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { TLSSocket } from "node:tls";
import { CertificateAuthority } from "./certificates.ts";
import type { SimHost } from "./host.ts";
import { createRequestListener } from "./http.ts";

/** First byte of a TLS handshake record: what a tunnelled https client sends first. */
const TLS_HANDSHAKE = 0x16;

export interface ProxyOptions {
  /** Port on `hostname` (0 picks a free one). Dev Proxy's default is 8000. */
  port?: number;
  hostname?: string;
  /** The CA that signs each tunnelled host's certificate (clients trust its file). */
  authority: CertificateAuthority;
  /** Called once per host the proxy refused (no simulated service answers there). */
  onRefused?(hostname: string): void;
}

export interface RunningProxy {
  /** `http://127.0.0.1:PORT`: what HTTPS_PROXY / HTTP_PROXY name. */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * An HTTP forward proxy in front of the twins, for clients that hard-code the real hosts: `CONNECT`
 * tunnels (TLS terminated with a certificate from cgsim's CA for the requested host) and
 * absolute-form requests (`GET http://host/path`, also `https://` as axios sends them) reach the
 * host's dispatch exactly as the msw transport does — by the real host the services declare.
 * Any other host gets a 502 naming it and the hosts cgsim serves; nothing leaves the machine.
 * Requests with a bare path (origin-form) are served as on the plain http listener.
 */
export async function startProxy(host: SimHost, options: ProxyOptions): Promise<RunningProxy> {
  // Key generation starts now, while the client starts; a failure shows at the first CONNECT.
  options.authority.leafKeyPair().catch(() => {});
  const dispatch = createRequestListener(host);
  const refused = new Set<string>();
  const toTwins = (hostname: string, req: IncomingMessage, res: ServerResponse) => {
    if (host.isSimulatedHost(hostname)) {
      dispatch(req, res);
      return;
    }
    if (!refused.has(hostname)) {
      refused.add(hostname);
      options.onRefused?.(hostname);
    }
    refuse(res, hostname, host.hosts);
  };
  // Requests inside a tunnel name their host in the Host header (what the dispatch reads too).
  const tunnelled = createServer((req, res) => toTwins(hostOf(req.headers.host), req, res));
  const server = createServer((req, res) => {
    const target = req.url ?? "/";
    if (/^https?:\/\//i.test(target)) toTwins(hostnameOfUrl(target), req, res);
    else dispatch(req, res);
  });
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  server.on("connection", track);
  server.on("connect", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    void tunnel(req, socket, head, tunnelled, options.authority, track);
  });
  server.keepAliveTimeout = 5_000;
  tunnelled.keepAliveTimeout = 5_000;
  const hostname = options.hostname ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8000, hostname, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${hostname}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Answers a CONNECT and hands the tunnel to the inner http server: through TLS with a leaf
 * certificate for the requested host when the client starts a handshake, as plain HTTP otherwise
 * (some agents tunnel http:// too).
 */
async function tunnel(
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  inner: Server,
  authority: CertificateAuthority,
  track: (socket: Socket) => void,
): Promise<void> {
  socket.on("error", () => socket.destroy());
  const hostname = hostOf(req.url);
  if (!CertificateAuthority.isValidHostname(hostname)) {
    socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    return;
  }
  socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
  const first = head.length > 0 ? head : await firstChunk(socket);
  if (!first) return;
  socket.unshift(first);
  if (first[0] !== TLS_HANDSHAKE) {
    inner.emit("connection", socket);
    return;
  }
  let context: Awaited<ReturnType<CertificateAuthority["contextFor"]>>;
  try {
    context = await authority.contextFor(hostname);
  } catch {
    socket.destroy();
    return;
  }
  const tls = new TLSSocket(socket, { isServer: true, secureContext: context });
  tls.on("error", () => tls.destroy());
  track(tls);
  inner.emit("connection", tls);
}

/** The first bytes a client sends through a fresh tunnel (undefined if it closes first). */
function firstChunk(socket: Socket): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      done();
      socket.pause();
      resolve(chunk);
    };
    const onEnd = () => {
      done();
      resolve(undefined);
    };
    const done = () => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
    };
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
  });
}

/** The host name of a `host[:port]` authority (`[::1]:443` → `::1`), lower case. */
function hostOf(authority: string | undefined): string {
  if (!authority) return "";
  return hostnameOfUrl(`http://${authority}`);
}

function hostnameOfUrl(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  } catch {
    return "";
  }
}

/** The 502 for a host no twin answers on: which host, and which ones cgsim serves. */
function refuse(res: ServerResponse, hostname: string, served: string[]): void {
  const body = JSON.stringify({
    error: {
      code: "cgsimUnknownHost",
      message: `cgsim's proxy serves only the simulated services; no twin answers on '${hostname || "(no host)"}'. Hosts served: ${served.join(", ")}. Add other hosts to NO_PROXY to reach them directly.`,
      host: hostname,
      served,
    },
  });
  res.writeHead(502, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
