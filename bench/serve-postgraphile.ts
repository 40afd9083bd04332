import { createServer } from "node:http";
import { RAW_PUBLIC_ARTICLE } from "./raw-handler";

/*
 * The anchor target: PostGraphile 5 (a bench-only devDependency) serving the bench database
 * through its own generated schema, the compiled-query engine the issue measures against.
 * Started by bench/run.ts from compiled JavaScript like the raw target: BENCH_DATABASE_URL and
 * PORT in the environment, ready when GET /readyz answers, stopped with SIGTERM.
 *
 * The one addition to the generated schema is a `public: true` condition on articles: the
 * product's visibility rule (published, embargo lifted), the same SQL text as the raw handler's,
 * so that PostGraphile answers the same pages, not also drafts and embargoed stories.
 */

// PostGraphile 5 needs Promise.withResolvers, which Node 20 lacks (Node 22 has it).
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== "function") {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (v: T | PromiseLike<T>) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
      return { promise, resolve, reject };
    },
  });
}

const url = process.env.BENCH_DATABASE_URL;
const port = Number(process.env.PORT);
if (!url || !Number.isInteger(port)) {
  console.error("serve-postgraphile is started by bench/run.ts (it needs BENCH_DATABASE_URL and PORT)");
  process.exit(2);
}

async function start(): Promise<void> {
  // Loaded after the polyfill.
  const { postgraphile } = await import("postgraphile");
  const { PostGraphileAmberPreset } = await import("postgraphile/presets/amber");
  const { makePgService } = await import("postgraphile/adaptors/pg");
  const { grafserv } = await import("postgraphile/grafserv/node");
  const { addPgTableCondition } = await import("postgraphile/utils");

  const publicCondition = addPgTableCondition(
    { schemaName: "public", tableName: "articles" },
    "public",
    (build) => ({ type: build.graphql.GraphQLBoolean, description: "Published and out of embargo, as readers see it." }),
    (value, { sql, sqlTableAlias }) => {
      if (value !== true) return null;
      // RAW_PUBLIC_ARTICLE is written for the alias `a`; here the alias is PostGraphile's.
      // A constant of this file, never input: sql.raw is safe here.
      const parts = RAW_PUBLIC_ARTICLE.split("a.").map((p) => sql.raw(p));
      const withAlias = parts.flatMap((p, i) => (i === 0 ? [p] : [sql`${sqlTableAlias}.`, p]));
      return sql`(${sql.join(withAlias, "")})`;
    },
  );

  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    plugins: [publicCondition],
    // As PostGraphile 4's ignoreIndexes: order by any column (positions have no index of their own).
    disablePlugins: ["PgIndexBehaviorsPlugin"],
    pgServices: [
      makePgService({
        connectionString: url,
        schemas: ["public"],
        // The same pool size as Newsgraph and the raw handler.
        poolConfig: { max: Number(process.env.DB_POOL_SIZE) || 10 },
      }),
    ],
    grafserv: { graphqlOverGET: true, graphiql: false, websockets: false },
    grafast: { explain: false },
  });
  const serv = pgl.createServ(grafserv);
  await pgl.getSchema();
  // createHandler rather than addTo: /readyz must be answered here, and there are no websockets.
  const graphql = serv.createHandler();
  const server = createServer((req, res) => {
    if (req.url === "/readyz") res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    else graphql(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close();
    Promise.resolve(pgl.release())
      .catch((err: unknown) => console.error("postgraphile: error while stopping:", err))
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", () => undefined);
}

start().catch((err: unknown) => {
  console.error("postgraphile did not start:", err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
