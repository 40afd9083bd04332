import { In, type DataSource, type EntityManager } from "typeorm";
import { ArticleState, ContentEventKind, type ContributorRole, type Language, Sourcing } from "../../shared/enums";
import { BadUserInputError, ConflictError, NotFoundError } from "../../shared/errors";
import { plainTexts, renderBody, toPlainText, type RenderedBody } from "../../shared/markdown";
import type { StaffViewer } from "../../shared/viewer";
import { isUuid } from "../../shared/ids";
import type { ArticleRelationsInput, CreateArticleInput, UpdateArticleInput } from "./article.inputs";
import { relationsText, slugify, type ArticleSnapshot } from "./article.snapshot";
import { appendEvent, revisionRights } from "../outbox";
import { figureHtml, MediaAsset } from "../media";
import { MediaUse } from "./article.entity";
import { deriveByline } from "./byline";

interface RevisionRow {
  id: string;
  number: number;
  headline: string;
  standfirst: string;
  byline: string;
  body_markdown: string;
  language: Language;
  genre: ArticleSnapshot["genre"];
  dateline_place_id: string | null;
}

/** Absolute URLs of media files (PUBLIC_BASE_URL), for the figures a revision's body carries. */
export type MediaUrls = (path: string) => string;

/** Editorial writes. Every accepted write appends a new immutable revision in one transaction. */
export class ArticleService {
  constructor(
    private readonly ds: DataSource,
    private readonly mediaUrls: MediaUrls,
  ) {}

  async create(viewer: StaffViewer, input: CreateArticleInput): Promise<string> {
    const snapshot: ArticleSnapshot = {
      headline: toPlainText(input.headline),
      standfirst: toPlainText(input.standfirst ?? ""),
      byline: toPlainText(input.byline ?? ""),
      contributors: contributorsOf(input.contributors),
      bodyMarkdown: input.bodyMarkdown,
      language: input.language,
      genre: input.genre,
      datelinePlaceId: input.datelinePlaceId ?? null,
      leadImage: imageUse(input.leadImage),
      topicIds: [],
      citations: [],
      actors: [],
      claims: [],
      perspectives: [],
    };
    if (!snapshot.headline) throw new BadUserInputError("headline is empty once markup is removed; write a headline.");
    if (snapshot.contributors.length && snapshot.byline) throw bylineAndContributors();
    return this.ds.transaction(async (m) => {
      await this.checkReferences(m, snapshot);
      if (input.slug) {
        await assertSlugNotRetired(m, input.slug, null);
        await assertSlugFree(m, input.slug, null);
      }
      const slug = input.slug ?? (await this.freeSlug(m, slugify(snapshot.headline)));
      const [article] = await m.query<[{ id: string }]>(
        `INSERT INTO articles (slug, state, version, created_by_id, updated_by_id) VALUES ($1, $2, 1, $3, $3) RETURNING id`,
        [slug, ArticleState.DRAFT, viewer.userId],
      );
      const revisionId = await insertRevisionRows(m, article.id, 1, snapshot, viewer.userId, "Created", this.mediaUrls);
      await m.query(`UPDATE articles SET head_revision_id = $2 WHERE id = $1`, [article.id, revisionId]);
      return article.id;
    });
  }

  async update(viewer: StaffViewer, id: string, expectedVersion: number, input: UpdateArticleInput): Promise<void> {
    await this.write(viewer, id, expectedVersion, async (m, snap, article) => {
      const changed: string[] = [];
      const set = <K extends keyof ArticleSnapshot>(key: K, value: ArticleSnapshot[K] | undefined) => {
        if (value === undefined || value === snap[key]) return;
        snap[key] = value;
        changed.push(key);
      };
      if (input.headline !== undefined) {
        if (input.headline === null) throw new BadUserInputError("headline cannot be null; leave it out to keep it.");
        const h = toPlainText(input.headline);
        if (!h) throw new BadUserInputError("headline is empty once markup is removed; write a headline.");
        set("headline", h);
      }
      if (input.standfirst !== undefined) set("standfirst", toPlainText(input.standfirst ?? ""));
      if (input.contributors !== undefined) {
        if (input.contributors === null) throw new BadUserInputError("contributors cannot be null; send [] to remove them.");
        const next = contributorsOf(input.contributors);
        if (JSON.stringify(next) !== JSON.stringify(snap.contributors)) {
          snap.contributors = next;
          changed.push("contributors");
        }
      }
      if (input.byline !== undefined) {
        const byline = toPlainText(input.byline ?? "");
        // The byline is derived from the contributors: a different one alongside them is refused, not dropped.
        if (byline !== snap.byline && (snap.contributors.length || input.contributors !== undefined))
          throw bylineAndContributors();
        set("byline", byline);
      }
      if (input.bodyMarkdown !== undefined) {
        if (input.bodyMarkdown === null)
          throw new BadUserInputError("bodyMarkdown cannot be null; send an empty string to clear it.");
        set("bodyMarkdown", input.bodyMarkdown);
      }
      if (input.language !== undefined) {
        if (input.language === null) throw new BadUserInputError("language cannot be null.");
        set("language", input.language);
      }
      if (input.genre !== undefined) {
        if (input.genre === null) throw new BadUserInputError("genre cannot be null.");
        set("genre", input.genre);
      }
      if (input.datelinePlaceId !== undefined) set("datelinePlaceId", input.datelinePlaceId);
      if (input.leadImage !== undefined) {
        const lead = imageUse(input.leadImage);
        if (JSON.stringify(lead) !== JSON.stringify(snap.leadImage)) {
          snap.leadImage = lead;
          changed.push("leadImage");
        }
      }
      if (input.slug !== undefined && input.slug !== null && input.slug !== (article.pendingSlug ?? article.slug)) {
        await this.changeSlug(m, id, article, input.slug);
        changed.push("slug");
      }
      await this.checkReferences(m, snap);
      return input.summary ?? (changed.length ? `Edited ${changed.join(", ")}` : "Saved without changes");
    });
  }

