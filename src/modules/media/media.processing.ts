import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { fileTypeFromFile } from "file-type";
import type SharpDefault from "sharp";
import type { Metadata, Sharp, SharpOptions } from "sharp";
import { rgbaToThumbHash } from "thumbhash";
import { RenditionName, UploadRefused, type RenditionData } from "./media.renditions";

/**
 * Bumped when the renditions change (sizes, crops, encoders): their URLs change with it, since
 * URLs are immutable and cached for a year.
 */
export const PIPELINE_VERSION = 1;

type SharpFactory = typeof SharpDefault;
let loading: Promise<SharpFactory> | undefined;

/**
 * sharp (libvips), loaded by the first upload or refocus rather than at start-up: about 20 MB
 * of RSS that a process which never processes an image (serving files does not) does not pay.
 */
function vips(): Promise<SharpFactory> {
  loading ??= import("sharp").then((m) => {
    const sharp = (m as unknown as { default?: SharpFactory }).default ?? (m as unknown as SharpFactory);
    // libvips' operation cache keeps recent results for reuse; every pipeline here runs once, so it
    // only held memory (about 50 MB more at the peak of a 50-megapixel upload). One libvips
    // worker thread per pipeline: each thread's buffers (and glibc arena) are memory at the peak.
    sharp.cache(false);
    sharp.concurrency(1);
    return sharp;
  });
  return loading;
}

/** What we take, by the type sniffed from the bytes; the extension of the re-encoded original. */
const ACCEPTED: Readonly<Record<string, "jpg" | "png" | "webp" | "avif">> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/avif": "avif",
  // Its first frame, kept as PNG: animation is not carried over.
  "image/gif": "png",
};

/** The extension of the stored original for an upload of this type. */
export const originalExtOf = (mime: string): string => ACCEPTED[mime] ?? "jpg";

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
};

/** The formats every cropped rendition is encoded in, best first (the order Accept negotiation tries). */
export const RENDITION_FORMATS = ["avif", "webp", "jpg"] as const;

interface Spec {
  name: RenditionName;
  width: number;
  /** Width / height of the crop; none: the whole image, fitted inside width × width. */
  aspect?: number;
}

/** Sizes in CSS-pixel terms a news page uses; never enlarged past the image itself. */
const SPECS: readonly Spec[] = [
  { name: RenditionName.THUMBNAIL, width: 320 },
  { name: RenditionName.SQUARE, width: 1080, aspect: 1 },
  { name: RenditionName.FOUR_THREE, width: 1200, aspect: 4 / 3 },
  { name: RenditionName.SIXTEEN_NINE, width: 1600, aspect: 16 / 9 },
  { name: RenditionName.HERO, width: 2400, aspect: 21 / 9 },
];
const MASTER_SIZE = 2400;

export interface Limits {
  maxPixels: number;
}

/** What sharp is told for every upload: the pixel limit, and refuse truncated or corrupt data. */
const inputOptions = (limits: Limits): SharpOptions => ({ limitInputPixels: limits.maxPixels, failOn: "error" });

/** HTML and script markers that have no business in an image: a browser sniffing one would run it. */
const MARKUP = /<(?:script|html|body|iframe|object|embed|svg[\s/>]|\?php|!doctype)/i;

/**
 * Refuse files that are also something else (polyglots): markup anywhere in the bytes, a PDF
 * header, or a ZIP archive appended (its end record sits in the last 64 KiB and says it ends
 * exactly at the end of the file). We never serve the uploaded bytes, but a file built to be
 * two things is not a photo a newsroom needs.
 */
async function checkPolyglot(file: string, size: number): Promise<void> {
  const polyglot = () =>
    new UploadRefused(
      "The file is also something other than an image (it carries markup, a PDF or a ZIP archive); upload the plain image.",
      415,
    );
  let carry = "";
  let head = "";
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
    const text = carry + (chunk as Buffer).toString("latin1");
    if (head.length < 1024) head += text.slice(0, 1024 - head.length);
    if (MARKUP.test(text)) throw polyglot();
    carry = text.slice(-16);
  }
  if (head.includes("%PDF-")) throw polyglot();
  const tailLength = Math.min(size, 65_557);
  const handle = await fs.open(file, "r");
  try {
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    for (
      let i = tail.lastIndexOf("PK\x05\x06", undefined, "latin1");
      i >= 0;
      i = tail.lastIndexOf("PK\x05\x06", i - 1, "latin1")
    ) {
      if (i + 22 <= tail.length && i + 22 + tail.readUInt16LE(i + 20) === tail.length) throw polyglot();
      if (i === 0) break;
    }
  } finally {
    await handle.close();
  }
}

