import { describe, expect, it } from "vitest";
import { type CqlSearchParams, searchByCql } from "../../src/simulators/confluence/cql/index.ts";
import { accountIdFor, as, testSite } from "./site.ts";

const store = testSite();
// Mentions in the fixture use a placeholder; point it at carol's real account id.
store.content.get("101")!.body = store.content.get("101")!.body.replace("ACC-CAROL", accountIdFor("carol"));
store.revision++;

function ids(cql: string, user = "alice", params: Partial<CqlSearchParams> = {}): string[] {
  const out = searchByCql(as(store, user), { cql, limit: 100, ...params });
  if (!out.ok) throw new Error(out.error.describe());
  return out.result.results.map((c) => c.id);
}

const sorted = (xs: string[]) => [...xs].sort();

describe("searchByCql fields", () => {
  it("type, space, space.key, space.type, space.title", () => {
    expect(sorted(ids("type = page and space = ENG"))).toEqual(["100", "101", "102", "103", "104"]);
    expect(ids("type = blogpost")).toEqual(["200"]);
    expect(sorted(ids("space.key = eng and type in (page, blogpost)")).length).toBe(6);
    expect(ids("space.type = personal")).toEqual([]);
    expect(ids('space.title ~ "engineering" and type = blogpost')).toEqual(["200"]);
  });

  it("id, content, parent, ancestor, container", () => {
    expect(ids("id = 101")).toEqual(["101"]);
    expect(sorted(ids("content in (101, 102)"))).toEqual(["101", "102"]);
    expect(sorted(ids("parent = 100"))).toEqual(["101", "103"]);
    expect(sorted(ids("ancestor = 100"))).toEqual(["101", "102", "103", "104"]);
    expect(sorted(ids("ancestor = 101 or id = 101"))).toEqual(["101", "102"]);
    expect(ids("container = 100")).toEqual([]);
  });

  it("title =, title ~, text ~ (body, labels, wildcards, phrases)", () => {
    expect(ids('title = "roadmap 2026"')).toEqual(["101"]);
    expect(sorted(ids("title ~ roadmap"))).toEqual(["101", "102"]);
    expect(ids('text ~ "\\"advanced search\\""')).toEqual(["101"]);
    expect(ids('text ~ "win*"')).toEqual(["102"]);
    expect(sorted(ids('text ~ "public"'))).toEqual(["100", "101"]);
    expect(ids('siteSearch ~ "winter"')).toEqual(["102"]);
    expect(sorted(ids("type = page and title !~ roadmap"))).toEqual(["100", "103", "104"]);
  });

  it("label, creator, contributor, mention, macro", () => {
    expect(sorted(ids("label = public"))).toEqual(["100", "101"]);
    expect(sorted(ids("type = page and label not in (public)"))).toEqual(["102", "103", "104"]);
    expect(ids(`creator = "${accountIdFor("bob")}"`)).toEqual(["101"]);
    expect(ids("creator = currentUser()", "carol")).toEqual(["200", "300"]);
    expect(ids(`contributor = "${accountIdFor("bob")}"`)).toEqual(["101"]);
    expect(ids("mention = currentUser()", "carol")).toEqual(["101"]);
    expect(ids("macro = JIRA")).toEqual(["101"]);
    expect(ids("watcher = currentUser()")).toEqual([]);
  });

  it("created and lastmodified with literals and SimClock functions", () => {
    expect(sorted(ids('lastmodified >= "2026/03/16"'))).toEqual(["101", "102", "200"]);
    expect(sorted(ids('lastmodified >= "2026/03/17"'))).toEqual(["101", "102"]);
    expect(ids('lastmodified > "2026/03/17"')).toEqual(["102"]); // after that day
    expect(ids('lastmodified <= "2026/03/16" and type = blogpost')).toEqual(["200"]); // up to that day's end
    expect(ids('lastmodified = "2026-03-17 09:30"')).toEqual(["101"]);
    expect(sorted(ids('created = "2025/06/01"'))).toEqual(["101"]);
    expect(sorted(ids("lastmodified >= startOfDay('-1d')"))).toEqual(["101", "102"]);
    expect(sorted(ids("created >= now('-3d')"))).toEqual(["200"]);
    expect(sorted(ids("created < 2025-01-02 and type = page"))).toEqual(["100"]);
  });

  it("NOT, OR and left-to-right evaluation", () => {
    expect(sorted(ids("type = page and not ancestor = 101"))).toEqual(["100", "101", "103", "104"]);
    expect(sorted(ids("id = 100 or id = 101 and label = roadmap"))).toEqual(["101"]);
    expect(sorted(ids("id = 100 or (id = 101 and label = roadmap)"))).toEqual(["100", "101"]);
  });
});

