/**
 * Child of bench/media.ts: processes one image exactly as an upload does (inspect, then every
 * rendition) and prints this process's peak resident set size, so nothing else shares the figure.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { inspectUpload, renderAll } from "../src/modules/media/media.processing";

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
  const before = peakRssKb();
  const t0 = performance.now();
  const inspected = await inspectUpload(file, fs.statSync(file).size, limits);
  const rendered = await renderAll(file, inspected, randomBytes(32).toString("hex"), { x: 0.5, y: 0.5 }, limits);
  const ms = performance.now() - t0;
  const bytes = rendered.files.reduce((n, f) => n + f.body.length, 0);
  console.log(JSON.stringify({ baselineRssKb: before, peakRssKb: peakRssKb(), ms, files: rendered.files.length, bytes }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
