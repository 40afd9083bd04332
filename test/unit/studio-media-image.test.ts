/**
 * The Studio's inline library image (studio/src/media/media-image.ts) in the body editor's own
 * Markdown pipeline (@tiptap/markdown with StarterKit): bodies with `![alt](media:<id> "caption")`
 * lines come back byte for byte, through a ProseMirror document valid for the editor's schema.
 */
import { getSchema, type JSONContent } from "@tiptap/core";
import { MarkdownManager } from "@tiptap/markdown";
import { Node as PMNode } from "@tiptap/pm/model";
import StarterKit from "@tiptap/starter-kit";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../src/shared/markdown";
import { MediaImageBase as MediaImage, mediaImageMarkdown, parseMediaImageLine } from "../../studio/src/media/media-image";

const extensions = [StarterKit, MediaImage];
const schema = getSchema(extensions);
const manager = new MarkdownManager({ extensions });

/** Markdown -> the editor's document (checked against its schema) -> Markdown, as the editor does. */
function roundTrip(markdown: string): { markdown: string; doc: PMNode } {
  const doc = PMNode.fromJSON(schema, manager.parse(markdown));
  doc.check();
  return { markdown: manager.serialize(doc.toJSON() as JSONContent), doc };
}

const ID = "0b6c3a52-7a1e-4c57-9d5e-2f1f7b0c9a11";
const OTHER = "5f0e4d0b-1c2a-4b3c-8d9e-0a1b2c3d4e5f";

describe("inline media images in the body editor", () => {
  it.each([
    [
      "alt and caption",
      `Boats returned on Monday.\n\n![The boats at dawn](media:${ID} "Back at their moorings")\n\nThe harbour master was pleased.`,
    ],
    ["no alt text, no caption", `Before.\n\n![](media:${ID})\n\nAfter.`],
    ["first and last block", `![Start](media:${ID})\n\nMiddle.\n\n![End](media:${OTHER} "The end")`],
    ["two in a row", `![One](media:${ID} "First")\n\n![Two](media:${OTHER})`],
    [
      "escapes, quote styles and spacing kept as written",
      `![A \\[bracketed\\] view](media:${ID}  'It\\'s "quoted"' )\n\n![x](media:${OTHER} (paren title))`,
    ],
    ["among headings, lists and quotes", `## Scene\n\n- one\n- two\n\n![Crowd](media:${ID} "The square")\n\n> A quote.`],
  ])("keeps %s byte for byte", (_name, markdown) => {
    const { markdown: back, doc } = roundTrip(markdown);
    expect(back).toBe(markdown);
    const images: string[] = [];
    doc.descendants((n) => void (n.type.name === "mediaImage" && images.push(String(n.attrs.id))));
    expect(images.length).toBe((markdown.match(/media:/g) ?? []).length);
  });

  it("reads the alt text and caption as readers get them, escapes removed", () => {
    const { doc } = roundTrip(`![A \\[bracketed\\] view](media:${ID} "Say \\"cheese\\"")`);
    expect(doc.firstChild?.type.name).toBe("mediaImage");
    expect(doc.firstChild?.attrs).toMatchObject({ id: ID, alt: "A [bracketed] view", caption: 'Say "cheese"' });
  });

  it("writes an image placed in the Studio in the form the API reads, with the same alt text and caption", () => {
    const line = mediaImageMarkdown(ID, ' Boats [at] dawn  "early" ', 'The "harbour"\non Monday');
    expect(line).toBe(`![Boats \\[at\\] dawn "early"](media:${ID} "The \\"harbour\\" on Monday")`);
    expect(mediaImageMarkdown(ID, "", "")).toBe(`![](media:${ID})`);
    // The API's own renderer reads back what the Studio wrote.
    const rendered = renderMarkdown(`Text.\n\n${line}`);
    expect(rendered.media).toEqual([{ id: ID, altText: 'Boats [at] dawn "early"', caption: 'The "harbour" on Monday' }]);
    // And the editor reads it back to the same values.
    expect(parseMediaImageLine(line)).toMatchObject({
      id: ID,
      alt: 'Boats [at] dawn "early"',
      caption: 'The "harbour" on Monday',
    });
  });

  it("leaves text that mentions media: or starts like an image as text", () => {
    const markdown = "The media:123 scheme is ours.\n\n!\\[not an image\\](media:x)";
    expect(roundTrip(markdown).markdown).toBe(markdown);
  });
});
