import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveWorld } from "../../src/cli/serve.ts";
import type { RunningServer } from "../../src/simulators/host/http.ts";
import type { World } from "../../src/simulators/world.ts";
import { Browser } from "../report/cdp.ts";
import { haveChromium } from "../report/chromium.ts";

/**
 * The inspector by keyboard, in both colour schemes, and with 10 050 pages: long lists keep a
 * few dozen rows in the page and still reach the last one. No crawl: the Confluence side and the
 * matrix (everything "not indexed") are enough.
 */
describe.skipIf(!haveChromium)("the inspector's keyboard, colour schemes and long lists", () => {
  let world: World;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    world = serveWorld({ site: join(import.meta.dirname, "data", "large-site.yaml") });
    server = await world.listen();
    browser = await Browser.open(`${server.url}/_sim/ui/#/requests`);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  }, 30_000);

  const hash = () => browser.eval<string>("decodeURIComponent(location.hash)");

  it("switches views with digits, walks rows with j/k and closes with Esc", async () => {
    await browser.key("2");
    await browser.waitFor(
      `location.hash.startsWith("#/confluence") && document.querySelector(".tree .row[data-id]")`,
    );
    const first = await browser.eval<string>(`document.querySelector(".tree .row[data-id]").dataset.id`);
    await browser.key("j");
    await browser.waitFor(`location.hash.includes("page=${first}")`);
    await browser.key("j");
    const second = await browser.waitFor<string>(
      `!location.hash.includes("page=${first}") && new URLSearchParams(location.hash.split("?")[1]).get("page")`,
    );
    expect(second).not.toBe(first);
    await browser.waitFor(`document.querySelector(".tree .row.selected")?.dataset.id === "${second}"`);
    await browser.key("k");
    await browser.waitFor(`location.hash.includes("page=${first}")`);
    await browser.key("Escape");
    await browser.waitFor(`!location.hash.includes("page=")`);

    await browser.key("4");
    await browser.waitFor(`document.querySelector(".mrow .c[tabindex='0']")`);
    await browser.eval(`document.querySelector(".mrow .c[tabindex='0']").focus()`);
    await browser.key("ArrowRight");
    await browser.key("ArrowDown");
    await browser.key("Enter");
    await browser.waitFor(`document.querySelector("pre.explain")`);
    const [second_user, second_item] = await browser.eval<[string, string]>(`(() => {
      const row = document.querySelectorAll(".mrow:not(.mhead)")[1];
      return [document.querySelector(".mhead .mcol[data-u='1']").title, row.querySelector(".mitem b").textContent];
    })()`);
    expect(await hash()).toBe(`#/matrix?user=${second_user}&item=${second_item}`);

    // Live refreshes (here: the clock moves) leave the keyboard focus on the same cell.
    const focused = () =>
      browser.eval<string | null>(`document.activeElement?.getAttribute("aria-label") ?? null`);
    const cell = await browser.waitFor<string>(`document.activeElement?.getAttribute("aria-label")`);
    expect(cell).toContain(`${second_user} × ${second_item}`);
    const refreshes = await browser.eval<string>(`document.body.dataset.refreshes ?? "0"`);
    await fetch(`${server.url}/_sim/clock`, { method: "POST", body: JSON.stringify({ advance: "1d" }) });
    await browser.waitFor(`Number(document.body.dataset.refreshes ?? 0) > ${Number(refreshes) + 1}`);
    expect(await focused()).toBe(cell);
  }, 60_000);

  it("reads in light and dark: the system's scheme, or the one `t` picks", async () => {
    const background = () => browser.eval<string>("getComputedStyle(document.body).backgroundColor");
    await browser.send("Emulation.setEmulatedMedia", {
      features: [{ name: "prefers-color-scheme", value: "light" }],
    });
    expect(await background()).toBe("rgb(246, 248, 250)");
    await browser.send("Emulation.setEmulatedMedia", {
      features: [{ name: "prefers-color-scheme", value: "dark" }],
    });
    expect(await background()).toBe("rgb(13, 17, 23)");
    await browser.key("t"); // automatic → light, whatever the system says
    expect(await browser.eval("document.documentElement.dataset.theme")).toBe("light");
    expect(await background()).toBe("rgb(246, 248, 250)");
    await browser.key("t"); // → dark
    expect(await background()).toBe("rgb(13, 17, 23)");
    await browser.key("t"); // → automatic again
    expect(await browser.eval("document.documentElement.dataset.theme ?? null")).toBeNull();
  }, 30_000);

  it("keeps 10 050 matrix rows and a 1 000-page tree to a few dozen DOM rows, and reaches the last", async () => {
    const total = world.confluence.store.content.size;
    expect(total).toBe(10_050);
    await browser.eval(`location.hash = "#/matrix"`);
    await browser.waitFor(`document.querySelector(".matrix-note")?.textContent.startsWith("${total} items")`);
    expect(await browser.eval<number>(`document.querySelectorAll(".mrow:not(.mhead)").length`)).toBeLessThan(
      100,
    );
    const lastItem = await fetch(`${server.url}/_sim/oracle/matrix?offset=${total - 1}&limit=1`)
      .then((r) => r.json())
      .then((m: { items: { id: string }[] }) => m.items[0].id);
    await browser.eval(`document.querySelector(".scroller.matrix").scrollTop = 1e9`);
    await browser.waitFor(
      `[...document.querySelectorAll(".mrow .mitem b")].some((b) => b.textContent === "${lastItem}")`,
    );
    expect(await browser.eval<number>(`document.querySelectorAll(".mrow:not(.mhead)").length`)).toBeLessThan(
      100,
    );

    const space = [...world.confluence.store.spaces.values()][0].key;
    await browser.eval(`location.hash = "#/confluence?space=${space}"`);
    await browser.waitFor(`document.querySelector(".tree-head")?.textContent.includes("in tree order")`);
    const pages = await fetch(`${server.url}/_sim/confluence/pages?space=${space}&limit=5000`)
      .then((r) => r.json())
      .then((p: { total: number; rows: { id: string }[] }) => p);
    expect(pages.total).toBeGreaterThan(1000);
    await browser.eval(`document.querySelector(".scroller.tree").scrollTop = 1e9`);
    await browser.waitFor(`document.querySelector('.tree .row[data-id="${pages.rows.at(-1)!.id}"]')`);
    expect(await browser.eval<number>(`document.querySelectorAll(".tree .row").length`)).toBeLessThan(100);
  }, 60_000);
});
