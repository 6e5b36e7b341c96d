import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  checkCql,
  cqlBadRequestBody,
  parseCql,
  printCql,
} from "../../src/simulators/confluence/cql/index.ts";

interface GoldenCase {
  cql: string;
  accept: boolean;
  source: "docs" | "notes" | "crawler" | "guess";
  why?: string;
}

const cases = parse(readFileSync(new URL("./golden.yaml", import.meta.url), "utf8")) as GoldenCase[];

describe("golden CQL corpus", () => {
  it("has at least 80 real-world strings, both answers represented", () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    expect(cases.some((c) => c.accept)).toBe(true);
    expect(cases.some((c) => !c.accept)).toBe(true);
  });

  it.each(cases.map((c) => [c.cql, c] as const))("%s", (_cql, c) => {
    const result = checkCql(c.cql);
    if (!result.ok && c.accept) throw new Error(`rejected: ${result.error.describe()}`);
    expect(result.ok).toBe(c.accept);
    if (result.ok) {
      // The canonical form of every accepted query parses back to itself.
      const printed = printCql(result.query);
      expect(printCql(parseCql(printed))).toBe(printed);
    } else {
      expect(result.error.position).toBeGreaterThanOrEqual(0);
      expect(result.error.position).toBeLessThanOrEqual(c.cql.length);
      expect(cqlBadRequestBody(c.cql).message).toBe(
        `com.atlassian.confluence.api.service.exceptions.api.BadRequestException: Could not parse cql : ${c.cql}`,
      );
    }
  });
});
