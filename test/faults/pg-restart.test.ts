import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  editorClient,
  killAllChildren,
  login,
  markerCounts,
  provisionDatabase,
  request,
  runOp,
  sleep,
  spawnServer,
  type EditorClient,
  type OpKind,
  type OpRecord,
  type ServerChild,
  type TestDatabase,
} from "./support";

/*
 * PostgreSQL stopped (fast shutdown: every session terminated, open transactions rolled back)
 * under a mixed load of reads and writes, kept down ~3 s, started again. The server child must
 * stay up, say so on /readyz, answer every request with a coded error while the database is
 * gone, and serve again within 5 s of the database's return; every acknowledged write must be
 * stored and every refused one must have left nothing behind.
 */
const CLIENTS = 6;
const DOWN_MS = 3000;
const RECOVERY_BUDGET_MS = 5000;
/** Codes a client may see while the database is away (anything else is a bug). */
const OUTAGE_CODES = new Set(["SERVICE_UNAVAILABLE"]);

let db: TestDatabase;
let server: ServerChild;

beforeAll(async () => {
  db = await provisionDatabase({ dedicated: true });
  // No response cache: it would answer some reads during the outage and hide the database path.
  server = await spawnServer({ databaseUrl: db.url, env: { RESPONSE_CACHE: "off" } });
});

afterAll(async () => {
  if (server?.running()) {
    server.child.kill("SIGTERM");
    await Promise.race([server.exited, sleep(25_000)]);
  }
  killAllChildren();
  await db?.destroy();
});

const pick = (i: number): OpKind => (i % 10 < 6 ? "read" : i % 10 < 8 ? "create" : "update");

