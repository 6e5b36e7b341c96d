/**
 * Confluence twin over http vs a raw node:http server returning the same bytes, plus the direct
 * transport's requests/s. Target (issue 2): the http transport ≥ 0.7× raw.
 *
 * Servers measured, each in its own process (the load generator runs in this one):
 * - `raw`: node:http writing the captured bytes (the ceiling on this machine);
 * - `http`: the twins' http transport as `cgsim serve` runs it (a repeated GET is replayed from
 *   the response cache);
 * - `express`: the same listener inside express 5 (`engine: "express"`);
 * - `uncached`: the http transport with the response cache off (every request runs the route:
 *   what a crawler's unique URLs cost).
 *
 *   npx tsx bench/confluence-http.ts [--duration 4] [--rounds 3] [--pages 2000]
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import autocannon from "autocannon";
import { createConfluenceService } from "../src/simulators/confluence/service.ts";
import { ConfluenceTwin } from "../src/simulators/confluence/twin.ts";
import { SimClock } from "../src/simulators/host/clock.ts";
import { createDirectFetch } from "../src/simulators/host/direct.ts";
import { SimHost } from "../src/simulators/host/host.ts";
import { startHttpServer } from "../src/simulators/host/http.ts";
import { arg, writeResult } from "./support.ts";

const PATH = "/wiki/api/v2/pages?limit=25";
const AUTH = `Basic ${Buffer.from("alice@acme.example.com:token-alice").toString("base64")}`;

type ServerKind = "raw" | "http" | "express" | "uncached";

function buildHost(pages: number, responseCache = true): SimHost {
  const twin = ConfluenceTwin.fromSpec(
    {
      users: [{ name: "alice" }],
      spaces: [
        {
          key: "ENG",
          pages: Array.from({ length: pages }, (_, i) => ({
            title: `Page ${i}`,
            body: `<p>${"lorem ipsum ".repeat(20)}</p>`,
          })),
        },
      ],
    },
    new SimClock(),
  );
  return new SimHost({ services: [createConfluenceService(twin)], responseCache });
}

/**
 * Child process: serve either the twin or the captured bytes, print the port, run until killed.
 * On SIGUSR2 it prints its CPU time so far (µs), for the CPU cost per request.
 */
async function serve(kind: ServerKind, pages: number): Promise<void> {
  process.on("SIGUSR2", () => {
    const { user, system } = process.cpuUsage();
    console.log(user + system);
  });
  const host = buildHost(pages, kind !== "uncached");
  if (kind !== "raw") {
    const server = await startHttpServer(host, { engine: kind === "express" ? "express" : "node" });
    console.log(server.port);
    return;
  }
  const res = await createDirectFetch(host)(`https://acme.atlassian.net${PATH}`, {
    headers: { authorization: AUTH },
  });
  const body = Buffer.from(await res.arrayBuffer());
  const headers = Object.fromEntries(res.headers);
  const server = createServer((_req, out) => {
    out.writeHead(200, { ...headers, "content-length": String(body.length) });
    out.end(body);
  });
  server.listen(0, "127.0.0.1", () => console.log((server.address() as AddressInfo).port));
}

async function startChild(kind: ServerKind, pages: number) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", import.meta.filename, "--serve", kind, "--pages", String(pages)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const nextLine = () =>
    new Promise<number>((resolve) => child.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
  const port = await nextLine();
  const cpuMicros = () => {
    const line = nextLine();
    child.kill("SIGUSR2");
    return line;
  };
  return { port, cpuMicros, stop: () => child.kill() };
}

async function load(child: Awaited<ReturnType<typeof startChild>>, duration: number) {
  const run = (seconds: number) =>
    autocannon({
      url: `http://127.0.0.1:${child.port}${PATH}`,
      connections: 10,
      duration: seconds,
      headers: { authorization: AUTH },
    });
  // Warm up first (JIT, caches): the target is about steady-state throughput.
  await run(2);
  const cpuBefore = await child.cpuMicros();
  const result = await run(duration);
  const cpuAfter = await child.cpuMicros();
  return {
    requestsPerSecond: result.requests.average,
    // Server CPU per answered request: steadier than throughput when the load generator shares
    // the machine's cores with the server.
    serverCpuMicrosPerRequest: Math.round(((cpuAfter - cpuBefore) / result.requests.total) * 10) / 10,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    bytes: result.throughput.average,
  };
}

/** The direct transport in this process: 1000 warm-up requests, then 2000 measured. */
async function directRequestsPerSecond(pages: number, responseCache: boolean): Promise<number> {
  const fetch = createDirectFetch(buildHost(pages, responseCache));
  const get = async () => {
    const res = await fetch(`https://acme.atlassian.net${PATH}`, { headers: { authorization: AUTH } });
    await res.arrayBuffer();
  };
  for (let i = 0; i < 1000; i++) await get();
  const n = 2000;
  const started = performance.now();
  for (let i = 0; i < n; i++) await get();
  return n / ((performance.now() - started) / 1000);
}

type Measurement = Awaited<ReturnType<typeof load>>;

/**
 * Raw and http are measured in alternating rounds and compared round by round (median ratio):
 * on a shared machine, speed drifts between minutes more than the two servers differ.
 */
async function main() {
  const pages = Number(arg("pages", "2000"));
  const serveKind = arg("serve", "");
  if (serveKind) return serve(serveKind as ServerKind, pages);
  const duration = Number(arg("duration", "4"));
  const rounds = Number(arg("rounds", "3"));

  const measure = async (kind: ServerKind) => {
    const child = await startChild(kind, pages);
    const result = await load(child, duration);
    child.stop();
    return result;
  };
  const pairs: { raw: Measurement; http: Measurement }[] = [];
  for (let r = 0; r < rounds; r++) pairs.push({ raw: await measure("raw"), http: await measure("http") });
  const round = (x: number) => Math.round(x * 100) / 100;
  const ratios = pairs.map((p) => p.http.requestsPerSecond / p.raw.requestsPerSecond);
  const median = [...ratios.keys()].sort((a, b) => ratios[a] - ratios[b])[Math.floor(rounds / 2)];
  const { raw, http } = pairs[median];
  const express = await measure("express");
  const uncached = await measure("uncached");

  const directRps = await directRequestsPerSecond(pages, true);
  const directUncachedRps = await directRequestsPerSecond(pages, false);

  writeResult("confluence-http", {
    path: PATH,
    pages,
    loadAverage: round(loadavg()[0]),
    rounds: pairs.map((p, i) => ({
      rawRequestsPerSecond: Math.round(p.raw.requestsPerSecond),
      httpRequestsPerSecond: Math.round(p.http.requestsPerSecond),
      ratio: round(ratios[i]),
    })),
    raw,
    http,
    express,
    uncached,
    ratio: round(ratios[median]),
    expressRatio: round(express.requestsPerSecond / raw.requestsPerSecond),
    uncachedRatio: round(uncached.requestsPerSecond / raw.requestsPerSecond),
    cpuRatio: round(raw.serverCpuMicrosPerRequest / http.serverCpuMicrosPerRequest),
    target: ">= 0.7 (median of the rounds)",
    met: ratios[median] >= 0.7,
    directRequestsPerSecond: Math.round(directRps),
    directUncachedRequestsPerSecond: Math.round(directUncachedRps),
  });
}

await main();
