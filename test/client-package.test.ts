/**
 * @newsgraph/client as an outside project gets it: built with the repository's codegen and tsc,
 * packed with `npm pack`, installed offline from the tarball into a project outside this tree,
 * type-checked there with `tsc --strict`, and run against a real server.
 */
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./support/harness";
import { publishNew } from "./support/publish";

type Sdk = typeof import("../packages/client/src/index");

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const PKG = path.join(ROOT, "packages/client");
const GENERATED = path.join(PKG, "src/generated");
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

/** tsc and codegen in child processes: seconds each on an idle machine, far more on a loaded one. */
const SUBPROCESS_TIMEOUT = 120_000;

let work: string;
let project: string;
let tarball: string;
let staleGenerated: string[] = [];
let app: TestApp;
let sdk: Sdk;

async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = await readdir(dir).catch(() => [] as string[]);
  return new Map(await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, f), "utf8")] as const)));
}

/** Build (codegen with the root's binary, then tsc), pack, and install into an outside project. */
async function buildPackInstall(): Promise<void> {
  const before = await snapshot(GENERATED);
  await run(process.execPath, [path.join(PKG, "scripts/build.js")], { cwd: ROOT });
  const after = await snapshot(GENERATED);
  staleGenerated = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));

  // Built above: no prepack again.
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: PKG });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  tarball = path.join(work, packed!.filename);

  project = path.join(work, "site");
  await mkdir(project);
  await writeFile(path.join(project, "package.json"), JSON.stringify({ name: "outside-site", version: "1.0.0", private: true }));
  await writeFile(
    path.join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
      },
    }),
  );
  // No network: the package's dependencies are linked from this repository's node_modules.
  await run(
    "npm",
    [
      "install",
      "--offline",
      "--no-audit",
      "--no-fund",
      `file:${path.join(ROOT, "node_modules/graphql")}`,
      `file:${path.join(ROOT, "node_modules/@graphql-typed-document-node/core")}`,
      // For the site's own codegen (examples/codegen.ts).
      `file:${path.join(ROOT, "node_modules/@graphql-codegen/cli")}`,
      `file:${path.join(ROOT, "node_modules/@graphql-codegen/client-preset")}`,
      tarball,
    ],
    { cwd: project },
  );
}

/** `tsc --noEmit --strict` over one file of the outside project. */
async function tsc(file: string, source: string): Promise<{ ok: boolean; output: string }> {
  await writeFile(path.join(project, file), source);
  const config = `tsconfig.${file}.json`;
  await writeFile(path.join(project, config), JSON.stringify({ extends: "./tsconfig.json", files: [file] }));
  try {
    const { stdout } = await run(process.execPath, [TSC, "-p", config, "--noEmit", "--strict"], { cwd: project });
    return { ok: true, output: stdout };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "newsgraph-client-"));
  // Anonymous clients may run only trusted documents here: the SDK's persisted mode must do.
  [, app] = await Promise.all([buildPackInstall(), startTestApp({ TRUSTED_DOCUMENTS: "required" })]);
  sdk = createRequire(path.join(project, "package.json"))("@newsgraph/client") as Sdk;
}, 180_000);

