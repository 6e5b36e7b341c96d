import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveWorld } from "../../src/cli/serve.ts";
import { clientEnv } from "../../src/scenarios/endpoints.ts";
import type { RunningServer } from "../../src/simulators/host/http.ts";
import type { RunningProxy } from "../../src/simulators/host/proxy.ts";
import type { World } from "../../src/simulators/world.ts";
import { TunnelAgent } from "./tunnel-agent.ts";

const run = promisify(execFile);

interface Reply {
  status: number;
  headers: IncomingMessage["headers"];
  body: string;
  /** The certificate the server presented (tunnelled https only). */
  peer?: ReturnType<TLSSocket["getPeerCertificate"]>;
}

function read(res: IncomingMessage, peer?: Reply["peer"]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (d) => {
      body += d;
    });
    res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, peer }));
    res.on("error", reject);
  });
}

/** GET through the proxy: CONNECT + TLS for https URLs, an absolute-form request for http ones. */
function viaProxy(proxy: RunningProxy, ca: string, url: string, headers: Record<string, string> = {}) {
  const target = new URL(url);
  return new Promise<Reply>((resolve, reject) => {
    const req =
      target.protocol === "https:"
        ? httpsRequest(url, { agent: new TunnelAgent(new URL(proxy.url), ca), headers }, (res) =>
            resolve(read(res, (res.socket as TLSSocket).getPeerCertificate())),
          )
        : httpRequest(
            { host: "127.0.0.1", port: proxy.port, path: url, headers: { ...headers, host: target.host } },
            (res) => resolve(read(res)),
          );
    req.on("error", reject);
    req.end();
  });
}

const basic = `Basic ${Buffer.from("svc-crawler@contoso.com:crawler-token").toString("base64")}`;

