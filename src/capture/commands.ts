import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { ConfluenceAccess } from "./confluence/api.ts";
import { captureConfluence } from "./confluence/capture.ts";
import { captureGraph } from "./graph/capture.ts";
import { emptyRawGraph, type RawGraph } from "./graph/raw.ts";
import { CaptureHttp } from "./http.ts";
import {
  assertPrivateOutside,
  privateDirFor,
  RAW_CONFLUENCE,
  RAW_GRAPH,
  type WriteResult,
  writeCapture,
} from "./output.ts";
import { emptyRawSite, type RawSite } from "./raw.ts";
import { StateFile } from "./state.ts";

/**
 * The two capture commands as functions (the CLI parses flags into these; tests call them):
 * they wire the HTTP client, the resume state in the private directory, progress, and write the
 * capture directory at the end.
 */

export interface CommonOptions {
  out: string;
  /** Default `<out>.private`. */
  privateDir?: string;
  anonymise: boolean;
  /** Forget an unfinished capture's state and start over. */
  restart?: boolean;
  bodies?: boolean;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  concurrency?: number;
  /** Progress and warnings (stderr in the CLI). */
  log?: (line: string) => void;
  /** The capture's clock (default the real one). */
  now?: () => Date;
  /** Gets the state file as soon as it exists (the CLI saves it on Ctrl-C). */
  onState?: (state: StateFile<unknown>) => void;
}

export interface ConfluenceCommandOptions extends CommonOptions {
  /** The site: `https://NAME.atlassian.net` (or a proxy / `cgsim serve` origin standing in for it). */
  site: string;
  auth:
    | { type: "basic"; email: string; apiToken: string }
    | { type: "bearer"; token: string; cloudId?: string; gatewayUrl?: string };
  spaces?: string[];
  cql?: string;
  productAccessGroups?: string[];
  /** accountId → email (the organisation's user export) for hidden emails. */
  userEmails?: ReadonlyMap<string, string>;
}

/**
 * Read-only OAuth 3LO scopes a capture needs: granular ones for v2, and for the v1 calls (CQL
 * search, restrictions, groups, users, space permissions) their documented granular or classic
 * scope (https://developer.atlassian.com/cloud/confluence/scopes-for-oauth-2-3LO-and-forge-apps/).
 */
export const CAPTURE_SCOPES = [
  "read:space:confluence",
  "read:page:confluence",
  "read:content-details:confluence",
  "read:group:confluence",
  "read:user:confluence",
  "read:confluence-space.summary",
  "read:confluence-groups",
  "read:confluence-user",
  "search:confluence",
  "read:confluence-content.all",
];

export interface CaptureResult extends WriteResult {
  requests: number;
  retries: number;
  waitedMs: number;
}

function throttled(log: ((line: string) => void) | undefined): (message: string) => void {
  let last = 0;
  return (message) => {
    const now = Date.now();
    if (!log || now - last < 1000) return;
    last = now;
    log(message);
  };
}

function httpFor(o: CommonOptions): CaptureHttp {
  return new CaptureHttp({
    fetch: o.fetch,
    sleep: o.sleep,
    concurrency: o.concurrency,
    onWait: (w) =>
      o.log?.(
        `waiting ${(w.ms / 1000).toFixed(1)} s before retrying (${w.status === "network" ? "network error" : `HTTP ${w.status}`}, attempt ${w.attempt}): ${new URL(w.url).pathname}`,
      ),
  });
}

function stateFor<T>(o: CommonOptions, file: string, fingerprint: unknown, fresh: () => T): StateFile<T> {
  const privateDir = o.privateDir ?? privateDirFor(o.out);
  assertPrivateOutside(o.out, privateDir);
  const path = join(privateDir, file);
  if (o.restart) rmSync(path, { force: true });
  const state = new StateFile<T>(path, JSON.stringify(fingerprint), fresh);
  if (state.resumed) o.log?.(`resuming the capture saved in ${path}`);
  o.onState?.(state as StateFile<unknown>);
  return state;
}

export async function captureConfluenceCommand(o: ConfluenceCommandOptions): Promise<CaptureResult> {
  const siteUrl = o.site.replace(/\/+$/, "").replace(/\/wiki$/, "");
  const fingerprint = {
    site: siteUrl,
    spaces: o.spaces,
    cql: o.cql,
    bodies: o.bodies ?? false,
    groups: o.productAccessGroups,
  };
  const state = stateFor<RawSite>(o, RAW_CONFLUENCE, fingerprint, () => emptyRawSite(siteUrl));
  const http = httpFor(o);
  const access = await confluenceAccess(http, siteUrl, o.auth);
  try {
    await captureConfluence(access, state, {
      spaces: o.spaces,
      cql: o.cql,
      bodies: o.bodies,
      productAccessGroups: o.productAccessGroups,
      userEmails: o.userEmails,
      accountEmail: o.auth.type === "basic" ? o.auth.email : undefined,
      progress: throttled(o.log),
    });
    state.data.capturedAt = (o.now?.() ?? new Date()).toISOString();
    state.data.scope = { spaces: o.spaces, cql: o.cql, bodies: o.bodies ?? false };
  } finally {
    state.flush();
  }
  const written = writeCapture(o.out, o.privateDir ?? privateDirFor(o.out), { anonymise: o.anonymise });
  return { ...written, ...http.stats };
}

