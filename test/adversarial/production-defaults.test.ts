import { hash } from "@node-rs/argon2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";
import { DEMO_ADMIN, DEMO_EDITOR, disableDemoAccounts, seedIfEmpty } from "../../src/seed/seed";
import { createLogger } from "../../src/shared/logger";
import { expectOk, expectUnauthenticated } from "../support/expect";
import { startTestApp, type TestApp } from "../support/harness";

/*
 * Production defaults (issue 10 item 3): a deployment must not come up with a credential
 * anyone can read in the README. Production refuses the embedded database unless asked, never
 * loads the demo story, and a demo editor left in a database first used in development stops
 * working at start, its open sessions included. The process-level half (what `npm start`
 * prints, and the embedded PostgreSQL's own password) is in test/process.test.ts and
 * test/embedded.test.ts.
 */
const LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
const DRAFTS = "{ draftArticles(first: 1) { edges { node { id } } } }";
const USERS = "{ users(first: 1) { totalCount } }";
const log = createLogger("silent");

let app: TestApp;
beforeAll(async () => {
  // The template is seeded, as a development database would be; this app runs it as production.
  app = await startTestApp({ NODE_ENV: "production" });
});
afterAll(() => app?.close());

describe("production defaults", () => {
  it("refuses the embedded database unless asked for, and the demo story always", () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return "";
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).message;
      }
    };
    expect(problems({ NODE_ENV: "production" })).toMatch(/NODE_ENV=production needs DATABASE_URL/);
    expect(problems({ NODE_ENV: "production", EMBEDDED_IN_PRODUCTION: "true" })).toBe("");
    expect(problems({ NODE_ENV: "production", EMBEDDED_IN_PRODUCTION: "true", SEED_DEMO: "yes" })).toMatch(
      /SEED_DEMO=true is refused/,
    );
    expect(problems({ NODE_ENV: "production", DATABASE_URL: "postgres://db.internal/news", SEED_DEMO: "true" })).toMatch(
      /SEED_DEMO=true is refused/,
    );
    expect(loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://db.internal/news" }).seedDemo).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://db.internal/news" }).introspection).toBe(false);
  });

  it("never loads the demo story or prints its password in production, whoever calls it", async () => {
    await expect(seedIfEmpty(app.ds, log, "production")).rejects.toThrow(/never loaded with NODE_ENV=production/);
  });

  it("deactivates the demo editor and the demo admin while they have their published passwords, open sessions included", async () => {
    const login = (account: typeof DEMO_EDITOR) =>
      app.gql<{ login: { token: string } }, { e: string; p: string }>(LOGIN, { e: account.email, p: account.password });
    const editor = expectOk(await login(DEMO_EDITOR)).login.token;
    expectOk(await app.gql(DRAFTS, undefined, { token: editor }));
    // The demo admin could mint partner keys and invitations: it is the more dangerous of the two.
    const admin = expectOk(await login(DEMO_ADMIN)).login.token;
    expectOk(await app.gql(USERS, undefined, { token: admin }));

    await disableDemoAccounts(app.ds, log);

    for (const [account, token, query] of [
      [DEMO_EDITOR, editor, DRAFTS],
      [DEMO_ADMIN, admin, USERS],
    ] as const) {
      expectUnauthenticated(await login(account), "login", /^Email or password is incorrect\.$/);
      expectUnauthenticated(await app.gql(query, undefined, { token }), null, /^The bearer token is invalid, expired or revoked/);
    }
  });

  it("leaves a demo editor alone once its password has been changed", async () => {
    await app.ds.query(`UPDATE users SET active = true, password_hash = $2 WHERE email = $1`, [
      DEMO_EDITOR.email,
      await hash("a password nobody published"),
    ]);
    await disableDemoAccounts(app.ds, log);
    const r = await app.gql<{ login: { token: string } }, { e: string; p: string }>(LOGIN, {
      e: DEMO_EDITOR.email,
      p: "a password nobody published",
    });
    expect(expectOk(r).login.token).toMatch(/^ngs_/);
  });
});
