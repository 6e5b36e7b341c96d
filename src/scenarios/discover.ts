import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Scenario files under the given files or directories (recursively), sorted for a stable order. */
export function scenarioFiles(...paths: string[]): string[] {
  const out = new Set<string>();
  const walk = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new Error(`no such file or directory: ${path}`);
    if (stat.isFile()) {
      out.add(path);
      return;
    }
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (/\.ya?ml$/.test(entry.name)) out.add(child);
    }
  };
  for (const p of paths.length ? paths : ["scenarios"]) walk(p);
  return [...out].sort();
}
