import { expect } from "vitest";

/*
 * A run-time structural check of schema.org ClaimReview markup: the properties Google's Fact
 * Check Tools require or recommend (claimReviewed, reviewRating with its scale and label, url,
 * author, itemReviewed as a Claim), each of the type schema.org gives it. The nodes are typed
 * with schema-dts at compile time; this catches what types cannot (empty text, a rating off
 * its scale, a relative URL).
 */

type Node = Record<string, unknown>;

const isHttpUrl = (v: unknown): boolean => typeof v === "string" && /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v);
const nonEmpty = (v: unknown): boolean => typeof v === "string" && v.trim().length > 0;

/** Every problem with one ClaimReview node, as "path: what is wrong" (empty when it is sound). */
export function claimReviewProblems(review: Node): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  need(review["@type"] === "ClaimReview", `@type: expected ClaimReview, got ${String(review["@type"])}`);
  need(nonEmpty(review.claimReviewed), "claimReviewed: the claim's text is required");
  need(isHttpUrl(review.url), "url: an absolute http(s) URL of the review is required");
  if (review.datePublished !== undefined)
    need(
      typeof review.datePublished === "string" && !Number.isNaN(Date.parse(review.datePublished)),
      "datePublished: not a date",
    );
  const rating = review.reviewRating as Node | undefined;
  need(rating?.["@type"] === "Rating", "reviewRating: a Rating is required");
  if (rating) {
    const [value, worst, best] = [rating.ratingValue, rating.worstRating, rating.bestRating];
    need(typeof worst === "number" && typeof best === "number" && worst < best, "reviewRating: worstRating < bestRating");
    need(
      typeof value === "number" && typeof worst === "number" && typeof best === "number" && value >= worst && value <= best,
      "reviewRating.ratingValue: on the scale",
    );
    need(nonEmpty(rating.alternateName), "reviewRating.alternateName: the verdict's label is required");
  }
  const author = review.author as Node | undefined;
  need(nonEmpty(author?.["@type"]) && nonEmpty(author?.name), "author: the reviewing organisation, with a name");
  const claim = review.itemReviewed as Node | undefined;
  need(claim?.["@type"] === "Claim", "itemReviewed: a Claim is required");
  for (const [key, list] of [
    ["appearance", claim?.appearance],
    ["author", claim?.author],
  ] as const) {
    if (list === undefined) continue;
    need(Array.isArray(list), `itemReviewed.${key}: a list`);
    for (const n of (list as Node[]) ?? []) need(nonEmpty(n?.["@type"]), `itemReviewed.${key}: each node has a @type`);
  }
  return problems;
}

export function expectClaimReview(review: unknown): void {
  expect(claimReviewProblems(review as Node)).toEqual([]);
}
