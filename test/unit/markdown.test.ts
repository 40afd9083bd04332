import { describe, expect, it } from "vitest";
import { countWords, readingTimeMinutes, renderMarkdown, toPlainText } from "../../src/shared/markdown";

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
