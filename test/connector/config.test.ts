/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: the config syntax under test is ${NAME} */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  expandEnv,
  loadConfigFile,
  normalizeSiteUrl,
  parseConfig,
} from "../../src/connector/config.ts";

const minimal = {
  confluence: {
    siteUrl: "https://acme.atlassian.net/wiki/",
    auth: { type: "basic", email: "svc@acme.com", apiToken: "t" },
  },
  graph: {
    tenantId: "contoso.onmicrosoft.com",
    clientId: "app",
    clientSecret: "s",
    connection: { id: "confluence1", name: "Confluence" },
  },
};

describe("config", () => {
  it("applies real defaults and normalises the site URL with or without /wiki", () => {
    const c = parseConfig(minimal);
    expect(c.confluence.siteUrl).toBe("https://acme.atlassian.net");
    expect(c.graph.baseUrl).toBe("https://graph.microsoft.com");
    expect(c.graph.loginUrl).toBe("https://login.microsoftonline.com");
    expect(c.permissions).toEqual({
      mode: "onlyPeopleWithAccess",
      policy: "confluence",
      anonymousAs: "everyone",
      documentedSpacePermissions: "honored",
    });
    expect(parseConfig({ ...minimal, permissions: { policy: "documented" } }).permissions).toMatchObject({
      mode: "onlyPeopleWithAccess",
      policy: "documented",
    });
    expect(c.identity).toEqual({ source: "aad" });
    expect(c.incremental).toEqual({ skewSeconds: 300, updatePermissions: false, detectDeletions: false });
    expect(normalizeSiteUrl("https://acme.atlassian.net")).toBe("https://acme.atlassian.net");
    expect(normalizeSiteUrl("https://acme.atlassian.net/WIKI")).toBe("https://acme.atlassian.net");
  });

  it("reports one clear line per bad field", () => {
    const bad = {
      ...minimal,
      confluence: { siteUrl: "acme", auth: { type: "basic", email: "", apiToken: "t" } },
      graph: { ...minimal.graph, connection: { id: "conf-1", name: "x" } },
      permissions: { mode: "some" },
      identity: { source: "nonAad", pattern: "([", formula: "x" },
    };
    try {
      parseConfig(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems.some((p) => p.startsWith("confluence.siteUrl:"))).toBe(true);
      expect(problems.some((p) => p.startsWith("confluence.auth.email:"))).toBe(true);
      expect(problems).toContain("graph.connection.id: connection id must be 3–32 letters or digits");
      expect(problems.some((p) => p.startsWith("permissions.mode:"))).toBe(true);
      expect(problems).toContain("identity.pattern: not a valid regular expression");
      expect(problems).toContain("identity.formula: formula must use at least one {n}");
    }
  });

  it("accepts OAuth 3LO and nonAad identity", () => {
    const c = parseConfig({
      ...minimal,
      confluence: {
        siteUrl: "https://acme.atlassian.net",
        auth: { type: "oauth", clientId: "c", clientSecret: "s", refreshToken: "r" },
        cql: 'space = ENG and lastmodified >= "2024/01/01"',
      },
      identity: { source: "nonAad", pattern: "^([^@]+)@contoso\\.co\\.uk$", formula: "{0}@contoso.com" },
    });
    expect(c.confluence.auth).toMatchObject({ type: "oauth", authUrl: "https://auth.atlassian.com" });
    expect(c.identity).toMatchObject({ property: "email", target: "upn" });
  });

  it("loads YAML with ${ENV} secrets and names a missing variable", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cgsim-config-"));
    const file = join(dir, "c.yaml");
    await writeFile(
      file,
      [
        "confluence:",
        "  siteUrl: https://acme.atlassian.net",
        "  auth: { type: basic, email: svc@acme.com, apiToken: '${CONFLUENCE_TOKEN}' }",
        "graph:",
        "  tenantId: t",
        "  clientId: c",
        "  clientSecret: ${GRAPH_SECRET}",
        "  connection: { id: confluence1, name: Confluence }",
      ].join("\n"),
    );
    const c = await loadConfigFile(file, { CONFLUENCE_TOKEN: "tok", GRAPH_SECRET: "sec" });
    expect(c.confluence.auth).toMatchObject({ apiToken: "tok" });
    expect(c.graph.clientSecret).toBe("sec");
    await expect(loadConfigFile(file, { CONFLUENCE_TOKEN: "tok" })).rejects.toThrow(
      "graph.clientSecret: environment variable GRAPH_SECRET is not set",
    );
    expect(() => expandEnv({ a: ["${X}"] }, {})).toThrow("a.0: environment variable X is not set");
  });
});
