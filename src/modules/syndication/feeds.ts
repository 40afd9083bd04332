import { ContributorRole } from "../../shared/enums";
import { articleUri, articleUrl, authorUrl, compact, firstPublished, iso, siteUrl } from "./common";
import type { SyndicationItem, SyndicationSite } from "./syndication.types";
import { isUuid } from "../../shared/ids";
import type { ArticleImage } from "../article";
import { altOf, captionOf } from "../media";
import { jsonFeedImage, LEAD_RENDITION, leadOf, mediaUrl, plainFile, rendition } from "./images";

/*
 * JSON Feed 1.1 and Atom (RFC 4287). Entries keep the order they are given in. Item ids are
 * id-based (never the slug), so an entry keeps its identity across slug changes and edits.
 *
 * The mappers do not filter: the caller decides which items an audience may see. An item
 * under embargo (only ever given to entitled partners) carries its embargo end: in JSON Feed
 * as the extension `_newsgraph.embargoed_until`, in Atom as Dublin Core `dcterms:available`
 * ("date that the resource will become available"). A canceled item is left out of JSON
 * Feed, which has no tombstones, and becomes an RFC 6721 `at:deleted-entry` in Atom.
 */

export interface FeedOptions {
  title: string;
  /** Where this feed is served; also the Atom feed id. */
  feedUrl: string;
  homePageUrl: string;
  /** The feed's `updated` when it has no entries (Atom requires one); default 1970-01-01. */
  updated?: Date;
}

const JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1";

export function toJsonFeed(items: SyndicationItem[], site: SyndicationSite, opts: FeedOptions): Record<string, unknown> {
  return {
    version: JSON_FEED_VERSION,
    title: opts.title,
    home_page_url: opts.homePageUrl,
    feed_url: opts.feedUrl,
    authors: [{ name: site.publisherName, url: siteUrl(site) }],
    items: items
      .filter((it) => it.status === "usable")
      .map((it) => {
        const a = it.article;
        const first = firstPublished(a);
        return compact({
          id: articleUri(site, a),
          url: articleUrl(site, a),
          title: a.headline,
          summary: a.standfirst || undefined,
          content_html: a.body.html,
          date_published: first ? iso(first) : undefined,
          date_modified: iso(a.updatedAt),
          language: a.language,
          image: jsonFeedImage(it.images, site),
          tags: it.topics.map((t) => t.name),
          authors: feedAuthors(it, site).map((x) => compact({ name: x.name, url: x.url })),
          _newsgraph: it.embargoUntil ? { embargoed_until: iso(it.embargoUntil) } : undefined,
        });
      }),
  };
}

/** An entry's authors: its writers (else every contributor) with their pages; without contributors, the byline text. */
function feedAuthors(it: SyndicationItem, site: SyndicationSite): { name: string; url?: string }[] {
  const all = it.contributors ?? [];
  const writers = all.filter((c) => c.role === ContributorRole.WRITER);
  const chosen = writers.length ? writers : all;
  if (chosen.length === 0) return [{ name: it.article.byline || site.publisherName }];
  return chosen.map((c) => ({ name: c.author.name, url: authorUrl(site, c.author.slug) }));
}

/** Characters XML 1.0 does not allow at all (controls other than tab, LF, CR; U+FFFE/FFFF; lone surrogates). */
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const XML_ENTITY: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\r": "&#xD;",
  "\n": "&#xA;",
  "\t": "&#x9;",
};

