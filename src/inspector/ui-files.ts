import { readdirSync, readFileSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CELL_STATES } from "../scenarios/oracle/matrix-types.ts";
import { STATE_INFO } from "../scenarios/report/html.ts";
import type { SimHost } from "../simulators/host/host.ts";
import { text } from "../simulators/host/types.ts";

const UI_DIR = fileURLToPath(new URL("./ui/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/**
 * Nothing but this origin: no script, style, font or image from the network, no inline script
 * (the page's one inline block is JSON data, which is never run), no framing.
 */
const HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

/**
 * Serves the inspector's files (src/inspector/ui: plain HTML, CSS and JavaScript modules, no
 * build step and no library) under `/_sim/ui/`, read once when installed. The page gets the
 * oracle's cell states and their labels inline, the same ones the HTML report uses.
 */
export function installInspectorUi(host: SimHost): void {
  const states = JSON.stringify({ states: CELL_STATES, info: STATE_INFO }).replace(/</g, "\\u003c");
  for (const file of uiFiles(UI_DIR)) {
    const type = TYPES[extname(file)];
    if (!type) continue;
    let body = readFileSync(file, "utf8");
    const path = relative(UI_DIR, file).split("\\").join("/");
    if (path === "index.html") {
      body = body.replace(
        "<!--cgsim:states-->",
        `<script type="application/json" id="cgsim-states">${states}</script>`,
      );
      host.admin("GET", "/_sim/ui/", () => text(body, type, 200, HEADERS));
    }
    host.admin("GET", `/_sim/ui/${path}`, () => text(body, type, 200, HEADERS));
  }
  host.admin(
    "GET",
    "/_sim/ui",
    () => new Response(null, { status: 308, headers: { location: "/_sim/ui/" } }),
  );
}

function uiFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? uiFiles(join(dir, e.name)) : [join(dir, e.name)],
  );
}
