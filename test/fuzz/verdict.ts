import { request as httpRequest } from "node:http";
import type { FuzzRequest } from "./requests.ts";
import type { FuzzWorld } from "./world.ts";

export type Problem =
  | "server-error"
  | "foreign-shape"
  | "hang"
  | "forgery"
  | "transport-error"
  | "admin-reached";

export interface Outcome {
  status: number;
  contentType: string;
  text: string;
  /** The request got a journal entry: every request a twin answers does; the admin API's do not. */
  journaled?: boolean;
}

/** A request node:http itself refuses to send (a bad method token or header): not a server answer. */
const CLIENT_REFUSED: Outcome = { status: -1, contentType: "", text: "" };

/**
 * Sends one request, in-process or over the http listener. undefined: the client itself refused it
 * (an invalid URL, method or header value a real client could not send either).
 */
export async function send(
  fw: FuzzWorld,
  req: FuzzRequest,
  timeoutMs: number,
): Promise<Outcome | "hang" | Error | undefined> {
  // Read before sending: the direct transport journals synchronously, inside the call.
  const before = fw.world.host.journal.lastSeq;
  const call = req.overHttp ? overHttp(fw, req) : inProcess(fw, req);
  if (call === undefined) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<"hang">((resolve) => {
    timer = setTimeout(() => resolve("hang"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([
      call.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
      hang,
    ]);
    if (outcome === CLIENT_REFUSED) return undefined;
    if (typeof outcome === "object" && "status" in outcome) {
      outcome.journaled = fw.world.host.journal.lastSeq > before;
    }
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

/** Through the direct transport; undefined when fetch itself refuses it (TRACE, a GET body, CR/LF …). */
function inProcess(fw: FuzzWorld, req: FuzzRequest): Promise<Outcome> | undefined {
  let url: URL;
  try {
    url = new URL(req.url);
    new Request(url, { method: req.method, headers: req.headers, body: req.body });
  } catch {
    return undefined;
  }
  return (async () => {
    const res = await fw.world.fetch(url, { method: req.method, headers: req.headers, body: req.body });
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
  })();
}

/** Over the http listener with node:http: any method, the path exactly as generated. */
function overHttp(fw: FuzzWorld, req: FuzzRequest): Promise<Outcome> | undefined {
  const path = req.url.slice(req.target.origin.length);
  if (!path.startsWith("/") || /[\s\0]/.test(path)) return undefined; // no client sends that request line
  const { hostname, port } = new URL(fw.origin);
  return new Promise<Outcome>((resolve, reject) => {
    const r = httpRequest({ hostname, port, method: req.method, path, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on("error", reject);
    });
    r.on("error", reject);
    r.end(req.body);
  }).catch((error: unknown) => {
    // node:http's own validation (ERR_INVALID_CHAR, ERR_INVALID_HTTP_TOKEN …): no client sends it.
    if (String((error as { code?: unknown }).code ?? "").startsWith("ERR_INVALID")) return CLIENT_REFUSED;
    throw error;
  });
}

/** What is wrong with an answer, or undefined when it is one the service could give. */
export function judge(
  req: FuzzRequest,
  outcome: Outcome | "hang" | Error,
): { problem: Problem; detail: string } | undefined {
  if (outcome === "hang") return { problem: "hang", detail: "no answer" };
  if (outcome instanceof Error) return { problem: "transport-error", detail: outcome.message };
  if (outcome.status >= 500)
    return { problem: "server-error", detail: `${outcome.status} ${outcome.text.slice(0, 300)}` };
  // Node's parser and the host refuse malformed requests before any journal entry, with no body.
  const refusedUnread = [400, 414, 431].includes(outcome.status) && outcome.text === "";
  if (outcome.journaled === false && !refusedUnread) {
    return { problem: "admin-reached", detail: `${outcome.status} ${outcome.text.slice(0, 300)}` };
  }
  if (req.forged && outcome.status < 300) {
    return { problem: "forgery", detail: `${outcome.status} for credentials changed by ${req.how}` };
  }
  if (outcome.status >= 400 && !ownShape(req.target.service, outcome) && !hostsOwn404(req, outcome)) {
    return {
      problem: "foreign-shape",
      detail: `${outcome.status} ${outcome.contentType} ${outcome.text.slice(0, 300)}`,
    };
  }
  return undefined;
}

/** Over http a path no service owns (a traversal out of every prefix) is the host's own 404. */
function hostsOwn404(req: FuzzRequest, { status, text }: Outcome): boolean {
  return (
    req.overHttp === true && status === 404 && /^\{"error":"no simulated service serves this path"/.test(text)
  );
}

/** Whether an error answer is in a format the service answers errors in (docs/fidelity/*.md). */
export function ownShape(service: string, { text, contentType }: Outcome): boolean {
  if (text === "") return true;
  // Tomcat's 401 page and Jersey's XML 404 (Confluence), the account pages of auth.atlassian.com.
  if (contentType.startsWith("text/html")) return service === "confluence" || service === "atlassian-auth";
  if (contentType.startsWith("application/xml")) return service === "confluence";
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof body !== "object" || body === null) return false;
  const b = body as Record<string, unknown>;
  const has = (k: string, type: string) => typeof b[k] === type;
  switch (service) {
    case "graph": {
      const e = b.error as Record<string, unknown> | undefined;
      return !!e && typeof e.code === "string" && typeof e.message === "string";
    }
    case "login":
      return has("error", "string");
    case "atlassian-auth":
    case "atlassian-api":
      // OAuth errors `{error, error_description}`, the edge's `{code, message}`.
      return has("error", "string") || (has("code", "number") && has("message", "string"));
    case "confluence":
      // v1 `{statusCode, message}`, v2 `{errors: […]}`, the gateway's `{code, message}`.
      return (
        (has("statusCode", "number") && has("message", "string")) ||
        Array.isArray(b.errors) ||
        (has("code", "number") && has("message", "string"))
      );
    default:
      return false;
  }
}
