import { XMLParser, XMLValidator } from "fast-xml-parser";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AddCorrectionDocument,
  ArticleJsonLdDocument,
  OrganizationDocument,
  UnpublishDocument,
  UpdateOrganizationDocument,
} from "../src/client/generated/graphql";
import { POLICY_FIELDS } from "../src/modules/organization";
import { DEMO } from "../src/seed/demo-story";
import { Genre, Role, Sourcing } from "../src/shared/enums";
import { expectBadInput, expectForbidden, expectNotFound, expectOk, expectUnauthenticated } from "./support/expect";
import { startTestApp, type TestApp } from "./support/harness";
import { HIDDEN, MAIN_STORY, VISIBLE } from "./support/demo";
import { publishNew } from "./support/publish";

/*
 * Trust indicators: the publication's profile, edited by admins, served as NewsMediaOrganization
 * JSON-LD and as every article's publisher; article types by genre. An edit purges cached answers.
 * The demo seed fills the profile (`seeded`); the profile tests start from an unsaved one (`app`).
 */
let app: TestApp;
let base: string;
let admin: string;

/** A clone of the seeded database, as `npm start` has it: the demo newsroom's profile. */
let seeded: TestApp;

beforeAll(async () => {
  [app, seeded] = await Promise.all([startTestApp(), startTestApp()]);
  // The profile tests below start from a database the demo did not seed: no profile saved yet
  // (before any request, so no cached answer holds the seeded one).
  await app.ds.query(`DELETE FROM organization_profile`);
  base = app.url.replace(/\/graphql$/, "");
  admin = await app.loginAs(Role.ADMIN);
});
afterAll(() => Promise.all([app?.close(), seeded?.close()]));

const POLICIES = {
  publishingPrinciples: "https://news.example/about/principles",
  correctionsPolicy: "https://news.example/about/corrections",
  unnamedSourcesPolicy: "https://news.example/about/unnamed-sources",
  verificationFactCheckingPolicy: "https://news.example/about/verification",
  ethicsPolicy: "https://news.example/about/ethics",
  diversityPolicy: "https://news.example/about/diversity",
  ownershipFundingInfo: "https://news.example/about/ownership",
  actionableFeedbackPolicy: "https://news.example/about/feedback",
};

/** An anonymous front end's GET of an article's JSON-LD (cacheable, so the response cache answers it). */
async function cachedJsonLd(slug: string) {
  const sp = new URLSearchParams({ query: print(ArticleJsonLdDocument), variables: JSON.stringify({ slug }) });
  const res = await fetch(`${app.url}?${sp.toString()}`, { headers: { "x-apollo-operation-name": "ArticleJsonLd" } });
  const body = (await res.json()) as { data: { article: { jsonLd: Record<string, unknown> } } };
  return { cache: res.headers.get("x-cache"), ld: body.data.article.jsonLd };
}

describe("the seeded demo newsroom", () => {
  const policies = Object.fromEntries(POLICY_FIELDS.map((f) => [f, DEMO.organization[f]]));

  it("fills the organisation profile: name, masthead and every trust policy as a URL", async () => {
    const org = expectOk(await seeded.gql(OrganizationDocument, {})).organization;
    expect(org).toMatchObject({ name: DEMO.organization.name, masthead: DEMO.organization.masthead, ...policies });
    expect(org.updatedAt).not.toBeNull();
    for (const f of POLICY_FIELDS) expect(new URL(org[f]!).protocol, f).toBe("https:");
  });

  it("gives the demo story's JSON-LD a publisher carrying the policies, and the story its unnamed-sources link", async () => {
    const r = expectOk(await seeded.gql(ArticleJsonLdDocument, { slug: MAIN_STORY.slug })).article!;
    expect((r.jsonLd as { publisher: unknown }).publisher).toMatchObject({
      "@type": "NewsMediaOrganization",
      name: DEMO.organization.name,
      description: DEMO.organization.masthead,
      ...policies,
    });
    expect(r.anonymousSourceCount).toBeGreaterThan(0);
    expect(r.unnamedSourcesPolicy).toBe(DEMO.organization.unnamedSourcesPolicy);
  });
});