export interface Inspected {
  mime: string;
  width: number;
  height: number;
}

/**
 * Is this an image we take? The type comes from the bytes (file-type), never from the name or
 * the client's Content-Type; then sharp reads its header for the dimensions (the pixel limit,
 * before anything is decoded) and decodes it once to prove it is whole.
 */
export async function inspectUpload(file: string, size: number, limits: Limits): Promise<Inspected> {
  if (size === 0) throw new UploadRefused("The file is empty.", 400);
  const type = await fileTypeFromFile(file).catch(() => undefined);
  if (!type || !ACCEPTED[type.mime]) {
    throw new UploadRefused(
      `This is not an image we accept${type ? ` (its bytes say ${type.mime})` : ""}; upload JPEG, PNG, WebP, AVIF or GIF. SVG and other formats are refused.`,
      415,
    );
  }
  await checkPolyglot(file, size);
  const sharp = await vips();
  let meta: Metadata;
  try {
    // The header only (no pixels are decoded), so the pixel limit is ours to check below, with a clear message.
    meta = await sharp(file, { failOn: "error", limitInputPixels: false }).metadata();
  } catch {
    throw new UploadRefused("The image cannot be read: it is damaged or not really a " + type.ext.toUpperCase() + ".", 400);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new UploadRefused("The image has no dimensions; it is damaged.", 400);
  if (width * height > limits.maxPixels) {
    throw new UploadRefused(
      `The image is ${width} × ${height} pixels, over the limit of ${limits.maxPixels.toLocaleString("en")} pixels; scale it down first.`,
      413,
    );
  }
  try {
    // Decode every pixel once: a truncated or corrupt file fails here, not halfway through the renditions.
    await sharp(file, inputOptions(limits)).resize(64, 64, { fit: "inside" }).raw().toBuffer();
  } catch {
    throw new UploadRefused("The image is truncated or damaged; upload the complete file.", 400);
  }
  return { mime: type.mime, width, height };
}

/**
 * The name of a focal point's rendition set, for URLs: SHA-256 of the upload's hash, the focal
 * point and the pipeline version (so another focal point gets new, never-reused URLs), keyed
 * with the asset's own secret (so knowing the photo does not give its URLs).
 */
export function renditionSetOf(contentHash: string, secret: string, focalX: number, focalY: number): string {
  return createHash("sha256").update(`${secret}:${contentHash}:${focalX}:${focalY}:v${PIPELINE_VERSION}`).digest("hex");
}

/** One file of a rendition set, written to the worker's output directory for the service to store. */
export interface RenderedFile {
  key: string;
  file: string;
  contentType: string;
}

export interface Rendered {
  files: RenderedFile[];
  renditions: RenditionData[];
  placeholder: string;
}

const encoders: Record<string, (s: Sharp) => Sharp> = {
  jpg: (s) => s.flatten({ background: "#ffffff" }).jpeg({ quality: 82, progressive: true, mozjpeg: true }),
  png: (s) => s.png({ compressionLevel: 9, adaptiveFiltering: true }),
  webp: (s) => s.webp({ quality: 80 }),
  // effort 2 of 9: AVIF at the default effort took several seconds per large rendition.
  avif: (s) => s.avif({ quality: 50, effort: 2 }),
};

/** Where a crop of `aspect` goes in a width × height image so that the focal point stays as central as it can. */
export function cropAround(
  width: number,
  height: number,
  aspect: number,
  focalX: number,
  focalY: number,
): { left: number; top: number; width: number; height: number } {
  const cw = Math.min(width, Math.round(height * aspect));
  const ch = Math.min(height, Math.round(cw / aspect));
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)));
  return {
    left: clamp(focalX * width - cw / 2, width - cw),
    top: clamp(focalY * height - ch / 2, height - ch),
    width: cw,
    height: ch,
  };
}

