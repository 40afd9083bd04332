import DataLoader from "dataloader";
import type { ArticleReadService } from "./article-read.service";

export interface CoverageKey {
  id: string;
  first?: number | null;
  after?: string | null;
}

const coverageKey = (k: CoverageKey) => `${k.id}|${k.first ?? ""}|${k.after ?? ""}`;

/** Per-request loaders: each relation kind costs one statement per request, whatever the page size. */
export function createArticleLoaders(read: ArticleReadService) {
  return {
    citations: new DataLoader((ids: readonly string[]) => read.citationsByRevision(ids)),
    actors: new DataLoader((ids: readonly string[]) => read.actorsByRevision(ids)),
    claims: new DataLoader((ids: readonly string[]) => read.claimsByRevision(ids)),
    perspectives: new DataLoader((ids: readonly string[]) => read.perspectivesByRevision(ids)),
    topics: new DataLoader((ids: readonly string[]) => read.topicsByRevision(ids)),
    corrections: new DataLoader((ids: readonly string[]) => read.correctionsByArticle(ids)),
    heldPerspectives: new DataLoader((ids: readonly string[]) => read.perspectivesHeldBy(ids)),
    actorCoverage: new DataLoader((keys: readonly CoverageKey[]) => read.coverage("actor", keys), { cacheKeyFn: coverageKey }),
    sourceCoverage: new DataLoader((keys: readonly CoverageKey[]) => read.coverage("source", keys), { cacheKeyFn: coverageKey }),
    topicCoverage: new DataLoader((keys: readonly CoverageKey[]) => read.coverage("topic", keys), { cacheKeyFn: coverageKey }),
  };
}

export type ArticleLoaders = ReturnType<typeof createArticleLoaders>;
