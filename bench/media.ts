/**
 * Media (issue 13), one command:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:media
 * 1. upload-to-renditions time per megapixel: POST /media of photo-like JPEGs (noise, so they
 *    compress like photos) at three sizes, until the answer lists every rendition;
 * 2. serving one rendition: requests per second from our route (files cached in memory after the
 *    first read) against a bare node:http server sending the same bytes from memory, same run;
 * 3. peak RSS of the media worker process while it processes a 50-megapixel JPEG as an upload
 *    does, and the growth of the process that called it (bench/media-rss.ts).
 * Uses a scratch database on that server and a temporary DATA_DIR (both removed).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import sharp from "sharp";
import { AuthService } from "../src/modules/user";
import { Role } from "../src/shared/enums";
import { exitOnError, parseCli } from "../src/shared/cli-args";
import { scratchBenchCli, withScratchServer } from "./scratch";

const SIZES: [number, number][] = [
  [1200, 900],
  [3000, 2000],
  [4500, 3000],
];
const PER_SIZE = Number(process.env.MEDIA_UPLOADS_PER_SIZE ?? 3);
const SECONDS = Number(process.env.MEDIA_SERVE_SECONDS ?? 5);

const photo = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
    .blur(1.2)
    .jpeg({ quality: 88 })
    .toBuffer();

async function post(
  port: number,
  token: string,
  bytes: Buffer,
): Promise<{ ms: number; body: { asset: { renditions: { name: string; files: { url: string; contentType: string }[] }[] } } }> {
  const form = new FormData();
  form.append("file", new Blob([bytes], { type: "image/jpeg" }), "photo.jpg");
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as never;
  const ms = performance.now() - t0;
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
  return { ms, body };
}

async function rps(url: string, headers: Record<string, string> = {}): Promise<number> {
  const r = await autocannon({ url, connections: 10, duration: SECONDS, headers });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return r.requests.average;
}

const CLI = scratchBenchCli(
  "bench:media",
  "Measures media: upload-to-renditions time per megapixel, rendition serving against a bare node:http server (same run), and peak RSS of the media worker while it processes a 50-megapixel JPEG.",
  [
    "MEDIA_UPLOADS_PER_SIZE  uploads per image size (default 3)",
    "MEDIA_SERVE_SECONDS     seconds per serving measurement (default 5)",
    "MALLOC_ARENA_MAX        glibc's arenas in the media worker (default 2)",
  ],
);

async function main(): Promise<void> {
  parseCli(CLI);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "newsgraph-bench-media-"));
  try {
    await withScratchServer(
      "media",
      { env: { DATA_DIR: dataDir, MEDIA_MAX_BYTES: String(200 * 1024 * 1024), LOG_LEVEL: "silent" } },
      async ({ ds, server }) => {
        const auth = new AuthService(ds, 1);
        await auth.createUser({ email: "media-bench@newsgraph.example", password: "bench-password-123", role: Role.WRITER });
        const { token } = await auth.login("media-bench@newsgraph.example", "bench-password-123");

        console.log(`1. upload to renditions (${PER_SIZE} uploads per size; 5 crops × AVIF, WebP, JPEG + the original)`);
        let served = "";
        for (const [w, h] of SIZES) {
          const mp = (w * h) / 1e6;
          const times: number[] = [];
          for (let i = 0; i < PER_SIZE; i++) {
            const bytes = await photo(w, h);
            const { ms, body } = await post(server.port, token, bytes);
            times.push(ms);
            served ||= body.asset.renditions
              .find((r) => r.name === "16x9")!
              .files.find((f) => f.contentType === "image/webp")!.url;
          }
          const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
          console.log(
            `   ${w}×${h} (${mp.toFixed(1)} MP): median ${median.toFixed(0)} ms, ${(median / mp).toFixed(0)} ms per megapixel`,
          );
        }

        const file = new URL(served);
        const ours = `http://127.0.0.1:${server.port}${file.pathname}`;
        const bytes = Buffer.from(await (await fetch(ours)).arrayBuffer());
        const bare = http.createServer((_req, res) => {
          res.writeHead(200, {
            "content-type": "image/webp",
            "content-length": bytes.length,
            "cache-control": "public, max-age=31536000, immutable",
          });
          res.end(bytes);
        });
        await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
        const barePort = (bare.address() as { port: number }).port;
        try {
          const baseline = await rps(`http://127.0.0.1:${barePort}/`);
          const route = await rps(ours);
          console.log(
            `2. serving one rendition (${bytes.length} bytes, 10 connections, ${SECONDS} s each): ` +
              `ours ${route.toFixed(0)} req/s, bare node:http from memory ${baseline.toFixed(0)} req/s, ratio ${(route / baseline).toFixed(2)}`,
          );
        } finally {
          bare.close();
        }
      },
    );

    const big = path.join(dataDir, "50mp.jpg");
    await sharp({
      create: {
        width: 8660,
        height: 5774,
        channels: 3,
        background: "#808080",
        noise: { type: "gaussian", mean: 128, sigma: 40 },
      },
    })
      .blur(1.2)
      .jpeg({ quality: 88 })
      .toFile(big);
    const out = execFileSync(process.execPath, ["-r", "@swc-node/register", path.join(__dirname, "media-rss.ts"), big], {
      encoding: "utf8",
    });
    const r = JSON.parse(out.trim().split("\n").pop()!) as {
      workerPeakRssKb: number;
      callerBaselineRssKb: number;
      callerPeakRssKb: number;
      ms: number;
      files: number;
    };
    const mb = (kb: number) => (kb / 1024).toFixed(0);
    console.log(
      `3. processing a 50-megapixel JPEG (${(fs.statSync(big).size / 1e6).toFixed(1)} MB, 8660×5774) as an upload does, in the media worker process: ` +
        `its peak RSS ${mb(r.workerPeakRssKb)} MB (all of it: Node, libvips and the image); the calling process ` +
        `(the server's side, ${mb(r.callerBaselineRssKb)} MB) grew by ${mb(r.callerPeakRssKb - r.callerBaselineRssKb)} MB; ` +
        `${r.files} files in ${(r.ms / 1000).toFixed(1)} s${r.workerPeakRssKb / 1024 < 300 ? "" : " (over the 300 MB budget)"}`,
    );
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch(exitOnError);
