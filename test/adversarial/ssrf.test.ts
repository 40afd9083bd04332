import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreatePartnerKeyDocument, RegisterWebhookDocument, WebhookDeliveriesDocument } from "../../src/client/generated/graphql";
import { ConfigError, loadConfig } from "../../src/config";
import { AddressNotAllowedError, OutboundClient, coarseError, guardedLookup, urlProblem } from "../../src/shared/outbound";
import { Role } from "../../src/shared/enums";
import { storedWebhook } from "../support/fixtures";
import { startTestApp, type TestApp } from "../support/harness";
import { expectBadInput, expectOk } from "../support/expect";
import { publishNew, waitFor } from "../support/publish";

/*
 * Server-side request forgery through webhooks (issue 10, item 1). Without
 * WEBHOOK_ALLOW_PRIVATE, no URL that leads to this machine, its private networks or a cloud
 * metadata service is accepted, and no request reaches one at delivery time either (DNS
 * rebinding, rows registered under another setting). Partners read coarse delivery errors
 * only, so the delivery log cannot be used to scan internal ports.
 */

/** Every way of writing an internal address that we know of; each must be refused at registration. */
const REFUSED: [string, string][] = [
  ["IPv4 loopback", "http://127.0.0.1/hook"],
  ["loopback elsewhere in 127/8", "http://127.10.20.30:8080/hook"],
  ["decimal loopback", "http://2130706433/hook"],
  ["octal loopback", "http://0177.0.0.1/hook"],
  ["hex loopback", "http://0x7f.0.0.1/hook"],
  ["hex loopback, one number", "http://0x7f000001/hook"],
  ["short loopback", "http://127.1/hook"],
  ["percent-encoded loopback", "http://%31%32%37.0.0.1/hook"],
  ["IPv6 loopback", "http://[::1]/hook"],
  ["IPv4-mapped loopback", "http://[::ffff:127.0.0.1]/hook"],
  ["IPv4-mapped loopback, long form", "http://[0:0:0:0:0:ffff:7f00:1]/hook"],
  ["IPv4-compatible loopback", "http://[::127.0.0.1]/hook"],
  ["IPv4-translated loopback", "http://[::ffff:0:7f00:1]/hook"],
  ["NAT64 loopback", "http://[64:ff9b::7f00:1]/hook"],
  ["6to4 loopback", "http://[2002:7f00:1::]/hook"],
  ["Teredo", "http://[2001::1]/hook"],
  ["localhost", "http://localhost:4000/hook"],
  ["localhost with a trailing dot", "http://localhost./hook"],
  ["a .localhost name", "http://api.localhost/hook"],
  ["unspecified IPv4", "http://0.0.0.0/hook"],
  ["unspecified IPv4, short", "http://0/hook"],
  ["unspecified IPv6", "http://[::]/hook"],
  ["cloud metadata (IPv4)", "http://169.254.169.254/latest/meta-data/"],
  ["cloud metadata (IPv4-mapped)", "http://[::ffff:169.254.169.254]/latest/meta-data/"],
  ["cloud metadata (IPv6)", "http://[fd00:ec2::254]/latest/meta-data/"],
  ["link-local IPv6", "http://[fe80::1]/hook"],
  ["private 10/8", "http://10.0.0.1/hook"],
  ["private 172.16/12", "http://172.16.5.4/hook"],
  ["private 172.31 (top of 172.16/12)", "http://172.31.255.254/hook"],
  ["private 192.168/16", "https://192.168.1.1/hook"],
  ["IPv4-mapped private", "http://[::ffff:10.0.0.1]/hook"],
  ["CGNAT 100.64/10", "http://100.64.0.1/hook"],
  ["ULA fc00::/7", "http://[fc00::1]/hook"],
  ["ULA fd00::/8", "http://[fd12:3456::1]/hook"],
  ["IPv4 multicast", "http://224.0.0.1/hook"],
  ["IPv6 multicast", "http://[ff02::1]/hook"],
  ["broadcast", "http://255.255.255.255/hook"],
  ["reserved 240/4", "http://240.0.0.1/hook"],
  ["documentation range", "http://192.0.2.1/hook"],
  ["privileged port (SMTP) on a public address", "http://8.8.8.8:25/hook"],
  ["privileged port (SSH) on a public address", "https://8.8.8.8:22/hook"],
];

const DELETE_WEBHOOK = `mutation ($id: ID!) { deleteWebhook(id: $id) }`;

let app: TestApp;
let admin: string;
let editor: string;
const servers: http.Server[] = [];

function receiver(status = 204, headers: Record<string, string> = {}) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    req.resume();
    res.writeHead(status, headers).end();
  });
  servers.push(server);
  return { server, requests };
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return (server.address() as AddressInfo).port;
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  const port = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

beforeAll(async () => {
  app = await startTestApp({ WEBHOOKS_POLL_MS: "50", WEBHOOK_RETRY_BASE_MS: "50" });
  admin = await app.loginAs(Role.ADMIN);
  editor = await app.editorToken();
});
afterAll(async () => {
  for (const s of servers) s.close();
  await app?.close();
});

