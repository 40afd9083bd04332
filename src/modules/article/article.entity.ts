import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
  Unique,
  UpdateDateColumn,
} from "typeorm";
import {
  ActorRole,
  ArticleState,
  checkIn,
  ClaimStatus,
  ContributorRole,
  CorrectionKind,
  Genre,
  Language,
  Sourcing,
  Stance,
} from "../../shared/enums";
import { Actor } from "../actor";
import { Author } from "../author";
import { MediaAsset } from "../media";
import { Place } from "../place";
import { Source } from "../source";
import { Topic } from "../topic";
import { User } from "../user";

/*
 * An article is a row of pointers and workflow state; its content lives in immutable
 * revisions. `headRevisionId` is the working copy, `publishedRevisionId` what readers see.
 * Reference data (actors, sources, topics, places) cannot be deleted while any revision
 * cites it (ON DELETE RESTRICT): history must stay readable.
 */
@Entity("articles")
@Unique("uq_articles_slug", ["slug"])
@Check("ck_articles_state", checkIn("state", ArticleState))
@Check("ck_articles_version", `"version" >= 1`)
@Check("ck_articles_published", `"state" <> 'PUBLISHED' OR ("published_revision_id" IS NOT NULL AND "published_at" IS NOT NULL)`)
@Index("ix_articles_public_order", ["publishedAt", "id"], { where: `"state" = 'PUBLISHED'` })
@Index("ix_articles_state_updated", ["state", "updatedAt"])
export class ArticleRecord {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "text" })
  slug!: string;

  /**
   * A new slug for an article readers have seen, public at its next publish: until then readers
   * keep `slug`, as they keep every other published field. Reserved meanwhile (unique).
   */
  @Index("uq_articles_pending_slug", { unique: true, where: `"pending_slug" IS NOT NULL` })
  @Column({ type: "text", nullable: true })
  pendingSlug!: string | null;

  @Column({ type: "text", default: ArticleState.DRAFT })
  state!: ArticleState;

  /** Optimistic-concurrency version, bumped by a conditional UPDATE on every write. */
  @Column({ type: "integer", default: 1 })
  version!: number;

  @Column({ type: "uuid", nullable: true })
  headRevisionId!: string | null;

  @OneToOne(() => ArticleRevision, { onDelete: "SET NULL" })
  @JoinColumn({ name: "head_revision_id" })
  headRevision?: Relation<ArticleRevision>;

  @Column({ type: "uuid", nullable: true })
  publishedRevisionId!: string | null;

  @OneToOne(() => ArticleRevision, { onDelete: "SET NULL" })
  @JoinColumn({ name: "published_revision_id" })
  publishedRevision?: Relation<ArticleRevision>;

  /** Sitemap indexes (migration 1796430000000): INCLUDE columns TypeORM cannot declare, hence synchronize: false. */
  @Index("ix_articles_first_published", { synchronize: false })
  @Column({ type: "timestamptz", nullable: true })
  firstPublishedAt!: Date | null;

  /** When the article last entered public view; keyset order of public lists. Republishing an edit keeps it. */
  @Index("ix_articles_sitemap", { synchronize: false })
  @Column({ type: "timestamptz", nullable: true })
  publishedAt!: Date | null;

  /** The last change readers could see: a republished edit or a correction. */
  @Column({ type: "timestamptz", nullable: true })
  publicUpdatedAt!: Date | null;

  @Column({ type: "timestamptz", nullable: true })
  embargoUntil!: Date | null;

  /** Soft edit lock: while the lease runs, only its holder may write. */
  @Column({ type: "uuid", nullable: true })
  lockedById!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "locked_by_id" })
  lockedBy?: User;

  @Column({ type: "timestamptz", nullable: true })
  lockExpiresAt!: Date | null;

  /** The comment of the last requestChanges, shown to the writer. */
  @Column({ type: "text", nullable: true })
  reviewNote!: string | null;

  @Column({ type: "uuid", nullable: true })
  createdById!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "created_by_id" })
  createdBy?: User;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;

  /** Who made the last versioned change (an edit, a transition, an embargo, a correction); null for the scheduler. */
  @Column({ type: "uuid", nullable: true })
  updatedById!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "updated_by_id" })
  updatedBy?: User;
}

