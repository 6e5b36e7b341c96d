// Confluence: spaces with their permissions and anonymous access, the page tree with restriction
// badges (own and inherited), a page's viewers; users (hidden emails, guests) and groups.
import { getJson } from "../lib/api.js";
import { chip, detailHead, facts, fill, fillChanged, h, section, table } from "../lib/dom.js";
import { update } from "../lib/router.js";
import { VirtualList, Windowed } from "../lib/virtual.js";

const names = (r) => [...r.users, ...r.groups.map((g) => `group ${g}`)].join(", ");

export class ConfluenceView {
  constructor() {
    this.params = {};
    this.tabs = h("div.tabs", { role: "tablist" });
    this.body = h("div.view-body");
    this.el = h("div.view.confluence", this.tabs, this.body);
    this.spacesPane = h("div.spaces", { "aria-label": "spaces" });
    this.treeScroller = h("div.scroller.tree", { role: "tree", "aria-label": "page tree", tabindex: 0 });
    this.detail = h("aside.detail", { "aria-label": "page details" });
    this.treeFilter = h("p.dim.tree-head");
    this.pagesLayout = h(
      "div.split3",
      this.spacesPane,
      h("div.tree-pane", this.treeFilter, this.treeScroller),
      this.detail,
    );
    this.list = new VirtualList(this.treeScroller, { rowHeight: 28, render: (i) => this.pageRow(i) });
    this.treeScroller.addEventListener("click", (event) => {
      const row = event.target.closest(".row[data-id]");
      if (row) update({ page: row.dataset.id }, { push: true });
    });
  }

  async update(params) {
    const tab = params.tab === "people" ? "people" : "pages";
    fillChanged(this.tabs, tab, () => [
      [
        ["pages", "Spaces and pages"],
        ["people", "Users and groups"],
      ].map(([id, label]) =>
        h("a", { href: `#/confluence?tab=${id}`, role: "tab", "aria-selected": String(id === tab) }, label),
      ),
    ]);
    const spaceChanged =
      params.space !== this.params.space || tab !== (this.params.tab === "people" ? "people" : "pages");
    this.params = params;
    if (tab === "people") return this.renderPeople();
    fillChanged(this.body, "pages", () => this.pagesLayout);
    await this.renderSpaces();
    if (spaceChanged || !this.pages) await this.openSpace();
    await this.openPage();
  }

  async refresh() {
    if (this.params.tab === "people") return this.renderPeople();
    await this.renderSpaces();
    this.pages?.refresh();
    this.detailFor = undefined;
    await this.openPage();
  }

  async renderSpaces() {
    const data = await getJson("/_sim/confluence/spaces");
    this.spaceKey = this.params.space ?? data.spaces[0]?.key;
    fillChanged(this.spacesPane, JSON.stringify([data, this.spaceKey]), () => [
      h(
        "p.site",
        h("b", data.site.name),
        " ",
        data.site.anonymousAccess ? chip("anonymous access on", "warn") : chip("anonymous access off"),
      ),
      data.spaces.map((s) =>
        h(
          `a.space-card${s.key === this.spaceKey ? ".selected" : ""}`,
          {
            href: `#/confluence?space=${encodeURIComponent(s.key)}`,
            "aria-current": s.key === this.spaceKey ? "true" : undefined,
          },
          h("b", s.key),
          " ",
          s.name,
          h(
            "div.badges",
            s.anonymous.effective
              ? chip("anonymous", "warn", "the space grants anonymous view and the site allows it")
              : s.anonymous.granted
                ? chip(
                    "anonymous (site off)",
                    "",
                    "the space grants anonymous view, but the site switch is off",
                  )
                : null,
            s.status !== "current" ? chip(s.status) : null,
            chip(`${s.pages} pages`),
            s.blogposts ? chip(`${s.blogposts} blog posts`) : null,
            s.restricted ? chip(`${s.restricted} restricted`, "restricted") : null,
          ),
          s.key === this.spaceKey
            ? h(
                "ul.perms",
                s.permissions.map((p) =>
                  h(
                    "li",
                    h("span.dim", p.operation),
                    " ",
                    p.principal,
                    p.type === "group" ? h("span.dim", " (group)") : null,
                  ),
                ),
              )
            : null,
        ),
      ),
    ]);
  }

  async openSpace() {
    const space = this.spaceKey;
    if (!space) {
      fill(this.treeFilter, "no spaces");
      return;
    }
    this.pages = new Windowed(
      async (offset, limit) => {
        const data = await getJson("/_sim/confluence/pages", { space, offset, limit });
        return { total: data.total, rows: data.rows };
      },
      {
        onChange: ({ totalChanged }) => {
          if (totalChanged) {
            this.list.setCount(this.pages.total);
            this.treeFilter.textContent = `${space}: ${this.pages.total} pages and blog posts, in tree order`;
          } else this.list.refresh();
        },
      },
    );
    this.list.setCount(0);
    await this.pages.start();
  }

