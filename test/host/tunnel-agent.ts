import { request as httpRequest } from "node:http";
import { Agent, type RequestOptions } from "node:https";
import type { Duplex } from "node:stream";
import { connect } from "node:tls";

/**
 * An https agent that tunnels through a CONNECT proxy, as proxy agents do (https-proxy-agent,
 * undici's ProxyAgent): the test needs no dependency for it.
 */
export class TunnelAgent extends Agent {
  constructor(
    readonly proxy: URL,
    readonly ca: string,
    keepAlive = false,
  ) {
    super({ keepAlive });
  }

  override createConnection(
    options: RequestOptions & { servername?: string },
    callback?: (error: Error | null, socket: Duplex) => void,
  ): undefined {
    const target = `${options.host}:${options.port ?? 443}`;
    const connectRequest = httpRequest({
      host: this.proxy.hostname,
      port: this.proxy.port,
      method: "CONNECT",
      path: target,
      headers: { host: target },
    });
    connectRequest.once("connect", (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        callback?.(new Error(`CONNECT answered ${res.statusCode}`), undefined as never);
        return;
      }
      callback?.(null, connect({ socket, servername: options.host ?? undefined, ca: this.ca }));
    });
    connectRequest.once("error", (error) => callback?.(error, undefined as never));
    connectRequest.end();
    return undefined;
  }
}
