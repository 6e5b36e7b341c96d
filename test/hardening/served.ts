import { afterAll, beforeAll } from "vitest";
import {
  DEFAULT_DIRECTORY_FILE,
  DEFAULT_SITE_FILE,
  loadDirectoryFile,
  loadSiteFile,
} from "../../src/fixture-formats/load.ts";
import type { RunningServer } from "../../src/simulators/host/http.ts";
import { World, type WorldOptions } from "../../src/simulators/world.ts";

/** The contoso world served over real http on 127.0.0.1, with helpers a hostile client would use. */
export interface Served {
  world: World;
  server: RunningServer;
  /** The listener's origin, `http://127.0.0.1:PORT`. */
  url: string;
  tenant: string;
  app: { clientId: string; secret: string };
  /** `Authorization` for the crawler's Basic auth on Confluence. */
  confluenceAuth: string;
  /** A client-credentials token of the connector app. */
  appToken(): Promise<string>;
  /** A delegated (ROPC) token of alice, with ExternalItem.Read.All. */
  userToken(): Promise<string>;
  close(): Promise<void>;
}

export async function serveContoso(options: Partial<WorldOptions> = {}): Promise<Served> {
  const directory = loadDirectoryFile(DEFAULT_DIRECTORY_FILE);
  const world = new World({ site: loadSiteFile(DEFAULT_SITE_FILE), directory, ...options });
  const server = await world.listen();
  const app = { clientId: directory.apps![0].clientId, secret: directory.apps![0].secret };
  const tenant = world.directory.tenantId;
  const token = async (form: Record<string, string>) => {
    const res = await fetch(`${server.url}/${tenant}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: app.clientId, client_secret: app.secret, ...form }),
    });
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
    return body.access_token;
  };
  return {
    world,
    server,
    url: server.url,
    tenant,
    app,
    confluenceAuth: `Basic ${Buffer.from("svc-crawler@contoso.com:crawler-token").toString("base64")}`,
    appToken: () =>
      token({ grant_type: "client_credentials", scope: "https://graph.microsoft.com/.default" }),
    userToken: () =>
      token({
        grant_type: "password",
        username: "alice@contoso.com",
        password: "Passw0rd!",
        scope: "https://graph.microsoft.com/.default",
      }),
    close: () => world.close(),
  };
}

/**
 * The contoso world served for the test file that calls this: started before its tests, closed
 * after them. The object stands for the served world (its fields read inside tests and hooks).
 */
export function contosoForFile(options: Partial<WorldOptions> = {}): Served {
  let served: Served | undefined;
  beforeAll(async () => {
    served = await serveContoso(options);
  });
  afterAll(() => served?.close());
  return new Proxy({} as Served, {
    get: (_, key) => {
      if (!served) throw new Error("the served world is read before the file's tests start");
      return served[key as keyof Served];
    },
  });
}

/** An error body in one of the shapes the twins answer with (never a bare stack or `{error: "..."}` string). */
export function errorShape(body: unknown): "graph" | "aad" | "confluence-v1" | "confluence-v2" | "other" {
  if (typeof body !== "object" || body === null) return "other";
  const b = body as Record<string, unknown>;
  const e = b.error as Record<string, unknown> | undefined;
  if (e && typeof e === "object" && typeof e.code === "string" && typeof e.message === "string")
    return "graph";
  if (typeof b.error === "string" && typeof b.error_description === "string") return "aad";
  if (typeof b.statusCode === "number" && typeof b.message === "string") return "confluence-v1";
  if (Array.isArray(b.errors)) return "confluence-v2";
  return "other";
}
