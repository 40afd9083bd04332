export { ArticleReadService } from "./article-read.service";
export { PUBLIC_ARTICLE, ArticleOrder } from "./published.reader";
export { ArticleService } from "./article.service";
export { createArticleLoaders, type ArticleLoaders } from "./article.loaders";
export { Article, ArticleConnection } from "./article.types";
export { ArticleQueryResolver, ArticleFieldResolver, ClaimFieldResolver, ArticleMutationResolver } from "./article.resolver";
