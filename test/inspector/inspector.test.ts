import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../report/cdp.ts";
import { haveChromium } from "../report/chromium.ts";
import {
  crawlWithLeak,
  LEAKED_PAGE,
  pendingConnection,
  type Served,
  startServed,
  THROTTLE_SECOND_WRITE,
} from "./served.ts";

/**
 * The inspector as a QA engineer uses it, in headless Chromium against what `cgsim serve` serves:
 * a 429 rule installed from Controls, a crawl by an external connector process (with an injected
 * over-exposure), then the matrix, the explain chain, the throttled request and a live clock.
 * Every step waits for what the page shows; none sleeps for a fixed time.
 */
describe.skipIf(!haveChromium)("the live inspector in headless Chromium", () => {
  let served: Served;
  let browser: Browser;

  beforeAll(async () => {
    served = await startServed();
    browser = await Browser.open(`${served.server.url}/_sim/ui/#/controls`);
    // Marks this page load: a reload would lose it.
    await browser.eval("window.__sameLoad = true");
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await served?.world.close();
  }, 30_000);

  const go = (hash: string) => browser.eval(`location.hash = ${JSON.stringify(hash)}`);

  it("installs a 429 rule with Retry-After from Controls (PUT /_sim/faults)", async () => {
    await browser.waitFor(`document.getElementById("fault-plan")?.value.includes("rules")`);
    const rule = THROTTLE_SECOND_WRITE;
    await browser.eval(
      `document.getElementById("fault-plan").value = ${JSON.stringify(JSON.stringify({ rules: [rule] }))}`,
    );
    await browser.clickOn("#install-faults");
    await browser.waitFor(`document.querySelector(".result.ok")?.textContent.includes('"status":429')`);
    expect(served.world.host.faults.spec.rules).toEqual([rule]);
  }, 60_000);

  it("shows the external connector's over-exposure in the matrix and explains the clicked cell", async () => {
    await crawlWithLeak(served);
    await go("#/matrix");
    // bob may not read "Salary bands" (restricted to alice); the buggy ACL grants everyone.
    const cell = `document.querySelector('.mrow .c.over[aria-label^="bob@contoso.com × ${LEAKED_PAGE}:"]')`;
    await browser.waitFor(cell);
    await browser.clickOn(`.mrow .c.over[aria-label^="bob@contoso.com × ${LEAKED_PAGE}:"]`);
    const explain = await browser.waitFor<string>(
      `document.querySelector("pre.explain")?.textContent.includes("${LEAKED_PAGE}") && document.querySelector("pre.explain").textContent`,
    );
    expect(explain).toContain(`explain bob@contoso.com × ${LEAKED_PAGE} "Salary bands"`);
    expect(explain).toContain("ACL written: everyone");
    expect(explain).toContain("✓ granted by everyone");
    expect(explain).toContain("Verdict: OVER-EXPOSED (the index grants, Confluence denies)");
    expect(await browser.eval("location.hash")).toBe(`#/matrix?user=bob%40contoso.com&item=${LEAKED_PAGE}`);
    expect(await browser.eval("document.querySelector('aside.detail p.state').textContent")).toBe(
      "OVER-EXPOSED",
    );
  }, 90_000);

  it("lists the throttled request with its Retry-After, and its headers when opened", async () => {
    await go("#/requests?status=429");
    const row = await browser.waitFor<{ seq: string; retryAfter: string; status: string }>(`(() => {
      const row = document.querySelector(".row.req[data-seq]");
      return row && { seq: row.dataset.seq, status: row.children[6].textContent, retryAfter: row.children[7].textContent };
    })()`);
    expect(row).toMatchObject({ status: "429", retryAfter: "1s" });
    await browser.clickOn(`.row.req[data-seq="${row.seq}"]`);
    const detail = await browser.waitFor<string>(
      `document.querySelector("aside.detail table.headers") && document.querySelector("aside.detail").textContent`,
    );
    expect(detail).toContain("Retry-After1 s");
    expect(detail).toContain("retry-after1");
    expect(detail).toContain("rule 0, status 429, retryAfter 1s");
  }, 60_000);

  it("updates the schema operation's state when the clock moves, without a reload", async () => {
    await pendingConnection(served, "pending", 3_600_000);
    await go("#/graph?conn=pending");
    await browser.waitFor(`document.querySelector("table.operations .chip.op.inprogress")`);
    expect(await browser.eval(`document.querySelector(".conn-card.selected .chip.state").textContent`)).toBe(
      "draft",
    );
    await fetch(`${served.server.url}/_sim/clock`, {
      method: "POST",
      body: JSON.stringify({ advance: "1h" }),
    });
    await browser.waitFor(`document.querySelector("table.operations .chip.op.completed")`);
    expect(await browser.eval(`document.querySelector(".conn-card.selected .chip.state").textContent`)).toBe(
      "ready",
    );
    expect(await browser.eval("window.__sameLoad")).toBe(true);
  }, 60_000);

  it("advances the clock and resets from Controls; the Requests view follows the reset", async () => {
    const before = served.world.clock.now();
    await go("#/controls");
    await browser.waitFor(`document.getElementById("advance-by")`);
    await browser.eval(`document.getElementById("advance-by").value = "15m"`);
    await browser.clickOn("#advance");
    await browser.waitFor(`document.querySelector(".result.ok")?.textContent.includes('"now"')`);
    // The served clock is live: 15 minutes ahead, plus the real time the test took.
    expect(served.world.clock.now() - before).toBeGreaterThanOrEqual(15 * 60_000);
    expect(served.world.clock.now() - before).toBeLessThan(16 * 60_000);

    await browser.clickOn("#reset"); // first click arms it
    await browser.waitFor(`document.getElementById("reset").classList.contains("armed")`);
    await browser.clickOn("#reset");
    await browser.waitFor(
      `[...document.querySelectorAll(".result.ok")].some((r) => r.textContent.includes('"reset":true'))`,
    );
    expect(served.world.graph.connections.size).toBe(0);
    await go("#/requests");
    await browser.waitFor(`document.querySelector(".view.requests .dim")?.textContent.startsWith("0 of 0")`);
    expect(await browser.eval("window.__sameLoad")).toBe(true);
  }, 60_000);
});
