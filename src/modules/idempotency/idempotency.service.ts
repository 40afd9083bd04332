import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, randomUUID } from "node:crypto";
import type { DataSource, EntitySubscriberInterface, TransactionCommitEvent } from "typeorm";
import { BadUserInputError, ConflictError } from "../../shared/errors";
import { httpHint } from "../../shared/http-status";
import type { Viewer } from "../../shared/viewer";

export const IDEMPOTENCY_HEADER = "idempotency-key";
/** Set on a replayed response (and read by the audit plugin, which records no second row for it). */
export const REPLAYED_HEADER = "idempotent-replayed";

/** A response as first sent, replayed for retries with the same key and request. */
export interface StoredResponse {
  status: number;
  headers: [string, string][];
  /** The JSON body text. */
  body: string;
}

/** One request's hold on a key; `active` while its execution may still commit writes. */
export interface Attempt {
  principal: string;
  key: string;
  token: string;
  active: boolean;
}

export type Claim = { kind: "owned"; attempt: Attempt } | { kind: "replay"; response: StoredResponse };

/** Keys are scoped by who sends them: two users (or a user and a partner) never share one. */
export function principalOf(viewer: Viewer): string | null {
  if (viewer.kind === "staff") return `user:${viewer.userId}`;
  if (viewer.kind === "partner") return `partner:${viewer.keyId}`;
  return null;
}

/** 1 to 255 printable ASCII characters (Stripe's rule); anything else is a 400 before any work. */
export function checkKey(raw: string): string {
  if (!/^[\x20-\x7e]{1,255}$/.test(raw)) {
    throw new BadUserInputError("Idempotency-Key must be 1 to 255 printable ASCII characters; a UUID is a good choice.", {
      http: httpHint("BAD_USER_INPUT"),
    });
  }
  return raw;
}

/** JSON with object keys sorted at every level, so that equal variables give equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** SHA-256 of the normalised document (print(parse())), the operation name and the canonical variables. */
export function requestFingerprint(
  printedDocument: string,
  operationName: string | null | undefined,
  variables: unknown,
): string {
  return createHash("sha256")
    .update(printedDocument)
    .update("\0")
    .update(operationName ?? "")
    .update("\0")
    .update(canonicalJson(variables ?? {}))
    .digest("hex");
}

/*
 * The commit fence. While a keyed mutation executes, every transaction it commits first marks
 * its claim row `committed_at`, in that same transaction, and only if the claim is still its
 * own (lease token unchanged). So:
 *   - a claim abandoned by a killed process says whether its writes committed: a retry re-executes
 *     only when they did not, and never runs a mutation twice;
 *   - an attempt whose lease ran out and was taken over by a retry cannot commit any more (its
 *     transaction rolls back), so the retry is the only one that writes.
 * It needs no change to the services: TypeORM calls beforeTransactionCommit on the transaction's
 * own query runner, and the attempt travels with the request's async context.
 */
const currentAttempt = new AsyncLocalStorage<Attempt>();

/**
 * Run the rest of this request's execution under `attempt`. Called synchronously from Apollo's
 * executionDidStart, immediately before it executes the operation (enterWith, because Apollo has
 * no hook that wraps execution in a callback).
 */
export function enterAttempt(attempt: Attempt): void {
  currentAttempt.enterWith(attempt);
}

class CommitFence implements EntitySubscriberInterface {
  async beforeTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const a = currentAttempt.getStore();
    if (!a?.active) return;
    const marked = await event.queryRunner.query(
      `UPDATE idempotency_keys SET committed_at = coalesce(committed_at, now())
       WHERE principal = $1 AND key = $2 AND lease_token = $3 AND state = 'IN_PROGRESS'`,
      [a.principal, a.key, a.token],
      true,
    );
    if (!marked.affected) {
      // Thrown before COMMIT: the mutation's transaction rolls back.
      throw new ConflictError(
        "This request took too long and a retry with the same Idempotency-Key took over; its changes were rolled back. The retry's answer is the one that counts: send the request again with that key to get it.",
      );
    }
  }
}

interface KeyRow {
  fingerprint: string;
  state: "IN_PROGRESS" | "DONE";
  lease_token: string;
  committed: boolean;
  lease_expired: boolean;
  expired: boolean;
  response_status: number | null;
  response_headers: [string, string][] | null;
  response_body: string | null;
}

const inProgress = () =>
  new ConflictError("A request with this Idempotency-Key is still in progress; retry in a moment to get its answer.", {
    idempotency: "IN_PROGRESS",
    http: httpHint("CONFLICT", { "retry-after": "1" }),
  });

/** Claims, replays and stores Idempotency-Keys in the idempotency_keys table. */
export class IdempotencyService {
  constructor(
    private readonly ds: DataSource,
    private readonly opts: { ttlHours: number; leaseSeconds: number },
  ) {}

  /**
   * Fence every transaction of `ds` with the current attempt's lease (see CommitFence). Called
   * once by the composition root, after initialize() (which replaces the subscriber list);
   * idempotent.
   */
  installCommitFence(): void {
    if (!this.ds.subscribers.some((s) => s instanceof CommitFence)) this.ds.subscribers.push(new CommitFence());
  }

