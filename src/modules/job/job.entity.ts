import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { checkIn, JobKind, JobState } from "../../shared/enums";
import { ArticleRecord } from "../article";

/** Scheduled work (publishes, embargo lifts): the domain record; each row has one graphile-worker job keyed by its id (modules/queue). */
@Entity("jobs")
@Check("ck_jobs_kind", checkIn("kind", JobKind))
@Check("ck_jobs_state", checkIn("state", JobState))
@Index("ix_jobs_due", ["runAt"], { where: `"state" = 'PENDING'` })
export class Job {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "text" })
  kind!: JobKind;

  @Index("ix_jobs_article")
  @Column({ type: "uuid", nullable: true })
  articleId!: string | null;

  @ManyToOne(() => ArticleRecord, { onDelete: "CASCADE" })
  @JoinColumn({ name: "article_id" })
  article?: ArticleRecord;

  @Column({ type: "timestamptz" })
  runAt!: Date;

  @Column({ type: "text", default: JobState.PENDING })
  state!: JobState;

  @Column({ type: "integer", default: 0 })
  attempts!: number;

  @Column({ type: "text", nullable: true })
  lastError!: string | null;

  @Column({ type: "jsonb", default: () => "'{}'" })
  payload!: Record<string, unknown>;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Column({ type: "timestamptz", nullable: true })
  startedAt!: Date | null;

  @Column({ type: "timestamptz", nullable: true })
  finishedAt!: Date | null;
}
