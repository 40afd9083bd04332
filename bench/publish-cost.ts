/**
 * The cost of a publish: SQL statements and milliseconds for 100 publishes over HTTP.
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:publish
 * Uses a scratch database on that server (created and dropped here).
 */
import {
  ApproveDocument,
  CreateArticleDocument,
  PublishDocument,
  SubmitForReviewDocument,
} from "../src/client/generated/graphql";
import { exitOnError, parseCli } from "../src/shared/cli-args";
import { latencyStats, scratchBenchCli, withScratchServer } from "./scratch";

const N = Number(process.env.PUBLISHES ?? 100);

const CLI = scratchBenchCli(
  "bench:publish",
  "Measures the cost of a publish: SQL statements and milliseconds per publish over HTTP.",
  ["PUBLISHES     publishes to time (default 100)"],
);

async function main(): Promise<void> {
  parseCli(CLI);
  await withScratchServer("publish_cost", {}, async ({ ds, call, request }) => {
    const ms: number[] = [];
    const sql = new Set<number>();
    for (let i = 0; i < N; i++) {
      const input = { headline: `Publish cost sample ${i}`, bodyMarkdown: "Some **text**.", language: "EN", genre: "NEWS" };
      const id = (await call(CreateArticleDocument, { input })).createArticle!.id;
      await call(SubmitForReviewDocument, { id });
      await call(ApproveDocument, { id });
      const publish = await request(PublishDocument, { id });
      ms.push(publish.ms);
      sql.add(publish.sql);
    }
    const s = latencyStats(ms);
    const [{ server_version: version }] = await ds.query<[{ server_version: string }]>("SHOW server_version");
    console.log(
      `publish over HTTP, ${N} samples on PostgreSQL ${version}: median ${s.median.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms; ` +
        `SQL statements per publish: ${[...sql].join(", ")} (incl. session lookup, transaction and audit row)`,
    );
  });
}

main().catch(exitOnError);
