import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LRUCache } from "lru-cache";
import type { DataSource } from "typeorm";
import { ArticleState, ContentEventKind, ReferenceType } from "../../shared/enums";
import { BadUserInputError, ForbiddenError, NotFoundError, translateDbError } from "../../shared/errors";
import { isUuid } from "../../shared/ids";
import type { Logger } from "../../shared/logger";
import { toPlainText } from "../../shared/markdown";
import { decodeCursor, encodeCursor, instantAt, micros, pageSize, type Page } from "../../shared/pagination";
import type { StaffViewer } from "../../shared/viewer";
import { appendEvents } from "../outbox";
import { Action, can } from "../policy";
import { Source } from "../source";
import { MediaAsset, MediaKind, RenditionName } from "./media.entity";
import { MediaRejection } from "./media.errors";
import type { MediaAssetFilter, UpdateMediaAssetInput } from "./media.inputs";
import { renditionSetOf, type Limits, type Rendered } from "./media.processing";
import { renderInWorker, type WorkerResult } from "./media.render";
import { UploadRefused } from "./media.renditions";
import type { RenderJob } from "./media.worker";
import { isBlobKey, type BlobStore } from "./media.storage";

/** The graphile-worker task that deletes blobs no asset row names (see sweepOrphans). */
export const MEDIA_SWEEP_TASK = "media_orphan_sweep";

export interface MediaOptions extends Limits {
  orphanGraceSeconds: number;
  /** Public origin for absolute URLs (PUBLIC_BASE_URL). */
  baseUrl: string;
}

/** An upload once it is on disk: the route streamed it to `file`, hashing as it went. */
export interface ReceivedFile {
  file: string;
  bytes: number;
  sha256: string;
}

const PLAIN_FIELDS = ["altText", "caption", "credit", "copyrightHolder", "license", "usageTerms"] as const;

/** What an edit of an asset records in reference_revisions: the metadata readers and partners see. */
const RECORDED = [...PLAIN_FIELDS, "acquireLicensePage", "noSyndication", "sourceId", "focalX", "focalY"] as const;
const recordOf = (a: MediaAsset): Record<string, unknown> => Object.fromEntries(RECORDED.map((k) => [k, a[k]]));

/**
 * Published articles (embargoed ones included) whose published revision shows asset $1, with that
 * revision: the articles an edit of the asset changes for readers. (revision_media is the article
 * module's table; the media module names it here rather than import that module, which imports this one.)
 */
const USING_ARTICLES_SQL = `SELECT a.id, a.published_revision_id, r.number
  FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
  WHERE a.state = '${ArticleState.PUBLISHED}' AND a.published_revision_id IN (SELECT revision_id FROM revision_media WHERE media_id = $1)`;

/**
 * The media library: uploads (checked, processed, stored, deduplicated), metadata edits, the
 * library's queries, serving blobs, and the orphan sweep.
 *
 * Blob before row: an upload's files are written before the transaction that inserts its row,
 * so no committed row ever names a missing file. A crash in between leaves files without a
 * row, which sweepOrphans deletes once they are older than the grace period.
 */
export class MediaService {
  /** Uploads being processed here, by content hash: the same bytes again wait for that one instead of rendering twice. */
  private readonly inFlight = new Map<string, Promise<{ asset: MediaAsset; created: boolean }>>();

  /** Recently served files: renditions are immutable, so a cached copy is never stale. */
  private readonly hot = new LRUCache<string, Buffer>({ maxSize: 64 * 1024 * 1024, sizeCalculation: (b) => b.length || 1 });

  constructor(
    private readonly ds: DataSource,
    readonly store: BlobStore,
    private readonly opts: MediaOptions,
    private readonly log: Logger,
  ) {}

  urlFor(path: string): string {
    return `${this.opts.baseUrl.replace(/\/$/, "")}${path}`;
  }

  /**
   * Turn an uploaded file into an asset, or find the asset those bytes already are. Returns
   * `created: false` for a duplicate (also when a concurrent upload of the same bytes won).
   */
  async upload(
    viewer: StaffViewer,
    received: ReceivedFile,
    /** Where the crops centre (0..1 each way); the seed knows it for the graphics it draws. */
    focal = { x: 0.5, y: 0.5 },
  ): Promise<{ asset: MediaAsset; created: boolean }> {
    const repo = this.ds.getRepository(MediaAsset);
    const existing = await repo.findOneBy({ contentHash: received.sha256 });
    if (existing) return { asset: existing, created: false };
    // The same bytes being processed here already: that upload's outcome (asset or refusal) is this one's.
    const pending = this.inFlight.get(received.sha256);
    if (pending) return { asset: (await pending).asset, created: false };
    const job = this.create(viewer, received, focal);
    this.inFlight.set(received.sha256, job);
    try {
      return await job;
    } finally {
      this.inFlight.delete(received.sha256);
    }
  }

