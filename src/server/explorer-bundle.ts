import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { cacheDir, cachedBuild, version } from "../shared/build-cache";

export { cacheDir, cachedBuild, version };

/**
 * The explorer's browser bundle: GraphiQL 5 (React, Monaco) and our two panels (explorer/main.tsx),
 * built with esbuild on first use and cached under node_modules/.cache, keyed by the sources and
 * the versions of everything bundled. A build step because GraphiQL 5 ships only ES modules with
 * bare imports and CSS imports (no browser bundle), and ruru, which ships one, declares node >=22
 * from 2.0.0-rc.4 on. About 8 s once; every later start reads the cache.
 */

/** Files of one build, in memory: nothing is read from disk by request path. */
export interface ExplorerAsset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

export interface ExplorerBundle {
  /** Part of every asset URL: a new build is a new URL, so assets are cached for good. */
  id: string;
  assets: ReadonlyMap<string, ExplorerAsset>;
}

const BUNDLED = [
  "graphiql",
  "@graphiql/react",
  "@graphiql/toolkit",
  "react",
  "react-dom",
  "monaco-editor",
  "monaco-graphql",
  "graphql-ws",
  "esbuild",
];
const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".ttf": "font/ttf",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
};

/** The first of these paths (relative to this file, in src/ or in dist/src/) that exists. */
export function sourcePath(...relative: string[]): string {
  for (const up of ["../..", "../../.."]) {
    const candidate = path.resolve(__dirname, up, ...relative);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${relative.join("/")} not found beside the server's sources`);
}

function buildKey(sourceDir: string): string {
  const hash = createHash("sha256");
  for (const file of fs.readdirSync(sourceDir).sort()) {
    if (/\.(tsx?|css)$/.test(file)) hash.update(file).update(fs.readFileSync(path.join(sourceDir, file)));
  }
  for (const pkg of BUNDLED) hash.update(`${pkg}@${version(pkg)}`);
  return hash.digest("hex").slice(0, 16);
}

async function build(sourceDir: string, outDir: string): Promise<void> {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: {
      main: path.join(sourceDir, "main.tsx"),
      "editor.worker": require.resolve("monaco-editor/esm/vs/editor/editor.worker.js"),
      "json.worker": require.resolve("monaco-editor/esm/vs/language/json/json.worker.js"),
      "graphql.worker": require.resolve("monaco-graphql/esm/graphql.worker.js"),
    },
    bundle: true,
    format: "esm",
    minify: true,
    outdir: outDir,
    loader: { ".ttf": "file" },
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
    absWorkingDir: path.dirname(sourceDir),
  });
}

/** Every servable file of a build directory, read into memory (the Studio's bundle uses this too). */
export function loadBundle(id: string, dir: string): ExplorerBundle {
  const assets = new Map<string, ExplorerAsset>();
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const body = fs.readFileSync(path.join(dir, name));
    assets.set(name, {
      body,
      gzip: gzipSync(body),
      type,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
    });
  }
  return { id, assets };
}

let pending: Promise<ExplorerBundle> | null = null;

/** The current bundle: from the cache, or built now (once per process, and safe across processes). */
export function explorerBundle(): Promise<ExplorerBundle> {
  pending ??= (async () => {
    const sourceDir = sourcePath("explorer");
    const id = buildKey(sourceDir);
    const dir = await cachedBuild(cacheDir("newsgraph-explorer"), id, (out) => build(sourceDir, out));
    return loadBundle(id, dir);
  })();
  // A failed build is retried by the next request rather than remembered.
  pending.catch(() => (pending = null));
  return pending;
}
