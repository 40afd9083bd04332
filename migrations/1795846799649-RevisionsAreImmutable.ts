import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Hand-written (TypeORM does not model triggers): a revision and the relations hanging off it
 * can be inserted and, with their article, deleted, but never updated, so history cannot be
 * rewritten by any client, including one that bypasses the services.
 */
export class RevisionsAreImmutable1795846799649 implements MigrationInterface {
  name = "RevisionsAreImmutable1795846799649";

  private readonly tables = [
    "article_revisions",
    "citations",
    "article_actors",
    "claims",
    "claim_citations",
    "claim_actors",
    "perspectives",
    "revision_topics",
  ];

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION newsgraph_refuse_revision_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'revisions are immutable: % cannot be updated; append a new revision instead', TG_TABLE_NAME
          USING ERRCODE = 'check_violation';
      END $$`);
    for (const t of this.tables) {
      await queryRunner.query(
        `CREATE TRIGGER "tr_${t}_immutable" BEFORE UPDATE ON "${t}" FOR EACH ROW EXECUTE FUNCTION newsgraph_refuse_revision_update()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of this.tables) await queryRunner.query(`DROP TRIGGER "tr_${t}_immutable" ON "${t}"`);
    await queryRunner.query(`DROP FUNCTION newsgraph_refuse_revision_update()`);
  }
}
