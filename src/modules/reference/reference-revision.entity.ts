import { registerEnumType } from "type-graphql";
import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from "typeorm";
import { checkIn, ReferenceType } from "../../shared/enums";
import { User } from "../user";

export enum ReferenceAction {
  CREATED = "CREATED",
  UPDATED = "UPDATED",
  DELETED = "DELETED",
}
registerEnumType(ReferenceAction, { name: "ReferenceAction" });

/**
 * One row per accepted edit of an actor, source, topic or place: who, when, and the entry
 * before and after (null before a creation, null after a deletion). No foreign key to the
 * entry itself, so that a deletion's record outlives it.
 */
@Entity("reference_revisions")
@Unique("uq_reference_revisions_number", ["entityType", "entityId", "number"])
@Check("ck_reference_revisions_type", checkIn("entity_type", ReferenceType))
@Check("ck_reference_revisions_action", checkIn("action", ReferenceAction))
@Check("ck_reference_revisions_number", `"number" >= 1`)
export class ReferenceRevision {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "text" })
  entityType!: ReferenceType;

  @Column({ type: "uuid" })
  entityId!: string;

  /** 1, 2, 3… per entry. */
  @Column({ type: "integer" })
  number!: number;

  @Column({ type: "text" })
  action!: ReferenceAction;

  @Index("ix_reference_revisions_user")
  @Column({ type: "uuid", nullable: true })
  userId!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "user_id" })
  user?: User;

  @CreateDateColumn({ type: "timestamptz" })
  at!: Date;

  @Column({ type: "jsonb", nullable: true })
  before!: Record<string, unknown> | null;

  @Column({ type: "jsonb", nullable: true })
  after!: Record<string, unknown> | null;

  /** Published articles that cited the entry at the time: each got an UPDATED content event. */
  @Column({ type: "integer", default: 0 })
  publishedArticles!: number;
}
