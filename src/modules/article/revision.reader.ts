import { isUuid } from "../../shared/ids";
import { decodeCursor, encodeCursor, pageSize, type Page } from "../../shared/pagination";
import type { Article, RevisionInfo } from "./article.types";
import { SqlReader, toView, VIEW_COLUMNS, type ViewRow } from "./article.view";

/**
 * A RevisionInfo's fields and where they come from (`r` the revision, `u` its author); guarded
 * like the relation projections by test/unit/projections.test.ts.
 */
export const REVISION_INFO_COLUMNS = {
  id: "r.id",
  number: "r.number",
  createdAt: "r.created_at",
  summary: "r.summary",
  authorEmail: "u.email",
  articleId: "r.article_id",
} as const;
const REVISION_INFO_SELECT = Object.entries(REVISION_INFO_COLUMNS)
  .map(([k, c]) => `${c} AS "${k}"`)
  .join(", ");

/** Revisions (staff): immutable, so any revision of any article, in any state. Callers check the role. */
export class RevisionReader extends SqlReader {
  /** Revisions as full views (staff), in the order of `ids`: one statement for a whole history page. */
  async revisionViews(ids: readonly string[]): Promise<(Article | null)[]> {
    const valid = ids.filter(isUuid);
    const rows = valid.length
      ? await this.query<ViewRow>(
          `SELECT ${VIEW_COLUMNS}
           FROM article_revisions r
           JOIN articles a ON a.id = r.article_id
           LEFT JOIN places p ON p.id = r.dateline_place_id
           WHERE r.id = ANY($1::uuid[])`,
          [valid],
        )
      : [];
    const byId = new Map(rows.map((r) => [r.revision_id, r]));
    return ids.map((id) => {
      const row = byId.get(id);
      return row ? toView(row, true) : null;
    });
  }

  /**
   * Pages of several articles' revision histories, newest first, in one statement (a LATERAL
   * page per key), so a history on every row of an editorial list costs the same for any page size.
   */
  async revisionPages(
    keys: readonly { id: string; first?: number | null; after?: string | null }[],
  ): Promise<(Omit<Page<RevisionInfo>, "count"> | Error)[]> {
    // A forged cursor fails its own key only, not the other rows of the list.
    const decoded = keys.map((k) => {
      try {
        const before = k.after ? decodeCursor<[number]>("rev", k.after, ["number"])[0] : null;
        return { id: k.id, limit: pageSize(k.first), before, error: null };
      } catch (err) {
        return { id: k.id, limit: 0, before: null, error: err as Error };
      }
    });
    const rows = await this.query<RevisionInfo & { key: number }>(
      `SELECT k.key::int AS key, ${REVISION_INFO_SELECT}
       FROM unnest($1::uuid[], $2::int[], $3::int[]) WITH ORDINALITY AS k(article_id, lim, before, key)
       CROSS JOIN LATERAL (
         SELECT * FROM article_revisions x
         WHERE x.article_id = k.article_id AND (k.before IS NULL OR x.number < k.before)
         ORDER BY x.number DESC LIMIT k.lim + 1
       ) r
       LEFT JOIN users u ON u.id = r.author_id
       ORDER BY k.key, r.number DESC`,
      [decoded.map((d) => d.id), decoded.map((d) => d.limit), decoded.map((d) => d.before)],
    );
    return decoded.map((d, i) => {
      if (d.error) return d.error;
      const mine = rows.filter((r) => r.key === i + 1).map(({ key: _key, ...r }) => r);
      return {
        nodes: mine.slice(0, d.limit),
        hasNextPage: mine.length > d.limit,
        cursorOf: (r: RevisionInfo) => encodeCursor("rev", [r.number]),
      };
    });
  }

  /** How many revisions each article has (one statement for a list). */
  async revisionCounts(ids: readonly string[]): Promise<number[]> {
    const rows = await this.query<{ article_id: string; n: number }>(
      `SELECT article_id, count(*)::int AS n FROM article_revisions WHERE article_id = ANY($1::uuid[]) GROUP BY article_id`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.article_id, r.n]));
    return ids.map((id) => byId.get(id) ?? 0);
  }

  async revisionInfo(revisionId: string): Promise<RevisionInfo | null> {
    if (!isUuid(revisionId)) return null;
    const [row] = await this.query<RevisionInfo>(
      `SELECT ${REVISION_INFO_SELECT}
       FROM article_revisions r LEFT JOIN users u ON u.id = r.author_id WHERE r.id = $1`,
      [revisionId],
    );
    return row ?? null;
  }
}
