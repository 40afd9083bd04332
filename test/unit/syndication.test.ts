import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { Actor } from "../../src/modules/actor/actor.entity";
import type { Author } from "../../src/modules/author/author.entity";
import type { Place } from "../../src/modules/place/place.entity";
import type { Source } from "../../src/modules/source/source.entity";
import {
  articleUrl,
  jsonLdScript,
  toAtom,
  toJsonFeed,
  toJsonLd,
  toNinjs,
  type SyndicationArticle,
  type SyndicationItem,
  type SyndicationSite,
} from "../../src/modules/syndication";
import { toArticleSitemap } from "../../src/modules/syndication/sitemaps";
import { ninjsValidator } from "../support/ninjs";
import { claimReviewProblems, expectClaimReview } from "../support/jsonld";
import type { Topic } from "../../src/modules/topic/topic.entity";
import { DEMO, type DemoArticle } from "../../src/seed/demo-story";
import { ActorKind, ActorRole, ClaimStatus, CorrectionKind, Genre, Language, SourceKind, Sourcing } from "../../src/shared/enums";
import { readingTimeMinutes, renderMarkdown } from "../../src/shared/markdown";

/*
 * The syndication formats, checked against the official IPTC ninjs 3.1 JSON Schema (a
 * byte-identical copy in test/fixtures, with its licence) and by parsing the Atom output.
 */

const SITE: SyndicationSite = {
  baseUrl: "https://news.example/",
  articleUrlPattern: "https://news.example/articles/{slug}",
  publisherName: "Newsgraph",
  rightsHolder: "Newsgraph Ltd",
  rightsUsageTerms: "Licensed to syndication partners under their agreement; no other reuse.",
};
const FEED = { title: "Newsgraph", feedUrl: "https://news.example/feeds/atom.xml", homePageUrl: "https://news.example/" };

// ---------------------------------------------------------------------------------------------
// The ninjs validator: the official schema, Draft 2020-12, with format checking (date-time, uri).

const validateNinjs = ninjsValidator();