describe("PostgreSQL restarted under load", () => {
  it("keeps the server up, turns /readyz red then green, recovers within 5 s and loses nothing", async () => {
    const tag = randomBytes(3).toString("hex");
    const token = await login(server.port);
    const clients: EditorClient[] = [];
    for (let i = 0; i < CLIENTS; i++) clients.push(await editorClient(server.port, i, token, tag));

    const ops: OpRecord[] = [];
    let stopLoad = false;
    const loadDeadline = Date.now() + 90_000;
    const loops = clients.map(async (c) => {
      for (let i = 0; i < 20_000 && !stopLoad && Date.now() < loadDeadline; i++) {
        ops.push(await runOp(server.port, c, pick(i + c.id), tag, 15_000));
        await sleep(5);
      }
    });

    await sleep(3000);
    const readyBefore = await request(server.port, { method: "GET", path: "/readyz" });

    const stopAt = Date.now();
    await db.stop();
    const downAt = Date.now();
    const readyDown: number[] = [];
    const readyDownMs: number[] = [];
    while (Date.now() - downAt < DOWN_MS) {
      const r = await request(server.port, { method: "GET", path: "/readyz", agent: false, timeoutMs: 5000 });
      readyDown.push(r.kind === "response" ? r.status : -1);
      readyDownMs.push(Math.round(r.ms));
      await sleep(250);
    }
    await db.start();
    const upAt = Date.now();

    let readyAgainMs = NaN;
    for (let i = 0; i < 200; i++) {
      const r = await request(server.port, { method: "GET", path: "/readyz", agent: false, timeoutMs: 5000 });
      if (r.kind === "response" && r.status === 200) {
        readyAgainMs = Date.now() - upAt;
        break;
      }
      await sleep(50);
    }
    await sleep(RECOVERY_BUDGET_MS + 3000);
    stopLoad = true;
    await Promise.all(loops);
    for (const c of clients) c.agent.destroy();

    // ---- the numbers ----
    const after = (kind: OpKind | "write") =>
      ops.filter((o) => o.result === "ok" && o.startedAt >= upAt && (kind === "write" ? o.op !== "read" : o.op === kind));
    const firstOk = (list: OpRecord[]) => Math.min(...list.map((o) => o.endedAt)) - upAt;
    const failed = ops.filter((o) => o.result !== "ok");
    const lastFailureAfterUp = Math.max(0, ...failed.filter((o) => o.startedAt >= upAt).map((o) => o.startedAt - upAt));
    const writes = ops.filter((o) => o.op !== "read");
    const summary = {
      requests: ops.length,
      writes: writes.length,
      failed: failed.length,
      failedByCode: Object.fromEntries(
        [...new Set(failed.map((o) => o.codes.join("+") || o.netCode || String(o.status)))].map((k) => [
          k,
          failed.filter((o) => (o.codes.join("+") || o.netCode || String(o.status)) === k).length,
        ]),
      ),
      failedStatuses: [...new Set(failed.map((o) => o.status))],
      stopMs: downAt - stopAt,
      downMs: upAt - downAt,
      readyzWhileDown: readyDown.join(" "),
      readyzWhileDownMs: readyDownMs.join(" "),
      readyzGreenAfterMs: readyAgainMs,
      firstReadOkAfterMs: firstOk(after("read")),
      firstWriteOkAfterMs: firstOk(after("write")),
      lastFailureStartedAfterUpMs: lastFailureAfterUp,
    };
    console.log("PostgreSQL restart under load:", JSON.stringify(summary, null, 2));
    if (process.env.FAULTS_DEBUG)
      fs.writeFileSync(process.env.FAULTS_DEBUG, JSON.stringify({ stopAt, downAt, upAt, ops, out: server.output() }));

    // The server stayed up throughout.
    expect.soft(server.running(), server.output()).toBe(true);
    // /readyz: green, red while the database is away, green again.
    expect.soft(readyBefore.kind === "response" && readyBefore.status).toBe(200);
    expect.soft(readyDown.length).toBeGreaterThan(0);
    expect.soft(readyDown.every((s) => s === 503)).toBe(true);
    expect.soft(readyAgainMs).toBeLessThanOrEqual(RECOVERY_BUDGET_MS);
    // Requests succeed again within 5 s of the database's return, and keep succeeding.
    expect.soft(summary.firstReadOkAfterMs).toBeLessThanOrEqual(RECOVERY_BUDGET_MS);
    expect.soft(summary.firstWriteOkAfterMs).toBeLessThanOrEqual(RECOVERY_BUDGET_MS);
    expect.soft(lastFailureAfterUp).toBeLessThanOrEqual(RECOVERY_BUDGET_MS);
    // The outage was felt (or this test proves nothing), and every request got an answer.
    expect.soft(failed.length).toBeGreaterThan(0);
    expect.soft(ops.filter((o) => o.result === "no-response" || o.result === "cut")).toEqual([]);
    // Errors are coded, never a 500 with driver text.
    expect.soft(ops.flatMap((o) => o.leaks)).toEqual([]);
    const badErrors = failed.filter((o) => o.status === 500 || o.codes.length === 0 || o.codes.some((c) => !OUTAGE_CODES.has(c)));
    expect.soft(badErrors.map((o) => `${o.op} ${o.status} ${o.codes.join()} ${o.messages?.join()}`)).toEqual([]);

    // Nothing lost: acknowledged writes are stored, refused ones left nothing behind.
    const counts = await markerCounts(
      db.url,
      writes.map((o) => o.marker!),
    );
    // Saved: an answer with data, or an error saying the write committed but could not be read back.
    const acked = writes.filter((o) => o.result === "ok" || o.committed);
    const refused = writes.filter((o) => o.result !== "ok" && !o.committed);
    expect.soft(acked.filter((o) => counts.get(o.marker!) !== 1).map((o) => o.marker)).toEqual([]);
    expect.soft(refused.filter((o) => counts.has(o.marker!)).map((o) => o.marker)).toEqual([]);
    expect.soft(acked.length).toBeGreaterThan(20);
    console.log(
      `writes: ${acked.length} acknowledged and stored (${acked.filter((o) => o.committed).length} of them "saved, not read back"), ${refused.length} refused and absent`,
    );
  });
});
