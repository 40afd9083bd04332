/*
 * Articles: the working copy and its editorial workflow (writes), immutable revisions, and the
 * read model. Every published read goes through the one visibility gate in published.reader.ts.
 * GraphQL: ./resolvers.ts.
 */
export { ArticleReadService } from "./article-read.service";
export { PUBLIC_ARTICLE, ArticleOrder } from "./published.reader";
export { ArticleService } from "./article.service";
export { WorkflowService } from "./workflow.service";
export { RevisionService } from "./revision.service";
export { PreviewService } from "./preview.service";
export { createArticleLoaders, type ArticleLoaders } from "./article.loaders";
export { RequestRecord } from "./request-record";
export { Article, ArticleConnection } from "./article.types";
