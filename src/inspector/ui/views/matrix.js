// Who sees what: the parity oracle's users × items matrix, live (items are rows, so 10k pages
// scroll), the explain chain of any cell, and search as a user with each hit's verdict.
import { getJson } from "../lib/api.js";
import { chip, detailHead, fill, h, section } from "../lib/dom.js";
import { update } from "../lib/router.js";
import { VirtualList, Windowed } from "../lib/virtual.js";

const DIFFERENCES = new Set(["over", "under", "documentedOver", "documentedUnder"]);

export class MatrixView {
  constructor(shared) {
    this.shared = shared;
    this.info = shared.states.info;
    this.states = shared.states.states;
    this.params = {};
    this.users = [];
    this.focus = { row: 0, col: 0 };
    const param = (name) => (event) =>
      update({
        [name]: event.target.type === "checkbox" ? (event.target.checked ? "1" : "") : event.target.value,
      });
    this.filter = h("input.filter", {
      type: "search",
      placeholder: "filter items by id or title  (/)",
      "aria-label": "filter items",
      oninput: param("q"),
    });
    this.userList = h("input.users", {
      type: "text",
      placeholder: "users (UPNs, comma-separated; default: the first 30)",
      "aria-label": "users to show",
      onchange: param("users"),
    });
    this.onlyDiff = h("input", { type: "checkbox", onchange: param("diff") });
    this.legend = h("ul.legend", { "aria-label": "legend" });
    this.note = h("p.dim.matrix-note");
    this.scroller = h("div.scroller.matrix", { role: "grid", "aria-label": "users × items matrix" });
    this.header = h("div.mrow.mhead");
    this.detail = h("aside.detail", { "aria-label": "explain" });
    this.searchUser = h("select", { "aria-label": "search as user" });
    this.searchText = h("input", { type: "search", placeholder: "search text", "aria-label": "search text" });
    this.searchResults = h("div.search-results");
    const searchForm = h(
      "form.search-as",
      {
        onsubmit: (event) => {
          event.preventDefault();
          update({ as: this.searchUser.value, search: this.searchText.value }, { push: true });
        },
      },
      h("b", "Search as "),
      this.searchUser,
      this.searchText,
      h("button", { type: "submit" }, "search"),
    );
    this.el = h(
      "div.view.matrix-view",
      h(
        "div.toolbar",
        this.filter,
        this.userList,
        h("label", this.onlyDiff, " only differences"),
        this.legend,
      ),
      this.note,
      h("div.split", this.scroller, h("div.side", searchForm, this.searchResults, this.detail)),
    );
    this.list = new VirtualList(this.scroller, {
      rowHeight: 26,
      header: this.header,
      render: (i) => this.row(i),
    });
    this.scroller.addEventListener("click", (event) => {
      const cell = event.target.closest("[data-u]");
      const row = event.target.closest("[data-index]");
      if (!cell || !row) return;
      this.focus = { row: Number(row.dataset.index), col: Number(cell.dataset.u) };
      this.select();
    });
    this.scroller.addEventListener("keydown", (event) => this.moveFocus(event));
  }

  scopeKey(p) {
    return JSON.stringify([p.conn, p.users, p.q, p.diff]);
  }

  async update(params) {
    const changed = this.scopeKey(params) !== this.scopeKey(this.params) || !this.rows;
    this.params = params;
    if (document.activeElement !== this.filter) this.filter.value = params.q ?? "";
    if (document.activeElement !== this.userList) this.userList.value = params.users ?? "";
    this.onlyDiff.checked = params.diff === "1";
    if (changed) await this.load();
    else this.list.refresh();
    if (params.item && !params.user) await this.revealItem(params.item);
    await Promise.all([this.explain(), this.search()]);
  }

  async refresh() {
    // The cells in view follow the world; which rows differ is computed over every cell, so it
    // is recomputed only on request (the note says when it was).
    this.rows?.refresh();
    this.explained = undefined;
    this.searched = undefined;
    await Promise.all([this.explain(), this.search()]);
  }

  /** The query every matrix call shares. */
  query() {
    return { connection: this.params.conn, users: this.params.users, q: this.params.q };
  }