/**
 * Body text as search parses it (the vector and the snippets): its first 100,000 characters, with a
 * space after every 32 non-space characters. PostgreSQL's text parser is quadratic in the length of
 * a run without whitespace ("a_a_a…": 40 kB took 7.5 s, so a 60 kB body hit the statement timeout).
 */
export const searchableText = (column: string): string =>
  `regexp_replace(left(coalesce(${column}, ''), 100000), '(\\S{32})', '\\1 ', 'g')`;

/** The search vector of a revision row (its columns unqualified), as the trigger computes it. */
export const SEARCH_EXPRESSION =
  `setweight(to_tsvector(CASE "language" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, coalesce("headline", '')), 'A') || ` +
  `setweight(to_tsvector(CASE "language" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, coalesce("standfirst", '')), 'B') || ` +
  `setweight(to_tsvector(CASE "language" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, ${searchableText('"body_text"')}), 'C') || ` +
  `setweight(to_tsvector(CASE "language" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END, ${searchableText('"relations_text"')}), 'D')`;

@Entity("article_revisions")
@Unique("uq_article_revisions_number", ["articleId", "number"])
@Check("ck_article_revisions_language", checkIn("language", Language))
@Check("ck_article_revisions_genre", checkIn("genre", Genre))
@Check("ck_article_revisions_number", `"number" >= 1`)
export class ArticleRevision {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  articleId!: string;

  @ManyToOne(() => ArticleRecord, { onDelete: "CASCADE" })
  @JoinColumn({ name: "article_id" })
  article?: ArticleRecord;

  /** 1, 2, 3… per article. */
  @Column({ type: "integer" })
  number!: number;

  @Column({ type: "text" })
  headline!: string;

  @Column({ type: "text", default: "" })
  standfirst!: string;

  @Column({ type: "text", default: "" })
  byline!: string;

  @Column({ type: "text" })
  bodyMarkdown!: string;

  @Column({ type: "text" })
  bodyHtml!: string;

  @Column({ type: "text" })
  bodyText!: string;

  @Column({ type: "integer" })
  wordCount!: number;

  @Index("ix_article_revisions_language")
  @Column({ type: "text" })
  language!: Language;

  @Index("ix_article_revisions_genre")
  @Column({ type: "text" })
  genre!: Genre;

  @Index("ix_article_revisions_dateline")
  @Column({ type: "uuid", nullable: true })
  datelinePlaceId!: string | null;

  @ManyToOne(() => Place, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "dateline_place_id" })
  datelinePlace?: Place;

  @Column({ type: "text", default: "" })
  summary!: string;

  @Column({ type: "uuid", nullable: true })
  authorId!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "author_id" })
  author?: User;

  /** Claim and perspective text, for search only (relationsText in article.snapshot.ts); weighted below the body. */
  @Column({ type: "text", default: "", select: false })
  relationsText!: string;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  /** GIN-indexed in the migration (TypeORM cannot declare GIN), hence synchronize: false. */
  @Index("ix_article_revisions_search", { synchronize: false })
  /** Set by the trigger tr_article_revisions_search (migration SearchVectorByTrigger) to SEARCH_EXPRESSION on every insert. */
  @Column({ type: "tsvector", select: false, insert: false, update: false })
  search!: string;
}

@Entity("citations")
@Check("ck_citations_sourcing", checkIn("sourcing", Sourcing))
@Index("ix_citations_source_revision", ["sourceId", "revisionId"])
export class Citation {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Index("ix_citations_revision")
  @Column({ type: "uuid" })
  revisionId!: string;

  @ManyToOne(() => ArticleRevision, { onDelete: "CASCADE" })
  @JoinColumn({ name: "revision_id" })
  revision?: ArticleRevision;

  @Column({ type: "uuid" })
  sourceId!: string;

