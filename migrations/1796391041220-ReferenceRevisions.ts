import type { MigrationInterface, QueryRunner } from "typeorm";

/** Every edit of an actor, source, topic or place, with who, when, before and after. */
export class ReferenceRevisions1796391041220 implements MigrationInterface {
  name = "ReferenceRevisions1796391041220";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "reference_revisions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "entity_type" text NOT NULL, "entity_id" uuid NOT NULL, "number" integer NOT NULL, "action" text NOT NULL, "user_id" uuid, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "before" jsonb, "after" jsonb, "published_articles" integer NOT NULL DEFAULT '0', CONSTRAINT "uq_reference_revisions_number" UNIQUE ("entity_type", "entity_id", "number"), CONSTRAINT "ck_reference_revisions_number" CHECK ("number" >= 1), CONSTRAINT "ck_reference_revisions_action" CHECK ("action" IN ('CREATED', 'UPDATED', 'DELETED')), CONSTRAINT "ck_reference_revisions_type" CHECK ("entity_type" IN ('ACTOR', 'SOURCE', 'TOPIC', 'PLACE')), CONSTRAINT "PK_8352943f39fe4fc244901279aab" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_reference_revisions_user" ON "reference_revisions" ("user_id") `);
    await queryRunner.query(
      `ALTER TABLE "reference_revisions" ADD CONSTRAINT "FK_c3c55ad66f53ca1732d3f2eb38b" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reference_revisions" DROP CONSTRAINT "FK_c3c55ad66f53ca1732d3f2eb38b"`);
    await queryRunner.query(`DROP INDEX "public"."ix_reference_revisions_user"`);
    await queryRunner.query(`DROP TABLE "reference_revisions"`);
  }
}