  async load() {
    let ids;
    if (this.params.diff === "1") {
      const diff = await getJson("/_sim/oracle/differences", this.query());
      ids = diff.rows;
      this.renderLegend(diff.counts);
      this.diffAt = this.shared.clock;
    } else this.renderLegend();
    this.ids = ids;
    this.rows = new Windowed(
      async (offset, limit) => {
        const window = ids
          ? { items: ids.slice(offset, offset + limit).join(","), limit }
          : { offset, limit };
        const data =
          ids && ids.length === 0
            ? { total: 0, items: [], cells: [], users: this.users }
            : await getJson("/_sim/oracle/matrix", { ...this.query(), ...window });
        this.scope = data;
        return {
          total: ids ? ids.length : data.total,
          rows: data.items.map((item, i) => ({ item, cells: data.cells[i] })),
        };
      },
      {
        pageSize: 100,
        onChange: ({ totalChanged, result, error }) => {
          if (error) return fill(this.note, h("span.error", error.message));
          if (result) this.setUsers(this.scope.users);
          if (totalChanged) this.list.setCount(this.rows.total);
          else this.list.refresh();
          this.describe();
        },
      },
    );
    this.list.setCount(0);
    await this.rows.start();
  }

  describe() {
    const s = this.scope;
    if (!s) return;
    const recompute = h("button", { type: "button", onclick: () => this.load() }, "recompute");
    fill(
      this.note,
      this.ids
        ? [
            "rows that differ as of ",
            this.diffAt.replace("T", " ").replace(/\.\d+Z$/, ""),
            " ",
            recompute,
            " · ",
          ]
        : null,
      `${this.rows.total} items × ${s.users.length} of ${s.totalUsers} users · connection ${s.connection || "(none yet)"} · `,
      s.lastIndexWrite
        ? `last index write ${s.lastIndexWrite.replace("T", " ").replace(/\.\d+Z$/, "")}`
        : "no index write yet",
      " · click a cell (or Enter) for its explain chain",
    );
  }

  renderLegend(counts) {
    fill(
      this.legend,
      this.states.map((s) =>
        h(
          "li",
          { title: this.info[s].help },
          h(`span.c.${s}`, this.info[s].glyph),
          this.info[s].label,
          counts ? h("span.n", ` ${counts[s]}`) : null,
        ),
      ),
    );
  }

  setUsers(users) {
    if (JSON.stringify(users) === JSON.stringify(this.users)) return;
    this.users = users;
    fill(
      this.header,
      h("span.mitem.corner", "item \\ user"),
      users.map((u, i) =>
        h("span.mcol", { "data-u": i, title: u.upn }, h("span.vlabel", u.name, u.guest ? " (guest)" : "")),
      ),
    );
    const chosen = this.params.as ?? this.searchUser.value;
    fill(
      this.searchUser,
      users.map((u) => h("option", { value: u.upn, selected: u.upn === chosen }, u.upn)),
    );
  }

  row(i) {
    const row = this.rows?.get(i);
    if (!row) return h("div.mrow.loading", "…");
    const { item, cells } = row;
    const selectedItem = item.id === this.params.item;
    return h(
      `div.mrow${selectedItem ? ".selected" : ""}`,
      { role: "row" },
      h(
        `span.mitem${item.indexed ? "" : ".unindexed"}`,
        {
          title: `${item.type} ${item.id} "${item.title}" in ${item.space}${item.indexed ? "" : " — not indexed"}`,
        },
        h("span.dim", item.space, " "),
        h("b", item.id),
        " ",
        item.title,
      ),
      cells.map((c, u) => {
        const user = this.users[u];
        const pinned = selectedItem && user?.upn === this.params.user;
        const focused = this.focus.row === i && this.focus.col === u;
        return h(
          `span.c.${c.state}${pinned ? ".pinned" : ""}`,
          {
            role: "gridcell",
            "data-u": u,
            tabindex: focused ? 0 : -1,
            "aria-label": `${user?.upn} × ${item.id}: ${this.info[c.state].label}`,
            title: `${this.info[c.state].label} — ${user?.upn} × ${item.id}${c.reason ? `\n${c.reason}` : ""}`,
          },
          this.info[c.state].glyph,
        );
      }),
    );
  }