  async setRelations(viewer: StaffViewer, id: string, expectedVersion: number, input: ArticleRelationsInput): Promise<void> {
    // Before the transaction: the relations may carry hundreds of kilobytes of text to strip.
    const plain = await plainTexts(input);
    await this.write(viewer, id, expectedVersion, async (m, snap) => {
      const changed: string[] = [];
      if (input.topicIds) {
        snap.topicIds = unique(input.topicIds, "topicIds");
        changed.push("topics");
      }
      const previousCitations = snap.citations;
      if (input.citations) {
        snap.citations = input.citations.map((c, i) => {
          const anonymityReason = plain(c.anonymityReason ?? "") || null;
          const vetting = plain(c.vetting ?? "") || null;
          if ((anonymityReason || vetting) && c.sourcing !== Sourcing.ANONYMOUS) {
            throw new BadUserInputError(
              `citations[${i}] gives anonymityReason or vetting, which only an ANONYMOUS citation may carry; set sourcing to ANONYMOUS or leave them out.`,
            );
          }
          return {
            sourceId: c.sourceId,
            attribution: plain(c.attribution ?? ""),
            sourcing: c.sourcing,
            anonymityReason,
            vetting,
          };
        });
        changed.push("citations");
      }
      if (input.actors) {
        const seen = new Set<string>();
        snap.actors = input.actors.map((a) => {
          const k = `${a.actorId}/${a.role}`;
          if (seen.has(k))
            throw new BadUserInputError(`actor ${a.actorId} is listed twice with role ${a.role}; list each actor and role once.`);
          seen.add(k);
          return { actorId: a.actorId, role: a.role };
        });
        changed.push("actors");
      }
      if (input.claims) {
        snap.claims = input.claims.map((c, i) => ({
          statement: required(plain(c.statement), `input.claims.${i}.statement`),
          status: c.status,
          citationIndexes: unique(c.sourceIds ?? [], `claims[${i}].sourceIds`).map((sid) => {
            const idx = snap.citations.findIndex((x) => x.sourceId === sid);
            if (idx < 0) {
              throw new BadUserInputError(
                `claims[${i}] cites source ${sid}, which the article does not cite; add a citation for it first (citations in the same call count).`,
              );
            }
            return idx;
          }),
          actorIds: unique(c.actorIds ?? [], `claims[${i}].actorIds`),
        }));
        changed.push("claims");
      } else if (input.citations) {
        // Citations were replaced: existing claims keep their sources, which must still be cited.
        snap.claims = snap.claims.map((c, i) => ({
          ...c,
          citationIndexes: c.citationIndexes.map((old) => {
            const sourceId = previousCitations[old]!.sourceId;
            const idx = snap.citations.findIndex((x) => x.sourceId === sourceId);
            if (idx < 0) {
              throw new BadUserInputError(
                `claim ${i} ("${c.statement.slice(0, 60)}") rests on source ${sourceId}, which the new citations drop; send claims too, or keep citing that source.`,
              );
            }
            return idx;
          }),
        }));
      }
      if (input.perspectives) {
        snap.perspectives = input.perspectives.map((p, i) => {
          const label = plain(p.holderLabel ?? "");
          if (!p.holderActorId && !label) {
            throw new BadUserInputError(`perspectives[${i}] needs a holderActorId or a holderLabel (such as "critics").`);
          }
          return {
            holderActorId: p.holderActorId ?? null,
            holderLabel: label,
            stance: p.stance,
            summary: required(plain(p.summary), `input.perspectives.${i}.summary`),
            keyPoints: (p.keyPoints ?? []).map(plain).filter(Boolean),
            about: required(plain(p.about), `input.perspectives.${i}.about`),
          };
        });
        changed.push("perspectives");
      }
      if (changed.length === 0)
        throw new BadUserInputError("Nothing to set: send at least one of citations, actors, claims, perspectives or topicIds.");
      await this.checkReferences(m, snap);
      return `Set ${changed.join(", ")}`;
    });
  }

