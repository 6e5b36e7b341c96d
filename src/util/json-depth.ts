/**
 * True when a JSON text nests arrays and objects deeper than `limit`. JSON.parse itself is
 * iterative, but everything that walks the parsed value afterwards (JSON.stringify, structured
 * clone, validators) recurses, so a body 100,000 brackets deep parses fine and then overflows the
 * stack. One linear pass over the text, strings skipped; malformed JSON is left to JSON.parse.
 */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  // Nesting needs an opening bracket per level: a text with no more than `limit` of them (most
  // bodies have a handful) is settled by the native indexOf without the character loop.
  if (countUpTo(text, "{", limit + 1) + countUpTo(text, "[", limit + 1) <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) depth--;
  }
  return false;
}

/** Occurrences of `char` in `text`, counted up to `max`. */
function countUpTo(text: string, char: string, max: number): number {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0 && n < max; i = text.indexOf(char, i + 1)) n++;
  return n;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
