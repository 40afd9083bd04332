import fs from "node:fs";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MediaAssetDocument,
  MediaAssetsDocument,
  UpdateMediaAssetDocument,
  type MediaAssetsQuery,
} from "../src/client/generated/graphql";
import { Role } from "../src/shared/enums";
import { expectBadInput, expectForbidden, expectOk, expectUnauthenticated } from "./support/expect";
import { idsBySlug, partnerKeyFor, userIdByEmail } from "./support/fixtures";
import { startTestApp, type TestApp } from "./support/harness";
import {
  fetchMedia,
  leaveOrphanFiles,
  mediaDataDir,
  photoWithExif,
  PLANTED,
  plainImage,
  request,
  startS3,
  storedBlobs,
  twoToned,
  upload,
  uploaded,
} from "./support/media";

/*
 * Issue 13, phase 1: staff upload images over HTTP; the server sniffs, checks, strips and
 * renders them once, stores the files before the row, and serves immutable renditions.
 */

const MAX_BYTES = 3_000_000;
const MAX_PIXELS = 6_000_000;

const STORAGES = ["disk", "s3"] as const;

describe.each(STORAGES)("media on %s storage", (storage) => {
  let app: TestApp;
  let dataDir: string;
  let writer: string;
  let writerEmail: string;
  let admin: string;
  let partnerKey: string;
  let s3: Awaited<ReturnType<typeof startS3>> | null = null;

  beforeAll(async () => {
    dataDir = mediaDataDir();
    s3 = storage === "s3" ? await startS3(dataDir) : null;
    app = await startTestApp({
      DATA_DIR: dataDir,
      MEDIA_MAX_BYTES: String(MAX_BYTES),
      MEDIA_MAX_PIXELS: String(MAX_PIXELS),
      ...s3?.env,
    });
    expect(app.server.services.media.store.kind).toBe(storage);
    writer = await app.loginAs(Role.WRITER);
    admin = await app.loginAs(Role.ADMIN);
    partnerKey = (await partnerKeyFor(app, admin)).key;
    const me = expectOk(await app.gql<{ me: { email: string } }, object>("{ me { email } }", {}, { token: writer }));
    writerEmail = me.me.email;
  });
  afterAll(async () => {
    await app?.close();
    await s3?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function assetCount(): Promise<number> {
    return expectOk(await app.gql(MediaAssetsDocument, { first: 0 }, { token: writer })).mediaAssets.totalCount;
  }

  describe("upload strips what could identify a source", () => {
    let asset: Awaited<ReturnType<typeof uploaded>>;
    let photo: Buffer;

    beforeAll(async () => {
      photo = await photoWithExif(1200, 800);
      // The planted metadata is really there in what the source sent.
      const meta = await sharp(photo).metadata();
      expect(meta.exif?.toString("latin1")).toContain(PLANTED.serial);
      expect(meta.xmp?.toString("utf8")).toContain(PLANTED.xmpMarker);
      expect(meta.orientation).toBe(6);
      const r = await upload(app, writer, photo);
      expect(r.status).toBe(201);
      expect(r.body.created).toBe(true);
      asset = r.body.asset!;
    });

    it("records the image as displayed: orientation applied, type from the bytes", () => {
      expect(asset.mime).toBe("image/jpeg");
      expect([asset.width, asset.height]).toEqual([800, 1200]);
      expect(asset.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(asset.renditions.map((r) => r.name).sort()).toEqual(["16x9", "4x3", "hero", "original", "square", "thumbnail"]);
    });

    it("serves no GPS, camera, serial, author, XMP or IPTC in any rendition or the original, and keeps the colour profile", async () => {
      const urls = asset.renditions.flatMap((r) => r.files.map((f) => f.url));
      expect(urls).toHaveLength(1 + 5 * 3);
      for (const url of urls) {
        const res = await fetchMedia(app, url);
        expect(res.status, url).toBe(200);
        const meta = await sharp(res.body).metadata();
        expect(meta.exif, url).toBeUndefined();
        expect(meta.xmp, url).toBeUndefined();
        expect(meta.iptc, url).toBeUndefined();
        expect(meta.orientation ?? 1, url).toBe(1);
        expect(meta.icc, `${url} lost its colour profile`).toBeDefined();
        const raw = res.body.toString("latin1");
        for (const planted of [PLANTED.serial, PLANTED.artist, PLANTED.model, PLANTED.xmpMarker, "GPS"]) {
          expect(raw, `${url} carries ${planted}`).not.toContain(planted);
        }
      }
    });

    it("crops each rendition to its shape, oriented, never larger than the image", async () => {
      const byName = Object.fromEntries(asset.renditions.map((r) => [r.name, r]));
      expect([byName.original!.width, byName.original!.height]).toEqual([800, 1200]);
      expect(byName.square!.width).toBe(byName.square!.height);
      expect(byName["4x3"]!.width / byName["4x3"]!.height).toBeCloseTo(4 / 3, 1);
      expect(byName["16x9"]!.width / byName["16x9"]!.height).toBeCloseTo(16 / 9, 1);
      expect(byName.thumbnail!.height).toBeLessThanOrEqual(320);
      for (const r of asset.renditions) {
        expect(r.width).toBeLessThanOrEqual(800);
        const res = await fetchMedia(app, r.files[0]!.url);
        const meta = await sharp(res.body).metadata();
        expect([meta.width, meta.height], r.name).toEqual([r.width, r.height]);
      }
    });

    it("the same bytes again are the same asset, not a second one", async () => {
      const again = await upload(app, writer, photo);
      expect(again.status).toBe(200);
      expect(again.body.created).toBe(false);
      expect(again.body.asset!.id).toBe(asset.id);
    });
  });

  describe("uploads refused, each with a code and nothing stored", () => {
    type Refused = { bytes: Buffer; filename: string; contentType: string };
    const refusals: [string, () => Promise<Refused> | Refused, number, RegExp][] = [
      [
        "SVG",
        () => ({
          bytes: Buffer.from(
            `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>`,
          ),
          filename: "chart.svg",
          contentType: "image/svg+xml",
        }),
        415,
        /not an image we accept.*SVG/,
      ],
      [
        "HTML named .jpg and sent as image/jpeg",
        () => ({
          bytes: Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script>"),
          filename: "photo.jpg",
          contentType: "image/jpeg",
        }),
        415,
        /not an image we accept/,
      ],
      [
        "a ZIP archive",
        () => ({ bytes: zipOf("a.txt", "hello"), filename: "photos.jpg", contentType: "image/jpeg" }),
        415,
        /its bytes say application\/zip/,
      ],
      [
        "a JPEG with a ZIP archive appended (polyglot)",
        async () => ({
          bytes: Buffer.concat([await plainImage("jpeg"), zipOf("payload.js", "alert(1)")]),
          filename: "photo.jpg",
          contentType: "image/jpeg",
        }),
        415,
        /also something other than an image/,
      ],
      [
        "a PNG carrying a script (polyglot)",
        async () => ({
          bytes: Buffer.concat([await plainImage("png"), Buffer.from("<script>alert(1)</script>")]),
          filename: "a.png",
          contentType: "image/png",
        }),
        415,
        /also something other than an image/,
      ],
      [
        "huge dimensions (a decompression bomb)",
        async () => ({
          bytes: await sharp({ create: { width: 4000, height: 4000, channels: 3, background: "white" } })
            .png({ compressionLevel: 9 })
            .toBuffer(),
          filename: "bomb.png",
          contentType: "image/png",
        }),
        413,
        /4000 × 4000 pixels, over the limit of 6,000,000 pixels/,
      ],
      [
        "a truncated JPEG",
        async () => {
          const whole = await plainImage("jpeg", 900, 700);
          return { bytes: whole.subarray(0, Math.floor(whole.length * 0.6)), filename: "cut.jpg", contentType: "image/jpeg" };
        },
        400,
        /truncated or damaged/,
      ],
      [
        "a file over MEDIA_MAX_BYTES",
        async () => ({
          bytes: Buffer.concat([await plainImage("jpeg"), Buffer.alloc(MAX_BYTES + 10, 7)]),
          filename: "big.jpg",
          contentType: "image/jpeg",
        }),
        413,
        /larger than the limit of 3000000 bytes/,
      ],
      ["an empty file", () => ({ bytes: Buffer.alloc(0), filename: "empty.jpg", contentType: "image/jpeg" }), 400, /empty/],
    ];

    for (const [what, make, status, message] of refusals) {
      it(`${what}: ${status} BAD_USER_INPUT`, async () => {
        const before = await assetCount();
        const blobs = (await storedBlobs(app)).length;
        const { bytes, filename, contentType } = await make();
        const r = await upload(app, writer, bytes, { filename, contentType });
        expect(r.status, JSON.stringify(r.body)).toBe(status);
        expect(r.body.error?.code).toBe("BAD_USER_INPUT");
        expect(r.body.error?.message).toMatch(message);
        expect(await assetCount()).toBe(before);
        expect((await storedBlobs(app)).length).toBe(blobs);
      });
    }

    it("a chunked upload over the limit is cut off too (no Content-Length to refuse it by)", async () => {
      const before = await assetCount();
      const boundary = "----chunked";
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
        ),
        Buffer.alloc(MAX_BYTES * 2, 1),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const r = await request(app, {
        method: "POST",
        path: "/media",
        headers: {
          authorization: `Bearer ${writer}`,
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "transfer-encoding": "chunked",
        },
        body,
      });
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body.toString()).error.code).toBe("BAD_USER_INPUT");
      expect(await assetCount()).toBe(before);
    });

    it("no multipart file: 400 saying how to send one", async () => {
      const r = await upload(app, writer, await plainImage(), { field: "image" });
      expect(r.status).toBe(400);
      expect(r.body.error).toEqual({ code: "BAD_USER_INPUT", message: expect.stringMatching(/field named file/) });
    });

    it("without a session: 401 UNAUTHENTICATED; with a bad token too", async () => {
      const anon = await upload(app, null, await plainImage());
      expect(anon.status).toBe(401);
      expect(anon.body.error).toEqual({ code: "UNAUTHENTICATED", message: expect.stringMatching(/staff session/) });
      const bad = await upload(app, "ngs_not-a-real-token", await plainImage());
      expect(bad.status).toBe(401);
      expect(bad.body.error?.code).toBe("UNAUTHENTICATED");
    });

    it("a partner key (a reader of published content) may not upload: 403 FORBIDDEN", async () => {
      const before = await assetCount();
      const r = await upload(app, partnerKey, await plainImage());
      expect(r.status).toBe(403);
      expect(r.body.error).toEqual({ code: "FORBIDDEN", message: expect.stringMatching(/staff session/) });
      expect(await assetCount()).toBe(before);
    });
  });

  describe("formats and deduplication", () => {
    for (const format of ["png", "webp", "avif", "gif"] as const) {
      it(`accepts ${format}, detected from the bytes whatever the name says`, async () => {
        const r = await upload(app, writer, await plainImage(format), { filename: "renamed.jpg", contentType: "image/jpeg" });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        expect(r.body.asset!.mime).toBe(`image/${format}`);
      });
    }

    it("concurrent uploads of the same new bytes make one asset, and leave no spare files", async () => {
      const bytes = await plainImage("jpeg", 800, 600);
      const answers = await Promise.all(Array.from({ length: 4 }, () => upload(app, writer, bytes)));
      const ids = new Set(answers.map((a) => a.body.asset?.id));
      expect(ids.size, JSON.stringify(answers.map((a) => a.body))).toBe(1);
      expect(answers.filter((a) => a.body.created)).toHaveLength(1);
      expect(answers.every((a) => a.status === 200 || a.status === 201)).toBe(true);
      const list = expectOk(await app.gql(MediaAssetsDocument, { first: 100 }, { token: writer })).mediaAssets;
      expect(list.edges.filter((e) => e.node.contentHash === answers[0]!.body.asset!.contentHash)).toHaveLength(1);
      // Every stored file belongs to a live asset: the losers deleted theirs.
      const live = new Set(
        list.edges.flatMap((e) => e.node.renditions.flatMap((r) => r.files.map((f) => new URL(f.url).pathname.slice(7)))),
      );
      for (const blob of await storedBlobs(app)) expect(live, blob.key).toContain(blob.key);
    });
  });

  describe("serving", () => {
    let asset: Awaited<ReturnType<typeof uploaded>>;
    beforeAll(async () => {
      asset = await uploaded(app, writer, await plainImage("jpeg", 1000, 800));
    });

    const square = () => asset.renditions.find((r) => r.name === "square")!;

    it("negotiates the format on the format-less URL, with Vary: Accept", async () => {
      const cases: [string | undefined, string, string][] = [
        ["image/avif,image/webp,image/apng,image/*,*/*;q=0.8", "image/avif", "heif"],
        ["image/webp,*/*", "image/webp", "webp"],
        ["image/avif;q=0,image/webp", "image/webp", "webp"],
        ["*/*", "image/jpeg", "jpeg"],
        [undefined, "image/jpeg", "jpeg"],
      ];
      for (const [accept, type, format] of cases) {
        const res = await fetchMedia(app, square().url, accept);
        expect(res.status).toBe(200);
        expect(res.headers["content-type"], accept).toBe(type);
        expect(res.headers.vary).toMatch(/Accept/);
        const meta = await sharp(res.body).metadata();
        expect(meta.format, accept).toBe(format);
        expect([meta.width, meta.height]).toEqual([square().width, square().height]);
      }
    });

    it("serves immutable, unsniffable files that no page can script", async () => {
      const file = square().files.find((f) => f.contentType === "image/webp")!;
      const res = await fetchMedia(app, file.url);
      expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["content-security-policy"]).toMatch(/default-src 'none'/);
      expect(res.headers["content-type"]).toBe("image/webp");
      expect(res.headers.vary ?? "").not.toMatch(/Accept/);
      const again = await fetchMedia(app, file.url, undefined, { "if-none-match": String(res.headers.etag) });
      expect(again.status).toBe(304);
    });

    it("refuses path traversal and odd names before touching storage, and serves nothing outside the media directory", async () => {
      fs.writeFileSync(path.join(dataDir, "secret.txt"), "TOP SECRET");
      fs.mkdirSync(path.join(dataDir, "media"), { recursive: true });
      fs.writeFileSync(path.join(dataDir, "media", "secret.jpg"), "TOP SECRET");
      const set = new URL(square().url).pathname.split("/")[2]!;
      const attempts = [
        "/media/../secret.txt",
        "/media/..%2f..%2fsecret.txt",
        "/media/%2e%2e/secret.txt",
        `/media/${set}/..%2f..%2f..%2fsecret.txt`,
        `/media/${set}/..%2fsecret.jpg`,
        `/media/${set}/square.jpg%00.png`,
        `/media/${set}/square.JPG`,
        `/media/${set}/square.svg`,
        `/media/${set}/secret.jpg`,
        `/media/${set.toUpperCase()}/square.jpg`,
        `/media/${set.slice(0, 63)}/square.jpg`,
        `/media/${set}%2f..%2f..%2fsecret.txt/square.jpg`,
        "/media/..%5c..%5csecret.txt/square.jpg",
        "/media/%252e%252e%252fsecret.txt/square.jpg",
        `/media/${"0".repeat(64)}/square.jpg`,
      ];
      for (const p of attempts) {
        const res = await request(app, { path: p });
        expect([400, 404], p).toContain(res.status);
        expect(res.body.toString(), p).not.toContain("TOP SECRET");
        expect(res.headers["content-type"], p).toMatch(/application\/json/);
      }
    });
  });

  describe("the media library in GraphQL", () => {
    let asset: Awaited<ReturnType<typeof uploaded>>;
    let sourceId: string;
    beforeAll(async () => {
      asset = await uploaded(app, writer, await twoToned());
      sourceId = Object.values(await idsBySlug(app, "source"))[0]!;
    });

    it("staff edit credit, rights and restrictions; markup is stripped; the library filters on them", async () => {
      const r = expectOk(
        await app.gql(
          UpdateMediaAssetDocument,
          {
            id: asset.id,
            input: {
              altText: "Protesters fill the square in front of the assembly",
              caption: "<b>Crowds</b> at the assembly",
              credit: "Photo: Ana Pérez / Newsgraph",
              copyrightHolder: "Newsgraph",
              license: "https://creativecommons.org/licenses/by-nc/4.0/",
              usageTerms: "Editorial use only",
              acquireLicensePage: "https://news.example/licensing",
              noSyndication: true,
              sourceId,
            },
          },
          { token: writer },
        ),
      ).updateMediaAsset;
      expect(r.caption).toBe("Crowds at the assembly");
      expect(r.restrictions.noSyndication).toBe(true);
      expect(r.version).toBe(2);
      const one = expectOk(await app.gql(MediaAssetDocument, { id: asset.id }, { token: writer })).mediaAsset!;
      expect(one.source?.id).toBe(sourceId);
      expect(one.credit).toBe("Photo: Ana Pérez / Newsgraph");

      const found = async (filter: object) =>
        expectOk(await app.gql(MediaAssetsDocument, { filter, first: 100 }, { token: writer })).mediaAssets.edges.map(
          (e) => e.node.id,
        );
      expect(await found({ search: "assembly" })).toEqual([asset.id]);
      expect(await found({ search: "Pérez" })).toEqual([asset.id]);
      expect(await found({ noSyndication: true })).toEqual([asset.id]);
      expect(await found({ noSyndication: false })).not.toContain(asset.id);
      const writerId = await userIdByEmail(app, writerEmail);
      expect(await found({ uploadedBy: writerId })).toContain(asset.id);
      expect(
        await found({
          uploadedBy: await userIdByEmail(
            app,
            (await app.gql<{ me: { email: string } }, object>("{ me { email } }", {}, { token: admin })).data!.me.email,
          ),
        }),
      ).toEqual([]);
    });

    it("pages newest first, without repeats", async () => {
      const seen: string[] = [];
      let after: string | null | undefined = null;
      for (;;) {
        const page: MediaAssetsQuery["mediaAssets"] = expectOk(
          await app.gql(MediaAssetsDocument, { first: 2, after }, { token: writer }),
        ).mediaAssets;
        seen.push(...page.edges.map((e) => e.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(await assetCount());
    });

    it("refuses bad metadata with the field named", async () => {
      const bad: [object, string, RegExp][] = [
        [{ focalX: 1.5 }, "focalX", /between 0 and 1/],
        [{ focalY: -0.1 }, "focalY", /between 0 and 1/],
        [{ acquireLicensePage: "javascript:alert(1)" }, "acquireLicensePage", /http\(s\) URL/],
        [{ sourceId: "00000000-0000-4000-8000-000000000000" }, "sourceId", /not a source/],
        [{ altText: "x".repeat(1001) }, "altText", /./],
      ];
      for (const [input, field, message] of bad) {
        const r = await app.gql(UpdateMediaAssetDocument, { id: asset.id, input }, { token: writer });
        expectBadInput(r, "updateMediaAsset", message, field);
      }
    });

    it("is for staff: anonymous is UNAUTHENTICATED, a partner key FORBIDDEN", async () => {
      expectUnauthenticated(await app.gql(MediaAssetDocument, { id: asset.id }), "mediaAsset");
      expectForbidden(await app.gql(MediaAssetDocument, { id: asset.id }, { token: partnerKey }), "mediaAsset");
      expectForbidden(
        await app.gql(UpdateMediaAssetDocument, { id: asset.id, input: { credit: "x" } }, { token: partnerKey }),
        "updateMediaAsset",
      );
    });

    it("a new focal point makes new renditions at new URLs, cropped around it; the old URLs keep working", async () => {
      const colourOf = async (url: string) => {
        const { dominant } = await sharp((await fetchMedia(app, url)).body).stats();
        return dominant.r > dominant.b ? "red" : "blue";
      };
      const squareOf = (a: { renditions: { name: string; files: { url: string; contentType: string }[] }[] }) =>
        a.renditions.find((r) => r.name === "square")!.files.find((f) => f.contentType === "image/jpeg")!.url;

      const left = expectOk(
        await app.gql(UpdateMediaAssetDocument, { id: asset.id, input: { focalX: 0.1 } }, { token: writer }),
      ).updateMediaAsset;
      const right = expectOk(
        await app.gql(UpdateMediaAssetDocument, { id: asset.id, input: { focalX: 0.9, focalY: 0.5 } }, { token: writer }),
      ).updateMediaAsset;
      expect(squareOf(left)).not.toBe(squareOf(right));
      expect(await colourOf(squareOf(left))).toBe("red");
      expect(await colourOf(squareOf(right))).toBe("blue");
      // The first set's URLs may be in caches and pages for a year: they still answer.
      expect((await fetchMedia(app, squareOf(asset))).status).toBe(200);
      expect((await fetchMedia(app, squareOf(left))).status).toBe(200);
      // The original is the same bytes across focal points.
      const orig = (a: typeof left) => a.renditions.find((r) => r.name === "original")!.files[0]!.url;
      expect((await fetchMedia(app, orig(left))).body.equals((await fetchMedia(app, orig(right))).body)).toBe(true);
    });
  });

  describe("storage: blob before row, and the orphan sweep", () => {
    it("an upload whose files cannot be written leaves no row (and a masked 500)", async () => {
      const store = app.server.services.media.store;
      const put = store.put.bind(store);
      const before = await assetCount();
      store.put = () => Promise.reject(new Error("EIO: disk failure at /secret/path"));
      try {
        const r = await upload(app, writer, await plainImage());
        expect(r.status).toBe(500);
        expect(r.body.error?.code).toBe("INTERNAL_SERVER_ERROR");
        expect(JSON.stringify(r.body)).not.toMatch(/EIO|secret/);
      } finally {
        store.put = put;
      }
      expect(await assetCount()).toBe(before);
    });

    it("deletes files no asset names once past the grace period, and keeps every live and retired set", async () => {
      const orphan = "f".repeat(64);
      await leaveOrphanFiles(app, orphan);
      const liveBefore = (await storedBlobs(app))
        .filter((b) => !b.key.startsWith(orphan))
        .map((b) => b.key)
        .sort();
      // Within the grace period (the upload may still be committing) it stays.
      expect(await app.server.services.media.sweepOrphans(3600)).toBe(0);
      expect((await storedBlobs(app)).some((b) => b.key.startsWith(orphan))).toBe(true);
      expect(await app.server.services.media.sweepOrphans(0)).toBe(1);
      const after = (await storedBlobs(app)).map((b) => b.key).sort();
      expect(after).toEqual(liveBefore);
      // Every asset still serves every file it lists.
      const list = expectOk(await app.gql(MediaAssetsDocument, { first: 100 }, { token: writer })).mediaAssets;
      for (const e of list.edges)
        for (const r of e.node.renditions) for (const f of r.files) expect((await fetchMedia(app, f.url)).status).toBe(200);
    });
  });
});

/** A ZIP archive with one file. */
function zipOf(name: string, content: string): Buffer {
  return Buffer.from(zipSync({ [name]: strToU8(content) }, { level: 0 }));
}
