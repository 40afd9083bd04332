import type { DataSource } from "typeorm";
import { decodeCursor, encodeCursor, pageSize, type Page } from "../../shared/pagination";
import type { AuditEntry } from "./audit.entity";
import { wellFormed } from "../../shared/unicode";

export const SECRET_KEY = /pass(word)?|token|secret|hash|authorization|api[-_]?key/i;

/** Copy of a value with every secret-looking key's value replaced. */
export function redact(value: unknown): unknown {
  // jsonb holds neither U+0000 nor a lone surrogate: one in an argument would otherwise lose the whole audit row.
  if (typeof value === "string") return wellFormed(value).replace(/\0/g, "\uFFFD");
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redact(k) as string, SECRET_KEY.test(k) ? "[redacted]" : redact(v)]),
    );
  }
  return value;
}

export interface AuditRecord {
  userId: string | null;
  userEmail: string | null;
  role: string;
  sessionId: string | null;
  operation: string;
  arguments: Record<string, unknown>;
  outcome: "OK" | "ERROR";
  errorCode: string | null;
  articleId: string | null;
}

export class AuditService {
  constructor(private readonly ds: DataSource) {}

  async record(r: AuditRecord): Promise<void> {
    await this.ds.query(
      `INSERT INTO audit_log (user_id, user_email, role, session_id, operation, arguments, outcome, error_code, article_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [r.userId, r.userEmail, r.role, r.sessionId, r.operation, redact(r.arguments), r.outcome, r.errorCode, r.articleId],
    );
  }

  async list(args: {
    first?: number | null;
    after?: string | null;
    userId?: string | null;
    articleId?: string | null;
    operation?: string | null;
  }): Promise<Page<AuditEntry>> {
    const limit = pageSize(args.first);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace("?", `$${params.length}`));
    };
    if (args.userId) add("user_id = ?::uuid", args.userId);
    if (args.articleId) add("article_id = ?::uuid", args.articleId);
    if (args.operation) add("operation = ?", args.operation);
    const countWhere = [...where];
    const countParams = [...params];
    if (args.after) add("id < ?::bigint", decodeCursor<[number]>("audit", args.after, ["number"])[0]);
    const rows = await this.ds.query<AuditEntry[]>(
      `SELECT id::text, at, user_id AS "userId", user_email AS "userEmail", role, session_id AS "sessionId", operation,
         arguments, outcome, error_code AS "errorCode", article_id AS "articleId"
       FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY audit_log.id DESC LIMIT ${limit + 1}`,
      params,
    );
    return {
      nodes: rows.slice(0, limit),
      hasNextPage: rows.length > limit,
      cursorOf: (e) => encodeCursor("audit", [Number(e.id)]),
      count: async () =>
        (
          await this.ds.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM audit_log ${countWhere.length ? `WHERE ${countWhere.join(" AND ")}` : ""}`,
            countParams,
          )
        )[0]?.n ?? 0,
    };
  }
}
