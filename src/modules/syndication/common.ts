import { ActorKind, ActorRole, ContributorRole, Genre } from "../../shared/enums";
import type { SyndicationArticle, SyndicationSite } from "./syndication.types";

/*
 * Identifiers and vocabularies shared by the syndication formats. Everything here is pure.
 */

function origin(site: SyndicationSite): string {
  return site.baseUrl.replace(/\/+$/, "");
}

/** ARTICLE_URL_PATTERN with `{slug}` filled in. */
function onSite(site: SyndicationSite, key: string): string {
  return site.articleUrlPattern.replaceAll("{slug}", encodeURIComponent(key));
}

/**
 * The article's permanent identifier: id-based, so it survives slug changes and republication.
 * It is the page address with the id for the slug (the reference site redirects it to the page).
 */
export function articleUri(site: SyndicationSite, a: Pick<SyndicationArticle, "id">): string {
  return onSite(site, a.id);
}

/** The reader-facing page, under the current slug. */
export function articleUrl(site: SyndicationSite, a: Pick<SyndicationArticle, "canonicalSlug">): string {
  return onSite(site, a.canonicalSlug);
}

export function siteUrl(site: SyndicationSite): string {
  return `${origin(site)}/`;
}

/** RFC 3339 / ISO 8601 UTC timestamp. */
export function iso(d: Date): string {
  return d.toISOString();
}

/** When the article first went public: the first publication, else the current one. */
export function firstPublished(a: SyndicationArticle): Date | null {
  return a.firstPublishedAt ?? a.publishedAt ?? null;
}

/**
 * An absolute http(s) URL in normalised form (spaces and non-ASCII percent-encoded), or
 * undefined: stored URLs are editor input, and the formats require real URIs.
 */
export function httpUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  let u: URL;
  try {
    u = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
  // Keep the URL as stored when it only has characters a URI may contain; else the encoded form.
  const trimmed = value.trim();
  return /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/.test(trimmed) ? trimmed : u.href;
}

/** Wikidata concept URI (the linked-data identifier), e.g. http://www.wikidata.org/entity/Q717. */
export function wikidataEntityUri(id: string | null): string | undefined {
  return id && /^Q[1-9]\d*$/.test(id) ? `http://www.wikidata.org/entity/${id}` : undefined;
}

/** Wikidata page URL (what schema.org's sameAs asks for: a reference web page). */
export function wikidataPageUrl(id: string | null): string | undefined {
  return id && /^Q[1-9]\d*$/.test(id) ? `https://www.wikidata.org/wiki/${id}` : undefined;
}

/** GeoNames semantic-web URI of a feature, e.g. https://sws.geonames.org/3646738/. */
export function geonamesUri(id: string | null): string | undefined {
  return id && /^[1-9]\d*$/.test(id) ? `https://sws.geonames.org/${id}/` : undefined;
}

/** IPTC Media Topic URI from a code such as "medtop:20000587" (or the bare 8 digits). */
export function mediaTopicUri(code: string | null): string | undefined {
  const m = code ? /^(?:medtop:)?(\d{8})$/.exec(code.trim()) : null;
  return m ? `http://cv.iptc.org/newscodes/mediatopic/${m[1]}` : undefined;
}

/**
 * IPTC Genre NewsCodes, checked against the vocabulary (scheme http://cv.iptc.org/newscodes/genre/,
 * tree view https://www.iptc.org/std-dev/NewsCodes/treeview/genre-en-GB.html). Concept ids keep
 * the vocabulary's spelling: words joined by "_" with the name's own case (Archive_material,
 * Behind_the_Story, Curtain_Raiser), so "From the Scene" is From_the_Scene, not FromTheScene.
 * - Current: "the object content is about events taking place at the time of the report";
 * - Analysis: "data and conclusions drawn by a journalist who has researched the story in depth";
 * - Opinion: "an editorial comment that reflects the views of the author".
 * Pinned by test/unit/genres.test.ts.
 */
export const GENRES: Record<Genre, { name: string; uri: string; section: string }> = {
  [Genre.NEWS]: { name: "Current", uri: "http://cv.iptc.org/newscodes/genre/Current", section: "News" },
  [Genre.ANALYSIS]: { name: "Analysis", uri: "http://cv.iptc.org/newscodes/genre/Analysis", section: "Analysis" },
  [Genre.OPINION]: { name: "Opinion", uri: "http://cv.iptc.org/newscodes/genre/Opinion", section: "Opinion" },
  // Background: "scene setting and explanation for an event being reported".
  [Genre.BACKGROUND]: { name: "Background", uri: "http://cv.iptc.org/newscodes/genre/Background", section: "Background" },
  // From the Scene: "a report from the scene of an event" (IPTC has no code named Reportage).
  [Genre.REPORTAGE]: { name: "From the Scene", uri: "http://cv.iptc.org/newscodes/genre/From_the_Scene", section: "Reportage" },
  // Review: "a critical appraisal of an event, performance or work".
  [Genre.REVIEW]: { name: "Review", uri: "http://cv.iptc.org/newscodes/genre/Review", section: "Review" },
};

/** An author's page on the site: /authors/<slug> under PUBLIC_BASE_URL. */
export function authorUrl(site: SyndicationSite, slug: string): string {
  return `${origin(site)}/authors/${encodeURIComponent(slug)}`;
}

/**
 * How an actor relates to the article, as ninjs `rel` values: "about" and "mentions" as in the
 * IPTC ninjs examples; "party" and "quoted" for the two roles those examples have no word for.
 */
export const ACTOR_REL: Record<ActorRole, string> = {
  [ActorRole.SUBJECT]: "about",
  [ActorRole.PARTY]: "party",
  [ActorRole.MENTIONED]: "mentions",
  [ActorRole.QUOTED]: "quoted",
};

/** A contributor's role as ninjs `rel` on `people` (IPTC has no vocabulary for it, so plain words). */
export const CONTRIBUTOR_REL: Record<ContributorRole, string> = {
  [ContributorRole.WRITER]: "writer",
  [ContributorRole.ADDITIONAL_REPORTING]: "additional-reporting",
  [ContributorRole.PHOTOGRAPHER]: "photographer",
  [ContributorRole.EDITOR]: "editor",
  [ContributorRole.TRANSLATOR]: "translator",
};

export function isPerson(kind: ActorKind): boolean {
  return kind === ActorKind.PERSON;
}

/** Drop undefined values and empty arrays, so optional properties are absent rather than null. */
export function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out as Partial<T>;
}
