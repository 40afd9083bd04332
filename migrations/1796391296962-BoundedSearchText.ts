import type { MigrationInterface, QueryRunner } from "typeorm";

export const CONFIG = `CASE "language" WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END`;
const HEAD = `setweight(to_tsvector(${CONFIG}, coalesce("headline", '')), 'A') || setweight(to_tsvector(${CONFIG}, coalesce("standfirst", '')), 'B') || `;
export const BOUNDED = `${HEAD}setweight(to_tsvector(${CONFIG}, regexp_replace(left(coalesce("body_text", ''), 100000), '(\\S{32})', '\\1 ', 'g')), 'C')`;
const UNBOUNDED = `${HEAD}setweight(to_tsvector(${CONFIG}, coalesce("body_text", '')), 'C')`;

/*
 * Build article_revisions.search from bounded body text: the first 100,000 characters, with a
 * space after every 32 non-space characters. PostgreSQL's text parser is quadratic in the length
 * of a run without whitespace: to_tsvector on 40 kB of "_a" took 7.5 s, so saving a 60 kB body of
 * it hit the 15 s statement timeout. Bounded, 100 kB of it takes ~0.1-0.2 s, and prose is unchanged.
 *
 * PostgreSQL 15 cannot change a generated column's expression (SET EXPRESSION is 17+): the column
 * is dropped and added again, which recomputes every row (the table is rewritten, under lock; the
 * statement timeout is lifted for it). Storage, statistics and the GIN index are set again as
 * SearchVectorInline left them, in the same statement, so the rewrite stores the vectors in line.
 */
export class BoundedSearchText1796391296962 implements MigrationInterface {
  name = "BoundedSearchText1796391296962";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await replaceSearch(queryRunner, BOUNDED);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await replaceSearch(queryRunner, UNBOUNDED);
  }
}

/** Rebuild the generated search column with `expression` (also used by SearchClaimsAndPerspectives). */
export async function replaceSearch(queryRunner: QueryRunner, expression: string): Promise<void> {
  await queryRunner.query(`SET LOCAL statement_timeout = 0`);
  await queryRunner.query(`ALTER TABLE "article_revisions" DROP COLUMN "search"`);
  await queryRunner.query(
    `ALTER TABLE "article_revisions" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (${expression}) STORED NOT NULL, ` +
      `ALTER COLUMN "search" SET STORAGE MAIN, ALTER COLUMN "search" SET STATISTICS 1000`,
  );
  await queryRunner.query(`CREATE INDEX "ix_article_revisions_search" ON "article_revisions" USING gin ("search")`);
  // TypeORM compares generated columns with what it recorded here (the drift check).
  await queryRunner.query(
    `UPDATE "typeorm_metadata" SET "value" = $1
     WHERE "type" = 'GENERATED_COLUMN' AND "schema" = 'public' AND "table" = 'article_revisions' AND "name" = 'search'`,
    [expression],
  );
}
