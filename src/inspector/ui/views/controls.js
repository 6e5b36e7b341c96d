// Controls: the admin API with a face — the clock, fault rules, Graph switches and reset. Every
// button is one documented admin call; its answer (or error) is shown beside it.
import { getJson, send } from "../lib/api.js";
import { fill, h, section, shortTime } from "../lib/dom.js";

const PRESETS = {
  "429 on Graph item writes, Retry-After 1 s (first two)": {
    service: "graph",
    method: "PUT",
    path: "/v1.0/external/connections/*/items/*",
    status: 429,
    retryAfter: 1,
    requests: [1, 2],
  },
  "503 on Confluence page listings, Retry-After 5 s (once)": {
    service: "confluence",
    method: "GET",
    path: "/wiki/api/v2/pages",
    status: 503,
    retryAfter: 5,
    times: 1,
  },
  "drop 10% of Graph requests": { service: "graph", drop: true, probability: 0.1 },
};

export class ControlsView {
  constructor() {
    this.clockNow = h("output.big", { "aria-live": "polite" });
    this.advance = h("input", {
      type: "text",
      value: "15m",
      "aria-label": "advance by",
      size: 8,
      id: "advance-by",
    });
    this.setTo = h("input", {
      type: "text",
      placeholder: "2026-01-01T00:00:00Z",
      "aria-label": "set clock to",
      size: 24,
    });
    this.clockOut = h("p.result", { role: "status" });
    this.plan = h("textarea.plan", {
      rows: 12,
      spellcheck: false,
      "aria-label": "fault plan (JSON)",
      id: "fault-plan",
    });
    this.preset = h(
      "select",
      { "aria-label": "rule preset" },
      Object.keys(PRESETS).map((name) => h("option", { value: name }, name)),
    );
    this.faultOut = h("p.result", { role: "status" });
    this.provisioning = h("input", {
      type: "number",
      min: 0,
      step: 1000,
      "aria-label": "schema provisioning ms",
      size: 8,
    });
    this.throttle = h("input", {
      type: "number",
      min: 0,
      step: 1,
      "aria-label": "ingestion items per second (0: off)",
      size: 6,
    });
    this.graphOut = h("p.result", { role: "status" });
    this.resetOut = h("p.result", { role: "status" });
    const run = (out, action) => async (event) => {
      event?.preventDefault();
      try {
        const answer = await action(event);
        out.className = "result ok";
        out.textContent = typeof answer === "string" ? answer : JSON.stringify(answer);
        await this.refresh();
      } catch (error) {
        out.className = "result error";
        out.textContent = error.message;
      }
    };
    this.el = h(
      "div.view.controls",
      section(
        "Clock",
        h("p", "Simulated time: ", this.clockNow),
        h(
          "form.inline",
          {
            onsubmit: run(this.clockOut, () =>
              send("POST", "/_sim/clock", { advance: this.advance.value.trim() }),
            ),
          },
          h("label", { for: "advance-by" }, "Advance by "),
          this.advance,
          h("button", { type: "submit", id: "advance" }, "advance"),
          h("span.dim", " 90s, 15m, 1h30m, 2d"),
        ),
        h(
          "form.inline",
          {
            onsubmit: run(this.clockOut, () => send("POST", "/_sim/clock", { set: this.setTo.value.trim() })),
          },
          h("label", "Set to ", this.setTo),
          h("button", { type: "submit" }, "set"),
        ),
        this.clockOut,
      ),
      section(
        "Faults",
        h(
          "p.dim",
          "The fault plan (PUT /_sim/faults): rules match service, host, method and path globs; the first matching rule that fires decides.",
        ),
        this.plan,
        h(
          "div.inline",
          h(
            "button",
            {
              type: "button",
              id: "install-faults",
              onclick: run(this.faultOut, () => this.syncPlan(send("PUT", "/_sim/faults", this.parsePlan()))),
            },
            "install plan",
          ),
          h(
            "button",
            {
              type: "button",
              id: "clear-faults",
              onclick: run(this.faultOut, () => this.syncPlan(send("DELETE", "/_sim/faults"))),
            },
            "clear all rules",
          ),
          h("span.sep", "·"),
          this.preset,
          h("button", { type: "button", onclick: () => this.addPreset() }, "add rule"),
        ),
        this.faultOut,
      ),
      section(
        "Graph switches",
        h(
          "form.inline",
          {
            onsubmit: run(this.graphOut, () =>
              send("POST", "/_sim/graph/provisioning", { ms: Number(this.provisioning.value) }),
            ),
          },
          h("label", "Schema provisioning (ms) ", this.provisioning),
          h("button", { type: "submit" }, "set"),
        ),
        h(
          "form.inline",
          {
            onsubmit: run(this.graphOut, () =>
              send("POST", "/_sim/graph/throttle", {
                itemsPerSecond: Number(this.throttle.value) > 0 ? Number(this.throttle.value) : null,
              }),
            ),
          },
          h("label", "Ingestion limit (items/s, 0 = off) ", this.throttle),
          h("button", { type: "submit" }, "set"),
        ),
        this.graphOut,
      ),
      section(
        "Reset",
        h("p.dim", "Back to the starting state: twins, journal and fault rules (POST /_sim/reset)."),
        h(
          "button.danger",
          {
            type: "button",
            id: "reset",
            // Two steps instead of a confirm() dialog: the second click within 5 s resets.
            onclick: run(this.resetOut, (event) => this.reset(event)),
          },
          "reset everything",
        ),
        this.resetOut,
      ),
    );
    this.planLoaded = false;
  }

  parsePlan() {
    try {
      return JSON.parse(this.plan.value);
    } catch (error) {
      throw new Error(`the plan is not JSON: ${error.message}`);
    }
  }

  async reset(event) {
    const button = event.currentTarget;
    if (!button.classList.contains("armed")) {
      button.classList.add("armed");
      button.textContent = "click again to reset";
      setTimeout(() => {
        button.classList.remove("armed");
        button.textContent = "reset everything";
      }, 5000);
      return "press the button again within 5 seconds to reset";
    }
    button.classList.remove("armed");
    button.textContent = "reset everything";
    return send("POST", "/_sim/reset");
  }

  /** After an install or clear, the box shows the server's plan again. */
  async syncPlan(call) {
    const answer = await call;
    this.planLoaded = false;
    return answer;
  }

  addPreset() {
    let plan;
    try {
      plan = this.parsePlan();
    } catch {
      plan = { rules: [] };
    }
    plan.rules = [...(plan.rules ?? []), PRESETS[this.preset.value]];
    this.plan.value = JSON.stringify(plan, null, 2);
    this.faultOut.className = "result";
    this.faultOut.textContent = "rule added to the plan below: install it to take effect";
  }

  async update() {
    await this.refresh();
  }

  async refresh() {
    const [clock, faults, graph] = await Promise.all([
      getJson("/_sim/clock"),
      getJson("/_sim/faults"),
      getJson("/_sim/graph/connections"),
    ]);
    fill(this.clockNow, shortTime(clock.now));
    // The plan box is the user's draft: filled from the server only when untouched.
    if (!this.planLoaded || document.activeElement !== this.plan) {
      if (!this.planLoaded || this.plan.dataset.server === this.plan.value) {
        this.plan.value = JSON.stringify(faults, null, 2);
        this.plan.dataset.server = this.plan.value;
      }
      this.planLoaded = true;
    }
    if (document.activeElement !== this.provisioning) this.provisioning.value = graph.schemaProvisioningMs;
    if (document.activeElement !== this.throttle)
      this.throttle.value = graph.quotas.ingestionItemsPerSecond ?? 0;
  }
}
