import { Authorized, Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  Unique,
  UpdateDateColumn,
} from "typeorm";
import { checkIn, Role } from "../../shared/enums";
import { Source } from "../source";
import { User } from "../user";
import { RenditionName } from "./media.renditions";

export { RenditionName };

export enum MediaKind {
  IMAGE = "IMAGE",
  VIDEO = "VIDEO",
  AUDIO = "AUDIO",
}
registerEnumType(MediaKind, { name: "MediaKind", description: "What a media asset is; only images are uploaded today." });

@ObjectType({ simpleResolvers: true, description: "One encoding of a rendition." })
export class MediaFile {
  @Field(() => String, { description: "image/jpeg, image/webp or image/avif" })
  contentType!: string;

  @Field(() => Int)
  bytes!: number;

  /** The URL path (/media/<set>/<rendition>.<ext>); the resolver makes it absolute. */
  path!: string;
}

@ObjectType({ simpleResolvers: true, description: "A size and crop of an image, in several formats." })
export class MediaRendition {
  @Field(() => String, { description: "thumbnail, square, 4x3, 16x9, hero or original: the name in its URLs." })
  name!: RenditionName;

  @Field(() => Int)
  width!: number;

  @Field(() => Int)
  height!: number;

  /** The format-less URL path: the server picks AVIF, WebP or JPEG from the client's Accept header. */
  path!: string;

  @Field(() => [MediaFile])
  files!: MediaFile[];
}

@ObjectType({ simpleResolvers: true, description: "What may not be done with an asset." })
export class MediaRestrictions {
  @Field(() => Boolean, { description: "Never sent to syndication partners (ninjs, partner feeds, webhooks)." })
  noSyndication!: boolean;
}

@ObjectType({
  description:
    "An uploaded image (video and audio later), with its credit, rights and renditions. Upload details (hash, type, size, uploader, source, dates, version) are for staff.",
})
@Entity("media_assets")
@Unique("uq_media_assets_content_hash", ["contentHash"])
@Check("ck_media_assets_kind", checkIn("kind", MediaKind))
@Check("ck_media_assets_focal_x", `"focal_x" >= 0 AND "focal_x" <= 1`)
@Check("ck_media_assets_focal_y", `"focal_y" >= 0 AND "focal_y" <= 1`)
@Index("ix_media_assets_uploaded", ["uploadedAt", "id"])
export class MediaAsset {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => MediaKind)
  @Column({ type: "text", default: MediaKind.IMAGE })
  kind!: MediaKind;

  @Field(() => String, { nullable: true, description: "Alternative text for readers who cannot see the image." })
  @Column({ type: "text", nullable: true })
  altText!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  caption!: string | null;

  @Field(() => String, { nullable: true, description: 'As printed: "Photo: Ana Pérez / Newsgraph".' })
  @Column({ type: "text", nullable: true })
  credit!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  copyrightHolder!: string | null;

  @Field(() => String, { nullable: true, description: "The licence: a name, or the URL of its terms." })
  @Column({ type: "text", nullable: true })
  license!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  usageTerms!: string | null;

  @Field(() => String, { nullable: true, description: "Where a licence to reuse the image can be had." })
  @Column({ type: "text", nullable: true })
  acquireLicensePage!: string | null;

  @Column({ type: "boolean", default: false })
  noSyndication!: boolean;

  @Authorized(Role.WRITER)
  @Field(() => ID, { nullable: true, description: "The source the image came from (provenance)." })
  @Column({ type: "uuid", nullable: true })
  sourceId!: string | null;

  @ManyToOne(() => Source, { onDelete: "SET NULL" })
  @JoinColumn({ name: "source_id" })
  source?: Relation<Source>;

  @Field(() => Float, { description: "Horizontal focal point, 0 (left) to 1 (right); crops keep it in view." })
  @Column({ type: "double precision", default: 0.5 })
  focalX!: number;

  @Field(() => Float, { description: "Vertical focal point, 0 (top) to 1 (bottom)." })
  @Column({ type: "double precision", default: 0.5 })
  focalY!: number;

  @Field(() => Int, { description: "Pixels, after the orientation is applied." })
  @Column({ type: "integer" })
  width!: number;

  @Field(() => Int)
  @Column({ type: "integer" })
  height!: number;

  @Authorized(Role.WRITER)
  @Field(() => String, { description: "SHA-256 of the uploaded bytes (hex); the same bytes are one asset." })
  @Column({ type: "char", length: 64 })
  contentHash!: string;

  /** Names this focal point's renditions in URLs: see renditionSetOf in media.processing.ts. */
  @Column({ type: "char", length: 64 })
  renditionSet!: string;

  /** Sets of earlier focal points: their URLs stay valid (immutable, cached for a year), so their files stay. */
  @Column({ type: "text", array: true, default: () => "'{}'" })
  retiredSets!: string[];

  /** Keys renditionSet, so a holder of the photo can neither compute its URLs nor confirm we hold it. */
  @Column({ type: "char", length: 32 })
  urlSecret!: string;

  @Authorized(Role.WRITER)
  @Field(() => String, { description: "MIME type of the upload, sniffed from its bytes." })
  @Column({ type: "text" })
  mime!: string;

  @Authorized(Role.WRITER)
  @Field(() => Int, { description: "Size of the upload in bytes." })
  @Column({ type: "integer" })
  bytes!: number;

  @Field(() => [MediaRendition])
  @Column({ type: "jsonb" })
  renditions!: MediaRendition[];

  @Field(() => String, { nullable: true, description: "ThumbHash (base64) of the image: a blurred stand-in while it loads." })
  @Column({ type: "text", nullable: true })
  placeholder!: string | null;

  @Authorized(Role.WRITER)
  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  uploadedById!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "uploaded_by_id" })
  uploadedBy?: Relation<User>;

  @Authorized(Role.WRITER)
  @Field(() => Date)
  @CreateDateColumn({ type: "timestamptz" })
  uploadedAt!: Date;

  @Authorized(Role.WRITER)
  @Field(() => Date)
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;

  @Authorized(Role.WRITER)
  @Field(() => Int, { description: "Bumped by every metadata edit." })
  @Column({ type: "integer", default: 1 })
  version!: number;
}