  @ManyToOne(() => Source, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "source_id" })
  source?: Source;

  @Column({ type: "smallint" })
  position!: number;

  /** As printed: "citing unnamed sources familiar with the talks". */
  @Column({ type: "text", default: "" })
  attribution!: string;

  @Column({ type: "text" })
  sourcing!: Sourcing;

  /** Why the source is not named, as the newsroom publishes it (ANONYMOUS citations only). */
  @Column({ type: "text", nullable: true })
  anonymityReason!: string | null;

  /** How the newsroom vetted the source, as it publishes it (ANONYMOUS citations only). */
  @Column({ type: "text", nullable: true })
  vetting!: string | null;
}

/**
 * The article's contributors in byline order, part of the revision like its citations: readers
 * keep the published contributors (and the byline derived from them) until the next publish.
 */
@Entity("article_contributors")
@Check("ck_article_contributors_role", checkIn("role", ContributorRole))
@Unique("uq_article_contributors", ["revisionId", "authorId", "role"])
@Unique("uq_article_contributors_position", ["revisionId", "position"])
@Index("ix_article_contributors_author_revision", ["authorId", "revisionId"])
export class ArticleContributor {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  revisionId!: string;

  @ManyToOne(() => ArticleRevision, { onDelete: "CASCADE" })
  @JoinColumn({ name: "revision_id" })
  revision?: ArticleRevision;

  @Column({ type: "uuid" })
  authorId!: string;

  @ManyToOne(() => Author, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "author_id" })
  author?: Author;

  @Column({ type: "text" })
  role!: ContributorRole;

  @Column({ type: "smallint" })
  position!: number;
}

@Entity("article_actors")
@Check("ck_article_actors_role", checkIn("role", ActorRole))
@Unique("uq_article_actors", ["revisionId", "actorId", "role"])
@Index("ix_article_actors_actor_revision", ["actorId", "revisionId"])
export class ArticleActor {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  revisionId!: string;

  @ManyToOne(() => ArticleRevision, { onDelete: "CASCADE" })
  @JoinColumn({ name: "revision_id" })
  revision?: ArticleRevision;

  @Column({ type: "uuid" })
  actorId!: string;

  @ManyToOne(() => Actor, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "actor_id" })
  actor?: Actor;

  @Column({ type: "text" })
  role!: ActorRole;

  @Column({ type: "smallint" })
  position!: number;
}

@Entity("claims")
@Check("ck_claims_status", checkIn("status", ClaimStatus))
export class Claim {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Index("ix_claims_revision")
  @Column({ type: "uuid" })
  revisionId!: string;

  @ManyToOne(() => ArticleRevision, { onDelete: "CASCADE" })
  @JoinColumn({ name: "revision_id" })
  revision?: ArticleRevision;

  @Column({ type: "smallint" })
  position!: number;

  @Column({ type: "text" })
  statement!: string;

  @Column({ type: "text" })
  status!: ClaimStatus;
}

@Entity("claim_citations")
export class ClaimCitation {
  @PrimaryColumn({ type: "uuid" })
  claimId!: string;

  @ManyToOne(() => Claim, { onDelete: "CASCADE" })
  @JoinColumn({ name: "claim_id" })
  claim?: Claim;

  @Index("ix_claim_citations_citation")
  @PrimaryColumn({ type: "uuid" })
  citationId!: string;

  @ManyToOne(() => Citation, { onDelete: "CASCADE" })
  @JoinColumn({ name: "citation_id" })
  citation?: Citation;
}

@Entity("claim_actors")
export class ClaimActor {
  @PrimaryColumn({ type: "uuid" })
  claimId!: string;

  @ManyToOne(() => Claim, { onDelete: "CASCADE" })
  @JoinColumn({ name: "claim_id" })
  claim?: Claim;

  @Index("ix_claim_actors_actor")
  @PrimaryColumn({ type: "uuid" })
  actorId!: string;

  @ManyToOne(() => Actor, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "actor_id" })
  actor?: Actor;
}

@Entity("perspectives")
@Check("ck_perspectives_stance", checkIn("stance", Stance))
@Check("ck_perspectives_holder", `"holder_actor_id" IS NOT NULL OR length("holder_label") > 0`)
@Index("ix_perspectives_holder_revision", ["holderActorId", "revisionId"])
export class Perspective {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Index("ix_perspectives_revision")
  @Column({ type: "uuid" })
  revisionId!: string;

