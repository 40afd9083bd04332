/*
 * The shapes the image pipeline produces, free of TypeORM and type-graphql: the media worker
 * (media.worker.ts) is bundled from this and media.processing.ts alone, so it starts small.
 */

/** The renditions every image gets, cropped around its focal point (see media.processing.ts). */
export enum RenditionName {
  THUMBNAIL = "thumbnail",
  SQUARE = "square",
  FOUR_THREE = "4x3",
  SIXTEEN_NINE = "16x9",
  HERO = "hero",
  /** The whole image, re-encoded without its metadata (never the uploaded bytes). */
  ORIGINAL = "original",
}

/** One rendition as stored in media_assets.renditions (the entity's MediaRendition has the same fields). */
export interface RenditionData {
  name: RenditionName;
  width: number;
  height: number;
  path: string;
  files: { contentType: string; bytes: number; path: string }[];
}

/** An upload refused for what it is, with the HTTP status that says why; the service makes it a MediaRejection. */
export class UploadRefused extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415,
  ) {
    super(message);
    this.name = "UploadRefused";
  }
}
