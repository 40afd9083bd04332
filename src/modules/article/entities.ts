import {
  ArticleActor,
  ArticleContributor,
  ArticleRecord,
  ArticleRevision,
  ArticleSlug,
  Citation,
  Claim,
  ClaimActor,
  ClaimCitation,
  Correction,
  Perspective,
  RevisionMedia,
  RevisionTopic,
} from "./article.entity";
import { PreviewTokenRecord } from "./preview-token.entity";

/** Every table this module maps, for the data source (the entity classes themselves stay inside). */
export const ARTICLE_ENTITIES = [
  ArticleRecord,
  ArticleRevision,
  Citation,
  ArticleActor,
  ArticleContributor,
  Claim,
  ClaimCitation,
  ClaimActor,
  Perspective,
  RevisionMedia,
  RevisionTopic,
  Correction,
  ArticleSlug,
  PreviewTokenRecord,
];
