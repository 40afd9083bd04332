import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./support/harness";
import { mediaDataDir } from "./support/media";

/*
 * The README's copy-paste session runs as pasted: its ```sh walkthrough blocks go, in order and
 * unchanged, to one bash against a server on the demo data (API points at it; the blocks default
 * to http://localhost:4000/graphql), and each block prints what its `#>` lines say (`…` is
 * anything: ids, times, tokens).
 */
const README = fs.readFileSync(path.resolve(__dirname, "../README.md"), "utf8");
const BLOCKS = [...README.matchAll(/^```sh walkthrough\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
const MARK = "=====block-done=====";

const pattern = (expected: string) =>
  new RegExp(
    `^${expected
      .split("…")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*?")}$`,
  );

let app: TestApp;
let dataDir: string;
beforeAll(async () => {
  // The walkthrough uploads an image: its files go to a directory of this run's own.
  dataDir = mediaDataDir();
  app = await startTestApp({ DATA_DIR: dataDir });
});
afterAll(async () => {
  await app?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("README: the editing walkthrough", () => {
  it("is there: blocks marked to run, each saying what it prints", () => {
    expect(BLOCKS.length).toBeGreaterThanOrEqual(3);
    for (const block of BLOCKS) expect(block).toMatch(/^#> /m);
    // The two-command promise stays on top.
    expect(README.split("\n").slice(0, 12).join("\n")).toMatch(/npm install && npm start[\s\S]*npm test/);
  });

  it("runs as pasted in bash against the demo, printing what the README says", async () => {
    const script = BLOCKS.map((b) => `${b}\necho ${MARK}\n`).join("");
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        "bash",
        ["-e", "-o", "pipefail", "-c", script],
        { env: { ...process.env, API: app.url }, timeout: 60_000 },
        (err, out, errOut) =>
          resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout: out, stderr: errOut }),
      );
    });
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stderr).toBe("");
    const outputs = stdout.split(`${MARK}\n`);
    expect(outputs).toHaveLength(BLOCKS.length + 1);
    for (const [i, block] of BLOCKS.entries()) {
      const lines = outputs[i]!.split("\n").filter(Boolean);
      const expected = block
        .split("\n")
        .filter((l) => l.startsWith("#> "))
        .map((l) => l.slice(3));
      // Line for line: every printed line is the one the README shows next.
      expect(lines, `block ${i + 1} printed:\n${outputs[i]}`).toHaveLength(expected.length);
      expected.forEach((e, j) => expect(lines[j], `block ${i + 1}, line ${j + 1}`).toMatch(pattern(e)));
    }
  }, 120_000);
});
