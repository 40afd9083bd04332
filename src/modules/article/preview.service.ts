import { createHash, randomBytes } from "node:crypto";
import { GraphQLError } from "graphql";
import type { DataSource } from "typeorm";
import { BadUserInputError, NotFoundError } from "../../shared/errors";
import { isUuid } from "../../shared/ids";

const PREFIX = "ngp_";
export const MAX_PREVIEW_TTL_SECONDS = 7 * 24 * 3600;

export interface PreviewTokenInfo {
  id: string;
  articleId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** A revoked preview link: a coded refusal, so the reader's page can say "ask for a new link". */
export class PreviewTokenRevokedError extends GraphQLError {
  constructor() {
    super("This preview link has been revoked by an editor; ask the newsroom for a new one.", {
      extensions: { code: "FORBIDDEN", reason: "PREVIEW_TOKEN_REVOKED" },
    });
  }
}

const hash = (token: string): Buffer => createHash("sha256").update(token).digest();

/**
 * Preview tokens: `ngp_<article id>.<expiry>.<32 random bytes>`. Each is a preview_tokens row
 * keyed by the token's SHA-256 (the token itself is never stored), so every instance verifies
 * the same tokens, a token opens exactly one article's working copy until it expires, and an
 * editor can revoke it; deleting the article deletes its tokens.
 */
export class PreviewService {
  /** `urlPattern`: the reader-facing site's preview page with {token} (PREVIEW_URL_PATTERN), or "". */
  constructor(
    private readonly ds: DataSource,
    private readonly urlPattern = "",
  ) {}

  async create(
    articleId: string,
    ttlSeconds: number,
    createdById: string | null,
  ): Promise<{ id: string; token: string; expiresAt: Date; url: string | null }> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > MAX_PREVIEW_TTL_SECONDS) {
      throw new BadUserInputError(`ttl must be between 60 and ${MAX_PREVIEW_TTL_SECONDS} seconds.`);
    }
    if (!isUuid(articleId)) throw new NotFoundError("Article", articleId);
    const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
    const token = `${PREFIX}${articleId}.${exp}.${randomBytes(32).toString("base64url")}`;
    const expiresAt = new Date(exp * 1000);
    // INSERT ... SELECT: an unknown (or just deleted) article inserts nothing.
    const [row] = await this.ds.query<{ id: string }[]>(
      `INSERT INTO preview_tokens (article_id, token_hash, expires_at, created_by_id)
       SELECT id, $2, $3, $4 FROM articles WHERE id = $1 RETURNING id`,
      [articleId, hash(token), expiresAt, createdById],
    );
    if (!row) throw new NotFoundError("Article", articleId);
    const url = this.urlPattern ? this.urlPattern.replaceAll("{token}", encodeURIComponent(token)) : null;
    return { id: row.id, token, expiresAt, url };
  }

  /**
   * The article id the token opens, or null when it is unknown, altered or expired (or its
   * article was deleted). A revoked token is a PreviewTokenRevokedError.
   */
  async verify(token: string): Promise<string | null> {
    if (typeof token !== "string" || !token.startsWith(PREFIX) || token.length > 200) return null;
    const [id, exp, secret] = token.slice(PREFIX.length).split(".");
    if (!id || !exp || !secret || !isUuid(id) || !/^\d+$/.test(exp)) return null;
    const [row] = await this.ds.query<{ article_id: string; expires_at: Date; revoked_at: Date | null }[]>(
      `SELECT article_id, expires_at, revoked_at FROM preview_tokens WHERE token_hash = $1`,
      [hash(token)],
    );
    // The hash covers the whole token, so an altered id or expiry finds no row.
    if (!row || row.article_id !== id) return null;
    if (row.revoked_at) throw new PreviewTokenRevokedError();
    return row.expires_at.getTime() > Date.now() ? id : null;
  }

  /** An article's preview tokens, newest first (no secrets: only their ids and times). */
  async list(articleId: string): Promise<PreviewTokenInfo[]> {
    if (!isUuid(articleId)) throw new NotFoundError("Article", articleId);
    const rows = await this.ds.query<PreviewTokenInfo[]>(
      `SELECT id, article_id AS "articleId", created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"
       FROM preview_tokens WHERE article_id = $1 ORDER BY created_at DESC, id DESC`,
      [articleId],
    );
    if (rows.length === 0) await this.assertArticle(articleId);
    return rows;
  }

  /** Revoke one token (revoking it again keeps the first revocation's time). */
  async revoke(id: string, byUserId: string): Promise<PreviewTokenInfo> {
    if (!isUuid(id)) throw new NotFoundError("Preview token", id);
    const [rows] = await this.ds.query<[PreviewTokenInfo[], number]>(
      `UPDATE preview_tokens SET revoked_at = coalesce(revoked_at, now()), revoked_by_id = coalesce(revoked_by_id, $2)
       WHERE id = $1
       RETURNING id, article_id AS "articleId", created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"`,
      [id, byUserId],
    );
    if (!rows[0]) throw new NotFoundError("Preview token", id);
    return rows[0];
  }

  /** Revoke every live token of an article; returns how many were revoked. */
  async revokeAll(articleId: string, byUserId: string): Promise<number> {
    if (!isUuid(articleId)) throw new NotFoundError("Article", articleId);
    await this.assertArticle(articleId);
    const [, affected] = await this.ds.query<[unknown[], number]>(
      `UPDATE preview_tokens SET revoked_at = now(), revoked_by_id = $2
       WHERE article_id = $1 AND revoked_at IS NULL AND expires_at > now()`,
      [articleId, byUserId],
    );
    return affected;
  }

  private async assertArticle(articleId: string): Promise<void> {
    const [exists] = await this.ds.query<unknown[]>(`SELECT 1 FROM articles WHERE id = $1`, [articleId]);
    if (!exists) throw new NotFoundError("Article", articleId);
  }
}
