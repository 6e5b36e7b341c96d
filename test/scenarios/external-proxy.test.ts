// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${NAME} is the scenario file's syntax for connector.env
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenarioObject } from "../../src/scenarios/loader.ts";
import { failureText } from "../../src/scenarios/reporters.ts";
import type { ExternalRun } from "../../src/scenarios/results.ts";
import { runScenario } from "../../src/scenarios/runner.ts";
import { runCli } from "../cli/spawn.ts";

/**
 * External connectors as processes: `via: proxy` gives the env `cgsim serve --proxy` prints and
 * the credentials under the names real connectors read; the scenario's clock follows real time
 * while the process runs; the output is kept and shown in every report, passed or failed; a hung
 * process is killed at `timeout`.
 */

/** A command that prints its environment as JSON. */
const PRINT_ENV = [process.execPath, "-e", "process.stdout.write(JSON.stringify(process.env))"];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function externalRuns(scenario: Record<string, unknown>) {
  let clock = "";
  const result = await runScenario(loadScenarioObject({ name: "external", ...scenario }), {
    inspect: {
      fn: (ctx) => {
        clock = ctx.world.clock.iso();
      },
    },
  });
  // Each step's run as its result records it (what the reports show), failed steps included.
  const runs: ExternalRun[] = result.steps.flatMap((s) => (s.external ? [s.external] : []));
  return { result, runs, clock };
}

describe("external connector via proxy", () => {
  it("gets the proxy env, the credentials under the names real connectors read, and never the runner's CGSIM_* variables", async () => {
    const saved = { ...process.env };
    process.env.CGSIM_ADMIN_TOKEN = "must-not-leak";
    process.env.HTTPS_PROXY = "http://corporate-proxy.example:3128";
    try {
      const { result, runs } = await externalRuns({
        connector: {
          command: PRINT_ENV,
          via: "proxy",
          env: { AAD_APP_CLIENT_ID: "${AZURE_CLIENT_ID}", LOG_LEVEL: "debug" },
        },
        steps: [{ crawl: "full" }],
      });
      expect(result.steps[0].summary).toBe("crawl full (external via proxy, exit 0)");
      const env = JSON.parse(runs[0].stdout) as Record<string, string>;
      expect(env.HTTPS_PROXY).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env).toMatchObject({
        HTTP_PROXY: env.HTTPS_PROXY,
        https_proxy: env.HTTPS_PROXY,
        NO_PROXY: "localhost,127.0.0.1,::1",
        NODE_USE_ENV_PROXY: "1",
        SSL_CERT_FILE: env.NODE_EXTRA_CA_CERTS,
        AZURE_TENANT_ID: expect.stringMatching(/^[0-9a-f-]{36}$/),
        AZURE_CLIENT_ID: "6a1c3f0e-0b1d-4c1e-9f0a-000000c0ffee",
        AZURE_CLIENT_SECRET: "connector-secret",
        CONFLUENCE_SITE_URL: "https://contoso.atlassian.net",
        CONFLUENCE_EMAIL: "svc-crawler@contoso.com",
        CONFLUENCE_API_TOKEN: "crawler-token",
        CGSIM_CRAWL_MODE: "full",
        CGSIM_CONNECTION_ID: "confluencecloud1",
        AAD_APP_CLIENT_ID: "6a1c3f0e-0b1d-4c1e-9f0a-000000c0ffee",
        LOG_LEVEL: "debug",
      });
      expect(readFileSync(env.NODE_EXTRA_CA_CERTS, "utf8")).toContain("BEGIN CERTIFICATE");
      expect(
        Object.keys(env)
          .filter((k) => k.startsWith("CGSIM_"))
          .sort(),
      ).toEqual(["CGSIM_CONNECTION_ID", "CGSIM_CRAWL_MODE", "CGSIM_WORK_DIR"]);
      expect(env.CGSIM_WORK_DIR).toMatch(/cgsim-run-/);
    } finally {
      process.env = saved;
    }
  });

  it("a ${NAME} that cgsim does not give fails the step and names the ones it does", async () => {
    const { result } = await externalRuns({
      connector: { command: PRINT_ENV, via: "proxy", env: { TOKEN: "${CGSIM_URL}" } },
      steps: [{ crawl: "full" }],
    });
    expect(failureText(result)).toMatch(
      /connector\.env\.TOKEN: \$\{CGSIM_URL\} is not one of the variables cgsim gives this connector \(AZURE_CLIENT_ID, .*CONFLUENCE_SITE_URL/,
    );
  });

  it("the proxy answers the real hosts and refuses any other with a 502, which the crawl's failure names", async () => {
    const script = [
      "const r = await fetch('https://graph.microsoft.com/v1.0/$metadata').catch((e) => e);",
      "const other = await fetch('https://example.org/').catch((e) => e);",
      "console.log(r.status ?? r.message, other.status ?? other.message);",
      "process.exit(other.status === 502 ? 7 : 0);",
    ].join("\n");
    const dir = mkdtempSync(join(tmpdir(), "cgsim-external-"));
    dirs.push(dir);
    writeFileSync(join(dir, "client.mjs"), script);
    const preload = join(import.meta.dirname, "../../examples/own-connector/proxy-env.mjs");
    const { result, runs } = await externalRuns({
      connector: { command: [process.execPath, "--import", preload, join(dir, "client.mjs")], via: "proxy" },
      steps: [{ crawl: "full" }],
    });
    expect(runs[0].exitCode).toBe(7);
    expect(runs[0].refusedHosts).toEqual(["example.org"]);
    expect(failureText(result)).toContain(
      "crawl full stopped: [5000] exit code 7\n  cgsim's proxy refused example.org (no twin answers there; 502)",
    );
  });
});

