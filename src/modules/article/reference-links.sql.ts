import type { EntityManager } from "typeorm";
import { ReferenceType } from "../../shared/enums";

/*
 * How a revision cites reference entries (actors, sources, topics, places, media assets): these are the
 * article's own tables, so the article module holds them; the reference module reads them to
 * decide which entries are visible and which published articles an edit reaches.
 */

/** How a revision cites an entry: the table (alias l), its revision column and its entry column. */
export interface ReferenceLink {
  from: string;
  revision: string;
  entry: string;
}

export const REFERENCE_LINKS: Record<ReferenceType, readonly ReferenceLink[]> = {
  [ReferenceType.ACTOR]: [
    { from: "article_actors l", revision: "l.revision_id", entry: "l.actor_id" },
    { from: "claim_actors l JOIN claims lc ON lc.id = l.claim_id", revision: "lc.revision_id", entry: "l.actor_id" },
    { from: "perspectives l", revision: "l.revision_id", entry: "l.holder_actor_id" },
  ],
  [ReferenceType.SOURCE]: [{ from: "citations l", revision: "l.revision_id", entry: "l.source_id" }],
  [ReferenceType.TOPIC]: [{ from: "revision_topics l", revision: "l.revision_id", entry: "l.topic_id" }],
  [ReferenceType.PLACE]: [{ from: "article_revisions l", revision: "l.id", entry: "l.dateline_place_id" }],
  [ReferenceType.MEDIA]: [{ from: "revision_media l", revision: "l.revision_id", entry: "l.media_id" }],
  [ReferenceType.AUTHOR]: [{ from: "article_contributors l", revision: "l.revision_id", entry: "l.author_id" }],
};

const TABLES: Record<ReferenceType, string> = {
  [ReferenceType.ACTOR]: "actors",
  [ReferenceType.SOURCE]: "sources",
  [ReferenceType.TOPIC]: "topics",
  [ReferenceType.PLACE]: "places",
  [ReferenceType.MEDIA]: "media_assets",
  [ReferenceType.AUTHOR]: "authors",
};

/** Every entry revision $1 cites, locked FOR KEY SHARE: one statement, whatever their number. */
const LOCK_CITED_SQL = (() => {
  const types = Object.values(ReferenceType);
  const ctes = types.map((type) => {
    const ids = REFERENCE_LINKS[type].map((l) => `SELECT ${l.entry} FROM ${l.from} WHERE ${l.revision} = $1`).join(" UNION ");
    return `${type.toLowerCase()} AS (SELECT x.id FROM ${TABLES[type]} x WHERE x.id IN (${ids}) FOR KEY SHARE OF x)`;
  });
  // count(*) reads each CTE to its end, so every row is locked.
  return `WITH ${ctes.join(", ")} SELECT ${types.map((t) => `(SELECT count(*) FROM ${t.toLowerCase()})`).join(" + ")} AS n`;
})();

/**
 * Called by a publish before the revision becomes public: holds every entry it cites until
 * commit. FOR KEY SHARE conflicts with the FOR UPDATE a reference edit takes before counting
 * the published articles citing its entry (ReferenceDataService), so that count can never miss
 * a publish in flight (the edit waits for it, then sees it); concurrent publishes do not block
 * each other.
 */
export async function lockCitedEntries(m: EntityManager, revisionId: string): Promise<void> {
  await m.query(LOCK_CITED_SQL, [revisionId]);
}
