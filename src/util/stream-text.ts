const utf8 = new TextDecoder();

/** A body that grew past the reader's limit; the reader stopped there and cancelled the stream. */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";

  constructor(readonly limit: number) {
    super(`the body is larger than ${limit} bytes`);
  }
}

/**
 * A body stream as UTF-8 text, like `Body.text()` (BOM dropped, bad bytes replaced, a cut body
 * rejects) but read with one reader: undici's text() wraps every read in several promise layers
 * and costs twice as much, which shows when a crawl reads tens of thousands of bodies. Shared by
 * the connector and the twins (it is neither's code). With `maxBytes` the read stops as soon as
 * the body passes it (the stream is cancelled, nothing more is buffered) and rejects with
 * BodyTooLargeError.
 */
export async function streamText(
  body: ReadableStream<Uint8Array> | null,
  maxBytes = Infinity,
): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
}

/** A stream that errors with BodyTooLargeError once more than `maxBytes` passed through it. */
export function limitedStream(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): ReadableStream<Uint8Array> {
  let size = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > maxBytes) controller.error(new BodyTooLargeError(maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
}
