import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import busboy from "busboy";
import { Router, type Request, type Response } from "express";
import type { Config } from "../config";
import { MediaRejection, type MediaAsset, type ReceivedFile } from "../modules/media";
import { Action, refusal } from "../modules/policy";
import type { Logger } from "../shared/logger";
import { toHttpError } from "../shared/http-error";
import type { StaffViewer } from "../shared/viewer";
import { buildContext } from "./context";
import type { Services } from "./services";

const SET = /^[0-9a-f]{64}$/;
const FILE = /^(original|thumbnail|square|4x3|16x9|hero)(?:\.(jpg|png|webp|avif))?$/;
const ORIGINAL_EXTS = ["jpg", "png", "webp", "avif"] as const;
const TYPE_OF: Readonly<Record<string, string>> = { jpg: "image/jpeg", png: "image/png", webp: "image/webp", avif: "image/avif" };
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * Which of our formats the client asked for by name. Hand-written rather than negotiator's
 * ranking: a wildcard (curl's and many crawlers' `*\/*`) must get JPEG, not the first of our
 * list, and only an explicit image/avif or image/webp with q > 0 picks those.
 */
export function pickFormat(accept: string | undefined): "avif" | "webp" | "jpg" {
  const named = new Set<string>();
  for (const part of (accept ?? "").toLowerCase().split(",")) {
    const [type, ...params] = part.split(";").map((s) => s.trim());
    const q = params.find((p) => p.startsWith("q="));
    if (type && !(q && Number(q.slice(2)) <= 0)) named.add(type);
  }
  if (named.has("image/avif")) return "avif";
  if (named.has("image/webp")) return "webp";
  return "jpg";
}

const FRAMING_ALLOWANCE = 64 * 1024;
const tooLarge = (maxBytes: number) =>
  new MediaRejection(`The file is larger than the limit of ${maxBytes} bytes (MEDIA_MAX_BYTES); upload a smaller one.`, 413);

/** The upload, streamed to a temporary file and hashed on the way; refused past maxBytes without reading on. */
function receive(req: Request, dir: string, maxBytes: number): Promise<ReceivedFile> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 0, parts: 2 } });
    } catch {
      reject(new MediaRejection("Send the image as multipart/form-data, in a field named file (curl -F file=@photo.jpg).", 400));
      return;
    }
    let got: Promise<ReceivedFile> | null = null;
    parser.on("file", (field, stream) => {
      if (field !== "file" || got) {
        stream.resume();
        return;
      }
      const file = path.join(dir, "upload");
      const hash = createHash("sha256");
      let bytes = 0;
      let truncated = false;
      stream.on("limit", () => {
        truncated = true;
      });
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          hash.update(chunk);
          done(null, chunk);
        },
      });
      got = pipeline(stream, counter, createWriteStream(file, { flags: "wx" })).then(() => {
        if (truncated) throw tooLarge(maxBytes);
        return { file, bytes, sha256: hash.digest("hex") };
      });
      // Settled below; keep an early failure from being reported as unhandled meanwhile.
      got.catch(() => undefined);
    });
    // Past the file limit plus room for the multipart framing, stop parsing: what follows is discarded.
    let seen = 0;
    req.on("data", (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes + FRAMING_ALLOWANCE) {
        req.unpipe(parser);
        reject(tooLarge(maxBytes));
      }
    });
    parser.on("partsLimit", () => reject(new MediaRejection("Send one part only: the image, in a field named file.", 400)));
    parser.on("error", () => reject(new MediaRejection("The multipart body is malformed or cut short; send it again.", 400)));
    parser.on("close", () => {
      if (!got) reject(new MediaRejection("No file was sent: put the image in a multipart field named file.", 400));
      else got.then(resolve, reject);
    });
    req.on("aborted", () => reject(new MediaRejection("The upload was interrupted.", 400)));
    req.pipe(parser);
  });
}

/**
 * Answer before (all of) the body is read: close the connection after the answer, discarding what
 * the client is still sending for a few seconds so that it can read the answer (closing at once
 * would reset the connection under it), then cut it off.
 */
