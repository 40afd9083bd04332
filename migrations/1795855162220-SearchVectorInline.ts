import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * Keep article_revisions.search (the generated tsvector) in the row instead of TOAST. A vector is
 * ~2.6 kB and does not compress (pglz gives up on it), so by default every row stored it out of
 * line, and each `@@` or ts_rank_cd on a row that the GIN index cannot answer alone (a search
 * walking the newest articles, ranking, phrase rechecks) fetched it through the TOAST index:
 * ~12 µs and ~10 buffers a row. In the row it is ~3 µs. STORAGE MAIN still moves a value out of
 * line when the row would not fit in a page (a vector over ~8 kB, a very long body): no row is refused.
 * Cost: the heap grows (113 MB to 369 MB at 100k articles) while TOAST shrinks by as much.
 *
 * Statistics target 1000 for the same column: with the default (100) ANALYZE keeps ~700 lexemes,
 * and the planner guesses ~0.5% of rows (500 at 100k) for any word outside them, so for a rare
 * word plus a popular topic it checked the word on each of 15,000 topic revisions (120 ms)
 * instead of reading the 5 GIN hits. With 1000 the guess for a rare word is ~50 rows.
 *
 * SET STORAGE applies to rows written from then on, so VACUUM FULL rewrites the existing ones
 * (it keeps their order, unlike CLUSTER). VACUUM cannot run in a transaction: this migration
 * runs outside one, and each step is safe to repeat if it stops half-way. The rewrite locks the
 * table: 30-60 s at 100k articles on the 2-core benchmark machine.
 */
export class SearchVectorInline1795855162220 implements MigrationInterface {
  name = "SearchVectorInline1795855162220";
  transaction = false;

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "article_revisions" ALTER COLUMN "search" SET STORAGE MAIN`);
    await queryRunner.query(`ALTER TABLE "article_revisions" ALTER COLUMN "search" SET STATISTICS 1000`);
    await rewrite(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "article_revisions" ALTER COLUMN "search" SET STATISTICS -1`);
    await queryRunner.query(`ALTER TABLE "article_revisions" ALTER COLUMN "search" SET STORAGE EXTENDED`);
    await rewrite(queryRunner);
  }
}

/** Rewrite (and analyze) the table; the pool's statement_timeout (15 s) would cancel it on a large one. */
async function rewrite(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`SET statement_timeout = 0`);
  try {
    await queryRunner.query(`VACUUM (FULL, ANALYZE) "article_revisions"`);
  } finally {
    await queryRunner.query(`RESET statement_timeout`);
  }
}
