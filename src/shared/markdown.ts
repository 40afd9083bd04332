import { extname, join } from "node:path";
import { Marked } from "marked";
import { decodeHTML } from "entities";
import { Piscina } from "piscina";
import sanitizeHtml from "sanitize-html";
import { randomBytes } from "node:crypto";
import { BadUserInputError } from "./errors";

/** Media images of the render in progress (renders are synchronous, so one list at a time). */
let mediaInRender: { marker: string; refs: MediaRef[] } | null = null;

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // `![alt](media:<id> "caption")` is an image from the media library: it leaves the sanitiser
    // as a marker image (an address under this render's random host, which no author can guess)
    // that the writer replaces with the figure (see MediaRef). Any other image renders as usual.
    image({ href, title, text }) {
      if (!mediaInRender || !href.startsWith("media:")) return false;
      const n = mediaInRender.refs.push({
        id: href.slice("media:".length),
        altText: text.trim() || null,
        caption: title?.trim() || null,
      });
      return `<img src="${mediaInRender.marker}${n - 1}" alt="" />`;
    },
  },
});

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

/** An image from the media library as the body places it; null alt text or caption: the asset's own. */
export interface MediaRef {
  id: string;
  altText: string | null;
  caption: string | null;
}

export interface RenderedBody {
  html: string;
  text: string;
  wordCount: number;
  /** The body's media images in order; each sits in `html` as `<img src="{mediaMarker}{index}" alt="" />`. */
  media?: MediaRef[];
  mediaMarker?: string;
}

export const WORDS_PER_MINUTE = 230;

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

/**
 * Render on the calling thread. Request handling must use renderBody instead: marked is
 * quadratic on some shapes (a 60 kB body of "_a" took 1.7 s here) and recursive on others.
 */
export function renderMarkdown(markdown: string): RenderedBody {
  const media = { marker: `https://${randomBytes(12).toString("hex")}.media.invalid/`, refs: [] as MediaRef[] };
  mediaInRender = media;
  let raw: string;
  try {
    raw = marked.parse(markdown) as string;
  } finally {
    mediaInRender = null;
  }
  const html = sanitizeHtml(raw, BODY_POLICY).trim();
  const text = sanitizeHtml(html.replace(/<\/(p|h[2-6]|li|blockquote|pre|tr)>/g, "$&\n\n"), {
    allowedTags: [],
    allowedAttributes: {},
  });
  const plain = decodeHTML(text)
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n\n")
    .trim();
  const body: RenderedBody = { html, text: plain, wordCount: countWords(plain) };
  return media.refs.length ? { ...body, media: media.refs, mediaMarker: media.marker } : body;
}

/** Known pathological shapes, refused with a message saying what to change (see checkMarkdownShape). */
export const MARKDOWN_LIMITS = {
  /** Blockquotes and list items opened on one line ("> > > …", "- - - …"); marked recurses once per level. */
  nesting: 32,
  /** Emphasis delimiters (*, _ and ~) in one paragraph: marked's cost grows with their square (~25 µs × n²). */
  markersPerParagraph: 1000,
  /** …and in the whole body, so that many such paragraphs stay within the render budget. */
  markersPerBody: 20_000,
};

const isBlank = (line: string) => line.trim() === "";

/** Containers a line opens: ">" and list markers ("-", "+", "*", "1.", "1)") each followed by a space. */
function containerDepth(line: string): number {
  // A hand-written scan: one pass, no regular expression to backtrack on a long line.
  let depth = 0;
  let i = 0;
  for (;;) {
    while (line[i] === " " || line[i] === "\t") i++;
    const c = line[i];
    if (c === ">") {
      depth++;
      i++;
      continue;
    }
    const space = (j: number) => line[j] === " " || line[j] === "\t";
    if ((c === "-" || c === "+" || c === "*") && space(i + 1)) {
      depth++;
      i += 2;
      continue;
    }
    let d = i;
    while (d - i < 9 && line[d] !== undefined && line[d]! >= "0" && line[d]! <= "9") d++;
    if (d > i && (line[d] === "." || line[d] === ")") && space(d + 1)) {
      depth++;
      i = d + 2;
      continue;
    }
    return depth;
  }
}

