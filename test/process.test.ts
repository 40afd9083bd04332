import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_ADMIN, DEMO_EDITOR } from "../src/seed/seed";
import { freePort } from "./support/free-port";

/*
 * The two-command promise, end to end, as an operator runs it: `npm start` on an empty data
 * directory brings up the embedded PostgreSQL, migrates, loads the demo story and serves; a
 * crash (SIGKILL) leaves an orphaned postgres that the next start recovers from; SIGTERM shuts
 * down cleanly. The command-line tools and a second start leave a running server alone, and
 * production never runs on the embedded database or its demo accounts unless asked.
 * Every spawned server gets its own DATA_DIR and free ports.
 */
const root = fs.mkdtempSync(path.join(os.tmpdir(), "newsgraph-proc-"));
// As root, the embedded PostgreSQL runs as the postgres user, which must reach the data directories.
fs.chmodSync(root, 0o755);
const children: ChildProcess[] = [];
const dataDirs: string[] = [];

interface Instance {
  dataDir: string;
  port: number;
  pgPort: number;
}

async function instance(): Promise<Instance> {
  const dataDir = fs.mkdtempSync(path.join(root, "data-"));
  dataDirs.push(dataDir);
  return { dataDir, port: await freePort(), pgPort: await freePort() };
}

interface Spawned {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the server logs that it serves; rejects if it exits first. */
  ready: Promise<void>;
  exited: Promise<number | null>;
}

function run(inst: Instance, script: string, args: string[] = [], extraEnv: Record<string, string> = {}): Spawned {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    DATA_DIR: inst.dataDir,
    PORT: String(inst.port),
    EMBEDDED_PG_PORT: String(inst.pgPort),
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["-r", "@swc-node/register", script, ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes("serving GraphQL")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then((code) => reject(new Error(`exited early with ${code}:\n${out}`)));
  });
  ready.catch(() => undefined);
  return { child, output: () => out, ready, exited };
}

/** The exit code, or "still running" (and killed) when the process has not exited within `ms`. */
async function finished(s: Spawned, ms = 90_000): Promise<number | null | "still running"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"still running">((r) => (timer = setTimeout(() => r("still running"), ms)));
  const result = await Promise.race([s.exited, timeout]);
  clearTimeout(timer);
  if (result === "still running") s.child.kill("SIGKILL");
  return result;
}

const start = (inst: Instance, env: Record<string, string> = {}) => run(inst, "src/main.ts", [], env);

