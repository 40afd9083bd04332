import { Pool } from "pg";
import type { Logger } from "../shared/logger";
import type { ReadScope } from "../shared/read-scope";
import { queryStats } from "./query-counter";

/*
 * Public reads on PostgreSQL streaming replicas, never older than a change this process has heard
 * announced. Every committed content change NOTIFYs the response cache (outbox/append.ts); on
 * each notice the event bus reads the primary's WAL insert position on its LISTEN connection,
 * which is at or past that commit (AnnouncedLsn). A replica is used for a read only once it has
 * replayed the highest such position; until the position is known, reads go to the primary.
 * Replay positions are polled (every pollMs) and checked on demand when a replica looks behind.
 * Hand-written: TypeORM's replication settings pick a replica blindly, without this rule.
 */

/** "16/B374D848" as a number, so positions compare with < (LSNs are 64-bit). */
export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split("/");
  if (hi === undefined || lo === undefined) throw new Error(`not an LSN: ${text}`);
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** What AnnouncedLsn needs from the event bus (structural, so src/db does not depend on the outbox). */
export interface AnnouncementSource {
  /** The primary's WAL insert position, read on the connection the notices arrive on. */
  walPosition(): Promise<string>;
  onCacheNotice(listener: (payload: string) => void): void;
  onConnectionChange(listener: (up: boolean) => void): void;
}

/**
 * The highest WAL position announced to this process. A notice arrives after its commit; a
 * position read on the same connection after it is at or past that commit. While a notice's
 * position is being read, or the LISTEN connection is down (notices may be missed), nothing is
 * known: `required()` is null and every read goes to the primary.
 */
export class AnnouncedLsn {
  private high = 0n;
  private dirty = false;
  private up = false;
  private running: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly source: AnnouncementSource,
    private readonly log: Logger,
  ) {
    source.onCacheNotice(() => this.noticed());
    source.onConnectionChange((up) => {
      this.up = up;
      // Back: whatever was committed meanwhile is covered by the position read now.
      if (up) this.noticed();
    });
  }

  /** The position a replica must have replayed to serve a read now; null: the primary only. */
  required(): bigint | null {
    return !this.up || this.dirty || this.running ? null : this.high;
  }

  /** Highest position known so far (for the cache's purges and for operators). */
  get highest(): bigint {
    return this.high;
  }

  /** Resolves with required() once the notices received so far have their position (null if that failed). */
  async settled(): Promise<bigint | null> {
    for (let i = 0; this.running && i < 50; i++) await this.running;
    return this.required();
  }

  private noticed(): void {
    this.dirty = true;
    if (this.running || !this.up || this.closed) return;
    this.running = this.read().finally(() => {
      this.running = null;
    });
  }

  private async read(): Promise<void> {
    while (this.dirty && this.up && !this.closed) {
      this.dirty = false;
      try {
        const lsn = parseLsn(await this.source.walPosition());
        if (lsn > this.high) this.high = lsn;
      } catch (err) {
        this.dirty = true;
        if (this.closed) return;
        this.log.warn({ err }, "could not read the primary's WAL position; public reads use the primary until it can be read");
        if (!this.retryTimer) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            this.dirty = false;
            this.noticed();
          }, 500);
          this.retryTimer.unref();
        }
        return;
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }
}

interface Replica {
  /** host:port/database, for logs (no credentials). */
  label: string;
  pool: Pool;
  /** Last replay position read; null before the first poll or while down. */
  replay: bigint | null;
  lagMs: number;
  /** When replay was last read (ms). */
  polledAt: number;
  up: boolean;
  /** Whether "down" (or "not a standby") was logged since it was last up. */
  reported: boolean;
  checking: Promise<void> | null;
  /** Statements run on it (for operators and the faults test). */
  reads: number;
}

export interface ReplicaSetOptions {
  urls: string[];
  poolSize: number;
  /** How often each replica's replay position is read. */
  pollMs: number;
  /** A replica further behind than this (in time) is not used, whatever it has replayed. */
  maxLagMs: number;
  statementTimeoutMs?: number;
  log: Logger;
  announced: AnnouncedLsn;
  /** Run a statement on the primary (the fallback). */
  primary: <T>(sql: string, params: unknown[]) => Promise<T[]>;
}

const POLL_SQL = `SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replay,
  CASE WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
       ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000, 0) END::float8 AS lag_ms`;

/** An on-demand check is skipped when the replica's position is younger than this. */
const ON_DEMAND_MIN_MS = 10;

function labelOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return "(unparseable url)";
  }
}

/** SQLSTATE classes of a statement that failed on a working server (anything else: treat the replica as down). */
const CONNECTION_CLASSES = new Set(["08", "57", "53"]);
function replicaUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return CONNECTION_CLASSES.has(code.slice(0, 2));
}

export class ReplicaSet {
  private readonly replicas: Replica[];
  private readonly timers: NodeJS.Timeout[] = [];
  private next = 0;
  private closed = false;
  /** Statements of public reads that ran on the primary because no replica qualified. */
  primaryReads = 0;

  constructor(private readonly opts: ReplicaSetOptions) {
    this.replicas = opts.urls.map((url) => {
      const pool = new Pool({
        connectionString: url,
        max: opts.poolSize,
        application_name: "newsgraph-replica",
        connectionTimeoutMillis: 5000,
        statement_timeout: opts.statementTimeoutMs ?? 15_000,
        options: "-c jit=off",
        keepAlive: true,
      });
      const replica: Replica = {
        label: labelOf(url),
        pool,
        replay: null,
        lagMs: 0,
        polledAt: 0,
        up: false,
        reported: false,
        checking: null,
        reads: 0,
      };
      // An idle connection that breaks (the replica stopped) must not crash the process.
      pool.on("error", (err) => this.down(replica, err));
      return replica;
    });
  }

