import { describe, expect, it } from "vitest";
import { setsHeapGrowth } from "../../src/simulators/host/heap.ts";

describe("heap growth limit", () => {
  it("leaves a process alone that chose its own --heap-growing-percent, in argv or NODE_OPTIONS", () => {
    expect(setsHeapGrowth(["--heap-growing-percent=20"])).toBe(true);
    expect(setsHeapGrowth(["--heap_growing_percent", "20"])).toBe(true);
    expect(setsHeapGrowth([], "--max-old-space-size=4096 --heap-growing-percent=80")).toBe(true);
  });

  it("sets it otherwise (other heap flags do not count)", () => {
    expect(setsHeapGrowth([])).toBe(false);
    expect(setsHeapGrowth(["--max-old-space-size=8192", "--expose-gc"], "--max-semi-space-size=32")).toBe(
      false,
    );
    expect(setsHeapGrowth(["--heap-growing-percentile"])).toBe(false);
  });
});