  /** Write a past revision's content as a new revision: history is never rewritten. */
  async restoreRevision(viewer: StaffViewer, revisionId: string, expectedVersion: number): Promise<string> {
    if (!isUuid(revisionId)) throw new NotFoundError("Revision", revisionId);
    const [rev] = await this.ds.query<{ article_id: string; number: number }[]>(
      `SELECT article_id, number FROM article_revisions WHERE id = $1`,
      [revisionId],
    );
    if (!rev) throw new NotFoundError("Revision", revisionId);
    await this.write(viewer, rev.article_id, expectedVersion, async (m, snap) => {
      const { snapshot } = await loadSnapshot(m, revisionId);
      Object.assign(snap, snapshot);
      await this.checkReferences(m, snap);
      return `Restored revision ${rev.number}`;
    });
    return rev.article_id;
  }

  async delete(viewer: StaffViewer, id: string): Promise<void> {
    await this.ds.transaction(async (m) => {
      const prev = await lockArticleRow(m, id, viewer, null);
      // The revision rows go with the article: keep the rights dimensions of the one readers had,
      // so that only partners who could see it learn of its deletion (see the outbox's event facts).
      const rights = prev.published_revision_id ? await revisionRights(m, prev.published_revision_id) : null;
      await m.query(`DELETE FROM articles WHERE id = $1`, [id]);
      if (prev.first_published_at) {
        await appendEvent(m, id, ContentEventKind.DELETED, null, null, { by: viewer.userId, slug: prev.slug, rights });
      }
    });
  }

  // ---- internals ----

  /**
   * The write path: claim the version with a conditional UPDATE (affected rows checked, so
   * of N concurrent writers at one version exactly one wins), edit the head snapshot, append it.
   */
  private async write(
    viewer: StaffViewer,
    id: string,
    expectedVersion: number,
    edit: (
      m: EntityManager,
      snap: ArticleSnapshot,
      article: { slug: string; pendingSlug: string | null; everPublished: boolean; state: ArticleState },
    ) => Promise<string>,
  ): Promise<void> {
    if (!isUuid(id)) throw new NotFoundError("Article", id);
    await this.ds.transaction(async (m) => {
      const result = await m.queryRunner!.query(
        `UPDATE articles SET version = version + 1, updated_at = now(), updated_by_id = $3
         WHERE id = $1 AND version = $2 AND (locked_by_id IS NULL OR locked_by_id = $3 OR lock_expires_at <= now())
         RETURNING head_revision_id, slug, pending_slug, first_published_at, state`,
        [id, expectedVersion, viewer.userId],
        true,
      );
      const claimed = (
        result.records as {
          head_revision_id: string;
          slug: string;
          pending_slug: string | null;
          first_published_at: Date | null;
          state: ArticleState;
        }[]
      )[0];
      if (!claimed || result.affected === 0) {
        // Find out why, under the row lock, so the message is exact (and throw it).
        await lockArticleRow(m, id, viewer, expectedVersion);
        throw new Error(`write to ${id} refused for no known reason`);
      }
      if (claimed.state === ArticleState.ARCHIVED) {
        throw new BadUserInputError("The article is ARCHIVED; restore it before editing.");
      }
      const { snapshot } = await loadSnapshot(m, claimed.head_revision_id);
      const summary = await edit(m, snapshot, {
        slug: claimed.slug,
        pendingSlug: claimed.pending_slug,
        everPublished: claimed.first_published_at !== null,
        state: claimed.state,
      });
      const revisionId = await insertRevisionRows(
        m,
        id,
        await nextRevisionNumber(m, id),
        snapshot,
        viewer.userId,
        summary,
        this.mediaUrls,
      );
      await m.query(`UPDATE articles SET head_revision_id = $2 WHERE id = $1`, [id, revisionId]);
    });
  }

