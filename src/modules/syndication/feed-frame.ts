import { iso, siteUrl } from "./common";
import { xmlAttr, xmlText, type FeedOptions } from "./feeds";
import type { SyndicationSite } from "./syndication.types";

/* The frame shared by the text-only feeds (fact-checks, corrections): feed head and entry list. */

export function jsonFeedFrame(
  items: Record<string, unknown>[],
  site: SyndicationSite,
  opts: FeedOptions,
): Record<string, unknown> {
  return {
    version: "https://jsonfeed.org/version/1.1",
    title: opts.title,
    home_page_url: opts.homePageUrl,
    feed_url: opts.feedUrl,
    authors: [{ name: site.publisherName, url: siteUrl(site) }],
    items,
  };
}

/** An Atom feed of these entries (already serialised); `updated` is the newest entry's time (ms), or the options'. */
export function atomFrame(entries: string[], updated: number, site: SyndicationSite, opts: FeedOptions): string {
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `  <id>${xmlText(opts.feedUrl)}</id>`,
    `  <title type="text">${xmlText(opts.title)}</title>`,
    `  <updated>${iso(new Date(Math.max(updated, opts.updated?.getTime() ?? 0)))}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlAttr(opts.feedUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlAttr(opts.homePageUrl)}"/>`,
    `  <author><name>${xmlText(site.publisherName)}</name><uri>${xmlText(siteUrl(site))}</uri></author>`,
    ...entries,
    `</feed>`,
    ``,
  ].join("\n");
}