  /** Read every replica's position once, then keep polling. Never throws: a replica down is skipped. */
  async start(): Promise<void> {
    await Promise.all(this.replicas.map((r) => this.check(r)));
    for (const r of this.replicas) {
      const t = setInterval(() => void this.check(r), this.opts.pollMs);
      t.unref();
      this.timers.push(t);
    }
  }

  /** Per replica: position, lag, whether it is used, and how many statements it ran. */
  status(): { label: string; up: boolean; replay: string | null; lagMs: number; reads: number }[] {
    return this.replicas.map((r) => ({
      label: r.label,
      up: r.up,
      replay: r.replay === null ? null : formatLsn(r.replay),
      lagMs: r.lagMs,
      reads: r.reads,
    }));
  }

  /**
   * A scope for one request (see src/shared/read-scope.ts). `floor`: a position the shared cache
   * has seen purged (other instances' announcements); replicas must have replayed it too.
   */
  openScope(floor: bigint = 0n): ReadScope {
    // undefined: not chosen yet; null: the primary; a promise while an on-demand check runs.
    let choice: Replica | null | Promise<Replica | null> | undefined;
    const scope: ReadScope = {
      replicaAllowed: false,
      readLsn: null,
      route: <T>(sql: string, params: unknown[]): Promise<T[]> | null => {
        if (choice === undefined) {
          choice = this.choose(floor);
          if (choice instanceof Promise) {
            choice = choice.then((r) => (choice = this.pinned(scope, r)));
          } else choice = this.pinned(scope, choice);
        }
        if (choice === null) {
          this.primaryReads++;
          return null;
        }
        if (choice instanceof Promise) {
          return choice.then((r) => (r ? this.run<T>(r, scope, sql, params) : this.opts.primary<T>(sql, params)));
        }
        return this.run<T>(choice, scope, sql, params);
      },
    };
    return scope;
  }

  private pinned(scope: ReadScope, r: Replica | null): Replica | null {
    if (r) scope.readLsn = r.replay;
    return r;
  }

  private usable(r: Replica, need: bigint, now: number): boolean {
    return (
      r.up &&
      r.replay !== null &&
      r.replay >= need &&
      r.lagMs <= this.opts.maxLagMs &&
      now - r.polledAt <= Math.max(1000, this.opts.pollMs * 10)
    );
  }

  /** A replica that has replayed what this read needs, round robin; else, after an on-demand check of those behind, one of them or null. */
  private choose(floor: bigint): Replica | null | Promise<Replica | null> {
    const required = this.opts.announced.required();
    if (required === null || this.closed) return null;
    const need = required > floor ? required : floor;
    const found = this.pick(need);
    if (found) return found;
    // Up but behind: read their positions now (one check per replica at a time, shared by every request waiting).
    // Read just now and still behind: the primary, rather than another round trip per request.
    const now = Date.now();
    const behind = this.replicas.filter(
      (r) => r.up && r.replay !== null && r.replay < need && now - r.polledAt >= ON_DEMAND_MIN_MS,
    );
    if (behind.length === 0) return null;
    return Promise.all(behind.map((r) => this.check(r))).then(() => this.pick(need));
  }

  private pick(need: bigint): Replica | null {
    const now = Date.now();
    const n = this.replicas.length;
    for (let i = 0; i < n; i++) {
      const r = this.replicas[(this.next + i) % n]!;
      if (this.usable(r, need, now)) {
        this.next = (this.next + i + 1) % n;
        return r;
      }
    }
    return null;
  }

  private async run<T>(r: Replica, scope: ReadScope, sql: string, params: unknown[]): Promise<T[]> {
    try {
      const { rows } = await r.pool.query<T & object>(sql, params);
      r.reads++;
      const stats = queryStats.getStore();
      if (stats) stats.count += 1;
      return rows;
    } catch (err) {
      // A replica's failure is never the client's: the rest of this request reads the primary.
      scope.replicaAllowed = false;
      if (replicaUnreachable(err)) this.down(r, err);
      else
        this.opts.log.warn(
          { err: { message: (err as Error).message }, replica: r.label },
          "a read failed on a replica; retried on the primary",
        );
      return this.opts.primary<T>(sql, params);
    }
  }

  private check(r: Replica): Promise<void> {
    if (this.closed) return Promise.resolve();
    r.checking ??= this.poll(r).finally(() => {
      r.checking = null;
    });
    return r.checking;
  }

  private async poll(r: Replica): Promise<void> {
    try {
      const { rows } = await r.pool.query<{ standby: boolean; replay: string | null; lag_ms: number }>(POLL_SQL);
      const row = rows[0]!;
      if (!row.standby || row.replay === null) {
        // Promoted, or not a replica at all: its data may diverge from the primary's; never use it.
        r.up = false;
        r.replay = null;
        if (!r.reported) {
          r.reported = true;
          this.opts.log.error({ replica: r.label }, "a configured replica is not a streaming standby; it is not used");
        }
        return;
      }
      r.replay = parseLsn(row.replay);
      r.lagMs = row.lag_ms;
      r.polledAt = Date.now();
      if (!r.up) {
        r.up = true;
        if (r.reported) this.opts.log.info({ replica: r.label }, "a replica answers again; public reads use it");
        r.reported = false;
      }
    } catch (err) {
      this.down(r, err);
    }
  }

  private down(r: Replica, err: unknown): void {
    r.up = false;
    r.replay = null;
    if (r.reported || this.closed) return;
    r.reported = true;
    this.opts.log.warn(
      { replica: r.label, err: { message: (err as Error).message } },
      "a replica is unreachable; public reads use the primary (or another replica) until it answers",
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all(this.replicas.map((r) => r.pool.end().catch(() => undefined)));
  }
}
