import { ARTICLES_TAG, articleTag } from "../outbox";

/**
 * What one request's answer was assembled from, filled where answers are assembled (resolvers,
 * loaders, feeds), never by the SQL readers: the articles served (partner usage counts them) and,
 * when `tags` is set (anonymous requests: theirs are the cacheable answers), the cache tags to
 * purge the answer by: `article:<id>` for each article shown, and ARTICLES_TAG when the answer
 * depends on which articles are visible at all (a list, a count, a lookup that found nothing).
 */
export class RequestRecord {
  /** Articles served. */
  items = 0;
  /** Null: not collected. */
  readonly tags: Set<string> | null;

  constructor(opts: { tags: boolean }) {
    this.tags = opts.tags ? new Set() : null;
  }

  /** These articles are in the answer. */
  served(articles: readonly { id: string }[]): void {
    this.items += articles.length;
    if (this.tags) for (const a of articles) this.tags.add(articleTag(a.id));
  }

  /** The answer depends on which articles are visible: any article event makes it stale. */
  dependsOnVisibleSet(): void {
    this.tags?.add(ARTICLES_TAG);
  }

  /** A lookup's answer: the article, or the absence of one (which any article event may change). */
  found<T extends { id: string }>(article: T | null): T | null {
    if (article) this.served([article]);
    else this.dependsOnVisibleSet();
    return article;
  }

  /** A page of a list. */
  page<P extends { nodes: readonly { id: string }[] }>(page: P): P {
    this.served(page.nodes);
    this.dependsOnVisibleSet();
    return page;
  }
}