/** Basic → the site; a bearer token → the gateway, with the cloudId from accessible-resources. */
async function confluenceAccess(
  http: CaptureHttp,
  siteUrl: string,
  auth: ConfluenceCommandOptions["auth"],
): Promise<ConfluenceAccess> {
  if (auth.type === "basic")
    return {
      http,
      siteUrl,
      apiBase: siteUrl,
      headers: { authorization: `Basic ${Buffer.from(`${auth.email}:${auth.apiToken}`).toString("base64")}` },
    };
  const gateway = (auth.gatewayUrl ?? "https://api.atlassian.com").replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${auth.token}` };
  let cloudId = auth.cloudId;
  if (!cloudId) {
    const resources = await http.getJson<Array<{ id: string; url: string }>>(
      `${gateway}/oauth/token/accessible-resources`,
      headers,
    );
    const wanted = siteUrl.toLowerCase();
    const list = resources.body ?? [];
    const match =
      list.find((r) => r.url.replace(/\/+$/, "").toLowerCase() === wanted) ??
      (list.length === 1 ? list[0] : undefined);
    if (!match)
      throw new Error(
        `the OAuth token gives access to ${list.map((r) => r.url).join(", ") || "no site"}, not ${siteUrl}: pass --cloud-id`,
      );
    cloudId = match.id;
  }
  return { http, siteUrl, apiBase: `${gateway}/ex/confluence/${cloudId}`, headers };
}

export interface GraphCommandOptions extends CommonOptions {
  tenant: string;
  clientId: string;
  clientSecret: string;
  connectionId: string;
  graphUrl?: string;
  loginUrl?: string;
  allUsers?: boolean;
  /** Graph item id for a Confluence content id, `{id}` standing for the content id (default `{id}`). */
  itemIdTemplate?: string;
}

export async function captureGraphCommand(o: GraphCommandOptions): Promise<CaptureResult> {
  const privateDir = o.privateDir ?? privateDirFor(o.out);
  const sitePath = join(privateDir, RAW_CONFLUENCE);
  const site = existsSync(sitePath)
    ? (JSON.parse(readFileSync(sitePath, "utf8")).data as RawSite)
    : undefined;
  if (!site?.capturedAt)
    throw new Error(
      `no finished Confluence capture in ${privateDir}: run cgsim capture confluence with the same --out first`,
    );
  const fingerprint = {
    tenant: o.tenant,
    clientId: o.clientId,
    connection: o.connectionId,
    allUsers: o.allUsers ?? false,
    template: o.itemIdTemplate,
  };
  const state = stateFor<RawGraph>(o, RAW_GRAPH, fingerprint, emptyRawGraph);
  const http = httpFor(o);
  const template = o.itemIdTemplate ?? "{id}";
  try {
    await captureGraph(
      {
        http,
        graphBase: (o.graphUrl ?? "https://graph.microsoft.com/v1.0").replace(/\/+$/, ""),
        loginBase: (o.loginUrl ?? "https://login.microsoftonline.com").replace(/\/+$/, ""),
        tenant: o.tenant,
        clientId: o.clientId,
        clientSecret: o.clientSecret,
      },
      state,
      {
        connectionId: o.connectionId,
        contentIds: Object.keys(site.content),
        emails: Object.values(site.users).map((u) => u.email),
        itemId: (id) => template.replaceAll("{id}", id),
        allUsers: o.allUsers,
        bodies: o.bodies,
        progress: throttled(o.log),
      },
    );
    state.data.connectionId = o.connectionId;
    state.data.capturedAt = (o.now?.() ?? new Date()).toISOString();
  } finally {
    state.flush();
  }
  const written = writeCapture(o.out, privateDir, { anonymise: o.anonymise });
  return { ...written, ...http.stats };
}

/**
 * An organisation's user export (admin.atlassian.com → Directory → Users → Export) or any CSV
 * with an account id column and an email column: accountId → email.
 */
export function readUserEmails(path: string): Map<string, string> {
  const lines = readFileSync(path, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const cells = (line: string) => line.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
  const header = cells(lines[0] ?? "").map((h) => h.toLowerCase());
  const idCol = header.findIndex((h) => /^(user id|account ?id|atlassian (account )?id)$/.test(h));
  const mailCol = header.findIndex((h) => /^e-?mail( address)?$/.test(h));
  if (idCol < 0 || mailCol < 0)
    throw new Error(`${path}: needs an account id column and an email column (header: ${lines[0]})`);
  const out = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const row = cells(line);
    if (row[idCol] && row[mailCol]) out.set(row[idCol], row[mailCol]);
  }
  return out;
}
