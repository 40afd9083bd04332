import type { DataSource } from "typeorm";

/** How far one consumer of the outbox is behind the log's end. */
export interface ConsumerLag {
  consumer: string;
  /** Events after the consumer's position (newest sequence minus its cursor). */
  events: number;
  /** Age of the oldest event it has not consumed yet (0 when it is caught up). */
  seconds: number;
}

/**
 * The lag of every consumer with a cursor row (webhooks, the CDN purger) and of the in-process
 * positions given (`extra`: the subscriptions' event bus, the change feed), in one statement. Each
 * row costs two index lookups on content_events' primary key, whatever the size of the log.
 */
export async function outboxLag(ds: DataSource, extra: Record<string, string | null>): Promise<ConsumerLag[]> {
  const named = Object.entries(extra).filter((e): e is [string, string] => e[1] !== null && /^\d{1,19}$/.test(e[1]));
  const rows = await ds.query<{ consumer: string; events: number; seconds: number }[]>(
    `WITH head AS (SELECT coalesce(max(seq), 0) AS seq FROM content_events),
     c AS (
       SELECT name, seq FROM consumer_cursors
       UNION ALL SELECT * FROM unnest($1::text[], $2::bigint[])
     )
     SELECT c.name AS consumer, greatest(head.seq - c.seq, 0)::float8 AS events,
       coalesce(extract(epoch FROM now() - (SELECT e.occurred_at FROM content_events e WHERE e.seq > c.seq ORDER BY e.seq LIMIT 1)), 0)::float8 AS seconds
     FROM c CROSS JOIN head ORDER BY c.name`,
    [named.map((e) => e[0]), named.map((e) => e[1])],
  );
  return rows.map((r) => ({ consumer: r.consumer, events: Number(r.events), seconds: Math.max(0, Number(r.seconds)) }));
}
