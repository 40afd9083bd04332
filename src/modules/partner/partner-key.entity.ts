import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from "typeorm";
import { User } from "../user";

/** A syndication partner's API key. Only the SHA-256 of the secret is stored. */
@Entity("partner_keys")
@Unique("uq_partner_keys_key_hash", ["keyHash"])
export class PartnerKey {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ type: "text" })
  name!: string;

  /** The first characters of the key, shown to admins to tell keys apart. */
  @Column({ type: "text" })
  keyPrefix!: string;

  @Column({ type: "bytea" })
  keyHash!: Buffer;

  @Column({ type: "text", array: true, default: () => "'{}'" })
  scopes!: string[];

  /** Rights filter: { topics?: string[], languages?: string[], sources?: string[], genres?: string[] } */
  @Column({ type: "jsonb", default: () => "'{}'" })
  rights!: Record<string, string[]>;

  @Column({ type: "integer", default: 600 })
  rateLimitPerMinute!: number;

  @Column({ type: "timestamptz", nullable: true })
  expiresAt!: Date | null;

  @Column({ type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Column({ type: "uuid", nullable: true })
  createdById!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "created_by_id" })
  createdBy?: User;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}

/** Requests and items served per key per day (UTC), for admins and billing. */
@Entity("partner_usage")
export class PartnerUsage {
  @PrimaryColumn({ type: "uuid" })
  keyId!: string;

  @ManyToOne(() => PartnerKey, { onDelete: "CASCADE" })
  @JoinColumn({ name: "key_id" })
  key?: PartnerKey;

  @PrimaryColumn({ type: "date" })
  day!: string;

  @Column({ type: "integer", default: 0 })
  requests!: number;

  @Column({ type: "integer", default: 0 })
  items!: number;
}
