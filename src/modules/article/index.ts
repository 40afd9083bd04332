/*
 * Articles: the working copy and its editorial workflow (writes), immutable revisions, and the
 * read model. Every published read goes through the one visibility gate in published.reader.ts.
 * GraphQL: ./resolvers.ts.
 */
export { ArticleReadService } from "./article-read.service";
export {
  PUBLIC_ARTICLE,
  ACTOR_COVERAGE_PUBLIC,
  searchCounting,
  ArticleOrder,
  type ClaimFilterArgs,
  type PublishedClaim,
  type PublishedCorrection,
} from "./published.reader";
export { markSnippetSql, searchByRelevance, searchConfigs, searchMatch, searchRank, snippetHeadline } from "./search.sql";
export { CLAIM_VERDICTS, RATING_SCALE, VERDICT_STATUSES, claimStatusLabel } from "./claim-verdict";
export { ArticleService } from "./article.service";
export { SYSTEM, WorkflowService, type WorkflowSchedule } from "./workflow.service";
export { RevisionService } from "./revision.service";
export { PreviewService } from "./preview.service";
export { createArticleLoaders, type ArticleLoaders } from "./article.loaders";
export { RequestRecord } from "./request-record";
export { SitemapReader, type NewsSitemapEntry, type SitemapEntry, type SitemapPageBounds } from "./sitemap.reader";
export {
  Article,
  ArticleActorRole,
  ArticleConnection,
  Citation,
  Claim,
  Contributor,
  Correction,
  HeldPerspective,
} from "./article.types";
export { deriveByline } from "./byline";
export { ArticleRecord } from "./article.entity";
export { BODY_NOT_READ } from "./article.view";
export { ARTICLE_ENTITIES } from "./entities";
export { REFERENCE_LINKS, type ReferenceLink } from "./reference-links.sql";
export { bodyFor, imagesFor, leadImageOf } from "./article.images";
export { MediaUse } from "./article.entity";
export type { ArticleImage } from "./article.types";