/**
 * Why this Markdown would be too costly to render, or null. Linear in the body's length, so it
 * runs on the event loop before any rendering; the worker's time budget covers what it misses.
 */
export function checkMarkdownShape(markdown: string, field = "bodyMarkdown"): string | null {
  const lines = markdown.split(/\r\n|\r|\n/);
  let fence: string | null = null;
  let paragraphStart = 0;
  let inParagraph = 0;
  let total = 0;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    // Fenced code is not parsed for emphasis: underscores in code samples do not count.
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (f && f[0] === fence[0] && f.length >= fence.length && line.trim() === f) fence = null;
      continue;
    }
    if (f) {
      fence = f;
      inParagraph = 0;
      continue;
    }
    const depth = containerDepth(line);
    if (depth > MARKDOWN_LIMITS.nesting)
      return `${field} nests blockquotes or lists ${depth} levels deep on line ${n + 1}; nest them no deeper than ${MARKDOWN_LIMITS.nesting} levels.`;
    if (isBlank(line)) {
      inParagraph = 0;
      continue;
    }
    if (inParagraph === 0) paragraphStart = n;
    let markers = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 92)
        i++; // a backslash escapes the next character: "\_" is text, not a delimiter
      else if (c === 42 || c === 95 || c === 126) markers++; // * _ ~
    }
    inParagraph += markers;
    total += markers;
    if (inParagraph > MARKDOWN_LIMITS.markersPerParagraph)
      return (
        `${field} has more than ${MARKDOWN_LIMITS.markersPerParagraph} emphasis markers (*, _ or ~) in the paragraph ` +
        `starting on line ${paragraphStart + 1}; split the paragraph with blank lines, or escape literal markers as \\*, \\_ and \\~.`
      );
    if (total > MARKDOWN_LIMITS.markersPerBody)
      return (
        `${field} has more than ${MARKDOWN_LIMITS.markersPerBody.toLocaleString("en")} emphasis markers (*, _ or ~); ` +
        "escape literal markers as \\*, \\_ and \\~, or split the article."
      );
  }
  return null;
}

/** Wall-clock time a render may take on a worker before it is cancelled and the worker replaced. */
export const RENDER_BUDGET_MS = 2000;

interface RenderTask {
  id: number;
  markdown: string;
}

interface PlainTask {
  id: number;
  texts: string[];
}

type Task = RenderTask | PlainTask;
type TaskResult = RenderedBody | string[];

let pool: Piscina<Task, TaskResult> | undefined;
const started = new Map<number, () => void>();
let nextTaskId = 0;

function renderPool(): Piscina<Task, TaskResult> {
  if (pool) return pool;
  // The worker sits beside this file: markdown.worker.ts from sources (npm start, vitest), .js in dist/.
  const ext = extname(__filename);
  const filename = join(__dirname, `markdown.worker${ext}`);
  const register = ["-r", "@swc-node/register"];
  const needsRegister = ext === ".ts" && !process.execArgv.join(" ").includes("@swc-node/register");
  pool = new Piscina<Task, TaskResult>({
    filename,
    name: "render",
    minThreads: 0,
    maxThreads: 2,
    idleTimeout: 60_000,
    // Otherwise inherited: an explicit copy would carry V8 flags (--max-old-space-size), which a Worker refuses.
    execArgv: needsRegister ? register : undefined,
    // A shape that allocates without bound kills its worker, not the server.
    resourceLimits: { maxOldGenerationSizeMb: 256, stackSizeMb: 4 },
  });
  pool.on("message", (m: unknown) => {
    const id = (m as { markdownStarted?: unknown } | null)?.markdownStarted;
    if (typeof id === "number") started.get(id)?.();
  });
  return pool;
}

/**
 * Render an article body off the event loop. Known pathological shapes are refused up front
 * (checkMarkdownShape); any other render that runs past its budget is cancelled (the worker is
 * replaced) and refused too, so a body can neither stall the server nor end in a 500.
 */