describe("the forward proxy (cgsim serve --proxy)", () => {
  let world: World;
  let proxy: RunningProxy;
  let server: RunningServer;
  let ca: string;
  const refused: string[] = [];

  beforeAll(async () => {
    world = serveWorld({ clock: "frozen" });
    world.clock.set("2026-01-01T00:00:00Z");
    proxy = await world.listenProxy({ port: 0, onRefused: (host) => refused.push(host) });
    server = await world.listen();
    ca = (await world.certificateAuthority()).cert;
  }, 30_000);
  afterAll(() => world.close());

  it("tunnels https to the twins with a certificate for the requested host, signed by cgsim's CA", async () => {
    const res = await viaProxy(
      proxy,
      ca,
      "https://login.microsoftonline.com/common/discovery/instance?api-version=1.1",
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).metadata[0].aliases).toContain("login.microsoftonline.com");
    expect(res.peer?.subject.CN).toBe("login.microsoftonline.com");
    expect(res.peer?.subjectaltname).toBe("DNS:login.microsoftonline.com");
    expect(res.peer?.issuer.CN).toBe("cgsim local twins");
    const journal = world.host.journal.entries({ service: "login" }).at(-1);
    expect(journal).toMatchObject({ host: "login.microsoftonline.com", operationId: "instanceDiscovery" });
  });

  it("serves absolute-form http requests by their host", async () => {
    const res = await viaProxy(proxy, ca, "http://graph.microsoft.com/v1.0/external/connections");
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error.code).toBe("InvalidAuthenticationToken");
  });

  it("answers 502 naming the host and the hosts it serves, through a tunnel and in absolute form; nothing leaves the machine", async () => {
    for (const url of ["https://example.com/", "http://example.org/x"]) {
      const res = await viaProxy(proxy, ca, url);
      expect(res.status).toBe(502);
      const { error } = JSON.parse(res.body);
      expect(error.host).toBe(new URL(url).hostname);
      expect(error.served).toEqual(expect.arrayContaining(["graph.microsoft.com", "*.atlassian.net"]));
      expect(error.message).toContain(`no twin answers on '${new URL(url).hostname}'`);
    }
    await viaProxy(proxy, ca, "https://example.com/again");
    expect(refused).toEqual(["example.com", "example.org"]);
  });

  it("serves origin-form requests like the plain listener (the admin API on the proxy port)", async () => {
    const res = await fetch(`${proxy.url}/_sim/clock`);
    expect(await res.json()).toEqual({ now: "2026-01-01T00:00:00.000Z" });
  });

  it("Confluence links name the site as the client reached it; every twin's date is the simulated one", async () => {
    const viaRealHost = await viaProxy(
      proxy,
      ca,
      "https://contoso.atlassian.net/wiki/api/v2/spaces?limit=1",
      {
        authorization: basic,
      },
    );
    expect(JSON.parse(viaRealHost.body)._links.base).toBe("https://contoso.atlassian.net/wiki");
    expect(viaRealHost.headers.date).toBe("Thu, 01 Jan 2026 00:00:00 GMT");
    const viaOrigin = await fetch(`${server.url}/wiki/api/v2/spaces?limit=1`, {
      headers: { authorization: basic },
    });
    expect((await viaOrigin.json())._links.base).toBe(`${server.url}/wiki`);
    const graph = await fetch(`${server.url}/v1.0/external/connections`);
    expect(graph.headers.get("date")).toBe("Thu, 01 Jan 2026 00:00:00 GMT");
  });

  it("works for curl (CONNECT with CURL_CA_BUNDLE, absolute-form http, 502 for other hosts)", async () => {
    const env = {
      ...process.env,
      ...clientEnv({ proxy: proxy.url, caFile: (await world.certificateAuthority()).file }),
    };
    const curl = async (url: string) => {
      const { stdout } = await run("curl", ["-s", "-w", "\n%{http_code}", url], { env });
      const lines = stdout.split("\n");
      return { status: Number(lines.pop()), body: lines.join("\n") };
    };
    const discovery = await curl(
      "https://login.microsoftonline.com/common/discovery/instance?api-version=1.1",
    );
    expect(discovery.status).toBe(200);
    expect(JSON.parse(discovery.body).tenant_discovery_endpoint).toMatch(
      /^https:\/\/login\.microsoftonline\.com\//,
    );
    expect((await curl("http://graph.microsoft.com/v1.0/external/connections")).status).toBe(401);
    const other = await curl("https://example.net/");
    expect(other.status).toBe(502);
    expect(JSON.parse(other.body).error.host).toBe("example.net");
  });

  it("works for Python requests (HTTPS_PROXY + REQUESTS_CA_BUNDLE)", async (test) => {
    const probe = await run("python3", ["-c", "import requests"]).catch(() => undefined);
    if (!probe) return test.skip();
    const env = {
      ...process.env,
      ...clientEnv({ proxy: proxy.url, caFile: (await world.certificateAuthority()).file }),
    };
    const script = [
      "import requests",
      "r = requests.get('https://graph.microsoft.com/v1.0/external/connections', timeout=20)",
      "print(r.status_code, r.json()['error']['code'])",
    ].join("\n");
    const { stdout } = await run("python3", ["-c", script], { env });
    expect(stdout.trim()).toBe("401 InvalidAuthenticationToken");
  });

  it("names the CA file every client trusts; the file holds the CA certificate", async () => {
    const authority = await world.certificateAuthority();
    expect(readFileSync(authority.file, "utf8")).toBe(ca);
    expect(clientEnv({ proxy: proxy.url, caFile: authority.file })).toMatchObject({
      HTTPS_PROXY: proxy.url,
      http_proxy: proxy.url,
      NO_PROXY: "localhost,127.0.0.1,::1",
      NODE_USE_ENV_PROXY: "1",
      NODE_EXTRA_CA_CERTS: authority.file,
      SSL_CERT_FILE: authority.file,
      REQUESTS_CA_BUNDLE: authority.file,
      CURL_CA_BUNDLE: authority.file,
    });
  });
});