describe("webhook registration without WEBHOOK_ALLOW_PRIVATE", () => {
  it.each(REFUSED)("refuses %s (%s) with BAD_USER_INPUT naming the url", async (_label, url) => {
    expectBadInput(
      await app.gql(RegisterWebhookDocument, { url }, { token: admin }),
      "registerWebhook",
      /^url is not allowed: .+; webhooks must reach a public address\.$/,
    );
  });

  it("stores none of the refused URLs", async () => {
    const [row] = await app.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM webhooks`);
    expect(row!.n).toBe(0);
  });

  it("refuses the database's own port, even on a public address", async () => {
    const dbPort = Number(new URL((app.ds.options as { url: string }).url).port || 5432);
    expectBadInput(
      await app.gql(RegisterWebhookDocument, { url: `http://8.8.8.8:${dbPort}/hook` }, { token: admin }),
      "registerWebhook",
      `url is not allowed: port ${dbPort} is not allowed for webhooks; use another port; webhooks must reach a public address.`,
    );
  });

  it("refuses a partner key's internal URL the same way", async () => {
    const { key } = expectOk(
      await app.gql(
        CreatePartnerKeyDocument,
        { input: { name: "SSRF partner", scopes: ["content:read", "webhooks:manage"] } },
        { token: admin },
      ),
    ).createPartnerKey;
    expectBadInput(
      await app.gql(RegisterWebhookDocument, { url: "http://169.254.169.254/" }, { token: key }),
      "registerWebhook",
      /^url is not allowed: the host is a link-local address \(this includes cloud metadata services\); webhooks must reach a public address\.$/,
    );
    expectBadInput(
      await app.gql(RegisterWebhookDocument, { url: "http://[::ffff:127.0.0.1]:5432/" }, { token: key }),
      "registerWebhook",
      /^url is not allowed: the host is a loopback address; webhooks must reach a public address\.$/,
    );
  });

  it("refuses a name that resolves to an internal address, without saying which address", async () => {
    const policy = { allowPrivate: false, refusedPorts: [] };
    const internal = () => Promise.resolve([{ address: "10.20.30.40", family: 4 }]);
    const problem = await urlProblem(new URL("https://intranet.example/hook"), policy, internal);
    expect(problem).toMatch(/resolves to an address that is not public/);
    expect(problem).not.toContain("10.20.30.40");
    const outside = () => Promise.resolve([{ address: "8.8.8.8", family: 4 }]);
    expect(await urlProblem(new URL("https://partner.example/hook"), policy, outside)).toBeNull();
  });

  it("accepts public addresses, names and ports from 1024", async () => {
    for (const url of ["https://partner.example/hook", "https://8.8.8.8:8443/hook", "http://[2606:4700:4700::1111]/hook"]) {
      const { id } = expectOk(await app.gql(RegisterWebhookDocument, { url }, { token: admin })).registerWebhook.webhook;
      expectOk(await app.gql(DELETE_WEBHOOK, { id }, { token: admin }));
    }
  });
});

describe("webhook delivery without WEBHOOK_ALLOW_PRIVATE", () => {
  it("sends nothing to a stored loopback URL (registered under another setting): 'address not allowed', no status", async () => {
    const rec = receiver();
    const port = await listen(rec.server);
    // As if registered while the setting was on, or before this check existed.
    const hook = { id: await storedWebhook(app, `http://127.0.0.1:${port}/hook`) };
    await publishNew(app, editor, { headline: "A story the internal receiver must not get" });
    const node = await waitFor("the refused attempt to be recorded", async () => {
      const log = expectOk(await app.gql(WebhookDeliveriesDocument, { webhookId: hook.id, first: 1 }, { token: admin }));
      const n = log.webhookDeliveries.edges[0]?.node;
      return n && n.attempts > 0 && n;
    });
    expect(node).toMatchObject({ lastError: "address not allowed", lastStatus: null });
    expect(rec.requests).toHaveLength(0);
  });

  it("the connection's own DNS lookup refuses a name that resolves to loopback (DNS rebinding)", async () => {
    const rec = receiver();
    const port = await listen(rec.server);
    // A name that looked public at registration and now answers 127.0.0.1.
    const rebinding = () => Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
    const client = new OutboundClient({ allowPrivate: false, refusedPorts: [] }, rebinding);
    try {
      for (const scheme of ["http", "https"]) {
        const sent = client.post(`${scheme}://rebinding.example:${port}/hook`, { headers: {}, body: "{}", timeoutMs: 2000 });
        await expect(sent, scheme).rejects.toBeInstanceOf(AddressNotAllowedError);
        expect(coarseError(await sent.catch((e: unknown) => e))).toBe("address not allowed");
      }
      expect(rec.requests).toHaveLength(0);
    } finally {
      client.close();
    }
  });

  it("the lookup refuses a name when any of its addresses is internal, for single and all-address lookups", async () => {
    const lookup = guardedLookup({ allowPrivate: false, refusedPorts: [] }, () =>
      Promise.resolve([
        { address: "8.8.8.8", family: 4 },
        { address: "::ffff:169.254.169.254", family: 6 },
      ]),
    );
    for (const all of [false, true]) {
      const err = await new Promise<unknown>((r) => lookup("mixed.example", { all }, (e) => r(e)));
      expect(err, `all: ${all}`).toBeInstanceOf(AddressNotAllowedError);
    }
    const ok = guardedLookup({ allowPrivate: false, refusedPorts: [] }, () =>
      Promise.resolve([{ address: "8.8.8.8", family: 4 }]),
    );
    const address = await new Promise<unknown>((r) => ok("public.example", {}, (_e, a) => r(a)));
    expect(address).toBe("8.8.8.8");
  });
});

