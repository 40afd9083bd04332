import { Authorized, Field, ID, ObjectType } from "type-graphql";
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
import { AuthorKind, checkIn } from "../../shared/enums";
import { MediaAsset } from "../media";
import { User } from "../user";

/**
 * Who a byline names: a staff journalist (linked to their user account), an outside
 * contributor, or a desk or the newsroom itself (kind ORGANIZATION, e.g. "Newsgraph staff").
 * Reference data like actors: readers see an author once a published article credits them.
 */
@ObjectType({ simpleResolvers: true, description: "A byline's author: a journalist, outside contributor, or desk." })
@Entity("authors")
@Unique("uq_authors_slug", ["slug"])
@Check("ck_authors_kind", checkIn("kind", AuthorKind))
export class Author {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => String, { description: "The author page's address on the site is /authors/<slug>." })
  @Column({ type: "text" })
  slug!: string;

  @Field(() => String)
  @Index("ix_authors_name")
  @Column({ type: "text" })
  name!: string;

  @Field(() => AuthorKind)
  @Column({ type: "text", default: AuthorKind.PERSON })
  kind!: AuthorKind;

  @Field(() => String, { nullable: true, description: "Plain text." })
  @Column({ type: "text", nullable: true })
  bio!: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. "Energy correspondent".' })
  @Column({ type: "text", nullable: true })
  jobTitle!: string | null;

  @Field(() => [String], { description: "The author's own pages (site profile, newsletter): absolute http(s) URLs." })
  @Column({ type: "text", array: true, default: () => "'{}'" })
  links!: string[];

  @Field(() => [String], {
    description: "Identifiers of the same person elsewhere (Wikidata, ORCID, a social profile): absolute http(s) URLs.",
  })
  @Column({ type: "text", array: true, default: () => "'{}'" })
  sameAs!: string[];

  /** The portrait (Author.photo resolves it). */
  @Column({ type: "uuid", nullable: true })
  photoId!: string | null;

  @ManyToOne(() => MediaAsset, { onDelete: "SET NULL" })
  @JoinColumn({ name: "photo_id" })
  photo?: Relation<MediaAsset>;

  @Authorized()
  @Field(() => ID, { nullable: true, description: "The staff account of a staff journalist (staff only)." })
  @Index("uq_authors_user", { unique: true, where: `"user_id" IS NOT NULL` })
  @Column({ type: "uuid", nullable: true })
  userId!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "user_id" })
  user?: Relation<User>;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}
