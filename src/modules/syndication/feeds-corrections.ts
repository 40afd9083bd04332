import { CorrectionKind } from "../../shared/enums";
import type { PublishedCorrection } from "../article";
import { articleUrl, iso, siteUrl } from "./common";
import { xmlAttr, xmlText, type FeedOptions } from "./feeds";
import type { SyndicationSite } from "./syndication.types";

/*
 * The corrections feed across the publication: one entry per correction, clarification, update
 * or editor's note on a published article, newest first. An entry's id is the correction's
 * (urn:uuid), its link the article page, its title the kind and the article's headline.
 */

export const CORRECTION_LABEL: Record<CorrectionKind, string> = {
  [CorrectionKind.CORRECTION]: "Correction",
  [CorrectionKind.CLARIFICATION]: "Clarification",
  [CorrectionKind.UPDATE]: "Update",
  [CorrectionKind.EDITORS_NOTE]: "Editor's note",
};

const titleOf = (e: PublishedCorrection) => `${CORRECTION_LABEL[e.correction.kind]}: ${e.article.headline}`;
const entryId = (e: PublishedCorrection) => `urn:uuid:${e.correction.id.toLowerCase()}`;

export function toCorrectionsJsonFeed(
  entries: PublishedCorrection[],
  site: SyndicationSite,
  opts: FeedOptions,
): Record<string, unknown> {
  return {
    version: "https://jsonfeed.org/version/1.1",
    title: opts.title,
    home_page_url: opts.homePageUrl,
    feed_url: opts.feedUrl,
    authors: [{ name: site.publisherName, url: siteUrl(site) }],
    items: entries.map((e) => ({
      id: entryId(e),
      url: articleUrl(site, e.article),
      title: titleOf(e),
      content_text: e.correction.text,
      date_published: iso(e.correction.createdAt),
      language: e.article.language,
      tags: [CORRECTION_LABEL[e.correction.kind]],
      _newsgraph: { kind: e.correction.kind, article_id: e.article.id },
    })),
  };
}

export function toCorrectionsAtom(entries: PublishedCorrection[], site: SyndicationSite, opts: FeedOptions): string {
  const updated = entries.reduce((max, e) => Math.max(max, e.correction.createdAt.getTime()), opts.updated?.getTime() ?? 0);
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `  <id>${xmlText(opts.feedUrl)}</id>`,
    `  <title type="text">${xmlText(opts.title)}</title>`,
    `  <updated>${iso(new Date(updated))}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlAttr(opts.feedUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlAttr(opts.homePageUrl)}"/>`,
    `  <author><name>${xmlText(site.publisherName)}</name><uri>${xmlText(siteUrl(site))}</uri></author>`,
    ...entries.map((e) =>
      [
        `  <entry xml:lang="${xmlAttr(e.article.language)}">`,
        `    <id>${xmlText(entryId(e))}</id>`,
        `    <title type="text">${xmlText(titleOf(e))}</title>`,
        `    <updated>${iso(e.correction.createdAt)}</updated>`,
        `    <published>${iso(e.correction.createdAt)}</published>`,
        `    <link rel="alternate" type="text/html" href="${xmlAttr(articleUrl(site, e.article))}"/>`,
        `    <category term="${xmlAttr(e.correction.kind)}" label="${xmlAttr(CORRECTION_LABEL[e.correction.kind])}"/>`,
        `    <content type="text">${xmlText(e.correction.text)}</content>`,
        `  </entry>`,
      ].join("\n"),
    ),
    `</feed>`,
    ``,
  ].join("\n");
}
