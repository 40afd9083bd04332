import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { DataSource } from "typeorm";
import { BadUserInputError, NotFoundError } from "../../shared/errors";
import { isUuid } from "../../shared/ids";

const PREFIX = "ngp_";
export const MAX_PREVIEW_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Preview tokens: `ngp_<article id>.<expiry>.<HMAC-SHA256>`, signed with a secret kept in the
 * database (generated on first use), so every instance verifies the same tokens and a
 * token opens exactly one article's working copy until it expires.
 */
export class PreviewService {
  private secret: Promise<Buffer> | undefined;

  constructor(private readonly ds: DataSource) {}

  private key(): Promise<Buffer> {
    this.secret ??= (async () => {
      await this.ds.query(`INSERT INTO app_secrets (name, value) VALUES ('preview-hmac', $1) ON CONFLICT (name) DO NOTHING`, [
        randomBytes(32),
      ]);
      const [row] = await this.ds.query<{ value: Buffer }[]>(`SELECT value FROM app_secrets WHERE name = 'preview-hmac'`);
      return row!.value;
    })();
    return this.secret;
  }

  private async sign(payload: string): Promise<string> {
    return createHmac("sha256", await this.key())
      .update(payload)
      .digest("base64url");
  }

  async create(articleId: string, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > MAX_PREVIEW_TTL_SECONDS) {
      throw new BadUserInputError(`ttl must be between 60 and ${MAX_PREVIEW_TTL_SECONDS} seconds.`);
    }
    if (!isUuid(articleId)) throw new NotFoundError("Article", articleId);
    const [exists] = await this.ds.query<unknown[]>(`SELECT 1 FROM articles WHERE id = $1`, [articleId]);
    if (!exists) throw new NotFoundError("Article", articleId);
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const payload = `${articleId}.${Math.floor(expiresAt.getTime() / 1000)}`;
    return { token: `${PREFIX}${payload}.${await this.sign(payload)}`, expiresAt };
  }

  /** The article id the token opens, or null when it is forged, altered or expired. */
  async verify(token: string): Promise<string | null> {
    if (typeof token !== "string" || !token.startsWith(PREFIX) || token.length > 200) return null;
    const [id, exp, sig] = token.slice(PREFIX.length).split(".");
    if (!id || !exp || !sig || !isUuid(id) || !/^\d+$/.test(exp)) return null;
    const expected = Buffer.from(await this.sign(`${id}.${exp}`));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return Number(exp) * 1000 > Date.now() ? id : null;
  }
}
