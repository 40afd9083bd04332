import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { expect } from "vitest";
import type { StoredBlob } from "../../src/modules/media";
import { expectNoLeaks } from "./expect";
import type { TestApp } from "./harness";

/*
 * Media helpers: images made here with sharp (no downloads), uploads and fetches over real
 * HTTP, and a look at what the blob store holds.
 */

/** A fresh DATA_DIR for one test app, so its media files are its own. */
export function mediaDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "newsgraph-media-test-"));
}

/** What a source's camera would leave in a photo: its position, the camera's serial and maker, the author. */
export const PLANTED = {
  make: "Canon",
  model: "EOS R5 SourceCam",
  serial: "SN-4471-SECRET",
  artist: "Anonymous Source Name",
  latitude: "10/1 29/1 5/1",
  xmpMarker: "source-of-the-leak",
};

/**
 * A JPEG as a phone would write it: EXIF with GPS, camera serial and author, XMP, an orientation
 * of 6 (the pixels are stored sideways: width × height displays as height × width), and a Display P3 profile.
 */
export async function photoWithExif(width = 1200, height = 800, colour = { r: 30, g: 120, b: 200 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .withIccProfile("p3")
    .withExif({
      IFD0: { Make: PLANTED.make, Model: PLANTED.model, Artist: PLANTED.artist },
      IFD2: { BodySerialNumber: PLANTED.serial },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: PLANTED.latitude, GPSLongitudeRef: "W", GPSLongitude: "66/1 54/1 0/1" },
    })
    .withMetadata({ orientation: 6 })
    .withXmp(
      `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>${PLANTED.xmpMarker}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`,
    )
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** An image whose left half is red and right half blue: which one a crop keeps shows where it was cut. */
export function twoToned(width = 1600, height = 800): Promise<Buffer> {
  const half = Math.floor(width / 2);
  return sharp({ create: { width, height, channels: 3, background: { r: 220, g: 0, b: 0 } } })
    .composite([
      { input: { create: { width: width - half, height, channels: 3, background: { r: 0, g: 0, b: 220 } } }, left: half, top: 0 },
    ])
    .png()
    .toBuffer();
}

/** A small image of a given format, each call different (so uploads do not deduplicate unless meant to). */
let counter = 0;
export function plainImage(format: "jpeg" | "png" | "webp" | "avif" | "gif" = "png", width = 640, height = 480): Promise<Buffer> {
  counter++;
  const background = { r: (counter * 37) % 256, g: (counter * 91) % 256, b: (counter * 13) % 256 };
  return sharp({ create: { width, height, channels: 3, background } })
    .toFormat(format)
    .toBuffer();
}

export interface UploadAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: {
    created?: boolean;
    asset?: {
      id: string;
      width: number;
      height: number;
      mime: string;
      contentHash: string;
      placeholder: string;
      renditions: {
        name: string;
        width: number;
        height: number;
        url: string;
        files: { contentType: string; url: string; bytes: number }[];
      }[];
    };
    error?: { code: string; message: string };
  };
}

/** A raw HTTP request to the test server (node:http, so paths are sent exactly as written). */
export function request(
  app: TestApp,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port: app.server.port, method: opts.method ?? "GET", path: opts.path, headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    // The server may answer (413, 401) and close before the whole body is sent: that answer is the result.
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE" && err.code !== "ECONNRESET") reject(err);
    });
    req.end(opts.body);
  });
}

/** POST /media with one multipart part named `field`, as `curl -F file=@name;type=...` sends it. */
export async function upload(
  app: TestApp,
  token: string | null,
  bytes: Buffer,
  opts: { filename?: string; contentType?: string; field?: string } = {},
): Promise<UploadAnswer> {
  const boundary = `----newsgraph${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${opts.field ?? "file"}"; filename="${opts.filename ?? "photo.jpg"}"\r\n` +
      `Content-Type: ${opts.contentType ?? "image/jpeg"}\r\n\r\n`,
  );
  const body = Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const res = await request(app, {
    method: "POST",
    path: "/media",
    headers: {
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": String(body.length),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
  const text = res.body.toString("utf8");
  expectNoLeaks(text);
  // Nothing from libvips, busboy or the file system reaches the client.
  expect(text).not.toMatch(/vips|busboy|ENOENT|EACCES|\/tmp\//i);
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as UploadAnswer["body"] };
}

/** Upload that must succeed; the asset. */
export async function uploaded(app: TestApp, token: string, bytes: Buffer): Promise<NonNullable<UploadAnswer["body"]["asset"]>> {
  const r = await upload(app, token, bytes);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body.asset!;
}

/** GET a media URL (absolute or a path) with an Accept header. */
export async function fetchMedia(app: TestApp, url: string, accept?: string, headers: Record<string, string> = {}) {
  const p = url.startsWith("http") ? new URL(url).pathname : url;
  return request(app, { path: p, headers: { ...(accept ? { accept } : {}), ...headers } });
}

/** Every blob the app's store holds. */
export async function storedBlobs(app: TestApp): Promise<StoredBlob[]> {
  const out: StoredBlob[] = [];
  for await (const b of app.server.services.media.store.list()) out.push(b);
  return out;
}

/** Test-only: files written for an upload whose row never committed (the process died in between). */
export async function leaveOrphanFiles(app: TestApp, set: string): Promise<void> {
  await app.server.services.media.store.put(`${set}/square.jpg`, await plainImage("jpeg", 64, 64), "image/jpeg");
}

/**
 * An S3-compatible server on loopback (s3rver, pure JS, files under `dir`), with a bucket, and
 * the settings that point the app at it.
 */
export async function startS3(dir: string): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const { default: S3rver } = await import("s3rver");
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: path.join(dir, "s3rver"),
    configureBuckets: [{ name: "newsgraph-media", configs: [] }],
  });
  const { port } = await server.run();
  return {
    env: {
      S3_BUCKET: "newsgraph-media",
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
    },
    close: () => server.close(),
  };
}
