// Requests: the host's journal as a live, filterable table; a row opens its headers, bodies,
// near-miss routes (for a 404/405 no route matched) and retry-discipline finding.
import { getJson } from "../lib/api.js";
import { chip, detailHead, facts, fill, h, pretty, section, table, timeOfDay } from "../lib/dom.js";
import { update } from "../lib/router.js";
import { VirtualList } from "../lib/virtual.js";

/** Entries kept in the page (the newest); the server's journal may hold more. */
const KEEP = 10_000;
const STATUS_FILTERS = {
  "": "any status",
  "2xx": "2xx",
  "4xx": "4xx",
  "5xx": "5xx",
  429: "429 throttled",
  fault: "injected faults",
  finding: "retry findings",
};

/** A long header value (a bearer token) folds away behind its first characters. */
function headerValue(value) {
  if (value.length <= 100) return value;
  return h("details.long", h("summary", `${value.slice(0, 60)}… (${value.length} characters)`), value);
}

export class RequestsView {
  constructor(shared) {
    this.shared = shared;
    this.entries = [];
    this.findings = new Map();
    this.shown = [];
    this.params = {};
    this.filter = h("input.filter", {
      type: "search",
      placeholder: "filter: path, operation, status, fault, note…  (/)",
      "aria-label": "filter requests",
      oninput: () => update({ q: this.filter.value }),
    });
    this.service = h("select", {
      "aria-label": "service",
      onchange: () => update({ service: this.service.value }),
    });
    this.status = h(
      "select",
      { "aria-label": "status", onchange: () => update({ status: this.status.value }) },
      Object.entries(STATUS_FILTERS).map(([value, label]) => h("option", { value }, label)),
    );
    this.follow = h("input", { type: "checkbox", checked: true });
    this.count = h("span.dim");
    const header = h(
      "div.row.head.req",
      [
        "#",
        "time",
        "service",
        "method",
        "path",
        "operation",
        "status",
        "Retry-After",
        "fault / note",
        "ms",
      ].map((t) => h("span", { title: t }, t)),
    );
    this.scroller = h("div.scroller", { role: "grid", "aria-label": "requests", tabindex: 0 });
    this.detail = h("aside.detail", { "aria-label": "request details" });
    this.split = h("div.split.closed", this.scroller, this.detail);
    this.el = h(
      "div.view.requests",
      h(
        "div.toolbar",
        this.filter,
        this.service,
        this.status,
        h("label", this.follow, " follow new requests"),
        this.count,
      ),
      this.split,
    );
    this.list = new VirtualList(this.scroller, {
      rowHeight: 26,
      header,
      render: (i) => this.row(this.shown[i]),
    });
    this.scroller.addEventListener("click", (event) => {
      const row = event.target.closest(".row[data-seq]");
      if (row) update({ seq: row.dataset.seq }, { push: true });
    });
    this.loaded = this.load();
  }

  async load() {
    const [journal, findings] = await Promise.all([
      getJson("/_sim/requests", { limit: KEEP }),
      getJson("/_sim/requests/findings"),
    ]);
    this.entries = journal.entries.sort((a, b) => a.seq - b.seq);
    this.throttledKeys = new Set();
    this.watchRetries(this.entries);
    this.findingsStale = false;
    this.setFindings(findings.findings);
    this.services();
    this.apply();
  }

  setFindings(list) {
    this.findings = new Map(list.map((f) => [f.seq, f]));
    this.throttledBy = new Set(list.map((f) => f.throttledSeq));
  }

  services() {
    const names = [...new Set(this.entries.map((e) => e.service ?? "(none)"))].sort();
    const chosen = this.params.service ?? "";
    fill(
      this.service,
      h("option", { value: "" }, "every service"),
      names.map((n) => h("option", { value: n, selected: n === chosen }, n)),
    );
  }

  async update(params) {
    this.params = params;
    if (this.filter.value !== (params.q ?? "") && document.activeElement !== this.filter)
      this.filter.value = params.q ?? "";
    this.status.value = params.status ?? "";
    await this.loaded;
    this.service.value = params.service ?? "";
    this.apply();
    await this.open(params.seq ? Number(params.seq) : undefined);
  }

