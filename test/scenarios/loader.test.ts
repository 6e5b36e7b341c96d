import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonSchemaText } from "../../src/scenarios/json-schema.ts";
import { loadScenarioFile, loadScenarioText } from "../../src/scenarios/loader.ts";
import { ROOT } from "../cli/spawn.ts";
import { scenarioIssues } from "../support/load-issues.ts";

const one = (text: string) => {
  const all = scenarioIssues(text);
  expect(all).toHaveLength(1);
  return all[0];
};

describe("scenario loader", () => {
  it("loads a minimal scenario with the bundled fixtures", () => {
    const loaded = loadScenarioText("name: smoke\nsteps:\n  - clock: { advance: 1h }\n");
    expect(loaded.site.spec.site?.name).toBe("contoso");
    expect(loaded.directory.tenant).toBe("contoso.com");
    expect(loaded.seed).toBe(1);
    expect(loaded.scenario.steps[0]).toEqual({ clock: { advance: "1h" } });
  });

  it("accepts an inline site, an inline directory and a generator", () => {
    const inline = loadScenarioText(
      "name: x\nsite:\n  users: [{ name: a }]\n  spaces: [{ key: S, pages: [{ id: 7, title: T }] }]\ndirectory: { tenant: t.com }\nsteps: [{ confluence: { trash: 7 } }]\n",
    );
    expect(inline.site.spec.spaces?.[0].key).toBe("S");
    const generated = loadScenarioText(
      "name: g\nseed: 4\nsite: { generator: { users: 3, spaces: 1 } }\nsteps: [{ crawl: full }]\n",
    );
    expect(generated.directory.users).toHaveLength(4);
    expect(
      loadScenarioText(
        "name: g\nseed: 4\nsite: fixtures/generators/small.yaml\nsteps: [{ crawl: full }]\n",
        "s.yaml",
        { seed: 9 },
      ).seed,
    ).toBe(9);
  });

  it("reports a missing name and missing steps at the top", () => {
    const all = scenarioIssues("description: nothing\n");
    expect(all.map((i) => i.field)).toEqual(["name", "steps"]);
    expect(all[0]).toMatchObject({ line: 1, column: 1 });
  });

  it("reports unknown top-level and step keys with suggestions", () => {
    expect(one("name: x\nstep: []\nsteps: [{ crawl: full }]\n")).toMatchObject({
      line: 2,
      column: 1,
      field: "step",
      hint: 'did you mean "steps"?',
    });
    expect(one("name: x\nsteps:\n  - crawl: full\n  - expct: {}\n")).toMatchObject({
      line: 4,
      column: 5,
      field: "steps[1].expct",
      hint: 'did you mean "expect"?',
    });
  });

  it("requires exactly one key per step", () => {
    const issue = one("name: x\nsteps:\n  - crawl: full\n    clock: { advance: 1h }\n");
    expect(issue).toMatchObject({ line: 3, field: "steps[0]" });
    expect(issue.message).toMatch(/^a step has exactly one of: crawl, confluence/);
  });

  it("reports bad enum values with what is allowed", () => {
    const issue = one("name: x\ntransport: tcp\nsteps: [{ crawl: full }]\n");
    expect(issue).toMatchObject({
      line: 2,
      column: 12,
      field: "transport",
      hint: 'allowed: "direct", "msw", "http"',
    });
    const crawl = one("name: x\nsteps:\n  - crawl: partial\n");
    expect(crawl).toMatchObject({ line: 3, field: "steps[0].crawl" });
  });

  it("reports wrong types and bad durations deep inside steps", () => {
    const issue = one("name: x\nsteps:\n  - expect:\n      items: { count: many }\n");
    expect(issue).toMatchObject({ line: 4, column: 23, field: "steps[0].expect.items.count" });
    expect(issue.message).toContain("expected number");
    expect(one("name: x\nsteps:\n  - clock: { advance: soon }\n")).toMatchObject({
      field: "steps[0].clock.advance",
      message: expect.stringContaining("not a duration"),
    });
  });

  it("reports unknown fields inside Confluence changes", () => {
    const issue = one("name: x\nsteps:\n  - confluence:\n      - restrict: { page: 1001, view: [alice] }\n");
    expect(issue).toMatchObject({ line: 4, field: "steps[0].confluence[0].restrict.view" });
    expect(issue.hint).toMatch(/read/);
  });

  it("reports references to things that do not exist, located at the step", () => {
    const all = scenarioIssues(
      [
        "name: x",
        "steps:",
        "  - confluence:",
        "      - restrict: { page: 9999, read: [user:zed] }",
        "      - create: { space: ENGG, title: New }",
        "      - group: { name: eng, add: [bbo] }",
        "      - revokeApiTokens: svc-crawlr",
        "  - expect:",
        "      search: { as: mallory@contoso.com, finds: [1001] }",
      ].join("\n"),
    );
    expect(all.map((i) => [i.field, i.line, i.message])).toEqual([
      ["steps[0].confluence[0].restrict.page", 4, "no page or blog post with id 9999 in the site"],
      ["steps[0].confluence[0].restrict.read[0]", 4, 'unknown Confluence user "zed"'],
      ["steps[0].confluence[1].create.space", 5, 'unknown space "ENGG"'],
      ["steps[0].confluence[2].group.add[0]", 6, 'unknown Confluence user "bbo"'],
      ["steps[0].confluence[3].revokeApiTokens", 7, 'unknown Confluence user "svc-crawlr"'],
      ["steps[1].expect.search.as", 9, 'unknown directory user "mallory@contoso.com"'],
    ]);
    expect(all[2].hint).toBe('did you mean "ENG"?');
    expect(all[3].hint).toBe('did you mean "bob" (site user)?');
    expect(all[5].hint).toMatch(/^did you mean "alice@contoso\.com" \(email of alice, UPN\)/);
  });

  it("lets later steps use what earlier steps create", () => {
    const loaded = loadScenarioText(
      "name: x\nsteps:\n  - confluence: { create: { space: ENG, id: 5000, title: New } }\n  - confluence: { trash: 5000 }\n",
    );
    expect(loaded.scenario.steps).toHaveLength(2);
  });

  it("resolves every person reference once: site user name, Confluence email, UPN or Entra mail", () => {
    const loaded = loadScenarioText(
      [
        "name: x",
        "steps:",
        "  - confluence:",
        "      - restrict: { page: 1002, read: [user:dave.smith@fabrikam.com, bob@contoso.com, group:eng] }",
        "      - group: { name: eng, add: [dsmith@contoso.com] }",
        "      - updateUser: { user: erin, email: erin.new@contoso.com }",
        "      - hideEmail: erin.new@contoso.com",
        "  - expect:",
        "      access: { as: dsmith@contoso.com, views: [1002] }",
        "      search: [{ as: dave, finds: [] }, { as: gina, finds: [] }, { as: gina@partner.io, finds: [] }]",
        '      acl: { item: 1002, audience: [dave, carol], grant: ["user:dave", "xg:eng", everyone] }',
        "      externalGroup: { id: eng, members: [dave, group:Engineering] }",
      ].join("\n"),
    );
    const [change, check] = loaded.scenario.steps as [
      { confluence: Record<string, unknown>[] },
      { expect: Record<string, unknown> },
    ];
    expect(change.confluence).toEqual([
      { restrict: { page: "1002", read: ["user:dave", "user:bob", "group:eng"] } },
      { group: { name: "eng", add: ["dave"] } },
      { updateUser: { user: "erin", email: "erin.new@contoso.com" } },
      { hideEmail: "erin" },
    ]);
    expect(check.expect).toMatchObject({
      access: { as: "dave" },
      search: [
        { as: "dsmith@contoso.com" },
        { as: "gina_partner.io#EXT#@contoso.onmicrosoft.com" },
        { as: "gina_partner.io#EXT#@contoso.onmicrosoft.com" },
      ],
      acl: {
        audience: ["dsmith@contoso.com", "carol@contoso.com"],
        grant: ["user:dsmith@contoso.com", "xg:eng", "everyone"],
      },
      externalGroup: { members: ["user:dsmith@contoso.com", "group:Engineering"] },
    });
  });

  it("names the person a reference would need when one side is missing", () => {
    const all = scenarioIssues(
      [
        "name: x",
        "directory:",
        "  tenant: contoso.com",
        "  users: [{ upn: zoe@contoso.com }, { upn: alice@contoso.com }]",
        "steps:",
        "  - expect:",
        "      access: { as: zoe@contoso.com }",
        "      search: { as: bob }",
        "  - confluence: { renameGroup: { group: eng, to: engineering } }",
        "  - confluence: { group: { name: eng, add: [alice] } }",
      ].join("\n"),
    );
    expect(all.map((i) => [i.field, i.message, i.hint])).toEqual([
      [
        "steps[0].expect.search.as",
        'unknown directory user "bob"',
        "Confluence user bob (bob@contoso.com) has no directory user with that UPN or mail",
      ],
      [
        "steps[0].expect.access.as",
        'unknown Confluence user "zoe@contoso.com"',
        "directory user zoe@contoso.com has no Confluence account with that email (zoe@contoso.com)",
      ],
      [
        "steps[2].confluence.group.name",
        'unknown Confluence group "eng"',
        "`create: true` makes a new group",
      ],
    ]);
  });

  it("reports site and directory errors in their own files or inline blocks", () => {
    expect(one("name: x\nsite: nowhere.yaml\nsteps: [{ crawl: full }]\n")).toMatchObject({
      file: "s.yaml",
      line: 2,
      field: "site",
      message: "file not found: nowhere.yaml",
    });
    expect(scenarioIssues("name: x\nsite:\n  users: [{ nam: a }]\nsteps: [{ crawl: full }]\n")).toEqual([
      expect.objectContaining({
        field: "site.users[0].name",
        line: 3,
        message: expect.stringContaining("required"),
      }),
      expect.objectContaining({
        field: "site.users[0].nam",
        line: 3,
        column: 13,
        hint: 'did you mean "name"?',
      }),
    ]);
    expect(
      one(
        "name: x\ndirectory: { tenant: t.com, groups: [{ name: g, members: [nobody@t.com] }] }\nsteps: [{ crawl: full }]\n",
      ),
    ).toMatchObject({
      field: "directory.groups[0].members[0]",
    });
  });

  it("reports YAML syntax errors with position", () => {
    const [issue] = scenarioIssues("name: x\nsteps:\n  - crawl: full\n   - clock: {\n");
    expect(issue).toMatchObject({ line: 4, column: 4, hint: "check indentation and closing brackets" });
    expect(issue.message).toBe("YAML syntax: All sequence items must start at the same column");
  });

  it("loads every example under scenarios/", () => {
    for (const f of [
      "smoke/fixture-truth.yaml",
      "smoke/confluence-changes.yaml",
      "smoke/crawl-and-search.yaml",
    ]) {
      expect(() => loadScenarioFile(join(ROOT, "scenarios", f))).not.toThrow();
    }
  });
});

describe("JSON Schemas", () => {
  it("are committed up to date (run `cgsim schema --write schemas`)", () => {
    for (const kind of ["scenario", "site", "directory", "generator"] as const) {
      expect(readFileSync(join(ROOT, "schemas", `${kind}.schema.json`), "utf8")).toBe(jsonSchemaText(kind));
    }
  });
});
