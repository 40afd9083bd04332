import { Marked } from "marked";
import { decodeHTML } from "entities";
import sanitizeHtml from "sanitize-html";

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** Allow-list for article bodies: structure and links, nothing executable. */
const BODY_POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "s",
    "del",
    "code",
    "pre",
    "a",
    "sup",
    "sub",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "figure",
    "figcaption",
    "img",
  ],
  allowedAttributes: {
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title", "width", "height"],
    th: ["align"],
    td: ["align"],
    ol: ["start"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["https"] },
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow" }),
  },
};

export interface RenderedBody {
  html: string;
  text: string;
  wordCount: number;
}

const WORDS_PER_MINUTE = 230;

export function readingTimeMinutes(wordCount: number): number {
  return wordCount === 0 ? 0 : Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE));
}

export function countWords(text: string): number {
  const m = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu);
  return m ? m.length : 0;
}

/**
 * Strip every tag and keep the text: plain fields (headlines, names) are stored without markup.
 * Decoding entities can itself make markup ("&lt;script&gt;" becomes "<script>"), so strip again
 * until nothing changes: the result never holds a tag, however often the input was encoded.
 */
export function toPlainText(input: string): string {
  let text = input;
  for (let round = 0; round < 10; round++) {
    const next = decodeHTML(sanitizeHtml(text, { allowedTags: [], allowedAttributes: {} }));
    if (next === text) break;
    text = next;
  }
  return text.replace(/\s+/g, " ").trim();
}

/** Escape plain text for embedding in HTML (feeds, ninjs bodies). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function renderMarkdown(markdown: string): RenderedBody {
  const raw = marked.parse(markdown) as string;
  const html = sanitizeHtml(raw, BODY_POLICY).trim();
  const text = sanitizeHtml(html.replace(/<\/(p|h[2-6]|li|blockquote|pre|tr)>/g, "$&\n\n"), {
    allowedTags: [],
    allowedAttributes: {},
  });
  const plain = decodeHTML(text)
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n\n")
    .trim();
  return { html, text: plain, wordCount: countWords(plain) };
}
