import { ConnectorError } from "../errors.ts";
import type { CrawlMode, CrawlReport } from "../report.ts";
import { Checkpoints } from "./checkpoint.ts";
import { fullCrawl } from "./full.ts";
import { incrementalCrawl } from "./incremental.ts";
import { CrawlRecorder } from "./recorder.ts";
import { type CrawlDeps, openSession } from "./session.ts";

/**
 * One crawl run: setup (connection, schema, credential probe), then the full or incremental
 * crawl. A crawl that stops on a connector error (a Microsoft code) resolves with its partial
 * report, `fatal` saying why and where it stopped; anything else (a defect, an unwritable state
 * file) is thrown. Once the checkpoint is open, the state is saved at the end whatever happens.
 */
export async function runCrawl(deps: CrawlDeps, mode: CrawlMode): Promise<CrawlReport> {
  // Started now, before anything is read: the next watermark, so edits made while the crawl runs
  // are picked up again by the next incremental crawl rather than lost.
  const recorder = new CrawlRecorder(mode, deps);
  let checkpoints: Checkpoints | undefined;
  try {
    await recorder.during("setup", deps.setup);
    const state = await deps.state.load();
    const opened = await Checkpoints.open(state, mode, recorder.startedAt, {
      save: deps.state.save,
      every: deps.checkpointEvery,
    });
    checkpoints = opened;
    const session = await recorder.during("setup", () => openSession(deps, state, opened, recorder));
    if (mode === "full") await fullCrawl(session);
    else await incrementalCrawl(session);
    return recorder.report({ complete: true, resumed: opened.resumed });
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    const fatal = recorder.failure(error);
    return recorder.report({ complete: false, resumed: checkpoints?.resumed ?? false, fatal });
  } finally {
    // Once a checkpoint exists, whatever the crawl recorded is kept for the next run.
    if (checkpoints) await deps.state.save();
  }
}
