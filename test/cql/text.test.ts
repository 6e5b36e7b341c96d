import { describe, expect, it } from "vitest";
import {
  analyze,
  highlight,
  matchesText,
  parseTextQuery,
  storageToText,
  tokenizeText,
} from "../../src/simulators/confluence/cql/index.ts";

const matches = (query: string, text: string) => matchesText(parseTextQuery(query), analyze(text));

describe("storage format to text", () => {
  it("strips markup, keeps inline words whole, decodes entities", () => {
    expect(
      storageToText("<p>Hello <strong>wor</strong>ld &amp; friends&nbsp;&#8212;&#x41;</p><p>Next</p>"),
    ).toBe("Hello world & friends —A Next");
  });

  it("drops macro parameters, keeps CDATA bodies", () => {
    const storage =
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">java</ac:parameter>' +
      "<ac:plain-text-body><![CDATA[int x = 1 < 2;]]></ac:plain-text-body></ac:structured-macro>";
    expect(storageToText(storage)).toBe("int x = 1 < 2;");
  });
});

describe("tokenizer", () => {
  it("lower-cases Unicode words with offsets", () => {
    expect(tokenizeText("Ünïcode-Test 42!")).toEqual([
      { term: "ünïcode", start: 0, end: 7 },
      { term: "test", start: 8, end: 12 },
      { term: "42", start: 13, end: 15 },
    ]);
  });
});

describe("text queries", () => {
  const doc = "The Advanced Search guide explains Windows and winter setup";

  it("matches words case-insensitively, all words required", () => {
    expect(matches("advanced", doc)).toBe(true);
    expect(matches("ADVANCED guide", doc)).toBe(true);
    expect(matches("advanced missing", doc)).toBe(false);
    expect(matches("advance", doc)).toBe(false);
  });

  it("matches quoted phrases in order", () => {
    expect(matches('"advanced search"', doc)).toBe(true);
    expect(matches('"search advanced"', doc)).toBe(false);
  });

  it("supports * and ? wildcards", () => {
    expect(matches("win*", doc)).toBe(true);
    expect(matches("*dows", doc)).toBe(true);
    expect(matches("wint?r", doc)).toBe(true);
    expect(matches("wint?", doc)).toBe(false);
    expect(matches("*", doc)).toBe(false);
  });

  it("supports OR, NOT and +/- prefixes", () => {
    expect(matches("missing OR guide", doc)).toBe(true);
    expect(matches("guide -windows", doc)).toBe(false);
    expect(matches("guide NOT missing", doc)).toBe(true);
    expect(matches("+guide +setup", doc)).toBe(true);
    expect(matches("-guide", doc)).toBe(false);
  });

  it("treats escaped characters literally and punctuation as word breaks", () => {
    expect(matches("\\[advanced\\]", doc)).toBe(true);
    expect(matches("advanced-search", doc)).toBe(true);
    expect(matches("", doc)).toBe(false);
  });
});

describe("highlight", () => {
  it("wraps matched words, escapes HTML unless asked not to", () => {
    const q = parseTextQuery("apple");
    expect(highlight('Apple - 15" Macbook', q)).toBe("@@@hl@@@Apple@@@endhl@@@ - 15&quot; Macbook");
    expect(highlight('Apple - 15" Macbook', q, { escape: false })).toBe(
      '@@@hl@@@Apple@@@endhl@@@ - 15" Macbook',
    );
    expect(highlight("Apple", q, { markers: false })).toBe("Apple");
  });

  it("marks every word of a phrase occurrence and wildcard matches", () => {
    expect(highlight("go to advanced search now", parseTextQuery('"advanced search"'))).toBe(
      "go to @@@hl@@@advanced@@@endhl@@@ @@@hl@@@search@@@endhl@@@ now",
    );
    expect(highlight("Windows winter", parseTextQuery("win*"))).toBe(
      "@@@hl@@@Windows@@@endhl@@@ @@@hl@@@winter@@@endhl@@@",
    );
  });

  it("cuts an excerpt around the first match", () => {
    const text = `${"lorem ipsum ".repeat(40)}needle ${"dolor sit ".repeat(40)}`;
    const out = highlight(text, parseTextQuery("needle"), { maxLength: 120 });
    expect(out).toContain("@@@hl@@@needle@@@endhl@@@");
    expect(out.startsWith("…")).toBe(true);
    expect(out.endsWith("…")).toBe(true);
    expect(out.length).toBeLessThan(160);
  });
});
