import type { MigrationInterface, QueryRunner } from "typeorm";

/** Media assets are reference data: their edits are recorded in reference_revisions as MEDIA (TypeORM does not diff CHECKs). */
export class MediaReferenceHistory1796421100000 implements MigrationInterface {
  name = "MediaReferenceHistory1796421100000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reference_revisions" DROP CONSTRAINT "ck_reference_revisions_type"`);
    await queryRunner.query(
      `ALTER TABLE "reference_revisions" ADD CONSTRAINT "ck_reference_revisions_type" CHECK ("entity_type" IN ('ACTOR', 'SOURCE', 'TOPIC', 'PLACE', 'MEDIA'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "reference_revisions" WHERE "entity_type" = 'MEDIA'`);
    await queryRunner.query(`ALTER TABLE "reference_revisions" DROP CONSTRAINT "ck_reference_revisions_type"`);
    await queryRunner.query(
      `ALTER TABLE "reference_revisions" ADD CONSTRAINT "ck_reference_revisions_type" CHECK ("entity_type" IN ('ACTOR', 'SOURCE', 'TOPIC', 'PLACE'))`,
    );
  }
}
