import { describe, expect, it } from "vitest";
import {
  parseDateLiteral,
  parseIncrement,
  resolveDateFunction,
  resolveDateLiteral,
} from "../../src/simulators/confluence/cql/index.ts";

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
// Wednesday 2026-03-18 15:42:10.500 UTC
const now = Date.parse("2026-03-18T15:42:10.500Z");

describe("date literals", () => {
  it("parses the four documented formats, missing time = midnight", () => {
    expect(parseDateLiteral("2024/01/02")).toMatchObject({
      year: 2024,
      month: 1,
      day: 2,
      hour: 0,
      minute: 0,
      hasTime: false,
    });
    expect(parseDateLiteral("2024-01-02 13:45")).toMatchObject({ hour: 13, minute: 45, hasTime: true });
    expect(parseDateLiteral("2024/01/02 00:00")).toMatchObject({ hasTime: true });
    expect(parseDateLiteral("2024-1-2")).toMatchObject({ month: 1, day: 2 });
  });

  it("rejects other shapes and impossible dates", () => {
    for (const bad of [
      "2024/01-02",
      "24/01/02",
      "2024/13/01",
      "2023/02/29",
      "2024/01/02 24:00",
      "2024-01-02T00:00",
      "today",
      "",
    ]) {
      expect(parseDateLiteral(bad), bad).toBeUndefined();
    }
    expect(parseDateLiteral("2024/02/29")).toBeDefined();
  });

  it("resolves to a day or a minute in the site's zone", () => {
    expect(resolveDateLiteral("2024/01/02", {})).toEqual({
      start: Date.parse("2024-01-02T00:00:00Z"),
      end: Date.parse("2024-01-03T00:00:00Z"),
    });
    expect(resolveDateLiteral("2024-01-02 10:30", {})).toEqual({
      start: Date.parse("2024-01-02T10:30:00Z"),
      end: Date.parse("2024-01-02T10:31:00Z"),
    });
    expect(iso(resolveDateLiteral("2024-07-01", { timeZone: "Europe/Berlin" })?.start)).toBe(
      "2024-06-30T22:00:00.000Z",
    );
    expect(iso(resolveDateLiteral("2024-01-01", { timeZone: "America/New_York" })?.start)).toBe(
      "2024-01-01T05:00:00.000Z",
    );
  });
});

describe("increments", () => {
  it("parses sign, amount and unit", () => {
    expect(parseIncrement("-2y")).toEqual({ amount: -2, unit: "y" });
    expect(parseIncrement("+4w")).toEqual({ amount: 4, unit: "w" });
    expect(parseIncrement("3d")).toEqual({ amount: 3, unit: "d" });
    expect(parseIncrement("-1")).toEqual({ amount: -1, unit: undefined });
    expect(parseIncrement("1M")).toEqual({ amount: 1, unit: "M" });
    expect(parseIncrement("5x")).toBeUndefined();
    expect(parseIncrement("--1d")).toBeUndefined();
  });
});

describe("date functions (UTC, SimClock now)", () => {
  const at = (name: Parameters<typeof resolveDateFunction>[0], ...args: string[]) =>
    iso(resolveDateFunction(name, args, { now }));

  it("now() with increments", () => {
    expect(at("now")).toBe("2026-03-18T15:42:10.500Z");
    expect(at("now", "-4w")).toBe("2026-02-18T15:42:10.500Z");
    expect(at("now", "-2y")).toBe("2024-03-18T15:42:10.500Z");
    expect(at("now", "+1M")).toBe("2026-04-18T15:42:10.500Z");
    expect(at("now", "-90m")).toBe("2026-03-18T14:12:10.500Z");
    expect(at("now", "3d")).toBe("2026-03-21T15:42:10.500Z");
    expect(at("now", "-1")).toBeUndefined();
  });

  it("day, week (Sunday start), month and year boundaries", () => {
    expect(at("startOfDay")).toBe("2026-03-18T00:00:00.000Z");
    expect(at("endOfDay")).toBe("2026-03-18T23:59:59.999Z");
    expect(at("startOfWeek")).toBe("2026-03-15T00:00:00.000Z");
    expect(at("endOfWeek")).toBe("2026-03-21T23:59:59.999Z");
    expect(at("startOfMonth")).toBe("2026-03-01T00:00:00.000Z");
    expect(at("endOfMonth")).toBe("2026-03-31T23:59:59.999Z");
    expect(at("startOfYear")).toBe("2026-01-01T00:00:00.000Z");
    expect(at("endOfYear")).toBe("2026-12-31T23:59:59.999Z");
    expect(iso(resolveDateFunction("startOfWeek", [], { now, weekStart: 1 }))).toBe(
      "2026-03-16T00:00:00.000Z",
    );
  });

  it("coarse increments move the anchor, fine ones the boundary", () => {
    expect(at("startOfDay", "-7d")).toBe("2026-03-11T00:00:00.000Z");
    expect(at("startOfWeek", "-1w")).toBe("2026-03-08T00:00:00.000Z");
    expect(at("startOfMonth", "-1")).toBe("2026-02-01T00:00:00.000Z");
    expect(at("endOfMonth", "-1M")).toBe("2026-02-28T23:59:59.999Z");
    expect(at("startOfMonth", "+14d")).toBe("2026-03-15T00:00:00.000Z");
    expect(at("startOfDay", "+2h")).toBe("2026-03-18T02:00:00.000Z");
    expect(at("startOfYear", "-1y")).toBe("2025-01-01T00:00:00.000Z");
    expect(at("endOfYear", "+1")).toBe("2027-12-31T23:59:59.999Z");
  });

  it("clamps month arithmetic to the month's last day", () => {
    const jan31 = Date.parse("2026-01-31T12:00:00Z");
    expect(iso(resolveDateFunction("now", ["+1M"], { now: jan31 }))).toBe("2026-02-28T12:00:00.000Z");
  });

  it("computes boundaries in an IANA zone, across DST", () => {
    const ctx = { now: Date.parse("2026-03-29T12:00:00Z"), timeZone: "Europe/Berlin" };
    expect(iso(resolveDateFunction("startOfDay", [], ctx))).toBe("2026-03-28T23:00:00.000Z"); // before the switch: +01:00
    expect(iso(resolveDateFunction("endOfDay", [], ctx))).toBe("2026-03-29T21:59:59.999Z"); // after: +02:00
    expect(iso(resolveDateFunction("startOfMonth", [], ctx))).toBe("2026-02-28T23:00:00.000Z");
    const tokyo = { now: Date.parse("2026-03-18T20:00:00Z"), timeZone: "Asia/Tokyo" };
    expect(iso(resolveDateFunction("startOfDay", [], tokyo))).toBe("2026-03-18T15:00:00.000Z");
  });

  it("rejects bad increments", () => {
    expect(at("startOfDay", "soon")).toBeUndefined();
    expect(resolveDateFunction("now", ["1d", "2d"], { now })).toBeUndefined();
  });
});
