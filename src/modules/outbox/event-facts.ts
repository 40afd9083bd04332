import type { DataSource } from "typeorm";
import { ContentEventKind, type Genre, type Language } from "../../shared/enums";
import { ReferenceType } from "../../shared/enums";
import { EMBARGO_RECORDING_KINDS, type EventFacts, type RevisionFacts } from "./learn";

const K = ContentEventKind;
const list = (kinds: readonly ContentEventKind[]) => kinds.map((k) => `'${k}'`).join(", ");

/**
 * A topic's or source's slug as it was at `at` (an SQL expression; `op` "<" for just before
 * it, "<=" for just after): partners are licensed by slug, and a slug edit is versioned in
 * reference_revisions, stamped with its transaction's time like the UPDATED it announces.
 * Without a revision on that side, the one after it says what came before; else the slug now.
 */
const slugAt = (type: ReferenceType.TOPIC | ReferenceType.SOURCE, entry: string, at: string | null, op: "<" | "<=") =>
  at === null
    ? `${entry}.slug`
    : `coalesce(
      (SELECT rr.after->>'slug' FROM reference_revisions rr
        WHERE rr.entity_type = '${type}' AND rr.entity_id = ${entry}.id AND rr.at ${op} ${at} ORDER BY rr.number DESC LIMIT 1),
      (SELECT rr.before->>'slug' FROM reference_revisions rr
        WHERE rr.entity_type = '${type}' AND rr.entity_id = ${entry}.id AND NOT rr.at ${op} ${at} ORDER BY rr.number LIMIT 1),
      ${entry}.slug)`;

/**
 * The rights dimensions of the revision `rev` (an SQL expression), as columns of `alias`, with
 * topic and source slugs as they were at `at` (see slugAt; null: as they are now).
 */
const revisionFacts = (alias: string, rev: string, at: string | null = null, op: "<" | "<=" = "<=") => `LEFT JOIN LATERAL (
    SELECT r.language, r.genre,
      ARRAY(SELECT ${slugAt(ReferenceType.TOPIC, "t", at, op)} FROM revision_topics rt JOIN topics t ON t.id = rt.topic_id WHERE rt.revision_id = r.id) AS topics,
      ARRAY(SELECT ${slugAt(ReferenceType.SOURCE, "s", at, op)} FROM citations c JOIN sources s ON s.id = c.source_id WHERE c.revision_id = r.id) AS sources
    FROM article_revisions r WHERE r.id = ${rev}) ${alias} ON true`;

/**
 * Each event with what the log says held at it, in one statement for a whole page: the
 * event before it (was the article still live?), the embargo in force before it (the last
 * event recording one in payload.embargoUntil, unless a lift followed), and the rights dimensions of the revision
 * readers had before and after it, its topic and source slugs as they were then (editing a
 * slug announces an UPDATED that can move a citing article in or out of a licence).
 * Per-article lookups use ix_content_events_article.
 */
const factsSql = (events: string) => `
  SELECT e.seq::text AS seq, e.id, e.kind, e.occurred_at, e.article_id, e.revision_number,
    coalesce(a.slug, e.payload->>'slug', '') AS slug,
    prior.kind AS prior_kind,
    -- Appended by the same transaction (occurred_at is its start time) right after this article's previous event.
    e.kind = '${K.SLUG_CHANGED}' AND prior.kind IN ('${K.PUBLISHED}', '${K.UPDATED}') AND prior.occurred_at = e.occurred_at
      AS slug_of_publish,
    coalesce(emb.until > e.occurred_at, false) AS prior_embargoed,
    e.kind IN (${list(EMBARGO_RECORDING_KINDS)}) AND e.payload ? 'embargoUntil' AS records_embargo,
    coalesce((e.payload->>'embargoUntil')::timestamptz > e.occurred_at, false) AS own_embargoed,
    rb.language AS before_language, rb.genre AS before_genre, rb.topics AS before_topics, rb.sources AS before_sources,
    ra.language AS after_language, ra.genre AS after_genre, ra.topics AS after_topics, ra.sources AS after_sources,
    CASE WHEN e.kind = '${K.DELETED}' THEN e.payload->'rights' END AS deleted_rights
  FROM (${events}) e
  LEFT JOIN articles a ON a.id = e.article_id
  LEFT JOIN LATERAL (
    SELECT p.kind, p.occurred_at FROM content_events p WHERE p.article_id = e.article_id AND p.seq < e.seq ORDER BY p.seq DESC LIMIT 1
  ) prior ON true
  LEFT JOIN LATERAL (
    SELECT CASE WHEN p.kind = '${K.EMBARGO_LIFTED}' THEN NULL ELSE (p.payload->>'embargoUntil')::timestamptz END AS until
    FROM content_events p
    WHERE p.article_id = e.article_id AND p.seq < e.seq
      AND (p.kind = '${K.EMBARGO_LIFTED}' OR (p.kind IN (${list(EMBARGO_RECORDING_KINDS)}) AND p.payload ? 'embargoUntil'))
    ORDER BY p.seq DESC LIMIT 1
  ) emb ON true
  LEFT JOIN LATERAL (
    SELECT p.revision_id FROM content_events p
    WHERE p.article_id = e.article_id AND p.seq < e.seq AND p.revision_id IS NOT NULL ORDER BY p.seq DESC LIMIT 1
  ) prev ON true
  ${revisionFacts(
    "rb",
    `CASE WHEN e.kind = '${K.UNPUBLISHED}' THEN coalesce(e.revision_id, prev.revision_id) ELSE prev.revision_id END`,
    "e.occurred_at",
    "<",
  )}
  ${revisionFacts(
    "ra",
    `CASE WHEN e.kind IN (${list([K.PUBLISHED, K.UPDATED, K.CORRECTED, K.EMBARGO_LIFTED, K.EMBARGOED])})
      THEN coalesce(e.revision_id, prev.revision_id) ELSE prev.revision_id END`,
    "e.occurred_at",
    "<=",
  )}
  ORDER BY e.seq`;

