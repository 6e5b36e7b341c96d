/**
 * What proxy mode costs: the same Confluence route (`GET /wiki/api/v2/pages?limit=25`, replayed from
 * the response cache under a frozen clock, so the transport dominates) over
 * - `https`: the https listener directly (`https://127.0.0.1:PORT/wiki/…`), keep-alive;
 * - `proxy`: `https://contoso.atlassian.net/wiki/…` through `CONNECT` tunnels, keep-alive (what a
 *   proxy agent does: one tunnel and one TLS handshake per connection);
 * - `proxy-new-tunnel`: a new tunnel and TLS handshake per request (a client without keep-alive);
 * - `http` vs `proxy-http`: the plain listener vs absolute-form requests to the proxy.
 * Requests/s and the server's CPU µs per request (steadier on a shared machine). The server runs in
 * its own process; this process is the load generator (10 connections).
 *
 *   npx tsx bench/proxy.ts [--duration 4] [--rounds 3]
 */
import { spawn } from "node:child_process";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { loadavg } from "node:os";
import { serveWorld } from "../src/cli/serve.ts";
import { TunnelAgent } from "../test/host/tunnel-agent.ts";
import { arg, writeResult } from "./support.ts";

const PATH = "/wiki/api/v2/pages?limit=25";
const AUTH = `Basic ${Buffer.from("svc-crawler@contoso.com:crawler-token").toString("base64")}`;
const CONNECTIONS = 10;

interface Ports {
  https: number;
  http: number;
  proxy: number;
  ca: string;
}

/** Child process: the served world (frozen clock), its https and http listeners and the proxy. */
async function serve(): Promise<void> {
  process.on("SIGUSR2", () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${user + system}\n`);
  });
  const world = serveWorld({ clock: "frozen" });
  const https = await world.listen({ https: true });
  const http = await world.listen();
  const proxy = await world.listenProxy({ port: 0 });
  const ca = (await world.certificateAuthority()).cert;
  process.stdout.write(`${JSON.stringify({ https: https.port, http: http.port, proxy: proxy.port, ca })}\n`);
}

async function startServer() {
  const child = spawn(process.execPath, ["--import", "tsx", import.meta.filename, "--serve", "1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const nextLine = () =>
    new Promise<string>((resolve) => child.stdout.once("data", (d) => resolve(String(d).trim())));
  const ports = JSON.parse(await nextLine()) as Ports;
  const cpuMicros = async () => {
    const line = nextLine();
    child.kill("SIGUSR2");
    return Number(await line);
  };
  return { ports, cpuMicros, stop: () => child.kill() };
}

type Send = () => Promise<number>;

/** One GET; resolves with the status once the body is read. */
function getter(
  request: typeof httpRequest | typeof httpsRequest,
  url: string,
  agent: HttpAgent | HttpsAgent,
  options: { host?: string; port?: number; path?: string; ca?: string } = {},
): Send {
  return () =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const req = request(
        {
          host: options.host ?? target.hostname,
          port: options.port ?? target.port,
          path: options.path ?? `${target.pathname}${target.search}`,
          ca: options.ca,
          agent,
          headers: { authorization: AUTH, host: target.host },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end();
    });
}

/** CONNECTIONS loops sending back to back for `seconds`. */
async function drive(send: Send, seconds: number) {
  let done = 0;
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const status = await send();
      if (status === 200) done++;
      else failed++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  return { done, failed, seconds: (performance.now() - started) / 1000 };
}

type Measurement = Awaited<ReturnType<typeof measure>>;

async function measure(server: Awaited<ReturnType<typeof startServer>>, send: Send, seconds: number) {
  await drive(send, 2); // warm-up: JIT, tunnels, leaf certificates, the response cache
  const before = await server.cpuMicros();
  const run = await drive(send, seconds);
  const after = await server.cpuMicros();
  return {
    requestsPerSecond: Math.round(run.done / run.seconds),
    serverCpuMicrosPerRequest: Math.round(((after - before) / run.done) * 10) / 10,
    failed: run.failed,
  };
}

async function main() {
  if (arg("serve", "")) return serve();
  const seconds = Number(arg("duration", "4"));
  const rounds = Number(arg("rounds", "3"));
  const server = await startServer();
  const { ports } = server;
  const { ca } = ports;
  const proxyUrl = new URL(`http://127.0.0.1:${ports.proxy}`);
  const keepAlive = { keepAlive: true, maxSockets: CONNECTIONS };
  const site = `https://contoso.atlassian.net${PATH}`;
  const modes: Record<string, Send> = {
    https: getter(
      httpsRequest,
      `https://127.0.0.1:${ports.https}${PATH}`,
      new HttpsAgent({ ...keepAlive, ca }),
    ),
    proxy: getter(httpsRequest, site, new TunnelAgent(proxyUrl, ca, true)),
    "proxy-new-tunnel": getter(httpsRequest, site, new TunnelAgent(proxyUrl, ca, false)),
    http: getter(httpRequest, `http://127.0.0.1:${ports.http}${PATH}`, new HttpAgent(keepAlive)),
    "proxy-http": getter(httpRequest, `http://contoso.atlassian.net${PATH}`, new HttpAgent(keepAlive), {
      host: "127.0.0.1",
      port: ports.proxy,
      path: `http://contoso.atlassian.net${PATH}`,
    }),
  };
  // Modes in a rotated order each round, medians over rounds: on a shared machine speed drifts
  // between minutes more than the modes differ, and whatever runs first pays for warming up.
  const names = Object.keys(modes);
  const samples: Record<string, Measurement[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      samples[name].push(await measure(server, modes[name], seconds));
    }
  }
  server.stop();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results = Object.fromEntries(
    names.map((n) => [
      n,
      {
        requestsPerSecond: median(samples[n].map((m) => m.requestsPerSecond)),
        serverCpuMicrosPerRequest: median(samples[n].map((m) => m.serverCpuMicrosPerRequest)),
        failed: samples[n].reduce((sum, m) => sum + m.failed, 0),
        rounds: samples[n].map(({ requestsPerSecond, serverCpuMicrosPerRequest }) => ({
          requestsPerSecond,
          serverCpuMicrosPerRequest,
        })),
      },
    ]),
  );
  const ratio = (a: string, b: string) =>
    Math.round((results[a].requestsPerSecond / results[b].requestsPerSecond) * 100) / 100;
  const cpu = (a: string, b: string) =>
    Math.round((results[a].serverCpuMicrosPerRequest - results[b].serverCpuMicrosPerRequest) * 10) / 10;
  writeResult("proxy", {
    path: PATH,
    connections: CONNECTIONS,
    durationSeconds: seconds,
    rounds,
    loadAverage: Math.round(loadavg()[0] * 10) / 10,
    ...results,
    proxyVsHttps: ratio("proxy", "https"),
    newTunnelVsHttps: ratio("proxy-new-tunnel", "https"),
    proxyHttpVsHttp: ratio("proxy-http", "http"),
    proxyExtraCpuMicros: cpu("proxy", "https"),
    newTunnelExtraCpuMicros: cpu("proxy-new-tunnel", "https"),
    proxyHttpExtraCpuMicros: cpu("proxy-http", "http"),
    note: "keep-alive tunnels cost what the https listener costs (TLS is terminated in the same process); a new tunnel per request pays a TCP connect, a CONNECT and a TLS handshake",
  });
}

await main();
