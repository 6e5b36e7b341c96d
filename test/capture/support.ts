import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureConfluenceCommand, captureGraphCommand } from "../../src/capture/commands.ts";
import { AccessEvaluator } from "../../src/simulators/confluence/permissions.ts";
import type { ConfluenceStore } from "../../src/simulators/confluence/store.ts";
import type { World } from "../../src/simulators/world.ts";

/** A fresh capture directory (its private directory goes next to it). */
export function tempCaptureDir(): string {
  return join(mkdtempSync(join(tmpdir(), "cgsim-capture-")), "capture");
}

/** Waits recorded instead of slept: capture tests never sleep for real. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

/** Hidden emails as the organisation's user export would give them (the twin knows the real ones). */
export function userExport(store: ConfluenceStore): Map<string, string> {
  return new Map([...store.users.values()].map((u) => [u.accountId, u.email]));
}

export interface CaptureRun {
  out: string;
  world: World;
  url: string;
}

/** Captures a world served over http, as the customer's admin would (Basic auth as the crawl account). */
export async function captureWorld(
  world: World,
  options: {
    anonymise?: boolean;
    graph?: boolean;
    emails?: boolean;
    out?: string;
    fetch?: typeof fetch;
  } = {},
) {
  const server = await world.listen();
  const out = options.out ?? tempCaptureDir();
  const crawler = [...world.confluence.store.users.values()].find((u) => u.admin && u.active)!;
  const sleeper = recordingSleep();
  const confluence = await captureConfluenceCommand({
    site: server.url,
    out,
    anonymise: options.anonymise ?? false,
    auth: { type: "basic", email: crawler.email, apiToken: crawler.apiTokens[0] },
    userEmails: options.emails ? userExport(world.confluence.store) : undefined,
    sleep: sleeper.sleep,
    fetch: options.fetch,
  });
  let graph: Awaited<ReturnType<typeof captureGraphCommand>> | undefined;
  if (options.graph) {
    const app = [...world.directory.apps.values()][0];
    graph = await captureGraphCommand({
      out,
      anonymise: options.anonymise ?? false,
      tenant: world.directory.tenantId,
      clientId: app.appId,
      clientSecret: app.secret,
      connectionId: "confluencecloud1",
      graphUrl: `${server.url}/v1.0`,
      loginUrl: server.url,
      allUsers: true,
      sleep: sleeper.sleep,
      fetch: options.fetch,
    });
  }
  return { out, url: server.url, confluence, graph, waits: sleeper.waits };
}

/** Every account × content decision of a store (plus anonymous), keyed `accountId × contentId`. */
export function decisions(store: ConfluenceStore, ids?: ReadonlySet<string>): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const contents = [...store.content.values()].filter((c) => !ids || ids.has(c.id));
  const subjects = [
    ...[...store.users.keys()].map((accountId) => ({
      key: accountId,
      ev: new AccessEvaluator(store, { type: "user", accountId }),
    })),
    { key: "anonymous", ev: new AccessEvaluator(store, { type: "anonymous" }) },
  ];
  for (const { key, ev } of subjects) for (const c of contents) out.set(`${key} × ${c.id}`, ev.canView(c));
  return out;
}
