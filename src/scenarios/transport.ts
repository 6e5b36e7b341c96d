import type { TransportName, World } from "../simulators/world.ts";

/** The fetch the connector uses for a transport. */
export async function transportFetch(world: World, transport: TransportName): Promise<typeof fetch> {
  if (transport === "direct") return world.fetch;
  if (transport === "msw") {
    world.intercept();
    return globalThis.fetch.bind(globalThis);
  }
  const server = await world.listen();
  return viaServer(server.url);
}

/**
 * Sends requests for the real hosts (`https://contoso.atlassian.net/wiki/…`,
 * `https://graph.microsoft.com/v1.0/…`) to the local http server: every service answers on one
 * origin, by path, so only the origin changes and the real socket path is exercised.
 */
export function viaServer(base: string): typeof fetch {
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const url = new URL(request.url);
    const body =
      request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
    return fetch(`${base}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body,
      redirect: "manual",
      signal: request.signal,
    });
  };
}
