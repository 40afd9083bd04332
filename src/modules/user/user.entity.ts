import { Field, ID, ObjectType } from "type-graphql";
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from "typeorm";
import { checkIn, Role } from "../../shared/enums";

@ObjectType({ description: "An editorial account." })
@Entity("users")
@Unique("uq_users_email", ["email"])
@Check("ck_users_role", checkIn("role", Role))
@Check("ck_users_email_lower", `"email" = lower("email")`)
export class User {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => String)
  @Column({ type: "text" })
  email!: string;

  @Field(() => String)
  @Column({ type: "text" })
  displayName!: string;

  @Field(() => Role)
  @Column({ type: "text" })
  role!: Role;

  /** argon2id PHC string; never exposed. Null until an invited user sets a password. */
  @Column({ type: "text", nullable: true })
  passwordHash!: string | null;

  /** SHA-256 of a pending invitation's token. */
  @Column({ type: "bytea", nullable: true })
  inviteTokenHash!: Buffer | null;

  @Column({ type: "timestamptz", nullable: true })
  inviteExpiresAt!: Date | null;

  @Field(() => Boolean)
  @Column({ type: "boolean", default: true })
  active!: boolean;

  @Field(() => Date)
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;
}

/** A login session. Only the SHA-256 of the bearer token is stored. */
@Entity("sessions")
@Unique("uq_sessions_token_hash", ["tokenHash"])
export class Session {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Index("ix_sessions_user_id")
  @Column({ type: "uuid" })
  userId!: string;

  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User;

  @Column({ type: "bytea" })
  tokenHash!: Buffer;

  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Column({ type: "timestamptz" })
  expiresAt!: Date;

  @Column({ type: "timestamptz", nullable: true })
  revokedAt!: Date | null;
}
