import { describe, expect, it } from "vitest";
import { checkCql, FIELDS, type ValidateOptions } from "../../src/simulators/confluence/cql/index.ts";

function accepts(cql: string, options?: ValidateOptions): boolean {
  return checkCql(cql, options).ok;
}

function rejection(cql: string, options?: ValidateOptions) {
  const r = checkCql(cql, options);
  if (r.ok) throw new Error(`expected ${cql} to be rejected`);
  return r.error;
}

/** One accepted and some rejected clauses per field (operators per Atlassian's CQL fields page). */
const PER_FIELD: Record<string, { ok: string[]; bad: string[] }> = {
  ancestor: {
    ok: ["ancestor = 123", "ancestor in (1, 2)", "type = page and ancestor != 5"],
    bad: ["ancestor ~ 1", "ancestor > 1"],
  },
  parent: { ok: ["parent = 123", "parent in (1,2)"], bad: ["parent ~ 1", "parent < 3"] },
  content: { ok: ["content = 123", "content in (1, 2)"], bad: ["content ~ deployment"] },
  id: {
    ok: ["id = 1", "id in (1,2,3)", "id in recentlyViewedContent(10)"],
    bad: ["id > 1", "id ~ 1", "id = now()"],
  },
  container: { ok: ["container = 123 and type = attachment"], bad: ["container ~ x"] },
  created: {
    ok: [
      "created > 2014/09/01",
      'created >= "2014-09-01 13:30"',
      "created < now('-2y')",
      "created = startOfDay()",
    ],
    bad: [
      "created ~ 2014",
      "created in (2014-01-01)",
      "created > yesterday",
      'created > "2014/13/01"',
      "created >= currentUser()",
    ],
  },
  lastmodified: {
    ok: ['lastModified >= "2018/12/31"', "lastmodified > startOfWeek('-1w')", "lastmodified <= endOfMonth()"],
    bad: [
      'lastmodified >= "31/12/2018"',
      "lastmodified >= now('-4')",
      'lastmodified > "2024-01-01T00:00:00Z"',
    ],
  },
  creator: {
    ok: ["creator = currentUser()", 'creator = "557058:08033270"', "creator in (currentUser(), abc)"],
    bad: ["creator ~ bob", "creator = now()", "creator > a"],
  },
  contributor: {
    ok: ["contributor = currentUser()", "type = page and contributor not in (a, b)"],
    bad: ["contributor ~ a"],
  },
  mention: { ok: ["mention = currentUser() and creator != currentUser()"], bad: ["mention ~ me"] },
  watcher: { ok: ["watcher = currentUser()"], bad: ["watcher > x"] },
  favourite: { ok: ["favourite = currentUser()"], bad: ["favourite ~ x"] },
  favorite: { ok: ["favorite = currentUser()"], bad: ["favorite ~ x"] },
  label: {
    ok: ['label = "public"', "label in (a, b)", "type = page and label not in (draft, review)"],
    bad: ["label ~ doc", "label = now()"],
  },
  macro: { ok: ["macro = jira", "macro in (toc, code)"], bad: ["macro ~ jira"] },
  pagestatus: { ok: ['pageStatus = "Rough draft"'], bad: ["pageStatus ~ draft"] },
  space: {
    ok: [
      "space = DEV",
      "space in (DEV, OPS)",
      'space = "~557058abc"',
      "space in favouriteSpaces()",
      "space = currentSpace()",
    ],
    bad: ["space ~ DEV", "space = now()", "space in recentlyViewedSpaces(x)"],
  },
  "space.key": { ok: ["space.key = DEV"], bad: ["space.key ~ DEV"] },
  "space.title": { ok: ['space.title ~ "Engineering"'], bad: ["space.title = Eng"] },
  "space.type": {
    ok: ["space.type = personal", "space.type in (global, personal)"],
    bad: ["space.type ~ g"],
  },
  "space.category": { ok: ["space.category = research"], bad: ["space.category ~ r"] },
  text: {
    ok: ['text ~ "advanced search"', "type = page and text !~ foo"],
    bad: ["text = foo", "text in (a)"],
  },
  title: {
    ok: ["title = Foo", 'title ~ "win*"', "title in (a, b)", "type = page and title !~ x"],
    bad: ["title > a"],
  },
  type: { ok: ["type = page", "type in (page, blogpost)"], bad: ["type ~ page", "type > page"] },
  sitesearch: { ok: ['siteSearch ~ "roadmap"'], bad: ["siteSearch = roadmap", "siteSearch !~ roadmap"] },
};

describe("per-field operator and value rules", () => {
  it("covers every field the twin knows (user fields separately)", () => {
    const known = [...FIELDS.keys()].filter((f) => !f.startsWith("user"));
    expect(Object.keys(PER_FIELD).sort()).toEqual(known.sort());
  });

  for (const [field, { ok, bad }] of Object.entries(PER_FIELD)) {
    it(`${field}: accepts ${ok.length}, rejects ${bad.length}`, () => {
      for (const cql of ok) expect(accepts(cql), cql).toBe(true);
      for (const cql of bad) expect(rejection(cql).stage, cql).toBe("validate");
    });
  }
});

describe("validation details", () => {
  it("rejects unknown fields and functions with their position", () => {
    expect(rejection("type = page and colour = red")).toMatchObject({
      position: 16,
      expected: ["a CQL field"],
    });
    expect(rejection("created > tomorrow()").message).toContain("unknown function");
  });

  it("rejects user fields on /search and /content/search, accepts them on /search/user", () => {
    for (const cql of ["user = abc", 'user.fullname ~ "Mia"', "user.accountid = abc", "user.userkey = k"]) {
      expect(rejection(cql).message).toContain("/search/user");
      expect(accepts(cql, { endpoint: "content-search" })).toBe(false);
      expect(accepts(cql, { endpoint: "user-search" })).toBe(true);
    }
    expect(accepts("type = page", { endpoint: "user-search" })).toBe(false);
  });

  it("checks function argument counts and increments", () => {
    expect(accepts("created > startOfDay('+1')")).toBe(true); // natural period
    expect(accepts("created > now('+1')")).toBe(false);
    expect(accepts("created > now('1d', '2d')")).toBe(false);
    expect(accepts("created > now('yesterday')")).toBe(false);
    expect(accepts("creator = currentUser(x)")).toBe(false);
    expect(accepts("space in recentlyViewedSpaces(5)")).toBe(true);
  });

  it("rejects a negative first clause unless configured", () => {
    for (const cql of [
      "label != draft",
      "type != attachment and space = A",
      "label not in (a)",
      "not type = page",
      "text !~ x",
    ]) {
      expect(rejection(cql).message).toContain("negative");
      expect(accepts(cql, { leadingNegation: "allow" })).toBe(true);
    }
    expect(accepts("type = page and label != draft")).toBe(true);
    expect(accepts("(type = page or label = x) and not label = y")).toBe(true);
  });

  it("rejects ORDER BY on multi-valued, text and unknown fields", () => {
    expect(
      accepts("type = page order by lastmodified desc, title asc, created, id, space, type, creator"),
    ).toBe(true);
    expect(rejection("type = page order by label").message).toContain("multi-valued");
    expect(rejection("type = page order by contributor").message).toContain("multi-valued");
    expect(rejection("type = page order by text").message).toContain("text");
    expect(rejection("type = page order by colour").message).toContain("unknown");
    expect(rejection("type = page order by created, ancestor").position).toBe(30);
  });
});