describe("visibility", () => {
  it("hides restricted content and its descendants from users the restriction does not list", () => {
    expect(sorted(ids("ancestor = 103", "alice"))).toEqual(["104"]);
    expect(ids("ancestor = 103", "bob")).toEqual([]);
    expect(ids("id = 103", "bob")).toEqual([]);
  });

  it("hides spaces the caller cannot view", () => {
    expect(ids("space = HR", "alice")).toEqual([]);
    expect(ids("space = HR", "carol")).toEqual(["300"]);
  });

  it("returns current content only unless cqlcontext asks for other statuses", () => {
    expect(ids("id = 105")).toEqual([]);
    expect(ids("id = 105", "alice", { cqlcontext: '{"contentStatuses":["trashed"]}' })).toEqual(["105"]);
  });

  it("leaves archived spaces out unless includeArchivedSpaces, and counts them", () => {
    const out = searchByCql(as(store, "alice"), { cql: "title ~ roadmap" });
    expect(out.ok && out.result.archivedResultCount).toBe(1);
    expect(sorted(ids("title ~ roadmap", "alice", { includeArchivedSpaces: true }))).toEqual([
      "101",
      "102",
      "400",
    ]);
    expect(
      ids("title ~ roadmap", "alice", { includeArchivedSpaces: true, excludeCurrentSpaces: true }),
    ).toEqual(["400"]);
  });

  it("currentSpace() reads cqlcontext", () => {
    expect(
      ids("space = currentSpace() and type = blogpost", "alice", { cqlcontext: '{"spaceKey":"ENG"}' }),
    ).toEqual(["200"]);
    expect(ids("space = currentSpace()")).toEqual([]);
  });
});

describe("ordering and paging", () => {
  it("orders by the ORDER BY keys, default lastmodified desc", () => {
    expect(ids("space = ENG order by created asc")).toEqual(["100", "101", "102", "103", "104", "200"]);
    expect(ids("space = ENG order by title")).toEqual(["100", "200", "101", "102", "104", "103"]);
    expect(ids("space = ENG")).toEqual(["102", "101", "200", "104", "103", "100"]);
  });

  it("pages with an opaque cursor; restricted hits make short pages that are not the end", () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const out = searchByCql(as(store, "bob"), { cql: "space = ENG order by id", limit: 2, cursor });
      if (!out.ok) throw out.error;
      seen.push(...out.result.results.map((c) => c.id));
      sizes.push(out.result.results.length);
      expect(out.result.totalSize).toBe(6);
      cursor = out.result.nextCursor;
      if (!cursor) break;
      expect(cursor).toMatch(/^_f_[A-Za-z0-9+/=]+_sa_[A-Za-z0-9+/=]+$/);
    }
    expect(seen).toEqual(["100", "101", "102", "200"]);
    expect(sizes).toEqual([2, 1, 1]);
  });

  it("exact trimming cuts full pages from permitted hits", () => {
    const out = searchByCql(as(store, "bob"), {
      cql: "space = ENG order by id",
      limit: 2,
      restrictionTrim: "exact",
    });
    expect(out.ok && out.result.results.map((c) => c.id)).toEqual(["100", "101"]);
    expect(out.ok && out.result.totalSize).toBe(4);
  });

  it("resumes after the last hit even if content was deleted in between", () => {
    const local = testSite();
    const first = searchByCql(as(local, "alice"), { cql: "space = ENG order by id", limit: 2 });
    if (!first.ok) throw first.error;
    local.purge("101");
    const second = searchByCql(as(local, "alice"), {
      cql: "space = ENG order by id",
      limit: 2,
      cursor: first.result.nextCursor,
    });
    expect(second.ok && second.result.results.map((c) => c.id)).toEqual(["102", "103"]);
  });

  it("caps the page at 50 with body.storage and 25 with export_view", () => {
    const a = searchByCql(as(store, "alice"), { cql: "type = page", limit: 500, expand: ["body.storage"] });
    expect(a.ok && a.result.limit).toBe(50);
    const b = searchByCql(as(store, "alice"), {
      cql: "type = page",
      limit: 500,
      expand: ["body.export_view"],
    });
    expect(b.ok && b.result.limit).toBe(25);
    const c = searchByCql(as(store, "alice"), { cql: "type = page", limit: 1001 });
    expect(c.ok && c.result.limit).toBe(1001);
  });
});

