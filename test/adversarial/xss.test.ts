import { decodeHTML } from "entities";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddCorrectionDocument,
  CreateActorDocument,
  CreatePlaceDocument,
  CreateSourceDocument,
  CreateTopicDocument,
} from "../../src/client/generated/graphql";
import { jsonLdScript } from "../../src/modules/syndication";
import { expectOk } from "../support/expect";
import { startTestApp, type TestApp } from "../support/harness";
import { ninjsValidator } from "../support/ninjs";
import { create, ok, publishNew, request } from "./helpers";
import { setRelations } from "../support/publish";

/*
 * Row 8 of the adversarial suite (issue #6; Ghost CVE-2022-47197): script payloads written
 * through the editorial API into the body, headline, standfirst, byline, relations,
 * correction text, actor bios and aliases, source, topic and place names come out safe
 * everywhere the content is rendered: body.html in GraphQL, ninjs (GraphQL and HTTP), JSON
 * Feed and Atom, JSON-LD (embedded as-is or through jsonLdScript) and the search snippet.
 */

const PAYLOADS = [
  `<script>alert("x1")</script>`,
  `<img src=x onerror=alert("x2")>`,
  `<svg onload=alert("x3")>`,
  `<a href="javascript:alert('x4')">x4</a>`,
  `&lt;script&gt;alert("x5")&lt;/script&gt;`,
  `&#60;img src=x onerror=alert("x6")&#62;`,
  `&amp;lt;script&amp;gt;alert("x7")&amp;lt;/script&amp;gt;`,
  `&lt;/script&gt;&lt;script&gt;alert("x8")&lt;/script&gt;`,
  `</script><script>alert("x9")</script>`,
  `<iframe src="javascript:alert('x10')"></iframe>`,
  `<a href="jav&#x09;ascript:alert('x11')">x11</a>`,
  `<math><mi xlink:href="javascript:alert('x12')">x12</mi></math>`,
  `<form action="javascript:alert('x13')"><button>x13</button></form>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x14</a>`,
  `<p style="background:url(javascript:alert('x15'))">x15</p>`,
  `<!--<script>alert("x16")</script>-->`,
  `<object data="javascript:alert('x17')"></object>`,
  `<base href="javascript:alert('x18')//">`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert('x19')">`,
];
/** Markdown-only payloads: links and images with script URLs. */
const MARKDOWN_PAYLOADS = [
  `[x20](javascript:alert('x20'))`,
  `[x21](JaVaScRiPt:alert('x21'))`,
  `[x22](&#106;avascript:alert('x22'))`,
  `[x23][ref]\n\n[ref]: javascript:alert('x23')`,
  `<javascript:alert('x24')>`,
  `![x25](javascript:alert('x25'))`,
  `[x26](data:text/html;base64,PHNjcmlwdD4=)`,
];
/** One plain-text value carrying several payloads, and text that must survive. */
const plain = (label: string, i: number) =>
  `${PAYLOADS[i % PAYLOADS.length]}${label} ${PAYLOADS[(i + 4) % PAYLOADS.length]}${PAYLOADS[(i + 7) % PAYLOADS.length]}`;

let app: TestApp;
let article: { id: string; slug: string };

beforeAll(async () => {
  app = await startTestApp();
  const editor = await app.editorToken();
  const actor = await create(app, editor, CreateActorDocument, {
    slug: "xss-actor",
    name: `${PAYLOADS[0]}Ana Torres${PAYLOADS[4]}`,
    kind: "PERSON",
    description: PAYLOADS.join(" Bio "),
    aliases: [PAYLOADS[2], `${PAYLOADS[7]}Alias`, PAYLOADS[8]],
  });
  const source = await create(app, editor, CreateSourceDocument, {
    slug: "xss-source",
    name: `${PAYLOADS[1]}Wire ${PAYLOADS[7]}`,
    kind: "WIRE",
    url: "https://example.com/wire",
    description: PAYLOADS.join(" Source "),
  });
  const topic = await create(app, editor, CreateTopicDocument, {
    slug: "xss-topic",
    name: `Oil ${PAYLOADS[5]}prices${PAYLOADS[8]}`,
  });
  const place = await create(app, editor, CreatePlaceDocument, {
    slug: "xss-place",
    name: `${PAYLOADS[9]}Caracas${PAYLOADS[4]}`,
  });
  article = await publishNew(app, editor, {
    headline: `${PAYLOADS[7]}Oil < $50 as <b onclick=alert(1)>talks</b> stall ${PAYLOADS[4]}`,
    standfirst: plain("Standfirst", 1),
    byline: `<a href="javascript:alert(1)">By</a> Staff ${PAYLOADS[5]}`,
    bodyMarkdown: [
      "Quokka sanctions briefing: oil < $50 and 5 > 3 for now.",
      ...PAYLOADS,
      ...MARKDOWN_PAYLOADS,
      "[A real link](https://example.com/real) stays. Quokka again.",
    ].join("\n\n"),
    datelinePlaceId: place.id,
  });
  await setRelations(app, editor, article.id, {
    topicIds: [topic.id],
    actors: [{ actorId: actor.id, role: "SUBJECT" }],
    citations: [{ sourceId: source.id, sourcing: "NAMED", attribution: plain("Attribution", 2) }],
    claims: [{ statement: plain("Claim", 3), status: "REPORTED", sourceIds: [source.id], actorIds: [actor.id] }],
    perspectives: [
      {
        holderActorId: actor.id,
        stance: "SUPPORTS",
        summary: plain("Summary", 4),
        about: plain("About", 5),
        keyPoints: [plain("Point", 6)],
      },
      { holderLabel: plain("Critics", 7), stance: "OPPOSES", summary: plain("Summary", 8), about: plain("About", 9) },
    ],
  });
  // Relations change the working copy: publish them, then correct the published article.
  expectOk(await app.gql(`mutation($id: ID!) { publish(id: $id) { id } }`, { id: article.id }, { token: editor }));
  for (const [i, kind] of (["CORRECTION", "EDITORS_NOTE"] as const).entries())
    expectOk(
      await app.gql(
        AddCorrectionDocument,
        { articleId: article.id, kind, text: plain("Correction text", 10 + i) },
        { token: editor },
      ),
    );
});
afterAll(() => app?.close());

