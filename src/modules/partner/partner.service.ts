import { randomBytes } from "node:crypto";
import type { Pool } from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { DataSource } from "typeorm";
import { Genre, Language } from "../../shared/enums";
import { BadUserInputError, NotFoundError } from "../../shared/errors";
import { decodeCursor, encodeCursor, instantAt, micros, pageSize, type Page } from "../../shared/pagination";
import type { PartnerViewer } from "../../shared/viewer";
import type { Scope } from "../policy";
import { sha256 } from "../user";
import type { Rights } from "../policy";
import type { PartnerKey } from "./partner-key.entity";

export const PARTNER_KEY_PREFIX = "ngk_";
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface NewPartnerKey {
  name: string;
  scopes: Scope[];
  rights: Rights;
  rateLimitPerMinute: number;
  expiresAt: Date | null;
}

/** Partner keys: created by admins, shown once, stored as a SHA-256, revocable, expiring. */
export class PartnerService {
  private readonly limiters = new Map<number, RateLimiterPostgres>();

  constructor(private readonly ds: DataSource) {}

  async create(createdById: string, input: NewPartnerKey): Promise<{ key: string; partnerKey: PartnerKey }> {
    const rights = cleanRights(input.rights);
    if (input.scopes.length === 0) throw new BadUserInputError("Give the key at least one scope, e.g. content:read.");
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now())
      throw new BadUserInputError("expiresAt must be in the future.");
    const key = PARTNER_KEY_PREFIX + randomBytes(32).toString("base64url");
    const [row] = await this.ds.query<PartnerKey[]>(
      `INSERT INTO partner_keys (name, key_prefix, key_hash, scopes, rights, rate_limit_per_minute, expires_at, created_by_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${KEY_COLUMNS}`,
      [
        input.name,
        key.slice(0, 10),
        sha256(key),
        [...new Set(input.scopes)],
        rights,
        input.rateLimitPerMinute,
        input.expiresAt,
        createdById,
      ],
    );
    return { key, partnerKey: row! };
  }

  async revoke(id: string): Promise<PartnerKey> {
    const [rows] = await this.ds.query<[PartnerKey[], number]>(
      `UPDATE partner_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError("Partner key", id);
    return rows[0];
  }

  async list(first?: number | null, after?: string | null): Promise<Page<PartnerKey>> {
    const limit = pageSize(first);
    const params: unknown[] = [];
    let where = "";
    if (after) {
      const [createdAt, id] = decodeCursor<[string, string]>("pkey", after, ["micros", "uuid"]);
      params.push(createdAt, id);
      where = `WHERE (created_at, id) < (${instantAt("$1::bigint")}, $2::uuid)`;
    }
    const rows = await this.ds.query<(PartnerKey & { cursorUs: string })[]>(
      `SELECT ${KEY_COLUMNS}, ${micros("created_at")} AS "cursorUs"
       FROM partner_keys ${where} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
      params,
    );
    // Cursors carry created_at exactly (microseconds); createdAt as a JS Date is rounded to the millisecond.
    const positions = new WeakMap<PartnerKey, string>();
    const nodes = rows.slice(0, limit).map(({ cursorUs, ...key }) => {
      positions.set(key, cursorUs);
      return key;
    });
    return {
      nodes,
      hasNextPage: rows.length > limit,
      cursorOf: (k) => encodeCursor("pkey", [positions.get(k)!, k.id]),
      count: async () => (await this.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM partner_keys`))[0]?.n ?? 0,
    };
  }

  /** One statement per partner request; the database clock decides expiry. */
  async viewerForKey(key: string): Promise<PartnerViewer | null> {
    if (!key.startsWith(PARTNER_KEY_PREFIX) || key.length > 200) return null;
    const [row] = await this.ds.query<
      { id: string; name: string; scopes: string[]; rights: Rights; rate_limit_per_minute: number }[]
    >(
      `SELECT id, name, scopes, rights, rate_limit_per_minute FROM partner_keys
       WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [sha256(key)],
    );
    if (!row) return null;
    return {
      kind: "partner",
      keyId: row.id,
      name: row.name,
      scopes: new Set(row.scopes),
      rights: row.rights,
      rateLimitPerMinute: row.rate_limit_per_minute,
    };
  }

  /** A key's viewer by id, for deliveries made on its behalf (webhooks). Null when revoked or expired. */
  async viewerById(id: string): Promise<PartnerViewer | null> {
    const [row] = await this.ds.query<
      { id: string; name: string; scopes: string[]; rights: Rights; rate_limit_per_minute: number }[]
    >(
      `SELECT id, name, scopes, rights, rate_limit_per_minute FROM partner_keys
       WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [id],
    );
    return row ? toViewer(row) : null;
  }

  /**
   * Count one request against the key's per-minute limit, in PostgreSQL so that the limit
   * holds across instances. Returns the seconds to wait when the limit is spent, else null.
   */
  async consume(p: PartnerViewer): Promise<number | null> {
    const points = Math.max(1, p.rateLimitPerMinute);
    let limiter = this.limiters.get(points);
    if (!limiter) {
      // One limiter per distinct limit; all share the table created by the migrations.
      limiter = new RateLimiterPostgres({
        storeClient: (this.ds.driver as unknown as { master: Pool }).master,
        tableName: "partner_rate_limits",
        tableCreated: true,
        points,
        duration: 60,
        keyPrefix: `partner${points}`,
      });
      this.limiters.set(points, limiter);
    }
    try {
      await limiter.consume(p.keyId);
      return null;
    } catch (res) {
      if (res instanceof RateLimiterRes) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw res;
    }
  }

  async recordUsage(keyId: string, items: number): Promise<void> {
    await this.ds.query(
      `INSERT INTO partner_usage (key_id, day, requests, items) VALUES ($1, (now() AT TIME ZONE 'UTC')::date, 1, $2)
       ON CONFLICT (key_id, day) DO UPDATE SET requests = partner_usage.requests + 1, items = partner_usage.items + EXCLUDED.items`,
      [keyId, items],
    );
  }

  async usage(keyId: string, from: string, to: string): Promise<{ day: string; requests: number; items: number }[]> {
    return this.ds.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, requests, items FROM partner_usage
       WHERE key_id = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day`,
      [keyId, from, to],
    );
  }
}

