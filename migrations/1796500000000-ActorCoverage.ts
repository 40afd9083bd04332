import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * Hand-written (TypeORM does not model triggers). An actor page lists the actor's published
 * articles newest first. Found through article_actors, that meant sorting every article of a much
 * covered actor (64,000 at a million articles) or walking the whole archive in date order for a
 * rarely covered one. actor_coverage holds one row per (actor, published article whose published
 * revision names the actor), with the article's published_at and embargo_until, so a page is an
 * index range and the public count an index-only scan.
 *
 * It is kept by a trigger on articles rather than by the workflow service: every statement that
 * changes what is published (publish, unpublish, archive, republish with other actors, embargo,
 * the scheduler, a deleted article) rewrites the article's rows in the same transaction, and no
 * path can forget to. A revision's actors never change (RevisionsAreImmutable), so articles is
 * the only table to watch. Visibility is still decided on articles (PUBLIC_ARTICLE): the table
 * only says which published articles name an actor.
 */
export class ActorCoverage1796500000000 implements MigrationInterface {
  name = "ActorCoverage1796500000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`SET LOCAL statement_timeout = 0`);
    await queryRunner.query(
      `CREATE TABLE "actor_coverage" (
         "article_id" uuid NOT NULL REFERENCES "articles"("id") ON DELETE CASCADE,
         "actor_id" uuid NOT NULL REFERENCES "actors"("id") ON DELETE CASCADE,
         "published_at" timestamptz NOT NULL,
         "embargo_until" timestamptz,
         CONSTRAINT "pk_actor_coverage" PRIMARY KEY ("article_id", "actor_id"))`,
    );
    await queryRunner.query(`CREATE FUNCTION newsgraph_sync_actor_coverage() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM actor_coverage WHERE article_id = NEW.id;
        IF NEW.state = 'PUBLISHED' AND NEW.published_revision_id IS NOT NULL AND NEW.published_at IS NOT NULL THEN
          INSERT INTO actor_coverage (article_id, actor_id, published_at, embargo_until)
          SELECT DISTINCT NEW.id, x.actor_id, NEW.published_at, NEW.embargo_until
          FROM article_actors x WHERE x.revision_id = NEW.published_revision_id;
        END IF;
        RETURN NULL;
      END $$`);
    for (const sql of publicationTriggers("actor_coverage", "newsgraph_sync_actor_coverage")) await queryRunner.query(sql);
    // Existing articles; the indexes are built after the rows, in one pass each.
    await queryRunner.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await queryRunner.query(ACTOR_COVERAGE_FILL);
    await queryRunner.query(
      `CREATE INDEX "ix_actor_coverage_page" ON "actor_coverage" ("actor_id", "published_at" DESC, "article_id" DESC) INCLUDE ("embargo_until")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "tr_articles_actor_coverage_update" ON "articles"`);
    await queryRunner.query(`DROP TRIGGER "tr_articles_actor_coverage_insert" ON "articles"`);
    await queryRunner.query(`DROP FUNCTION newsgraph_sync_actor_coverage()`);
    await queryRunner.query(`DROP TABLE "actor_coverage"`);
  }
}

/** Every published article's actors, as the trigger writes them (also run by the bench's dataset generator after a bulk load). */
export const ACTOR_COVERAGE_FILL = `INSERT INTO actor_coverage (article_id, actor_id, published_at, embargo_until)
  SELECT DISTINCT a.id, x.actor_id, a.published_at, a.embargo_until
  FROM articles a JOIN article_actors x ON x.revision_id = a.published_revision_id
  WHERE a.state = 'PUBLISHED' AND a.published_at IS NOT NULL`;

/**
 * The two triggers that keep a table of published articles (`tr_articles_<table>_insert` and
 * `_update`) in step with articles: after an insert, and after an update that changes what is
 * published (state, published revision, publication time, embargo). Also used by PublishedSearch.
 */
export function publicationTriggers(table: string, fn: string): string[] {
  return [
    `CREATE TRIGGER "tr_articles_${table}_insert" AFTER INSERT ON "articles"
       FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER "tr_articles_${table}_update" AFTER UPDATE OF "state", "published_revision_id", "published_at", "embargo_until"
       ON "articles" FOR EACH ROW
       WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.published_revision_id IS DISTINCT FROM NEW.published_revision_id
             OR OLD.published_at IS DISTINCT FROM NEW.published_at OR OLD.embargo_until IS DISTINCT FROM NEW.embargo_until)
       EXECUTE FUNCTION ${fn}()`,
  ];
}
