// Graph: connections with their state and what the operation table allows in it, schema and
// operations, quotas; items with ACLs (groups expanded to the people they admit); external groups.
import { getJson } from "../lib/api.js";
import { chip, detailHead, facts, fillChanged, h, section, shortTime, table } from "../lib/dom.js";
import { update } from "../lib/router.js";
import { VirtualList, Windowed } from "../lib/virtual.js";

const TABS = [
  ["overview", "Connection"],
  ["items", "Items"],
  ["groups", "External groups"],
];

/** One ACL entry as a chip: a short name; the type, value and the people a group admits in its title. */
function aclChip(e) {
  const people = e.people
    ? `\nadmits ${e.peopleCount}: ${e.people.join(", ")}${e.peopleCount > e.people.length ? ", …" : ""}`
    : "";
  const name =
    e.type === "everyone"
      ? "everyone"
      : e.type === "everyoneExceptGuests"
        ? "everyone except guests"
        : e.type === "externalGroup"
          ? e.label.replace(/ \([^)]*\)$/, "")
          : e.type === "group"
            ? `Entra group ${e.label}`
            : e.label;
  return chip(
    `${e.accessType === "deny" ? "deny " : ""}${name}`,
    e.accessType === "deny" ? "deny" : "grant",
    `${e.type} ${e.value}${people}`,
  );
}

export class GraphView {
  constructor() {
    this.params = {};
    this.head = h("div.graph-head");
    this.tabs = h("div.tabs", { role: "tablist" });
    this.body = h("div.view-body");
    this.el = h("div.view.graph", this.head, this.tabs, this.body);
    this.itemsScroller = h("div.scroller", { role: "grid", "aria-label": "items", tabindex: 0 });
    this.itemDetail = h("aside.detail", { "aria-label": "item details" });
    this.itemFilter = h("input.filter", {
      type: "search",
      placeholder: "filter items by id or title  (/)",
      "aria-label": "filter items",
      oninput: () => update({ q: this.itemFilter.value }),
    });
    this.itemsLayout = h(
      "div.items-layout",
      h("div.toolbar", this.itemFilter),
      h("div.split", this.itemsScroller, this.itemDetail),
    );
    this.list = new VirtualList(this.itemsScroller, { rowHeight: 30, render: (i) => this.itemRow(i) });
    this.itemsScroller.addEventListener("click", (event) => {
      const row = event.target.closest(".row[data-id]");
      if (row) update({ item: row.dataset.id }, { push: true });
    });
  }

  async update(params) {
    const before = this.params;
    this.params = params;
    await this.refreshHead();
    const tab = TABS.some(([id]) => id === params.tab) ? params.tab : "overview";
    fillChanged(this.tabs, `${this.conn} ${tab}`, () =>
      TABS.map(([id, label]) =>
        h(
          "a",
          {
            href: `#/graph?conn=${encodeURIComponent(this.conn ?? "")}&tab=${id}`,
            role: "tab",
            "aria-selected": String(id === tab),
          },
          label,
        ),
      ),
    );
    if (!this.conn)
      return fillChanged(this.body, "none", () =>
        h("p.dim", "No connection yet: a connector creates one with POST /v1.0/external/connections."),
      );
    if (tab === "overview") return this.renderOverview();
    if (tab === "groups") return this.renderGroups();
    fillChanged(this.body, "items", () => this.itemsLayout);
    if (document.activeElement !== this.itemFilter) this.itemFilter.value = params.q ?? "";
    if (!this.items || before.conn !== params.conn || before.q !== params.q || before.tab !== params.tab)
      this.openItems();
    this.list.refresh();
    await this.renderItem();
  }

  async refresh() {
    await this.update(this.params);
    this.items?.refresh();
    this.itemShown = undefined;
    if (this.params.tab === "items") await this.renderItem();
  }

