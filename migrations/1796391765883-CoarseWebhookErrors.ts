import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * Delivery errors were stored as the HTTP client's own text ("TypeError: fetch failed", codes
 * with host:port), which let a partner map internal ports (issue 10, item 1). New ones are a
 * small vocabulary (src/shared/outbound.ts); this rewrites the ones already stored the same
 * way, in the delivery log and in the reasons of disabled webhooks. Not reversible: the detail
 * is gone on purpose.
 */
const VOCABULARY = [
  "connection refused",
  "timed out",
  "host not found",
  "connection reset",
  "host unreachable",
  "TLS error",
  "invalid HTTP response",
  "request failed",
  "address not allowed",
  "the partner key may no longer read content",
  "the event could not be prepared for this webhook",
]
  .map((w) => `'${w}'`)
  .join(", ");
const COARSE = `CASE
  WHEN e IN (${VOCABULARY}) OR e ~ '^HTTP [1-5]xx' THEN e
  WHEN e ~ '^HTTP 3[0-9][0-9]$' THEN 'HTTP 3xx (redirects are not followed)'
  WHEN e ~ '^HTTP [1-5][0-9][0-9]$' THEN regexp_replace(e, '^HTTP ([1-5])[0-9][0-9]$', 'HTTP \\1xx')
  WHEN e ~ 'ECONNREFUSED' THEN 'connection refused'
  WHEN e ~* 'timeout|timed out' THEN 'timed out'
  ELSE 'request failed' END`;

export class CoarseWebhookErrors1796391765883 implements MigrationInterface {
  name = "CoarseWebhookErrors1796391765883";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "webhook_deliveries" SET "last_error" = (SELECT ${COARSE} FROM (SELECT "last_error" AS e) x)
       WHERE "last_error" IS NOT NULL`,
    );
    await queryRunner.query(
      `UPDATE "webhooks" SET "disabled_reason" = regexp_replace("disabled_reason", '\\(last: .*\\)$', '(last: ' ||
         (SELECT ${COARSE} FROM (SELECT substring("disabled_reason" FROM '\\(last: (.*)\\)$') AS e) x) || ')')
       WHERE "disabled_reason" ~ '\\(last: .*\\)$'`,
    );
  }

  public async down(): Promise<void> {
    // Nothing to restore: the detail was removed on purpose.
  }
}
