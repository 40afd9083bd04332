import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { cacheDir, cachedBuild, loadBundle, sourcePath, version, type ExplorerBundle } from "./explorer-bundle";

/**
 * The Studio's browser bundle (studio/: React, urql, TipTap), built with Vite's build API on first
 * start and cached under node_modules/.cache/newsgraph-studio/<key>, the key hashing every source
 * file of studio/ and the versions of what is bundled: a changed source or dependency is a new
 * build, an unchanged one is read from the cache. Nothing is fetched from the network.
 */

export interface StudioBundle extends ExplorerBundle {
  /** index.html as Vite wrote it (script and style tags pointing at the hashed files). */
  html: string;
}

const BUNDLED = ["vite", "@vitejs/plugin-react", "react", "react-dom", "urql", "graphql-ws", "@tiptap/react", "@tiptap/markdown"];

/** Files that go into the build: studio/index.html and studio/src/**, generated types included. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") out.push(...sourceFiles(full));
    } else if (/\.(tsx?|css|html|graphql|json)$/.test(entry.name)) out.push(full);
  }
  return out;
}

export function studioBuildKey(studioDir: string): string {
  const hash = createHash("sha256");
  for (const file of sourceFiles(studioDir)) hash.update(path.relative(studioDir, file)).update(fs.readFileSync(file));
  for (const pkg of BUNDLED) hash.update(`${pkg}@${version(pkg)}`);
  return hash.digest("hex").slice(0, 16);
}

async function build(studioDir: string, outDir: string): Promise<void> {
  const vite = await import("vite");
  const react = (await import("@vitejs/plugin-react")).default;
  // The React plugin picks its JSX transform from NODE_ENV, not from `mode`: under vitest (NODE_ENV=test)
  // it emitted jsxDEV calls that React's production build lacks, a blank Studio. Production for the build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await viteBuild(vite, react, studioDir, outDir);
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}

async function viteBuild(
  vite: typeof import("vite"),
  react: typeof import("@vitejs/plugin-react").default,
  studioDir: string,
  outDir: string,
): Promise<void> {
  await vite.build({
    configFile: false,
    root: studioDir,
    base: "/studio/",
    logLevel: "silent",
    // Always the production build: under vitest (NODE_ENV=test) Vite would otherwise bundle React's
    // development build, and the cache key, which does not name the mode, would hand it to npm start.
    mode: "production",
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    plugins: [react()],
    build: {
      outDir,
      // Flat: every file is served from memory by its exact name under /studio/.
      assetsDir: "",
      emptyOutDir: true,
      sourcemap: false,
      reportCompressedSize: false,
    },
  });
}

let pending: Promise<StudioBundle> | null = null;

/** The current bundle: from the cache, or built now (once per process, and safe across processes). */
export function studioBundle(): Promise<StudioBundle> {
  pending ??= (async () => {
    const studioDir = sourcePath("studio");
    const id = studioBuildKey(studioDir);
    const dir = await cachedBuild(cacheDir("newsgraph-studio"), id, (out) => build(studioDir, out));
    return { ...loadBundle(id, dir), html: fs.readFileSync(path.join(dir, "index.html"), "utf8") };
  })();
  pending.catch(() => (pending = null));
  return pending;
}
