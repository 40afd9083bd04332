import { Node, type JSONContent } from "@tiptap/react";

/**
 * An inline image from the media library in the body: the API stores it as Markdown on a line
 * of its own, `![alt](media:<id> "caption")` (alt text and caption optional). In the editor it is
 * one block node (atom: selected, moved and deleted whole) showing the image and its caption.
 *
 * Round trip: the node keeps the line exactly as it was read (`markdown`) and writes it back
 * unchanged, so escapes, quote styles and spacing survive; a node made in the Studio gets the
 * canonical form from mediaImageMarkdown.
 */

export interface MediaImageAttrs {
  id: string;
  /** Alt text and caption as a reader sees them (escapes removed), for showing in the editor. */
  alt: string;
  caption: string;
  /** The Markdown line itself. */
  markdown: string;
}

// alt: anything but an unescaped "]"; title: "…", '…' or (…), each with backslash escapes.
const LINE =
  /^ {0,3}!\[((?:[^\]\\\n]|\\.)*)\]\(media:([^\s()"'\\]+)(?:[ \t]+("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\((?:[^()\\\n]|\\.)*\)))?[ \t]*\)[ \t]*(?=\n|$)/;

const unescapeMd = (s: string) => s.replace(/\\([!-/:-@[-`{-~])/g, "$1");

/** The parts of a media image line, or null when the text does not start with one. */
export function parseMediaImageLine(src: string): (MediaImageAttrs & { raw: string }) | null {
  const m = LINE.exec(src);
  if (!m) return null;
  const [raw, alt = "", id = "", title] = m;
  return { raw, id, alt: unescapeMd(alt), caption: title ? unescapeMd(title.slice(1, -1)) : "", markdown: raw.trim() };
}

/** The canonical line for an image placed in the Studio; empty alt text or caption is left out (the asset's own apply). */
export function mediaImageMarkdown(id: string, alt: string, caption: string): string {
  // Brackets only: the API's renderer keeps other backslashes in alt text as written.
  const a = alt.trim().replace(/\s+/g, " ").replace(/[[\]]/g, "\\$&");
  const c = caption.trim().replace(/\s+/g, " ").replace(/[\\"]/g, "\\$&");
  return `![${a}](media:${id}${c ? ` "${c}"` : ""})`;
}

export interface MediaImageOptions {
  /** Where to show the image from (a small rendition), looked up by asset id; null when unknown. */
  imageUrl: (id: string) => Promise<string | null>;
}

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    mediaImage: {
      /** Insert a library image at the cursor, as its own block. */
      insertMediaImage: (image: { id: string; alt: string; caption: string }) => ReturnType;
    };
  }
}

/**
 * The node without anything that needs a browser (its markdown, attributes and commands): the
 * unit tests run it in Node. The editor uses MediaImage (media-image-view.ts).
 */
export const MediaImageBase = Node.create<MediaImageOptions>({
  name: "mediaImage",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,

  addOptions() {
    return { imageUrl: () => Promise.resolve(null) };
  },

  addAttributes() {
    return {
      id: { default: "" },
      alt: { default: "" },
      caption: { default: "" },
      markdown: { default: "" },
    };
  },

  renderHTML({ node }) {
    const { id, alt, caption, markdown } = node.attrs as MediaImageAttrs;
    return [
      "figure",
      { class: "media-image", "data-media-id": id, "data-markdown": markdown },
      ["img", { alt }],
      ["figcaption", caption],
    ];
  },

  addCommands() {
    return {
      insertMediaImage:
        ({ id, alt, caption }) =>
        ({ commands }) =>
          commands.insertContent({
            type: this.name,
            attrs: { id, alt, caption, markdown: mediaImageMarkdown(id, alt, caption) },
          }),
    };
  },

  markdownTokenizer: {
    name: "mediaImage",
    level: "block",
    start: (src: string) => src.search(/^ {0,3}!\[/m),
    tokenize(src: string) {
      const parsed = parseMediaImageLine(src);
      if (!parsed) return undefined;
      return {
        type: "mediaImage",
        raw: parsed.raw,
        id: parsed.id,
        alt: parsed.alt,
        caption: parsed.caption,
        markdown: parsed.markdown,
      };
    },
  },
  markdownTokenName: "mediaImage",
  parseMarkdown(token): JSONContent {
    const t = token as unknown as MediaImageAttrs;
    return { type: "mediaImage", attrs: { id: t.id, alt: t.alt, caption: t.caption, markdown: t.markdown } };
  },
  renderMarkdown(node: JSONContent) {
    const a = (node.attrs ?? {}) as Partial<MediaImageAttrs>;
    return a.markdown || mediaImageMarkdown(a.id ?? "", a.alt ?? "", a.caption ?? "");
  },
});