export async function renderBody(markdown: string, opts: { budgetMs?: number; field?: string } = {}): Promise<RenderedBody> {
  const field = opts.field ?? "bodyMarkdown";
  const budgetMs = opts.budgetMs ?? RENDER_BUDGET_MS;
  const problem = checkMarkdownShape(markdown, field);
  if (problem) throw new BadUserInputError(problem, { field });
  try {
    return (await runBudgeted("render", (id) => ({ id, markdown }), budgetMs)) as RenderedBody;
  } catch (err) {
    if (err === OVER_BUDGET)
      throw new BadUserInputError(
        `${field} took longer than ${budgetMs} ms to render and was refused; simplify its Markdown ` +
          "(shorter paragraphs, less nesting, fewer emphasis markers) or split the article.",
        { field },
      );
    if (err instanceof RangeError || (err as { name?: unknown } | null)?.name === "RangeError")
      throw new BadUserInputError(`${field} is nested too deeply to render; flatten its quotes, lists and links.`, { field });
    throw err;
  }
}

const OVER_BUDGET = Symbol("over budget");

/**
 * One task on the render workers, cancelled (its worker replaced) past `budgetMs`, which counts
 * from when a worker starts it, not while it waits in the queue; rejects with OVER_BUDGET then.
 */
async function runBudgeted(name: "render" | "plain", task: (id: number) => Task, budgetMs: number): Promise<TaskResult> {
  const id = nextTaskId++;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  started.set(id, () => {
    timer = setTimeout(() => abort.abort(), budgetMs);
  });
  try {
    return await renderPool().run(task(id), { name, signal: abort.signal });
  } catch (err) {
    throw abort.signal.aborted ? OVER_BUDGET : err;
  } finally {
    clearTimeout(timer);
    started.delete(id);
  }
}

/**
 * Inputs with up to this many characters of text are cleaned on the calling thread (about 12 ms
 * at worst: sanitize-html costs ~0.6 µs a character on a run of "<"); larger ones on the workers.
 */
export const PLAIN_INLINE_CHARS = 20_000;

/**
 * The plain text of every string in a write's input, computed before the write begins, so that
 * the largest input the validators allow (about 850k characters of markup across the relations)
 * neither holds the event loop (~0.5 s on the calling thread) nor a pooled connection. Strings
 * without "<" or "&" need no parser; the rest run on the render workers once they add up.
 * Returns a lookup that falls back to toPlainText for a string it was not given.
 */
export async function plainTexts(input: unknown, opts: { budgetMs?: number } = {}): Promise<(text: string) => string> {
  const marked = new Set<string>();
  let size = 0;
  const visit = (v: unknown, depth: number): void => {
    if (typeof v === "string") {
      // Each distinct string is cleaned once, but the size that decides where counts them all.
      if (v.includes("<") || v.includes("&")) marked.add(v);
      size += v.length;
    } else if (v && typeof v === "object" && depth < 8) {
      for (const x of Array.isArray(v) ? v : Object.values(v)) visit(x, depth + 1);
    }
  };
  visit(input, 0);
  const texts = [...marked];
  const done = new Map<string, string>();
  if (size <= PLAIN_INLINE_CHARS || texts.length === 0) {
    for (const t of texts) done.set(t, toPlainText(t));
  } else {
    const budgetMs = opts.budgetMs ?? RENDER_BUDGET_MS;
    try {
      const out = (await runBudgeted("plain", (id) => ({ id, texts }), budgetMs)) as string[];
      texts.forEach((t, i) => done.set(t, out[i]!));
    } catch (err) {
      if (err === OVER_BUDGET)
        throw new BadUserInputError(
          `The text fields of this input took longer than ${budgetMs} ms to clean of markup; send less markup.`,
        );
      throw err;
    }
  }
  return (text) => done.get(text) ?? toPlainText(text);
}

/** Stop the render workers (tests, shutdown); the next renderBody starts new ones. */
export async function closeRenderPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.destroy();
}
