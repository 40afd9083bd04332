import {
  DeleteObjectCommand,
  GetObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { readFile } from "node:fs/promises";
import type { Config } from "../../config";
import { isBlobKey, type BlobSource, type BlobStore, type StoredBlob } from "./media.storage";

/** The bucket settings (config.media.s3: S3_BUCKET, S3_ENDPOINT, …). */
export type S3Settings = NonNullable<Config["media"]["s3"]>;

function checked(key: string): string {
  if (!isBlobKey(key)) throw new Error(`not a media blob key: ${JSON.stringify(key).slice(0, 100)}`);
  return key;
}

/** Blobs in an S3-compatible bucket, so that every instance serves what any of them stored. */
export class S3BlobStore implements BlobStore {
  readonly kind = "s3" as const;
  private readonly client: S3Client;

  constructor(private readonly s3: S3Settings) {
    const config: S3ClientConfig = { region: s3.region, forcePathStyle: s3.forcePathStyle };
    if (s3.endpoint) config.endpoint = s3.endpoint;
    if (s3.credentials) config.credentials = s3.credentials;
    this.client = new S3Client(config);
  }

  async put(key: string, body: BlobSource, contentType: string): Promise<void> {
    const Key = this.s3.prefix + checked(key);
    // Read whole, one file at a time: the SDK sends a stream body aws-chunked with a trailing
    // checksum, which S3 takes but not every S3-compatible store does (s3rver stored the framing).
    const Body = Buffer.isBuffer(body) ? body : await readFile(body.file);
    await this.client.send(new PutObjectCommand({ Bucket: this.s3.bucket, Key, ContentType: contentType, Body }));
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.s3.bucket, Key: this.s3.prefix + checked(key) }));
      return out.Body ? Buffer.from(await out.Body.transformToByteArray()) : null;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === "NoSuchKey" || e.$metadata?.httpStatusCode === 404) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.s3.bucket, Key: this.s3.prefix + checked(key) }));
  }

  async *list(): AsyncIterable<StoredBlob> {
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.s3.bucket, Prefix: this.s3.prefix })) {
      for (const o of page.Contents ?? []) {
        const key = o.Key?.slice(this.s3.prefix.length);
        if (key && isBlobKey(key)) yield { key, modified: o.LastModified ?? new Date(0) };
      }
    }
  }

  close(): void {
    this.client.destroy();
  }
}
