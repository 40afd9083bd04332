import { createHash, randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { DataSource } from "typeorm";
import { Role } from "../../shared/enums";
import { BadUserInputError, NotFoundError, RateLimitedError, UnauthenticatedError, translateDbError } from "../../shared/errors";
import { decodeCursor, encodeCursor, pageSize, type Page } from "../../shared/pagination";
import type { StaffViewer } from "../../shared/viewer";
import type { LoginThrottle } from "./login-throttle";
import { User } from "./user.entity";
import { metrics } from "../../shared/metrics";

export const MIN_PASSWORD_LENGTH = 12;
const TOKEN_PREFIX = "ngs_";
const INVITE_PREFIX = "ngi_";
const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new BadUserInputError("email is not a valid address.");
  return email;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new BadUserInputError(`password is too short: use at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (password.length > 1024) throw new BadUserInputError("password is too long: use at most 1024 characters.");
}

export function sha256(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/** Used when an email is unknown, so that a miss costs the same as a wrong password. */
let dummyHash: Promise<string> | undefined;

export class AuthService {
  constructor(
    private readonly ds: DataSource,
    private readonly sessionTtlHours: number,
    /** Without one (CLI, test set-up) logins are not throttled. */
    private readonly throttle?: LoginThrottle,
  ) {
    // Made up front: hashing it on the first miss would make that miss measurably slower than a wrong password.
    dummyHash ??= hash(randomBytes(16).toString("hex"));
  }

  async createUser(input: { email: string; password: string; role: Role; displayName?: string }): Promise<User> {
    const email = normaliseEmail(input.email);
    checkPassword(input.password);
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

  /**
   * Returns a new opaque bearer token; only its SHA-256 is stored. Throttled per account and per
   * client address (see LoginThrottle); a refusal reads the same whether the account exists or not.
   */
  async login(
    emailRaw: string,
    password: string,
    clientAddress = "unknown",
  ): Promise<{ token: string; expiresAt: Date; user: User }> {
    const email = emailRaw.trim().toLowerCase();
    const wait = await this.throttle?.attempt(email, clientAddress);
    if (wait != null) {
      metrics.refused("login_account_or_address");
      throw new RateLimitedError(`Too many failed sign-in attempts; wait ${wait} s before trying again.`, wait);
    }
    const user = await this.ds.getRepository(User).findOne({ where: { email } });
    // An unknown email (or an invited user with no password yet) still costs one verification.
    const ok =
      user?.passwordHash != null
        ? await verify(user.passwordHash, password)
        : await verify(await (dummyHash ??= hash(randomBytes(16).toString("hex"))), password).then(() => false);
    // One message for an unknown email, a wrong password and a deactivated account: no user enumeration.
    if (!user || !ok || !user.active) throw new UnauthenticatedError("Email or password is incorrect.");
    await this.throttle?.succeeded(email, clientAddress);
    return this.openSession(user);
  }

  private async openSession(user: User): Promise<{ token: string; expiresAt: Date; user: User }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    const [row] = await this.ds.query<[{ expires_at: Date }]>(
      `INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3)) RETURNING expires_at`,
      [user.id, sha256(token), this.sessionTtlHours],
    );
    return { token, expiresAt: row.expires_at, user };
  }

  /** Admins invite: the account exists, inactive, until the invitee sets a password. */
  async invite(input: {
    email: string;
    role: Role;
    displayName?: string | null;
  }): Promise<{ user: User; inviteToken: string; expiresAt: Date }> {
    const email = normaliseEmail(input.email);
    const inviteToken = INVITE_PREFIX + randomBytes(32).toString("base64url");
    const repo = this.ds.getRepository(User);
    try {
      const user = await repo.save(
        repo.create({
          email,
          displayName: input.displayName?.trim() || email.split("@")[0]!,
          role: input.role,
          passwordHash: null,
          active: false,
          inviteTokenHash: sha256(inviteToken),
          inviteExpiresAt: new Date(Date.now() + INVITE_TTL_MS),
        }),
      );
      return { user, inviteToken, expiresAt: user.inviteExpiresAt! };
    } catch (err) {
      throw translateDbError(err) ?? err;
    }
  }

  async acceptInvite(token: string, password: string): Promise<{ token: string; expiresAt: Date; user: User }> {
    checkPassword(password);
    const repo = this.ds.getRepository(User);
    const user = token.startsWith(INVITE_PREFIX)
      ? await repo
          .createQueryBuilder("u")
          .where("u.invite_token_hash = :h AND u.invite_expires_at > now()", { h: sha256(token) })
          .getOne()
      : null;
    if (!user) throw new UnauthenticatedError("This invitation is invalid or has expired; ask an admin for a new one.");
    user.passwordHash = await hash(password);
    user.active = true;
    user.inviteTokenHash = null;
    user.inviteExpiresAt = null;
    await repo.save(user);
    return this.openSession(user);
  }

  /** Deactivation revokes every session at once; the session lookup also checks `active`. */
  async setActive(admin: StaffViewer, userId: string, active: boolean): Promise<User> {
    if (admin.userId === userId && !active)
      throw new BadUserInputError("You cannot deactivate your own account; ask another admin.");
    const user = await this.ds.getRepository(User).findOneBy({ id: userId });
    if (!user) throw new NotFoundError("User", userId);
    if (active && user.passwordHash === null)
      throw new BadUserInputError("This user has not accepted the invitation yet; they activate by setting a password.");
    await this.ds.transaction(async (m) => {
      // Deactivating also withdraws a pending invitation, so it cannot reactivate the account.
      await m.query(
        `UPDATE users SET active = $2, updated_at = now(),
           invite_token_hash = CASE WHEN $2 THEN invite_token_hash END, invite_expires_at = CASE WHEN $2 THEN invite_expires_at END
         WHERE id = $1`,
        [userId, active],
      );
      if (!active) await m.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [userId]);
    });
    user.active = active;
    return user;
  }

  async changeRole(admin: StaffViewer, userId: string, role: Role): Promise<User> {
    if (admin.userId === userId) throw new BadUserInputError("You cannot change your own role; ask another admin.");
    const user = await this.ds.getRepository(User).findOneBy({ id: userId });
    if (!user) throw new NotFoundError("User", userId);
    user.role = role;
    return this.ds.getRepository(User).save(user);
  }

  async list(first?: number | null, after?: string | null): Promise<Page<User>> {
    const limit = pageSize(first);
    const qb = this.ds.getRepository(User).createQueryBuilder("u");
    if (after) qb.where("u.email > :email", { email: decodeCursor<[string]>("user", after, ["string"])[0] });
    const rows = await qb
      .orderBy("u.email")
      .take(limit + 1)
      .getMany();
    return {
      nodes: rows.slice(0, limit),
      hasNextPage: rows.length > limit,
      cursorOf: (u) => encodeCursor("user", [u.email]),
      count: () => this.ds.getRepository(User).count(),
    };
  }

  async logout(viewer: StaffViewer): Promise<void> {
    await this.ds.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [viewer.sessionId]);
  }

  /** A signed-in user's own account (NOT_FOUND-free: a session exists only for a user that does). */
  user(id: string): Promise<User> {
    return this.ds.getRepository(User).findOneByOrFail({ id });
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
