import type { MigrationInterface, QueryRunner } from "typeorm";

export class LoginRateLimits1795852020444 implements MigrationInterface {
  name = "LoginRateLimits1795852020444";

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Hand-written: the table rate-limiter-flexible's RateLimiterPostgres uses for login throttling
    // (its own DDL), so that failed sign-ins are counted across instances and no DDL runs at request time.
    await queryRunner.query(
      `CREATE TABLE "login_rate_limits" ("key" varchar(255) PRIMARY KEY, "points" integer NOT NULL DEFAULT 0, "expire" bigint)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "login_rate_limits"`);
  }
}
