import type { DataSource } from "typeorm";
import { JobState } from "../../shared/enums";
import { decodeCursor, encodeCursor, instantAt, micros, pageSize, type Page } from "../../shared/pagination";
import type { ScheduledJob } from "./job.types";

export class JobService {
  constructor(
    private readonly ds: DataSource,
    private readonly lateAfterMs = 5000,
  ) {}

  /** Pending (with lateness), failed, or finished jobs, soonest first. */
  async list(args: { states?: JobState[] | null; first?: number | null; after?: string | null }): Promise<Page<ScheduledJob>> {
    const limit = pageSize(args.first);
    const states = args.states?.length ? args.states : [JobState.PENDING, JobState.FAILED];
    const params: unknown[] = [states, this.lateAfterMs];
    let cursor = "";
    if (args.after) {
      const [runAt, id] = decodeCursor<[string, string]>("job", args.after, ["micros", "uuid"]);
      params.push(runAt, id);
      cursor = `AND (j.run_at, j.id) > (${instantAt("$3::bigint")}, $4::uuid)`;
    }
    const rows = await this.ds.query<(ScheduledJob & { cursorUs: string })[]>(
      `SELECT ${micros("j.run_at")} AS "cursorUs", j.id, j.kind, j.article_id AS "articleId", a.slug AS "articleSlug", j.run_at AS "runAt", j.state, j.attempts,
         j.last_error AS "lastError", j.created_at AS "createdAt", j.finished_at AS "finishedAt",
         (j.state = '${JobState.PENDING}' AND j.run_at < now() - make_interval(secs => $2 / 1000.0)) AS late
       FROM jobs j LEFT JOIN articles a ON a.id = j.article_id
       WHERE j.state = ANY($1) ${cursor}
       ORDER BY j.run_at, j.id LIMIT ${limit + 1}`,
      params,
    );
    // Cursors carry run_at exactly (microseconds); runAt as a JS Date is rounded to the millisecond.
    const positions = new WeakMap<ScheduledJob, string>();
    const nodes = rows.slice(0, limit).map(({ cursorUs, ...job }) => {
      positions.set(job, cursorUs);
      return job;
    });
    return {
      nodes,
      hasNextPage: rows.length > limit,
      cursorOf: (j) => encodeCursor("job", [positions.get(j)!, j.id]),
      count: async () =>
        (await this.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM jobs WHERE state = ANY($1)`, [states]))[0]?.n ?? 0,
    };
  }
}
