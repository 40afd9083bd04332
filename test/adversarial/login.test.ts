import { randomBytes } from "node:crypto";
import { print } from "graphql";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LoginDocument } from "../../src/client/generated/graphql";
import { loadConfig } from "../../src/config";
import { AuthService } from "../../src/modules/user";
import { Role } from "../../src/shared/enums";
import { expectError, expectOk, expectUnauthenticated } from "../support/expect";
import { clearLoginThrottling } from "../support/fixtures";
import { startTestApp, type GqlResult, type TestApp } from "../support/harness";
import { startSecondInstance } from "../support/second-instance";

/*
 * Brute force on login (issue #6, row 11): failed sign-ins are throttled per account and per
 * client address, in PostgreSQL so that the limits hold across instances; the refusal is a
 * 429 RATE_LIMITED with Retry-After, reads the same for unknown emails, and X-Forwarded-For
 * counts only when TRUST_PROXY says a proxy sets it.
 */

const PER_ACCOUNT = 5;
const PER_ADDRESS = 12;
const LIMITS = {
  LOGIN_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
  LOGIN_MAX_FAILURES_PER_ADDRESS: String(PER_ADDRESS),
  LOGIN_THROTTLE_SECONDS: "900",
};
const PASSWORD = "correct horse battery staple";
const WRONG = "not the password at all";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp(LIMITS);
});
afterAll(() => app?.close());
// Each test starts with no failures counted (all requests come from 127.0.0.1).
beforeEach(async () => {
  await clearLoginThrottling(app);
});

async function newAccount(): Promise<string> {
  const email = `brute-${randomBytes(4).toString("hex")}@test.example`;
  await new AuthService(app.ds, 1).createUser({ email, password: PASSWORD, role: Role.WRITER });
  return email;
}

const unknownEmail = () => `nobody-${randomBytes(4).toString("hex")}@test.example`;

function login(email: string, password: string, headers: Record<string, string> = {}, on: TestApp = app) {
  return on.gql(LoginDocument, { email, password }, { headers });
}

function expectWrongCredentials(r: GqlResult<unknown>): string {
  const { message } = expectUnauthenticated(r, "login", /^Email or password is incorrect\.$/);
  return message;
}