  matches(e) {
    const { q, service, status } = this.params;
    if (service && (e.service ?? "(none)") !== service) return false;
    if (status === "fault" && !e.fault) return false;
    if (status === "finding" && !this.findings.has(e.seq)) return false;
    if (/^\dxx$/.test(status ?? "") && Math.floor(e.status / 100) !== Number(status[0])) return false;
    if (/^\d{3}$/.test(status ?? "") && e.status !== Number(status)) return false;
    if (!q) return true;
    const text = `${e.seq} ${e.method} ${e.path} ${e.operationId ?? ""} ${e.status} ${e.fault ?? ""} ${(e.notes ?? []).join(" ")}`;
    return text.toLowerCase().includes(q.toLowerCase());
  }

  apply() {
    this.shown = this.entries.filter((e) => this.matches(e));
    this.count.textContent = `${this.shown.length} of ${this.entries.length} requests${this.entries.length >= KEEP ? ` (the newest ${KEEP})` : ""}`;
    this.list.setCount(this.shown.length);
  }

  row(e) {
    const finding = this.findings.get(e.seq);
    const cls = [
      "row",
      "req",
      `s${Math.floor(e.status / 100)}xx`,
      e.fault ? "fault" : "",
      finding ? "finding" : "",
      this.throttledBy?.has(e.seq) ? "throttled" : "",
      String(e.seq) === this.params.seq ? "selected" : "",
    ].filter(Boolean);
    return h(
      `div.${cls.join(".")}`,
      { "data-seq": e.seq, role: "row", "aria-selected": String(String(e.seq) === this.params.seq) },
      h("span.num", e.seq),
      h("span.num", { title: e.at }, timeOfDay(e.at)),
      h("span", e.service ?? "–"),
      h("span", e.method),
      h("span.path", { title: e.url }, e.path),
      h("span", e.operationId ?? "–"),
      h("span.num.status", e.status || "drop"),
      h("span.num", e.retryAfter === undefined ? "" : `${e.retryAfter}s`),
      h(
        "span.note",
        finding ? chip("retried early", "finding", finding.message) : null,
        e.fault ? chip(e.fault.replace(/^rule /, "fault "), "fault") : null,
        e.notes?.length ? h("span.dim", { title: e.notes.join("\n") }, e.notes[0]) : null,
      ),
      h("span.num.dim", Math.round(e.durationMs * 10) / 10),
    );
  }

  /**
   * Retry findings change only when a request comes back to something throttled before (or a new
   * throttled answer arrives): only then are they read again.
   */
  watchRetries(entries) {
    for (const e of entries) {
      const key = `${e.method} ${e.url}`;
      if (e.retryAfter !== undefined && (e.status === 429 || e.status === 503)) {
        this.throttledKeys.add(key);
        this.findingsStale = true;
      } else if (e.method !== "POST" && this.throttledKeys.has(key)) this.findingsStale = true;
    }
  }

  onRequests(entries) {
    this.watchRetries(entries);
    let added = 0;
    for (const e of entries) {
      if (this.entries.length && e.seq <= this.entries.at(-1).seq) {
        // Out of order (concurrent requests finish in any order): keep the list sorted.
        const at = this.entries.findIndex((x) => x.seq > e.seq);
        this.entries.splice(at === -1 ? this.entries.length : at, 0, e);
      } else this.entries.push(e);
      added++;
    }
    if (!added) return;
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
    const known = new Set(this.service.options.length ? [...this.service.options].map((o) => o.value) : []);
    if (entries.some((e) => !known.has(e.service ?? "(none)"))) this.services();
    this.apply();
    if (this.follow.checked && !this.params.seq) this.list.reveal(this.shown.length - 1);
  }

  /** The journal moved on without us (a burst, or a reset): read it again. */
  resync() {
    this.loaded = this.load();
  }

