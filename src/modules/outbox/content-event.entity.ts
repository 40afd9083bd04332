import { Check, Column, Entity, Generated, Index, PrimaryGeneratedColumn, Unique } from "typeorm";
import { checkIn, ContentEventKind } from "../../shared/enums";

/**
 * The transactional outbox: appended in the same transaction as the change it records.
 * No foreign key to articles, so that a deletion's tombstone outlives the article.
 */
@Entity("content_events")
@Unique("uq_content_events_id", ["id"])
@Check("ck_content_events_kind", checkIn("kind", ContentEventKind))
export class ContentEvent {
  @PrimaryGeneratedColumn("increment", { type: "bigint" })
  seq!: string;

  @Column({ type: "uuid" })
  @Generated("uuid")
  id!: string;

  @Index("ix_content_events_article")
  @Column({ type: "uuid" })
  articleId!: string;

  @Column({ type: "text" })
  kind!: ContentEventKind;

  @Column({ type: "uuid", nullable: true })
  revisionId!: string | null;

  @Column({ type: "integer", nullable: true })
  revisionNumber!: number | null;

  @Column({ type: "timestamptz", default: () => "now()" })
  occurredAt!: Date;

  @Column({ type: "jsonb", default: () => "'{}'" })
  payload!: Record<string, unknown>;

  /** W3C trace context (traceparent, tracestate) of the request that appended it; null with tracing off. */
  @Column({ type: "jsonb", nullable: true })
  traceContext!: Record<string, string> | null;
}
