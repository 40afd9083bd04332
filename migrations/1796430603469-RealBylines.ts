import type { MigrationInterface, QueryRunner } from "typeorm";

/*
 * Real bylines: authors, each revision's ordered contributors, the three new genres, and an
 * anonymous citation's published reason and vetting. Every existing free-text byline becomes
 * contributors (backfillContributors below); the revision keeps its byline text unchanged, so
 * nothing a reader saw changes and nothing is lost.
 */

/** Names that are a desk or the newsroom ("Newsgraph staff", "Redacción de Newsgraph"), not a person. */
const DESK = /\b(staff|desk|newsroom|redacci[oó]n|editors|editorial board|team|bureau|agencies|wires?)\b/i;

const ROLE_PHRASES: [RegExp, string][] = [
  [/^(?:with\s+)?(?:additional\s+)?reporting\s+by\s+/i, "ADDITIONAL_REPORTING"],
  [/^(?:photographs|photos?|photography)\s+by\s+/i, "PHOTOGRAPHER"],
  [/^(?:edited|editing)\s+by\s+/i, "EDITOR"],
  [/^(?:translated|translation)\s+by\s+/i, "TRANSLATOR"],
];

export interface ParsedContributor {
  name: string;
  role: string;
  desk: boolean;
}

/**
 * A free-text byline as contributors, in order: "By A and B; additional reporting by C" gives
 * writers A and B and C with ADDITIONAL_REPORTING. Names split on commas, "and", "y" and "&",
 * except in a desk byline, which stays one name. Written for this migration and frozen with it.
 */
