import { streamText } from "../../util/stream-text.ts";
import type { IncomingRequest } from "./types.ts";

/**
 * The host's view of a Fetch Request (direct and msw transports, `$batch` sub-requests). With
 * `keepBody` (the host keeps exchanges) the body is teed first, so it can be kept whatever the
 * route reads it with.
 */
export function fromFetchRequest(request: Request, keepBody: boolean): IncomingRequest {
  let text: Promise<string> | undefined;
  const copy = keepBody && request.body !== null ? request.clone() : undefined;
  return {
    method: request.method,
    url: request.url,
    header: (name) => request.headers.get(name),
    text: () => {
      text ??= streamText(request.body);
      return text;
    },
    // Asked once the route is done: what it read, the copy, or the stream it left unread.
    bodyText: () => {
      if (request.body === null) return "";
      if (copy) return streamText(copy.body);
      if (!text && !request.bodyUsed) text = streamText(request.body);
      return text;
    },
    headerList: () => [...request.headers],
    toRequest: () => request,
  };
}
