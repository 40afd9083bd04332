import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * One Idempotency-Key of one principal: the claim while its request runs, then the response
 * to replay. Rows live IDEMPOTENCY_TTL_HOURS and are deleted lazily, a bounded batch at a time.
 */
@Entity("idempotency_keys")
@Check("ck_idempotency_keys_state", `"state" IN ('IN_PROGRESS', 'DONE')`)
@Index("ix_idempotency_keys_expires", ["expiresAt"])
export class IdempotencyKey {
  /** `user:<id>` or `partner:<key id>`: two principals' keys never collide. */
  @PrimaryColumn({ type: "text" })
  principal!: string;

  @PrimaryColumn({ type: "text" })
  key!: string;

  /** SHA-256 (hex) of the normalised document, operation name and canonical variables. */
  @Column({ type: "text" })
  fingerprint!: string;

  @Column({ type: "text", default: "IN_PROGRESS" })
  state!: "IN_PROGRESS" | "DONE";

  /** Changes on every (re)claim: a superseded attempt can neither commit nor store. */
  @Column({ type: "uuid" })
  leaseToken!: string;

  /** While IN_PROGRESS: after this, the claim is taken to be abandoned (its process died). */
  @Column({ type: "timestamptz", nullable: true })
  leaseUntil!: Date | null;

  /** Set inside the mutation's own transaction: its writes committed, whatever became of the response. */
  @Column({ type: "timestamptz", nullable: true })
  committedAt!: Date | null;

  @Column({ type: "integer", nullable: true })
  responseStatus!: number | null;

  @Column({ type: "jsonb", nullable: true })
  responseHeaders!: [string, string][] | null;

  /** The JSON body as sent (text, not jsonb, so that the replay is the same bytes). */
  @Column({ type: "text", nullable: true })
  responseBody!: string | null;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Column({ type: "timestamptz" })
  expiresAt!: Date;
}