// ---- what safe means ----

/** Sanitised HTML: only allow-listed markup, no handlers, no script URLs, every link http(s) or mailto. */
function expectSafeHtml(html: string, where: string): void {
  const forbidden = [
    /<\s*\/?\s*(script|svg|iframe|object|embed|form|base|meta|style|math|link|frame|button|input|textarea)\b/i,
    /<[^>]*\son[a-z]+\s*=/i,
    /<[^>]*\sstyle\s*=/i,
    /<[^>]*xlink:href/i,
    /<!--/,
  ];
  for (const re of forbidden) expect(html, `${where}: ${re}`).not.toMatch(re);
  for (const m of html.matchAll(/<[^>]*\s(href|src|action|data)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    const value = decodeHTML(m[3] ?? m[4] ?? m[5] ?? "").replace(/[\s\p{Cc}]/gu, "");
    expect(value, `${where}: ${m[0]}`).toMatch(/^(https?:|mailto:)/i);
  }
}

/** Plain text: no tag of any kind (a lone "<" as in "Oil < $50" is text). */
function expectPlain(text: string, where: string): void {
  expect(text, where).not.toMatch(/<[a-zA-Z!/?]/);
}

/** Every string in a JSON value, with where it sits. */
function strings(value: unknown, path = "$"): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
  return [];
}

interface Page {
  article: {
    headline: string;
    standfirst: string;
    byline: string;
    body: { html: string; markdown: string };
    dateline: { name: string };
    corrections: { text: string }[];
    ninjs: Record<string, unknown>;
    jsonLd: Record<string, unknown>;
  };
}
const PAGE = `query($slug: String) { article(slug: $slug) {
  headline standfirst byline body { html markdown } dateline { name } corrections { text }
  citations { attribution source { name description } }
  claims { statement actors { name description aliases } }
  perspectives { summary about keyPoints holder { label actor { name description aliases } } }
  actors { actor { name description aliases } }
  topics { name description }
  ninjs jsonLd } }`;