function expectValidNinjs(doc: unknown): void {
  const ok = validateNinjs(doc);
  expect(validateNinjs.errors ?? [], JSON.stringify(validateNinjs.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// Syndication items built from the demo story, as the read model would present them.

const T0 = new Date("2020-01-01T00:00:00Z");
const entity = () => ({ id: randomUUID(), createdAt: T0, updatedAt: T0 });
const bySlug = <T extends { slug: string }>(rows: T[]) => new Map(rows.map((r) => [r.slug, r]));
const topics = bySlug(DEMO.topics.map((t): Topic => ({ ...entity(), ...t })));
const places = bySlug(DEMO.places.map((p): Place => ({ ...entity(), ...p })));
const sources = bySlug(DEMO.sources.map((s): Source => ({ ...entity(), ...s })));
const actors = bySlug(DEMO.actors.map((a): Actor => ({ ...entity(), ...a })));
const authors = bySlug(DEMO.authors.map((a): Author => ({ ...entity(), ...a, photoId: null, userId: null })));
const need = <T>(m: Map<string, T>, slug: string): T => {
  const v = m.get(slug);
  if (!v) throw new Error(`demo story: unknown slug ${slug}`);
  return v;
};

const HOUR = 3_600_000;
const DRAFT_EDITED = new Date("2024-08-15T09:00:00Z");

function articleFrom(d: DemoArticle): SyndicationArticle {
  const rendered = renderMarkdown(d.bodyMarkdown);
  const published = d.publishedAt ? new Date(d.publishedAt) : null;
  const corrected = (d.corrections?.length ?? 0) > 0;
  return {
    id: randomUUID(),
    slug: d.slug,
    canonicalSlug: d.slug,
    headline: d.headline,
    standfirst: d.standfirst,
    byline: d.byline,
    body: { markdown: d.bodyMarkdown, ...rendered, readingTimeMinutes: readingTimeMinutes(rendered.wordCount) },
    language: d.language,
    genre: d.genre,
    dateline: d.dateline ? need(places, d.dateline) : null,
    publishedAt: published,
    firstPublishedAt: published,
    // A correction is a visible change: it moves updatedAt and makes a new revision.
    updatedAt: published ? new Date(published.getTime() + (corrected ? 20 * HOUR : 0)) : DRAFT_EDITED,
    revisionNumber: corrected ? 2 : 1,
  };
}

function itemFrom(d: DemoArticle): SyndicationItem {
  const article = articleFrom(d);
  const citations = d.citations.map((c) => ({
    id: randomUUID(),
    source: need(sources, c.source),
    attribution: c.attribution,
    sourcing: c.sourcing,
    anonymityReason: null,
    vetting: null,
  }));
  return {
    article,
    contributors: (d.contributors ?? []).map((c) => ({ author: need(authors, c.author), role: c.role })),
    citations,
    actors: d.actors.map((r) => ({ actor: need(actors, r.actor), role: r.role })),
    claims: d.claims.map((c) => ({
      id: randomUUID(),
      statement: c.statement,
      status: c.status,
      actors: c.actors.map((x) => need(actors, x)),
      revisionId: randomUUID(),
      citationIds: c.sources.map((slug) => citations.find((x) => x.source.slug === slug)!.id),
    })),
    topics: d.topics.map((t) => need(topics, t)),
    corrections: (d.corrections ?? []).map((c) => ({
      id: randomUUID(),
      kind: c.kind,
      text: c.text,
      createdAt: article.updatedAt,
    })),
    embargoUntil: null,
    status: d.state === "unpublished" ? "canceled" : "usable",
  };
}

const ITEMS = DEMO.articles.map((d) => ({ slug: d.slug, state: d.state, item: itemFrom(d) }));
const item = (slug: string): SyndicationItem => ITEMS.find((x) => x.slug === slug)!.item;
const MAIN = "us-weighed-amnesty-for-maduro-in-exchange-for-early-exit";
const DOHA = "doha-becomes-a-quiet-venue-for-us-venezuela-contacts";
const OPINION = "an-amnesty-for-maduro-is-worth-offering-only-for-a-real-handover";
const ANALYSIS = "venezuela-oil-reserves-and-what-a-transition-could-change";
const SPANISH = "eeuu-sopeso-una-amnistia-para-maduro-a-cambio-de-su-salida";
const WITHDRAWN = "maduro-agrees-to-exit-deal-with-washington";

const tombstone = (it: SyndicationItem): SyndicationItem => ({
  ...it,
  article: { ...it.article, updatedAt: new Date(it.article.updatedAt.getTime() + 48 * HOUR) },
  status: "canceled",
});
const EMBARGO_END = new Date("2024-08-20T06:00:00Z");
const embargoed = (it: SyndicationItem): SyndicationItem => ({ ...it, embargoUntil: EMBARGO_END });

type Obj = Record<string, unknown>;
const arr = (v: unknown) => v as Obj[];

// ---------------------------------------------------------------------------------------------

describe("ninjs 3.1", () => {
  // SHA-256 of the official IPTC ninjs 3.1 schema as published (shared/standards): the
  // fixture must be byte-identical to it, wherever the tests run.
  const OFFICIAL_SHA256 = "404f578a299bf34e76e98f2de26ad9989882ebd7abf3a4d3cf3aa689b70a8744";
  it("tests against a byte-identical copy of the official schema", () => {
    const fixture = fs.readFileSync("test/fixtures/ninjs-schema_3.1.json");
    expect(createHash("sha256").update(fixture).digest("hex")).toBe(OFFICIAL_SHA256);
    expect(fs.existsSync("test/fixtures/ninjs-LICENSE")).toBe(true);
  });

  it("the validator rejects what the schema forbids, so the checks below mean something", () => {
    const good = toNinjs(item(MAIN), SITE);
    expectValidNinjs(good);
    expect(validateNinjs({ ...good, pubStatus: "live" })).toBe(false);
    expect(validateNinjs({ ...good, attribution: "x" })).toBe(false);
    expect(validateNinjs({ ...good, versionCreated: "12 August 2024" })).toBe(false);
    expect(validateNinjs({ ...good, uri: "not a uri" })).toBe(false);
    expect(validateNinjs({ ...good, infoSources: [{ name: "WSJ", sourcing: "ANONYMOUS" }] })).toBe(false);
    expect(validateNinjs({ ...good, places: [{ name: "X", geoJSON: { type: "Point", coordinates: [1] } }] })).toBe(false);
  });

  it.each(ITEMS.map((x) => [x.slug, x.state, x.item] as const))("%s (%s) validates", (_slug, _state, it) => {
    expectValidNinjs(toNinjs(it, SITE));
  });

  it.each(ITEMS.map((x) => [x.slug, x.item] as const))("tombstone of %s validates and carries no content", (_slug, it) => {
    const doc = toNinjs(tombstone(it), SITE);
    expectValidNinjs(doc);
    expect(doc.pubStatus).toBe("canceled");
    expect(Object.keys(doc).sort()).toEqual(
      ["uri", "standard", "type", "version", "versionCreated", "pubStatus", ...(doc.firstCreated ? ["firstCreated"] : [])].sort(),
    );
    expect(JSON.stringify(doc)).not.toContain(it.article.headline);
  });

  it("the withdrawn demo article goes out as a tombstone", () => {
    const doc = toNinjs(item(WITHDRAWN), SITE);
    expectValidNinjs(doc);
    expect(doc).toMatchObject({ pubStatus: "canceled", uri: `https://news.example/articles/${item(WITHDRAWN).article.id}` });
    expect(doc.headlines).toBeUndefined();
    expect(doc.bodies).toBeUndefined();
  });

  it("an embargoed item validates and says when the embargo ends; others have no embargo", () => {
    const doc = toNinjs(embargoed(item(MAIN)), SITE);
    expectValidNinjs(doc);
    expect(doc.embargoedUntil).toBe("2024-08-20T06:00:00.000Z");
    expect(doc.pubStatus).toBe("usable");
    for (const x of ITEMS) expect(toNinjs(x.item, SITE)).not.toHaveProperty("embargoedUntil");
  });

  it("maps the main story as a partner would read it", () => {
    const it = item(MAIN);
    const a = it.article;
    const doc = toNinjs(it, SITE);
    expect(doc).toMatchObject({
      uri: `https://news.example/articles/${a.id}`,
      type: "text",
      version: "1",
      pubStatus: "usable",
      language: "en",
      firstCreated: "2024-08-12T14:30:00.000Z",
      versionCreated: "2024-08-12T14:30:00.000Z",
      by: "Clara Méndez; additional reporting by Newsgraph staff",
      located: "Washington, D.C.",
      copyrightHolder: "Newsgraph Ltd",
      usageTerms: SITE.rightsUsageTerms,
      headlines: [{ role: "main", contentType: "text/plain", value: DEMO.articles[0]!.headline }],
      descriptions: [{ role: "summary", contentType: "text/plain", value: DEMO.articles[0]!.standfirst }],
      genres: [{ name: "Current", uri: "http://cv.iptc.org/newscodes/genre/Current" }],
    });
    const [body] = arr(doc.bodies);
    expect(body).toEqual({
      role: "main",
      contentType: "text/html",
      value: a.body.html,
      charCount: Array.from(a.body.text).length,
      wordCount: a.body.wordCount,
    });
    expect(body!.value).toContain("<h2>A refusal in Doha</h2>");
    expect(a.body.wordCount).toBeGreaterThan(500);

    // Citations become info sources; the attribution and sourcing are kept in `literal`.
    expect(arr(doc.infoSources)).toEqual([
      {
        name: "The Wall Street Journal",
        uri: "https://www.wsj.com",
        role: "http://cv.iptc.org/newscodes/infosourcerole/originfo",
        literal: "anonymous: citing people briefed on the negotiations who were not named",
      },
      {
        name: "US Department of Justice indictment, 2020",
        role: "http://cv.iptc.org/newscodes/infosourcerole/originfo",
        literal: "document: indictment made public by federal prosecutors in March 2020",
      },
    ]);

    // People are persons; every other actor kind (governments, groups, countries) is an organisation.
    const people = arr(doc.people);
    const orgs = arr(doc.organisations);
    // Contributors first (a desk among the organisations), then the people the story is about or mentions.
    expect(people.map((p) => p.name)).toEqual(["Clara Méndez", "Nicolás Maduro", "Donald Trump"]);
    expect(people[0]).toEqual({
      name: "Clara Méndez",
      rel: "writer",
      uri: "https://news.example/authors/clara-mendez",
      literal: "clara-mendez",
    });
    expect(orgs[0]).toMatchObject({ name: "Newsgraph staff", rel: "additional-reporting" });
    expect(people).toContainEqual({ name: "Nicolás Maduro", rel: "about", literal: "nicolas-maduro" });
    expect(people).toContainEqual({
      name: "Donald Trump",
      rel: "mentions",
      uri: "http://www.wikidata.org/entity/Q22686",
      literal: "donald-trump",
    });
    expect(orgs).toContainEqual({
      name: "United States government",
      rel: "party",
      uri: "http://www.wikidata.org/entity/Q48525",
      literal: "us-government",
    });
    expect(orgs).toContainEqual({ name: "Qatar", rel: "mentions", uri: "http://www.wikidata.org/entity/Q846", literal: "qatar" });
    expect(orgs.map((o) => o.name)).not.toContain("Nicolás Maduro");
    expect(people.length + orgs.length).toBe(it.actors.length + it.contributors!.length);

    // Topics: an IPTC Media Topic URI where the topic has a code.
    expect(arr(doc.subjects)).toContainEqual({
      name: "Narcotics charges",
      uri: "http://cv.iptc.org/newscodes/mediatopic/20000095",
      literal: "narcotics-charges",
    });
    expect(arr(doc.subjects)).toContainEqual({ name: "Political transition", literal: "political-transition" });
    expect(arr(doc.subjects)).toHaveLength(6);

    // The dateline place, with its GeoNames URI and a GeoJSON point (longitude first).
    expect(arr(doc.places)).toEqual([
      {
        name: "Washington, D.C.",
        rel: "located",
        uri: "https://sws.geonames.org/4140963/",
        literal: "washington",
        geoJSON: { type: "Point", coordinates: [-77.0364, 38.8951] },
      },
    ]);
  });

  it("splits the Doha story's actors: Maduro among people, Qatar and the US government among organisations", () => {
    const doc = toNinjs(item(DOHA), SITE);
    expect(arr(doc.people).map((p) => p.name)).toEqual(["Nicolás Maduro"]);
    expect(arr(doc.organisations).map((o) => o.name)).toEqual(
      expect.arrayContaining(["Qatar", "United States government", "Venezuela", "International mediators"]),
    );
    expect(arr(doc.organisations).find((o) => o.name === "Qatar")).toMatchObject({ rel: "about" });
    expect(doc.located).toBe("Doha");
  });

  it("uses IPTC genre URIs for analysis and opinion, and the revision number as the version", () => {
    expect(toNinjs(item(ANALYSIS), SITE).genres).toEqual([
      { name: "Analysis", uri: "http://cv.iptc.org/newscodes/genre/Analysis" },
    ]);
    const opinion = toNinjs(item(OPINION), SITE);
    expect(opinion.genres).toEqual([{ name: "Opinion", uri: "http://cv.iptc.org/newscodes/genre/Opinion" }]);
    expect(opinion.version).toBe("2");
    expect(opinion).not.toHaveProperty("located");
    expect(opinion).not.toHaveProperty("places");
    expect(toNinjs(item(SPANISH), SITE)).toMatchObject({ language: "es", by: "Redacción de Newsgraph" });
  });

  it("keeps the uri when the slug changes", () => {
    const it = item(MAIN);
    const renamed = { ...it, article: { ...it.article, slug: "new-slug", canonicalSlug: "new-slug" } };
    expect(toNinjs(renamed, SITE).uri).toBe(toNinjs(it, SITE).uri);
  });
});

// ---------------------------------------------------------------------------------------------

describe("schema.org JSON-LD", () => {
  const usable = ITEMS.filter((x) => x.item.status === "usable");

  it.each(usable.map((x) => [x.slug, x.item] as const))(
    "%s is a NewsArticle (or its genre's subtype) with a short headline",
    (_slug, it) => {
      const ld = toJsonLd(it, SITE);
      expect(ld["@context"]).toBe("https://schema.org");
      expect(ld["@type"]).toBe(
        {
          NEWS: "NewsArticle",
          ANALYSIS: "AnalysisNewsArticle",
          OPINION: "OpinionNewsArticle",
          BACKGROUND: "BackgroundNewsArticle",
          REPORTAGE: "ReportageNewsArticle",
          REVIEW: "ReviewNewsArticle",
        }[it.article.genre],
      );
      expect(Array.from(ld.headline as string).length).toBeLessThanOrEqual(110);
      expect(ld.dateModified).toBe(it.article.updatedAt.toISOString());
      expect(ld.datePublished).toBe(it.article.firstPublishedAt?.toISOString());
      expect(ld.url).toBe(`https://news.example/articles/${it.article.canonicalSlug}`);
      expect(ld.wordCount).toBe(it.article.body.wordCount);
      expect(JSON.parse(jsonLdScript(ld))).toEqual(ld);
    },
  );

  it("maps the main story: author, publisher, about with Wikidata, citations, place, keywords", () => {
    const ld = toJsonLd(item(MAIN), SITE);
    expect(ld).toMatchObject({
      "@id": `https://news.example/articles/${MAIN}`,
      headline: DEMO.articles[0]!.headline,
      description: DEMO.articles[0]!.standfirst,
      datePublished: "2024-08-12T14:30:00.000Z",
      inLanguage: "en",
      author: [
        {
          "@type": "Person",
          name: "Clara Méndez",
          url: "https://news.example/authors/clara-mendez",
          jobTitle: "Latin America correspondent",
          sameAs: ["https://newsgraph.example/people/clara-mendez"],
        },
      ],
      contributor: [{ "@type": "Organization", name: "Newsgraph staff", url: "https://news.example/authors/newsgraph-staff" }],
      publisher: { "@type": "NewsMediaOrganization", name: "Newsgraph" },
      articleSection: "News",
      keywords: ["Political transition", "Narcotics charges", "Diplomacy", "Oil", "Migration", "Elections"],
      contentLocation: {
        "@type": "Place",
        name: "Washington, D.C.",
        geo: { "@type": "GeoCoordinates", latitude: 38.8951, longitude: -77.0364 },
      },
    });
    const about = arr(ld.about);
    expect(about).toContainEqual({ "@type": "Person", name: "Nicolás Maduro" });
    expect(about).toContainEqual({
      "@type": "GovernmentOrganization",
      name: "United States government",
      sameAs: "https://www.wikidata.org/wiki/Q48525",
    });
    expect(arr(ld.mentions)).toContainEqual({ "@type": "Country", name: "Qatar", sameAs: "https://www.wikidata.org/wiki/Q846" });
    expect(arr(ld.mentions)).toContainEqual({
      "@type": "Person",
      name: "Donald Trump",
      sameAs: "https://www.wikidata.org/wiki/Q22686",
    });
    expect(arr(ld.citation)).toEqual([
      {
        "@type": "CreativeWork",
        description: "citing people briefed on the negotiations who were not named",
        publisher: { "@type": "NewsMediaOrganization", name: "The Wall Street Journal", url: "https://www.wsj.com" },
      },
      {
        "@type": "CreativeWork",
        name: "US Department of Justice indictment, 2020",
        description: "indictment made public by federal prosecutors in March 2020",
      },
    ]);
    expect(ld).not.toHaveProperty("correction");
  });

  const reviewsOf = (it: SyndicationItem) => (toJsonLd(it, SITE).hasPart ?? []) as Record<string, unknown>[];

  it("gives each verdict claim a ClaimReview and a reported or unverified claim none", () => {
    const main = item(MAIN);
    const reviews = reviewsOf(main);
    // The main story: one CONFIRMED claim; four REPORTED and one UNVERIFIED are not fact-checks.
    expect(main.claims.map((c) => c.status).sort()).toEqual([
      "CONFIRMED",
      "REPORTED",
      "REPORTED",
      "REPORTED",
      "REPORTED",
      "UNVERIFIED",
    ]);
    expect(reviews).toHaveLength(1);
    const confirmed = main.claims.find((c) => c.status === ClaimStatus.CONFIRMED)!;
    expectClaimReview(reviews[0]);
    expect(reviews[0]).toMatchObject({
      "@type": "ClaimReview",
      url: `https://news.example/articles/${MAIN}#claim-${confirmed.id}`,
      claimReviewed: confirmed.statement,
      datePublished: "2024-08-12T14:30:00.000Z",
      author: { "@type": "NewsMediaOrganization", name: "Newsgraph", url: "https://news.example/" },
      reviewRating: { "@type": "Rating", ratingValue: 5, worstRating: 1, bestRating: 5, alternateName: "Confirmed" },
      itemReviewed: {
        "@type": "Claim",
        appearance: [{ "@type": "CreativeWork", name: "US Department of Justice indictment, 2020" }],
        author: confirmed.actors.map((a): unknown => expect.objectContaining({ name: a.name })),
      },
    });
    for (const r of ITEMS.filter((x) => x.item.status === "usable").flatMap((x) => reviewsOf(x.item))) expectClaimReview(r);
  });

  it("rates DENIED 1 and DISPUTED 3 on the same scale, with the status label", () => {
    const main = item(MAIN);
    const rated = (status: ClaimStatus) =>
      reviewsOf({ ...main, claims: main.claims.map((c, i) => (i === 0 ? { ...c, status } : c)) }).find(
        (r) => r.claimReviewed === main.claims[0]!.statement,
      );
    expect(rated(ClaimStatus.DENIED)?.reviewRating).toMatchObject({ ratingValue: 1, alternateName: "Denied" });
    expect(rated(ClaimStatus.DISPUTED)?.reviewRating).toMatchObject({ ratingValue: 3, alternateName: "Disputed" });
    expect(rated(ClaimStatus.REPORTED)).toBeUndefined();
    expect(rated(ClaimStatus.UNVERIFIED)).toBeUndefined();
  });

  it("keeps an anonymously sourced claim anonymous: the outlet's report as printed, no person behind it", () => {
    const main = item(MAIN);
    // The first claim rests only on the Journal's account of unnamed people; make it a verdict.
    const claim = { ...main.claims[0]!, status: ClaimStatus.DISPUTED };
    const reviewed = reviewsOf({ ...main, claims: [claim] })[0]!.itemReviewed as Record<string, unknown>;
    expect(reviewed.description).toBe("Attributed to sources who were not named.");
    expect(reviewed.appearance).toEqual([
      {
        "@type": "CreativeWork",
        description: "citing people briefed on the negotiations who were not named",
        publisher: { "@type": "NewsMediaOrganization", name: "The Wall Street Journal", url: "https://www.wsj.com" },
      },
    ]);
    // Its authors are the actors the claim names, nobody else.
    expect((reviewed.author as { name: string }[]).map((a) => a.name).sort()).toEqual(claim.actors.map((a) => a.name).sort());
  });

  it("the structural check finds what is missing, so passing it means something", () => {
    const good = reviewsOf(item(MAIN))[0]!;
    expect(claimReviewProblems(good)).toEqual([]);
    const rating = good.reviewRating as Record<string, unknown>;
    expect(claimReviewProblems({ ...good, claimReviewed: " " })).toHaveLength(1);
    expect(claimReviewProblems({ ...good, url: "/articles/x" })).toHaveLength(1);
    expect(claimReviewProblems({ ...good, reviewRating: { ...rating, ratingValue: 6 } })).toHaveLength(1);
    expect(claimReviewProblems({ ...good, reviewRating: { ...rating, alternateName: undefined } })).toHaveLength(1);
    expect(claimReviewProblems({ ...good, itemReviewed: { "@type": "CreativeWork" } })).toHaveLength(1);
  });

  it("lists corrections as CorrectionComment entries", () => {
    const it = item(OPINION);
    const ld = toJsonLd(it, SITE);
    expect(ld.correction).toEqual([
      {
        "@type": "CorrectionComment",
        name: "Clarification",
        text: it.corrections[0]!.text,
        datePublished: it.corrections[0]!.createdAt.toISOString(),
      },
    ]);
    expect(ld.dateModified).toBe(it.corrections[0]!.createdAt.toISOString());
    expect(ld.author).toEqual([
      { "@type": "Organization", name: "Newsgraph opinion desk", url: "https://news.example/authors/newsgraph-opinion-desk" },
    ]);
    expect(toJsonLd(item(SPANISH), SITE).correction).toHaveLength(1);
  });

  it("truncates a long headline to 110 characters with an ellipsis and keeps the full one", () => {
    const long =
      "Venezuela's opposition and government negotiators agree on a timetable for talks that could decide the 2024 vote";
    expect(long.length).toBeGreaterThan(110);
    const it = item(MAIN);
    const ld = toJsonLd({ ...it, article: { ...it.article, headline: long } }, SITE);
    const headline = ld.headline as string;
    expect(headline.length).toBeLessThanOrEqual(110);
    expect(headline.endsWith("…")).toBe(true);
    expect(long.startsWith(headline.slice(0, -1))).toBe(true);
    expect(ld.alternativeHeadline).toBe(long);
  });

  it("gives a byline that is not the publisher's as a Person", () => {
    const it = item(MAIN);
    const ld = toJsonLd({ ...it, contributors: [], article: { ...it.article, byline: "Ana Pérez" } }, SITE);
    expect(ld.author).toEqual([{ "@type": "Person", name: "Ana Pérez" }]);
  });

  it("refuses to describe a withdrawn article", () => {
    expect(() => toJsonLd(item(WITHDRAWN), SITE)).toThrow(RangeError);
  });

  it("jsonLdScript cannot close the script element and parses back to the same object", () => {
    const obj = {
      headline: "</script><script>alert(1)</script>",
      nested: { text: "a < b && c > d <!-- x --> \u2028 \u2029 </SCRIPT >" },
      list: ["<", ">", "&"],
    };
    const out = jsonLdScript(obj);
    expect(out.toLowerCase()).not.toContain("</script");
    expect(out).not.toMatch(/[<>&\u2028\u2029]/);
    expect(out).toContain("\\u003c/script\\u003e");
    expect(JSON.parse(out)).toEqual(obj);
  });
});

// ---------------------------------------------------------------------------------------------

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", isArray: (name) => name === "entry" });

function parseAtom(xml: string): Obj {
  expect(XMLValidator.validate(xml)).toBe(true);
  // Every "<" opens markup the feed itself uses: escaped content cannot add any.
  const body = xml.replace(/^<\?xml [^>]*\?>\n/, "");
  const tags = Array.from(body.matchAll(/<\/?([^\s/>]+)/g), (m) => m[1]!);
  expect(tags.length).toBe(body.split("<").length - 1);
  expect(tags.filter((t) => !ATOM_TAGS.has(t))).toEqual([]);
  return (xmlParser.parse(xml) as { feed: Obj }).feed;
}
const ATOM_TAGS = new Set([
  "feed",
  "id",
  "title",
  "updated",
  "link",
  "author",
  "name",
  "uri",
  "rights",
  "entry",
  "published",
  "category",
  "summary",
  "content",
  "at:deleted-entry",
  "dcterms:available",
]);

describe("feeds", () => {
  const usable = ITEMS.filter((x) => x.item.status === "usable" && x.state !== "draft").map((x) => x.item);

  it("Atom: a well-formed feed with one entry per item, in the order given", () => {
    const xml = toAtom(usable, SITE, FEED);
    const feed = parseAtom(xml);
    const entries = feed.entry as Obj[];
    expect(entries.map((e) => e.id)).toEqual(usable.map((it) => `urn:uuid:${it.article.id}`));
    expect(entries.map((e) => (e.title as Obj)["#text"])).toEqual(usable.map((it) => it.article.headline));
    expect(entries.map((e) => e.updated)).toEqual(usable.map((it) => it.article.updatedAt.toISOString()));
    const latest = Math.max(...usable.map((it) => it.article.updatedAt.getTime()));
    expect(feed.updated).toBe(new Date(latest).toISOString());
    expect(feed.link).toEqual([
      { "@_rel": "self", "@_type": "application/atom+xml", "@_href": FEED.feedUrl },
      { "@_rel": "alternate", "@_type": "text/html", "@_href": FEED.homePageUrl },
    ]);
    const main = entries[0]!;
    expect((main.content as Obj)["#text"]).toBe(usable[0]!.article.body.html);
    expect((main.content as Obj)["@_type"]).toBe("html");
    expect(main.published).toBe("2024-08-12T14:30:00.000Z");
    expect(main.author).toEqual({ name: "Clara Méndez", uri: "https://news.example/authors/clara-mendez" });
    expect((main.category as Obj[]).map((c) => c["@_term"])).toEqual(usable[0]!.topics.map((t) => t.name));
    expect((main.link as Obj)["@_href"]).toBe(`https://news.example/articles/${MAIN}`);
  });

  it("JSON Feed 1.1: items with stable ids, sanitised HTML and the article's dates", () => {
    const feed = toJsonFeed(usable, SITE, FEED);
    expect(feed).toMatchObject({
      version: "https://jsonfeed.org/version/1.1",
      title: "Newsgraph",
      home_page_url: FEED.homePageUrl,
      feed_url: FEED.feedUrl,
    });
    const items = arr(feed.items);
    expect(items.map((i) => i.id)).toEqual(usable.map((it) => `https://news.example/articles/${it.article.id}`));
    const first = items[0]!;
    expect(first).toEqual({
      id: `https://news.example/articles/${usable[0]!.article.id}`,
      url: `https://news.example/articles/${MAIN}`,
      title: DEMO.articles[0]!.headline,
      summary: DEMO.articles[0]!.standfirst,
      content_html: usable[0]!.article.body.html,
      date_published: "2024-08-12T14:30:00.000Z",
      date_modified: "2024-08-12T14:30:00.000Z",
      language: "en",
      tags: ["Political transition", "Narcotics charges", "Diplomacy", "Oil", "Migration", "Elections"],
      authors: [{ name: "Clara Méndez", url: "https://news.example/authors/clara-mendez" }],
    });
    const opinion = items.find((i) => i.url === `https://news.example/articles/${OPINION}`)!;
    expect(opinion.date_modified).toBe(item(OPINION).article.updatedAt.toISOString());
    expect(opinion.date_modified).not.toBe(opinion.date_published);
  });

  it("ids stay the same when an article's slug changes between renders", () => {
    const it = item(MAIN);
    const renamed: SyndicationItem = {
      ...it,
      article: { ...it.article, slug: "us-amnesty-maduro", canonicalSlug: "us-amnesty-maduro" },
    };
    const before = arr(toJsonFeed([it], SITE, FEED).items)[0]!;
    const after = arr(toJsonFeed([renamed], SITE, FEED).items)[0]!;
    expect(after.id).toBe(before.id);
    expect(after.url).not.toBe(before.url);
    const atomBefore = (parseAtom(toAtom([it], SITE, FEED)).entry as Obj[])[0]!;
    const atomAfter = (parseAtom(toAtom([renamed], SITE, FEED)).entry as Obj[])[0]!;
    expect(atomAfter.id).toBe(atomBefore.id);
  });

  it("a withdrawn article is a deleted-entry in Atom and absent from JSON Feed; an embargo is marked", () => {
    const list = [item(MAIN), embargoed(item(DOHA)), item(WITHDRAWN)];
    const feed = parseAtom(toAtom(list, SITE, FEED));
    expect((feed.entry as Obj[]).map((e) => e.id)).toEqual([
      `urn:uuid:${item(MAIN).article.id}`,
      `urn:uuid:${item(DOHA).article.id}`,
    ]);
    expect(feed["at:deleted-entry"]).toEqual({
      "@_ref": `urn:uuid:${item(WITHDRAWN).article.id}`,
      "@_when": item(WITHDRAWN).article.updatedAt.toISOString(),
    });
    expect((feed.entry as Obj[])[1]!["dcterms:available"]).toBe(EMBARGO_END.toISOString());
    expect((feed.entry as Obj[])[0]!).not.toHaveProperty("dcterms:available");
    expect(JSON.stringify(feed)).not.toContain(item(WITHDRAWN).article.headline);

    const json = arr(toJsonFeed(list, SITE, FEED).items);
    expect(json.map((i) => i.id)).toEqual([item(MAIN), item(DOHA)].map((it) => `https://news.example/articles/${it.article.id}`));
    expect(json[1]!._newsgraph).toEqual({ embargoed_until: EMBARGO_END.toISOString() });
    expect(json[0]!).not.toHaveProperty("_newsgraph");
  });

  it("an empty Atom feed is still valid", () => {
    const feed = parseAtom(toAtom([], SITE, { ...FEED, updated: new Date("2024-01-02T03:04:05Z") }));
    expect(feed.updated).toBe("2024-01-02T03:04:05.000Z");
    expect(feed.entry).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------

describe("hostile text", () => {
  const evilSource: Source = {
    ...entity(),
    slug: "evil-source",
    name: "<script>alert('source')</script> & Co",
    kind: SourceKind.NEWS_OUTLET,
    url: "javascript:alert(1)",
    description: null,
  };
  const evilActor: Actor = {
    ...entity(),
    slug: "evil-actor",
    name: '<script>alert("actor")</script>',
    kind: ActorKind.PERSON,
    description: null,
    aliases: [],
    wikidataId: "Q1<script>",
  };
  const markdown = "Intro <img src=x onerror=alert(1)> and <script>alert(2)</script>.\n\n[x](javascript:alert(3))";
  const rendered = renderMarkdown(markdown);
  const evil: SyndicationItem = {
    article: {
      id: randomUUID(),
      slug: "evil",
      canonicalSlug: "evil",
      headline: "<img src=x onerror=alert(1)>",
      standfirst: "Standfirst with </script> and ]]> and \u0001control\u0008 chars\uFFFE.",
      byline: "<script>alert('byline')</script>",
      body: { markdown, ...rendered, readingTimeMinutes: 1 },
      language: Language.EN,
      genre: Genre.NEWS,
      dateline: null,
      publishedAt: new Date("2024-08-12T10:00:00Z"),
      firstPublishedAt: new Date("2024-08-12T10:00:00Z"),
      updatedAt: new Date("2024-08-12T10:00:00Z"),
      revisionNumber: 1,
    },
    citations: [
      {
        id: randomUUID(),
        source: evilSource,
        attribution: "<b>said</b>",
        sourcing: Sourcing.NAMED,
        anonymityReason: null,
        vetting: null,
      },
    ],
    actors: [{ actor: evilActor, role: ActorRole.QUOTED }],
    claims: [],
    topics: [{ ...entity(), slug: "t", name: 'Tag "<i>"', description: null, iptcCode: "medtop:bogus" }],
    corrections: [
      { id: randomUUID(), kind: CorrectionKind.UPDATE, text: "</script>", createdAt: new Date("2024-08-13T00:00:00Z") },
    ],
    embargoUntil: null,
    status: "usable",
  };

  it("the sanitised body has no executable content to begin with", () => {
    expect(rendered.html).not.toMatch(/onerror|<script|javascript:/i);
  });

  it("Atom escapes every field and stays well-formed", () => {
    const xml = toAtom([evil], SITE, FEED);
    expect(xml).not.toMatch(/<script|<img|<b>|<i>/i);
    for (const illegal of ["\u0001", "\u0008", "\uFFFE"]) expect(xml).not.toContain(illegal);
    expect(xml).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const entry = (parseAtom(xml).entry as Obj[])[0]!;
    expect((entry.title as Obj)["#text"]).toBe(evil.article.headline);
    expect((entry.author as Obj).name).toBe(evil.article.byline);
    expect((entry.summary as Obj)["#text"]).toBe("Standfirst with </script> and ]]> and control chars.");
    expect((entry.content as Obj)["#text"]).toBe(rendered.html);
    expect((entry.category as Obj)["@_term"]).toBe('Tag "<i>"');
  });

  it("JSON Feed carries the sanitised body and plain-text titles", () => {
    const [it] = arr(toJsonFeed([evil], SITE, FEED).items);
    expect(it!.content_html).toBe(rendered.html);
    expect(it!.content_html).not.toMatch(/onerror|<script/i);
    expect(it!.title).toBe("<img src=x onerror=alert(1)>");
    expect(it!.authors).toEqual([{ name: evil.article.byline }]);
  });

  it("ninjs stays valid: text stays text, unusable identifiers are dropped", () => {
    const doc = toNinjs(evil, SITE);
    expectValidNinjs(doc);
    expect(doc.headlines).toEqual([{ role: "main", contentType: "text/plain", value: evil.article.headline }]);
    expect(arr(doc.bodies)[0]!.value).toBe(rendered.html);
    expect(arr(doc.infoSources)[0]).not.toHaveProperty("uri");
    expect(arr(doc.people)[0]).toEqual({ name: evilActor.name, rel: "quoted", literal: "evil-actor" });
    expect(arr(doc.subjects)[0]).toEqual({ name: 'Tag "<i>"', literal: "t" });
  });

  it("JSON-LD in a script element cannot break out", () => {
    const ld = toJsonLd(evil, SITE);
    const out = jsonLdScript(ld);
    expect(out).not.toMatch(/[<>]/);
    expect(JSON.parse(out)).toEqual(ld);
    expect(ld.headline).toBe(evil.article.headline);
    expect(ld.author).toEqual([{ "@type": "Person", name: evil.article.byline }]);
    expect(arr(ld.citation)[0]).toEqual({
      "@type": "CreativeWork",
      description: "<b>said</b>",
      publisher: { "@type": "NewsMediaOrganization", name: evilSource.name },
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe("article sitemap files", () => {
  it("write each URL as articleUrl does, escaped, for plain slugs and for any other text a slug might hold", () => {
    const site = { ...SITE, articleUrlPattern: "https://news.example/a?s={slug}&from=sitemap#{slug}" };
    const slugs = ["doha-talks", "a&b c'd", "café/<x>"];
    const xml = toArticleSitemap(
      slugs.map((slug) => ({ slug, lastmod: "2026-12-05T07:00:00.123Z", leadPath: null })),
      site,
    );
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ isArray: (n) => n === "url" }).parse(xml) as {
      urlset: { url: { loc: string; lastmod: string }[] };
    };
    // The parser unescapes: what a crawler reads is the URL articleUrl builds.
    expect(parsed.urlset.url.map((u) => u.loc)).toEqual(slugs.map((slug) => articleUrl(site, { canonicalSlug: slug })));
    expect(parsed.urlset.url.map((u) => u.lastmod)).toEqual(slugs.map(() => "2026-12-05T07:00:00.123Z"));
  });
});
