import { CorrectionKind } from "../../shared/enums";
import type { PublishedCorrection } from "../article";
import { articleUrl, iso } from "./common";
import { xmlAttr, xmlText, type FeedOptions } from "./feeds";
import { atomFrame, jsonFeedFrame } from "./feed-frame";
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
  return jsonFeedFrame(
    entries.map((e) => ({
      id: entryId(e),
      url: articleUrl(site, e.article),
      title: titleOf(e),
      content_text: e.correction.text,
      date_published: iso(e.correction.createdAt),
      language: e.article.language,
      tags: [CORRECTION_LABEL[e.correction.kind]],
      _newsgraph: { kind: e.correction.kind, article_id: e.article.id },
    })),
    site,
    opts,
  );
}

export function toCorrectionsAtom(entries: PublishedCorrection[], site: SyndicationSite, opts: FeedOptions): string {
  const updated = entries.reduce((max, e) => Math.max(max, e.correction.createdAt.getTime()), 0);
  return atomFrame(
    entries.map((e) =>
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
    updated,
    site,
    opts,
  );
}
