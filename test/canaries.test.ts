import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printNewsgraphSchema } from "../src/cli/schema-emit";
import { pendingSchemaSql } from "../src/db/drift";
import { startTestApp, type TestApp } from "./support/harness";

describe("canaries: what must not drift", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it("schema/schema.graphql matches the resolvers (npm run schema:emit)", async () => {
    expect(await printNewsgraphSchema()).toBe(fs.readFileSync("schema/schema.graphql", "utf8"));
  });

  it("migrations produce exactly the schema the entities describe", async () => {
    const { up } = await pendingSchemaSql(app.ds);
    expect(up.map((q) => q.query).join("\n")).toBe("");
  });

  it("revisions and their relations cannot be rewritten, even with SQL that bypasses the services", async () => {
    for (const [table, set] of [
      ["article_revisions", "headline = 'rewritten'"],
      ["citations", "attribution = 'rewritten'"],
      ["claims", "statement = 'rewritten'"],
      ["perspectives", "summary = 'rewritten'"],
    ]) {
      await expect(app.ds.query(`UPDATE ${table} SET ${set}`), table).rejects.toThrow(/revisions are immutable/);
    }
    const [{ n }] = await app.ds.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM article_revisions WHERE headline = 'rewritten'`,
    );
    expect(n).toBe(0);
  });

  it("the generated client documents are current (npm run codegen:check)", () => {
    expect(() =>
      execFileSync("npx", ["graphql-codegen", "--config", "codegen.yml", "--check"], { stdio: "pipe", timeout: 60_000 }),
    ).not.toThrow();
  }, 90_000);
});
