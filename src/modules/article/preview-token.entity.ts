import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { User } from "../user";
import { ArticleRecord } from "./article.entity";

/**
 * One preview link to an article's working copy. Only the SHA-256 of the token is kept (it is
 * 32 random bytes, so a fast hash is enough): a database leak opens no draft. Revoked by an
 * editor one by one or for a whole article; deleting the article deletes its tokens.
 */
@Entity("preview_tokens")
export class PreviewTokenRecord {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Index("ix_preview_tokens_article")
  @Column({ type: "uuid" })
  articleId!: string;

  @ManyToOne(() => ArticleRecord, { onDelete: "CASCADE" })
  @JoinColumn({ name: "article_id" })
  article?: ArticleRecord;

  @Index("uq_preview_tokens_hash", { unique: true })
  @Column({ type: "bytea" })
  tokenHash!: Buffer;

  @Column({ type: "timestamptz" })
  expiresAt!: Date;

  @Column({ type: "uuid", nullable: true })
  createdById!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "created_by_id" })
  createdBy?: User;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Column({ type: "timestamptz", nullable: true })
  revokedAt!: Date | null;

  @Column({ type: "uuid", nullable: true })
  revokedById!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "revoked_by_id" })
  revokedBy?: User;
}
