import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/db/database";
import { EmbeddedInUseError, liveOwner, startEmbeddedPostgres, type EmbeddedServer, type Owner } from "../src/db/embedded";
import { createLogger } from "../src/shared/logger";
import { freePort } from "./support/free-port";

/*
 * The embedded PostgreSQL's credentials and ownership: its password is a secret of the data
 * directory (not a constant in the source), directories made with the old fixed password keep
 * working and lose it, and the record of which process owns the directory tells a crash's
 * leftovers from a live server, a reused pid included.
 */
const log = createLogger("silent");
const LEGACY = "newsgraph-embedded";
const dirs: string[] = [];
const running: EmbeddedServer[] = [];

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "newsgraph-embedded-"));
  dirs.push(dir);
  return dir;
}

async function boot(dir: string, port: number): Promise<EmbeddedServer> {
  const pg = await startEmbeddedPostgres({ dataDir: dir, port, log, database: "newsgraph", durable: false });
  running.push(pg);
  return pg;
}

async function connectError(port: number, password: string): Promise<string | undefined> {
  const c = new Client({ host: "127.0.0.1", port, user: "newsgraph", password, database: "postgres" });
  try {
    await c.connect();
    await c.end();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

const secretOf = (dir: string) => fs.readFileSync(path.join(dir, "embedded-pg.secret"), "utf8").trim();
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

afterAll(async () => {
  for (const pg of running) await pg.stop().catch(() => undefined);
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the embedded PostgreSQL's password", () => {
  it("is a random secret of the data directory, readable by its owner only, and replaces the old fixed one", async () => {
    const dir = dataDir();
    const port = await freePort();
    let pg = await boot(dir, port);
    const secret = secretOf(dir);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(secret).not.toBe(LEGACY);
    expect(modeOf(path.join(dir, "embedded-pg.secret"))).toBe(0o600);
    expect(decodeURIComponent(new URL(pg.url).password)).toBe(secret);
    expect(await connectError(port, LEGACY)).toBe("28P01");
    expect(await connectError(port, secret)).toBeUndefined();
    expect(fs.readdirSync(dir).sort()).toEqual(["embedded-pg.secret", "owner.json", "pg"]);

    // A directory from before the secret: the old fixed password and no secret file, with data in it.
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    await c.query(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
    await c.query(`ALTER ROLE newsgraph PASSWORD '${LEGACY}'`);
    await c.end();
    await pg.stop();
    fs.rmSync(path.join(dir, "embedded-pg.secret"));
    // A crash during an earlier switch left a pending secret that was never applied.
    fs.writeFileSync(path.join(dir, "embedded-pg.secret.pending"), "never-applied\n", { mode: 0o600 });

    pg = await boot(dir, port);
    const migrated = secretOf(dir);
    expect(migrated).not.toBe(LEGACY);
    expect(migrated).not.toBe("never-applied");
    expect(modeOf(path.join(dir, "embedded-pg.secret"))).toBe(0o600);
    expect(await connectError(port, LEGACY)).toBe("28P01");
    const again = new Client({ connectionString: pg.url });
    await again.connect();
    expect((await again.query<{ v: string }>("SELECT v FROM kept")).rows).toEqual([{ v: "still here" }]);
    await again.end();
    await pg.stop();

    // And the next start simply reads it.
    pg = await boot(dir, port);
    expect(secretOf(dir)).toBe(migrated);
    expect(await connectError(port, migrated)).toBeUndefined();
    await pg.stop();
  }, 120_000);
});

describe("who owns a data directory", () => {
  it("is recorded while the PostgreSQL runs; a second start is refused; a clean stop releases it", async () => {
    const dir = dataDir();
    const port = await freePort();
    const pg = await boot(dir, port);
    const owner = JSON.parse(fs.readFileSync(path.join(dir, "owner.json"), "utf8")) as Owner;
    expect(owner).toMatchObject({ pid: process.pid, pgPort: port });
    expect(liveOwner(dir)?.pid).toBe(process.pid);

    const second = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), log }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(second).toBeInstanceOf(EmbeddedInUseError);
    expect(fs.existsSync(path.join(dir, "pg", "postmaster.pid"))).toBe(true);
    expect(await connectError(port, secretOf(dir))).toBeUndefined();

    await pg.stop();
    expect(fs.existsSync(path.join(dir, "owner.json"))).toBe(false);
  }, 120_000);

  it("decides what a tool or a second server does beside it", async () => {
    const dir = dataDir();
    const port = await freePort();
    const config = loadConfig({ NODE_ENV: "test", DATA_DIR: dir, EMBEDDED_PG_PORT: String(await freePort()), PORT: "4123" });
    const server = await startEmbeddedPostgres({
      dataDir: dir,
      port,
      log,
      owner: { role: "server", command: "npm start", httpPort: 4123 },
    });
    running.push(server);

    // A tool uses the server's PostgreSQL (its port, not the tool's EMBEDDED_PG_PORT) and leaves it running.
    const tool = await openDatabase(config, log, { cli: "npm run seed", runMigrations: false });
    expect(Number(new URL(tool.embedded!.url).port)).toBe(port);
    expect(await tool.dataSource.query("SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    await tool.close();
    expect(await connectError(port, secretOf(dir))).toBeUndefined();

    await expect(openDatabase(config, log)).rejects.toThrow(`already running (pid ${process.pid}, port 4123)`);
    await server.stop();

    // Beside another tool, rather than share a PostgreSQL that tool will stop when it finishes, refuse.
    const other = await startEmbeddedPostgres({ dataDir: dir, port, log, owner: { role: "cli", command: "npm run seed" } });
    running.push(other);
    await expect(openDatabase(config, log, { cli: "npm run user:create" })).rejects.toThrow(
      `npm run seed (pid ${process.pid}) is using the embedded database in ${dir}; run npm run user:create again when it has finished.`,
    );
    await expect(openDatabase(config, log)).rejects.toThrow(/npm run seed .* start the server when it has finished/);
    await other.stop();
  }, 120_000);

  it("is stale when its process is gone, is not Node, or is another process with the same pid", async () => {
    const dir = dataDir();
    const record = (o: Partial<Owner>) =>
      fs.writeFileSync(
        path.join(dir, "owner.json"),
        JSON.stringify({
          pid: 0,
          startTicks: null,
          role: "server",
          command: "npm start",
          pgPort: 1,
          httpPort: 2,
          startedAt: "",
          ...o,
        }),
      );
    // A Node process that has exited.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    record({ pid: Number(gone) });
    expect(liveOwner(dir)).toBeNull();

    // A live process that is not Node (the pid was reused by something else).
    const sleeper = spawn("sleep", ["30"]);
    try {
      record({ pid: sleeper.pid });
      expect(liveOwner(dir)).toBeNull();
    } finally {
      sleeper.kill("SIGKILL");
    }

    // A live Node process that started at another time than the recorded owner.
    const node = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      const stat = fs.readFileSync(`/proc/${node.pid}/stat`, "utf8");
      const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
      record({ pid: node.pid, startTicks: ticks - 1 });
      expect(liveOwner(dir)).toBeNull();
      record({ pid: node.pid, startTicks: ticks });
      expect(liveOwner(dir)?.pid).toBe(node.pid);
    } finally {
      node.kill("SIGKILL");
    }

    // A stale record does not stop the next start.
    record({ pid: Number(gone) });
    const pg = await boot(dir, await freePort());
    expect(liveOwner(dir)?.pid).toBe(process.pid);
    await pg.stop();
  }, 120_000);
});
