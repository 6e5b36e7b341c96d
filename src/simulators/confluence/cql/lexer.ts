/**
 * CQL lexer: text → tokens. Quoting rules follow Atlassian's CQL reference: values with spaces
 * or reserved characters must be quoted (single or double quotes, backslash escapes).
 */
import { CqlSyntaxError } from "./errors.ts";

export type TokenKind = "word" | "string" | "op" | "lparen" | "rparen" | "comma" | "eof";

export interface Token {
  kind: TokenKind;
  /** Unescaped value for strings; the source text for everything else. */
  text: string;
  pos: number;
  /** Source length, so errors can point past a token. */
  length: number;
}

/**
 * Reserved characters that cannot appear in an unquoted value. Atlassian's list also names
 * `-`, `.` and `/`, but its own examples use `2014-09-01`, `2014/09/01` and `space.key`
 * unquoted, so those three are accepted (see docs/fidelity/cql.md).
 */
export const RESERVED_CHARS = new Set([..."+;?|*%^$#@[]{}&\\"]);

/** Characters that end an unquoted word because they start another token. */
const DELIMITERS = new Set([..."()=!<>~,\"'"]);

const OPERATOR_STARTS = new Set([..."=!<>~"]);

function isSpace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f" || ch === "\u00a0";
}

export function isWordChar(ch: string): boolean {
  return !isSpace(ch) && !DELIMITERS.has(ch) && !RESERVED_CHARS.has(ch);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  "\\": "\\",
  n: "\n",
  r: "\r",
  t: "\t",
  " ": " ",
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === "(" || ch === ")" || ch === ",") {
      tokens.push({
        kind: ch === "(" ? "lparen" : ch === ")" ? "rparen" : "comma",
        text: ch,
        pos: i,
        length: 1,
      });
      i++;
      continue;
    }
    if (OPERATOR_STARTS.has(ch)) {
      const two = text.slice(i, i + 2);
      if (two === "!=" || two === "!~" || two === ">=" || two === "<=") {
        tokens.push({ kind: "op", text: two, pos: i, length: 2 });
        i += 2;
      } else if (ch === "!") {
        throw new CqlSyntaxError(`"!" must be followed by "=" or "~"`, i, ["!=", "!~"], "lex");
      } else {
        tokens.push({ kind: "op", text: ch, pos: i, length: 1 });
        i++;
      }
      continue;
    }
    if (ch === '"' || ch === "'") {
      i = readQuoted(text, i, tokens);
      continue;
    }
    if (RESERVED_CHARS.has(ch)) {
      throw new CqlSyntaxError(
        `reserved character ${JSON.stringify(ch)} must be inside a quoted value`,
        i,
        ["a quoted value"],
        "lex",
      );
    }
    while (i < text.length && isWordChar(text[i])) i++;
    if (i < text.length && RESERVED_CHARS.has(text[i])) {
      throw new CqlSyntaxError(
        `reserved character ${JSON.stringify(text[i])} must be inside a quoted value`,
        i,
        ["a quoted value"],
        "lex",
      );
    }
    tokens.push({ kind: "word", text: text.slice(start, i), pos: start, length: i - start });
  }
  tokens.push({ kind: "eof", text: "", pos: text.length, length: 0 });
  return tokens;
}

/** Reads a quoted string starting at `start`; returns the index after the closing quote. */
function readQuoted(text: string, start: number, tokens: Token[]): number {
  const quote = text[start];
  let value = "";
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === quote) {
      tokens.push({ kind: "string", text: value, pos: start, length: i + 1 - start });
      return i + 1;
    }
    if (ch === "\n" || ch === "\r") {
      throw new CqlSyntaxError("line break inside a quoted value", i, [quote], "lex");
    }
    if (ch === "\\") {
      const next = text[i + 1];
      if (next === undefined) break;
      if (next in SIMPLE_ESCAPES) {
        value += SIMPLE_ESCAPES[next];
        i += 2;
        continue;
      }
      if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      throw new CqlSyntaxError(
        `illegal escape sequence "\\${next}" (use "\\\\" for a backslash)`,
        i,
        ['\\"', "\\'", "\\\\", "\\n", "\\t", "\\uXXXX"],
        "lex",
      );
    }
    value += ch;
    i++;
  }
  throw new CqlSyntaxError(`unterminated quoted value (missing ${quote})`, text.length, [quote], "lex");
}
