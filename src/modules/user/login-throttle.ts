import { createHash } from "node:crypto";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { clientKey } from "../../shared/client-key";
import type { DataSource } from "typeorm";

export interface LoginThrottleLimits {
  /** Failed sign-ins per account (normalised email) in a window; the next attempt blocks it for a window. */
  perAccount: number;
  /** Failed sign-ins per client (an IPv4 address or an IPv6 /64) in a window. */
  perAddress: number;
  windowSeconds: number;
}

/** Counter keys are hashes: the table holds neither emails nor addresses, and every key fits its column. */
const keyOf = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * Login brute-force throttling, counted in PostgreSQL (rate-limiter-flexible) so that the limits
 * hold across instances. Every attempt takes its points before the password is checked, so
 * parallel guesses cannot slip past the count; a successful sign-in clears the account's
 * counter and gives the address its point back. Unknown emails are counted exactly like
 * known ones, so the throttle says nothing about which accounts exist.
 */
export class LoginThrottle {
  private readonly account: RateLimiterPostgres;
  private readonly address: RateLimiterPostgres;

  constructor(ds: DataSource, limits: LoginThrottleLimits) {
    // The DataSource itself: the limiter takes its pool (driver.master) at query time.
    const store = { storeClient: ds, storeType: "typeorm", tableName: "login_rate_limits", tableCreated: true };
    this.account = new RateLimiterPostgres({
      ...store,
      keyPrefix: "account",
      points: limits.perAccount,
      duration: limits.windowSeconds,
      blockDuration: limits.windowSeconds,
    });
    this.address = new RateLimiterPostgres({
      ...store,
      keyPrefix: "address",
      points: limits.perAddress,
      duration: limits.windowSeconds,
    });
  }

  /** Count one attempt; returns the seconds to wait when the address or the account is spent, else null. */
  async attempt(email: string, address: string): Promise<number | null> {
    try {
      await this.address.consume(keyOf(clientKey(address)));
      await this.account.consume(keyOf(email));
      return null;
    } catch (res) {
      if (res instanceof RateLimiterRes) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw res;
    }
  }

  async succeeded(email: string, address: string): Promise<void> {
    await Promise.all([this.account.delete(keyOf(email)), this.address.reward(keyOf(clientKey(address)), 1)]);
  }
}
