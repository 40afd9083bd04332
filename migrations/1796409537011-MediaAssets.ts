import type { MigrationInterface, QueryRunner } from "typeorm";

export class MediaAssets1796409537011 implements MigrationInterface {
  name = "MediaAssets1796409537011";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "media_assets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL DEFAULT 'IMAGE', "alt_text" text, "caption" text, "credit" text, "copyright_holder" text, "license" text, "usage_terms" text, "acquire_license_page" text, "no_syndication" boolean NOT NULL DEFAULT false, "source_id" uuid, "focal_x" double precision NOT NULL DEFAULT '0.5', "focal_y" double precision NOT NULL DEFAULT '0.5', "width" integer NOT NULL, "height" integer NOT NULL, "content_hash" character(64) NOT NULL, "rendition_set" character(64) NOT NULL, "retired_sets" text array NOT NULL DEFAULT '{}', "url_secret" character(32) NOT NULL, "mime" text NOT NULL, "bytes" integer NOT NULL, "renditions" jsonb NOT NULL, "placeholder" text, "uploaded_by_id" uuid, "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "uq_media_assets_content_hash" UNIQUE ("content_hash"), CONSTRAINT "ck_media_assets_focal_y" CHECK ("focal_y" >= 0 AND "focal_y" <= 1), CONSTRAINT "ck_media_assets_focal_x" CHECK ("focal_x" >= 0 AND "focal_x" <= 1), CONSTRAINT "ck_media_assets_kind" CHECK ("kind" IN ('IMAGE', 'VIDEO', 'AUDIO')), CONSTRAINT "PK_ca47e9f67a5e5d8af1e75d66ee6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_media_assets_uploaded" ON "media_assets"  ("uploaded_at", "id") `);
    await queryRunner.query(
      `ALTER TABLE "media_assets" ADD CONSTRAINT "FK_bb2ea19389e6a5a9c3fe4354c43" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "media_assets" ADD CONSTRAINT "FK_9c6b616b5c373c54a0619460eb6" FOREIGN KEY ("uploaded_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "media_assets" DROP CONSTRAINT "FK_9c6b616b5c373c54a0619460eb6"`);
    await queryRunner.query(`ALTER TABLE "media_assets" DROP CONSTRAINT "FK_bb2ea19389e6a5a9c3fe4354c43"`);
    await queryRunner.query(`DROP INDEX "public"."ix_media_assets_uploaded"`);
    await queryRunner.query(`DROP TABLE "media_assets"`);
  }
}
