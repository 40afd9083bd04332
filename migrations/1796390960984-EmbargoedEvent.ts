import type { MigrationInterface, QueryRunner } from "typeorm";

/** EMBARGOED joins the outbox's event kinds: embargoing a live article is a change readers see. */
export class EmbargoedEvent1796390960984 implements MigrationInterface {
  name = "EmbargoedEvent1796390960984";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "content_events" DROP CONSTRAINT "ck_content_events_kind"`);
    await queryRunner.query(
      `ALTER TABLE "content_events" ADD CONSTRAINT "ck_content_events_kind" CHECK ("kind" IN ('PUBLISHED', 'UPDATED', 'CORRECTED', 'UNPUBLISHED', 'EMBARGO_LIFTED', 'SLUG_CHANGED', 'DELETED', 'EMBARGOED'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The older constraint cannot hold these rows, and the older code has no reading of them.
    await queryRunner.query(`DELETE FROM "content_events" WHERE "kind" = 'EMBARGOED'`);
    await queryRunner.query(`ALTER TABLE "content_events" DROP CONSTRAINT "ck_content_events_kind"`);
    await queryRunner.query(
      `ALTER TABLE "content_events" ADD CONSTRAINT "ck_content_events_kind" CHECK ("kind" IN ('PUBLISHED', 'UPDATED', 'CORRECTED', 'UNPUBLISHED', 'EMBARGO_LIFTED', 'SLUG_CHANGED', 'DELETED'))`,
    );
  }
}
