import { type DispatchResult, serializedBody } from "./types.ts";

type Answer = Extract<DispatchResult, { kind: "response" }>;

/**
 * How one transport carries out what the fault plan decided for a request. `conn` is whatever
 * the transport needs per request (the node response for http); the transport object itself is
 * made once, so delivering costs no per-request closures.
 */
export interface Transport<C, T> {
  /** The connection breaks before any answer. */
  drop(conn: C): T;
  /** The whole answer (`answer.replay` is set when it came from the response cache). */
  send(conn: C, answer: Answer): T | Promise<T>;
  /** Status and headers, then the first `cut` bytes of `body`, then the connection breaks. */
  sendTruncated(conn: C, response: Response, body: Buffer, cut: number): T | Promise<T>;
}

/**
 * Applies a dispatch result's faults on a transport, the same way on all three: the latency first
 * (real time, as a slow network would take), then a dropped connection, a truncated body (half
 * of it unless the rule says how many bytes) or the whole answer.
 */
export function deliver<C, T>(result: DispatchResult, transport: Transport<C, T>, conn: C): T | Promise<T> {
  // Most answers have no fault: hand them over in this tick (the http cache path counts µs).
  if (!result.latencyMs && result.kind === "response" && result.truncateAt === undefined)
    return transport.send(conn, result);
  return deliverFaulted(result, transport, conn);
}

async function deliverFaulted<C, T>(result: DispatchResult, transport: Transport<C, T>, conn: C): Promise<T> {
  if (result.latencyMs) await new Promise((r) => setTimeout(r, result.latencyMs));
  if (result.kind === "drop") return transport.drop(conn);
  if (result.truncateAt === undefined) return transport.send(conn, result);
  const body = await bodyBytes(result.response);
  const cut = result.truncateAt < 0 ? Math.floor(body.length / 2) : Math.min(result.truncateAt, body.length);
  return transport.sendTruncated(conn, result.response, body, cut);
}

/** A response's body bytes: the text it was built from when there is one, else read from its stream. */
export async function bodyBytes(response: Response): Promise<Buffer> {
  const serialized = serializedBody(response);
  return serialized !== undefined ? Buffer.from(serialized) : Buffer.from(await response.arrayBuffer());
}