function refuseEarly(req: Request, res: Response): void {
  res.setHeader("connection", "close");
  req.resume();
  res.on("finish", () => setTimeout(() => req.socket.destroy(), 5000).unref());
}

/** The asset as the upload's answer shows it (absolute URLs), the same fields GraphQL gives. */
function assetView(asset: MediaAsset, urlFor: (p: string) => string) {
  return {
    id: asset.id,
    kind: asset.kind,
    mime: asset.mime,
    bytes: asset.bytes,
    width: asset.width,
    height: asset.height,
    contentHash: asset.contentHash,
    focalX: asset.focalX,
    focalY: asset.focalY,
    placeholder: asset.placeholder,
    renditions: asset.renditions.map((r) => ({
      name: r.name,
      width: r.width,
      height: r.height,
      url: urlFor(r.path),
      files: r.files.map((f) => ({ contentType: f.contentType, bytes: f.bytes, url: urlFor(f.path) })),
    })),
  };
}

/** POST /media (staff uploads) and GET /media/<set>/<rendition>[.<ext>] (immutable files, for everyone). */
export function mediaRouter(services: Services, config: Config, log: Logger): Router {
  const router = Router();
  const media = services.media;

  const fail = (res: Response, err: unknown): void => {
    if (err instanceof MediaRejection) {
      res.status(err.status).json({ error: { code: "BAD_USER_INPUT", message: err.message } });
      return;
    }
    const { status, headers, body } = toHttpError(err, log);
    for (const [k, v] of headers) res.setHeader(k, v);
    res.status(status).json(body);
  };

  router.post("/media", async (req, res) => {
    res.setHeader("cache-control", "no-store");
    let viewer: StaffViewer;
    try {
      const ctx = await buildContext(services, req, config.trustProxy);
      const refused = refusal(ctx.viewer, Action.MANAGE_MEDIA);
      if (refused) throw refused;
      viewer = ctx.viewer as StaffViewer;
    } catch (err) {
      refuseEarly(req, res);
      return fail(res, err);
    }
    if (Number(req.headers["content-length"] ?? 0) > config.media.maxBytes + FRAMING_ALLOWANCE) {
      refuseEarly(req, res);
      return fail(res, tooLarge(config.media.maxBytes));
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "newsgraph-upload-"));
    try {
      const received = await receive(req, dir, config.media.maxBytes);
      const { asset, created } = await media.upload(viewer, received);
      res.status(created ? 201 : 200).json({ created, asset: assetView(asset, (p) => media.urlFor(p)) });
    } catch (err) {
      if (err instanceof MediaRejection && err.status === 413) refuseEarly(req, res);
      fail(res, err);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  const notFound = (res: Response) =>
    res.status(404).json({ error: { code: "NOT_FOUND", message: "That media file does not exist." } });

  router.get("/media/:set/:file", async (req, res) => {
    const set = String(req.params.set);
    const m = FILE.exec(String(req.params.file));
    // Validated before anything touches storage: a key is a hash and a fixed name, nothing else.
    if (!SET.test(set) || !m) return void notFound(res);
    const [, name, ext] = m;
    const negotiated = !ext;
    const candidates = ext ? [ext] : name === "original" ? [...ORIGINAL_EXTS] : [pickFormat(req.headers.accept)];
    try {
      for (const e of candidates) {
        const body = await media.read(`${set}/${name}.${e}`);
        if (!body) continue;
        const etag = `"${set.slice(0, 16)}-${name}.${e}"`;
        res.set({
          "content-type": TYPE_OF[e]!,
          "cache-control": IMMUTABLE,
          "x-content-type-options": "nosniff",
          "content-security-policy": "default-src 'none'; sandbox",
          // Images are embedded by the newsroom's sites, on other origins.
          "cross-origin-resource-policy": "cross-origin",
          etag,
        });
        if (negotiated && name !== "original") res.setHeader("vary", "Accept");
        if (req.headers["if-none-match"] === etag) return void res.status(304).end();
        return void res.status(200).send(body);
      }
      notFound(res);
    } catch (err) {
      fail(res, err);
    }
  });

  return router;
}
