import type { ArticleState } from "../../shared/enums";
import { BadUserInputError, NotFoundError } from "../../shared/errors";
import { containsPattern } from "../../shared/like";
import { isUuid } from "../../shared/ids";
import { decodeCursor, encodeCursor, instantAt, micros, pageSize, type Page } from "../../shared/pagination";
import type { Article, EditorialInfo } from "./article.types";
import { LIST_COLUMNS, Params, positionOf, SqlReader, toView, VIEW_COLUMNS, type ViewRow } from "./article.view";
import { searchConfigs, searchMatch } from "./search.sql";

/** The longest desk search, as for the public search (filter.query). */
export const DESK_SEARCH_MAX = 200;

/** Editorial views: working copies (the head revision) and editorial state. Callers check the role. */
export class WorkingCopyReader extends SqlReader {
  async findWorkingCopy(id: string): Promise<Article | null> {
    if (!isUuid(id)) return null;
    const rows = await this.query<ViewRow>(
      `SELECT ${VIEW_COLUMNS}
       FROM articles a
       JOIN article_revisions r ON r.id = a.head_revision_id
       LEFT JOIN places p ON p.id = r.dateline_place_id
       WHERE a.id = $1`,
      [id],
    );
    return rows[0] ? toView(rows[0], true) : null;
  }

  async listWorkingCopies(args: {
    state?: ArticleState | null;
    /** Only articles this user created. */
    author?: string | null;
    /** Words of the working copy (see draftArticles). */
    search?: string | null;
    first?: number | null;
    after?: string | null;
  }): Promise<Page<Article>> {
    const limit = pageSize(args.first);
    const p = new Params();
    const where: string[] = ["TRUE"];
    if (args.state) where.push(`a.state = ${p.add(args.state)}`);
    if (args.author) where.push(`a.created_by_id = ${p.add(args.author)}::uuid`);
    const search = args.search?.trim();
    if (args.search !== undefined && args.search !== null) {
      if (!search) throw new BadUserInputError("search is empty; send words to look for, or leave it out.");
      if (search.length > DESK_SEARCH_MAX)
        throw new BadUserInputError(`search is too long; use at most ${DESK_SEARCH_MAX} characters.`);
      // The full-text match finds whole words anywhere (body, claims, perspectives, stemmed); ILIKE
      // finds what an editor is still typing ("elec") in the headline, standfirst or byline.
      const like = p.add(containsPattern(search));
      const text = ["r.headline", "r.standfirst", "r.byline"].map((c) => `${c} ILIKE ${like} ESCAPE '\\'`);
      where.push(`(${[searchMatch(searchConfigs(null), p.add(search)), ...text].join(" OR ")})`);
    }
    const countFrom = search ? "articles a JOIN article_revisions r ON r.id = a.head_revision_id" : "articles a";
    const countWhere = [...where];
    const countParams = [...p.values];
    if (args.after) {
      const [us, id] = decodeCursor<[string, string]>("edit", args.after, ["micros", "uuid"]);
      where.push(`(a.updated_at, a.id) < (${instantAt(`${p.add(us)}::bigint`)}, ${p.add(id)}::uuid)`);
    }
    const rows = await this.query<ViewRow>(
      `SELECT ${LIST_COLUMNS}, ${micros("a.updated_at")} AS cursor_us
       FROM articles a
       JOIN article_revisions r ON r.id = a.head_revision_id
       LEFT JOIN places p ON p.id = r.dateline_place_id
       WHERE ${where.join(" AND ")}
       ORDER BY a.updated_at DESC, a.id DESC
       LIMIT ${limit + 1}`,
      p.values,
    );
    return {
      nodes: rows.slice(0, limit).map((r) => toView(r, true)),
      hasNextPage: rows.length > limit,
      cursorOf: (a) => encodeCursor("edit", [positionOf(a), a.id]),
      count: async () => {
        const [row] = await this.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${countFrom} WHERE ${countWhere.join(" AND ")}`,
          countParams,
        );
        return row?.n ?? 0;
      },
    };
  }

  /**
   * Fresh editorial state of articles (staff only): one statement for a whole list, in the
   * order of `ids`; an article deleted meanwhile is a NotFoundError in its place.
   */
  async editorialInfos(ids: readonly string[]): Promise<(Omit<EditorialInfo, "nextTransitions"> | Error)[]> {
    const rows = await this.query<{
      id: string;
      state: ArticleState;
      version: number;
      head: number;
      published: number | null;
      head_revision_id: string;
      published_revision_id: string | null;
      embargo_until: Date | null;
      updated_at: Date;
      review_note: string | null;
      holder: string | null;
      lock_expires_at: Date | null;
      previous_slugs: string[];
    }>(
      `SELECT a.id, a.state, a.version, h.number AS head, pr.number AS published, a.head_revision_id, a.published_revision_id,
         a.embargo_until, a.updated_at, a.review_note,
         CASE WHEN a.lock_expires_at > now() THEN u.email END AS holder,
         CASE WHEN a.lock_expires_at > now() THEN a.lock_expires_at END AS lock_expires_at,
         ARRAY(SELECT s.slug FROM article_slugs s WHERE s.article_id = a.id AND s.slug <> a.slug
               ORDER BY s.created_at DESC, s.slug) AS previous_slugs
       FROM articles a
       JOIN article_revisions h ON h.id = a.head_revision_id
       LEFT JOIN article_revisions pr ON pr.id = a.published_revision_id
       LEFT JOIN users u ON u.id = a.locked_by_id
       WHERE a.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => {
      const row = byId.get(id);
      if (!row) return new NotFoundError("Article", id);
      return {
        state: row.state,
        version: row.version,
        headRevisionNumber: row.head,
        publishedRevisionNumber: row.published,
        hasUnpublishedChanges: row.head_revision_id !== row.published_revision_id,
        embargoUntil: row.embargo_until,
        updatedAt: row.updated_at,
        reviewNote: row.review_note,
        lockedBy: row.holder,
        lockExpiresAt: row.lock_expires_at,
        previousSlugs: row.previous_slugs,
      };
    });
  }
}
