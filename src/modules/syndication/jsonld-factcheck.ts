import type { ClaimReview, Claim as SchemaClaim, CreativeWork, Organization, Person } from "schema-dts";
import { Sourcing } from "../../shared/enums";
import { CLAIM_VERDICTS, RATING_SCALE, type Claim } from "../article";
import { articleUrl, firstPublished, iso } from "./common";
import type { SyndicationItem, SyndicationSite } from "./syndication.types";

/*
 * Fact-checks as schema.org ClaimReview, what Google's Fact Check Tools and other aggregators
 * read. Only a claim whose status is a verdict (../article/claim-verdict.ts says which and why)
 * becomes one; a claim only reported is not a fact-check and gets none. The nodes are typed
 * with schema-dts, so a property schema.org does not have, or a value of the wrong type,
 * fails to compile.
 */

/** Where on the article page a claim is: a stable fragment, so a review's url is the claim's own. */
export function claimUrl(site: SyndicationSite, article: SyndicationItem["article"], claim: Pick<Claim, "id">): string {
  return `${articleUrl(site, article)}#claim-${claim.id}`;
}

export interface ClaimReviewParts {
  /** The publisher (or a reference to it by @id): the author of every review. */
  publisher: Organization;
  /** The article's own nodes for an actor and a cited source, so both markups agree. */
  actorNode: (actor: Claim["actors"][number]) => Record<string, unknown>;
  citationNode: (citation: SyndicationItem["citations"][number]) => Record<string, unknown>;
}

/**
 * One ClaimReview per verdict claim. The reviewed Claim `appearance`s are the cited works it
 * rests on and its `author`s the actors it names. A claim resting on an anonymous citation
 * appears as the outlet's report with the attribution as printed: whoever was not named in
 * print is not named here either.
 */
export function claimReviews(item: SyndicationItem, site: SyndicationSite, parts: ClaimReviewParts): ClaimReview[] {
  const first = firstPublished(item.article);
  const byId = new Map(item.citations.map((c) => [c.id, c]));
  return item.claims.flatMap((claim): ClaimReview[] => {
    const verdict = CLAIM_VERDICTS[claim.status];
    if (!verdict) return [];
    const cited = claim.citationIds.map((id) => byId.get(id)).filter((c) => c !== undefined);
    const reviewed: SchemaClaim = {
      "@type": "Claim",
      // The article's actor and citation nodes (jsonld.ts) are built untyped; the test checks their shape.
      ...(cited.length ? { appearance: cited.map((c) => parts.citationNode(c) as unknown as CreativeWork) } : {}),
      ...(claim.actors.length ? { author: claim.actors.map((a) => parts.actorNode(a) as unknown as Person | Organization) } : {}),
      ...(first ? { datePublished: iso(first) } : {}),
      ...(cited.some((c) => c.sourcing === Sourcing.ANONYMOUS)
        ? { description: "Attributed to sources who were not named." }
        : {}),
    };
    return [
      {
        "@type": "ClaimReview",
        url: claimUrl(site, item.article, claim),
        claimReviewed: claim.statement,
        ...(first ? { datePublished: iso(first) } : {}),
        inLanguage: item.article.language,
        author: parts.publisher,
        reviewRating: {
          "@type": "Rating",
          ratingValue: verdict.rating,
          worstRating: RATING_SCALE.worst,
          bestRating: RATING_SCALE.best,
          alternateName: verdict.label,
        },
        itemReviewed: reviewed,
      },
    ];
  });
}
