import { describe, expect, it, vi } from "vitest";
import { LiveClock, MAX_SIM_TIME, SimClock } from "../../src/simulators/host/clock.ts";
import { scenarioIssues } from "../support/load-issues.ts";
import { contosoForFile } from "./served.ts";

/** The clock refuses to leave the range every twin can render, so nothing can wedge it. */
const s = contosoForFile();

const postClock = (body: unknown) =>
  fetch(`${s.url}/_sim/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("POST /_sim/clock", () => {
  it.each([
    [{ advance: "100000000d" }],
    [{ advance: 8.64e15 }],
    [{ set: "+275760-09-13T00:00:00.000Z" }],
    [{ set: "1969-12-31T23:59:59Z" }],
  ])("%j → 400 and the clock keeps its time; every route still answers", async (body) => {
    const before = ((await (await fetch(`${s.url}/_sim/clock`)).json()) as { now: string }).now;
    const res = await postClock(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/SimClock|duration/);
    expect(((await (await fetch(`${s.url}/_sim/clock`)).json()) as { now: string }).now).toBe(before);
    expect((await fetch(`${s.url}/_sim/state`)).status).toBe(200);
    const spaces = await fetch(`${s.url}/wiki/api/v2/spaces`, {
      headers: { authorization: s.confluenceAuth },
    });
    expect(spaces.status).toBe(200);
    expect((await fetch(`${s.url}/_sim/reset`, { method: "POST" })).status).toBe(200);
  });

  it("moving to the last showable instant works; one millisecond more does not", () => {
    const clock = new SimClock(MAX_SIM_TIME - 1);
    clock.advance(1);
    expect(clock.iso()).toBe("9999-12-31T23:59:59.999Z");
    expect(() => clock.advance(1)).toThrow(/simulated time runs from/);
    expect(clock.iso()).toBe("9999-12-31T23:59:59.999Z");
  });

  it("a clock that runs by itself (following wall time, or live) stops at the last instant", () => {
    let mono = 1_000;
    const spy = vi.spyOn(performance, "now").mockImplementation(() => mono);
    try {
      const following = new SimClock(MAX_SIM_TIME - 1_000);
      const run = following.follow(3600);
      const live = new LiveClock({ start: MAX_SIM_TIME - 1_000, rate: 3600 });
      mono += 60_000; // an hour of real time: 2.5 simulated months
      for (const clock of [following, live]) {
        expect(clock.iso()).toBe("9999-12-31T23:59:59.999Z");
        expect(() => clock.advance(1)).toThrow(/simulated time runs from/);
      }
      expect(run.stop()).toBe(1_000);
      mono += 60_000;
      expect(following.iso()).toBe("9999-12-31T23:59:59.999Z");
      following.set("2026-01-01T00:00:00Z");
      live.set("2026-01-01T00:00:00Z");
      expect([following.iso(), live.iso()]).toEqual(["2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("scenario files", () => {
  const issue = (text: string) => scenarioIssues(text)[0];

  it("clock: {advance: 100000000d} is refused at load time with its location", () => {
    expect(issue("name: x\nsteps:\n  - clock: { advance: 100000000d }\n")).toMatchObject({
      file: "s.yaml",
      line: 3,
      field: "steps[0].clock.advance",
      message: expect.stringContaining("longer than the simulated clock's whole range"),
    });
  });

  it("an external crawl's real-time limit stays within what node's timers can wait", () => {
    expect(
      issue("name: x\nconnector: { command: x, timeout: 30d }\nsteps:\n  - crawl: full\n"),
    ).toMatchObject({
      field: "connector.timeout",
      message: expect.stringContaining("at most 24 days"),
    });
  });
});