async function gql<T>(
  inst: Instance,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`http://127.0.0.1:${inst.port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function frontPageCount(inst: Instance): Promise<number> {
  const { status, body } = await gql<{ data: { articles: { totalCount: number } } }>(inst, "{ articles { totalCount } }");
  expect(status).toBe(200);
  return body.data.articles.totalCount;
}

const LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
async function login(inst: Instance, email: string, password: string) {
  return gql<{ data: { login: { token: string } } | null; errors?: { extensions?: { code?: string } }[] }>(inst, LOGIN, {
    e: email,
    p: password,
  });
}

const postmasterPid = (dataDir: string) =>
  Number(fs.readFileSync(path.join(dataDir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  const postmasters: number[] = [];
  for (const dir of dataDirs) {
    try {
      const pid = postmasterPid(dir);
      if (alive(pid)) {
        process.kill(pid, "SIGINT");
        postmasters.push(pid);
      }
    } catch {
      /* never started, or already gone */
    }
  }
  // Remove the scratch directories once their PostgreSQL has exited (bounded: it is only scratch).
  for (let i = 0; i < 100 && postmasters.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  fs.rmSync(root, { recursive: true, force: true });
}, 30_000);

describe("the server process", () => {
  it("starts on an empty machine, survives a crash, and shuts down cleanly", async () => {
    const inst = await instance();
    const first = start(inst);
    await first.ready;
    expect(first.output()).toContain(`data lives in ${path.join(inst.dataDir, "pg")}`);
    expect(first.output()).toContain("set DATABASE_URL=");
    expect(first.output()).toContain("demo story loaded");
    // Outside production the demo credentials are printed, so a newcomer can sign in.
    expect(first.output()).toContain(DEMO_EDITOR.password);
    expect(first.output()).toContain(`${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
    const visible = await frontPageCount(inst);
    expect(visible).toBeGreaterThan(5);

    // The demo admin tries what only admins do, without the CLI: a partner key that then reads.
    const admin = (await login(inst, DEMO_ADMIN.email, DEMO_ADMIN.password)).body.data!.login.token;
    const created = await gql<{ data: { createPartnerKey: { key: string; partnerKey: { name: string } } } }>(
      inst,
      `mutation { createPartnerKey(input: { name: "Demo wire", scopes: ["content:read"] }) { key partnerKey { name } } }`,
      {},
      admin,
    );
    expect(created.body.data.createPartnerKey.partnerKey.name).toBe("Demo wire");
    const partner = await gql<{ data: { articles: { totalCount: number } } }>(
      inst,
      "{ articles { totalCount } }",
      {},
      created.body.data.createPartnerKey.key,
    );
    expect(partner.body.data.articles.totalCount).toBe(visible);
    expect((await fetch(`http://127.0.0.1:${inst.port}/readyz`)).status).toBe(200);

    const orphan = postmasterPid(inst.dataDir);
    first.child.kill("SIGKILL");
    await first.exited;
    expect(alive(orphan)).toBe(true);

    const second = start(inst);
    await second.ready;
    expect(second.output()).toContain("left running by an earlier crash");
    expect(alive(orphan)).toBe(false);
    expect(await frontPageCount(inst)).toBe(visible);
    expect(second.output()).not.toContain("demo story loaded");

    const restarted = postmasterPid(inst.dataDir);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain("stopped cleanly");
    expect(alive(restarted)).toBe(false);
  }, 180_000);

  it("leaves a running server's database alone: the command-line tools use it, a second start refuses", async () => {
    const inst = await instance();
    const server = start(inst);
    await server.ready;
    const visible = await frontPageCount(inst);
    const pgPid = postmasterPid(inst.dataDir);

    const email = `ops-${process.pid}@newsgraph.example`;
    const password = "a long operator password";
    const create = run(inst, "src/cli/user-create.ts", ["--email", email, "--role", "ADMIN"], { NEWSGRAPH_PASSWORD: password });
    expect(await finished(create), create.output()).toBe(0);
    expect(create.output()).toContain(`created ADMIN ${email}`);
    expect(create.output()).not.toContain("earlier crash");
    // The server still answers, on the same PostgreSQL, and the account exists in its database.
    expect(alive(pgPid)).toBe(true);
    expect(await frontPageCount(inst)).toBe(visible);
    const signedIn = await login(inst, email, password);
    expect(signedIn.body.data?.login.token).toBeTruthy();

    const seed = run(inst, "src/cli/seed.ts");
    expect(await finished(seed), seed.output()).toBe(0);
    expect(seed.output()).toContain("demo story already present");
    expect(seed.output()).not.toContain("earlier crash");
    expect(await frontPageCount(inst)).toBe(visible);

    const migrations = run(inst, "src/cli/migration.ts", ["check"]);
    await finished(migrations);
    expect(migrations.output()).not.toContain("earlier crash");
    expect(alive(pgPid)).toBe(true);
    expect(await frontPageCount(inst)).toBe(visible);

    const again = start(inst);
    const code = await finished(again);
    expect(code).not.toBe(0);
    expect(code).not.toBe("still running");
    expect(again.output()).toContain(`already running (pid ${server.child.pid}, port ${inst.port})`);
    expect(again.output()).not.toContain("earlier crash");
    expect(alive(pgPid)).toBe(true);
    expect(postmasterPid(inst.dataDir)).toBe(pgPid);
    expect(await frontPageCount(inst)).toBe(visible);

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(alive(pgPid)).toBe(false);

    // The same data directory, first used in development, now run as production: the demo
    // editor's published password stops working; real accounts keep theirs.
    const prod = start(inst, { NODE_ENV: "production", EMBEDDED_IN_PRODUCTION: "true" });
    await prod.ready;
    expect(prod.output()).toContain("deactivated the demo editor");
    expect(prod.output()).toContain("deactivated the demo admin");
    for (const account of [DEMO_EDITOR, DEMO_ADMIN]) {
      expect(prod.output()).not.toContain(account.password);
      const demo = await login(inst, account.email, account.password);
      expect(demo.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
    expect((await login(inst, email, password)).body.data?.login.token).toBeTruthy();
    expect(await frontPageCount(inst)).toBe(visible);
    prod.child.kill("SIGTERM");
    expect(await prod.exited).toBe(0);
  }, 300_000);

  it("refuses to run production on the embedded database unless asked, and then has no demo accounts", async () => {
    const inst = await instance();
    const refused = start(inst, { NODE_ENV: "production" });
    expect(await finished(refused, 60_000)).toBe(2);
    expect(refused.output()).toMatch(/NODE_ENV=production.*DATABASE_URL/);
    expect(refused.output()).toContain("EMBEDDED_IN_PRODUCTION=true");
    expect(fs.existsSync(path.join(inst.dataDir, "pg"))).toBe(false);

    const seeded = start(inst, { NODE_ENV: "production", EMBEDDED_IN_PRODUCTION: "true", SEED_DEMO: "true" });
    expect(await finished(seeded, 60_000)).toBe(2);
    expect(seeded.output()).toContain("SEED_DEMO");

    const server = start(inst, { NODE_ENV: "production", EMBEDDED_IN_PRODUCTION: "true" });
    await server.ready;
    expect(await frontPageCount(inst)).toBe(0);
    for (const account of [DEMO_EDITOR, DEMO_ADMIN]) {
      const demo = await login(inst, account.email, account.password);
      expect(demo.body.data?.login ?? null).toBeNull();
      expect(demo.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }

    // The demo story cannot be loaded into it by hand either.
    const seed = run(inst, "src/cli/seed.ts", [], { NODE_ENV: "production", EMBEDDED_IN_PRODUCTION: "true" });
    expect(await finished(seed)).toBe(1);
    expect(seed.output()).toContain("NODE_ENV=production");
    expect(await frontPageCount(inst)).toBe(0);

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    for (const out of [refused.output(), seeded.output(), server.output(), seed.output()]) {
      expect(out).not.toContain(DEMO_EDITOR.password);
      expect(out).not.toContain(DEMO_ADMIN.password);
    }
    // The embedded PostgreSQL's own password is a secret of this data directory, never printed.
    const secret = fs.readFileSync(path.join(inst.dataDir, "embedded-pg.secret"), "utf8").trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(server.output()).not.toContain(secret);
  }, 180_000);
});
