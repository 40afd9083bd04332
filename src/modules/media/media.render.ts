import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { cacheDir, cachedBuild, version } from "../../shared/build-cache";
import type { Inspected, Rendered } from "./media.processing";
import { UploadRefused } from "./media.renditions";
import type { RenderJob, WorkerReply } from "./media.worker";

/*
 * Runs media.worker.ts in a child process, one at a time (image work is CPU-bound, and two at
 * once would double the peak memory). The worker is bundled with esbuild on first use and cached
 * under node_modules/.cache, keyed by its sources and the versions of what it bundles, so the
 * child runs plain JavaScript: no TypeScript loader (about 75 MB of RSS) in it.
 */

const SOURCES = ["media.worker", "media.processing", "media.renditions"];
const BUNDLED = ["file-type", "thumbhash", "esbuild"];
/** A worker still running after this is killed: the upload fails rather than hang. */
const WORKER_TIMEOUT_MS = 5 * 60_000;
/** glibc's malloc arenas in the worker: each thread's own arena kept freed memory that the others could not reuse. */
const ARENAS = "2";

let script: Promise<string> | undefined;

/** The worker's bundle: built now if this install has none yet. */
export function mediaWorkerScript(): Promise<string> {
  script ??= (async () => {
    const ext = path.extname(__filename);
    const files = SOURCES.map((s) => path.join(__dirname, `${s}${ext}`));
    const key = createHash("sha256");
    for (const f of files) key.update(fs.readFileSync(f));
    for (const pkg of BUNDLED) key.update(`${pkg}@${version(pkg)}`);
    const dir = await cachedBuild(cacheDir("newsgraph-media-worker"), key.digest("hex").slice(0, 16), async (outDir) => {
      const esbuild = await import("esbuild");
      await esbuild.build({
        entryPoints: [files[0]!],
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        // Native: loaded from node_modules, which the cache directory sits in.
        external: ["sharp"],
        // For the CommonJS packages file-type pulls in, which require Node's modules.
        banner: { js: `import { createRequire } from "node:module"; const require = createRequire(import.meta.url);` },
        outfile: path.join(outDir, "media-worker.mjs"),
        logLevel: "silent",
      });
    });
    return path.join(dir, "media-worker.mjs");
  })();
  script.catch(() => (script = undefined));
  return script;
}

let running = 0;
const waiting: (() => void)[] = [];

async function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  if (running > 0) await new Promise<void>((r) => waiting.push(r));
  else running++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, so no newcomer slips in between.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** The worker's environment: only what Node, libvips and the allocator read. */
function workerEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => /^(PATH|HOME|TMPDIR|LANG|LC_\w+|VIPS_\w+|MALLOC_\w+|LD_PRELOAD)$/.test(k)),
  );
  return { ...env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? ARENAS };
}

export interface WorkerResult {
  inspected: Inspected;
  rendered: Rendered;
  /** The worker process's peak resident set, KiB (the bench reports it). */
  peakRssKb: number;
}

/** Inspect (unless kept) and render `job.file` in a worker process; an image we refuse rejects with UploadRefused. */
export function renderInWorker(job: RenderJob): Promise<WorkerResult> {
  return oneAtATime(async () => {
    const file = await mediaWorkerScript();
    return new Promise<WorkerResult>((resolve, reject) => {
      const child = fork(file, [], { execArgv: [], env: workerEnv(), stdio: ["ignore", "ignore", "pipe", "ipc"] });
      const timer = setTimeout(() => child.kill("SIGKILL"), WORKER_TIMEOUT_MS);
      let reply: WorkerReply | undefined;
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        if (stderr.length < 4096) stderr += chunk.toString("utf8");
      });
      child.on("message", (m) => (reply = m as WorkerReply));
      child.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        if (reply && "ok" in reply) resolve(reply.ok);
        else if (reply && "refused" in reply) reject(new UploadRefused(reply.refused.message, reply.refused.status));
        else {
          const why = reply ? `failed: ${reply.failed}` : `exited (${signal ?? code}) without an answer`;
          reject(new Error(`media worker ${why}${stderr ? `\n${stderr}` : ""}`));
        }
      });
      child.send(job);
    });
  });
}