  async refreshHead() {
    this.data = await getJson("/_sim/graph/connections");
    const { quotas } = this.data;
    this.conn =
      this.params.conn && this.data.connections.some((c) => c.id === this.params.conn)
        ? this.params.conn
        : this.data.connections[0]?.id;
    const key = JSON.stringify([
      this.data.connections,
      quotas,
      this.data.schemaProvisioningMs,
      this.conn,
      this.params.tab,
    ]);
    fillChanged(this.head, key, () => [
      h(
        "div.conn-cards",
        this.data.connections.map((c) =>
          h(
            `a.conn-card${c.id === this.conn ? ".selected" : ""}`,
            {
              href: `#/graph?conn=${encodeURIComponent(c.id)}&tab=${this.params.tab ?? "overview"}`,
              "data-conn": c.id,
            },
            h("b", c.id),
            " ",
            chip(c.state, `state ${c.state}`),
            h("div.dim", `${c.items} items · ${c.groups} groups · ${c.operations.length} operations`),
          ),
        ),
      ),
      h(
        "p.dim.quotas",
        `quotas: ${quotas.itemsPerConnection.toLocaleString()} items per connection, ${quotas.itemsPerTenant.toLocaleString()} per tenant (${quotas.itemsInTenant.toLocaleString()} used)`,
        ` · ingestion: ${quotas.ingestionItemsPerSecond ? `${quotas.ingestionItemsPerSecond} items/s` : "not throttled"}`,
        ` · schema provisioning: ${this.data.schemaProvisioningMs / 1000} s`,
      ),
    ]);
  }

  renderOverview() {
    const c = this.data.connections.find((x) => x.id === this.conn);
    const schema = c.schema ?? c.submittedSchema;
    const key = JSON.stringify(["overview", c, this.data.retryDiscipline]);
    fillChanged(this.body, key, () =>
      h(
        "div.overview",
        section(
          `${c.id} — ${c.name}`,
          facts([
            ["state", chip(c.state, `state ${c.state}`)],
            ["owner app", c.ownerAppId],
            [
              "items",
              `${c.items} (${c.itemsRemaining.toLocaleString()} more allowed${c.itemQuota !== null ? `, own quota ${c.itemQuota}` : ""})`,
            ],
            ["external groups", c.groups],
            ["URL resolvers", c.resolvers],
          ]),
          h("h4", `Allowed in state ${c.state} (the operation table)`),
          h(
            "div.ops",
            c.allowed.map((op) => chip(op, "grant")),
            c.refused.map((op) => chip(op, "refused", "refused in this state")),
          ),
        ),
        section(
          "Schema operations",
          c.operations.length
            ? table(
                "grid.operations",
                ["operation", "status", "completes at (simulated)"],
                c.operations.map((op) =>
                  h(
                    "tr",
                    { "data-op": op.id },
                    h("td.mono", op.id),
                    h("td", chip(op.status, `op ${op.status}`), op.error ? ` ${op.error}` : ""),
                    h("td", shortTime(op.completesAt)),
                  ),
                ),
              )
            : h("p.dim", "none"),
        ),
        section(
          c.schema ? "Schema" : schema ? "Schema (submitted, provisioning)" : "Schema",
          schema
            ? table(
                "grid",
                ["property", "type", "flags", "labels / aliases"],
                schema.properties.map((p) =>
                  h(
                    "tr",
                    h("td", p.name),
                    h("td", p.type),
                    h(
                      "td",
                      ["Searchable", "Queryable", "Retrievable", "Refinable", "ExactMatchRequired"]
                        .filter((f) => p[`is${f}`])
                        .join(", "),
                    ),
                    h("td", [...(p.labels ?? []), ...(p.aliases ?? [])].join(", ")),
                  ),
                ),
              )
            : h("p.dim", "no schema yet"),
        ),
        this.data.retryDiscipline.length
          ? section(
              "Ingestion retry discipline",
              table(
                "grid",
                ["request", "Retry-After", "waited", "verdict"],
                this.data.retryDiscipline.map((r) =>
                  h(
                    `tr${r.honoured ? "" : ".finding"}`,
                    h("td", r.request),
                    h("td", `${r.retryAfterSeconds}s`),
                    h("td", `${r.waitedSeconds}s`),
                    h("td", r.honoured ? "honoured" : chip("too early", "finding")),
                  ),
                ),
              ),
            )
          : null,
      ),
    );
  }

