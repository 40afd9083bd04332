import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * Preview tokens become revocable (issue #10 item 10): each one is a row holding only the SHA-256
 * of its token, so an editor can revoke one or all of an article's, and deleting the article
 * deletes them. The HMAC key that signed the old stateless tokens is no longer used: drop it, so
 * no key that once opened drafts stays behind (tokens issued before this migration stop working).
 */
export class RevocablePreviewTokens1796391756787 implements MigrationInterface {
  name = "RevocablePreviewTokens1796391756787";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "preview_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "article_id" uuid NOT NULL, "token_hash" bytea NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_by_id" uuid, CONSTRAINT "PK_c539643c28dd84e398f11a5d87f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_preview_tokens_article" ON "preview_tokens" ("article_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_preview_tokens_hash" ON "preview_tokens" ("token_hash") `);
    await queryRunner.query(
      `ALTER TABLE "preview_tokens" ADD CONSTRAINT "FK_2615a56b2f9dc75cdc02d5667ef" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "preview_tokens" ADD CONSTRAINT "FK_a7fa98c5683f341ebe59dcf4f62" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "preview_tokens" ADD CONSTRAINT "FK_26c8f386a8658735e6fa11754f6" FOREIGN KEY ("revoked_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`DELETE FROM "app_secrets" WHERE "name" = 'preview-hmac'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "preview_tokens" DROP CONSTRAINT "FK_26c8f386a8658735e6fa11754f6"`);
    await queryRunner.query(`ALTER TABLE "preview_tokens" DROP CONSTRAINT "FK_a7fa98c5683f341ebe59dcf4f62"`);
    await queryRunner.query(`ALTER TABLE "preview_tokens" DROP CONSTRAINT "FK_2615a56b2f9dc75cdc02d5667ef"`);
    await queryRunner.query(`DROP INDEX "public"."uq_preview_tokens_hash"`);
    await queryRunner.query(`DROP INDEX "public"."ix_preview_tokens_article"`);
    await queryRunner.query(`DROP TABLE "preview_tokens"`);
  }
}
