import { ActorKind, ActorRole, AuthorKind, ContributorRole, Genre, SourceKind } from "../../shared/enums";
import type { Actor } from "../actor";
import type { Author } from "../author";
import type { Place } from "../place";
import type { Source } from "../source";
import {
  GENRES,
  articleUrl,
  authorUrl,
  compact,
  firstPublished,
  geonamesUri,
  httpUrl,
  iso,
  siteUrl,
  wikidataPageUrl,
} from "./common";
import { jsonLdImages, portraitUrl } from "./images";
import type { SyndicationItem, SyndicationSite } from "./syndication.types";
import { claimReviews } from "./jsonld-factcheck";
import { CORRECTION_LABEL } from "./feeds-corrections";
import { defaultPublisher, organizationNode, type PublisherProfile } from "./jsonld-organization";

/*
 * schema.org NewsArticle as JSON-LD, for the article page. Values are plain text; embed the
 * result with jsonLdScript(), which makes it safe inside <script type="application/ld+json">.
 */

/** Google's recommended maximum headline length for article structured data. */
export const MAX_HEADLINE_CHARS = 110;

/** Shorten to at most `max` characters (code points), at a word boundary where one is near, adding "…". */
export function truncateText(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  let cut = chars.slice(0, max - 1).join("");
  const space = cut.search(/\s\S*$/);
  if (space > (max * 2) / 3) cut = cut.slice(0, space);
  return `${cut.replace(/[\s,;:–—-]+$/u, "")}…`;
}

/**
 * schema.org's article type for each genre (NewsArticle's subtypes, from The Trust Project's
 * work): analysis "interprets, analyses and explains" the news; opinion is "the author's
 * personal views"; straight news is NewsArticle.
 */
export const GENRE_TYPE: Record<
  Genre,
  | "NewsArticle"
  | "AnalysisNewsArticle"
  | "OpinionNewsArticle"
  | "BackgroundNewsArticle"
  | "ReportageNewsArticle"
  | "ReviewNewsArticle"
> = {
  [Genre.NEWS]: "NewsArticle",
  [Genre.ANALYSIS]: "AnalysisNewsArticle",
  [Genre.OPINION]: "OpinionNewsArticle",
  [Genre.BACKGROUND]: "BackgroundNewsArticle",
  [Genre.REPORTAGE]: "ReportageNewsArticle",
  [Genre.REVIEW]: "ReviewNewsArticle",
};

const ACTOR_TYPE: Record<ActorKind, string> = {
  [ActorKind.PERSON]: "Person",
  [ActorKind.GOVERNMENT]: "GovernmentOrganization",
  [ActorKind.ORGANISATION]: "Organization",
  [ActorKind.POLITICAL_GROUP]: "Organization",
  [ActorKind.ARMED_FORCE]: "GovernmentOrganization",
  [ActorKind.COUNTRY]: "Country",
};

const SOURCE_ORG_TYPE: Partial<Record<SourceKind, string>> = {
  [SourceKind.NEWS_OUTLET]: "NewsMediaOrganization",
  [SourceKind.WIRE]: "NewsMediaOrganization",
  [SourceKind.GOVERNMENT]: "GovernmentOrganization",
  [SourceKind.ORGANISATION]: "Organization",
};

function actorNode(actor: Actor): Record<string, unknown> {
  return compact({ "@type": ACTOR_TYPE[actor.kind], name: actor.name, sameAs: wikidataPageUrl(actor.wikidataId) });
}

/**
 * A cited source. schema.org's `citation` takes CreativeWork (or text), so a document or data
 * set is the work itself, and an outlet, agency or body is the publisher of the cited work.
 */
function citationNode(source: Source, attribution: string): Record<string, unknown> {
  const url = httpUrl(source.url);
  if (source.kind === SourceKind.DOCUMENT || source.kind === SourceKind.DATASET) {
    return compact({
      "@type": source.kind === SourceKind.DATASET ? "Dataset" : "CreativeWork",
      name: source.name,
      url,
      description: attribution || undefined,
    });
  }
  return compact({
    "@type": "CreativeWork",
    description: attribution || undefined,
    publisher: compact({ "@type": SOURCE_ORG_TYPE[source.kind] ?? "Organization", name: source.name, url }),
  });
}

function placeNode(place: Place): Record<string, unknown> {
  return compact({
    "@type": "Place",
    name: place.name,
    geo:
      place.latitude != null && place.longitude != null
        ? { "@type": "GeoCoordinates", latitude: place.latitude, longitude: place.longitude }
        : undefined,
    address: place.countryCode ? { "@type": "PostalAddress", addressCountry: place.countryCode } : undefined,
    sameAs: geonamesUri(place.geonamesId),
  });
}

/**
 * A contributor as schema.org: a Person with their page on the site, `sameAs`, job title and
 * portrait; a desk or staff author (kind ORGANIZATION) is an Organization with its page.
 */
export function contributorNode(author: Author, site: SyndicationSite): Record<string, unknown> {
  const url = authorUrl(site, author.slug);
  if (author.kind === AuthorKind.ORGANIZATION) return { "@type": "Organization", name: author.name, url };
  const sameAs = author.sameAs.map((u) => httpUrl(u)).filter((u): u is string => u !== undefined);
  return compact({
    "@type": "Person",
    name: author.name,
    url,
    sameAs,
    jobTitle: author.jobTitle ?? undefined,
    image: portraitUrl(author, site),
  });
}