/** A throttled login: 429 with Retry-After, RATE_LIMITED, and no session opened. */
function expectThrottled(r: GqlResult<unknown>): string {
  expect(r.status).toBe(429);
  const { message, extensions } = expectError(r, {
    code: "RATE_LIMITED",
    path: "login",
    message: /^Too many failed sign-in attempts; wait \d+ s before trying again\.$/,
  });
  const retryAfter = Number(r.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(900);
  expect(extensions.retryAfterSeconds).toBe(retryAfter);
  expect(r.data ?? null).toBeNull();
  return message;
}

async function sessionsOf(email: string): Promise<number> {
  const [row] = await app.ds.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1`,
    [email],
  );
  return row!.n;
}

describe("per account", () => {
  it("refuses the 6th attempt after 5 wrong passwords, even with the right password", async () => {
    const email = await newAccount();
    // Case variants are the same account: they count together.
    for (let i = 0; i < PER_ACCOUNT; i++) expectWrongCredentials(await login(i % 2 ? email.toUpperCase() : email, WRONG));
    expectThrottled(await login(email, PASSWORD));
    expectThrottled(await login(email.toUpperCase(), PASSWORD));
    expect(await sessionsOf(email)).toBe(0);
  });

  it("treats an unknown email exactly like a wrong password: same message, same throttle", async () => {
    const known = await newAccount();
    const unknown = unknownEmail();
    const wrongMessages = new Set<string>();
    const unknownMessages = new Set<string>();
    for (let i = 0; i < PER_ACCOUNT; i++) {
      wrongMessages.add(expectWrongCredentials(await login(known, WRONG)));
      unknownMessages.add(expectWrongCredentials(await login(unknown, PASSWORD)));
    }
    expect([...unknownMessages]).toEqual([...wrongMessages]);
    expect(wrongMessages.size).toBe(1);
    const knownRefusal = expectThrottled(await login(known, PASSWORD));
    const unknownRefusal = expectThrottled(await login(unknown, PASSWORD));
    // Equal but for the seconds to wait.
    expect(unknownRefusal.replace(/\d+/g, "N")).toBe(knownRefusal.replace(/\d+/g, "N"));
  });

  it("verifies a password for unknown emails too, so their answer is not measurably faster", async () => {
    const known = await newAccount();
    const time = async (email: string) => {
      const t0 = performance.now();
      expectWrongCredentials(await login(email, WRONG));
      return performance.now() - t0;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    // Interleaved, under the per-account limit: each round clears the counters.
    for (let round = 0; round < 3; round++) {
      await clearLoginThrottling(app);
      for (let i = 0; i < 3; i++) {
        knownMs.push(await time(known));
        unknownMs.push(await time(unknownEmail()));
      }
    }
    // Without the dummy verification an unknown email answers in a fraction of the argon2 time.
    expect(median(unknownMs)).toBeGreaterThan(median(knownMs) * 0.5);
  });

  it("a successful sign-in resets the account's count", async () => {
    const email = await newAccount();
    for (let i = 0; i < PER_ACCOUNT - 1; i++) expectWrongCredentials(await login(email, WRONG));
    expect(expectOk(await login(email, PASSWORD)).login.token).toMatch(/^ngs_/);
    // A full allowance again: without the reset the second of these would be refused.
    for (let i = 0; i < PER_ACCOUNT; i++) expectWrongCredentials(await login(email, WRONG));
    expectThrottled(await login(email, PASSWORD));
  });

  it("holds across two server instances sharing the database", async () => {
    const second = await startSecondInstance(app, { runJobs: false, env: LIMITS });
    try {
      const other = { ...app, url: second.url, gql: secondGql(second.url) };
      const email = await newAccount();
      for (let i = 0; i < PER_ACCOUNT; i++) expectWrongCredentials(await login(email, WRONG, {}, i % 2 ? other : app));
      expectThrottled(await login(email, PASSWORD, {}, other));
      expectThrottled(await login(email, PASSWORD, {}, app));
    } finally {
      await second.close();
    }
  });
});

describe("per address", () => {
  it("another account from the same address still signs in while one is blocked", async () => {
    const blocked = await newAccount();
    const other = await newAccount();
    for (let i = 0; i < PER_ACCOUNT; i++) expectWrongCredentials(await login(blocked, WRONG));
    expectThrottled(await login(blocked, PASSWORD));
    expect(expectOk(await login(other, PASSWORD)).login.user.email).toBe(other);
  });

  it("refuses every account from an address that failed across many accounts", async () => {
    const victim = await newAccount();
    // One failure each, on different (unknown) accounts: no account limit is reached.
    for (let i = 0; i < PER_ADDRESS; i++) expectWrongCredentials(await login(unknownEmail(), WRONG));
    expectThrottled(await login(victim, PASSWORD));
    expect(await sessionsOf(victim)).toBe(0);
  });

  it("ignores X-Forwarded-For while TRUST_PROXY is off: spoofed addresses do not get fresh allowances", async () => {
    const victim = await newAccount();
    for (let i = 0; i < PER_ADDRESS; i++) {
      expectWrongCredentials(await login(unknownEmail(), WRONG, { "x-forwarded-for": `198.51.100.${i + 1}` }));
    }
    expectThrottled(await login(victim, PASSWORD, { "x-forwarded-for": "198.51.100.200" }));
  });

  it("behind a trusted proxy, counts the address the proxy saw, not what the client wrote", async () => {
    const proxied = await startTestApp({ ...LIMITS, TRUST_PROXY: "1" });
    try {
      const email = `proxied-${randomBytes(4).toString("hex")}@test.example`;
      await new AuthService(proxied.ds, 1).createUser({ email, password: PASSWORD, role: Role.WRITER });
      // The proxy appends the address it received from; whatever precedes it is the client's own text.
      for (let i = 0; i < PER_ADDRESS; i++) {
        const spoofed = `192.0.2.${i + 1}, 203.0.113.7`;
        expectWrongCredentials(await login(unknownEmail(), WRONG, { "x-forwarded-for": spoofed }, proxied));
      }
      expectThrottled(await login(email, PASSWORD, { "x-forwarded-for": "192.0.2.99, 203.0.113.7" }, proxied));
      // Another client of the same proxy has its own allowance.
      expectOk(await login(email, PASSWORD, { "x-forwarded-for": "203.0.113.8" }, proxied));
    } finally {
      await proxied.close();
    }
  });

  it("counts an IPv6 client by its /64: rotating addresses inside it gets no fresh allowance", async () => {
    const proxied = await startTestApp({ ...LIMITS, TRUST_PROXY: "1" });
    try {
      const email = `v6-${randomBytes(4).toString("hex")}@test.example`;
      await new AuthService(proxied.ds, 1).createUser({ email, password: PASSWORD, role: Role.WRITER });
      // One client's /64 holds 2^64 addresses: a new one per attempt.
      for (let i = 0; i < PER_ADDRESS; i++) {
        const rotated = `2001:db8:aa:1:${(i + 1).toString(16)}::${randomBytes(2).toString("hex")}`;
        expectWrongCredentials(await login(unknownEmail(), WRONG, { "x-forwarded-for": rotated }, proxied));
      }
      expectThrottled(await login(email, PASSWORD, { "x-forwarded-for": "2001:db8:aa:1:ffff::1" }, proxied));
      // The neighbouring /64 is another client.
      expectOk(await login(email, PASSWORD, { "x-forwarded-for": "2001:db8:aa:2::1" }, proxied));
    } finally {
      await proxied.close();
    }
  });
});

describe("configuration", () => {
  it("TRUST_PROXY is off by default, true means one proxy, a count means that many; nonsense is refused", () => {
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: "false" }).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(() => loadConfig({ TRUST_PROXY: "everyone" })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({}).loginThrottle).toEqual({ perAccount: 5, perAddress: 50, windowSeconds: 900 });
  });
});

/** The harness's gql, sent to another instance's URL. */
function secondGql(url: string): TestApp["gql"] {
  return async (doc, variables, opts = {}) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...opts.headers },
      body: JSON.stringify({ query: typeof doc === "string" ? doc : print(doc), variables }),
    });
    const body = (await res.json()) as { data?: never; errors?: GqlResult<never>["errors"] };
    return { status: res.status, data: body.data, errors: body.errors, headers: res.headers, sqlStatements: NaN };
  };
}
