import { randomUUID } from "node:crypto";
import type { QueryRunner } from "typeorm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { advanceCursor, appendEvent, EventBus, type BusEvent, type Consumer } from "../src/modules/outbox";
import { ContentEventKind } from "../src/shared/enums";
import { createLogger } from "../src/shared/logger";
import { consumerPosition, lastEventSeq } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import { waitFor } from "./support/publish";

/*
 * The outbox's ordering rule and its consumer cursor. appendEvent takes the transaction-scoped
 * OUTBOX_LOCK before its sequence number is drawn and holds it to commit, so sequence order is
 * commit order: a reader that has seen seq N has seen every committed seq below N, and a
 * missing number is a rolled-back append that is never filled. The bus relies on that alone
 * (it reads "seq > last seen"); these tests drive concurrent appends to prove it is enough.
 */
let app: TestApp;
let bus: EventBus;
let received: BusEvent[];
const open: QueryRunner[] = [];

beforeAll(async () => {
  // No dispatcher or job runner of the app's own competing for the cursors under test.
  app = await startTestApp({ WEBHOOKS_RUN: "false", JOBS_RUN: "false" });
  bus = new EventBus({ url: (app.ds.options as { url: string }).url, log: createLogger("silent") });
  await bus.start();
  received = [];
  void (async () => {
    for await (const e of bus.subscribe()) received.push(e);
  })();
});

afterEach(async () => {
  for (const qr of open.splice(0)) {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    if (!qr.isReleased) await qr.release();
  }
});

afterAll(async () => {
  await bus?.close();
  await app?.close();
});

/** A transaction of its own, left open for the test to commit or roll back. */
async function begin(): Promise<QueryRunner> {
  const qr = app.ds.createQueryRunner();
  open.push(qr);
  await qr.connect();
  await qr.startTransaction();
  return qr;
}

/** Commit (or roll back) and give the connection back. */
async function end(qr: QueryRunner, how: "commit" | "rollback" = "commit"): Promise<void> {
  if (how === "commit") await qr.commitTransaction();
  else await qr.rollbackTransaction();
  await qr.release();
  open.splice(open.indexOf(qr), 1);
}

const append = (qr: QueryRunner, articleId: string) =>
  appendEvent(qr.manager, articleId, ContentEventKind.UPDATED, null, null, { test: "outbox" });

