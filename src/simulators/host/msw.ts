import type { RequestHandler } from "msw";
import type { SetupServer } from "msw/node";
import { lazyModule } from "../../util/lazy-module.ts";
import { deliver, type Transport } from "./deliver.ts";
import { toFetchClient } from "./direct.ts";
import { globToRegExp } from "./glob.ts";
import type { SimHost } from "./host.ts";

// msw costs about 0.2 s of CPU to import: loaded when a scenario first uses the msw transport.
const msw = lazyModule<typeof import("msw")>("msw");
const mswNode = lazyModule<typeof import("msw/node")>("msw/node");

/**
 * The msw transport: one catch-all handler per real host (`*.atlassian.net`, `graph.microsoft.com`…)
 * that hands the intercepted request to the same host dispatch as the other transports. Meant for
 * clients we cannot give a fetch (they use global fetch or node:http); it costs ~1 ms a request.
 */
export function createMswHandlers(host: SimHost): RequestHandler[] {
  const patterns = [...new Set(host.services.flatMap((s) => s.hosts))];
  const urls = patterns.map((pattern) => {
    const hostRe = globToRegExp(pattern, ".").source.slice(1, -1);
    return new RegExp(`^https?://${hostRe}(:\\d+)?/.*`, "i");
  });
  // The admin API's in-process address (as on the direct transport); no listener uses port 80.
  urls.push(/^http:\/\/127\.0\.0\.1\/_sim\/.*/);
  return urls.map((urlRe) =>
    msw().http.all(urlRe, async ({ request }) =>
      deliver(await host.dispatch(request), toMswClient, undefined),
    ),
  );
}

/** As the direct transport, except that a dropped connection is msw's network error. */
const toMswClient: Transport<undefined, Response> = {
  ...toFetchClient,
  drop: () => msw().HttpResponse.error(),
};

/** Starts intercepting every simulated host in this process; call `close()` when done. */
export function interceptWithMsw(host: SimHost): SetupServer {
  const server = mswNode().setupServer(...createMswHandlers(host));
  server.listen({ onUnhandledRequest: "bypass" });
  letClientsCancelBodies(server);
  return server;
}

/**
 * msw's fetch interceptor hands its `response:mocked` listeners a `clone()` of every mocked
 * response, i.e. the body is `tee()`d. A tee branch's `cancel()` settles only once the other
 * branch is cancelled too (or the source is read to its end), and nobody ever reads the event's
 * branch — so a client's `await res.body.cancel()` (discarding a 429 body) never returned.
 * Reading the event's branch to its end lets the tee finish, so the client's branch reads and
 * cancels like a socket's. (Cancelling it instead races Node's Readable→web adapter on the
 * node:http interceptor path: "Controller is already closed", uncaught.) Call this on any server
 * that serves `createMswHandlers`.
 */
export function letClientsCancelBodies(server: SetupServer): void {
  server.events.on("response:mocked", ({ response }) => {
    // Read into a sink, not a buffer: a live answer (/_sim/events) never ends.
    if (!response.bodyUsed) response.body?.pipeTo(new WritableStream()).catch(() => {});
  });
}