  openItems() {
    const conn = this.conn;
    const q = this.params.q;
    this.items = new Windowed(
      async (offset, limit) => {
        const data = await getJson("/_sim/graph/items", { connection: conn, q, offset, limit });
        return { total: data.total, rows: data.items };
      },
      {
        onChange: ({ totalChanged }) =>
          totalChanged ? this.list.setCount(this.items.total) : this.list.refresh(),
      },
    );
    this.list.setCount(0);
    this.items.start();
  }

  itemRow(i) {
    const item = this.items?.get(i);
    if (!item) return h("div.row.loading", "…");
    const selected = item.id === this.params.item;
    return h(
      `div.row.item${selected ? ".selected" : ""}`,
      { "data-id": item.id, role: "row", "aria-selected": String(selected) },
      h("span.num.dim", item.id),
      h("span.title", item.title),
      h("span.acl", item.acl.map(aclChip)),
    );
  }

  async renderItem() {
    const id = this.params.item;
    if (!id) {
      this.itemShown = undefined;
      return fillChanged(this.itemDetail, "none", () =>
        h("p.dim", "Select an item to see its ACL and properties."),
      );
    }
    if (this.itemShown === id) return;
    this.itemShown = id;
    const data = await getJson("/_sim/graph/items", { connection: this.conn, q: id, find: id, limit: 50 });
    const item = data.items.find((x) => x.id === id);
    if (!item)
      return fillChanged(this.itemDetail, `missing ${id}`, () =>
        h("p.error", `no item ${id} in ${this.conn}`),
      );
    fillChanged(this.itemDetail, JSON.stringify(item), () => [
      detailHead([`${item.id} ${item.title}`], "item"),
      facts([
        ["url", item.url ?? "–"],
        ["last modified", shortTime(item.lastModifiedAt)],
      ]),
      section(
        "ACL (deny beats grant)",
        h(
          "ul.acl-list",
          item.acl.map((e) =>
            h(
              "li",
              aclChip(e),
              e.people
                ? h(
                    "div.dim",
                    `admits ${e.peopleCount}: ${e.people.join(", ")}${e.peopleCount > e.people.length ? ", …" : ""}`,
                  )
                : null,
            ),
          ),
        ),
        h(
          "a",
          { href: `#/matrix?item=${encodeURIComponent(item.id)}&conn=${encodeURIComponent(this.conn)}` },
          "this item in Who sees what →",
        ),
      ),
      section("Properties", h("pre.body", JSON.stringify(item.properties, null, 2))),
    ]);
  }

  async renderGroups() {
    const data = await getJson("/_sim/graph/groups", { connection: this.conn, limit: 5000 });
    fillChanged(this.body, JSON.stringify(["groups", data]), () =>
      section(
        `External groups (${data.total}${data.total > data.groups.length ? `, first ${data.groups.length}` : ""})`,
        table(
          "grid",
          ["group", "members", "admits"],
          data.groups.map((g) =>
            h(
              "tr",
              h("td", h("b", g.id), g.displayName ? h("div.dim", g.displayName) : null),
              h(
                "td",
                g.members.map((m) => chip(`${m.type === "user" ? "" : `${m.type}: `}${m.label}`)),
              ),
              h(
                "td",
                `${g.peopleCount}: ${g.people.join(", ")}${g.peopleCount > g.people.length ? ", …" : ""}`,
              ),
            ),
          ),
        ),
      ),
    );
  }

  focusFilter() {
    if (this.params.tab === "items") this.itemFilter.focus();
  }

  key(event) {
    if (this.params.tab !== "items") return;
    const move = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[event.key];
    if (event.key === "Escape") return update({ item: "" });
    if (!move) return;
    const rows = [...this.itemsScroller.querySelectorAll(".row[data-id]")];
    const at = rows.findIndex((r) => r.dataset.id === this.params.item);
    const next = at === -1 ? rows[0] : rows[at + move];
    if (next) {
      update({ item: next.dataset.id });
      this.list.reveal(Number(next.dataset.index));
    }
    event.preventDefault();
  }
}
