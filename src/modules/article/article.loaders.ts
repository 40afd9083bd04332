import DataLoader from "dataloader";
import type { Page } from "../../shared/pagination";
import type { ArticleReadService } from "./article-read.service";
import type { Audience } from "../policy";
import type { CoverageKind } from "./published.reader";
import type { RelationKind, RelationOf } from "./relation.reader";
import type { RequestRecord } from "./request-record";
import type { Article, RevisionInfo } from "./article.types";

export interface CoverageKey {
  id: string;
  first?: number | null;
  after?: string | null;
}

const coverageKey = (k: CoverageKey) => `${k.id}|${k.first ?? ""}|${k.after ?? ""}`;

/** Coverage pages whose totalCount is batched too: one statement for a whole directory page. */
function coverageLoader(read: ArticleReadService, kind: CoverageKind, aud: Audience, record: RequestRecord) {
  const counts = new DataLoader(async (ids: readonly string[]) => {
    const n = await read.coverageCounts(kind, ids, aud);
    record.dependsOnVisibleSet();
    return n;
  });
  return new DataLoader(
    async (keys: readonly CoverageKey[]): Promise<Page<Article>[]> =>
      (await read.coverage(kind, keys, aud)).map((page, i) => ({
        ...record.page(page),
        count: () => counts.load(keys[i]!.id),
      })),
    { cacheKeyFn: coverageKey },
  );
}

/** Revision history pages (staff), with totalCount batched too: one statement each for a whole list. */
function revisionsLoader(read: ArticleReadService) {
  const counts = new DataLoader((ids: readonly string[]) => read.revisionCounts(ids));
  return new DataLoader(
    async (keys: readonly CoverageKey[]): Promise<(Page<RevisionInfo> | Error)[]> =>
      (await read.revisionPages(keys)).map((page, i) =>
        page instanceof Error ? page : { ...page, count: () => counts.load(keys[i]!.id) },
      ),
    // Not cached: a document may run several mutations in turn, each reading its own write's history.
    { cacheKeyFn: coverageKey, cache: false },
  );
}

interface RelationKey {
  kind: RelationKind;
  /** A revision id (an article id for corrections). */
  id: string;
}

/**
 * All relation kinds of a request in one batch: the citations, actors, claims, ... that a page's
 * fields ask for in the same tick are read in one statement (RelationReader.relations).
 */
function relationLoaders(read: ArticleReadService) {
  const all = new DataLoader(
    async (keys: readonly RelationKey[]): Promise<unknown[][]> => {
      const wanted: Record<string, string[]> = {};
      const at = keys.map((k) => (wanted[k.kind] ??= []).push(k.id) - 1);
      const found = (await read.relationsOf(wanted)) as Record<string, unknown[][]>;
      return keys.map((k, i) => found[k.kind]![at[i]!]!);
    },
    { cacheKeyFn: (k) => `${k.kind}:${k.id}` },
  );
  const of = <K extends RelationKind>(kind: K) => ({
    load: (id: string) => all.load({ kind, id }) as Promise<RelationOf[K][]>,
  });
  return {
    contributors: of("contributors"),
    citations: of("citations"),
    actors: of("actors"),
    claims: of("claims"),
    perspectives: of("perspectives"),
    topics: of("topics"),
    images: of("images"),
    corrections: of("corrections"),
  };
}

/**
 * Per-request loaders: the relations cost one statement per request, whatever the page size and kinds.
 * Those that return published articles record them in the request's record.
 */
export function createArticleLoaders(read: ArticleReadService, aud: Audience, record: RequestRecord) {
  return {
    bodies: new DataLoader((ids: readonly string[]) => read.bodiesByRevision(ids)),
    ...relationLoaders(read),
    media: new DataLoader((ids: readonly string[]) => read.mediaByIds(ids)),
    // Batched but never cached: a document may run several mutations in turn, and each must
    // read the editorial state its own write left.
    editorial: new DataLoader((ids: readonly string[]) => read.editorialInfos(ids), { cache: false }),
    revisions: revisionsLoader(read),
    // Revisions are immutable: caching their content within a request is safe.
    revisionContent: new DataLoader((ids: readonly string[]) => read.revisionViews(ids)),
    heldPerspectives: new DataLoader(async (ids: readonly string[]) => {
      const held = await read.perspectivesHeldBy(ids, aud);
      for (const list of held) record.served(list.map((h) => h.article));
      record.dependsOnVisibleSet();
      return held;
    }),
    actorCoverage: coverageLoader(read, "actor", aud, record),
    sourceCoverage: coverageLoader(read, "source", aud, record),
    topicCoverage: coverageLoader(read, "topic", aud, record),
    placeCoverage: coverageLoader(read, "place", aud, record),
    authorCoverage: coverageLoader(read, "author", aud, record),
  };
}

export type ArticleLoaders = ReturnType<typeof createArticleLoaders>;
