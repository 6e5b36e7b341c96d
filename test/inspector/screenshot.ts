// Regenerates docs/images/inspector-*.png: `npx tsx test/inspector/screenshot.ts` (needs Chromium).
// The served contoso site after a crawl by the external test connector with an injected bug (page
// 1001 written with an ACL that grants everyone) and a 429 rule, plus a connection whose schema is
// still provisioning; each view opened on a selection that shows what it is for.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Browser } from "../report/cdp.ts";
import {
  crawlWithLeak,
  LEAKED_PAGE,
  pendingConnection,
  startServed,
  THROTTLE_SECOND_WRITE,
} from "./served.ts";

const served = await startServed();
served.world.host.faults.set({ rules: [THROTTLE_SECOND_WRITE] });
await crawlWithLeak(served);
await pendingConnection(served, "pending", 3_600_000);
const throttled = served.world.host.journal.findLast((e) => e.status === 429)!;

const shots: [string, string, string][] = [
  [
    "matrix",
    `#/matrix?user=bob%40contoso.com&item=${LEAKED_PAGE}&as=bob%40contoso.com&search=salary`,
    "pre.explain",
  ],
  ["requests", `#/requests?seq=${throttled.seq}`, "aside.detail table.headers"],
  ["confluence", "#/confluence?space=HR&page=2001", "aside.detail dl.facts"],
  ["graph", `#/graph?conn=confluencecloud1&tab=items&item=${LEAKED_PAGE}`, "aside.detail ul.acl-list"],
  ["controls", "#/controls", "#fault-plan"],
];
const browser = await Browser.open(`${served.server.url}/_sim/ui/`);
try {
  await browser.send("Emulation.setDeviceMetricsOverride", {
    width: 1400,
    height: 860,
    deviceScaleFactor: 1,
    mobile: false,
  });
  for (const [name, hash, ready] of shots) {
    await browser.eval(`location.hash = ${JSON.stringify(hash)}`);
    await browser.waitFor(`document.querySelector(${JSON.stringify(ready)})`);
    await browser.eval("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))");
    const { data } = (await browser.send("Page.captureScreenshot", { format: "png" })) as { data: string };
    const out = resolve(`docs/images/inspector-${name}.png`);
    writeFileSync(out, Buffer.from(data, "base64"));
    console.log(`wrote ${out}`);
  }
} finally {
  await browser.close();
  await served.world.close();
}
