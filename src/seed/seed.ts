import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { verify } from "@node-rs/argon2";
import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { Actor } from "../modules/actor";
import { Author } from "../modules/author";
import { ArticleService, WorkflowService } from "../modules/article";
import { jobSchedule } from "../modules/job";
import type { MediaService } from "../modules/media";
import { Place } from "../modules/place";
import { OrganizationService } from "../modules/organization";
import { Transition } from "../modules/policy";
import { Source } from "../modules/source";
import { Topic } from "../modules/topic";
import { AuthService, User } from "../modules/user";
import { Role } from "../shared/enums";
import type { Logger } from "../shared/logger";
import type { StaffViewer } from "../shared/viewer";
import {
  articleInputs,
  DEMO,
  type ArticleInputs,
  type DemoAccount,
  type DemoArticle,
  type DemoData,
  type IdOf,
} from "./demo-story";
import { locatorMapSvg } from "./graphics";

type Vocabulary = Parameters<IdOf>[0];

export const DEMO_EDITOR = DEMO.editor;
export const DEMO_ADMIN = DEMO.admin;

/** The demo's accounts, whose passwords are published in the README: never in production. */
function demoAccounts(story: DemoData = DEMO): { label: string; role: Role; account: DemoAccount }[] {
  return [
    { label: "demo editor", role: Role.EDITOR, account: story.editor },
    { label: "demo admin", role: Role.ADMIN, account: story.admin },
  ];
}

// Upserted by slug as the baseline the story starts from: no reference revision, as before
// (reference history begins with the first edit after seeding). The entries passed the
// create*Input rules when the data file was read.
async function upsertBySlug<T extends { slug: string }>(
  ds: DataSource,
  entity: new () => unknown,
  rows: T[],
): Promise<Map<string, string>> {
  const repo = ds.getRepository(entity);
  await repo.upsert(rows, { conflictPaths: ["slug"], skipUpdateIfNoValuesChanged: true });
  const all = await repo.find({ select: { id: true, slug: true } });
  return new Map(all.map((r) => [r.slug, r.id]));
}

/**
 * Load the demo story. Idempotent: vocabularies are upserted by slug, and an article whose
 * slug exists is left alone. Articles go through the same services as editors' mutations.
 * `story` is the checked data file (parseDemoStory); a service refusing an entry names it.
 * With `media` (the app's media library), articles with a leadGraphic get their drawn lead
 * image, uploaded through the same service as an editor's upload; without it, none.
 */
export async function seedDemo(
  ds: DataSource,
  log: Logger,
  story: DemoData = DEMO,
  media?: MediaService,
): Promise<{ articlesCreated: number }> {
  const auth = new AuthService(ds, 12);
  for (const { label, role, account } of demoAccounts(story)) {
    if (await ds.getRepository(User).exists({ where: { email: account.email } })) continue;
    await auth.createUser({ ...account, role });
    log.info({ email: account.email }, `created the ${label}`);
  }
  await seedOrganization(ds, log, story);
  const editor = await ds.getRepository(User).findOneOrFail({ where: { email: story.editor.email } });
  const viewer: StaffViewer = { kind: "staff", userId: editor.id, sessionId: "seed", email: editor.email, role: Role.EDITOR };
  const ids: Record<Vocabulary, Map<string, string>> = {
    topics: await upsertBySlug(ds, Topic, story.topics),
    places: await upsertBySlug(ds, Place, story.places),
    sources: await upsertBySlug(ds, Source, story.sources),
    actors: await upsertBySlug(ds, Actor, story.actors),
    authors: await upsertBySlug(ds, Author, story.authors),
  };
  const idOf: IdOf = (vocabulary, slug, path) => {
    const id = ids[vocabulary].get(slug);
    if (!id) throw new Error(`${path}: no ${vocabulary} entry has the slug ${slug}`);
    return id;
  };

  const mediaUrls = (p: string) => (media ? media.urlFor(p) : p);
  const articles = new ArticleService(ds, mediaUrls);
  const workflow = new WorkflowService(ds, jobSchedule, mediaUrls);
  let created = 0;
  for (const [i, a] of story.articles.entries()) {
    const [exists] = await ds.query<unknown[]>(`SELECT 1 FROM articles WHERE slug = $1`, [a.slug]);
    if (exists) continue;
    const path = `articles[${i}] (${a.slug})`;
    try {
      const inputs = articleInputs(a, path, idOf);
      if (a.leadGraphic && media && a.dateline) {
        const place = story.places.find((p) => p.slug === a.dateline)!;
        inputs.create.leadImage = { mediaId: await drawLocatorMap(media, viewer, a.leadGraphic, place, story.places) };
      }
      await seedArticle(ds, articles, workflow, viewer, a, inputs);
    } catch (err) {
      if (err instanceof Error) err.message = `demo story ${path}: ${err.message}`;
      throw err;
    }
    created++;
  }
  if (created) log.info({ articles: created }, "demo story loaded");
  return { articlesCreated: created };
}

/**
 * The demo newsroom's profile, through the service admins' edits go through, only while no
 * profile was ever saved: an admin's own profile is never overwritten. Its home page stays the
 * configured PUBLIC_BASE_URL (url is left unset, and the output formats fall back to it).
 */
