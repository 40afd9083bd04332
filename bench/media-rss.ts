/**
 * Child of bench/media.ts: processes one image exactly as an upload does (the media worker
 * process inspects it and writes every rendition) and prints the worker's peak resident set, as
 * the worker measured itself, and how much this calling process (the server's side) grew meanwhile.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { mediaWorkerScript, renderInWorker } from "../src/modules/media/media.render";

/**
 * Peak resident set of this process image, in KiB: VmHWM. Not resourceUsage().maxRSS, which Linux
 * carries over from the parent across fork and exec (it read 684 MB here before any work).
 */
function peakRssKb(): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) : NaN;
}

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const limits = { maxPixels: Number(process.argv[3] ?? 100_000_000) };
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "newsgraph-bench-rss-"));
  try {
    const job = { file, bytes: fs.statSync(file).size, outDir, limits, focal: { x: 0.5, y: 0.5 } };
    // The worker's bundle is built once per install (esbuild, its own process); not part of an upload.
    await mediaWorkerScript();
    const before = peakRssKb();
    const t0 = performance.now();
    const r = await renderInWorker({ ...job, set: randomBytes(32).toString("hex") });
    const ms = performance.now() - t0;
    const bytes = r.rendered.files.reduce((n, f) => n + fs.statSync(f.file).size, 0);
    console.log(
      JSON.stringify({
        workerPeakRssKb: r.peakRssKb,
        callerBaselineRssKb: before,
        callerPeakRssKb: peakRssKb(),
        ms,
        files: r.rendered.files.length,
        bytes,
      }),
    );
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