afterAll(async () => {
  await app?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the @newsgraph/client package", () => {
  it("is installed outside the repository from npm pack output, offline", async () => {
    expect(path.relative(ROOT, project).startsWith("..")).toBe(true);
    const installed = path.join(project, "node_modules/@newsgraph/client");
    expect(existsSync(installed)).toBe(true);
    const pkg = JSON.parse(await readFile(path.join(installed, "package.json"), "utf8")) as {
      name: string;
      version: string;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
    };
    expect([pkg.name, pkg.version]).toEqual(["@newsgraph/client", "0.1.0"]);
    // Every dependency is one this repository already has (so no install ever needs the network).
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }))
      expect(existsSync(path.join(ROOT, "node_modules", dep, "package.json")), dep).toBe(true);
  });

  it("carries the server's SDL and trusted-documents manifest, and current typed documents", async () => {
    const installed = path.join(project, "node_modules/@newsgraph/client");
    expect(await readFile(path.join(installed, "schema.graphql"), "utf8")).toBe(
      await readFile(path.join(ROOT, "schema/schema.graphql"), "utf8"),
    );
    const shipped = JSON.parse(await readFile(path.join(installed, "dist/generated/persisted-documents.json"), "utf8")) as Record<
      string,
      string
    >;
    const server = JSON.parse(await readFile(path.join(ROOT, "src/client/generated/persisted-documents.json"), "utf8")) as Record<
      string,
      string
    >;
    expect(shipped).toEqual(server);
    for (const [hash, text] of Object.entries(shipped))
      expect(hash).toBe(`sha256:${createHash("sha256").update(text).digest("hex")}`);
    // codegen:check for packages/client/src/generated: the build regenerated nothing.
    expect(staleGenerated, "packages/client/src/generated was stale: commit the regenerated files").toEqual([]);
  });

  it(
    "types a client's build: correct use compiles, a wrong field or variable fails naming it",
    async () => {
      const good = `
import { createClient, ArticlePageDocument, FrontPageDocument, NewsgraphError } from "@newsgraph/client";
export async function page(slug: string): Promise<string> {
  const client = createClient({ url: "http://localhost:4000/graphql", persisted: true });
  const front = await client.request(FrontPageDocument);
  const first: string | undefined = front.articles.edges[0]?.node.headline;
  const data = await client.request(ArticlePageDocument, { slug });
  const published: string | null | undefined = data.article?.publishedAt;
  try {
    await client.request(ArticlePageDocument, { slug: "x" });
  } catch (e) {
    if (e instanceof NewsgraphError) return e.code + String(e.path) + String(e.retryAfter);
  }
  return (first ?? "") + (published ?? "") + (data.article?.headline ?? "");
}
`;
      const bad = good
        .replace("data.article?.headline", "data.article?.hedline")
        .replace('{ slug: "x" }', '{ slugg: "x" }')
        .replace("const published: string | null | undefined", "const published: number | null | undefined");
      const [ok, broken] = await Promise.all([tsc("good.ts", good), tsc("bad.ts", bad)]);
      expect(ok.output).toBe("");
      expect(ok.ok).toBe(true);
      expect(broken.ok).toBe(false);
      expect(broken.output).toMatch(/bad\.ts\(\d+,\d+\): error TS2551: Property 'hedline' does not exist/);
      expect(broken.output).toMatch(
        /bad\.ts\(\d+,\d+\): error TS\d+: Object literal may only specify known properties, but 'slugg' does not exist/,
      );
      expect(broken.output).toMatch(
        /bad\.ts\(\d+,\d+\): error TS2322: Type 'string \| null \| undefined' is not assignable to type 'number/,
      );
    },
    SUBPROCESS_TIMEOUT,
  );

  it(
    "gives a site's own codegen (examples/codegen.ts) the schema and scalars; a wrong field fails it",
    async () => {
      const codegen = path.join(ROOT, "node_modules/@graphql-codegen/cli/esm/bin.js");
      const query = (fields: string) => `
import { createClient } from "@newsgraph/client";
import { graphql } from "./gql";
const Headlines = graphql(\`query Headlines($first: Int) { articles(first: $first) { edges { node { ${fields} } } } }\`);
export async function headlines(url: string): Promise<string[]> {
  const data = await createClient({ url }).request(Headlines, { first: 5 });
  return data.articles.edges.map((e) => e.node.headline + " " + new Date(e.node.publishedAt ?? 0).toISOString());
}
`;
      const site = async (name: string, fields: string) => {
        const dir = path.join(work, name);
        await mkdir(path.join(dir, "src"), { recursive: true });
        await symlink(path.join(project, "node_modules"), path.join(dir, "node_modules"));
        await copyFile(path.join(project, "node_modules/@newsgraph/client/examples/codegen.ts"), path.join(dir, "codegen.ts"));
        await copyFile(path.join(project, "tsconfig.json"), path.join(dir, "tsconfig.json"));
        await writeFile(path.join(dir, "src/app.ts"), query(fields));
        // Under NODE_ENV=test codegen prints no validation errors: run it as a site's developer does.
        return run(process.execPath, [codegen, "--config", "codegen.ts"], {
          cwd: dir,
          env: { ...process.env, NODE_ENV: "development" },
        }).then(
          async () => {
            await run(process.execPath, [TSC, "-p", "tsconfig.json", "--noEmit", "--strict"], { cwd: dir });
            return "ok";
          },
          (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
        );
      };
      const [good, bad] = await Promise.all([
        site("own-good", "slug headline publishedAt"),
        site("own-bad", "slug headline hedline publishedAt"),
      ]);
      expect(good).toBe("ok");
      expect(bad).toMatch(/Cannot query field "hedline" on type "Article"/);
    },
    SUBPROCESS_TIMEOUT,
  );

  it("runs typed documents against a server: hashes only for anonymous readers, text with a token", async () => {
    const token = await app.editorToken();
    const headline = `Typed client story ${randomUUID()}`;
    const { slug } = await publishNew(app, token, { headline });

    const sent: { headers: Headers; body: Record<string, unknown> }[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push({ headers: new Headers(init?.headers), body: JSON.parse(init?.body as string) as Record<string, unknown> });
      return fetch(input, init);
    };
    const reader = sdk.createClient({ url: app.url, persisted: true, fetch: recording });
    const page = await reader.request(sdk.ArticlePageDocument, { slug });
    expect(page.article?.headline).toBe(headline);
    const publishedAt = page.article?.publishedAt;
    expect(typeof publishedAt).toBe("string");
    expect(new Date(publishedAt!).toISOString()).toBe(publishedAt);
    const front = await reader.request(sdk.FrontPageDocument);
    expect(front.articles.edges.map((e) => e.node.slug)).toContain(slug);
    expect(sent).toHaveLength(2);
    for (const { headers, body } of sent) {
      expect(headers.get("content-type")).toBe("application/json");
      expect(headers.get("authorization")).toBeNull();
      expect(body).not.toHaveProperty("query");
      expect(body.extensions).toEqual({ persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    }

    const staff = sdk.createClient({ url: app.url, token });
    const me = await staff.request(sdk.MeDocument);
    expect(me.me.role).toBe("EDITOR");
  });

  it("throws a NewsgraphError with the server's code and the failing field's path", async () => {
    const caught = (p: Promise<unknown>) =>
      p.then(
        () => expect.fail("resolved"),
        (e: unknown) => e,
      );

    const anonymous = await caught(sdk.createClient({ url: app.url, persisted: true }).request(sdk.MeDocument));
    expect(anonymous).toBeInstanceOf(sdk.NewsgraphError);
    expect(anonymous).toMatchObject({ code: "UNAUTHENTICATED", path: ["me"] });

    const staff = sdk.createClient({ url: app.url, token: await app.editorToken() });
    const missing = await caught(staff.request(sdk.SubmitForReviewDocument, { id: randomUUID() }));
    expect(missing).toBeInstanceOf(sdk.NewsgraphError);
    expect(missing).toMatchObject({ code: "NOT_FOUND", path: ["submitForReview"] });

    const badToken = await caught(sdk.createClient({ url: app.url, token: "ngs_not-a-session" }).request(sdk.MeDocument));
    expect(badToken).toBeInstanceOf(sdk.NewsgraphError);
    expect(badToken).toMatchObject({ code: "UNAUTHENTICATED", path: undefined });

    // Anonymous document text on a TRUSTED_DOCUMENTS=required server.
    const text = await caught(sdk.createClient({ url: app.url }).request(sdk.FrontPageDocument));
    expect(text).toMatchObject({ code: "FORBIDDEN", status: 403 });
  });

  it("reports Retry-After of a rate-limited request as retryAfter", async () => {
    const limited: typeof fetch = () =>
      Promise.resolve(
        new Response(JSON.stringify({ errors: [{ message: "Slow down.", extensions: { code: "RATE_LIMITED" } }] }), {
          status: 429,
          headers: { "content-type": "application/json", "retry-after": "7" },
        }),
      );
    const err = await sdk
      .createClient({ url: "http://127.0.0.1:9/graphql", fetch: limited })
      .request(sdk.FrontPageDocument)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(sdk.NewsgraphError);
    expect(err).toMatchObject({ code: "RATE_LIMITED", retryAfter: 7, status: 429, path: undefined });
  });
});