describe("WEBHOOK_ALLOW_PRIVATE", () => {
  let dev: TestApp;
  let devAdmin: string;
  let devEditor: string;
  beforeAll(async () => {
    dev = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOKS_POLL_MS: "50", WEBHOOK_RETRY_BASE_MS: "50" });
    devAdmin = await dev.loginAs(Role.ADMIN);
    devEditor = await dev.editorToken();
  });
  afterAll(async () => {
    await dev?.close();
  });

  it("is off by default, and a configuration error in production", () => {
    expect(loadConfig({ NODE_ENV: "test" }).webhooks.allowPrivate).toBe(false);
    expect(() =>
      loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://db.internal/news", WEBHOOK_ALLOW_PRIVATE: "true" }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://db.internal/news", WEBHOOK_ALLOW_PRIVATE: "true" }),
    ).toThrow(/WEBHOOK_ALLOW_PRIVATE/);
  });

  it("lets a receiver on 127.0.0.1 get its delivery", async () => {
    const rec = receiver(200);
    const port = await listen(rec.server);
    const url = `http://127.0.0.1:${port}/hook`;
    const { id } = expectOk(await dev.gql(RegisterWebhookDocument, { url, events: ["PUBLISHED"] }, { token: devAdmin }))
      .registerWebhook.webhook;
    await publishNew(dev, devEditor, { headline: "Delivered on loopback in development" });
    await waitFor("the delivery", () => rec.requests.length > 0);
    const node = await waitFor("the log to record it", async () => {
      const n = expectOk(await dev.gql(WebhookDeliveriesDocument, { webhookId: id, first: 1 }, { token: devAdmin }))
        .webhookDeliveries.edges[0]?.node;
      return n?.state === "DELIVERED" && n;
    });
    expect(node).toMatchObject({ lastStatus: 200, lastError: null, attempts: 1 });
  });

  it("gives up on a receiver that never answers, as 'timed out'", async () => {
    const silent = http.createServer(() => undefined);
    servers.push(silent);
    const port = await listen(silent);
    const client = new OutboundClient({ allowPrivate: true, refusedPorts: [] });
    try {
      const started = Date.now();
      const err = await client
        .post(`http://127.0.0.1:${port}/hook`, { headers: {}, body: "{}", timeoutMs: 200 })
        .catch((e: unknown) => e);
      expect(coarseError(err)).toBe("timed out");
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      client.close();
    }
  });

  it("records coarse errors only: no socket text, host or port in lastError", async () => {
    const port = await closedPort();
    const redirecting = receiver(302, { location: "http://127.0.0.1:1/elsewhere" });
    const redirectPort = await listen(redirecting.server);
    const hooks: Record<string, string> = {};
    for (const [name, url] of [
      ["refused", `http://127.0.0.1:${port}/hook`],
      ["redirect", `http://127.0.0.1:${redirectPort}/hook`],
    ] as const) {
      hooks[name] = expectOk(
        await dev.gql(RegisterWebhookDocument, { url, events: ["PUBLISHED"] }, { token: devAdmin }),
      ).registerWebhook.webhook.id;
    }
    await publishNew(dev, devEditor, { headline: "A story for receivers that fail" });
    const last = async (webhookId: string) =>
      waitFor(`an attempt on ${webhookId}`, async () => {
        const n = expectOk(await dev.gql(WebhookDeliveriesDocument, { webhookId, first: 1 }, { token: devAdmin }))
          .webhookDeliveries.edges[0]?.node;
        return n && n.attempts > 0 && n;
      });
    const refused = await last(hooks.refused!);
    expect(refused).toMatchObject({ lastError: "connection refused", lastStatus: null });
    const redirected = await last(hooks.redirect!);
    expect(redirected).toMatchObject({ lastError: "HTTP 3xx (redirects are not followed)", lastStatus: 302 });
    for (const n of [refused, redirected]) {
      expect(n.lastError).not.toMatch(/ECONN|fetch failed|TypeError|127\.0\.0\.1|:\d{2,5}|\bconnect\b/);
    }
    // The redirect's target was never asked for.
    expect(redirecting.requests.every((u) => u === "/hook")).toBe(true);
  });
});