/** schema.org property of each role: writers are `author`; the others have their own or are `contributor`s. */
const ROLE_PROPERTY: Record<ContributorRole, "author" | "contributor" | "editor" | "translator"> = {
  [ContributorRole.WRITER]: "author",
  [ContributorRole.ADDITIONAL_REPORTING]: "contributor",
  [ContributorRole.PHOTOGRAPHER]: "contributor",
  [ContributorRole.EDITOR]: "editor",
  [ContributorRole.TRANSLATOR]: "translator",
};

/** `author`, `contributor`, `editor` and `translator` from the contributors; without any, the byline text. */
function creditNodes(item: SyndicationItem, site: SyndicationSite): Record<string, Record<string, unknown>[]> {
  const contributors = item.contributors ?? [];
  if (contributors.length === 0) return { author: [bylineNode(item.article.byline, site)] };
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const c of contributors) {
    const key = ROLE_PROPERTY[c.role];
    const list = (out[key] ??= []);
    if (!list.some((n) => n.url === authorUrl(site, c.author.slug))) list.push(contributorNode(c.author, site));
  }
  // An article credited only to, say, a photographer still has an author: the first contributor.
  out.author ??= [contributorNode(contributors[0]!.author, site)];
  return out;
}

/**
 * An article without contributors (none recorded) keeps its byline text as author: a desk or
 * staff byline (one naming the publisher, e.g. "Newsgraph staff") is the Organization; any other a Person.
 */
function bylineNode(byline: string, site: SyndicationSite): Record<string, unknown> {
  const name = byline.trim() || site.publisherName;
  const isDesk = name.toLowerCase().includes(site.publisherName.toLowerCase());
  return isDesk ? { "@type": "Organization", name, url: siteUrl(site) } : { "@type": "Person", name };
}

/** `publisher`: the organisation profile (jsonld-organization.ts); the configured name and home page when absent. */
export function toJsonLd(
  item: SyndicationItem,
  site: SyndicationSite,
  publisherProfile: PublisherProfile = defaultPublisher(site),
): Record<string, unknown> {
  if (item.status === "canceled") {
    throw new RangeError("toJsonLd: a canceled (withdrawn) article has no NewsArticle markup");
  }
  const a = item.article;
  const url = articleUrl(site, a);
  const first = firstPublished(a);
  const genre = GENRES[a.genre];

  // Subjects and parties are what the article is about; mentioned and quoted actors are mentions.
  const about = new Map<string, Actor>();
  const mentions = new Map<string, Actor>();
  for (const r of item.actors) {
    if (r.role === ActorRole.SUBJECT || r.role === ActorRole.PARTY) about.set(r.actor.id, r.actor);
  }
  for (const r of item.actors) {
    if (!about.has(r.actor.id)) mentions.set(r.actor.id, r.actor);
  }

  const place = a.dateline ? placeNode(a.dateline) : undefined;
  const publisher = organizationNode(publisherProfile, site);
  return compact({
    "@context": "https://schema.org",
    "@type": GENRE_TYPE[a.genre],
    "@id": url,
    url,
    mainEntityOfPage: { "@type": "WebPage", "@id": url },
    headline: truncateText(a.headline, MAX_HEADLINE_CHARS),
    alternativeHeadline: Array.from(a.headline).length > MAX_HEADLINE_CHARS ? a.headline : undefined,
    description: a.standfirst || undefined,
    datePublished: first ? iso(first) : undefined,
    dateModified: iso(a.updatedAt),
    inLanguage: a.language,
    ...creditNodes(item, site),
    publisher,
    copyrightHolder: { "@type": "Organization", name: site.rightsHolder },
    copyrightYear: first ? first.getUTCFullYear() : undefined,
    articleSection: genre.section,
    genre: genre.uri,
    keywords: item.topics.map((t) => t.name),
    about: [...about.values()].map(actorNode),
    mentions: [...mentions.values()].map(actorNode),
    citation: item.citations.map((c) => citationNode(c.source, c.attribution)),
    locationCreated: place,
    contentLocation: place,
    wordCount: a.body.wordCount,
    image: jsonLdImages(item.images, site),
    // Fact-checks: a ClaimReview for each claim whose status is a verdict (jsonld-factcheck.ts).
    hasPart: claimReviews(item, site, {
      publisher,
      actorNode,
      citationNode: (c) => citationNode(c.source, c.attribution),
    }),
    correction: item.corrections.map((c) => ({
      "@type": "CorrectionComment",
      name: CORRECTION_LABEL[c.kind],
      text: c.text,
      datePublished: iso(c.createdAt),
    })),
  });
}

const SCRIPT_UNSAFE: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * JSON text to place inside <script type="application/ld+json">: <, >, & and the line
 * separators U+2028/U+2029 become \u escapes, so the text cannot close the element (no
 * "</script"), open a comment or break a JS parser; JSON.parse reads it back unchanged.
 */
export function jsonLdScript(obj: unknown): string {
  const json = JSON.stringify(obj);
  if (json === undefined) throw new TypeError("jsonLdScript: value is not JSON-serialisable");
  return json.replace(/[<>&\u2028\u2029]/g, (c) => SCRIPT_UNSAFE[c]!);
}