  /** A new asset from the upload; `created: false` when another instance committed the same bytes first. */
  private async create(
    viewer: StaffViewer,
    received: ReceivedFile,
    focal: { x: number; y: number },
  ): Promise<{ asset: MediaAsset; created: boolean }> {
    const repo = this.ds.getRepository(MediaAsset);
    const secret = randomBytes(16).toString("hex");
    const set = renditionSetOf(received.sha256, secret, focal.x, focal.y);
    const { inspected, rendered } = await this.renderAndStore({ file: received.file, bytes: received.bytes, set, focal });
    const [row] = await this.ds.query<{ id: string }[]>(
      `INSERT INTO media_assets (kind, content_hash, rendition_set, url_secret, mime, bytes, width, height, renditions, placeholder, uploaded_by_id, focal_x, focal_y)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (content_hash) DO NOTHING RETURNING id`,
      [
        MediaKind.IMAGE,
        received.sha256,
        set,
        secret,
        inspected.mime,
        received.bytes,
        inspected.width,
        inspected.height,
        JSON.stringify(rendered.renditions),
        rendered.placeholder,
        viewer.userId,
        focal.x,
        focal.y,
      ],
    );
    if (!row) {
      // The same bytes committed first from another instance: that asset is the one; ours are spare.
      await this.deleteBlobs(rendered.files.map((f) => f.key));
      return { asset: await repo.findOneByOrFail({ contentHash: received.sha256 }), created: false };
    }
    return { asset: await repo.findOneByOrFail({ id: row.id }), created: true };
  }

  async find(id: string): Promise<MediaAsset | null> {
    if (!isUuid(id)) return null;
    return this.ds.getRepository(MediaAsset).findOneBy({ id });
  }

  async sourceOf(asset: MediaAsset): Promise<Source | null> {
    return asset.sourceId ? this.ds.getRepository(Source).findOneBy({ id: asset.sourceId }) : null;
  }

