import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * Hand-written (TypeORM cannot declare an operator class): pg_trgm and GIN trigram indexes on
 * the names `suggest` matches, so typo-tolerant lookups (`%`, `<%`, ILIKE) use an index. The
 * entities declare these indexes with synchronize: false. pg_trgm is a trusted extension
 * (PostgreSQL 13+): a database owner may create it without superuser.
 */
export class TrigramSuggest1795852027673 implements MigrationInterface {
  name = "TrigramSuggest1795852027673";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`CREATE INDEX "ix_actors_name_trgm" ON "actors" USING gin ("name" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "ix_sources_name_trgm" ON "sources" USING gin ("name" gin_trgm_ops)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_sources_name_trgm"`);
    await queryRunner.query(`DROP INDEX "public"."ix_actors_name_trgm"`);
    // Without CASCADE: refuses, rather than breaks, if something else has come to use pg_trgm.
    await queryRunner.query(`DROP EXTENSION IF EXISTS pg_trgm`);
  }
}
