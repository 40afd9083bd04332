import { GraphQLError } from "graphql";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkMarkdownShape,
  closeRenderPool,
  countWords,
  readingTimeMinutes,
  renderBody,
  renderMarkdown,
  toPlainText,
} from "../../src/shared/markdown";

describe("article body rendering", () => {
  it("renders Markdown to HTML, plain text and a word count", () => {
    const out = renderMarkdown("## Talks in Doha\n\nThe offer was **rejected**, sources said.\n\n- oil\n- migration");
    expect(out.html).toContain("<h2>Talks in Doha</h2>");
    expect(out.html).toContain("<strong>rejected</strong>");
    expect(out.text).toBe("Talks in Doha\n\nThe offer was rejected, sources said.\n\noil\n\nmigration");
    expect(out.wordCount).toBe(11);
  });

  it.each([
    ["<script>alert(1)</script>", /<script/i],
    ['<img src="https://x.test/a.png" onerror="alert(1)">', /onerror/i],
    ["[click](javascript:alert(1))", /javascript:/i],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', /javascript:/i],
    ['<iframe src="https://evil.test"></iframe>', /<iframe/i],
    ['<p style="background:url(javascript:alert(1))">x</p>', /style=/i],
    ["<svg onload=alert(1)>", /<svg|onload/i],
    ['<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', /data:/i],
  ])("strips executable content: %s", (input, forbidden) => {
    expect(renderMarkdown(input).html).not.toMatch(forbidden);
  });

  it("keeps safe links and marks them nofollow", () => {
    const { html } = renderMarkdown("[WSJ](https://www.wsj.com/)");
    expect(html).toBe('<p><a href="https://www.wsj.com/" rel="noopener noreferrer nofollow">WSJ</a></p>');
  });

  it("decodes entities in the plain text and counts accented words", () => {
    const out = renderMarkdown("Nicolás Maduro & sus asesores: «sin cambios».");
    expect(out.text).toBe("Nicolás Maduro & sus asesores: «sin cambios».");
    expect(out.wordCount).toBe(6);
  });

  it("computes reading time from the word count", () => {
    expect(readingTimeMinutes(0)).toBe(0);
    expect(readingTimeMinutes(50)).toBe(1);
    expect(readingTimeMinutes(690)).toBe(3);
  });

  it("strips markup from plain fields", () => {
    expect(toPlainText("<b>Maduro</b> <script>x()</script>rejects &amp; waits")).toBe("Maduro rejects & waits");
    expect(countWords("")).toBe(0);
  });
});

describe("pathological Markdown (issue 10, item 5)", () => {
  afterAll(() => closeRenderPool());

  it.each([
    [
      "blockquotes 2,000 deep",
      ">".repeat(2000),
      /nests blockquotes or lists 2000 levels deep on line 1; nest them no deeper than 32/,
    ],
    ["lists 40 deep", "- ".repeat(40) + "a", /40 levels deep on line 1/],
    ["mixed containers on line 3", "a\n\n" + "> 1. ".repeat(20) + "a", /40 levels deep on line 3/],
    [
      "a 60 kB paragraph of _a",
      "_a".repeat(30_000),
      /more than 1000 emphasis markers .* paragraph starting on line 1; split the paragraph/,
    ],
    ["many paragraphs of *a_", ("*a_".repeat(300) + "\n\n").repeat(40), /more than 20,000 emphasis markers/],
  ])("refuses %s with a message saying what to change", (_label, body, message) => {
    const problem = checkMarkdownShape(body);
    expect(problem).toMatch(/^bodyMarkdown /);
    expect(problem).toMatch(message);
  });

  it.each([
    ["nesting at the limit", "> ".repeat(32) + "a"],
    ["escaped markers", "a\\_".repeat(30_000)],
    ["underscores in fenced code", "```\n" + "snake_case_name = other_name\n".repeat(2000) + "```\n"],
    ["a thousand markers split into paragraphs", ("*a* ".repeat(250) + "\n\n").repeat(8)],
  ])("accepts %s", (_label, body) => {
    expect(checkMarkdownShape(body)).toBeNull();
  });

  it("renders on a worker thread (the worker loads under vitest), refusing known shapes with BAD_USER_INPUT", async () => {
    await expect(renderBody("Talks resumed on **Tuesday**.")).resolves.toMatchObject({
      html: "<p>Talks resumed on <strong>Tuesday</strong>.</p>",
      wordCount: 4,
    });
    const refused = await renderBody(">".repeat(2000)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "bodyMarkdown" });
  });

  it("cancels a render over its budget, refuses it by name, and keeps rendering with a fresh worker", async () => {
    const long = ("A long paragraph of reporting, with *some* emphasis. ".repeat(300) + "\n\n").repeat(12);
    const refused = await renderBody(long, { budgetMs: 1 }).catch((e: unknown) => e);
    expect((refused as GraphQLError).extensions?.code).toBe("BAD_USER_INPUT");
    expect((refused as GraphQLError).message).toMatch(/^bodyMarkdown took longer than 1 ms to render and was refused; simplify/);
    const after = await renderBody(long);
    expect(after.wordCount).toBe(12 * 300 * 8);
  });
});
