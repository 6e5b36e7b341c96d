import { describe, expect, it, vi } from "vitest";
import { LiveClock, SimClock } from "../../src/simulators/host/clock.ts";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("LiveClock (cgsim serve's clock)", () => {
  it("starts at the current time and follows wall time", async () => {
    const clock = new LiveClock();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    const before = clock.now();
    await tick(30);
    expect(clock.now() - before).toBeGreaterThanOrEqual(25);
  });

  it("runs `rate` times faster, from a given start", async () => {
    const clock = new LiveClock({ start: "2030-01-01T00:00:00Z", rate: 1000 });
    expect(clock.now()).toBeGreaterThanOrEqual(Date.parse("2030-01-01T00:00:00Z"));
    const before = clock.now();
    await tick(20);
    expect(clock.now() - before).toBeGreaterThanOrEqual(15_000);
  });

  it("advance and set move it by an offset and it keeps running from there", async () => {
    const clock = new LiveClock();
    clock.advance(3_600_000);
    expect(clock.now() - Date.now()).toBeGreaterThan(3_599_000);
    clock.set("2026-01-01T00:00:00Z");
    await tick(20);
    const elapsed = clock.now() - Date.parse("2026-01-01T00:00:00Z");
    expect(elapsed).toBeGreaterThanOrEqual(15);
    expect(elapsed).toBeLessThan(5_000);
    expect(clock.iso()).toMatch(/^2026-01-01T00:00:0/);
  });

  it("refuses a rate that is not positive; the frozen SimClock still moves only when told", () => {
    expect(() => new LiveClock({ rate: 0 })).toThrow(/rate must be positive/);
    const frozen = new SimClock("2026-01-01T00:00:00Z");
    frozen.advance(5);
    expect(frozen.iso()).toBe("2026-01-01T00:00:00.005Z");
  });
});

describe("SimClock.follow (a scenario's clock while an external connector runs)", () => {
  it("follows monotonic time × rate until stopped, then stays frozen where it got to", () => {
    let mono = 1_000;
    const spy = vi.spyOn(performance, "now").mockImplementation(() => mono);
    try {
      const clock = new SimClock("2026-01-01T00:00:00Z");
      const following = clock.follow(10);
      mono += 250;
      expect(clock.iso()).toBe("2026-01-01T00:00:02.500Z");
      clock.advance(60_000); // a step (or the admin API) still moves it meanwhile
      clock.set("2026-01-01T01:00:00Z");
      mono += 100;
      expect(clock.iso()).toBe("2026-01-01T01:00:01.000Z");
      expect(() => clock.follow()).toThrow(/already following/);
      expect(following.stop()).toBe(3_500);
      mono += 10_000;
      expect(clock.iso()).toBe("2026-01-01T01:00:01.000Z");
      expect(() => clock.follow(0)).toThrow(/rate must be positive/);
    } finally {
      spy.mockRestore();
    }
  });
});
