import type { ActorRole, ClaimStatus, ContributorRole, Genre, Language, Sourcing, Stance } from "../../shared/enums";

/**
 * The full content of one revision, as plain data: what a write edits, what a revision
 * stores (relationally), and what a diff or a restore compares. Claims point at citations
 * by index, so a snapshot is self-contained.
 */
export interface ArticleSnapshot {
  headline: string;
  standfirst: string;
  /** Derived from the contributors when there are any (deriveByline); free text only for an article without. */
  byline: string;
  /** In byline order. */
  contributors: { authorId: string; role: ContributorRole }[];
  bodyMarkdown: string;
  language: Language;
  genre: Genre;
  datelinePlaceId: string | null;
  /** Inline images are not listed: the body names them (![alt](media:<id>)), see mediaRefs. */
  leadImage: ImageUse | null;
  topicIds: string[];
  citations: {
    sourceId: string;
    attribution: string;
    sourcing: Sourcing;
    anonymityReason: string | null;
    vetting: string | null;
  }[];
  actors: { actorId: string; role: ActorRole }[];
  claims: { statement: string; status: ClaimStatus; citationIndexes: number[]; actorIds: string[] }[];
  perspectives: {
    holderActorId: string | null;
    holderLabel: string;
    stance: Stance;
    summary: string;
    keyPoints: string[];
    about: string;
  }[];
}

/** An image as one revision uses it; null alt text or caption: the asset's own. */
export interface ImageUse {
  mediaId: string;
  altText: string | null;
  caption: string | null;
}

/**
 * A snapshot's claim and perspective text as search indexes it (article_revisions.relations_text):
 * one line per statement, holder label, summary, key point and subject. The migration
 * SearchClaimsAndPerspectives builds the same text for revisions written before it.
 */
export function relationsText(s: Pick<ArticleSnapshot, "claims" | "perspectives">): string {
  return [
    ...s.claims.map((c) => c.statement),
    ...s.perspectives.flatMap((p) => [p.holderLabel, p.summary, ...p.keyPoints, p.about]),
  ]
    .filter((line) => line.length > 0)
    .join("\n");
}

const SLUG_MAX = 80;

/** URL slug from a headline: ASCII, lowercase, hyphenated. */
export function slugify(text: string): string {
  const s = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const cut = s.length > SLUG_MAX ? s.slice(0, SLUG_MAX).replace(/-[^-]*$/, "") : s;
  return cut.length >= 3 ? cut : `article-${cut || "untitled"}`;
}