  pageRow(i) {
    const p = this.pages?.get(i);
    if (!p) return h("div.row.loading", "…");
    const selected = p.id === this.params.page;
    return h(
      `div.row.page${selected ? ".selected" : ""}`,
      { "data-id": p.id, role: "treeitem", "aria-level": p.depth + 1, "aria-selected": String(selected) },
      h("span.indent", { style: { width: `${p.depth * 16}px` } }),
      h("span.icon", p.type === "blogpost" ? "✎" : p.children ? "▾" : "•"),
      h("span.num.dim", p.id),
      h("span.title", p.title),
      p.status !== "current" ? chip(p.status) : null,
      p.read ? chip(`read: ${names(p.read)}`, "restricted", "view restriction on this page") : null,
      p.update ? chip(`edit: ${names(p.update)}`, "", "edit restriction on this page") : null,
      p.inherited.length
        ? chip(
            `inherits read from ${p.inherited.map((a) => a.id).join(", ")}`,
            "inherited",
            p.inherited.map((a) => `${a.id} "${a.title}": ${names(a.read)}`).join("\n"),
          )
        : null,
    );
  }

  async openPage() {
    const id = this.params.page;
    if (!id) {
      fillChanged(this.detail, "none", () =>
        h("p.dim", "Select a page to see its restrictions and who can view it."),
      );
      return;
    }
    if (this.detailFor === id) return;
    this.detailFor = id;
    try {
      const p = await getJson("/_sim/confluence/page", { id });
      if (p.space !== this.spaceKey) return update({ space: p.space, page: id });
      this.list.refresh();
      // Scrolled to once per selection: live refreshes leave the reader's scrolling alone.
      if (this.revealed !== id) {
        this.revealed = id;
        const found = await getJson("/_sim/confluence/pages", { space: p.space, find: id, limit: 1 });
        if (found.index >= 0) this.list.reveal(found.index);
      }
      fillChanged(this.detail, JSON.stringify(p), () => [
        detailHead([`${p.id} ${p.title}`], "page"),
        facts([
          ["space", p.space],
          ["type", p.type],
          ["status", p.status],
          ["version", p.version],
          ["labels", p.labels.join(", ") || "–"],
          ["ancestors", p.ancestors.map((a) => `${a.id} ${a.title}`).join(" › ") || "–"],
        ]),
        section(
          "Restrictions",
          facts([
            ["read (own)", p.read ? names(p.read) : "none"],
            ["edit (own)", p.update ? names(p.update) : "none"],
            [
              "read (inherited)",
              p.inherited.length
                ? h(
                    "ul",
                    p.inherited.map((a) => h("li", `${a.id} "${a.title}": ${names(a.read)}`)),
                  )
                : "none",
            ],
          ]),
          h("p.dim", "A viewer must pass every read restriction: this page's and each ancestor's."),
        ),
        section(
          `Who can view (${p.viewers.length} accounts${p.anonymous.allowed ? " and anonymous users" : ""})`,
          h("p", p.viewers.join(", ") || "nobody"),
          h(
            "p.dim",
            "anonymous: ",
            p.anonymous.reasons.map((r) => `${r.ok ? "✓" : "✗"} ${r.detail}`).join("; "),
          ),
          h("a", { href: `#/matrix?item=${encodeURIComponent(p.id)}` }, "this page in Who sees what →"),
        ),
      ]);
    } catch (error) {
      fillChanged(this.detail, `error ${error.message}`, () => h("p.error", error.message));
    }
  }

  async renderPeople() {
    const data = await getJson("/_sim/confluence/people");
    fillChanged(this.body, JSON.stringify(["people", data]), () => [
      h(
        "div.people",
        section(
          `Users (${data.users.length})`,
          table(
            "grid",
            ["name", "email", "account", "groups"],
            data.users.map((u) =>
              h(
                "tr",
                h(
                  "td",
                  u.displayName,
                  " ",
                  u.admin ? chip("admin") : null,
                  u.guest ? chip("guest", "warn") : null,
                  u.active ? null : chip("inactive"),
                ),
                h(
                  "td",
                  u.email,
                  " ",
                  u.emailVisible
                    ? null
                    : chip("hidden", "restricted", "the API shows an empty email (profile visibility)"),
                ),
                h("td.dim", `${u.accountType} ${u.accountId}`),
                h("td", u.groups.join(", ")),
              ),
            ),
          ),
        ),
        section(
          `Groups (${data.groups.length})`,
          table(
            "grid",
            ["group", "members"],
            data.groups.map((g) =>
              h(
                "tr",
                h("td", g.name, g.productAccess ? chip("product access") : null),
                h("td", g.members.join(", ")),
              ),
            ),
          ),
        ),
      ),
    ]);
  }

  key(event) {
    if (!this.pages?.total) return;
    const move = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[event.key];
    if (!move) {
      if (event.key === "Escape") update({ page: "" });
      return;
    }
    const rows = [...this.treeScroller.querySelectorAll(".row[data-id]")];
    const at = rows.findIndex((r) => r.dataset.id === this.params.page);
    const next = at === -1 ? rows[0] : rows[at + move];
    if (next) update({ page: next.dataset.id });
    event.preventDefault();
  }
}
