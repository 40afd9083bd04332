import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * A slug edit on an article readers have seen waits in pending_slug until the next publish
 * (issue #10 item 12): readers keep the published slug as they keep every other published field.
 * Unique while set, so a pending slug is reserved for its article.
 */
export class PendingSlug1796391446293 implements MigrationInterface {
  name = "PendingSlug1796391446293";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "articles" ADD "pending_slug" text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_articles_pending_slug" ON "articles" ("pending_slug") WHERE "pending_slug" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_articles_pending_slug"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "pending_slug"`);
  }
}
