import { Genre } from "../../shared/enums";
import { decodeCursor, encodeCursor } from "../../shared/pagination";
import type { NewsSitemapEntry, SitemapEntry, SitemapPageBounds, SitemapReader } from "../article";
import { iso, siteUrl } from "./common";
import { xmlText } from "./feeds";
import { mediaUrl } from "./images";
import type { SyndicationSite } from "./syndication.types";

/*
 * Sitemaps for search engines (sitemaps.org 0.9, with Google's news and image extensions):
 *   /sitemap.xml                    the index: every article file, and the news sitemap;
 *   /sitemaps/articles-<from>.xml   one file: at most 50,000 public articles from a keyset
 *                                   position, oldest first, lastmod the last published change;
 *   /news-sitemap.xml               articles first published in the last 48 hours, newest first, at most 1,000.
 * Each <url> carries the lead image (image:image) when the article has one. Image sitemaps are
 * for search engines, not partners: a reader of the page sees every image, a restriction from
 * syndication (noSyndication) included, so the sitemap lists what the page shows.
 * XSDs: schema/xsd/ (tests validate every output with xmllint).
 */

/** sitemaps.org: "no more than 50,000 URLs". */
export const MAX_SITEMAP_URLS = 50_000;
/** Google News: "up to 1,000 news:news tags", for articles "published in the last two days". */
export const NEWS_SITEMAP_URLS = 1_000;
export const NEWS_SITEMAP_HOURS = 48;

const SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9";
const IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1";
const CURSOR_KIND = "sitemap";

const XML_DECL = `<?xml version="1.0" encoding="UTF-8"?>`;

/** The path of an article file, from its first article's keyset position. */
export function sitemapPagePath(b: Pick<SitemapPageBounds, "fromMicros" | "fromId">): string {
  return `/sitemaps/articles-${encodeCursor(CURSOR_KIND, [b.fromMicros, b.fromId])}.xml`;
}

/** The keyset position a page path names, or null when it is not one of ours. */
export function sitemapPageFrom(token: string): { fromMicros: string; fromId: string } | null {
  try {
    const [fromMicros, fromId] = decodeCursor<[string, string]>(CURSOR_KIND, token, ["micros", "uuid"]);
    return { fromMicros, fromId };
  } catch {
    return null;
  }
}

/**
 * news:language: "an ISO 639 language code (2 or 3 letters)", zh-cn / zh-tw for Chinese (the
 * XSD's pattern); anything else is cut to its primary subtag.
 */
export function newsLanguage(tag: string): string {
  const t = tag.toLowerCase();
  if (t === "zh-cn" || t === "zh-tw") return t;
  return t.split("-")[0]!;
}

/** news:genres from our genre: Google's list knows "Opinion"; news and analysis have no genre there. */
const NEWS_GENRES: Partial<Record<Genre, string>> = { [Genre.OPINION]: "Opinion" };

const origin = (site: SyndicationSite) => siteUrl(site).replace(/\/$/, "");

/** The lead image's image:image line, without its newline. */
const imageLine = (site: SyndicationSite, leadPath: string) =>
  `    <image:image><image:loc>${xmlText(mediaUrl(site, leadPath))}</image:loc></image:image>`;

/** Slugs as the API makes them (SLUG_PATTERN): encodeURIComponent and XML escaping leave them as they are. */
const PLAIN_SLUG = /^[a-z0-9-]+$/;

/**
 * articleUrl (common.ts), XML-escaped, for many slugs: the pattern is escaped once, each slug alone (the two
 * commute: escaping works character by character and {slug} is plain ASCII).
 */
function locsFor(site: SyndicationSite): (slug: string) => string {
  const parts = xmlText(site.articleUrlPattern).split("{slug}");
  return (slug) => parts.join(PLAIN_SLUG.test(slug) ? slug : xmlText(encodeURIComponent(slug)));
}

export function toSitemapIndex(pages: SitemapPageBounds[], site: SyndicationSite): string {
  const base = origin(site);
  const entry = (path: string, lastmod: Date | null) =>
    `  <sitemap><loc>${xmlText(`${base}${path}`)}</loc>${lastmod ? `<lastmod>${iso(lastmod)}</lastmod>` : ""}</sitemap>`;
  return [
    XML_DECL,
    `<sitemapindex xmlns="${SITEMAP_NS}">`,
    ...pages.map((p) => entry(sitemapPagePath(p), p.lastmod)),
    // Always listed, so the index is never empty (the XSD requires one <sitemap>); no lastmod: it
    // changes as articles leave the 48-hour window too.
    entry("/news-sitemap.xml", null),
    `</sitemapindex>`,
    ``,
  ].join("\n");
}