describe("the organisation profile", () => {
  it("starts as the configured publisher, served as NewsMediaOrganization JSON-LD", async () => {
    const org = expectOk(await app.gql(OrganizationDocument, {})).organization;
    expect(org).toMatchObject({ name: app.config.publisherName, unnamedSourcesPolicy: null, updatedAt: null });
    const r = await fetch(`${base}/organization.jsonld`);
    expect(r.headers.get("content-type")).toMatch(/application\/ld\+json/);
    expect(await r.json()).toMatchObject({
      "@context": "https://schema.org",
      "@type": "NewsMediaOrganization",
      name: app.config.publisherName,
    });
  });

  it("only admins edit it: an editor is refused, an anonymous caller asked to sign in", async () => {
    const editor = await app.editorToken();
    const input = { name: "Hijacked Times" };
    expectForbidden(await app.gql(UpdateOrganizationDocument, { input }, { token: editor }), "updateOrganization");
    expectUnauthenticated(await app.gql(UpdateOrganizationDocument, { input }), "updateOrganization");
    expect(expectOk(await app.gql(OrganizationDocument, {})).organization.name).toBe(app.config.publisherName);
  });

  it("refuses links that are not absolute http(s) URLs, an unknown logo and a cleared name, with codes", async () => {
    for (const bad of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "/about/ethics", "ftp://x.example/a"]) {
      expectBadInput(
        await app.gql(UpdateOrganizationDocument, { input: { ethicsPolicy: bad } }, { token: admin }),
        "updateOrganization",
        /ethicsPolicy must be an absolute http\(s\) URL/,
        "input.ethicsPolicy",
      );
    }
    expectNotFound(
      await app.gql(
        UpdateOrganizationDocument,
        { input: { logoAssetId: "00000000-0000-4000-8000-000000000000" } },
        { token: admin },
      ),
      "updateOrganization",
    );
    expectBadInput(await app.gql(UpdateOrganizationDocument, { input: { name: null } }, { token: admin }), "updateOrganization");
    expect(expectOk(await app.gql(OrganizationDocument, {})).organization.ethicsPolicy).toBeNull();
  });

  it("an admin's edit shows at once in /organization.jsonld and as every article's publisher, purging the cache", async () => {
    const before = await cachedJsonLd(MAIN_STORY.slug);
    expect((await cachedJsonLd(MAIN_STORY.slug)).cache).toBe("HIT");
    expect(before.ld.publisher).toMatchObject({ "@type": "NewsMediaOrganization", name: app.config.publisherName });

    const saved = expectOk(
      await app.gql(
        UpdateOrganizationDocument,
        { input: { name: "Newsgraph <b>Daily</b>", masthead: "Editor: A. Pérez", ...POLICIES } },
        { token: admin },
      ),
    ).updateOrganization;
    expect(saved).toMatchObject({
      name: "Newsgraph Daily",
      masthead: "Editor: A. Pérez",
      correctionsPolicy: POLICIES.correctionsPolicy,
    });
    expect(expectOk(await app.gql(OrganizationDocument, {})).organization).toMatchObject({
      name: "Newsgraph Daily",
      ...POLICIES,
    });

    const org = (await (await fetch(`${base}/organization.jsonld`)).json()) as Record<string, unknown>;
    expect(org).toMatchObject({
      "@type": "NewsMediaOrganization",
      name: "Newsgraph Daily",
      description: "Editor: A. Pérez",
      ...POLICIES,
    });
    const after = await cachedJsonLd(MAIN_STORY.slug);
    expect(after.cache).toBe("MISS");
    expect(after.ld.publisher).toEqual({ ...org, "@context": undefined });
    // Fact-checks are authored by the same organisation.
    for (const review of (after.ld.hasPart ?? []) as { author: { name: string } }[])
      expect(review.author.name).toBe("Newsgraph Daily");

    // Leaving a field out keeps it; null clears a link.
    const cleared = expectOk(
      await app.gql(UpdateOrganizationDocument, { input: { correctionsPolicy: null } }, { token: admin }),
    ).updateOrganization;
    expect(cleared).toMatchObject({
      name: "Newsgraph Daily",
      correctionsPolicy: null,
      unnamedSourcesPolicy: POLICIES.unnamedSourcesPolicy,
    });
    expect(await (await fetch(`${base}/organization.jsonld`)).json()).not.toHaveProperty("correctionsPolicy");
  });
});

