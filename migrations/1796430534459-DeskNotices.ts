import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * The Studio's live desk. articles.updated_by_id records who made the last versioned change (an
 * edit, a transition, an embargo, a correction; null for the scheduler). A trigger announces every
 * change the desk shows on the NOTIFY channel newsgraph_desk (DESK_CHANNEL in src/modules/outbox):
 * a new article, a new version, a new state, an edit lock taken or let go, a deletion. The payload
 * holds no content: the article's id, state and version, who (an email) and when. NOTIFY is sent at
 * commit, and PostgreSQL folds identical payloads of one transaction into one notice.
 */
export class DeskNotices1796430534459 implements MigrationInterface {
  name = "DeskNotices1796430534459";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "articles" ADD "updated_by_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "articles" ADD CONSTRAINT "FK_4108e054c4dcda9318f39b487e4" FOREIGN KEY ("updated_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE FUNCTION "newsgraph_desk_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
       DECLARE
         r articles%ROWTYPE;
         actor uuid;
       BEGIN
         IF TG_OP = 'DELETE' THEN
           r := OLD;
         ELSE
           r := NEW;
         END IF;
         IF TG_OP = 'INSERT' THEN
           actor := coalesce(NEW.updated_by_id, NEW.created_by_id);
         ELSIF TG_OP = 'UPDATE' AND OLD.version = NEW.version THEN
           -- Only the edit lock moved: its new holder took it, or its holder let it go.
           actor := coalesce(NEW.locked_by_id, OLD.locked_by_id);
         ELSIF TG_OP = 'UPDATE' THEN
           actor := NEW.updated_by_id;
         END IF;
         PERFORM pg_notify('newsgraph_desk', json_build_object(
           'id', r.id,
           'state', CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE r.state END,
           'version', r.version,
           'by', (SELECT u.email FROM users u WHERE u.id = actor),
           'at', now()
         )::text);
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_articles_desk_insert_delete" AFTER INSERT OR DELETE ON "articles"
       FOR EACH ROW EXECUTE FUNCTION "newsgraph_desk_notify"()`,
    );
    // Not for pointer moves alone (the head revision set in the same transaction as its version).
    await queryRunner.query(
      `CREATE TRIGGER "tr_articles_desk_update" AFTER UPDATE ON "articles" FOR EACH ROW
       WHEN (OLD.version IS DISTINCT FROM NEW.version OR OLD.state IS DISTINCT FROM NEW.state
             OR OLD.locked_by_id IS DISTINCT FROM NEW.locked_by_id)
       EXECUTE FUNCTION "newsgraph_desk_notify"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "tr_articles_desk_update" ON "articles"`);
    await queryRunner.query(`DROP TRIGGER "tr_articles_desk_insert_delete" ON "articles"`);
    await queryRunner.query(`DROP FUNCTION "newsgraph_desk_notify"()`);
    await queryRunner.query(`ALTER TABLE "articles" DROP CONSTRAINT "FK_4108e054c4dcda9318f39b487e4"`);
    await queryRunner.query(`ALTER TABLE "articles" DROP COLUMN "updated_by_id"`);
  }
}
