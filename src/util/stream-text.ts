const utf8 = new TextDecoder();

/**
 * A body stream as UTF-8 text, like `Body.text()` (BOM dropped, bad bytes replaced, a cut body
 * rejects) but read with one reader: undici's text() wraps every read in several promise layers
 * and costs twice as much, which shows when a crawl reads tens of thousands of bodies. Shared by
 * the connector and the twins (it is neither's code).
 */
export async function streamText(body: ReadableStream<Uint8Array> | null): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
}
