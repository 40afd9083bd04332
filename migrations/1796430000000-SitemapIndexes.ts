import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * Hand-written (TypeORM cannot declare INCLUDE columns; the entity declares these indexes with
 * synchronize: false). The sitemap index numbers every public article in (published_at, id)
 * order: with the readers' gate (embargo_until) and lastmod (public_updated_at) included, that is
 * an index-only scan. The news sitemap reads the last 48 hours by first publication.
 */
export class SitemapIndexes1796430000000 implements MigrationInterface {
  name = "SitemapIndexes1796430000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_articles_sitemap" ON "articles" ("published_at", "id") INCLUDE ("embargo_until", "public_updated_at") WHERE "state" = 'PUBLISHED'`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_articles_first_published" ON "articles" ("first_published_at", "id") WHERE "state" = 'PUBLISHED'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_articles_first_published"`);
    await queryRunner.query(`DROP INDEX "public"."ix_articles_sitemap"`);
  }
}