function toViewer(row: {
  id: string;
  name: string;
  scopes: string[];
  rights: Rights;
  rate_limit_per_minute: number;
}): PartnerViewer {
  return {
    kind: "partner",
    keyId: row.id,
    name: row.name,
    scopes: new Set(row.scopes),
    rights: row.rights,
    rateLimitPerMinute: row.rate_limit_per_minute,
  };
}

const KEY_COLUMNS = `id, name, key_prefix AS "keyPrefix", scopes, rights, rate_limit_per_minute AS "rateLimitPerMinute",
  expires_at AS "expiresAt", revoked_at AS "revokedAt", created_at AS "createdAt"`;

function cleanRights(r: Rights): Rights {
  const out: Rights = {};
  const check = (name: keyof Rights, values: string[] | undefined, ok: (v: string) => boolean, hint: string) => {
    if (!values?.length) return;
    const bad = values.find((v) => !ok(v));
    if (bad !== undefined) throw new BadUserInputError(`rights.${name} has ${JSON.stringify(bad)}; ${hint}.`);
    out[name] = [...new Set(values)];
  };
  check("topics", r.topics, (v) => SLUG.test(v), "use topic slugs");
  check("sources", r.sources, (v) => SLUG.test(v), "use source slugs");
  check("languages", r.languages, (v) => (Object.values(Language) as string[]).includes(v), "use en or es");
  check("genres", r.genres, (v) => (Object.values(Genre) as string[]).includes(v), "use NEWS, ANALYSIS or OPINION");
  return out;
}
