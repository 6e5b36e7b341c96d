import type { SimHost } from "./host.ts";
import type { JournalEntry } from "./journal.ts";

export interface EventStreamOptions {
  /** Events are batched and sent at most this often (real ms). */
  flushMs?: number;
  /** How often the clock is looked at, for clocks that move by themselves (real ms). */
  clockPollMs?: number;
  /** A comment line this often keeps idle connections open through proxies (real ms). */
  keepAliveMs?: number;
  /** More journal entries than this in one batch: they are left out and `state.resync` is set. */
  maxBatch?: number;
}

const DEFAULTS: Required<EventStreamOptions> = {
  flushMs: 150,
  clockPollMs: 1000,
  keepAliveMs: 15_000,
  maxBatch: 1000,
};

/** Chunks queued for a slow reader before request batches are skipped (the reader resyncs). */
const MAX_QUEUED_CHUNKS = 256;

/**
 * `GET /_sim/events`: a Server-Sent Events stream of what happens on the host, for live views.
 *
 * - `hello` `{clock, revision, lastSeq, entries}` once, first (`entries`: journal entries kept);
 * - `requests` `[JournalEntry…]`: entries journaled since the last batch, oldest first;
 * - `state` `{clock, revision, lastSeq, entries, resync?}`: something may have changed (a request, an
 *   admin write, or the clock moved). `resync: true` means request entries were left out (a
 *   burst or a slow reader): read `/_sim/requests` again.
 *
 * Events are coalesced to one batch per `flushMs`; the stream never blocks a request.
 */
export function installEventStream(host: SimHost, options: EventStreamOptions = {}): void {
  const settings = { ...DEFAULTS, ...options };
  host.admin("GET", "/_sim/events", () => eventStream(host, settings));
}

function eventStream(host: SimHost, settings: Required<EventStreamOptions>): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let pending: JournalEntry[] = [];
        let resync = false;
        let sentRevision = host.activity.revision;
        let sentClock = host.clock.iso();
        let flushTimer: ReturnType<typeof setTimeout> | undefined;
        const write = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            stop(); // the reader is gone
          }
        };
        const send = (event: string, data: unknown) =>
          write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        const journal = () => ({ lastSeq: host.journal.lastSeq, entries: host.journal.size });
        const flush = () => {
          flushTimer = undefined;
          const slow = (controller.desiredSize ?? 0) < -MAX_QUEUED_CHUNKS;
          if (pending.length > settings.maxBatch || (slow && pending.length > 0)) resync = true;
          else if (pending.length > 0) send("requests", pending);
          pending = [];
          const clock = host.clock.iso();
          if (host.activity.revision !== sentRevision || clock !== sentClock || resync) {
            sentRevision = host.activity.revision;
            sentClock = clock;
            send("state", {
              clock,
              revision: sentRevision,
              ...journal(),
              ...(resync ? { resync } : {}),
            });
            resync = false;
          }
        };
        const soon = () => {
          flushTimer ??= setTimeout(flush, settings.flushMs);
          flushTimer.unref?.();
        };
        const unsubscribe = host.activity.subscribe({
          request(entry) {
            if (pending.length <= settings.maxBatch) pending.push(entry);
            soon();
          },
          changed: soon,
        });
        // Clocks that follow wall time move without any request.
        const clockTimer = setInterval(() => {
          if (host.clock.iso() !== sentClock) soon();
        }, settings.clockPollMs);
        const keepAlive = setInterval(() => write(": keep-alive\n\n"), settings.keepAliveMs);
        clockTimer.unref?.();
        keepAlive.unref?.();
        stop = () => {
          unsubscribe();
          clearInterval(clockTimer);
          clearInterval(keepAlive);
          if (flushTimer) clearTimeout(flushTimer);
        };
        // Reconnecting clients wait this long (EventSource's `retry`), then start from `hello`.
        write("retry: 1000\n\n");
        send("hello", { clock: sentClock, revision: sentRevision, ...journal() });
      },
      cancel() {
        stop();
      },
    },
    { highWaterMark: 16 },
  );
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}