/** Escape for XML character data: markup characters escaped, illegal characters removed, CR kept as a reference. */
export function xmlText(s: string): string {
  return s.replace(XML_ILLEGAL, "").replace(/[&<>"'\r]/g, (c) => XML_ENTITY[c]!);
}

/** Escape for a double- or single-quoted XML attribute value (tabs and newlines survive normalisation). */
export function xmlAttr(s: string): string {
  return s.replace(XML_ILLEGAL, "").replace(/[&<>"'\r\n\t]/g, (c) => XML_ENTITY[c]!);
}

/** Atom entry id: a urn:uuid for a UUID article id, else the id-based article URI. */
export function atomEntryId(site: SyndicationSite, a: SyndicationItem["article"]): string {
  return isUuid(a.id) ? `urn:uuid:${a.id.toLowerCase()}` : articleUri(site, a);
}

function atomEntry(it: SyndicationItem, site: SyndicationSite): string {
  const a = it.article;
  const id = atomEntryId(site, a);
  if (it.status === "canceled") {
    return `  <at:deleted-entry ref="${xmlAttr(id)}" when="${iso(a.updatedAt)}"/>`;
  }
  const first = firstPublished(a);
  const lines = [
    `  <entry xml:lang="${xmlAttr(a.language)}">`,
    `    <id>${xmlText(id)}</id>`,
    `    <title type="text">${xmlText(a.headline)}</title>`,
    `    <updated>${iso(a.updatedAt)}</updated>`,
  ];
  if (first) lines.push(`    <published>${iso(first)}</published>`);
  if (it.embargoUntil) lines.push(`    <dcterms:available>${iso(it.embargoUntil)}</dcterms:available>`);
  lines.push(
    `    <link rel="alternate" type="text/html" href="${xmlAttr(articleUrl(site, a))}"/>`,
    ...feedAuthors(it, site).map(
      (x) => `    <author><name>${xmlText(x.name)}</name>${x.url ? `<uri>${xmlText(x.url)}</uri>` : ""}</author>`,
    ),
  );
  for (const t of it.topics) lines.push(`    <category term="${xmlAttr(t.name)}"/>`);
  if (a.standfirst) lines.push(`    <summary type="text">${xmlText(a.standfirst)}</summary>`);
  lines.push(...atomMediaContent(it.images, site));
  lines.push(`    <content type="html">${xmlText(a.body.html)}</content>`, `  </entry>`);
  return lines.join("\n");
}

export function toAtom(items: SyndicationItem[], site: SyndicationSite, opts: FeedOptions): string {
  const updated = items.reduce<Date | null>(
    (max, it) => (max === null || it.article.updatedAt.getTime() > max.getTime() ? it.article.updatedAt : max),
    null,
  );
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:media="${MEDIA_RSS_NS}">`,
    `  <id>${xmlText(opts.feedUrl)}</id>`,
    `  <title type="text">${xmlText(opts.title)}</title>`,
    `  <updated>${iso(updated ?? opts.updated ?? new Date(0))}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlAttr(opts.feedUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlAttr(opts.homePageUrl)}"/>`,
    `  <author><name>${xmlText(site.publisherName)}</name><uri>${xmlText(siteUrl(site))}</uri></author>`,
    `  <rights type="text">${xmlText(`© ${site.rightsHolder}. ${site.rightsUsageTerms}`)}</rights>`,
    ...items.map((it) => atomEntry(it, site)),
    `</feed>`,
    ``,
  ].join("\n");
}

/** Media RSS namespace, for Atom's media:content. */
const MEDIA_RSS_NS = "http://search.yahoo.com/mrss/";

/**
 * Atom lines for an entry's lead image: an RFC 4287 enclosure link (which every Atom reader
 * knows), and Media RSS `media:content` with its size, alt text and credit.
 */
function atomMediaContent(images: readonly ArticleImage[] | undefined, site: SyndicationSite): string[] {
  const lead = leadOf(images);
  const r = lead && rendition(lead, LEAD_RENDITION);
  const file = r && plainFile(r);
  if (!lead || !r || !file) return [];
  const alt = altOf(lead);
  const caption = captionOf(lead);
  const url = xmlAttr(mediaUrl(site, file.path));
  return [
    `    <link rel="enclosure" type="${xmlAttr(file.contentType)}" length="${file.bytes}" href="${url}"/>`,
    `    <media:content url="${url}" type="${xmlAttr(file.contentType)}" medium="image" ` +
      `width="${r.width}" height="${r.height}" fileSize="${file.bytes}">`,
    ...(caption ? [`      <media:title type="plain">${xmlText(caption)}</media:title>`] : []),
    ...(alt ? [`      <media:description type="plain">${xmlText(alt)}</media:description>`] : []),
    ...(lead.asset.credit ? [`      <media:credit>${xmlText(lead.asset.credit)}</media:credit>`] : []),
    ...(lead.asset.copyrightHolder
      ? [`      <media:copyright>${xmlText(`© ${lead.asset.copyrightHolder}`)}</media:copyright>`]
      : []),
    `    </media:content>`,
  ];
}
