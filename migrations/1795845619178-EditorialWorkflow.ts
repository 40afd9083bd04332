import type { MigrationInterface, QueryRunner } from "typeorm";

export class EditorialWorkflow1795845619178 implements MigrationInterface {
  name = "EditorialWorkflow1795845619178";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "user_id" uuid, "user_email" text, "role" text NOT NULL, "session_id" uuid, "operation" text NOT NULL, "arguments" jsonb NOT NULL DEFAULT '{}', "outcome" text NOT NULL, "error_code" text, "article_id" uuid, CONSTRAINT "ck_audit_log_outcome" CHECK ("outcome" IN ('OK', 'ERROR')), CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_audit_log_user" ON "audit_log"  ("user_id") `);
    await queryRunner.query(`CREATE INDEX "ix_audit_log_operation" ON "audit_log"  ("operation") `);
    await queryRunner.query(`CREATE INDEX "ix_audit_log_article" ON "audit_log"  ("article_id") `);
    await queryRunner.query(`CREATE INDEX "ix_audit_log_at" ON "audit_log"  ("at") `);
    await queryRunner.query(
      `CREATE TABLE "app_secrets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "value" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bfcdc1066e2265da09890961d83" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_app_secrets_name" ON "app_secrets"  ("name") `);
    await queryRunner.query(`ALTER TABLE "users" ADD "invite_token_hash" bytea`);
    await queryRunner.query(`ALTER TABLE "users" ADD "invite_expires_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "articles" ADD "locked_by_id" uuid`);
    await queryRunner.query(`ALTER TABLE "articles" ADD "lock_expires_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "articles" ADD "review_note" text`);
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "articles" ADD CONSTRAINT "FK_b4be16c6e056dacdf134cf85ffc" FOREIGN KEY ("locked_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "articles" DROP CONSTRAINT "FK_b4be16c6e056dacdf134cf85ffc"`);
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "review_note"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "lock_expires_at"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "locked_by_id"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "invite_expires_at"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "invite_token_hash"`);
    await queryRunner.query(`DROP INDEX "public"."uq_app_secrets_name"`);
    await queryRunner.query(`DROP TABLE "app_secrets"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_log_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_log_article"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_log_operation"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_log_user"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
  }
}
