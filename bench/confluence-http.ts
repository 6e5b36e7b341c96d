/**
 * Confluence twin over http vs a raw node:http server returning the same bytes, plus the direct
 * transport's requests/s. Target (issue 2): express ≥ 0.7× raw.
 *
 *   npx tsx bench/confluence-http.ts [--duration 5] [--pages 2000]
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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

function buildHost(pages: number): SimHost {
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
  return new SimHost({ services: [createConfluenceService(twin)] });
}

/** Child process: serve either the twin or the captured bytes, print the port, run until killed. */
async function serve(kind: "sim" | "raw", pages: number): Promise<void> {
  const host = buildHost(pages);
  if (kind === "sim") {
    const server = await startHttpServer(host);
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

async function startChild(kind: "sim" | "raw", pages: number) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", import.meta.filename, "--serve", kind, "--pages", String(pages)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise<number>((resolve) =>
    child.stdout.once("data", (d) => resolve(Number(String(d).trim()))),
  );
  return { port, stop: () => child.kill() };
}

async function load(port: number, duration: number) {
  // Warm up first (JIT, caches): the target is about steady-state throughput.
  await autocannon({
    url: `http://127.0.0.1:${port}${PATH}`,
    connections: 10,
    duration: 2,
    headers: { authorization: AUTH },
  });
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${PATH}`,
    connections: 10,
    duration,
    headers: { authorization: AUTH },
  });
  return {
    requestsPerSecond: result.requests.average,
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    bytes: result.throughput.average,
  };
}

async function main() {
  const pages = Number(arg("pages", "2000"));
  const serveKind = arg("serve", "");
  if (serveKind) return serve(serveKind as "sim" | "raw", pages);
  const duration = Number(arg("duration", "5"));

  const raw = await startChild("raw", pages);
  const rawResult = await load(raw.port, duration);
  raw.stop();
  const sim = await startChild("sim", pages);
  const simResult = await load(sim.port, duration);
  sim.stop();

  const host = buildHost(pages);
  const fetch = createDirectFetch(host);
  const n = 2000;
  for (let i = 0; i < 1000; i++) {
    const res = await fetch(`https://acme.atlassian.net${PATH}`, { headers: { authorization: AUTH } });
    await res.arrayBuffer();
  }
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`https://acme.atlassian.net${PATH}`, { headers: { authorization: AUTH } });
    await res.arrayBuffer();
  }
  const directRps = n / ((performance.now() - started) / 1000);

  const ratio = simResult.requestsPerSecond / rawResult.requestsPerSecond;
  writeResult("confluence-http", {
    path: PATH,
    pages,
    raw: rawResult,
    express: simResult,
    ratio: Math.round(ratio * 100) / 100,
    target: ">= 0.7",
    met: ratio >= 0.7,
    directRequestsPerSecond: Math.round(directRps),
  });
}

await main();
