import type { MigrationInterface, QueryRunner } from "typeorm";

export class RevisionMedia1796419393529 implements MigrationInterface {
  name = "RevisionMedia1796419393529";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "revision_media" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "revision_id" uuid NOT NULL, "media_id" uuid NOT NULL, "role" text NOT NULL, "position" smallint NOT NULL, "alt_text" text, "caption" text, CONSTRAINT "uq_revision_media_position" UNIQUE ("revision_id", "position"), CONSTRAINT "ck_revision_media_lead" CHECK (("role" = 'LEAD') = ("position" = 0)), CONSTRAINT "ck_revision_media_role" CHECK ("role" IN ('LEAD', 'INLINE')), CONSTRAINT "PK_4cac97c5f3937c52c9faaf24ae5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_revision_media_media" ON "revision_media"  ("media_id", "revision_id") `);
    await queryRunner.query(
      `ALTER TABLE "revision_media" ADD CONSTRAINT "FK_35a0f0fdc729ba0c9a73137aaea" FOREIGN KEY ("revision_id") REFERENCES "article_revisions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "revision_media" ADD CONSTRAINT "FK_d1da52324fd8ae4a7988f556f16" FOREIGN KEY ("media_id") REFERENCES "media_assets"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "revision_media" DROP CONSTRAINT "FK_d1da52324fd8ae4a7988f556f16"`);
    await queryRunner.query(`ALTER TABLE "revision_media" DROP CONSTRAINT "FK_35a0f0fdc729ba0c9a73137aaea"`);
    await queryRunner.query(`DROP INDEX "public"."ix_revision_media_media"`);
    await queryRunner.query(`DROP TABLE "revision_media"`);
  }
}