  /**
   * Before executing: take the key (a new row, an expired one, or one abandoned before it
   * committed), or get the stored response to replay; otherwise throw the coded refusal.
   */
  async claim(principal: string, key: string, fingerprint: string): Promise<Claim> {
    const { ttlHours, leaseSeconds } = this.opts;
    // A few rounds at most: each lost race means another request changed the row meanwhile.
    for (let round = 0; round < 3; round++) {
      const token = randomUUID();
      const owned: Claim = { kind: "owned", attempt: { principal, key, token, active: true } };
      // The claim commits before the mutation runs, so a concurrent duplicate sees it at once.
      const inserted = await this.ds.query<unknown[]>(
        `INSERT INTO idempotency_keys (principal, key, fingerprint, lease_token, lease_until, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), now() + make_interval(hours => $6))
         ON CONFLICT (principal, key) DO NOTHING RETURNING 1`,
        [principal, key, fingerprint, token, leaseSeconds, ttlHours],
      );
      if (inserted.length) return owned;

      const [row] = await this.ds.query<KeyRow[]>(
        `SELECT fingerprint, state, lease_token, committed_at IS NOT NULL AS committed,
                lease_until <= now() AS lease_expired, expires_at <= now() AS expired,
                response_status, response_headers, response_body
         FROM idempotency_keys WHERE principal = $1 AND key = $2`,
        [principal, key],
      );
      if (!row) continue; // released or swept meanwhile: insert again

      if (row.expired) {
        // Past its lifetime the key is new again, whatever it held.
        const [, n] = await this.ds.query<[unknown[], number]>(
          `UPDATE idempotency_keys
           SET fingerprint = $3, state = 'IN_PROGRESS', lease_token = $4, lease_until = now() + make_interval(secs => $5),
               committed_at = NULL, response_status = NULL, response_headers = NULL, response_body = NULL,
               created_at = now(), expires_at = now() + make_interval(hours => $6)
           WHERE principal = $1 AND key = $2 AND lease_token = $7 AND expires_at <= now()`,
          [principal, key, fingerprint, token, leaseSeconds, ttlHours, row.lease_token],
        );
        if (n === 1) return owned;
        continue;
      }

      if (row.fingerprint !== fingerprint) {
        // BAD_USER_INPUT, not CONFLICT: in this API CONFLICT means "the state moved on: re-read and
        // retry", while here retrying cannot help — the client reused a key for a different request.
        // 400 like every other refusal of input (the IETF idempotency-key draft suggests 422).
        throw new BadUserInputError(
          "This Idempotency-Key was used with a different request (document, operation name or variables); use a new key for a new request.",
          { idempotency: "KEY_REUSED", http: httpHint("BAD_USER_INPUT") },
        );
      }
      if (row.state === "DONE") {
        return {
          kind: "replay",
          response: { status: row.response_status ?? 200, headers: row.response_headers ?? [], body: row.response_body ?? "{}" },
        };
      }
      if (!row.lease_expired) throw inProgress();
      if (row.committed) {
        // Its writes committed but the process died before storing the answer: never run it again.
        throw new ConflictError(
          "The request with this Idempotency-Key was applied, but the server stopped before recording its answer, so it cannot be replayed; it will not be applied twice. Read the current state instead.",
          { idempotency: "RESPONSE_LOST", http: httpHint("CONFLICT") },
        );
      }
      // Abandoned before anything committed (its process died, or it is stuck past its lease): take it over.
      const [, n] = await this.ds.query<[unknown[], number]>(
        `UPDATE idempotency_keys SET lease_token = $3, lease_until = now() + make_interval(secs => $4)
         WHERE principal = $1 AND key = $2 AND lease_token = $5 AND state = 'IN_PROGRESS'
           AND committed_at IS NULL AND lease_until <= now()`,
        [principal, key, token, leaseSeconds, row.lease_token],
      );
      if (n === 1) return owned;
    }
    throw inProgress();
  }

  /**
   * After executing: store the response when it carries data or something committed; otherwise
   * (it failed before writing anything) release the key so that a corrected retry can use it.
   */
  async finish(a: Attempt, response: StoredResponse & { hasData: boolean }): Promise<"stored" | "released" | "superseded"> {
    a.active = false;
    const [, stored] = await this.ds.query<[unknown[], number]>(
      `UPDATE idempotency_keys
       SET state = 'DONE', lease_until = NULL, response_status = $4, response_headers = $5::jsonb, response_body = $6
       WHERE principal = $1 AND key = $2 AND lease_token = $3 AND state = 'IN_PROGRESS' AND ($7 OR committed_at IS NOT NULL)`,
      [a.principal, a.key, a.token, response.status, JSON.stringify(response.headers), response.body, response.hasData],
    );
    let outcome: "stored" | "released" | "superseded" = "stored";
    if (stored !== 1) {
      const [, released] = await this.ds.query<[unknown[], number]>(
        `DELETE FROM idempotency_keys
         WHERE principal = $1 AND key = $2 AND lease_token = $3 AND state = 'IN_PROGRESS' AND committed_at IS NULL`,
        [a.principal, a.key, a.token],
      );
      outcome = released === 1 ? "released" : "superseded";
    }
    await this.sweep();
    return outcome;
  }

  /** Delete a bounded batch of expired keys; run after each keyed mutation, so it keeps up with them. */
  async sweep(limit = 100): Promise<number> {
    const [, n] = await this.ds.query<[unknown[], number]>(
      `DELETE FROM idempotency_keys WHERE (principal, key) IN (
         SELECT principal, key FROM idempotency_keys WHERE expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [limit],
    );
    return n;
  }
}
