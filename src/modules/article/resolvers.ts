/* The GraphQL face: resolver classes for the schema, and the helpers other modules' resolvers build on (staff). */
export {
  ArticleQueryResolver,
  ArticleFieldResolver,
  ClaimFieldResolver,
  ArticleMutationResolver,
  staff,
} from "./article.resolver";
export { ClaimQueryResolver } from "./claim.resolver";
export { CorrectionArgs, ReasonArgs, WorkflowResolver } from "./workflow.resolver";
export { RevisionContentResolver, RevisionResolver } from "./revision.resolver";
export { PreviewResolver } from "./preview.resolver";
export {
  ArticleRelationsInput,
  CreateArticleInput,
  UpdateArticleInput,
  type ArticleActorInput,
  type CitationInput,
  type ClaimInput,
  type PerspectiveInput,
} from "./article.inputs";
