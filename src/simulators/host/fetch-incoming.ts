import { limitedStream, streamText } from "../../util/stream-text.ts";
import type { IncomingRequest } from "./types.ts";

/**
 * The host's view of a Fetch Request (direct and msw transports, `$batch` sub-requests). With
 * `keepBody` (the host keeps exchanges) the body is teed first, so it can be kept whatever the
 * route reads it with. A route reads the body through `text(maxBytes)` or `toRequest(maxBytes)`,
 * which stop at the service's limit.
 */
export function fromFetchRequest(request: Request, keepBody: boolean): IncomingRequest {
  let text: Promise<string> | undefined;
  let limited: Request | undefined;
  const copy = keepBody && request.body !== null ? request.clone() : undefined;
  return {
    method: request.method,
    url: request.url,
    header: (name) => request.headers.get(name),
    text: (maxBytes) => {
      text ??= streamText(request.body, maxBytes);
      return text;
    },
    toRequest: (maxBytes = Number.POSITIVE_INFINITY) => {
      // Read through text() already (or never limited): the Request as it came, for its headers.
      if (!request.body || text !== undefined || maxBytes === Number.POSITIVE_INFINITY) return request;
      limited ??= new Request(request, {
        body: limitedStream(request.body, maxBytes),
        duplex: "half",
      } as RequestInit);
      return limited;
    },
    // Asked once the route is done: what it read, the copy, or the stream it left unread.
    bodyText: () => {
      if (request.body === null) return "";
      if (copy) return streamText(copy.body);
      if (!text && !request.bodyUsed && !limited) text = streamText(request.body);
      return text;
    },
    headerList: () => [...request.headers],
  };
}