  async refresh() {
    const journal = this.shared.journal;
    if (journal && journal.entries < Math.min(this.entries.length, KEEP)) return this.resync();
    if (!this.findingsStale) return;
    this.findingsStale = false;
    const findings = await getJson("/_sim/requests/findings");
    this.setFindings(findings.findings);
    this.list.refresh();
  }

  async open(seq) {
    this.split.classList.toggle("closed", seq === undefined);
    if (seq === undefined) {
      this.openSeq = undefined;
      fill(this.detail);
      this.list.refresh();
      return;
    }
    const index = this.shown.findIndex((e) => e.seq === seq);
    if (index >= 0) this.list.reveal(index);
    if (this.openSeq === seq) return;
    this.openSeq = seq;
    try {
      this.renderDetail(await getJson("/_sim/requests/detail", { seq }));
    } catch (error) {
      fill(this.detail, h("p.error", error.message));
    }
  }

  renderDetail({ entry, exchange, exchangeMissing, nearMisses }) {
    const finding = this.findings.get(entry.seq);
    const message = (title, m) =>
      section(
        title,
        m.headers.length
          ? h(
              "table.headers",
              h(
                "tbody",
                m.headers.map(([k, v]) => h("tr", h("th", k), h("td", headerValue(v)))),
              ),
            )
          : h("p.dim", "no headers"),
        m.body.text === null
          ? h("p.dim", `body not kept: ${m.body.reason}`)
          : m.body.text === ""
            ? h("p.dim", "no body")
            : h(
                "div",
                m.body.truncated
                  ? h("p.dim", `first ${m.body.text.length} of ${m.body.length} characters`)
                  : null,
                h("pre.body", pretty(m.body.text)),
              ),
      );
    fill(
      this.detail,
      detailHead([`#${entry.seq} ${entry.method} `, h("span.path", entry.path)], "seq"),
      h("p.url", entry.url),
      facts([
        ["simulated time", entry.at],
        ["service", entry.service ?? "no service owns this path"],
        ["operation", entry.operationId ?? "no route matched"],
        ["status", entry.status ? String(entry.status) : "connection dropped"],
        entry.retryAfter !== undefined && ["Retry-After", `${entry.retryAfter} s`],
        entry.fault && ["fault", entry.fault],
        entry.batch && [
          "inside $batch",
          h("a", { href: `#/requests?seq=${entry.batch}` }, `#${entry.batch}`),
        ],
        ["duration", `${entry.durationMs} ms (real)`],
      ]),
      finding
        ? h(
            "p.finding-note",
            "Retry discipline: ",
            finding.message.replace(/^retries: /, ""),
            " — ",
            h("a", { href: `#/requests?seq=${finding.throttledSeq}` }, `see #${finding.throttledSeq}`),
          )
        : null,
      entry.notes?.length
        ? section(
            "Notes",
            h(
              "ul",
              entry.notes.map((n) => h("li", n)),
            ),
          )
        : null,
      nearMisses.length
        ? section(
            "Nearest routes (no route matched this request)",
            table(
              "near",
              ["distance", "method", "path", "operation", "service"],
              nearMisses.map((m) =>
                h(
                  "tr",
                  h("td.num", m.distance),
                  h("td", m.method),
                  h("td.path", m.path),
                  h("td", m.operationId),
                  h("td", m.service),
                ),
              ),
            ),
          )
        : null,
      exchange
        ? [
            message("Request", exchange.request),
            exchange.response
              ? message("Response", exchange.response)
              : h("p.dim", "The connection was dropped: no response."),
          ]
        : h("p.dim", exchangeMissing),
    );
  }

  focusFilter() {
    this.filter.focus();
    this.filter.select();
  }

  key(event) {
    const index = this.shown.findIndex((e) => String(e.seq) === this.params.seq);
    const move = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[event.key];
    if (move) {
      const next =
        this.shown[
          Math.max(
            0,
            Math.min(
              this.shown.length - 1,
              index === -1 ? (move > 0 ? 0 : this.shown.length - 1) : index + move,
            ),
          )
        ];
      if (next) update({ seq: next.seq });
      event.preventDefault();
    } else if (event.key === "Escape" && this.params.seq) update({ seq: "" });
  }
}