  /** Opens the explain chain of the focused cell. */
  select() {
    const row = this.rows?.get(this.focus.row);
    const user = this.users[this.focus.col];
    if (row && user) update({ user: user.upn, item: row.item.id }, { push: true });
  }

  moveFocus(event) {
    const delta = { ArrowDown: [1, 0], ArrowUp: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] }[event.key];
    if (event.key === "Enter") {
      this.select();
      event.preventDefault();
    }
    if (!delta) return;
    event.preventDefault();
    event.stopPropagation();
    const total = this.rows?.total ?? 0;
    this.focus = {
      row: Math.max(0, Math.min(total - 1, this.focus.row + delta[0])),
      col: Math.max(0, Math.min(this.users.length - 1, this.focus.col + delta[1])),
    };
    this.list.reveal(this.focus.row);
    this.list.rowElement(this.focus.row)?.querySelector(`[data-u="${this.focus.col}"]`)?.focus();
  }

  async revealItem(id) {
    const index = this.ids
      ? this.ids.indexOf(id)
      : (await getJson("/_sim/oracle/matrix", { ...this.query(), find: id, limit: 1 })).index;
    if (index >= 0) {
      this.focus = { row: index, col: this.focus.col };
      this.list.reveal(index);
    }
  }

  async explain() {
    const { user, item } = this.params;
    if (!user || !item) {
      this.explained = undefined;
      return fill(
        this.detail,
        h(
          "p.dim",
          "Click a cell to see why the user can or cannot see the item, in Confluence and in the index.",
        ),
      );
    }
    const key = `${user} ${item} ${this.params.conn}`;
    if (this.explained === key) return;
    this.explained = key;
    try {
      const e = await getJson("/_sim/oracle/explain", { connection: this.params.conn, user, item });
      this.list.refresh();
      fill(
        this.detail,
        detailHead([`${e.user} × ${e.item} “${e.title}”`], "user"),
        h(`p.state.${e.state}`, this.info[e.state].label),
        e.reason ? h("p", e.reason) : null,
        h("pre.explain", e.lines.join("\n")),
        h(
          "p.dim",
          "links: ",
          h("a", { href: `#/confluence?page=${encodeURIComponent(e.item)}` }, "page in Confluence"),
          " · ",
          h(
            "a",
            {
              href: `#/graph?tab=items&item=${encodeURIComponent(e.item)}&conn=${encodeURIComponent(e.connection)}`,
            },
            "item in Graph",
          ),
        ),
      );
    } catch (error) {
      fill(this.detail, h("p.error", error.message));
    }
  }

  async search() {
    const { as, search } = this.params;
    if (document.activeElement !== this.searchText) this.searchText.value = search ?? "";
    if (!as || !search) return fill(this.searchResults);
    const key = `${as} ${search} ${this.params.conn}`;
    if (this.searched === key) return;
    this.searched = key;
    try {
      const r = await getJson("/_sim/oracle/search", {
        connection: this.params.conn,
        user: as,
        query: search,
      });
      fill(
        this.searchResults,
        section(
          `${r.total} hit${r.total === 1 ? "" : "s"} for ${r.user}`,
          r.hits.length
            ? h(
                "ol.hits",
                r.hits.map((hit) =>
                  h(
                    "li",
                    h(
                      "a",
                      {
                        href: `#/matrix?${new URLSearchParams({ ...this.params, user: r.user, item: hit.id })}`,
                      },
                      `${hit.id} ${hit.title}`,
                    ),
                    " ",
                    this.info[hit.state]
                      ? chip(this.info[hit.state].label, `state-${hit.state}`)
                      : chip(hit.state),
                  ),
                ),
              )
            : h("p.dim", "nothing found"),
          r.hits.some((hit) => DIFFERENCES.has(hit.state) && hit.state.toLowerCase().includes("over"))
            ? h("p.error", "Some hits are over-exposed: Confluence does not let this user see them.")
            : null,
        ),
      );
    } catch (error) {
      fill(this.searchResults, h("p.error", error.message));
    }
  }

  focusFilter() {
    this.filter.focus();
  }
}
