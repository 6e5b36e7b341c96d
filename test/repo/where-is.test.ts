import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** The "Where is X" table of docs/architecture.md: each row names a file and a symbol it must define. */
const root = new URL("../../", import.meta.url);
const doc = readFileSync(new URL("docs/architecture.md", root), "utf8");
const section = doc.split("## Where is X")[1]?.split("\n## ")[0] ?? "";
const rows = [...section.matchAll(/^\| (.+?) \| `([^`]+)` \| `([^`]+)` \|$/gm)].map(
  ([, behaviour, file, symbol]) => ({
    behaviour,
    file,
    symbol,
  }),
);

/** A declaration of `symbol` (class, function, const, interface, type), exported or not. */
function declares(source: string, symbol: string): boolean {
  const name = symbol.replace(/[$]/g, "\\$");
  return new RegExp(`\\b(class|function|const|let|interface|type)\\s+${name}\\b`).test(source);
}

describe("docs/architecture.md: Where is X", () => {
  it("has at least twenty rows", () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
  });

  it.each(rows)("$behaviour → $file ($symbol)", ({ file, symbol }) => {
    const url = new URL(file, root);
    expect(existsSync(url), `${file} does not exist`).toBe(true);
    expect(declares(readFileSync(url, "utf8"), symbol), `${file} does not declare ${symbol}`).toBe(true);
  });
});