/** Sessions waiting for an advisory lock (the outbox's, here). */
async function waitingForAdvisoryLock(): Promise<number> {
  const [{ n }] = await app.ds.query<[{ n: number }]>(
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return n;
}

/** The articles of what the bus delivered for `ids`, in delivery order (once a marker appended after them has arrived). */
async function deliveredOf(ids: string[]): Promise<{ articles: string[]; seqs: bigint[] }> {
  const marker = randomUUID();
  const qr = await begin();
  await append(qr, marker);
  await end(qr);
  await waitFor("the marker event", () => received.some((e) => e.articleId === marker), 10_000);
  const mine = received.filter((e) => ids.includes(e.articleId) || e.articleId === marker);
  return { articles: mine.map((e) => e.articleId), seqs: mine.map((e) => BigInt(e.seq)) };
}

describe("sequence order is commit order", () => {
  it("an append that commits later cannot take a smaller seq: the bus delivers both, once each, in order", async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    const slow = await begin();
    await append(slow, first); // holds the outbox and its seq, uncommitted

    const fast = await begin();
    let fastCommitted = false;
    const fastDone = (async () => {
      await append(fast, second);
      await end(fast);
      fastCommitted = true;
    })();
    // The second append waits for the outbox instead of committing a later seq first.
    await waitFor("the second append to wait for the outbox (or to commit past it)", async () =>
      fastCommitted || (await waitingForAdvisoryLock()) > 0 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 300)); // time for the bus to read whatever is committed
    expect(fastCommitted).toBe(false);
    expect(received.some((e) => e.articleId === second)).toBe(false);

    await end(slow);
    await fastDone;
    const { articles, seqs } = await deliveredOf([first, second]);
    expect(articles.slice(0, 2)).toEqual([first, second]);
    expect(articles).toHaveLength(3);
    expect(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!).toBe(true);
  });

  it("a rolled-back append leaves a gap that is never filled and does not hold up what commits after it", async () => {
    const [lost, next, after] = [randomUUID(), randomUUID(), randomUUID()];
    const doomed = await begin();
    await append(doomed, lost);
    const rows = (await doomed.query(`SELECT seq::text AS held FROM content_events WHERE article_id = $1`, [lost])) as {
      held: string;
    }[];
    const held = rows[0]!.held;

    const waiting = await begin();
    const waitingDone = (async () => {
      await append(waiting, next);
      await end(waiting);
    })();
    await waitFor("the next append to wait for the outbox", async () =>
      (await waitingForAdvisoryLock()) > 0 ? true : undefined,
    );
    await end(doomed, "rollback");
    await waitingDone;
    await waitFor("the event after the gap", () => received.some((e) => e.articleId === next), 5000);

    const qr = await begin();
    await append(qr, after);
    await end(qr);
    const { articles, seqs } = await deliveredOf([lost, next, after]);
    expect(articles.slice(0, 2)).toEqual([next, after]);
    expect(articles).toHaveLength(3);
    // The gap is real: the rolled-back seq is below what came after it, and never arrives.
    expect(seqs[0]! > BigInt(held)).toBe(true);
    expect(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!).toBe(true);
  });

  it("many concurrent appends arrive exactly once each, in seq order", async () => {
    const ids = Array.from({ length: 40 }, () => randomUUID());
    await Promise.all(
      ids.map(async (id, i) => {
        const qr = await begin();
        await append(qr, id);
        // Some roll back after taking a seq: gaps among the committed ones.
        await end(qr, i % 7 === 3 ? "rollback" : "commit");
      }),
    );
    const committed = ids.filter((_, i) => i % 7 !== 3);
    const { articles, seqs } = await deliveredOf(ids);
    expect(articles.slice(0, -1).sort()).toEqual([...committed].sort());
    expect(new Set(articles).size).toBe(articles.length);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);
  });
});

describe("the consumer cursor", () => {
  const consumer = (from: Consumer["from"] = "start"): Consumer => ({ name: `test-${randomUUID()}`, from });
  const cursorOf = (name: string) => consumerPosition(app, name);

  it("is advanced by one instance at a time: another skips at once instead of waiting, and the cursor moves at commit", async () => {
    const c = consumer();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const holder = advanceCursor(app.ds, c, async (_m, after) => {
      entered();
      await gate;
      return { upTo: "5", result: after };
    });
    await inside;
    const started = Date.now();
    const other = await advanceCursor(app.ds, c, () => Promise.resolve({ upTo: "9", result: "ran" }));
    expect(other).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await cursorOf(c.name)).toBe("0"); // the holder's move is not committed yet
    release();
    expect(await holder).toBe("0");
    expect(await cursorOf(c.name)).toBe("5");
    // The next step starts where the last one committed.
    expect(await advanceCursor(app.ds, c, (_m, after) => Promise.resolve({ upTo: null, result: after }))).toBe("5");
  });

  it("stays where it was when a step fails, so the step is redone", async () => {
    const c = consumer();
    await advanceCursor(app.ds, c, () => Promise.resolve({ upTo: "3", result: null }));
    await expect(advanceCursor(app.ds, c, () => Promise.reject(new Error("the CDN answered 503")))).rejects.toThrow("503");
    expect(await cursorOf(c.name)).toBe("3");
    expect(await advanceCursor(app.ds, c, (_m, after) => Promise.resolve({ upTo: null, result: after }))).toBe("3");
  });

  it("starts a new consumer at the beginning of the log or at its end", async () => {
    const max = await lastEventSeq(app);
    expect(BigInt(max ?? 0) > 0n).toBe(true);
    const fromStart = consumer("start");
    const fromEnd = consumer("end");
    expect(await advanceCursor(app.ds, fromStart, (_m, after) => Promise.resolve({ upTo: null, result: after }))).toBe("0");
    expect(await advanceCursor(app.ds, fromEnd, (_m, after) => Promise.resolve({ upTo: null, result: after }))).toBe(max);
  });
});
