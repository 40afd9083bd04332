/* Media library: uploads, renditions, credits and rights. GraphQL: ./resolvers.ts; upload and serving routes: server/media-routes.ts. */
export { MediaAsset, MediaFile, MediaKind, MediaRendition, MediaRestrictions, RenditionName } from "./media.entity";
export { MediaRejection } from "./media.errors";
export { CONTENT_TYPES, RENDITION_FORMATS } from "./media.processing";
export { MEDIA_SWEEP_TASK, MediaService, type MediaOptions, type ReceivedFile } from "./media.service";
export { S3BlobStore, type S3Settings } from "./media.s3";
export { DiskBlobStore, isBlobKey, type BlobSource, type BlobStore, type StoredBlob } from "./media.storage";
export { altOf, captionOf, figureHtml, renditionOf, type ImageInUse } from "./media.figure";
