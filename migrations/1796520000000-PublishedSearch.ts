import type { MigrationInterface, QueryRunner } from "typeorm";
import { publicationTriggers } from "./1796500000000-ActorCoverage";

/*
 * Hand-written (TypeORM does not model triggers or storage parameters). A search whose words are
 * too rare for the newest 2,000 articles ranks the newest 200 matches of the whole archive
 * (search.sql.ts). Found through article_revisions, that read every matching revision (published
 * or not) from the widest table of the schema, then looked each one up in articles for its date
 * and visibility: ~11,000 scattered page reads for a name like "Fernando Moreno" at a million
 * articles, 100-300 ms. published_search holds one narrow row per published article: the columns
 * of articles that the visibility predicates read (id, state, published_revision_id,
 * published_at, embargo_until) and its published revision's search vector, moved out of line
 * (toast_tuple_target), so the rows a match finds sit in a table small enough to stay in memory
 * and carry everything needed to order and filter them.
 *
 * Kept like actor_coverage, by a trigger on articles: every statement that changes what is
 * published rewrites the article's row in the same transaction. A revision's vector never changes
 * (RevisionsAreImmutable, SearchVectorByTrigger), so articles is the only table to watch.
 * Visibility is still decided by the same predicates (PUBLIC_ARTICLE and the audience's rights),
 * evaluated on this row instead of the article's.
 */
export class PublishedSearch1796520000000 implements MigrationInterface {
  name = "PublishedSearch1796520000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`SET LOCAL statement_timeout = 0`);
    await queryRunner.query(
      `CREATE TABLE "published_search" (
         "id" uuid NOT NULL REFERENCES "articles"("id") ON DELETE CASCADE,
         "state" text NOT NULL,
         "published_revision_id" uuid NOT NULL,
         "published_at" timestamptz NOT NULL,
         "embargo_until" timestamptz,
         "search" tsvector NOT NULL,
         CONSTRAINT "pk_published_search" PRIMARY KEY ("id"))
       WITH (toast_tuple_target = 128)`,
    );
    await queryRunner.query(`CREATE FUNCTION newsgraph_sync_published_search() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM published_search WHERE id = NEW.id;
        IF NEW.state = 'PUBLISHED' AND NEW.published_revision_id IS NOT NULL AND NEW.published_at IS NOT NULL THEN
          INSERT INTO published_search (id, state, published_revision_id, published_at, embargo_until, search)
          SELECT NEW.id, NEW.state, r.id, NEW.published_at, NEW.embargo_until, r.search
          FROM article_revisions r WHERE r.id = NEW.published_revision_id AND r.search IS NOT NULL;
        END IF;
        RETURN NULL;
      END $$`);
    for (const sql of publicationTriggers("published_search", "newsgraph_sync_published_search")) await queryRunner.query(sql);
    // Existing articles; the index is built after the rows, in one pass.
    await queryRunner.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await queryRunner.query(PUBLISHED_SEARCH_FILL);
    await queryRunner.query(PUBLISHED_SEARCH_INDEX);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "tr_articles_published_search_update" ON "articles"`);
    await queryRunner.query(`DROP TRIGGER "tr_articles_published_search_insert" ON "articles"`);
    await queryRunner.query(`DROP FUNCTION newsgraph_sync_published_search()`);
    await queryRunner.query(`DROP TABLE "published_search"`);
  }
}

/** Every published article's row, as the trigger writes it (also run by the bench's dataset generator after a bulk load). */
export const PUBLISHED_SEARCH_FILL = `INSERT INTO published_search (id, state, published_revision_id, published_at, embargo_until, search)
  SELECT a.id, a.state, r.id, a.published_at, a.embargo_until, r.search
  FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
  WHERE a.state = 'PUBLISHED' AND a.published_at IS NOT NULL AND r.search IS NOT NULL`;

export const PUBLISHED_SEARCH_INDEX = `CREATE INDEX "ix_published_search_search" ON "published_search" USING gin ("search")`;
