export { ArticleQueryResolver, ArticleFieldResolver, ClaimFieldResolver, ArticleMutationResolver } from "./article.resolver";
export { WorkflowResolver } from "./workflow.resolver";
export { RevisionContentResolver, RevisionResolver } from "./revision.resolver";
export { PreviewResolver } from "./preview.resolver";
