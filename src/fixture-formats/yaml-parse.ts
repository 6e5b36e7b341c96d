import { readFileSync, statSync } from "node:fs";
import { type Document, LineCounter, parseDocument } from "yaml";
import { LoadError } from "./errors.ts";

/** Reading and parsing YAML files for YamlSource (yaml.ts), with the parsed documents kept per file. */

export interface ParsedText {
  doc: Document;
  lines: LineCounter;
}

/** Parses YAML text; syntax errors become a LoadError naming file, line and column. */
export function parseText(text: string, file: string): ParsedText {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new LoadError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          field: "",
          message: `YAML syntax: ${e.message.split("\n")[0]}`,
          hint: syntaxHint(e.code),
        };
      }),
    );
  }
  return { doc, lines };
}

/**
 * Parsed files by path, reused while the file's size and modification time stay the same. Bounded:
 * the oldest entry goes when a new one would pass MAX_PARSED_FILES.
 */
const MAX_PARSED_FILES = 64;
const parsedFiles = {
  entries: new Map<string, ParsedText & { stamp: string }>(),
  get(file: string, read: () => string): ParsedText {
    let stamp: string | undefined;
    try {
      const stat = statSync(file);
      stamp = `${stat.size}:${stat.mtimeMs}`;
    } catch {
      // Unreadable: read() reports it.
    }
    const kept = this.entries.get(file);
    if (kept && stamp !== undefined && kept.stamp === stamp) return kept;
    const parsed = parseText(read(), file);
    this.entries.delete(file);
    if (stamp !== undefined) {
      if (this.entries.size >= MAX_PARSED_FILES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(file, { ...parsed, stamp });
    }
    return parsed;
  },
};

/** A file's parsed document: reused while the file is unchanged, else read and parsed. */
export function readParsedFile(file: string): ParsedText {
  return parsedFiles.get(file, () => readText(file));
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LoadError([
      {
        file,
        line: 0,
        column: 0,
        field: "",
        message: code === "ENOENT" ? "file not found" : `cannot read file (${code ?? String(error)})`,
        hint: code === "ENOENT" ? "paths in scenario files are relative to the scenario file" : undefined,
      },
    ]);
  }
}

function syntaxHint(code: string): string | undefined {
  if (code === "DUPLICATE_KEY") return "each key may appear once per mapping";
  if (code === "BAD_INDENT" || code === "MISSING_CHAR") return "check indentation and closing brackets";
  if (code === "TAB_AS_INDENT") return "YAML indentation must use spaces, not tabs";
  return undefined;
}