interface FactsRow {
  seq: string;
  id: string;
  kind: ContentEventKind;
  occurred_at: Date;
  article_id: string;
  revision_number: number | null;
  slug: string;
  prior_kind: ContentEventKind | null;
  slug_of_publish: boolean | null;
  prior_embargoed: boolean;
  records_embargo: boolean;
  own_embargoed: boolean;
  before_language: Language | null;
  before_genre: Genre | null;
  before_topics: string[] | null;
  before_sources: string[] | null;
  after_language: Language | null;
  after_genre: Genre | null;
  after_topics: string[] | null;
  after_sources: string[] | null;
  deleted_rights: Partial<RevisionFacts> | null;
}

function revision(
  lang: Language | null,
  genre: Genre | null,
  topics: string[] | null,
  sources: string[] | null,
): RevisionFacts | null {
  return lang && genre ? { language: lang, genre, topics: topics ?? [], sources: sources ?? [] } : null;
}

function deletedRights(p: Partial<RevisionFacts> | null): RevisionFacts | null {
  return p ? revision(p.language ?? null, p.genre ?? null, p.topics ?? null, p.sources ?? null) : null;
}

function toFacts(r: FactsRow): EventFacts {
  const kind = r.kind;
  const embargoedBefore = kind === K.EMBARGO_LIFTED ? true : r.prior_embargoed;
  return {
    seq: r.seq,
    id: r.id,
    kind,
    occurredAt: r.occurred_at,
    articleId: r.article_id,
    revisionNumber: r.revision_number,
    slug: r.slug,
    slugOfPublish: r.slug_of_publish === true,
    // Every other kind is appended only while the article is published; a deletion is news
    // only when it had not been withdrawn already.
    liveBefore:
      kind === K.PUBLISHED ? false : kind === K.DELETED ? r.prior_kind !== null && r.prior_kind !== K.UNPUBLISHED : true,
    liveAfter: kind !== K.UNPUBLISHED && kind !== K.DELETED,
    // An EMBARGO_LIFTED announces an embargo's end, so it was in force just before, even when
    // the lift job runs a moment after embargoUntil.
    embargoedBefore,
    // An UPDATED announcing an edit of cited reference data records no embargo: it stays as it was.
    embargoedAfter: r.records_embargo ? r.own_embargoed : kind === K.EMBARGO_LIFTED ? false : embargoedBefore,
    // A deletion takes the revision rows with it; it records their rights in its payload instead.
    // DELETED events from before that have none, and learn() tells everyone who could have seen it.
    revisionBefore:
      revision(r.before_language, r.before_genre, r.before_topics, r.before_sources) ?? deletedRights(r.deleted_rights),
    revisionAfter: revision(r.after_language, r.after_genre, r.after_topics, r.after_sources),
  };
}

type Db = Pick<DataSource, "query">;

/**
 * The rights dimensions of one revision, for a DELETED event's payload: read in the deleting
 * transaction, before the revision rows go with the article.
 */
export async function revisionRights(db: Db, revisionId: string): Promise<RevisionFacts | null> {
  const [r] = await db.query<(Omit<RevisionFacts, "language" | "genre"> & { language: Language | null; genre: Genre | null })[]>(
    `SELECT x.language, x.genre, x.topics, x.sources FROM (SELECT 1) one ${revisionFacts("x", "$1::uuid")}`,
    [revisionId],
  );
  return r ? revision(r.language, r.genre, r.topics, r.sources) : null;
}

/** Up to `limit` events after sequence `after`, in order, with their facts (one statement). */
export async function eventFactsAfter(db: Db, after: string, limit: number): Promise<EventFacts[]> {
  const rows = await db.query<FactsRow[]>(factsSql(`SELECT * FROM content_events WHERE seq > $1::bigint ORDER BY seq LIMIT $2`), [
    after,
    limit,
  ]);
  return rows.map(toFacts);
}

/** The events with these ids, in order, with their facts (one statement). */
export async function eventFactsByIds(db: Db, ids: readonly string[]): Promise<EventFacts[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<FactsRow[]>(factsSql(`SELECT * FROM content_events WHERE id = ANY($1::uuid[])`), [ids]);
  return rows.map(toFacts);
}
