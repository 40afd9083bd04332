import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { DataSource } from "typeorm";
import { Role } from "../../shared/enums";
import { BadUserInputError, UnauthenticatedError, translateDbError } from "../../shared/errors";
import type { StaffViewer } from "../../shared/viewer";
import { User } from "./user.entity";

export const MIN_PASSWORD_LENGTH = 12;
const TOKEN_PREFIX = "ngs_";

export function sha256(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** Used when an email is unknown, so that a miss costs the same as a wrong password. */
let dummyHash: Promise<string> | undefined;

export class AuthService {
  constructor(
    private readonly ds: DataSource,
    private readonly sessionTtlHours: number,
  ) {}

  async createUser(input: { email: string; password: string; role: Role; displayName?: string }): Promise<User> {
    const email = input.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new BadUserInputError("email is not a valid address.");
    if (input.password.length < MIN_PASSWORD_LENGTH) {
      throw new BadUserInputError(`password is too short: use at least ${MIN_PASSWORD_LENGTH} characters.`);
    }
    if (!Object.values(Role).includes(input.role))
      throw new BadUserInputError(`role must be one of ${Object.values(Role).join(", ")}.`);
    const repo = this.ds.getRepository(User);
    try {
      return await repo.save(
        repo.create({
          email,
          displayName: input.displayName?.trim() || email.split("@")[0]!,
          role: input.role,
          passwordHash: await hash(input.password),
          active: true,
        }),
      );
    } catch (err) {
      throw translateDbError(err) ?? err;
    }
  }

  /** Returns a new opaque bearer token; only its SHA-256 is stored. */
  async login(emailRaw: string, password: string): Promise<{ token: string; expiresAt: Date; user: User }> {
    const email = emailRaw.trim().toLowerCase();
    const user = await this.ds.getRepository(User).findOne({ where: { email } });
    const ok = user
      ? await verify(user.passwordHash, password)
      : await verify(await (dummyHash ??= hash(randomBytes(16).toString("hex"))), password).then(() => false);
    // One message for an unknown email, a wrong password and a deactivated account: no user enumeration.
    if (!user || !ok || !user.active) throw new UnauthenticatedError("Email or password is incorrect.");
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    const [row] = await this.ds.query<[{ expires_at: Date }]>(
      `INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3)) RETURNING expires_at`,
      [user.id, sha256(token), this.sessionTtlHours],
    );
    return { token, expiresAt: row.expires_at, user };
  }

  async logout(viewer: StaffViewer): Promise<void> {
    await this.ds.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [viewer.sessionId]);
  }

  /** One statement per authenticated request; the database clock decides expiry. */
  async viewerForToken(token: string): Promise<StaffViewer | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const [row] = await this.ds.query<{ session_id: string; user_id: string; email: string; role: Role }[]>(
      `SELECT s.id AS session_id, u.id AS user_id, u.email, u.role
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
      [sha256(token)],
    );
    return row ? { kind: "staff", userId: row.user_id, sessionId: row.session_id, email: row.email, role: row.role } : null;
  }
}
