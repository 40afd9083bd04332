import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/*
 * Bundles built on first use (the explorer's and the Studio's browser bundles, the media
 * worker) and cached under node_modules/.cache between starts.
 */

/** A package's installed version (read from node_modules: some packages do not export their package.json). */
export function version(pkg: string): string {
  const file = path.resolve(path.dirname(require.resolve("esbuild/package.json")), "..", pkg, "package.json");
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/**
 * The build in `cacheRoot/id`, made by `build` when missing: built aside and renamed into place,
 * so another process building at the same time loses the rename harmlessly.
 */
export async function cachedBuild(cacheRoot: string, id: string, build: (outDir: string) => Promise<void>): Promise<string> {
  const dir = path.join(cacheRoot, id);
  if (fs.existsSync(dir)) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await build(tmp);
    if (!fs.existsSync(dir)) fs.renameSync(tmp, dir);
  } catch (err) {
    if (!fs.existsSync(dir)) throw err;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** node_modules/.cache/<name>, where built bundles are kept between starts. */
export function cacheDir(name: string): string {
  return path.resolve(path.dirname(require.resolve("esbuild/package.json")), "../.cache", name);
}
