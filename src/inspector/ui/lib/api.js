// The inspector's only way to the server: same-origin JSON calls to the admin API and the
// /_sim/events stream. When serve runs with an admin token, the ready line's UI address carries it
// in the fragment (#token=…, never sent to the server); the page keeps it for the tab's session
// and sends it as a header on every call.

const TOKEN_KEY = "cgsim.adminToken";
export const TOKEN_HEADER = "x-cgsim-admin-token";

/** Moves `token=…` out of the address (fragment) into session storage; returns the cleaned hash. */
export function adoptToken() {
  const hash = location.hash;
  const match = /(?:^#|[?&#])token=([^&]*)/.exec(hash);
  if (!match) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  const cleaned = hash.replace(/([?&#])token=[^&]*&?/, "$1").replace(/[?&]$/, "");
  history.replaceState(null, "", cleaned === "#" ? location.pathname : cleaned);
}

function headers(extra = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { ...extra, [TOKEN_HEADER]: token } : extra;
}

/** An error with the server's own message (`{error}` bodies), status attached. */
async function failure(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body?.error)
      message = `${message}: ${typeof body.error === "string" ? body.error : JSON.stringify(body.error)}`;
  } catch {}
  return Object.assign(new Error(message), { status: response.status });
}

/** GET a JSON admin endpoint; `params` become the query (undefined and "" left out). */
export async function getJson(path, params = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") query.set(k, v);
  const url = query.size ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: headers(), cache: "no-store" });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** POST/PUT/DELETE with an optional JSON body. */
export async function send(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { "content-type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  if (!response.ok) throw await failure(response);
  return response.json();
}

/**
 * Follows /_sim/events (read with fetch, not EventSource, so the token header goes along) and
 * reconnects after a second when the stream ends. `handlers[event](data)`; `status(connected)`.
 * Returns a function that stops.
 */
export function live(handlers, status) {
  let stopped = false;
  let controller;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await fetch("/_sim/events", { headers: headers(), signal: controller.signal });
        if (!response.ok || !response.body) throw await failure(response);
        status(true);
        await readEvents(response.body, (event, data) => handlers[event]?.(data));
      } catch {}
      status(false);
      if (!stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  };
  run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

/** Server-Sent Events framing: `event:` and `data:` lines, a blank line ends an event. */
async function readEvents(body, dispatch) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) dispatch(event, JSON.parse(data.join("\n")));
    }
  }
}
