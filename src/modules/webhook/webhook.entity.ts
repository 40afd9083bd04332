import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from "typeorm";
import { PartnerKey } from "../partner";
import { User } from "../user";

/**
 * An endpoint that receives content events. Its signing secret is derived from a server
 * secret and its id (HMAC), so no per-webhook secret is stored.
 */
@Entity("webhooks")
export class Webhook {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "text" })
  url!: string;

  /** Event kinds to send; empty means all. */
  @Column({ type: "text", array: true, default: () => "'{}'" })
  events!: string[];

  /** Set for a partner's webhook: its events follow that key's rights. */
  @Index("ix_webhooks_partner_key")
  @Column({ type: "uuid", nullable: true })
  partnerKeyId!: string | null;

  @ManyToOne(() => PartnerKey, { onDelete: "CASCADE" })
  @JoinColumn({ name: "partner_key_id" })
  partnerKey?: PartnerKey;

  @Column({ type: "uuid", nullable: true })
  createdById!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "created_by_id" })
  createdBy?: User;

  @Column({ type: "boolean", default: true })
  active!: boolean;

  @Column({ type: "integer", default: 0 })
  consecutiveFailures!: number;

  @Column({ type: "timestamptz", nullable: true })
  disabledAt!: Date | null;

  @Column({ type: "text", nullable: true })
  disabledReason!: string | null;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}

/** One event to one webhook: the delivery log, and the retry queue. */
@Entity("webhook_deliveries")
@Unique("uq_webhook_deliveries_event", ["webhookId", "eventId"])
@Check("ck_webhook_deliveries_state", `"state" IN ('PENDING', 'DELIVERED', 'FAILED', 'SKIPPED')`)
@Index("ix_webhook_deliveries_due", ["nextAttemptAt"], { where: `"state" = 'PENDING'` })
export class WebhookDelivery {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "uuid" })
  webhookId!: string;

  @ManyToOne(() => Webhook, { onDelete: "CASCADE" })
  @JoinColumn({ name: "webhook_id" })
  webhook?: Webhook;

  @Column({ type: "uuid" })
  eventId!: string;

  @Column({ type: "bigint" })
  eventSeq!: string;

  @Column({ type: "text", default: "PENDING" })
  state!: string;

  @Column({ type: "integer", default: 0 })
  attempts!: number;

  @Column({ type: "timestamptz", default: () => "now()" })
  nextAttemptAt!: Date;

  @Column({ type: "timestamptz", nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: "integer", nullable: true })
  lastStatus!: number | null;

  @Column({ type: "text", nullable: true })
  lastError!: string | null;

  @Column({ type: "timestamptz", nullable: true })
  deliveredAt!: Date | null;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
