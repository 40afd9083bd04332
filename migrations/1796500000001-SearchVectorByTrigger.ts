import type { MigrationInterface, QueryRunner } from "typeorm";
import { replaceSearch } from "./1796391296962-BoundedSearchText";
import { WITH_RELATIONS } from "./1796410616923-SearchClaimsAndPerspectives";

/** The search expression with each column read from the row being inserted. */
const ON_NEW = WITH_RELATIONS.replace(/"(language|headline|standfirst|body_text|relations_text)"/g, 'NEW."$1"');

/*
 * article_revisions.search is computed by a BEFORE INSERT trigger instead of being a generated
 * column: the same expression, the same value, set on every insert whatever the statement sends
 * (revisions are never updated: RevisionsAreImmutable). The difference is for bulk loads: a
 * session with session_replication_role = replica (the bench's dataset generator, a superuser)
 * skips the trigger and brings vectors it computed itself, so PostgreSQL does not spend most of a
 * million-article load in to_tsvector. The generator checks its vectors against this expression.
 *
 * DROP EXPRESSION keeps every stored vector (no rewrite); TypeORM's record of the generated
 * column goes, as the entity now declares a plain column.
 */
export class SearchVectorByTrigger1796500000001 implements MigrationInterface {
  name = "SearchVectorByTrigger1796500000001";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "article_revisions" ALTER COLUMN "search" DROP EXPRESSION`);
    await queryRunner.query(
      `DELETE FROM "typeorm_metadata"
       WHERE "type" = 'GENERATED_COLUMN' AND "schema" = 'public' AND "table" = 'article_revisions' AND "name" = 'search'`,
    );
    await queryRunner.query(`CREATE FUNCTION newsgraph_revision_search() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search := ${ON_NEW};
        RETURN NEW;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "tr_article_revisions_search" BEFORE INSERT ON "article_revisions"
       FOR EACH ROW EXECUTE FUNCTION newsgraph_revision_search()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "tr_article_revisions_search" ON "article_revisions"`);
    await queryRunner.query(`DROP FUNCTION newsgraph_revision_search()`);
    await queryRunner.query(
      `INSERT INTO "typeorm_metadata" ("type", "database", "schema", "table", "name", "value")
       VALUES ('GENERATED_COLUMN', current_database(), 'public', 'article_revisions', 'search', $1)`,
      [WITH_RELATIONS],
    );
    await replaceSearch(queryRunner, WITH_RELATIONS);
  }
}