/**
 * Every file an upload becomes, made at upload time: the work is bounded (five renditions in
 * three formats, and the original re-encoded), paid once by the uploader, and no one can make
 * the server render variants on request, so no signed-URL scheme is needed. sharp drops all
 * metadata (EXIF with GPS and camera serials, XMP, IPTC) unless asked; we ask only for the
 * colour profile, and apply the orientation to the pixels.
 *
 * Memory: every file goes straight to `outDir` (libvips encodes strip by strip into it; no
 * encoded image is held in memory), the full-size image is decoded twice, streaming (for the
 * original, and for one master at the largest rendition's size, shrunk on load), and every crop
 * comes from that master.
 */
export async function renderAll(
  file: string,
  inspected: Inspected,
  set: string,
  focal: { x: number; y: number },
  limits: Limits,
  outDir: string,
  /** `file` is the re-encoded original made at upload (only the focal point changed): kept byte for byte. */
  keptOriginal = false,
): Promise<Rendered> {
  const sharp = await vips();
  const files: RenderedFile[] = [];
  const renditions: RenditionData[] = [];
  const out = async (name: RenditionName, ext: string, write: (target: string) => Promise<unknown>) => {
    const target = path.join(outDir, `${name}.${ext}`);
    await write(target);
    const { size } = await fs.stat(target);
    files.push({ key: `${set}/${name}.${ext}`, file: target, contentType: CONTENT_TYPES[ext]! });
    return { contentType: CONTENT_TYPES[ext]!, bytes: size, path: `/media/${set}/${name}.${ext}` };
  };

  const originalExt = ACCEPTED[inspected.mime]!;
  const original = await out(RenditionName.ORIGINAL, originalExt, (target) => {
    if (keptOriginal) return fs.copyFile(file, target);
    const decoded = sharp(file, inputOptions(limits)).autoOrient().keepIccProfile();
    return (
      originalExt === "jpg"
        ? // Baseline with standard Huffman tables: optimised coding (sharp's default) holds every
          // coefficient of the image for a second pass, 455 MB peak at 50 MP instead of 180 MB.
          decoded.jpeg({ quality: 90, optimiseCoding: false })
        : encoders[originalExt]!(decoded)
    ).toFile(target);
  });
  renditions.push({
    name: RenditionName.ORIGINAL,
    width: inspected.width,
    height: inspected.height,
    path: `/media/${set}/${RenditionName.ORIGINAL}.${originalExt}`,
    files: [original],
  });

  // One decode of the upload, shrunk on load to what the largest rendition needs; every crop comes from it.
  const master = await sharp(file, inputOptions(limits))
    .autoOrient()
    .resize({ width: MASTER_SIZE, height: MASTER_SIZE, fit: "inside", withoutEnlargement: true })
    .keepIccProfile()
    .tiff({ compression: "none" })
    .toBuffer({ resolveWithObject: true });
  const mw = master.info.width;
  const mh = master.info.height;

  for (const spec of SPECS) {
    let pipeline = sharp(master.data).keepIccProfile();
    if (spec.aspect) {
      const crop = cropAround(mw, mh, spec.aspect, focal.x, focal.y);
      pipeline = pipeline.extract(crop).resize({ width: Math.min(spec.width, crop.width), withoutEnlargement: true });
    } else {
      pipeline = pipeline.resize({ width: spec.width, height: spec.width, fit: "inside", withoutEnlargement: true });
    }
    const sized = await pipeline.tiff({ compression: "none" }).toBuffer({ resolveWithObject: true });
    // One encoder at a time: an AVIF encode of the hero alone adds ~100 MB; three at once broke the 300 MB budget.
    const encoded = [];
    for (const ext of RENDITION_FORMATS) {
      encoded.push(await out(spec.name, ext, (target) => encoders[ext]!(sharp(sized.data).keepIccProfile()).toFile(target)));
    }
    renditions.push({
      name: spec.name,
      width: sized.info.width,
      height: sized.info.height,
      path: `/media/${set}/${spec.name}`,
      files: encoded,
    });
  }

  const small = await sharp(master.data)
    .resize(100, 100, { fit: "inside" })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const placeholder = Buffer.from(rgbaToThumbHash(small.info.width, small.info.height, small.data)).toString("base64");
  return { files, renditions, placeholder };
}