async function seedOrganization(ds: DataSource, log: Logger, story: DemoData): Promise<void> {
  const [saved] = await ds.query<unknown[]>(`SELECT 1 FROM organization_profile`);
  if (saved) return;
  await new OrganizationService(ds, { name: story.organization.name, url: null }, (p) => p).update(story.organization);
  log.info({ name: story.organization.name }, "seeded the demo organisation profile");
}

/**
 * Draw a locator map of `place` (an SVG rendered to PNG by sharp), upload it through the media
 * library as an editor's upload goes, and describe it: alt text, caption, credit and the
 * marker as focal point. Returns the asset's id.
 */
async function drawLocatorMap(
  media: MediaService,
  viewer: StaffViewer,
  graphic: NonNullable<DemoArticle["leadGraphic"]>,
  place: DemoData["places"][number],
  places: DemoData["places"],
): Promise<string> {
  const { svg, focal } = locatorMapSvg(place, places, graphic.credit);
  // Loaded here, not at start-up: the server loads sharp on its first upload (media.processing.ts).
  const { default: sharp } = await import("sharp");
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  const file = path.join(os.tmpdir(), `newsgraph-seed-${randomBytes(6).toString("hex")}.png`);
  await fs.writeFile(file, png);
  try {
    const sha256 = createHash("sha256").update(png).digest("hex");
    // Rendered once, around the marker (a focal point set afterwards would render them all again).
    const { asset } = await media.upload(viewer, { file, bytes: png.length, sha256 }, focal);
    await media.update(viewer, asset.id, {
      altText: graphic.altText,
      caption: graphic.caption,
      credit: graphic.credit,
      copyrightHolder: "Newsgraph",
    });
    return asset.id;
  } finally {
    await fs.rm(file, { force: true });
  }
}

async function seedArticle(
  ds: DataSource,
  svc: ArticleService,
  workflow: WorkflowService,
  viewer: StaffViewer,
  a: DemoArticle,
  inputs: ArticleInputs,
): Promise<void> {
  const id = await svc.create(viewer, inputs.create);
  await svc.setRelations(viewer, id, 1, inputs.relations);
  if (a.state === "draft") return;
  for (const t of [Transition.SUBMIT_FOR_REVIEW, Transition.APPROVE, Transition.PUBLISH])
    await workflow.transition(viewer, id, t);
  // Raw: the story happened in the past, and no API backdates a publication; date it as reported.
  await ds.query(`UPDATE articles SET published_at = $2, first_published_at = $2, public_updated_at = $2 WHERE id = $1`, [
    id,
    a.publishedAt,
  ]);
  // Through the editors' own path, so each correction has its revision and CORRECTED event.
  for (const c of a.corrections ?? []) await workflow.addCorrection(viewer, id, c.kind, c.text);
  if (a.corrections?.length) {
    // Raw, as above: as reported, corrected a day after publication.
    await ds.query(`UPDATE corrections SET created_at = $2::timestamptz + interval '1 day' WHERE article_id = $1`, [
      id,
      a.publishedAt,
    ]);
    await ds.query(`UPDATE articles SET public_updated_at = $2::timestamptz + interval '1 day' WHERE id = $1`, [
      id,
      a.publishedAt,
    ]);
  }
  if (a.state === "unpublished") {
    await workflow.transition(viewer, id, Transition.UNPUBLISH, { reason: a.unpublishReason ?? "Withdrawn" });
  } else if (a.state === "published-with-pending-edit" && inputs.pendingEdit) {
    const [{ version }] = await ds.query<[{ version: number }]>(`SELECT version FROM articles WHERE id = $1`, [id]);
    await svc.update(viewer, id, version, { ...inputs.pendingEdit, summary: "Pending edit, not yet published" });
  }
}

/**
 * On start, outside production only: load the story into an empty database (no articles yet),
 * and say how to sign in as the demo editor and the demo admin.
 */
export async function seedIfEmpty(ds: DataSource, log: Logger, nodeEnv: Config["nodeEnv"], media?: MediaService): Promise<void> {
  // loadConfig refuses SEED_DEMO in production; this guards any other caller.
  if (nodeEnv === "production") throw new Error("the demo story is never loaded with NODE_ENV=production");
  const [{ n }] = await ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM articles`);
  if (n === 0) await seedDemo(ds, log, DEMO, media);
  for (const { label, account } of demoAccounts()) {
    if (await ds.getRepository(User).exists({ where: { email: account.email } }))
      log.info(`${label} (demo only; never use in production): ${account.email} / ${account.password}`);
  }
}

/**
 * In production, a demo account that still has its published password (a data directory first
 * used in development) is deactivated at start, sessions included: anyone could sign in with it.
 */
export async function disableDemoAccounts(ds: DataSource, log: Logger): Promise<void> {
  const system: StaffViewer = {
    kind: "staff",
    userId: "00000000-0000-0000-0000-000000000000",
    sessionId: "startup",
    email: "startup",
    role: Role.ADMIN,
  };
  for (const { label, account } of demoAccounts()) {
    const user = await ds.getRepository(User).findOne({ where: { email: account.email, active: true } });
    if (!user?.passwordHash || !(await verify(user.passwordHash, account.password))) continue;
    await new AuthService(ds, 12).setActive(system, user.id, false);
    log.warn(
      { email: account.email },
      `deactivated the ${label}: its password is published and this is production. Create real accounts with npm run user:create`,
    );
  }
}