export function parseByline(byline: string): ParsedContributor[] {
  const out: ParsedContributor[] = [];
  const seen = new Set<string>();
  const text = byline
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^(?:by|por)\s+/i, "");
  for (const raw of text.split(/\s*[;\n]\s*|\.\s+(?=(?:with\s+)?(?:additional\s+)?reporting|photo|edited|translat)/i)) {
    let segment = raw.trim().replace(/\.$/, "");
    let role = "WRITER";
    for (const [re, r] of ROLE_PHRASES) {
      if (re.test(segment)) {
        segment = segment.replace(re, "");
        role = r;
        break;
      }
    }
    if (!segment) continue;
    const desk = DESK.test(segment);
    const names = desk ? [segment] : segment.split(/\s*,\s*(?:and\s+|y\s+)?|\s+(?:and|y|&)\s+/i);
    for (const name of names.map((n) => n.trim()).filter(Boolean)) {
      const key = `${name.toLowerCase()}/${role}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name, role, desk: DESK.test(name) });
    }
  }
  return out;
}

function slugOf(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return s.length >= 2 ? s : `author-${s || "unnamed"}`;
}

/**
 * Give every revision that has a byline but no contributors its contributors: one author per
 * distinct name (case-insensitive; an existing author of that name is reused). Each distinct
 * byline is parsed once in Node; the new authors go in with one statement and the contributors of
 * every revision with another, a join on the byline text (one pass over the revisions, however
 * many distinct bylines: a statement per byline was a scan each, hours at a million articles).
 * Idempotent: revisions with contributors are skipped.
 */
export async function backfillContributors(q: {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}): Promise<{ bylines: number; authorsCreated: number }> {
  const bylines = (await q.query(
    `SELECT DISTINCT r.byline FROM article_revisions r
     WHERE btrim(r.byline) <> '' AND NOT EXISTS (SELECT 1 FROM article_contributors c WHERE c.revision_id = r.id)`,
  )) as { byline: string }[];
  const existing = (await q.query(`SELECT id, name, slug FROM authors`)) as { id: string; name: string; slug: string }[];
  /** Lower-cased name → an existing author's id, or the slug of one to create. */
  const byName = new Map<string, { id: string } | { slug: string }>(existing.map((a) => [a.name.toLowerCase(), { id: a.id }]));
  const slugs = new Set(existing.map((a) => a.slug));
  const created: { slug: string; name: string; kind: string }[] = [];
  const parsedBylines = bylines.map(({ byline }) => {
    const parsed = parseByline(byline);
    const authors = parsed.map((c) => {
      let author = byName.get(c.name.toLowerCase());
      if (!author) {
        const base = slugOf(c.name);
        let slug = base;
        for (let i = 2; slugs.has(slug); i++) slug = `${base}-${i}`;
        slugs.add(slug);
        created.push({ slug, name: c.name, kind: c.desk ? "ORGANIZATION" : "PERSON" });
        author = { slug };
        byName.set(c.name.toLowerCase(), author);
      }
      return author;
    });
    return { byline, parsed, authors };
  });
  const idOfSlug = new Map<string, string>();
  if (created.length) {
    const rows = (await q.query(
      `INSERT INTO authors (slug, name, kind) SELECT x.slug, x.name, x.kind
       FROM json_to_recordset($1::json) AS x(slug text, name text, kind text) RETURNING id, slug`,
      [JSON.stringify(created)],
    )) as { id: string; slug: string }[];
    for (const r of rows) idOfSlug.set(r.slug, r.id);
  }
  const contributors: { byline: string; author_id: string; role: string; position: number }[] = [];
  for (const { byline, parsed, authors } of parsedBylines) {
    const rows: { author_id: string; role: string; position: number }[] = [];
    for (const [position, c] of parsed.entries()) {
      const a = authors[position]!;
      const id = "id" in a ? a.id : idOfSlug.get(a.slug)!;
      if (!rows.some((r) => r.author_id === id && r.role === c.role)) rows.push({ author_id: id, role: c.role, position });
    }
    for (const r of rows) contributors.push({ byline, ...r });
  }
  if (contributors.length) {
    await q.query(
      `INSERT INTO article_contributors (revision_id, author_id, role, position)
       SELECT r.id, x.author_id, x.role, x.position
       FROM json_to_recordset($1::json) AS x(byline text, author_id uuid, role text, position int)
       JOIN article_revisions r ON r.byline = x.byline
       WHERE NOT EXISTS (SELECT 1 FROM article_contributors c WHERE c.revision_id = r.id)`,
      [JSON.stringify(contributors)],
    );
  }
  return { bylines: bylines.length, authorsCreated: created.length };
}

const GENRES_BEFORE = `'NEWS', 'ANALYSIS', 'OPINION'`;
const GENRES_AFTER = `'NEWS', 'ANALYSIS', 'OPINION', 'BACKGROUND', 'REPORTAGE', 'REVIEW'`;
const TYPES_BEFORE = `'ACTOR', 'SOURCE', 'TOPIC', 'PLACE', 'MEDIA'`;
const TYPES_AFTER = `'ACTOR', 'SOURCE', 'TOPIC', 'PLACE', 'MEDIA', 'AUTHOR'`;

async function setChecks(q: QueryRunner, genres: string, types: string): Promise<void> {
  await q.query(`ALTER TABLE "article_revisions" DROP CONSTRAINT "ck_article_revisions_genre"`);
  await q.query(`ALTER TABLE "article_revisions" ADD CONSTRAINT "ck_article_revisions_genre" CHECK ("genre" IN (${genres}))`);
  await q.query(`ALTER TABLE "reference_revisions" DROP CONSTRAINT "ck_reference_revisions_type"`);
  await q.query(
    `ALTER TABLE "reference_revisions" ADD CONSTRAINT "ck_reference_revisions_type" CHECK ("entity_type" IN (${types}))`,
  );
}

export class RealBylines1796430603469 implements MigrationInterface {
  name = "RealBylines1796430603469";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "authors" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "kind" text NOT NULL DEFAULT 'PERSON', "bio" text, "job_title" text, "links" text array NOT NULL DEFAULT '{}', "same_as" text array NOT NULL DEFAULT '{}', "photo_id" uuid, "user_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_authors_slug" UNIQUE ("slug"), CONSTRAINT "ck_authors_kind" CHECK ("kind" IN ('PERSON', 'ORGANIZATION')), CONSTRAINT "PK_d2ed02fabd9b52847ccb85e6b88" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_authors_name" ON "authors"  ("name") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_authors_user" ON "authors"  ("user_id") WHERE "user_id" IS NOT NULL`);
    await queryRunner.query(
      `CREATE TABLE "article_contributors" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "revision_id" uuid NOT NULL, "author_id" uuid NOT NULL, "role" text NOT NULL, "position" smallint NOT NULL, CONSTRAINT "uq_article_contributors_position" UNIQUE ("revision_id", "position"), CONSTRAINT "uq_article_contributors" UNIQUE ("revision_id", "author_id", "role"), CONSTRAINT "ck_article_contributors_role" CHECK ("role" IN ('WRITER', 'ADDITIONAL_REPORTING', 'PHOTOGRAPHER', 'EDITOR', 'TRANSLATOR')), CONSTRAINT "PK_1ce72d6f2ff7c8347a2fb6f69d6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_article_contributors_author_revision" ON "article_contributors"  ("author_id", "revision_id") `,
    );
    await queryRunner.query(`ALTER TABLE "citations" ADD "anonymity_reason" text`);
    await queryRunner.query(`ALTER TABLE "citations" ADD "vetting" text`);
    await queryRunner.query(
      `ALTER TABLE "authors" ADD CONSTRAINT "FK_c26705342354311e7c231f70ec2" FOREIGN KEY ("photo_id") REFERENCES "media_assets"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "authors" ADD CONSTRAINT "FK_ccb4b08154f01e48f1524b1a43d" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "article_contributors" ADD CONSTRAINT "FK_c8a27cf7002b98a4fb4dd15ee68" FOREIGN KEY ("revision_id") REFERENCES "article_revisions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "article_contributors" ADD CONSTRAINT "FK_b7bc9965372e3598749d27a480e" FOREIGN KEY ("author_id") REFERENCES "authors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await setChecks(queryRunner, GENRES_AFTER, TYPES_AFTER);
    await backfillContributors(queryRunner);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Revisions keep their byline text, so dropping the contributors loses nothing that was there before.
    await queryRunner.query(`UPDATE "article_revisions" SET "genre" = 'NEWS' WHERE "genre" NOT IN (${GENRES_BEFORE})`);
    await queryRunner.query(`DELETE FROM "reference_revisions" WHERE "entity_type" = 'AUTHOR'`);
    await setChecks(queryRunner, GENRES_BEFORE, TYPES_BEFORE);
    await queryRunner.query(`ALTER TABLE "article_contributors" DROP CONSTRAINT "FK_b7bc9965372e3598749d27a480e"`);
    await queryRunner.query(`ALTER TABLE "article_contributors" DROP CONSTRAINT "FK_c8a27cf7002b98a4fb4dd15ee68"`);
    await queryRunner.query(`ALTER TABLE "authors" DROP CONSTRAINT "FK_ccb4b08154f01e48f1524b1a43d"`);
    await queryRunner.query(`ALTER TABLE "authors" DROP CONSTRAINT "FK_c26705342354311e7c231f70ec2"`);
    await queryRunner.query(`ALTER TABLE "citations" DROP COLUMN "vetting"`);
    await queryRunner.query(`ALTER TABLE "citations" DROP COLUMN "anonymity_reason"`);
    await queryRunner.query(`DROP INDEX "public"."ix_article_contributors_author_revision"`);
    await queryRunner.query(`DROP TABLE "article_contributors"`);
    await queryRunner.query(`DROP INDEX "public"."uq_authors_user"`);
    await queryRunner.query(`DROP INDEX "public"."ix_authors_name"`);
    await queryRunner.query(`DROP TABLE "authors"`);
  }
}