describe("errors", () => {
  it("answers bad CQL with the v1 400 body and keeps the precise reason", () => {
    const out = searchByCql(as(store, "alice"), { cql: "space in (ENG HR)" });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.status).toBe(400);
    expect(out.body).toEqual({
      statusCode: 400,
      data: { authorized: true, valid: true, errors: [], successful: true },
      message:
        "com.atlassian.confluence.api.service.exceptions.api.BadRequestException: Could not parse cql : space in (ENG HR)",
    });
    expect(out.error.position).toBe(14);
  });

  it("rejects user fields on /search", () => {
    expect(searchByCql(as(store, "alice"), { cql: "user.fullname ~ alice" }).ok).toBe(false);
  });
});

describe("planner", () => {
  it("uses indexes for crawler queries and scans otherwise", () => {
    const planOf = (cql: string) => {
      const out = searchByCql(as(store, "alice"), { cql });
      if (!out.ok) throw out.error;
      return out.result.plan;
    };
    expect(planOf('type = page and space = ENG and lastmodified >= "2026/03/18"')).toBe(
      "lastmodified[range]",
    );
    expect(planOf("ancestor = 100")).toBe("ancestor[100]");
    expect(planOf("label = public")).toBe("label[public]");
    expect(planOf("id = 1 or label = x")).toBe("or(id[1], label[x])");
    expect(planOf("title ~ x")).toBe("title~[word scan]"); // a plain word: scanned for, no postings yet
    expect(planOf('text ~ "win* OR roadmap"')).toBe("text~[postings]");
    expect(planOf('space.title ~ "eng"')).toBe("scan");
    expect(planOf("type = page and not label = x")).toBe("type[page]");
  });
});

describe("planner equals a full scan", () => {
  const queries = [
    "type = page and space = ENG",
    "space in (ENG, HR) and type = blogpost",
    'lastmodified >= "2026/03/17" or created < "2025/02/02"',
    "ancestor = 100 and not label = public",
    "parent in (100, 101) or id = 200",
    "label in (public, release) and lastmodified < now()",
    'title ~ "road*" or text ~ "\\"advanced search\\""',
    'text ~ "winter -summer" and type = page',
    'text ~ "missing OR public"',
    "creator = currentUser() or mention = currentUser()",
    "type = page and text !~ roadmap order by title desc",
    'created >= startOfYear("-1y") and created <= endOfYear("-1y") order by created',
    "id in (100, 101, 102, 103, 104, 200, 300, 400)",
  ];
  for (const cql of queries) {
    it(cql, () => {
      for (const user of ["alice", "bob", "carol"]) {
        const params = { cql, limit: 1000, restrictionTrim: "exact" as const, includeArchivedSpaces: true };
        const planned = searchByCql(as(store, user), params);
        const scanned = searchByCql(as(store, user), { ...params, usePlanner: false });
        if (!planned.ok || !scanned.ok) throw new Error(`${cql} failed`);
        expect(planned.result.results.map((c) => c.id)).toEqual(scanned.result.results.map((c) => c.id));
      }
    });
  }
});

describe("prev cursors", () => {
  it("walks back to the previous page", () => {
    const page = (cursor?: string) => {
      const out = searchByCql(as(store, "alice"), { cql: "space = ENG order by id", limit: 2, cursor });
      if (!out.ok) throw out.error;
      return out.result;
    };
    const first = page();
    expect(first.prevCursor).toBeUndefined();
    const second = page(first.nextCursor);
    const third = page(second.nextCursor);
    expect(third.results.map((c) => c.id)).toEqual(["104", "200"]);
    const back = page(third.prevCursor);
    expect(back.results.map((c) => c.id)).toEqual(second.results.map((c) => c.id));
    expect(back.start).toBe(2);
    const front = page(back.prevCursor);
    expect(front.results.map((c) => c.id)).toEqual(["100", "101"]);
    expect(front.prevCursor).toBeUndefined();
  });
});
