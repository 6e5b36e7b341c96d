import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { searchByCql } from "../../src/simulators/confluence/cql/index.ts";
import { isPlainWord, mayContainWord, wordsOf } from "../../src/simulators/confluence/cql/text-index.ts";
import { AccessEvaluator } from "../../src/simulators/confluence/permissions.ts";
import { accountIdFor, buildSite } from "../../src/simulators/confluence/seed.ts";
import { SimClock } from "../../src/simulators/host/clock.ts";

const WORDS = ["kube", "rnetes", "kubernetes", "istanbul", "plan", "q3", "naïve", "straße", "ok", "b"];

/** Storage text that hides words every way storageToText can: inline tags inside words, entities, CDATA, odd case. */
const fragment = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(...WORDS).map((w) => w.toUpperCase()),
  fc.constantFrom(...WORDS).map((w) => w.replaceAll("k", "\u212a")), // Kelvin sign: lower-cases to "k"
  fc.constantFrom("\u0130stanbul", "STRASSE", "ΟΔΟΣ"),
  fc
    .tuple(
      fc.constantFrom(...WORDS),
      fc.nat(),
      fc.constantFrom("b", "strong", "SPAN", "a href='x'", "em", "abbr"),
    )
    .map(([w, at, tag]) => {
      const cut = at % (w.length + 1);
      return `${w.slice(0, cut)}<${tag}>${w.slice(cut)}</${tag.split(" ")[0]}>`;
    }),
  fc.constantFrom(
    " ",
    "</p><p>",
    "<br/>",
    "&#107;",
    "&#x6B;ube",
    "&amp;",
    "&nbsp;",
    "<b-x>",
    "<a->",
    "<![CDATA[ <b>x</b>ube ]]>",
    "<!-- plan -->",
    '<ac:parameter ac:name="k">plan</ac:parameter>',
    "<code>ok</code>",
  ),
);
const body = fc.array(fragment, { maxLength: 12 }).map((parts) => `<p>${parts.join("")}</p>`);

describe("text candidates", () => {
  it("never miss a plain word a page's analysed text holds", () => {
    fc.assert(
      fc.property(body, fc.array(fc.constantFrom(...WORDS), { maxLength: 2 }), (storage, labels) => {
        const store = buildSite(
          { users: [{ name: "a" }], spaces: [{ key: "S", pages: [{ title: "T", body: storage, labels }] }] },
          new SimClock(),
        );
        const page = [...store.content.values()][0];
        for (const kind of ["all", "title"] as const)
          for (const word of wordsOf(page, kind))
            if (isPlainWord(word)) expect(mayContainWord(page, kind, word), `${kind} ${word}`).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("text ~ and title ~ find what a full scan finds, before and after the postings are built", () => {
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 8 }), (bodies) => {
        const store = buildSite(
          {
            users: [{ name: "a" }],
            spaces: [
              {
                key: "S",
                pages: bodies.map((b, i) => ({ title: `${WORDS[i % WORDS.length]} ${i}`, body: b })),
              },
            ],
          },
          new SimClock(),
        );
        const access = new AccessEvaluator(store, { type: "user", accountId: accountIdFor("a") });
        // Plain words are scanned for until a non-ASCII word has the postings built; then every
        // word is answered from the postings: both paths are checked against the scan.
        const plain = [...WORDS, "ube", "x", "k"].filter(isPlainWord);
        for (const word of [...plain, "naïve", "straße", ...plain]) {
          for (const field of ["text", "title"]) {
            const params = { cql: `${field} ~ "${word}"`, limit: 100 };
            const planned = searchByCql(access, params);
            const scanned = searchByCql(access, { ...params, usePlanner: false });
            if (!planned.ok || !scanned.ok) throw new Error(`${params.cql} failed`);
            expect(planned.result.results.map((c) => c.id)).toEqual(scanned.result.results.map((c) => c.id));
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
