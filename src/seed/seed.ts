import { verify } from "@node-rs/argon2";
import type { DataSource } from "typeorm";
import type { Config } from "../config";
import { Actor } from "../modules/actor/actor.entity";
import { ArticleService } from "../modules/article/article.service";
import { Transition } from "../modules/article/workflow";
import { WorkflowService } from "../modules/article/workflow.service";
import { Place } from "../modules/place/place.entity";
import { Source } from "../modules/source/source.entity";
import { Topic } from "../modules/topic/topic.entity";
import { AuthService } from "../modules/user/auth.service";
import { User } from "../modules/user/user.entity";
import { Role } from "../shared/enums";
import type { Logger } from "../shared/logger";
import type { StaffViewer } from "../shared/viewer";
import { DEMO, type DemoArticle } from "./demo-story";

export const DEMO_EDITOR = DEMO.editor;

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

function need(map: Map<string, string>, slug: string, what: string): string {
  const id = map.get(slug);
  if (!id) throw new Error(`demo story: unknown ${what} ${slug}`);
  return id;
}

/**
 * Load the demo story. Idempotent: vocabularies are upserted by slug, and an article whose
 * slug exists is left alone. Articles go through the same service as editors' mutations.
 */
export async function seedDemo(ds: DataSource, log: Logger): Promise<{ articlesCreated: number }> {
  const auth = new AuthService(ds, 12);
  let editor = await ds.getRepository(User).findOne({ where: { email: DEMO.editor.email } });
  if (!editor) {
    editor = await auth.createUser({ ...DEMO.editor, role: Role.EDITOR });
    log.info({ email: DEMO.editor.email }, "created the demo editor");
  }
  const viewer: StaffViewer = { kind: "staff", userId: editor.id, sessionId: "seed", email: editor.email, role: Role.EDITOR };
  const topics = await upsertBySlug(ds, Topic, DEMO.topics);
  const places = await upsertBySlug(ds, Place, DEMO.places);
  const sources = await upsertBySlug(ds, Source, DEMO.sources);
  const actors = await upsertBySlug(ds, Actor, DEMO.actors);

  const articles = new ArticleService(ds);
  const workflow = new WorkflowService(ds);
  let created = 0;
  for (const a of DEMO.articles) {
    const [exists] = await ds.query<unknown[]>(`SELECT 1 FROM articles WHERE slug = $1`, [a.slug]);
    if (exists) continue;
    await seedArticle(ds, articles, viewer, a, workflow, { topics, places, sources, actors });
    created++;
  }
  if (created) log.info({ articles: created }, "demo story loaded");
  return { articlesCreated: created };
}

async function seedArticle(
  ds: DataSource,
  svc: ArticleService,
  viewer: StaffViewer,
  a: DemoArticle,
  workflow: WorkflowService,
  ids: Record<"topics" | "places" | "sources" | "actors", Map<string, string>>,
): Promise<void> {
  const id = await svc.create(viewer, {
    slug: a.slug,
    headline: a.headline,
    standfirst: a.standfirst,
    byline: a.byline,
    bodyMarkdown: a.bodyMarkdown,
    language: a.language,
    genre: a.genre,
    datelinePlaceId: a.dateline ? need(ids.places, a.dateline, "place") : null,
  });
  await svc.setRelations(viewer, id, 1, {
    topicIds: a.topics.map((t) => need(ids.topics, t, "topic")),
    citations: a.citations.map((c) => ({
      sourceId: need(ids.sources, c.source, "source"),
      attribution: c.attribution,
      sourcing: c.sourcing,
    })),
    actors: a.actors.map((x) => ({ actorId: need(ids.actors, x.actor, "actor"), role: x.role })),
    claims: a.claims.map((c) => ({
      statement: c.statement,
      status: c.status,
      sourceIds: c.sources.map((s) => need(ids.sources, s, "source")),
      actorIds: c.actors.map((x) => need(ids.actors, x, "actor")),
    })),
    perspectives: a.perspectives.map((p) => ({
      holderActorId: p.holderActor ? need(ids.actors, p.holderActor, "actor") : null,
      holderLabel: p.holderLabel ?? null,
      stance: p.stance,
      summary: p.summary,
      keyPoints: p.keyPoints,
      about: p.about,
    })),
  });
  if (a.state === "draft") return;
  for (const t of [Transition.SUBMIT_FOR_REVIEW, Transition.APPROVE, Transition.PUBLISH])
    await workflow.transition(viewer, id, t);
  // The story happened in the past: date the publication as reported, not as seeded.
  await ds.query(`UPDATE articles SET published_at = $2, first_published_at = $2, public_updated_at = $2 WHERE id = $1`, [
    id,
    a.publishedAt,
  ]);
  // Through the editors' own path, so each correction has its revision and CORRECTED event.
  for (const c of a.corrections ?? []) await workflow.addCorrection(viewer, id, c.kind, c.text);
  if (a.corrections?.length) {
    // As reported: corrected a day after publication.
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
  } else if (a.state === "published-with-pending-edit" && a.pendingEdit) {
    const [{ version }] = await ds.query<[{ version: number }]>(`SELECT version FROM articles WHERE id = $1`, [id]);
    await svc.update(viewer, id, version, { ...a.pendingEdit, summary: "Pending edit, not yet published" });
  }
}

/**
 * On start, outside production only: load the story into an empty database (no articles yet),
 * and say how to sign in as the demo editor.
 */
export async function seedIfEmpty(ds: DataSource, log: Logger, nodeEnv: Config["nodeEnv"]): Promise<void> {
  // loadConfig refuses SEED_DEMO in production; this guards any other caller.
  if (nodeEnv === "production") throw new Error("the demo story is never loaded with NODE_ENV=production");
  const [{ n }] = await ds.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM articles`);
  if (n === 0) await seedDemo(ds, log);
  const [editor] = await ds.query<unknown[]>(`SELECT 1 FROM users WHERE email = $1`, [DEMO.editor.email]);
  if (editor) {
    log.info(`demo editor (demo only; never use in production): ${DEMO.editor.email} / ${DEMO.editor.password}`);
  }
}

/**
 * In production, a demo editor that still has the published password (a data directory first
 * used in development) is deactivated at start, sessions included: anyone could sign in with it.
 */
export async function disableDemoEditor(ds: DataSource, log: Logger): Promise<void> {
  const editor = await ds.getRepository(User).findOne({ where: { email: DEMO.editor.email, active: true } });
  if (!editor?.passwordHash || !(await verify(editor.passwordHash, DEMO.editor.password))) return;
  const system: StaffViewer = {
    kind: "staff",
    userId: "00000000-0000-0000-0000-000000000000",
    sessionId: "startup",
    email: "startup",
    role: Role.ADMIN,
  };
  await new AuthService(ds, 12).setActive(system, editor.id, false);
  log.warn(
    { email: DEMO.editor.email },
    "deactivated the demo editor: its password is published and this is production. Create real accounts with npm run user:create",
  );
}
