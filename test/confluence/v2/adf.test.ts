import { describe, expect, it } from "vitest";
import { storageToAdf } from "../../../src/simulators/confluence/render/storage.ts";
import { get, makeTwin } from "./helpers.ts";

const adf = (storage: string) => JSON.parse(storageToAdf(storage));
const text = (t: string, ...marks: string[]) =>
  marks.length
    ? { type: "text", text: t, marks: marks.map((type) => ({ type })) }
    : { type: "text", text: t };

describe("storage → atlas_doc_format", () => {
  it("maps lists, code, quotes, rules, marks, links and breaks", () => {
    const doc = adf(
      '<p>a<br/>b <em>c</em> <a href="https://x.test/?a=1&amp;b=2">link</a></p>' +
        "<ul><li><p>one</p></li><li>two <code>x</code></li></ul><ol><li>first</li></ol>" +
        '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[if (a < b) {}]]></ac:plain-text-body></ac:structured-macro>' +
        "<blockquote><p>quoted</p></blockquote><hr/><h3>Title &amp; more</h3><p></p>",
    );
    expect(doc).toEqual({
      type: "doc",
      version: 1,
      content: [
        {
          type: "paragraph",
          content: [
            text("a"),
            { type: "hardBreak" },
            text("b "),
            text("c", "em"),
            text(" "),
            {
              type: "text",
              text: "link",
              marks: [{ type: "link", attrs: { href: "https://x.test/?a=1&b=2" } }],
            },
          ],
        },
        {
          type: "bulletList",
          content: [
            { type: "listItem", content: [{ type: "paragraph", content: [text("one")] }] },
            {
              type: "listItem",
              content: [{ type: "paragraph", content: [text("two "), text("x", "code")] }],
            },
          ],
        },
        {
          type: "orderedList",
          content: [{ type: "listItem", content: [{ type: "paragraph", content: [text("first")] }] }],
        },
        { type: "codeBlock", content: [text("if (a < b) {}")] },
        { type: "blockquote", content: [{ type: "paragraph", content: [text("quoted")] }] },
        { type: "rule" },
        { type: "heading", attrs: { level: 3 }, content: [text("Title & more")] },
        { type: "paragraph" },
      ],
    });
  });

  it("keeps the text of tables and other macros, tolerates sloppy markup", () => {
    const doc = adf(
      "<table><tbody><tr><th>k</th><td>v</td></tr></tbody></table>" +
        '<ac:structured-macro ac:name="info"><ac:rich-text-body><p>note</p></ac:rich-text-body></ac:structured-macro>' +
        "loose <b>text</p> 1 < 2",
    );
    expect(doc.content).toEqual([
      { type: "paragraph", content: [text("k")] },
      { type: "paragraph", content: [text("v")] },
      { type: "paragraph", content: [text("note")] },
      {
        type: "paragraph",
        content: [
          text("loose "),
          text("text", "strong"),
          text(" 1 ", "strong"),
          text("<", "strong"),
          text(" 2", "strong"),
        ],
      },
    ]);
  });

  it("is what GET /pages/{id}?body-format=atlas_doc_format serves, as a string", async () => {
    const { fetch, store } = makeTwin({
      users: [{ name: "alice" }],
      spaces: [{ key: "A", pages: [{ title: "P", body: "<ul><li>x</li></ul>" }] }],
    });
    const id = [...store.content.keys()][0];
    const { body } = await get(fetch, `/wiki/api/v2/pages/${id}?body-format=atlas_doc_format`);
    expect(body.body.atlas_doc_format.value).toBe(storageToAdf("<ul><li>x</li></ul>"));
    store.updateContent(id, { body: "<p>changed</p>" });
    const after = await get(fetch, `/wiki/api/v2/pages/${id}?body-format=atlas_doc_format`);
    expect(JSON.parse(after.body.body.atlas_doc_format.value).content).toEqual([
      { type: "paragraph", content: [{ type: "text", text: "changed" }] },
    ]);
  });
});
