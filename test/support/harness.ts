import { randomBytes } from "node:crypto";
import { print, type DocumentNode } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { Client } from "pg";
import type pino from "pino";
import type { DataSource } from "typeorm";
import { inject } from "vitest";
import { loadConfig, type Config } from "../../src/config";
import { createDataSource } from "../../src/db/data-source";
import { startServer, type RunningServer } from "../../src/server/app";
import { DEMO_EDITOR } from "../../src/seed/seed";
import { CONTENT_TYPES, DiskBlobStore } from "../../src/modules/media";
import { AuthService } from "../../src/modules/user";
import { type Role } from "../../src/shared/enums";
import { createLogger } from "../../src/shared/logger";
import { expectNoLeaks } from "./expect";
import { withDatabase } from "./db-url";

export interface GqlResult<T> {
  status: number;
  data: T | null | undefined;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  headers: Headers;
  sqlStatements: number;
}

export interface TestApp {
  url: string;
  ds: DataSource;
  config: Config;
  server: RunningServer;
  gql<T, V>(
    doc: TypedDocumentNode<T, V> | DocumentNode | string,
    variables?: V,
    opts?: { token?: string; headers?: Record<string, string> },
  ): Promise<GqlResult<T>>;
  loginAs(role: Role): Promise<string>;
  editorToken(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A fresh clone of the seeded template database and a server on an ephemeral port. `logTo`
 * receives the server's log lines (at the env's LOG_LEVEL), for tests that read what was logged.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  opts: { logTo?: pino.DestinationStream } = {},
): Promise<TestApp> {
  const adminUrl = inject("adminUrl");
  const db = `${inject("dbPrefix")}_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(db)} TEMPLATE ${admin.escapeIdentifier(inject("templateDb"))}`);
      break;
    } catch (err) {
      // Two files cloning the template at the same instant can collide; retry briefly.
      if (attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  await admin.end();
  const url = withDatabase(adminUrl, db);
  const config = loadConfig({ NODE_ENV: "test", DATABASE_URL: url, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent", ...env });
  const log = opts.logTo
    ? createLogger(config.logLevel, opts.logTo)
    : createLogger(process.env.TEST_LOG_LEVEL ?? config.logLevel);
  const ds = createDataSource({ url, log, poolSize: 10 });
  await ds.initialize();
  // TypeORM records the database name with generated columns; a clone carries the template's.
  await ds.query(`UPDATE typeorm_metadata SET database = current_database()`);
  const server = await startServer({ config, dataSource: ds, log, port: 0 });
  await copyTemplateMedia(server);
  const base = `http://127.0.0.1:${server.port}/graphql`;
  const tokens = new Map<Role, string>();

  const app: TestApp = {
    url: base,
    ds,
    config,
    server,
    async gql(doc, variables, opts = {}) {
      const query = typeof doc === "string" ? doc : print(doc);
      const res = await fetch(base, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...opts.headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      // Every response of every test is checked: no driver or framework text reaches a client.
      expectNoLeaks(text);
      const body = JSON.parse(text) as { data?: never; errors?: GqlResult<never>["errors"] };
      return {
        status: res.status,
        data: body.data,
        errors: body.errors,
        headers: res.headers,
        sqlStatements: Number(res.headers.get("x-sql-statements") ?? NaN),
      };
    },
    async loginAs(role) {
      const cached = tokens.get(role);
      if (cached) return cached;
      const email = `${role.toLowerCase()}-${randomBytes(3).toString("hex")}@test.example`;
      const password = "correct horse battery staple";
      await new AuthService(ds, 1).createUser({ email, password, role });
      const { token } = await new AuthService(ds, 1).login(email, password);
      tokens.set(role, token);
      return token;
    },
    async editorToken() {
      const { token } = await new AuthService(ds, 1).login(DEMO_EDITOR.email, DEMO_EDITOR.password);
      return token;
    },
    async close() {
      await server.stop();
      await new Promise<void>((r) => server.httpServer.close(() => r()));
      await ds.destroy();
    },
  };
  return app;
}

/**
 * The clone's media rows (the demo story's lead image) name files the seed wrote for the
 * template: put them in this app's store (disk or S3), as a restore of database and files would.
 */
async function copyTemplateMedia(server: RunningServer): Promise<void> {
  const from = new DiskBlobStore(inject("templateMediaDir"));
  const to = server.services.media.store;
  for await (const { key } of from.list()) {
    const body = await from.get(key);
    if (body) await to.put(key, body, CONTENT_TYPES[key.slice(key.lastIndexOf(".") + 1)]!);
  }
}

/** Domain-language assertions on GraphQL errors. */
export function errorCode(r: GqlResult<unknown>): string | undefined {
  return r.errors?.[0]?.extensions?.code as string | undefined;
}
