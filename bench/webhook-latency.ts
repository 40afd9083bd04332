/**
 * Time from a publish's commit to its webhook delivery on loopback, over N publishes.
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:webhooks
 * "Commit" is taken as the moment the publish mutation's response arrives (the transaction
 * has committed by then), so the figure slightly understates the true commit-to-delivery time.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { RegisterWebhookDocument } from "../src/client/generated/graphql";
import { exitOnError, parseCli } from "../src/shared/cli-args";
import { latencyStats, scratchBenchCli, withScratchServer } from "./scratch";

const N = Number(process.env.PUBLISHES ?? 200);

const CLI = scratchBenchCli("bench:webhooks", "Measures the time from a publish's commit to its webhook delivery on loopback.", [
  "PUBLISHES     publishes to deliver (default 200)",
]);

async function main(): Promise<void> {
  parseCli(CLI);
  const arrivals = new Map<string, number>();
  const receiver = http.createServer((req, res) => {
    const t = performance.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { articleId: string };
      if (!arrivals.has(body.articleId)) arrivals.set(body.articleId, t);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  try {
    await withScratchServer(
      "webhook_latency",
      // The receiver is on loopback.
      { runWebhooks: true, env: { WEBHOOK_ALLOW_PRIVATE: "true" } },
      async ({ call, publishNew, config }) => {
        await call(RegisterWebhookDocument, {
          url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
          events: ["PUBLISHED"],
        });
        const latencies: number[] = [];
        for (let i = 0; i < N; i++) {
          const id = await publishNew(`Webhook latency ${i}`);
          const committed = performance.now();
          const deadline = committed + 10_000;
          while (!arrivals.has(id) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 1));
          const at = arrivals.get(id);
          if (at === undefined) throw new Error(`publish ${i} was not delivered within 10 s`);
          latencies.push(Math.max(0, at - committed));
        }
        const s = latencyStats(latencies);
        console.log(
          `webhook delivery after publish commit, ${N} publishes on loopback: median ${s.median.toFixed(1)} ms, ` +
            `p99 ${s.p99.toFixed(1)} ms (WEBHOOKS_POLL_MS=${config.webhooks.pollMs}; committed events wake the dispatcher)`,
        );
      },
    );
  } finally {
    receiver.close();
  }
}

main().catch(exitOnError);