  /**
   * A never-published article takes the new slug at once. One readers have seen keeps its slug
   * until the next publish (applyPendingSlug), like every other published field: the new one
   * waits, reserved, in pending_slug (cleared when the editor goes back to the public slug).
   */
  private async changeSlug(
    m: EntityManager,
    id: string,
    article: { slug: string; everPublished: boolean },
    to: string,
  ): Promise<void> {
    await assertSlugNotRetired(m, to, id);
    await assertSlugFree(m, to, id);
    if (article.everPublished) {
      await m.query(`UPDATE articles SET pending_slug = $2 WHERE id = $1`, [id, to === article.slug ? null : to]);
      return;
    }
    await m.query(`UPDATE articles SET slug = $2 WHERE id = $1`, [id, to]);
  }

  private async freeSlug(m: EntityManager, base: string): Promise<string> {
    const rows = await m.query<{ slug: string }[]>(
      `SELECT slug FROM articles WHERE slug = $1 OR slug LIKE $1 || '-%'
       UNION SELECT pending_slug FROM articles WHERE pending_slug = $1 OR pending_slug LIKE $1 || '-%'
       UNION SELECT slug FROM article_slugs WHERE slug = $1 OR slug LIKE $1 || '-%'`,
      [base],
    );
    const taken = new Set(rows.map((r) => r.slug));
    if (!taken.has(base)) return base;
    for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
  }

  /** Name the ids that do not exist, rather than letting a foreign key fail with no detail. */
  private async checkReferences(m: EntityManager, s: ArticleSnapshot): Promise<void> {
    const wanted: [string, string, string[]][] = [
      ["places", "datelinePlaceId", s.datelinePlaceId ? [s.datelinePlaceId] : []],
      ["authors", "contributors.authorId", s.contributors.map((c) => c.authorId)],
      ["topics", "topicIds", s.topicIds],
      ["sources", "sourceId", s.citations.map((c) => c.sourceId)],
      [
        "actors",
        "actorId",
        [
          ...s.actors.map((a) => a.actorId),
          ...s.claims.flatMap((c) => c.actorIds),
          ...s.perspectives.flatMap((p) => (p.holderActorId ? [p.holderActorId] : [])),
        ],
      ],
    ];
    const checks = wanted.filter(([, , ids]) => ids.length > 0);
    if (checks.length === 0) return;
    const rows = await m.query<{ t: string; id: string }[]>(
      checks
        .map(([table], i) => `SELECT '${table}' AS t, id::text FROM ${table} WHERE id = ANY($${i + 1}::uuid[])`)
        .join(" UNION ALL "),
      checks.map(([, , ids]) => [...new Set(ids)]),
    );
    const found = new Set(rows.map((r) => `${r.t}/${r.id}`));
    for (const [table, field, ids] of checks) {
      const missing = ids.find((x) => !found.has(`${table}/${x}`));
      if (missing) throw new BadUserInputError(`${field} ${missing} does not exist; create it first or use an existing id.`);
    }
  }
}

