import type { MigrationInterface, QueryRunner } from "typeorm";

export class OrganizationProfile1796421239194 implements MigrationInterface {
  name = "OrganizationProfile1796421239194";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "organization_profile" ("id" smallint NOT NULL, "name" text NOT NULL, "url" text, "logo_asset_id" uuid, "masthead" text NOT NULL DEFAULT '', "publishing_principles" text, "corrections_policy" text, "unnamed_sources_policy" text, "verification_fact_checking_policy" text, "ethics_policy" text, "diversity_policy" text, "ownership_funding_info" text, "actionable_feedback_policy" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_organization_profile_single" CHECK ("id" = 1), CONSTRAINT "PK_a459f7af77cb9a0fd82286f661a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "organization_profile" ADD CONSTRAINT "FK_ec3568755e4c3ce8e568e4d2b3d" FOREIGN KEY ("logo_asset_id") REFERENCES "media_assets"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "organization_profile" DROP CONSTRAINT "FK_ec3568755e4c3ce8e568e4d2b3d"`);
    await queryRunner.query(`DROP TABLE "organization_profile"`);
  }
}
