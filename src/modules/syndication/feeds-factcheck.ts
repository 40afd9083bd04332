import { CLAIM_VERDICTS, type PublishedClaim } from "../article";
import { articleUrl, firstPublished, iso } from "./common";
import { xmlAttr, xmlText, type FeedOptions } from "./feeds";
import { atomFrame, jsonFeedFrame } from "./feed-frame";
import { claimUrl } from "./jsonld-factcheck";
import type { SyndicationSite } from "./syndication.types";

/*
 * The fact-check feed: one entry per fact-check (a claim whose status is a verdict) in a
 * published article, newest article first. An entry's id is the claim's (urn:uuid), its link
 * the claim's place on the article page, its title the verdict and the claim, and it names
 * the rating on the 1..5 scale the JSON-LD ClaimReview uses. Entries are text only.
 */

function verdictOf(c: PublishedClaim["claim"]): { rating: number; label: string } {
  const v = CLAIM_VERDICTS[c.status];
  if (!v) throw new RangeError(`claim ${c.id} (${c.status}) is not a fact-check`);
  return v;
}

const titleOf = (e: PublishedClaim) => `${verdictOf(e.claim).label}: ${e.claim.statement}`;
const summaryOf = (e: PublishedClaim) => {
  const v = verdictOf(e.claim);
  return `Rated ${v.label} (${v.rating} on a scale of 1, false, to 5, true) in "${e.article.headline}".`;
};
const entryId = (e: PublishedClaim) => `urn:uuid:${e.claim.id.toLowerCase()}`;

export function toFactCheckJsonFeed(
  entries: PublishedClaim[],
  site: SyndicationSite,
  opts: FeedOptions,
): Record<string, unknown> {
  return jsonFeedFrame(
    entries.map((e) => {
      const first = firstPublished(e.article);
      const v = verdictOf(e.claim);
      return {
        id: entryId(e),
        url: claimUrl(site, e.article, e.claim),
        external_url: articleUrl(site, e.article),
        title: titleOf(e),
        content_text: `${e.claim.statement}\n\n${summaryOf(e)}`,
        summary: summaryOf(e),
        ...(first ? { date_published: iso(first) } : {}),
        date_modified: iso(e.article.updatedAt),
        language: e.article.language,
        tags: [v.label],
        _newsgraph: { status: e.claim.status, rating: v.rating, article_id: e.article.id },
      };
    }),
    site,
    opts,
  );
}

export function toFactCheckAtom(entries: PublishedClaim[], site: SyndicationSite, opts: FeedOptions): string {
  const updated = entries.reduce((max, e) => Math.max(max, e.article.updatedAt.getTime()), 0);
  return atomFrame(
    entries.map((e) => {
      const first = firstPublished(e.article);
      const v = verdictOf(e.claim);
      return [
        `  <entry xml:lang="${xmlAttr(e.article.language)}">`,
        `    <id>${xmlText(entryId(e))}</id>`,
        `    <title type="text">${xmlText(titleOf(e))}</title>`,
        `    <updated>${iso(e.article.updatedAt)}</updated>`,
        ...(first ? [`    <published>${iso(first)}</published>`] : []),
        `    <link rel="alternate" type="text/html" href="${xmlAttr(claimUrl(site, e.article, e.claim))}"/>`,
        `    <link rel="related" type="text/html" href="${xmlAttr(articleUrl(site, e.article))}"/>`,
        `    <category term="${xmlAttr(e.claim.status)}" label="${xmlAttr(v.label)}"/>`,
        `    <summary type="text">${xmlText(summaryOf(e))}</summary>`,
        `    <content type="text">${xmlText(e.claim.statement)}</content>`,
        `  </entry>`,
      ].join("\n");
    }),
    updated,
    site,
    opts,
  );
}
