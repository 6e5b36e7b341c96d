import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

/** Source files under a folder (TypeScript and JavaScript), `generated/` folders left out. */
export function sourceFiles(dir: string, pattern = /\.(ts|mts|js|mjs)$/): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sourceFiles(path, pattern);
    return pattern.test(e.name) ? [path] : [];
  });
}

/**
 * Every module a file imports, as written: static, type-only, side-effect (`import "x"`), dynamic
 * `import()` and `require()` — TypeScript's own scanner, so no form slips past a regex.
 */
export function importSpecifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((i) => i.fileName);
}
