import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

/** A rendition set (64 hex digits) and a file in it: the only shape of key the stores accept. */
const KEY = /^([0-9a-f]{64})\/((?:original|thumbnail|square|4x3|16x9|hero)\.(?:jpg|png|webp|avif|gif))$/;

/** Whether `key` is a blob key; anything else (dots, slashes, encodings) is refused before any store sees it. */
export function isBlobKey(key: string): boolean {
  return KEY.test(key);
}

function checkedKey(key: string): { set: string; file: string } {
  const m = KEY.exec(key);
  if (!m) throw new Error(`not a media blob key: ${JSON.stringify(key).slice(0, 100)}`);
  return { set: m[1]!, file: m[2]! };
}

export interface StoredBlob {
  key: string;
  /** When it was written: the orphan sweep spares recent blobs (an upload may not have committed yet). */
  modified: Date;
}

/**
 * Where media bytes live. Keys are `<rendition set>/<file>`, validated by every implementation
 * before it touches anything, so a key built from a URL can never name another path.
 */
/** A blob's bytes: in memory, or a file to copy from (the media worker's output, never read into memory). */
export type BlobSource = Buffer | { file: string };

export interface BlobStore {
  readonly kind: "disk" | "s3";
  put(key: string, body: BlobSource, contentType: string): Promise<void>;
  /** The bytes, or null when there is no such blob. */
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
  /** Every blob, for the orphan sweep. */
  list(): AsyncIterable<StoredBlob>;
}

/** Blobs as files under `root` (DATA_DIR/media): root/<ab>/<set>/<file>, written to a temporary name and renamed. */
export class DiskBlobStore implements BlobStore {
  readonly kind = "disk" as const;

  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    const { set, file } = checkedKey(key);
    return path.join(this.root, set.slice(0, 2), set, file);
  }

  async put(key: string, body: BlobSource): Promise<void> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // A reader never sees half a file: the rename is atomic within the directory.
    const tmp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
    if (Buffer.isBuffer(body)) await fs.writeFile(tmp, body, { flag: "wx" });
    else await fs.copyFile(body.file, tmp, fs.constants.COPYFILE_EXCL);
    await fs.rename(tmp, target);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await fs.rm(file, { force: true });
    // The set's directory goes with its last file (a concurrent put recreates it).
    await fs.rmdir(path.dirname(file)).catch(() => undefined);
  }

  async *list(): AsyncIterable<StoredBlob> {
    const shards = await fs.readdir(this.root).catch(() => [] as string[]);
    for (const shard of shards) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      const sets = await fs.readdir(path.join(this.root, shard)).catch(() => [] as string[]);
      for (const set of sets) {
        const files = await fs.readdir(path.join(this.root, shard, set)).catch(() => [] as string[]);
        for (const file of files) {
          const key = `${set}/${file}`;
          if (!isBlobKey(key)) continue;
          const stat = await fs.stat(path.join(this.root, shard, set, file)).catch(() => null);
          if (stat) yield { key, modified: stat.mtime };
        }
      }
    }
  }
}
