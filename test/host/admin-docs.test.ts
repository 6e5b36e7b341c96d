import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_DIRECTORY_FILE,
  DEFAULT_SITE_FILE,
  loadDirectoryFile,
  loadSiteFile,
} from "../../src/fixture-formats/load.ts";
import { installInspector } from "../../src/inspector/install.ts";
import type { RunningServer } from "../../src/simulators/host/http.ts";
import { World } from "../../src/simulators/world.ts";

const DOCS = join(import.meta.dirname, "../../docs");
/** Where admin endpoints are documented: every fidelity page, and the inspector's page. */
const PAGES = [
  ...readdirSync(join(DOCS, "fidelity"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `fidelity/${f}`),
  "inspector.md",
];
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"] as const;

interface Documented {
  path: string;
  /** The methods the docs name; empty when they name only the path. */
  methods: string[];
  where: string;
}

/** `{a,b}` in a documented path stands for one path per alternative. */
function expand(path: string): string[] {
  const m = /\{([^}]+)\}/.exec(path);
  if (!m) return [path];
  return m[1].split(",").flatMap((alt) => expand(path.replace(m[0], alt.trim())));
}

/**
 * Every admin endpoint the fidelity docs name: `METHOD /_sim/…`, or a `/_sim/…` code span,
 * optionally followed by its methods in parentheses (`(GET/PUT/DELETE)`).
 */
function documentedEndpoints(): Documented[] {
  const found: Documented[] = [];
  for (const file of PAGES) {
    const text = readFileSync(join(DOCS, file), "utf8");
    for (const m of text.matchAll(/\b(GET|POST|PUT|DELETE|PATCH) +`?(\/_sim\/[\w\-/{},]*\w)/g)) {
      for (const path of expand(m[2])) found.push({ path, methods: [m[1]], where: file });
    }
    for (const m of text.matchAll(/`(\/_sim\/[\w\-/{},]*[\w}])`(?: \(([A-Z/]+)[ )])?/g)) {
      const methods = m[2] ? m[2].split("/").filter((x) => (METHODS as readonly string[]).includes(x)) : [];
      for (const path of expand(m[1])) found.push({ path, methods, where: file });
    }
  }
  return found;
}

/** What the host answers for a path nobody serves (no admin endpoint, no service prefix). */
function unserved(status: number, body: string): boolean {
  return status === 404 && body.includes("no simulated service serves this path");
}

describe("every admin endpoint the docs name answers over HTTP on a World (with the inspector, as cgsim serve has it)", () => {
  const world = new World({
    site: loadSiteFile(DEFAULT_SITE_FILE),
    directory: loadDirectoryFile(DEFAULT_DIRECTORY_FILE),
  });
  installInspector(world);
  let server: RunningServer;
  beforeAll(async () => {
    server = await world.listen();
  });
  afterAll(() => world.close());

  const documented = documentedEndpoints();

  it("finds the documented endpoints of the host and of each twin", () => {
    const paths = new Set(documented.map((d) => d.path));
    for (const path of ["/_sim/state", "/_sim/faults", "/_sim/confluence/rate-limit", "/_sim/graph/quota"])
      expect(paths).toContain(path);
    expect(paths).toContain("/_sim/directory/members");
  });

  it.each(documented.map((d) => [`${d.methods.join("/") || "any"} ${d.path} (${d.where})`, d] as const))(
    "%s",
    async (_, d) => {
      const tried: string[] = [];
      for (const method of d.methods.length > 0 ? d.methods : ["GET", "POST", "PUT"]) {
        const res = await fetch(`${server.url}${d.path}`, {
          method,
          headers: { "content-type": "application/json" },
          body: method === "GET" || method === "DELETE" ? undefined : "{}",
        });
        // A live stream never ends: its headers are the answer.
        const live = res.headers.get("content-type")?.startsWith("text/event-stream");
        const body = live ? await res.body!.cancel().then(() => "") : await res.text();
        const answered = !unserved(res.status, body);
        if (d.methods.length > 0) expect(answered, `${method} ${d.path}: ${res.status} ${body}`).toBe(true);
        else if (answered) return;
        tried.push(`${method} ${res.status}`);
      }
      if (d.methods.length === 0) expect.fail(`no method answers ${d.path}: ${tried.join(", ")}`);
    },
  );

  it("names every admin endpoint the World serves", () => {
    const named = new Set(documented.map((d) => d.path));
    // The inspector's files are documented as one: `/_sim/ui`.
    const undocumented = world.host.adminEndpoints
      .map((e) => e.split(" ")[1])
      .filter((path) => !named.has(path) && !(path.startsWith("/_sim/ui/") && named.has("/_sim/ui")));
    expect(undocumented).toEqual([]);
  });
});
