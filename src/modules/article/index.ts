export { ArticleReadService, PUBLIC_ARTICLE, ArticleOrder } from "./article-read.service";
export { ArticleService } from "./article.service";
export { createArticleLoaders, type ArticleLoaders } from "./article.loaders";
export { Article, ArticleConnection } from "./article.types";
export { ArticleQueryResolver, ArticleFieldResolver, ClaimFieldResolver, ArticleMutationResolver } from "./article.resolver";
