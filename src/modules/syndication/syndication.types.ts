import type { Article, ArticleActorRole, ArticleImage, Citation, Claim, Contributor, Correction } from "../article";
import type { Topic } from "../topic";

/**
 * The fields of the article view the syndication formats read. Any `Article` fits; naming them
 * keeps these mappers independent of read-model fields they do not use.
 */
export type SyndicationArticle = Pick<
  Article,
  | "id"
  | "slug"
  | "canonicalSlug"
  | "headline"
  | "standfirst"
  | "byline"
  | "body"
  | "language"
  | "genre"
  | "dateline"
  | "publishedAt"
  | "firstPublishedAt"
  | "updatedAt"
  | "revisionNumber"
>;

/** One article as it goes out to partners and feed readers. */
export interface SyndicationItem {
  article: SyndicationArticle;
  /** Who made it, in byline order (JSON-LD author/contributor, ninjs people, feed authors); absent: the byline text only. */
  contributors?: Contributor[];
  citations: Citation[];
  actors: ArticleActorRole[];
  /** The claims of the revision; those whose status is a verdict go out as fact-checks. */
  claims: Claim[];
  topics: Topic[];
  corrections: Correction[];
  /** The images this audience may have (lead first, then the body's), and the body without the others' figures. */
  images?: ArticleImage[];
  /** Set while the item is under embargo (partners entitled to embargoed content only). */
  embargoUntil: Date | null;
  /** "canceled": the article was withdrawn; formats that can say so emit a tombstone. */
  status: "usable" | "canceled";
}

/** Publisher-wide settings (from config). */
export interface SyndicationSite {
  /** Public origin of the site, e.g. "https://news.example"; a trailing slash is ignored. */
  baseUrl: string;
  /** An article's page, `{slug}` to fill in (ARTICLE_URL_PATTERN), e.g. "https://news.example/articles/{slug}". */
  articleUrlPattern: string;
  publisherName: string;
  rightsHolder: string;
  rightsUsageTerms: string;
}