  /** The library, newest upload first, keyset-paged on (uploaded_at, id). */
  async list(args: {
    first?: number | null;
    after?: string | null;
    filter?: MediaAssetFilter | null;
  }): Promise<Page<MediaAsset>> {
    const limit = pageSize(args.first);
    const f = args.filter ?? {};
    const qb = this.ds.getRepository(MediaAsset).createQueryBuilder("m");
    if (f.kind) qb.andWhere("m.kind = :kind", { kind: f.kind });
    if (f.noSyndication !== null && f.noSyndication !== undefined) qb.andWhere("m.no_syndication = :ns", { ns: f.noSyndication });
    if (f.uploadedBy) qb.andWhere("m.uploaded_by_id = :by", { by: f.uploadedBy });
    if (f.search?.trim()) {
      const q = `%${f.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        `(m.alt_text ILIKE :q ESCAPE '\\' OR m.caption ILIKE :q ESCAPE '\\' OR m.credit ILIKE :q ESCAPE '\\' OR m.copyright_holder ILIKE :q ESCAPE '\\')`,
        { q },
      );
    }
    const countQb = qb.clone();
    if (args.after) {
      const [us, id] = decodeCursor<[string, string]>("media", args.after, ["micros", "uuid"]);
      qb.andWhere(`(m.uploaded_at, m.id) < (${instantAt(":us::bigint")}, :cid::uuid)`, { us, cid: id });
    }
    const { entities, raw } = await qb
      .addSelect(micros("m.uploaded_at"), "cursor_us")
      .orderBy("m.uploaded_at", "DESC")
      .addOrderBy("m.id", "DESC")
      .take(limit + 1)
      .getRawAndEntities<{ cursor_us: string; m_id: string }>();
    const positions = new Map(raw.map((r) => [r.m_id, r.cursor_us]));
    return {
      nodes: entities.slice(0, limit),
      hasNextPage: entities.length > limit,
      cursorOf: (n) => encodeCursor("media", [positions.get(n.id)!, n.id]),
      count: () => countQb.getCount(),
    };
  }

  /**
   * Edit an asset's metadata; a new focal point makes a new rendition set (the old URLs keep
   * working). An asset is reference data: every edit is recorded in its history, and once
   * published articles show it, the edit needs an EDITOR and announces an UPDATED event for
   * each of them (so caches and CDNs purge, and partners hear of it), in the same transaction.
   */
  async update(viewer: StaffViewer, id: string, input: UpdateMediaAssetInput): Promise<MediaAsset> {
    const changes = this.clean(input);
    if (changes.sourceId) {
      const source = await this.ds.getRepository(Source).existsBy({ id: changes.sourceId });
      if (!source)
        throw new BadUserInputError(`sourceId ${changes.sourceId} is not a source; pick one from sources.`, {
          field: "sourceId",
        });
    }
    try {
      return await this.ds.transaction(async (m) => {
        const repo = m.getRepository(MediaAsset);
        const asset = await repo.findOne({ where: { id }, lock: { mode: "pessimistic_write" } });
        if (!asset) throw new NotFoundError("Media asset", id);
        const before = recordOf(asset);
        const focalX = changes.focalX ?? asset.focalX;
        const focalY = changes.focalY ?? asset.focalY;
        const moved = focalX !== asset.focalX || focalY !== asset.focalY;
        const changed = moved || Object.entries(changes).some(([k, v]) => (asset as unknown as Record<string, unknown>)[k] !== v);
        if (!changed) return asset;
        // Counted under the row lock: a publish showing the asset holds it FOR KEY SHARE
        // (lockCitedEntries), so it committed before this lock and is counted, or starts after.
        const [{ n: using }] = await m.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM (${USING_ARTICLES_SQL}) u`, [id]);
        if (using > 0 && !can(viewer, Action.EDIT_CITED_REFERENCE)) {
          throw new ForbiddenError(
            `This image is shown by ${using} published article${using === 1 ? "" : "s"}, so an edit would change what readers see at once; only an EDITOR or ADMIN can edit it (you are a ${viewer.role}). Ask an editor, or upload a new image for your story.`,
          );
        }
        Object.assign(asset, changes);
        if (moved) await this.refocus(asset, focalX, focalY);
        asset.version += 1;
        this.log.info({ asset: id, by: viewer.userId, moved }, "media asset edited");
        const saved = await repo.save(asset);
        const [{ number }] = await m.query<[{ number: number }]>(
          `INSERT INTO reference_revisions (entity_type, entity_id, number, action, user_id, before, after, published_articles)
           SELECT $1, $2, coalesce(max(number), 0) + 1, 'UPDATED', $3, $4, $5, $6 FROM reference_revisions WHERE entity_type = $1 AND entity_id = $2
           RETURNING number`,
          [ReferenceType.MEDIA, id, viewer.userId, before, recordOf(saved), using],
        );
        if (using > 0) {
          await appendEvents(m, USING_ARTICLES_SQL, [id], ContentEventKind.UPDATED, {
            by: viewer.userId,
            reason: "reference",
            type: ReferenceType.MEDIA,
            id,
            revision: number,
          });
        }
        return saved;
      });
    } catch (err) {
      throw translateDbError(err) ?? err;
    }
  }

  /** New renditions around the focal point, from the stored original (the upload itself is not kept). */
  private async refocus(asset: MediaAsset, focalX: number, focalY: number): Promise<void> {
    const original = asset.renditions.find((r) => r.name === RenditionName.ORIGINAL);
    const originalKey = original?.files[0]?.path.replace(/^\/media\//, "");
    const bytes = originalKey ? await this.store.get(originalKey) : null;
    if (!bytes) throw new Error(`media asset ${asset.id} has no stored original`);
    const set = renditionSetOf(asset.contentHash, asset.urlSecret, focalX, focalY);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "newsgraph-refocus-"));
    try {
      const file = path.join(dir, "original");
      await fs.writeFile(file, bytes);
      const keptOriginal = { mime: asset.mime, width: asset.width, height: asset.height };
      // Blob before row, as at upload: the row commits after this, or the files are orphans.
      const { rendered } = await this.renderAndStore({
        file,
        bytes: bytes.length,
        set,
        focal: { x: focalX, y: focalY },
        keptOriginal,
      });
      asset.renditions = rendered.renditions;
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
    asset.retiredSets = [...new Set([...asset.retiredSets, asset.renditionSet])].filter((s) => s !== set);
    asset.renditionSet = set;
    asset.focalX = focalX;
    asset.focalY = focalY;
  }

  private clean(input: UpdateMediaAssetInput): Partial<MediaAsset> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input) as [string, unknown][]) {
      if (v === undefined) continue;
      if ((PLAIN_FIELDS as readonly string[]).includes(k)) {
        const text = typeof v === "string" ? toPlainText(v).trim() : null;
        out[k] = text === "" ? null : text;
      } else if (k === "noSyndication") out[k] = v ?? false;
      else if (k === "focalX" || k === "focalY") {
        if (v === null) throw new BadUserInputError(`${k} cannot be null; send a number from 0 to 1.`, { field: k });
        out[k] = v;
      } else out[k] = v;
    }
    return out;
  }

  /** The bytes of one file, for the serving route; null when there is none. */
  async read(key: string): Promise<Buffer | null> {
    if (!isBlobKey(key)) return null;
    const cached = this.hot.get(key);
    if (cached) return cached;
    const body = await this.store.get(key);
    if (body) this.hot.set(key, body);
    return body;
  }

  /**
   * Delete files that no asset names (as its current or a retired rendition set) and that are
   * older than the grace period: what a crash between writing them and committing the row left.
   */
  async sweepOrphans(graceSeconds = this.opts.orphanGraceSeconds): Promise<number> {
    const cutoff = Date.now() - graceSeconds * 1000;
    const bySet = new Map<string, { keys: string[]; newest: number }>();
    for await (const blob of this.store.list()) {
      const set = blob.key.slice(0, 64);
      const entry = bySet.get(set) ?? { keys: [], newest: 0 };
      entry.keys.push(blob.key);
      entry.newest = Math.max(entry.newest, blob.modified.getTime());
      bySet.set(set, entry);
    }
    const candidates = [...bySet.entries()].filter(([, e]) => e.newest < cutoff).map(([set]) => set);
    let deleted = 0;
    for (let i = 0; i < candidates.length; i += 1000) {
      const chunk = candidates.slice(i, i + 1000);
      const orphans = await this.ds.query<{ s: string }[]>(
        `SELECT s FROM unnest($1::text[]) s
         WHERE NOT EXISTS (SELECT 1 FROM media_assets WHERE rendition_set = s OR s = ANY(retired_sets))`,
        [chunk],
      );
      for (const { s } of orphans) {
        const keys = bySet.get(s)!.keys;
        await this.deleteBlobs(keys);
        deleted += keys.length;
      }
    }
    if (deleted > 0) this.log.info({ deleted }, "media orphan sweep deleted files no asset names");
    return deleted;
  }

  /**
   * Make sure a sweep is queued for after this write's grace period: written before the files, so
   * a crash after them still leaves the sweep queued. preserve_run_at: steady uploads do not keep
   * pushing it back.
   */
  private async scheduleSweep(): Promise<void> {
    await this.ds.query(
      `SELECT graphile_worker.add_job($1, '{}'::json, run_at => now() + $2 * interval '1 second', job_key => $1, job_key_mode => 'preserve_run_at')`,
      [MEDIA_SWEEP_TASK, this.opts.orphanGraceSeconds + 60],
    );
  }

  /**
   * Render in the media worker (media.render.ts) into a directory of this call's own, then queue
   * the orphan sweep and store the files from it (before any row names them). An image the
   * worker refuses is a MediaRejection.
   */
  private async renderAndStore(job: Omit<RenderJob, "outDir" | "limits">): Promise<Omit<WorkerResult, "peakRssKb">> {
    const outDir = await fs.mkdtemp(path.join(os.tmpdir(), "newsgraph-render-"));
    try {
      const result = await renderInWorker({ ...job, outDir, limits: { maxPixels: this.opts.maxPixels } }).catch(
        (err: unknown) => {
          throw err instanceof UploadRefused ? new MediaRejection(err.message, err.status) : err;
        },
      );
      await this.scheduleSweep();
      await this.writeBlobs(result.rendered);
      return result;
    } finally {
      await fs.rm(outDir, { recursive: true, force: true });
    }
  }

  private async writeBlobs(rendered: Rendered): Promise<void> {
    for (const f of rendered.files) await this.store.put(f.key, { file: f.file }, f.contentType);
  }

  private async deleteBlobs(keys: string[]): Promise<void> {
    for (const key of keys) {
      this.hot.delete(key);
      await this.store.delete(key).catch((err: unknown) => this.log.warn({ err, key }, "could not delete a media file"));
    }
  }
}
