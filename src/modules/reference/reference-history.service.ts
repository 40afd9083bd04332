import type { DataSource } from "typeorm";
import { BadUserInputError, NotFoundError } from "../../shared/errors";
import { isUuid } from "../../shared/ids";
import { decodeCursor, encodeCursor, pageSize, type Page } from "../../shared/pagination";
import type { ReferenceRevisionView } from "./reference-history.types";
import type { ReferenceType } from "../../shared/enums";
import type { ReferenceAction } from "./reference-revision.entity";

interface Row {
  number: number;
  action: ReferenceAction;
  at: Date;
  user_id: string | null;
  user_email: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  published_articles: number;
}

function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((k) => JSON.stringify(before?.[k] ?? null) !== JSON.stringify(after?.[k] ?? null)).sort();
}

/** The edit history of reference data, newest first (staff only: see the resolver). */
export class ReferenceHistoryService {
  constructor(private readonly ds: DataSource) {}

  async list(
    type: ReferenceType,
    id: string,
    args: { first?: number | null; after?: string | null },
  ): Promise<Page<ReferenceRevisionView>> {
    if (!isUuid(id)) throw new NotFoundError(`${type.toLowerCase()}`, id);
    const limit = pageSize(args.first);
    const before = args.after ? decodeCursor<[number]>("refrev", args.after, ["number"])[0] : null;
    if (before !== null && (!Number.isInteger(before) || before < 1 || before > 2 ** 31 - 1)) {
      throw new BadUserInputError("after is not a cursor from this history; pass pageInfo.endCursor from a previous page.");
    }
    const rows = await this.ds.query<Row[]>(
      `SELECT h.number, h.action, h.at, h.user_id, u.email AS user_email, h.before, h.after, h.published_articles
       FROM reference_revisions h LEFT JOIN users u ON u.id = h.user_id
       WHERE h.entity_type = $1 AND h.entity_id = $2 AND ($3::int IS NULL OR h.number < $3::int)
       ORDER BY h.number DESC LIMIT $4`,
      [type, id, before, limit + 1],
    );
    const nodes = rows.slice(0, limit).map((r): ReferenceRevisionView => ({
      type,
      entityId: id,
      number: r.number,
      action: r.action,
      at: r.at,
      userId: r.user_id,
      userEmail: r.user_email,
      before: r.before,
      after: r.after,
      changedFields: changedFields(r.before, r.after),
      publishedArticles: r.published_articles,
    }));
    return {
      nodes,
      hasNextPage: rows.length > limit,
      cursorOf: (n) => encodeCursor("refrev", [n.number]),
      count: async () => {
        const [c] = await this.ds.query<[{ n: number }]>(
          `SELECT count(*)::int AS n FROM reference_revisions WHERE entity_type = $1 AND entity_id = $2`,
          [type, id],
        );
        return c.n;
      },
    };
  }
}