  @ManyToOne(() => ArticleRevision, { onDelete: "CASCADE" })
  @JoinColumn({ name: "revision_id" })
  revision?: ArticleRevision;

  @Column({ type: "smallint" })
  position!: number;

  @Column({ type: "uuid", nullable: true })
  holderActorId!: string | null;

  @ManyToOne(() => Actor, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "holder_actor_id" })
  holderActor?: Actor;

  /** A label for a holder that is not an actor ("critics"), or a qualifier for one that is. */
  @Column({ type: "text", default: "" })
  holderLabel!: string;

  @Column({ type: "text" })
  stance!: Stance;

  @Column({ type: "text" })
  summary!: string;

  @Column({ type: "text", array: true, default: () => "'{}'" })
  keyPoints!: string[];

  @Column({ type: "text" })
  about!: string;
}

@Entity("revision_topics")
export class RevisionTopic {
  @PrimaryColumn({ type: "uuid" })
  revisionId!: string;

  @ManyToOne(() => ArticleRevision, { onDelete: "CASCADE" })
  @JoinColumn({ name: "revision_id" })
  revision?: ArticleRevision;

  @Index("ix_revision_topics_topic")
  @PrimaryColumn({ type: "uuid" })
  topicId!: string;

  @ManyToOne(() => Topic, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "topic_id" })
  topic?: Topic;

  @Column({ type: "smallint" })
  position!: number;
}

@Entity("corrections")
@Check("ck_corrections_kind", checkIn("kind", CorrectionKind))
@Index("ix_corrections_article", ["articleId", "createdAt"])
export class Correction {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  articleId!: string;

  @ManyToOne(() => ArticleRecord, { onDelete: "CASCADE" })
  @JoinColumn({ name: "article_id" })
  article?: ArticleRecord;

  @Column({ type: "text" })
  kind!: CorrectionKind;

  @Column({ type: "text" })
  text!: string;

  @Column({ type: "uuid", nullable: true })
  createdById!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "created_by_id" })
  createdBy?: User;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}

/** How a revision uses an image: its lead image, or one placed in the body (`![alt](media:<id>)`). */
export enum MediaUse {
  LEAD = "LEAD",
  INLINE = "INLINE",
}

/**
 * The images a revision shows, part of the revision like its citations: readers keep the
 * published images until the next publish. Position 0 is the lead image; inline images follow
 * in body order. The per-use alt text and caption override the asset's own for this article.
 * An image a revision shows cannot be deleted (RESTRICT): history must stay readable.
 */
@Entity("revision_media")
@Check("ck_revision_media_role", checkIn("role", MediaUse))
@Check("ck_revision_media_lead", `("role" = 'LEAD') = ("position" = 0)`)
@Unique("uq_revision_media_position", ["revisionId", "position"])
@Index("ix_revision_media_media", ["mediaId", "revisionId"])
export class RevisionMedia {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  revisionId!: string;

  @ManyToOne(() => ArticleRevision, { onDelete: "CASCADE" })
  @JoinColumn({ name: "revision_id" })
  revision?: ArticleRevision;

  @Column({ type: "uuid" })
  mediaId!: string;

  @ManyToOne(() => MediaAsset, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "media_id" })
  media?: Relation<MediaAsset>;

  @Column({ type: "text" })
  role!: MediaUse;

  @Column({ type: "smallint" })
  position!: number;

  /** This article's alt text for the image; null: the asset's. */
  @Column({ type: "text", nullable: true })
  altText!: string | null;

  /** This article's caption for the image; null: the asset's. */
  @Column({ type: "text", nullable: true })
  caption!: string | null;
}

/** Earlier slugs of an article, kept so that old links resolve and front ends can redirect. */
@Entity("article_slugs")
@Unique("uq_article_slugs_slug", ["slug"])
export class ArticleSlug {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "text" })
  slug!: string;

  @Index("ix_article_slugs_article")
  @Column({ type: "uuid" })
  articleId!: string;

  @ManyToOne(() => ArticleRecord, { onDelete: "CASCADE" })
  @JoinColumn({ name: "article_id" })
  article?: ArticleRecord;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