describe("the scenario's clock while an external connector runs", () => {
  it("follows real time × clockRate, then moves on to the next whole simulated minute", async () => {
    const { result, runs, clock } = await externalRuns({
      start: "2026-01-01T00:00:00Z",
      connector: { command: "sleep 0.2", clockRate: 10 },
      steps: [{ crawl: "full" }, { clock: { advance: "1h" } }],
    });
    expect(result.ok).toBe(true);
    expect(runs[0].wallMs).toBeGreaterThanOrEqual(200);
    expect(runs[0].simulatedMs).toBe(60_000);
    // Whatever the process took (under a simulated minute), the next steps start at the same time.
    expect(clock).toBe("2026-01-01T01:01:00.000Z");
  });
});

describe("a hung external connector", () => {
  it("is killed at connector.timeout; the crawl fails with a clear message and the output so far", async () => {
    const started = performance.now();
    const { result, runs } = await externalRuns({
      connector: { command: "echo polling the schema operation; sleep 60", timeout: "300ms" },
      steps: [{ crawl: "full" }, { crawl: "full" }],
    });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(runs[0]).toMatchObject({
      timedOut: true,
      timeout: "300ms",
      stdout: "polling the schema operation\n",
    });
    expect(result.steps[0].summary).toBe("crawl full (external via http, timed out)");
    expect(failureText(result)).toContain(
      "crawl full stopped: [5000] connector command did not exit within 300ms (connector.timeout) and was killed\n  polling the schema operation",
    );
    expect(result.skipped).toBe(1);
  });
});

describe("reports show an external connector's output, passed or failed", () => {
  it("console, JSON and HTML", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "cgsim-external-report-"));
    dirs.push(dir);
    const scenario = (name: string, command: string) =>
      `name: ${name}\nconnector: { command: ${JSON.stringify(command)} }\nsteps:\n  - crawl: full\n`;
    writeFileSync(
      join(dir, "a-passes.yaml"),
      scenario("passes", "echo indexed 3 items; echo warning: slow >&2"),
    );
    writeFileSync(
      join(dir, "b-fails.yaml"),
      scenario("fails", "echo half done; echo token expired >&2; exit 4"),
    );
    const out = join(dir, "report");
    const run = await runCli(["run", dir, "--reporter", "console,json,html", "--out", out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✓ passes .*\n {4}step 1 crawl full: `echo indexed 3 items; echo warning: slow >&2` via http, exit 0 in \d+\.\d s \(60\.0 s simulated\); stdout 1 line, stderr 1 line\n {6}stdout:\n {8}indexed 3 items\n {6}stderr:\n {8}warning: slow\n/,
    );
    expect(run.stdout).toMatch(
      /✗ fails .*\n {4}step 1 crawl full: .* via http, exit 4 in .*\n {4}.*b-fails\.yaml:4: step 1 \(crawl\) failed:\n {6}crawl full stopped: \[5000\] exit code 4\n {6}token expired\n/,
    );

    const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8"));
    expect(json.scenarios.map((s: { steps: { external: ExternalRun }[] }) => s.steps[0].external)).toEqual([
      expect.objectContaining({ exitCode: 0, stdout: "indexed 3 items\n", stderr: "warning: slow\n" }),
      expect.objectContaining({ exitCode: 4, stdout: "half done\n", stderr: "token expired\n" }),
    ]);

    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain('<pre class="output stdout">indexed 3 items\n</pre>');
    expect(html).toContain('<pre class="output stderr">warning: slow\n</pre>');
    expect(html).toContain('<details class="external bad" open>');
    expect(html).toContain('<pre class="output stderr">token expired\n</pre>');
    expect(existsSync(join(out, "report.html"))).toBe(true);
  });
});
