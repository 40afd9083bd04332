import type { DataSource, EntityManager } from "typeorm";

/** A consumer that follows the outbox with a cursor of its own (a row of consumer_cursors). */
export interface Consumer {
  /** The cursor's name (its primary key). */
  name: string;
  /**
   * Where a new cursor starts: at the beginning of the log, or at its end (a consumer with
   * nothing to do for what happened before it existed, like a new CDN endpoint).
   */
  from: "start" | "end";
}

/** What a step did: the seq it consumed up to (null: nothing, the cursor stays) and its result. */
export interface Step<T> {
  upTo: string | null;
  result: T;
}

/**
 * One step of a consumer, in one transaction holding its cursor row: `step` gets the seq the
 * cursor is at, does its work after it, and says how far it got; the cursor moves there at
 * commit, with the step's writes. The one locking rule for every consumer: FOR UPDATE SKIP
 * LOCKED. One instance advances a consumer at a time; another that finds the row locked gets
 * null at once instead of queueing behind it (it would only redo the holder's read), and the
 * holder, woken by the same NOTIFY, reads on after its step, so nothing waits for a poll.
 * Because seq order is commit order (appendEvent's OUTBOX_LOCK), "after the cursor" never
 * skips an event: nothing is consumed twice or lost. An effect outside the database (an HTTP
 * call) is at least once: when the step throws, the cursor stays and the next step redoes it.
 */
export async function advanceCursor<T>(
  ds: DataSource,
  consumer: Consumer,
  step: (m: EntityManager, after: string) => Promise<Step<T>>,
): Promise<T | null> {
  // The row is created in a statement of its own: inside the step's transaction, an uncommitted
  // new row would make a second instance's insert wait on it (a unique-index wait) instead of skipping.
  await ds.query(
    consumer.from === "end"
      ? `INSERT INTO consumer_cursors (name, seq) SELECT $1, coalesce(max(seq), 0) FROM content_events ON CONFLICT (name) DO NOTHING`
      : `INSERT INTO consumer_cursors (name, seq) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`,
    [consumer.name],
  );
  return ds.transaction(async (m) => {
    const [cur] = await m.query<{ seq: string }[]>(
      `SELECT seq::text FROM consumer_cursors WHERE name = $1 FOR UPDATE SKIP LOCKED`,
      [consumer.name],
    );
    if (!cur) return null; // another instance is advancing it
    const { upTo, result } = await step(m, cur.seq);
    if (upTo !== null) await m.query(`UPDATE consumer_cursors SET seq = $2::bigint WHERE name = $1`, [consumer.name, upTo]);
    return result;
  });
}