export async function insertRevisionRows(
  m: EntityManager,
  articleId: string,
  number: number,
  s: ArticleSnapshot,
  authorId: string,
  summary: string,
  mediaUrls: MediaUrls,
): Promise<string> {
  const rendered = await renderBody(s.bodyMarkdown);
  const { body, images } = await placeImages(m, s, rendered, mediaUrls);
  if (s.contributors.length) {
    const names = await m.query<{ id: string; name: string }[]>(`SELECT id, name FROM authors WHERE id = ANY($1::uuid[])`, [
      s.contributors.map((c) => c.authorId),
    ]);
    const nameOf = new Map(names.map((n) => [n.id, n.name]));
    s.byline = deriveByline(s.contributors.map((c) => ({ name: nameOf.get(c.authorId) ?? "", role: c.role })));
  }
  const [rev] = await m.query<[{ id: string }]>(
    `INSERT INTO article_revisions
       (article_id, number, headline, standfirst, byline, body_markdown, body_html, body_text, word_count,
        language, genre, dateline_place_id, summary, author_id, relations_text)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
    [
      articleId,
      number,
      s.headline,
      s.standfirst,
      s.byline,
      s.bodyMarkdown,
      body.html,
      body.text,
      body.wordCount,
      s.language,
      s.genre,
      s.datelinePlaceId,
      summary.slice(0, 500),
      authorId,
      relationsText(s),
    ],
  );
  await insertRelations(m, rev.id, s);
  if (images.length) {
    await m.query(
      `INSERT INTO revision_media (revision_id, media_id, role, position, alt_text, caption)
       SELECT $1, x.media_id, x.role, x.position, x.alt_text, x.caption
       FROM json_to_recordset($2::json) AS x(media_id uuid, role text, position int, alt_text text, caption text)`,
      [rev.id, JSON.stringify(images)],
    );
  }
  return rev.id;
}

function imageUse(input: { mediaId: string; altText?: string | null; caption?: string | null } | null | undefined) {
  if (!input) return null;
  const plain = (t: string | null | undefined) => (t ? toPlainText(t) || null : null);
  return { mediaId: input.mediaId.toLowerCase(), altText: plain(input.altText), caption: plain(input.caption) };
}

/**
 * Check a revision's images (lead and inline) exist, and put each inline image's figure where
 * the body placed it. An id that is not in the library is refused by name, so nothing is saved.
 */
async function placeImages(
  m: EntityManager,
  s: ArticleSnapshot,
  rendered: RenderedBody,
  mediaUrls: MediaUrls,
): Promise<{
  body: RenderedBody;
  images: { media_id: string; role: MediaUse; position: number; alt_text: string | null; caption: string | null }[];
}> {
  const refs = rendered.media ?? [];
  const inline = refs.map((r) => ({
    ...r,
    id: r.id.toLowerCase(),
    altText: r.altText && toPlainText(r.altText),
    caption: r.caption && toPlainText(r.caption),
  }));
  const ids = [...new Set([...(s.leadImage ? [s.leadImage.mediaId] : []), ...inline.map((r) => r.id)])];
  if (ids.length === 0) return { body: rendered, images: [] };
  const bad = ids.find((x) => !isUuid(x));
  const found = bad ? [] : await m.getRepository(MediaAsset).findBy({ id: In(ids) });
  const assets = new Map(found.map((a) => [a.id, a]));
  const missing = bad ?? ids.find((x) => !assets.has(x));
  if (missing !== undefined) {
    const field = s.leadImage?.mediaId === missing ? "leadImage.mediaId" : "bodyMarkdown";
    throw new BadUserInputError(
      `${field === "bodyMarkdown" ? "The body's image media:" : "leadImage.mediaId "}${missing} is not in the media library; upload the image (POST /media) and use its id.`,
      { field, mediaId: missing },
    );
  }
  let html = rendered.html;
  inline.forEach((ref, i) => {
    const mark = `<img src="${rendered.mediaMarker}${i}" alt="" />`;
    const figure = figureHtml(
      { asset: assets.get(ref.id)!, altText: ref.altText || null, caption: ref.caption || null },
      mediaUrls,
    );
    // A figure cannot sit inside a paragraph: the image must be a paragraph of its own.
    html = html.replace(`<p>${mark}</p>`, () => figure);
    const at = html.indexOf(mark);
    if (at >= 0) {
      const before = html.slice(0, at);
      if (before.lastIndexOf("<p>") > before.lastIndexOf("</p>")) {
        throw new BadUserInputError(
          `The body's image media:${ref.id} shares a paragraph with text; put it on a line of its own, with a blank line before and after.`,
          { field: "bodyMarkdown", mediaId: ref.id },
        );
      }
      html = html.replace(mark, () => figure);
    }
  });
  const images = [
    ...(s.leadImage
      ? [
          {
            media_id: s.leadImage.mediaId,
            role: MediaUse.LEAD,
            position: 0,
            alt_text: s.leadImage.altText,
            caption: s.leadImage.caption,
          },
        ]
      : []),
    ...inline.map((r, i) => ({
      media_id: r.id,
      role: MediaUse.INLINE,
      position: i + 1,
      alt_text: r.altText || null,
      caption: r.caption || null,
    })),
  ];
  return { body: { html, text: rendered.text, wordCount: rendered.wordCount }, images };
}

/** Revisions are numbered per article in creation order, whichever revision an edit started from. */
export async function nextRevisionNumber(m: EntityManager, articleId: string): Promise<number> {
  const [{ next }] = await m.query<[{ next: number }]>(
    `SELECT coalesce(max(number), 0) + 1 AS next FROM article_revisions WHERE article_id = $1`,
    [articleId],
  );
  return next;
}

/**
 * An old slug of a published article keeps resolving to it, so no other article may take it.
 * Returns true when the slug is one of `articleId`'s own old slugs (it may take it back).
 */
async function assertSlugNotRetired(m: EntityManager, slug: string, articleId: string | null): Promise<boolean> {
  const [taken] = await m.query<{ article_id: string }[]>(`SELECT article_id FROM article_slugs WHERE slug = $1`, [slug]);
  if (taken && taken.article_id !== articleId) {
    throw new ConflictError("That slug belonged to a published article and still redirects to it; choose another.");
  }
  return Boolean(taken);
}

/** Another article's slug, or a slug reserved for another article's next publish, is taken. */
async function assertSlugFree(m: EntityManager, slug: string, articleId: string | null): Promise<void> {
  const [taken] = await m.query<unknown[]>(
    `SELECT 1 FROM articles WHERE (slug = $1 OR pending_slug = $1) AND id IS DISTINCT FROM $2::uuid`,
    [slug, articleId],
  );
  if (taken) throw new ConflictError("That slug is taken by another article (or reserved for its next publish); choose another.");
}

