import type { MigrationInterface, QueryRunner } from "typeorm";

export class PartnerUsage1795847443018 implements MigrationInterface {
  name = "PartnerUsage1795847443018";

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Hand-added: the table rate-limiter-flexible's RateLimiterPostgres uses (its own DDL), created
    // here so that servers never run DDL at request time; limits then hold across instances.
    await queryRunner.query(
      `CREATE TABLE "partner_rate_limits" ("key" varchar(255) PRIMARY KEY, "points" integer NOT NULL DEFAULT 0, "expire" bigint)`,
    );
    await queryRunner.query(
      `CREATE TABLE "partner_usage" ("key_id" uuid NOT NULL, "day" date NOT NULL, "requests" integer NOT NULL DEFAULT '0', "items" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_1aba78ca5de69caf98480f86428" PRIMARY KEY ("key_id", "day"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "partner_usage" ADD CONSTRAINT "FK_700c1d010a1e4883b774c7f473d" FOREIGN KEY ("key_id") REFERENCES "partner_keys"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "partner_rate_limits"`);
    await queryRunner.query(`ALTER TABLE "partner_usage" DROP CONSTRAINT "FK_700c1d010a1e4883b774c7f473d"`);
    await queryRunner.query(`DROP TABLE "partner_usage"`);
  }
}
