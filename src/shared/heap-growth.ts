import v8 from "node:v8";

/*
 * RSS under load. After each full garbage collection V8 sets the next one's threshold from how
 * fast collections have been: on a server answering ~1,500 requests/s it let old space reach
 * 2.6× what survived (heap 50 -> 130 MB, with the Buffers those dead objects held), and RSS
 * 294-364 MB. A fixed factor bounds it: 100% (twice what survived) gave 204-212 MB at the same
 * CPU per request; 50% 180 MB at up to 10% more CPU on the article page (paired processes, 3
 * pairs each). V8 reads the flag at every full collection, so setting it once the process runs
 * takes effect (test/heap-growth.test.ts); set it before serving.
 */

/** Old space grows to at most (1 + percent/100) × what survived the last full collection; 0 keeps V8's own factor. */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