describe("article types by genre", () => {
  it("news is a NewsArticle, analysis an AnalysisNewsArticle, opinion an OpinionNewsArticle", async () => {
    const type: Record<Genre, string> = {
      [Genre.NEWS]: "NewsArticle",
      [Genre.ANALYSIS]: "AnalysisNewsArticle",
      [Genre.OPINION]: "OpinionNewsArticle",
      [Genre.BACKGROUND]: "BackgroundNewsArticle",
      [Genre.REPORTAGE]: "ReportageNewsArticle",
      [Genre.REVIEW]: "ReviewNewsArticle",
    };
    const genres = new Set(VISIBLE.map((a) => a.genre));
    expect(genres.size).toBe(3);
    for (const a of VISIBLE) {
      const ld = expectOk(await app.gql(ArticleJsonLdDocument, { slug: a.slug })).article!.jsonLd as Record<string, unknown>;
      expect(ld["@type"], a.slug).toBe(type[a.genre]);
    }
  });
});

describe("sourcing transparency", () => {
  it("each article counts its anonymous sources and links the unnamed-sources policy", async () => {
    for (const a of VISIBLE) {
      const r = expectOk(await app.gql(ArticleJsonLdDocument, { slug: a.slug })).article!;
      expect(r.anonymousSourceCount, a.slug).toBe(a.citations.filter((c) => c.sourcing === Sourcing.ANONYMOUS).length);
      // The profile test above set the policy link.
      expect(r.unnamedSourcesPolicy).toBe(POLICIES.unnamedSourcesPolicy);
    }
    expect(VISIBLE.some((a) => a.citations.some((c) => c.sourcing === Sourcing.ANONYMOUS))).toBe(true);
  });
});

describe("the corrections feed", () => {
  type JsonFeed = { items: { id: string; title: string; content_text: string; url: string }[] };
  const feed = async () => (await (await fetch(`${base}/feeds/corrections.json`)).json()) as JsonFeed;

  it("lists every correction of a published article, and none of a hidden one, in JSON Feed and Atom", async () => {
    const expected = VISIBLE.flatMap((a) => (a.corrections ?? []).map((c) => c.text)).sort();
    expect(expected.length).toBeGreaterThan(0);
    const f = await feed();
    expect(f.items.map((i) => i.content_text).sort()).toEqual(expected);
    for (const i of f.items) expect(i.id).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    const atom = await (await fetch(`${base}/feeds/corrections.atom`)).text();
    expect(XMLValidator.validate(atom)).toBe(true);
    const parsed = new XMLParser().parse(atom) as { feed: { entry: { content: string }[] } };
    expect(parsed.feed.entry.map((e) => e.content).sort()).toEqual(expected);
    for (const a of HIDDEN) for (const c of a.corrections ?? []) expect(atom).not.toContain(c.text);
  });

  it("shows a new correction first, and drops it when its article is withdrawn", async () => {
    const editor = await app.editorToken();
    const { id } = await publishNew(app, editor, { headline: "Port of La Guaira reopens" });
    const text = "An earlier version misstated the port's name.";
    expectOk(await app.gql(AddCorrectionDocument, { articleId: id, kind: "CORRECTION", text }, { token: editor }));
    const f = await feed();
    expect(f.items[0]).toMatchObject({ title: "Correction: Port of La Guaira reopens", content_text: text });
    expectOk(await app.gql(UnpublishDocument, { id, reason: "Legal review" }, { token: editor }));
    expect((await feed()).items.map((i) => i.content_text)).not.toContain(text);
  });
});
