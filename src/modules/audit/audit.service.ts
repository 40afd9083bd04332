import { clientKey } from "../../shared/client-key";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { DataSource } from "typeorm";
import type { Logger } from "../../shared/logger";
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

/** What one audit row may hold of a mutation's arguments. */
export const AUDIT_LIMITS = {
  /** Characters kept of one string value; the rest is replaced by a marker saying how long it was. */
  stringChars: 256,
  keyChars: 64,
  arrayItems: 20,
  depth: 6,
  /** The whole arguments value, as stored JSON (jsonb), in bytes. */
  recordBytes: 4096,
  /** operation: the mutation fields' names, as sent when the document did not validate. */
  operationChars: 200,
};

/** The first n characters, less a trailing half of a surrogate pair (jsonb refuses a lone one). */
const cutAt = (s: string, n: number) => s.slice(0, /[\uD800-\uDBFF]/.test(s[n - 1] ?? "") ? n - 1 : n);

/**
 * A copy of (redacted) arguments that fits in AUDIT_LIMITS.recordBytes: long strings, long lists,
 * deep nesting and whatever lies past the budget are replaced by markers that say what was left
 * out, so a refused 900 kB mutation costs a row of a few KiB.
 */
export function capArguments(value: Record<string, unknown>): Record<string, unknown> {
  let left = AUDIT_LIMITS.recordBytes - 256; // room for the markers themselves
  const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? "");
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === "string") {
      const limit = Math.max(0, Math.min(AUDIT_LIMITS.stringChars, left));
      const out = v.length <= limit ? v : `${cutAt(v, limit)}…[truncated: ${v.length} characters]`;
      left -= size(out);
      return out;
    }
    if (v === null || typeof v !== "object" || v instanceof Date) {
      left -= size(v);
      return v;
    }
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    if (depth >= AUDIT_LIMITS.depth) return `[${entries.length} ${Array.isArray(v) ? "items" : "fields"} nested too deep]`;
    const max = Array.isArray(v) ? AUDIT_LIMITS.arrayItems : Infinity;
    const kept: [string, unknown][] = [];
    for (const [k, x] of entries) {
      if (kept.length >= max || left <= 0) break;
      const key = k.length > AUDIT_LIMITS.keyChars ? `${cutAt(k, AUDIT_LIMITS.keyChars)}…` : k;
      left -= size(key) + 2;
      kept.push([key, walk(x, depth + 1)]);
    }
    const omitted = entries.length - kept.length;
    if (Array.isArray(v)) return omitted ? [...kept.map(([, x]) => x), `[${omitted} more items]`] : kept.map(([, x]) => x);
    return Object.fromEntries(omitted ? [...kept, ["…", `[${omitted} more fields]`]] : kept);
  };
  const capped = walk(value, 0) as Record<string, unknown>;
  // The walk counts markers and keys approximately; this bound is exact.
  return size(capped) <= AUDIT_LIMITS.recordBytes ? capped : { "…": "[arguments left out: over the audit row's size]" };
}

/** Audit rows kept for unauthenticated callers (anonymous, or an invalid token), per client address a minute. */
export interface AuditThrottleOptions {
  unauthenticatedPerMinute: number;
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

/** Roles of callers who proved no identity: their rows are throttled per address. */
const UNAUTHENTICATED = new Set(["ANONYMOUS", "INVALID_TOKEN"]);

export class AuditService {
  /*
   * In memory, unlike the login throttle: counting in PostgreSQL would itself write once per
   * request, which is what this limits. With several instances the budget applies per instance.
   */
  private readonly unauthenticated: RateLimiterMemory;
  /** Rows left out per address in the current window, logged as one summary line when it ends. */
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly ds: DataSource,
    private readonly log?: Logger,
    throttle: AuditThrottleOptions = { unauthenticatedPerMinute: 30 },
  ) {
    this.unauthenticated = new RateLimiterMemory({
      keyPrefix: "audit",
      points: throttle.unauthenticatedPerMinute,
      duration: 60,
    });
  }

  /**
   * Append one row. Unauthenticated callers get at most their budget of rows per address a
   * minute; past it their attempts are counted and summed up in one log line per window.
   */
  async record(r: AuditRecord, clientAddress = "unknown"): Promise<void> {
    if (UNAUTHENTICATED.has(r.role) && !(await this.withinBudget(clientKey(clientAddress)))) return;
    const operation =
      r.operation.length > AUDIT_LIMITS.operationChars
        ? `${cutAt(r.operation, AUDIT_LIMITS.operationChars)}…[truncated: ${r.operation.length} characters]`
        : r.operation;
    await this.ds.query(
      `INSERT INTO audit_log (user_id, user_email, role, session_id, operation, arguments, outcome, error_code, article_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        r.userId,
        r.userEmail,
        r.role,
        r.sessionId,
        wellFormed(operation).replace(/\0/g, "\uFFFD"),
        capArguments(redact(r.arguments) as Record<string, unknown>),
        r.outcome,
        r.errorCode,
        r.articleId,
      ],
    );
  }

  private async withinBudget(address: string): Promise<boolean> {
    try {
      await this.unauthenticated.consume(address);
      return true;
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const before = this.suppressed.get(address);
      // Bounded: past 10,000 addresses in one window, the rest are summed under one key.
      const key = before === undefined && this.suppressed.size >= 10_000 ? "other addresses" : address;
      const count = (this.suppressed.get(key) ?? 0) + 1;
      this.suppressed.set(key, count);
      if (count === 1) {
        this.log?.warn(
          { clientAddress: key, budgetPerMinute: this.unauthenticated.points },
          "audit budget of unauthenticated mutations spent for this address: further attempts this minute are counted, not written",
        );
        setTimeout(() => {
          const n = this.suppressed.get(key) ?? 0;
          this.suppressed.delete(key);
          this.log?.warn(
            { clientAddress: key, suppressed: n },
            "audit rows of unauthenticated mutations left out: over the per-address budget",
          );
        }, res.msBeforeNext).unref();
      }
      return false;
    }
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