/**
 * One article file, appended entry by entry into one string (V8 joins the pieces without copying
 * them), with no per-entry arrays: at 50,000 entries the file is the only large allocation.
 */
export function toArticleSitemap(entries: readonly SitemapEntry[], site: SyndicationSite): string {
  const loc = locsFor(site);
  let xml = `${XML_DECL}\n<urlset xmlns="${SITEMAP_NS}" xmlns:image="${IMAGE_NS}">\n`;
  for (const e of entries) {
    xml += `  <url>\n    <loc>${loc(e.slug)}</loc>\n    <lastmod>${e.lastmod}</lastmod>\n`;
    if (e.leadPath) xml += `${imageLine(site, e.leadPath)}\n`;
    xml += `  </url>\n`;
  }
  // A file whose articles are all under embargo right now: the home page alone keeps it valid (the XSD wants a <url>).
  if (entries.length === 0) xml += `  <url><loc>${xmlText(siteUrl(site))}</loc></url>\n`;
  return `${xml}</urlset>\n`;
}

/**
 * The Google News sitemap. With no article in the window it lists the home page alone (a plain
 * <url>, no news:news): the sitemaps.org XSD requires at least one <url> in a urlset.
 */
export function toNewsSitemap(entries: NewsSitemapEntry[], publicationName: string, site: SyndicationSite): string {
  const loc = locsFor(site);
  const urls = entries.map((e) => {
    const genre = NEWS_GENRES[e.genre];
    return [
      `  <url>`,
      `    <loc>${loc(e.slug)}</loc>`,
      `    <news:news>`,
      `      <news:publication>`,
      `        <news:name>${xmlText(publicationName)}</news:name>`,
      `        <news:language>${xmlText(newsLanguage(e.language))}</news:language>`,
      `      </news:publication>`,
      ...(genre ? [`      <news:genres>${genre}</news:genres>`] : []),
      `      <news:publication_date>${iso(e.firstPublishedAt)}</news:publication_date>`,
      `      <news:title>${xmlText(e.headline)}</news:title>`,
      `    </news:news>`,
      ...(e.leadPath ? [imageLine(site, e.leadPath)] : []),
      `  </url>`,
    ].join("\n");
  });
  if (urls.length === 0) urls.push(`  <url><loc>${xmlText(siteUrl(site))}</loc></url>`);
  return [
    XML_DECL,
    `<urlset xmlns="${SITEMAP_NS}" xmlns:news="${NEWS_NS}" xmlns:image="${IMAGE_NS}">`,
    ...urls,
    `</urlset>`,
    ``,
  ].join("\n");
}

/** The three sitemap outputs over the public read model; null where nothing answers to the path. */
export class SitemapService {
  constructor(
    private readonly reader: SitemapReader,
    readonly site: SyndicationSite,
    /** The publication's name as Google News shows it: the organisation profile's. */
    private readonly publicationName: () => Promise<string>,
    /** URLs per article file (at most MAX_SITEMAP_URLS). */
    readonly urlsPerFile = MAX_SITEMAP_URLS,
  ) {
    if (!Number.isInteger(urlsPerFile) || urlsPerFile < 1 || urlsPerFile > MAX_SITEMAP_URLS)
      throw new Error(`urlsPerFile must be between 1 and ${MAX_SITEMAP_URLS}`);
  }

  /** The file size applied to the database's sitemap_files once per process (a rebuild only when it differs). */
  private configured: Promise<unknown> | null = null;
  private configure(): Promise<unknown> {
    this.configured ??= this.reader.configure(this.urlsPerFile).catch((err: unknown) => {
      this.configured = null;
      throw err;
    });
    return this.configured;
  }

  async index(): Promise<string> {
    await this.configure();
    return toSitemapIndex(await this.reader.pages(), this.site);
  }

  /** The article file starting at the position `token` names; null for a token not ours or not a file's start. */
  async page(token: string): Promise<string | null> {
    const from = sitemapPageFrom(token);
    if (!from) return null;
    await this.configure();
    const entries = await this.reader.page(from.fromMicros, from.fromId, this.urlsPerFile);
    return entries ? toArticleSitemap(entries, this.site) : null;
  }

  async news(): Promise<string> {
    const [entries, name] = await Promise.all([
      this.reader.recent(NEWS_SITEMAP_HOURS, NEWS_SITEMAP_URLS),
      this.publicationName(),
    ]);
    return toNewsSitemap(entries, name, this.site);
  }
}
