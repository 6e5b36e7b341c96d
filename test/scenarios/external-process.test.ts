import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { BoundedOutput, runProcess } from "../../src/scenarios/steps/external-process.ts";

/** How an external connector's process is run: exit codes, output kept apart and bounded, the time limit. */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "cgsim-process-"));
  dirs.push(dir);
  return dir;
};
const options = { cwd: tmpdir(), env: { PATH: process.env.PATH ?? "" }, timeoutMs: 20_000 };

/** Whether a process is still running (a zombie waiting to be reaped has ended). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Signals are delivered asynchronously: waits up to a second for the process to end. */
async function endsSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && running(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !running(pid);
}

describe("runProcess", () => {
  it("keeps stdout and stderr apart and reports the exit code", async () => {
    const run = await runProcess("echo to-out; echo to-err >&2; exit 3", options);
    expect(run).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      killed: false,
      stdout: "to-out\n",
      stderr: "to-err\n",
    });
  });

  it("runs a list without a shell, in the given directory with only the given environment", async () => {
    const dir = tempDir();
    const run = await runProcess(
      [
        process.execPath,
        "-e",
        "process.stdout.write(process.cwd() + ' ' + Object.keys(process.env).sort().join(','))",
      ],
      { ...options, cwd: dir, env: { ONLY_THIS: "1" } },
    );
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`${dir} ONLY_THIS`);
  });

  it("a command that cannot start is an error naming it", async () => {
    await expect(runProcess(["/nonexistent/connector", "--full"], options)).rejects.toThrow(
      'cannot start connector command "/nonexistent/connector --full": spawn /nonexistent/connector ENOENT',
    );
  });

  it("kills a hung process group at the time limit: SIGTERM, then SIGKILL for what ignores it, children too", async () => {
    const dir = tempDir();
    const pidFile = join(dir, "child.pid");
    // The shell ignores SIGTERM and waits on a child that would run for a minute.
    const started = performance.now();
    const run = await runProcess(`trap '' TERM; sleep 60 & echo $! > ${pidFile}; echo started; wait`, {
      ...options,
      timeoutMs: 300,
      graceMs: 300,
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(run).toMatchObject({ timedOut: true, exitCode: null, signal: "SIGKILL", stdout: "started\n" });
    expect(await endsSoon(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });

  it("its kill handle SIGKILLs the whole group at once, as a crash would (crawl.kill)", async () => {
    const dir = tempDir();
    const pidFile = join(dir, "child.pid");
    const kill = new AbortController();
    // The shell ignores SIGTERM: only SIGKILL ends it, and its child goes with the group.
    const done = runProcess(
      `trap '' TERM; sleep 60 & echo $! > ${pidFile}.tmp; mv ${pidFile}.tmp ${pidFile}; wait`,
      {
        ...options,
        kill: kill.signal,
      },
    );
    for (let i = 0; i < 500 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 20));
    kill.abort();
    const run = await done;
    expect(run).toMatchObject({ killed: true, timedOut: false, exitCode: null, signal: "SIGKILL" });
    expect(await endsSoon(Number(readFileSync(pidFile, "utf8")))).toBe(true);
    const finished = await runProcess("exit 0", { ...options, kill: new AbortController().signal });
    expect(finished.killed).toBe(false);
  });

  it("whatever a connector leaves running in its group ends when it exits", async () => {
    const dir = tempDir();
    const pidFile = join(dir, "child.pid");
    const run = await runProcess(`sleep 60 > /dev/null 2>&1 & echo $! > ${pidFile}; exit 0`, options);
    expect(run.exitCode).toBe(0);
    expect(await endsSoon(Number(readFileSync(pidFile, "utf8")))).toBe(true);
  });
});

describe("BoundedOutput", () => {
  it("keeps everything within the limit, else the first quarter and the last three quarters with a note", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 20 }),
        fc.integer({ min: 4, max: 300 }),
        (chunks, limit) => {
          const bounded = new BoundedOutput(limit);
          const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
          for (const chunk of chunks) bounded.write(Buffer.from(chunk));
          const head = Math.floor(limit / 4);
          const expected =
            all.length <= limit
              ? all.toString("utf8")
              : `${all.subarray(0, head).toString("utf8")}\n[cgsim] … ${all.length - limit} bytes left out …\n${all.subarray(all.length - (limit - head)).toString("utf8")}`;
          expect(bounded.text()).toBe(expected);
        },
      ),
    );
  });
});