describe("row 8 · stored XSS in content, corrections, bios and names (Ghost CVE-2022-47197)", () => {
  it("GraphQL serves sanitised body HTML and plain text everywhere else", async () => {
    const { article: a } = await ok<Page>(app, PAGE, { slug: article.slug });
    expectSafeHtml(a.body.html, "body.html");
    expect(a.body.html).toContain(`<a href="https://example.com/real"`);
    expect(a.body.html).toContain("Quokka");
    // The Markdown is returned as written (the editor's source, never rendered as is).
    expect(a.body.markdown).toContain(PAYLOADS[0]);
    const { ninjs: _n, jsonLd: _j, body: _b, ...fields } = a;
    for (const [path, text] of strings(fields)) expectPlain(text, `article${path.slice(1)}`);
    // Stripping markup does not eat text that merely contains "<".
    expect(a.headline).toContain("Oil < $50");
    expect(a.headline).toContain("talks");
    expect(a.corrections).toHaveLength(2);
  });

  it("actor bios and aliases, source, topic and place names are plain text wherever they are asked for", async () => {
    const r = await ok<{ actor: { name: string; aliases: string[] } }>(
      app,
      `{
        actor(slug: "xss-actor") { name description aliases }
        source(slug: "xss-source") { name description }
        topic(slug: "xss-topic") { name description }
        place(slug: "xss-place") { name }
        actors(search: "Ana") { edges { node { name description aliases } } }
      }`,
    );
    const all = strings(r);
    expect(all.length).toBeGreaterThan(8);
    for (const [path, text] of all) expectPlain(text, path);
    expect(r.actor.name).toContain("Ana Torres");
    expect(r.actor.aliases).toContain("Alias");
  });

  it("ninjs, in GraphQL and over HTTP, carries the sanitised body and plain text elsewhere, and still validates", async () => {
    const { article: a } = await ok<Page>(app, PAGE, { slug: article.slug });
    const http = await request(app, `/syndication/ninjs/${article.id}`);
    expect(http.status).toBe(200);
    const validate = ninjsValidator();
    for (const [label, doc] of [
      ["GraphQL", a.ninjs],
      ["HTTP", JSON.parse(http.text) as Record<string, unknown>],
    ] as const) {
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      for (const [path, text] of strings(doc)) {
        if (/^\$\.bodies\[\d+\]\.value$/.test(path)) expectSafeHtml(text, `${label} ninjs ${path}`);
        else expectPlain(text, `${label} ninjs ${path}`);
      }
      expect(JSON.stringify(doc)).toContain("Quokka");
    }
  });

  it("JSON Feed and Atom carry the sanitised body as HTML and everything else as text", async () => {
    for (const path of ["/feeds/latest", "/feeds/topics/xss-topic", "/feeds/actors/xss-actor"]) {
      const json = JSON.parse((await request(app, `${path}.json`)).text) as { title: string; items: Record<string, unknown>[] };
      const item = json.items.find((i) => String(i.id).includes(article.id));
      expect(item, path).toBeDefined();
      expectPlain(json.title, `${path}.json title`);
      for (const [p, text] of strings(item)) {
        if (p === "$.content_html") expectSafeHtml(text, `${path}.json ${p}`);
        else expectPlain(text, `${path}.json ${p}`);
      }
      const atom = (await request(app, `${path}.atom`)).text;
      expect(XMLValidator.validate(atom), path).toBe(true);
      expect(atom).not.toMatch(/<\s*(script|svg|iframe|img|a)\b/i);
      const feed = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: false }).parse(atom) as {
        feed: { title: { "#text": string }; entry: Record<string, unknown> | Record<string, unknown>[] };
      };
      expectPlain(feed.feed.title["#text"], `${path}.atom title`);
      const entries = Array.isArray(feed.feed.entry) ? feed.feed.entry : [feed.feed.entry];
      const entry = entries.find((e) => JSON.stringify(e).includes(article.id.toLowerCase()));
      expect(entry, path).toBeDefined();
      for (const [p, text] of strings(entry)) {
        if (p.startsWith("$.content")) expectSafeHtml(text, `${path}.atom ${p}`);
        else expectPlain(text, `${path}.atom ${p}`);
      }
    }
  });

  it("JSON-LD cannot break out of its script element, embedded as-is or through jsonLdScript", async () => {
    const { article: a } = await ok<Page>(app, PAGE, { slug: article.slug });
    const ld = a.jsonLd;
    for (const [path, text] of strings(ld)) expectPlain(text, `jsonLd${path.slice(1)}`);
    // As-is (JSON.stringify into <script type="application/ld+json">): nothing that ends the element or opens a comment.
    const asIs = JSON.stringify(ld);
    expect(asIs).not.toMatch(/<\/script/i);
    expect(asIs).not.toMatch(/<!--/);
    // Through jsonLdScript: every "<" is \u003c (there is one: "Oil < $50"), and the JSON reads back unchanged.
    expect(asIs).toContain("<");
    const script = jsonLdScript(ld);
    expect(script).not.toMatch(/[<>&\u2028\u2029]/);
    expect(script).toContain("\\u003c");
    expect(JSON.parse(script)).toEqual(ld);
    const page = `<html><head><script type="application/ld+json">${script}</script></head><body></body></html>`;
    expect(page.match(/<\/script/gi)).toHaveLength(1);
  });

  it("the search snippet escapes everything but its <mark> highlights", async () => {
    const r = await ok<{ articles: { edges: { snippet: string | null; node: { id: string } }[] } }>(
      app,
      `{ articles(filter: { query: "Quokka" }) { edges { snippet node { id } } } }`,
    );
    const edge = r.articles.edges.find((e) => e.node.id === article.id);
    expect(edge?.snippet, "the article is found and has a snippet").toBeTruthy();
    expect(edge!.snippet).toContain("<mark>");
    expectPlain(edge!.snippet!.replace(/<\/?mark>/g, ""), "snippet");
    expectSafeHtml(edge!.snippet!, "snippet");
  });
});
