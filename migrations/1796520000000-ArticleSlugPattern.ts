import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * Article slugs as the API has always accepted them (SLUG_PATTERN: lowercase letters, digits and
 * single hyphens), now a constraint, so that what reads slugs can rely on it: the sitemap files are
 * rendered in SQL and put the slug into the URL as it is (encodeURIComponent leaves these
 * characters alone). Added NOT VALID and validated in a second step: the check of the existing rows
 * then takes a SHARE UPDATE EXCLUSIVE lock, which lets reads and publishes go on.
 */
export class ArticleSlugPattern1796520000000 implements MigrationInterface {
  name = "ArticleSlugPattern1796520000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "articles" ADD CONSTRAINT "ck_articles_slug" CHECK ("slug" ~ '^[a-z0-9]+(?:-[a-z0-9]+)*$') NOT VALID`,
    );
    await queryRunner.query(`ALTER TABLE "articles" VALIDATE CONSTRAINT "ck_articles_slug"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "articles" DROP CONSTRAINT "ck_articles_slug"`);
  }
}
