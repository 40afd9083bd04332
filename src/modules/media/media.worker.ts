/**
 * The media worker: one child process per upload (or refocus) that decodes, checks and renders
 * the image, writes every file to the job's output directory and exits. In its own process
 * because image work is the largest memory the server would ever hold: this process starts at
 * about 60 MB (Node and libvips, none of the server's modules), runs with glibc's arenas capped
 * (MALLOC_ARENA_MAX, which only a new process can set), and returns all of it to the system when
 * it exits, where a long-lived server would keep the freed, fragmented heap. Bundled by
 * media.render.ts with esbuild (no TypeScript loader at run time).
 */
import fs from "node:fs";
import { inspectUpload, renderAll, type Inspected, type Limits, type Rendered } from "./media.processing";
import { UploadRefused } from "./media.renditions";

export interface RenderJob {
  file: string;
  bytes: number;
  outDir: string;
  set: string;
  focal: { x: number; y: number };
  limits: Limits;
  /** Set when `file` is the stored original (a new focal point): it is not inspected again, and kept as is. */
  keptOriginal?: Inspected;
}

export type WorkerReply =
  | { ok: { inspected: Inspected; rendered: Rendered; peakRssKb: number } }
  | { refused: { message: string; status: 400 | 413 | 415 } }
  | { failed: string };

/** This process's peak resident set, in KiB (VmHWM): what the bench reports. */
function peakRssKb(): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) : NaN;
}

async function run(job: RenderJob): Promise<WorkerReply> {
  try {
    const inspected = job.keptOriginal ?? (await inspectUpload(job.file, job.bytes, job.limits));
    const rendered = await renderAll(job.file, inspected, job.set, job.focal, job.limits, job.outDir, !!job.keptOriginal);
    return { ok: { inspected, rendered, peakRssKb: peakRssKb() } };
  } catch (err) {
    if (err instanceof UploadRefused) return { refused: { message: err.message, status: err.status } };
    return { failed: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

if (process.send) {
  process.once("message", (job: RenderJob) => {
    void run(job).then((reply) => process.send!(reply, () => process.disconnect()));
  });
}