/**
 * At publish: the slug edited since the last publish becomes public, the old one keeps
 * redirecting, and partners learn of the rename now, when readers see it (SLUG_CHANGED).
 */
export async function applyPendingSlug(m: EntityManager, article: LockedArticle, by: string): Promise<void> {
  const to = article.pending_slug;
  if (!to) return;
  // Taken meanwhile by a concurrent rename: refuse the publish with a message, not a unique violation.
  const [taken] = await m.query<unknown[]>(`SELECT 1 FROM articles WHERE slug = $1 AND id <> $2`, [to, article.id]);
  if (taken) {
    throw new ConflictError(
      "The slug waiting for this publish has since been taken by another article; choose another slug, then publish.",
    );
  }
  if (await assertSlugNotRetired(m, to, article.id)) await m.query(`DELETE FROM article_slugs WHERE slug = $1`, [to]);
  await m.query(`UPDATE articles SET slug = pending_slug, pending_slug = NULL WHERE id = $1`, [article.id]);
  // Readers may have links to the old slug: keep it so it keeps resolving.
  await m.query(`INSERT INTO article_slugs (slug, article_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
    article.slug,
    article.id,
  ]);
  await appendEvent(m, article.id, ContentEventKind.SLUG_CHANGED, null, null, { by, from: article.slug, slug: to });
}

export interface LockedArticle {
  id: string;
  slug: string;
  pending_slug: string | null;
  state: ArticleState;
  version: number;
  head_revision_id: string;
  published_revision_id: string | null;
  first_published_at: Date | null;
  embargo_until: Date | null;
  embargo_active: boolean;
}

/**
 * Lock an article's row for a state change and check, in order: it exists, no one else
 * holds its edit lease, and (when given) the caller saw the current version.
 */
export async function lockArticleRow(
  m: EntityManager,
  id: string,
  viewer: StaffViewer | null,
  expectedVersion: number | null | undefined,
): Promise<LockedArticle> {
  if (!isUuid(id)) throw new NotFoundError("Article", id);
  const [row] = await m.query<
    (LockedArticle & { locked_by_id: string | null; lock_active: boolean; holder: string | null; lock_expires_at: Date | null })[]
  >(
    `SELECT a.id, a.slug, a.pending_slug, a.state, a.version, a.head_revision_id, a.published_revision_id, a.first_published_at,
       a.embargo_until, coalesce(a.embargo_until > now(), false) AS embargo_active,
       a.locked_by_id, a.lock_expires_at, coalesce(a.lock_expires_at > now(), false) AS lock_active, u.email AS holder
     FROM articles a LEFT JOIN users u ON u.id = a.locked_by_id
     WHERE a.id = $1 FOR UPDATE OF a`,
    [id],
  );
  if (!row) throw new NotFoundError("Article", id);
  if (viewer && row.lock_active && row.locked_by_id !== viewer.userId) throw lockedBy(row.holder, row.lock_expires_at!);
  if (expectedVersion !== null && expectedVersion !== undefined && row.version !== expectedVersion) {
    throw staleVersion(expectedVersion, row.version);
  }
  return row;
}

export function lockedBy(holder: string | null, until: Date): ConflictError {
  return new ConflictError(
    `${holder ?? "Another user"} is editing this article (lease until ${until.toISOString()}); wait for it to end, ask them to release it, or have an editor take it over.`,
    { lockedBy: holder, lockExpiresAt: until.toISOString() },
  );
}

function staleVersion(expected: number, current: number): ConflictError {
  return new ConflictError(
    `expectedVersion ${expected} is stale: the article is at version ${current}; reload it and reapply your change.`,
    { currentVersion: current },
  );
}

/** Text that markup alone filled passes the length rule but is empty once stripped: refuse it, by path. */
function required(plain: string, path: string): string {
  if (!plain) {
    throw new BadUserInputError(`${path} is empty once markup is removed; write it out.`, {
      invalidFields: [{ path, problems: [`${path} is empty once markup is removed`] }],
    });
  }
  return plain;
}

function unique(ids: string[], field: string): string[] {
  if (new Set(ids).size !== ids.length) throw new BadUserInputError(`${field} lists an id twice; list each once.`);
  return ids;
}

/** Read a revision back into a snapshot (5 statements; editorial paths only). */
export async function loadSnapshot(m: EntityManager, revisionId: string): Promise<{ snapshot: ArticleSnapshot; number: number }> {
  const [rev] = await m.query<RevisionRow[]>(
    `SELECT id, number, headline, standfirst, byline, body_markdown, language, genre, dateline_place_id
     FROM article_revisions WHERE id = $1`,
    [revisionId],
  );
  if (!rev) throw new Error(`revision ${revisionId} is missing`);
  const citations = await m.query<
    {
      id: string;
      source_id: string;
      attribution: string;
      sourcing: ArticleSnapshot["citations"][number]["sourcing"];
      anonymity_reason: string | null;
      vetting: string | null;
    }[]
  >(
    `SELECT id, source_id, attribution, sourcing, anonymity_reason, vetting FROM citations WHERE revision_id = $1 ORDER BY position`,
    [revisionId],
  );
  const actors = await m.query<
    {
      actor_id: string;
      role: ArticleSnapshot["actors"][number]["role"];
    }[]
  >(`SELECT actor_id, role FROM article_actors WHERE revision_id = $1 ORDER BY position`, [revisionId]);
  const claims = await m.query<
    { statement: string; status: ArticleSnapshot["claims"][number]["status"]; citation_ids: string[]; actor_ids: string[] }[]
  >(
    `SELECT cl.statement, cl.status,
       ARRAY(SELECT cc.citation_id FROM claim_citations cc JOIN citations c ON c.id = cc.citation_id WHERE cc.claim_id = cl.id ORDER BY c.position) AS citation_ids,
       ARRAY(SELECT ca.actor_id FROM claim_actors ca WHERE ca.claim_id = cl.id ORDER BY ca.actor_id) AS actor_ids
     FROM claims cl WHERE cl.revision_id = $1 ORDER BY cl.position`,
    [revisionId],
  );
  const rest = await m.query<{ k: "topic" | "perspective" | "lead" | "contributor"; v: Record<string, unknown> }[]>(
    `SELECT 'topic' AS k, json_build_object('id', topic_id) AS v, position FROM revision_topics WHERE revision_id = $1
     UNION ALL
     SELECT 'contributor', json_build_object('authorId', author_id, 'role', role), position
       FROM article_contributors WHERE revision_id = $1
     UNION ALL
     SELECT 'lead', json_build_object('mediaId', media_id, 'altText', alt_text, 'caption', caption), position
       FROM revision_media WHERE revision_id = $1 AND role = '${MediaUse.LEAD}'
     UNION ALL
     SELECT 'perspective', json_build_object('holderActorId', holder_actor_id, 'holderLabel', holder_label, 'stance', stance,
       'summary', summary, 'keyPoints', key_points, 'about', about), position FROM perspectives WHERE revision_id = $1
     ORDER BY 1, 3`,
    [revisionId],
  );
  const citationIndex = new Map(citations.map((c, i) => [c.id, i]));
  return {
    number: rev.number,
    snapshot: {
      headline: rev.headline,
      standfirst: rev.standfirst,
      byline: rev.byline,
      contributors: rest
        .filter((r) => r.k === "contributor")
        .map((r) => r.v as unknown as ArticleSnapshot["contributors"][number]),
      bodyMarkdown: rev.body_markdown,
      language: rev.language,
      genre: rev.genre,
      datelinePlaceId: rev.dateline_place_id,
      leadImage: (rest.find((r) => r.k === "lead")?.v as unknown as ArticleSnapshot["leadImage"] | undefined) ?? null,
      topicIds: rest.filter((r) => r.k === "topic").map((r) => r.v.id as string),
      citations: citations.map((c) => ({
        sourceId: c.source_id,
        attribution: c.attribution,
        sourcing: c.sourcing,
        anonymityReason: c.anonymity_reason,
        vetting: c.vetting,
      })),
      actors: actors.map((a) => ({ actorId: a.actor_id, role: a.role })),
      claims: claims.map((c) => ({
        statement: c.statement,
        status: c.status,
        citationIndexes: c.citation_ids.map((cid) => citationIndex.get(cid)!),
        actorIds: c.actor_ids,
      })),
      perspectives: rest
        .filter((r) => r.k === "perspective")
        .map((r) => r.v as unknown as ArticleSnapshot["perspectives"][number]),
    },
  };
}

/** Insert a snapshot's relations for a revision: one statement per relation kind. */
async function insertRelations(m: EntityManager, revisionId: string, s: ArticleSnapshot): Promise<void> {
  if (s.contributors.length) {
    await m.query(
      `INSERT INTO article_contributors (revision_id, author_id, role, position)
       SELECT $1, x.author_id, x.role, x.position FROM json_to_recordset($2::json) AS x(author_id uuid, role text, position int)`,
      [revisionId, JSON.stringify(s.contributors.map((c, i) => ({ author_id: c.authorId, role: c.role, position: i })))],
    );
  }
  if (s.topicIds.length) {
    await m.query(
      `INSERT INTO revision_topics (revision_id, topic_id, position)
       SELECT $1, t.id, t.ord - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS t(id, ord)`,
      [revisionId, s.topicIds],
    );
  }
  let citationIds: string[] = [];
  if (s.citations.length) {
    const rows = await m.query<{ id: string; position: number }[]>(
      `INSERT INTO citations (revision_id, source_id, position, attribution, sourcing, anonymity_reason, vetting)
       SELECT $1, x.source_id, x.position, x.attribution, x.sourcing, x.anonymity_reason, x.vetting
       FROM json_to_recordset($2::json) AS x(source_id uuid, position int, attribution text, sourcing text, anonymity_reason text, vetting text)
       RETURNING id, position`,
      [
        revisionId,
        JSON.stringify(
          s.citations.map((c, i) => ({
            source_id: c.sourceId,
            position: i,
            attribution: c.attribution,
            sourcing: c.sourcing,
            anonymity_reason: c.anonymityReason,
            vetting: c.vetting,
          })),
        ),
      ],
    );
    citationIds = rows.sort((a, b) => a.position - b.position).map((r) => r.id);
  }
  if (s.actors.length) {
    await m.query(
      `INSERT INTO article_actors (revision_id, actor_id, role, position)
       SELECT $1, x.actor_id, x.role, x.position FROM json_to_recordset($2::json) AS x(actor_id uuid, role text, position int)`,
      [revisionId, JSON.stringify(s.actors.map((a, i) => ({ actor_id: a.actorId, role: a.role, position: i })))],
    );
  }
  if (s.claims.length) {
    const rows = await m.query<{ id: string; position: number }[]>(
      `INSERT INTO claims (revision_id, position, statement, status)
       SELECT $1, x.position, x.statement, x.status FROM json_to_recordset($2::json) AS x(position int, statement text, status text)
       RETURNING id, position`,
      [revisionId, JSON.stringify(s.claims.map((c, i) => ({ position: i, statement: c.statement, status: c.status })))],
    );
    const claimIds = rows.sort((a, b) => a.position - b.position).map((r) => r.id);
    const links = s.claims.flatMap((c, i) =>
      c.citationIndexes.map((ci) => ({ claim_id: claimIds[i], citation_id: citationIds[ci] })),
    );
    if (links.length) {
      await m.query(
        `INSERT INTO claim_citations (claim_id, citation_id) SELECT x.claim_id, x.citation_id FROM json_to_recordset($1::json) AS x(claim_id uuid, citation_id uuid)`,
        [JSON.stringify(links)],
      );
    }
    const actors = s.claims.flatMap((c, i) => c.actorIds.map((a) => ({ claim_id: claimIds[i], actor_id: a })));
    if (actors.length) {
      await m.query(
        `INSERT INTO claim_actors (claim_id, actor_id) SELECT x.claim_id, x.actor_id FROM json_to_recordset($1::json) AS x(claim_id uuid, actor_id uuid)`,
        [JSON.stringify(actors)],
      );
    }
  }
  if (s.perspectives.length) {
    await m.query(
      `INSERT INTO perspectives (revision_id, position, holder_actor_id, holder_label, stance, summary, key_points, about)
       SELECT $1, x.position, x.holder_actor_id, x.holder_label, x.stance, x.summary, x.key_points, x.about
       FROM json_to_recordset($2::json) AS x(position int, holder_actor_id uuid, holder_label text, stance text, summary text, key_points text[], about text)`,
      [
        revisionId,
        JSON.stringify(
          s.perspectives.map((p, i) => ({
            position: i,
            holder_actor_id: p.holderActorId,
            holder_label: p.holderLabel,
            stance: p.stance,
            summary: p.summary,
            key_points: p.keyPoints,
            about: p.about,
          })),
        ),
      ],
    );
  }
}

const bylineAndContributors = () =>
  new BadUserInputError(
    "byline is derived from contributors; edit contributors instead (byline is only for an article without contributors).",
  );

/** Contributors as the snapshot keeps them; an author listed twice in one role is refused. */
function contributorsOf(
  input: readonly { authorId: string; role: ContributorRole }[] | null | undefined,
): ArticleSnapshot["contributors"] {
  const seen = new Set<string>();
  return (input ?? []).map((c) => {
    const key = `${c.authorId.toLowerCase()}/${c.role}`;
    if (seen.has(key)) throw new BadUserInputError(`contributors lists author ${c.authorId} twice as ${c.role}; list each once.`);
    seen.add(key);
    return { authorId: c.authorId.toLowerCase(), role: c.role };
  });
}
