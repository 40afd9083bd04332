import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/*
 * The two-command promise, end to end: `npm start` on an empty data directory brings up the
 * embedded PostgreSQL, migrates, loads the demo story and serves; a crash (SIGKILL) leaves an
 * orphaned postgres that the next start recovers from; SIGTERM shuts down cleanly.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "newsgraph-proc-"));
const port = 41000 + (process.pid % 2000);
const pgPort = 43000 + (process.pid % 2000);
const children: ChildProcess[] = [];

function start(): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["-r", "@swc-node/register", "src/main.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes("serving GraphQL")) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited early with ${code}:\n${out}`)));
  });
  return { child, output: () => out, ready };
}

async function frontPageCount(): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ articles { totalCount } }" }),
  });
  const body = (await res.json()) as { data: { articles: { totalCount: number } } };
  return body.data.articles.totalCount;
}

const postmasterPid = () => Number(fs.readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  try {
    const pid = postmasterPid();
    if (alive(pid)) process.kill(pid, "SIGINT");
  } catch {
    /* already gone */
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the server process", () => {
  it("starts on an empty machine, survives a crash, and shuts down cleanly", async () => {
    const first = start();
    await first.ready;
    expect(first.output()).toContain(`data lives in ${path.join(dataDir, "pg")}`);
    expect(first.output()).toContain("set DATABASE_URL=");
    expect(first.output()).toContain("demo story loaded");
    const visible = await frontPageCount();
    expect(visible).toBeGreaterThan(5);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    const orphan = postmasterPid();
    first.child.kill("SIGKILL");
    await new Promise((r) => first.child.once("exit", r));
    expect(alive(orphan)).toBe(true);

    const second = start();
    await second.ready;
    expect(second.output()).toContain("left running by an earlier crash");
    expect(alive(orphan)).toBe(false);
    expect(await frontPageCount()).toBe(visible);
    expect(second.output()).not.toContain("demo story loaded");

    const restarted = postmasterPid();
    const exit = new Promise<number | null>((r) => second.child.once("exit", (code) => r(code)));
    second.child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(second.output()).toContain("stopped cleanly");
    expect(alive(restarted)).toBe(false);
  }, 90_000);
});
