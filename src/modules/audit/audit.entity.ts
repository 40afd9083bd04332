import { Field, ID, ObjectType } from "type-graphql";
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { JSONObjectResolver } from "graphql-scalars";

/**
 * One row per mutation attempt, accepted or refused. Variables are stored with secrets
 * (passwords, tokens) replaced before they reach this table.
 */
@ObjectType({ simpleResolvers: true })
@Entity("audit_log")
@Check("ck_audit_log_outcome", `"outcome" IN ('OK', 'ERROR')`)
@Index("ix_audit_log_at", ["at"])
export class AuditEntry {
  @Field(() => ID)
  @PrimaryGeneratedColumn("increment", { type: "bigint" })
  id!: string;

  @Field(() => Date)
  @CreateDateColumn({ type: "timestamptz" })
  at!: Date;

  @Field(() => String, { nullable: true, description: "Who: the signed-in user's id." })
  @Index("ix_audit_log_user")
  @Column({ type: "uuid", nullable: true })
  userId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  userEmail!: string | null;

  @Field(() => String, { description: "The role, or ANONYMOUS." })
  @Column({ type: "text" })
  role!: string;

  @Field(() => String, { nullable: true, description: "Session id (never the token)." })
  @Column({ type: "uuid", nullable: true })
  sessionId!: string | null;

  @Field(() => String, { description: "The mutation fields called." })
  @Index("ix_audit_log_operation")
  @Column({ type: "text" })
  operation!: string;

  @Field(() => JSONObjectResolver, { description: "The variables and arguments, secrets redacted." })
  @Column({ type: "jsonb", default: () => "'{}'" })
  arguments!: Record<string, unknown>;

  @Field(() => String)
  @Column({ type: "text" })
  outcome!: "OK" | "ERROR";

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  errorCode!: string | null;

  @Field(() => String, { nullable: true })
  @Index("ix_audit_log_article")
  @Column({ type: "uuid", nullable: true })
  articleId!: string | null;
}

/** Server-wide secrets generated on first start, so that every instance shares them. */
@Entity("app_secrets")
export class AppSecret {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Index("uq_app_secrets_name", { unique: true })
  @Column({ type: "text" })
  name!: string;

  @Column({ type: "bytea" })
  value!: Buffer;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
