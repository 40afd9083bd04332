import type { DataSource, EntityManager } from "typeorm";
import { ArticleState, ContentEventKind, JobKind, Role, type CorrectionKind } from "../../shared/enums";
import { BadUserInputError, ConflictError, NotFoundError } from "../../shared/errors";
import { toPlainText } from "../../shared/markdown";
import { lockCitedEntries } from "./reference-links.sql";
import type { StaffViewer } from "../../shared/viewer";
import { Action, assertCan, can, checkTransition, Transition } from "../policy";
import { isUuid } from "../../shared/ids";
import { appendEvent } from "../outbox";
import { MediaUse } from "./article.entity";
import {
  applyPendingSlug,
  insertRevisionRows,
  loadSnapshot,
  lockArticleRow,
  lockedBy,
  nextRevisionNumber,
  type LockedArticle,
  type MediaUrls,
} from "./article.service";

/** Who acts when the job runner publishes on schedule. */
export const SYSTEM: StaffViewer = {
  kind: "staff",
  userId: "00000000-0000-0000-0000-000000000000",
  sessionId: "system",
  email: "scheduler",
  role: Role.ADMIN,
};

export const EDIT_LEASE_SECONDS = 300;

export interface TransitionOptions {
  expectedVersion?: number | null;
  comment?: string | null;
  reason?: string | null;
  at?: Date | null;
}

/**
 * Scheduled publishes and embargo lifts, written in the caller's transaction (the `jobs` row and
 * its queue entry go together). The job module provides it through the composition root: that
 * module runs this service's transitions when a job falls due, so it depends on this one.
 */
export interface WorkflowSchedule {
  scheduleJobIn(
    m: EntityManager,
    kind: JobKind,
    articleId: string,
    runAt: Date,
    payload?: Record<string, unknown>,
  ): Promise<unknown>;
  cancelJobsIn(m: EntityManager, articleId: string, kind: JobKind): Promise<void>;
}

/** The editorial lifecycle, edit leases, embargoes and corrections. */
export class WorkflowService {
  constructor(
    private readonly ds: DataSource,
    private readonly schedule: WorkflowSchedule,
    private readonly mediaUrls: MediaUrls,
  ) {}

  async transition(viewer: StaffViewer, id: string, t: Transition, opts: TransitionOptions = {}): Promise<void> {
    await this.ds.transaction((m) => this.transitionIn(m, viewer, id, t, opts));
  }

  /** Also used by the job runner inside its own transaction. */
  async transitionIn(m: EntityManager, viewer: StaffViewer, id: string, t: Transition, opts: TransitionOptions): Promise<void> {
    const system = viewer === SYSTEM;
    const prev = await lockArticleRow(m, id, system ? null : viewer, opts.expectedVersion);
    const to = checkTransition(t, prev.state, viewer);
    const by = system ? "scheduler" : viewer.userId;
    const editor = system ? null : viewer.userId;
    switch (t) {
      case Transition.REQUEST_CHANGES: {
        const comment = toPlainText(opts.comment ?? "");
        if (comment.length < 3) throw new BadUserInputError("requestChanges needs a comment telling the writer what to change.");
        await this.setState(m, id, to, editor, { review_note: comment });
        return;
      }
      case Transition.SUBMIT_FOR_REVIEW:
        await this.setState(m, id, to, editor, { review_note: null });
        return;
      case Transition.APPROVE:
        await this.setState(m, id, to, editor, {});
        return;
      case Transition.SCHEDULE: {
        if (!opts.at) throw new BadUserInputError("schedulePublish needs at: the time to publish.");
        const [{ future }] = await m.query<[{ future: boolean }]>(`SELECT $1::timestamptz > now() AS future`, [opts.at]);
        if (!future)
          throw new BadUserInputError(
            `at ${opts.at.toISOString()} is not in the future (by the database clock); publish now instead.`,
          );
        await this.schedule.cancelJobsIn(m, id, JobKind.PUBLISH);
        await this.schedule.scheduleJobIn(m, JobKind.PUBLISH, id, opts.at, { by });
        await this.setState(m, id, to, editor, {});
        return;
      }
      case Transition.CANCEL_SCHEDULE:
        await this.schedule.cancelJobsIn(m, id, JobKind.PUBLISH);
        await this.setState(m, id, to, editor, {});
        return;
      case Transition.PUBLISH:
        await this.schedule.cancelJobsIn(m, id, JobKind.PUBLISH);
        await this.publishIn(m, prev, by, editor);
        return;
      case Transition.UNPUBLISH: {
        const reason = toPlainText(opts.reason ?? "");
        if (reason.length < 3)
          throw new BadUserInputError("unpublish needs a reason (kept in the event log and shown to partners).");
        await this.setState(m, id, to, editor, {});
        await appendEvent(m, id, ContentEventKind.UNPUBLISHED, prev.published_revision_id, null, { by, reason });
        return;
      }
      case Transition.ARCHIVE:
      case Transition.RESTORE_FROM_ARCHIVE:
        await this.setState(m, id, to, editor, {});
        return;
      default: {
        const unhandled: never = t;
        throw new Error(`transition ${String(unhandled)} has no handler`);
      }
    }
  }

  private async setState(
    m: EntityManager,
    id: string,
    state: ArticleState,
    editor: string | null,
    extra: { review_note?: string | null },
  ): Promise<void> {
    const note = "review_note" in extra;
    await m.query(
      `UPDATE articles SET state = $2, version = version + 1, updated_at = now(), updated_by_id = $3${note ? ", review_note = $4" : ""} WHERE id = $1`,
      note ? [id, state, editor, extra.review_note] : [id, state, editor],
    );
  }

  /**
   * Make the working copy public: a pointer move plus an outbox event, in one transaction.
   * A first publish sets firstPublishedAt; republishing keeps publishedAt (list order) and
   * moves publicUpdatedAt. An embargo in the future gets a job that announces its end.
   */
  private async publishIn(m: EntityManager, prev: LockedArticle, by: string, editor: string | null): Promise<void> {
    if (prev.state === ArticleState.PUBLISHED && prev.head_revision_id === prev.published_revision_id) {
      throw new BadUserInputError("Nothing to publish: readers already see the latest revision.");
    }
    await assertImagesDescribed(m, prev.head_revision_id);
    // Before the outbox lock, as an edit of an entry takes its row lock before the outbox's.
    await lockCitedEntries(m, prev.head_revision_id);
    const [[row]] = await m.query<[[{ published_revision_id: string; number: number }], number]>(
      `UPDATE articles SET
         state = '${ArticleState.PUBLISHED}',
         published_revision_id = head_revision_id,
         first_published_at = coalesce(first_published_at, now()),
         published_at = CASE WHEN state = '${ArticleState.PUBLISHED}' THEN published_at ELSE now() END,
         public_updated_at = now(),
         review_note = NULL,
         version = version + 1,
         updated_at = now(),
         updated_by_id = $2
       WHERE id = $1
       RETURNING published_revision_id, (SELECT number FROM article_revisions WHERE id = head_revision_id) AS number`,
      [prev.id, editor],
    );
    const kind = prev.state === ArticleState.PUBLISHED ? ContentEventKind.UPDATED : ContentEventKind.PUBLISHED;
    await appendEvent(m, prev.id, kind, row.published_revision_id, row.number, {
      by,
      embargoUntil: prev.embargo_active ? prev.embargo_until : null,
    });
    // After the publication event: the rename is appended while the article is live, as the
    // outbox's event facts assume of every kind but PUBLISHED, UNPUBLISHED and DELETED.
    await applyPendingSlug(m, prev, by);
    if (prev.embargo_active) await this.scheduleEmbargoLift(m, prev.id, prev.embargo_until!);
  }

  /**
   * Keep an article from the public until `until` (partners entitled to embargoed content
   * see it earlier). Null lifts the embargo now.
   */
  async setEmbargo(viewer: StaffViewer, id: string, until: Date | null, expectedVersion?: number | null): Promise<void> {
    await this.ds.transaction(async (m) => {
      const prev = await lockArticleRow(m, id, viewer, expectedVersion);
      assertCan(viewer, Action.SET_EMBARGO);
      if (prev.state === ArticleState.ARCHIVED) throw new BadUserInputError("The article is ARCHIVED; it cannot be embargoed.");
      if (until) {
        const [{ future }] = await m.query<[{ future: boolean }]>(`SELECT $1::timestamptz > now() AS future`, [until]);
        if (!future)
          throw new BadUserInputError(`embargoUntil ${until.toISOString()} is not in the future; send null to lift the embargo.`);
      }
      await m.query(
        `UPDATE articles SET embargo_until = $2, version = version + 1, updated_at = now(), updated_by_id = $3 WHERE id = $1`,
        [id, until, viewer.userId],
      );
      await this.schedule.cancelJobsIn(m, id, JobKind.LIFT_EMBARGO);
      if (prev.state !== ArticleState.PUBLISHED) return;
      if (until) {
        await this.scheduleEmbargoLift(m, id, until);
        // Readers see this change: the article leaves every audience not entitled to embargoed
        // content (a withdrawal for them), and entitled partners see the new embargoUntil. The
        // event also records the embargo in the log, where event-time visibility reads it, and
        // its notices purge the response caches and the CDN.
        if (!prev.embargo_active || prev.embargo_until?.getTime() !== until.getTime()) {
          await appendEvent(m, id, ContentEventKind.EMBARGOED, prev.published_revision_id, null, {
            by: viewer.userId,
            embargoUntil: until,
            previousEmbargoUntil: prev.embargo_active ? prev.embargo_until : null,
          });
        }
      } else if (prev.embargo_active) {
        await appendEvent(m, id, ContentEventKind.EMBARGO_LIFTED, prev.published_revision_id, null, { by: viewer.userId });
      }
    });
  }

  /** Run by the scheduler when an embargo ends: readers can now see the article. */
  async liftEmbargoIn(m: EntityManager, id: string): Promise<"lifted" | "nothing to do"> {
    const prev = await lockArticleRow(m, id, null, null);
    if (prev.state !== ArticleState.PUBLISHED || prev.embargo_until === null || prev.embargo_active) return "nothing to do";
    await m.query(`UPDATE articles SET public_updated_at = greatest(public_updated_at, embargo_until) WHERE id = $1`, [id]);
    await appendEvent(m, id, ContentEventKind.EMBARGO_LIFTED, prev.published_revision_id, null, {
      by: "scheduler",
      embargoUntil: prev.embargo_until,
    });
    return "lifted";
  }

  /**
   * A correction is public at once: it is stored, recorded as a new revision (the published
   * content with the note, which becomes the published revision), and announced. It moves
   * updatedAt, never firstPublishedAt.
   */
  async addCorrection(viewer: StaffViewer, id: string, kind: CorrectionKind, textRaw: string): Promise<void> {
    const text = toPlainText(textRaw);
    if (text.length < 3) throw new BadUserInputError("A correction needs its text, as readers will see it.");
    await this.ds.transaction(async (m) => {
      const prev = await lockArticleRow(m, id, viewer, null);
      assertCan(viewer, Action.ADD_CORRECTION);
      if (prev.state !== ArticleState.PUBLISHED) {
        throw new BadUserInputError(`The article is ${prev.state}; corrections go on PUBLISHED articles.`);
      }
      await m.query(`INSERT INTO corrections (article_id, kind, text, created_by_id) VALUES ($1, $2, $3, $4)`, [
        id,
        kind,
        text,
        viewer.userId,
      ]);
      const { snapshot } = await loadSnapshot(m, prev.published_revision_id!);
      const number = await nextRevisionNumber(m, id);
      const revisionId = await insertRevisionRows(
        m,
        id,
        number,
        snapshot,
        viewer.userId,
        `${kind}: ${text}`.slice(0, 500),
        this.mediaUrls,
      );
      // Pending edits stay pending, carried to a newer revision so that publishing them
      // later never moves readers back to a lower revision number.
      let headId = revisionId;
      if (prev.head_revision_id !== prev.published_revision_id) {
        const pending = await loadSnapshot(m, prev.head_revision_id);
        headId = await insertRevisionRows(
          m,
          id,
          number + 1,
          pending.snapshot,
          viewer.userId,
          `Unpublished edits, carried past the ${kind.toLowerCase()}`,
          this.mediaUrls,
        );
      }
      await m.query(
        `UPDATE articles SET published_revision_id = $2, head_revision_id = $3,
           public_updated_at = now(), version = version + 1, updated_at = now(), updated_by_id = $4 WHERE id = $1`,
        [id, revisionId, headId, viewer.userId],
      );
      await appendEvent(m, id, ContentEventKind.CORRECTED, revisionId, number, { by: viewer.userId, kind, text });
    });
  }

  // ---- edit leases ----

  async acquireLock(viewer: StaffViewer, id: string, takeOver: boolean): Promise<void> {
    if (!isUuid(id)) throw new NotFoundError("Article", id);
    if (takeOver) assertCan(viewer, Action.OVERRIDE_EDIT_LOCK);
    await this.ds.transaction(async (m) => {
      const [row] = await m.query<
        { locked_by_id: string | null; active: boolean; holder: string | null; lock_expires_at: Date | null }[]
      >(
        `SELECT a.locked_by_id, coalesce(a.lock_expires_at > now(), false) AS active, u.email AS holder, a.lock_expires_at
         FROM articles a LEFT JOIN users u ON u.id = a.locked_by_id WHERE a.id = $1 FOR UPDATE OF a`,
        [id],
      );
      if (!row) throw new NotFoundError("Article", id);
      if (row.active && row.locked_by_id !== viewer.userId && !takeOver) throw lockedBy(row.holder, row.lock_expires_at!);
      await m.query(`UPDATE articles SET locked_by_id = $2, lock_expires_at = now() + make_interval(secs => $3) WHERE id = $1`, [
        id,
        viewer.userId,
        EDIT_LEASE_SECONDS,
      ]);
    });
  }

  async releaseLock(viewer: StaffViewer, id: string): Promise<void> {
    if (!isUuid(id)) throw new NotFoundError("Article", id);
    const [rows] = await this.ds.query<[unknown[], number]>(
      `UPDATE articles SET locked_by_id = NULL, lock_expires_at = NULL WHERE id = $1 AND (locked_by_id = $2 OR $3) RETURNING id`,
      [id, viewer.userId, can(viewer, Action.OVERRIDE_EDIT_LOCK)],
    );
    if (rows.length === 0) {
      const [exists] = await this.ds.query<unknown[]>(`SELECT 1 FROM articles WHERE id = $1`, [id]);
      if (!exists) throw new NotFoundError("Article", id);
      throw new ConflictError("You do not hold the edit lock on this article.");
    }
  }

  private async scheduleEmbargoLift(m: EntityManager, articleId: string, at: Date): Promise<void> {
    await this.schedule.cancelJobsIn(m, articleId, JobKind.LIFT_EMBARGO);
    await this.schedule.scheduleJobIn(m, JobKind.LIFT_EMBARGO, articleId, at);
  }
}

/**
 * Readers who cannot see an image need its alt text: publishing is refused, naming the image,
 * while any image the revision shows (lead or inline) has none, neither the asset's nor this
 * article's own.
 */
async function assertImagesDescribed(m: EntityManager, revisionId: string): Promise<void> {
  const missing = await m.query<{ media_id: string; role: MediaUse; position: number; caption: string | null }[]>(
    `SELECT rm.media_id, rm.role, rm.position, coalesce(rm.caption, ma.caption) AS caption
     FROM revision_media rm JOIN media_assets ma ON ma.id = rm.media_id
     WHERE rm.revision_id = $1 AND coalesce(nullif(btrim(rm.alt_text), ''), nullif(btrim(ma.alt_text), '')) IS NULL
     ORDER BY rm.position`,
    [revisionId],
  );
  if (missing.length === 0) return;
  const name = (r: (typeof missing)[number]) =>
    `${r.role === MediaUse.LEAD ? "the lead image" : `inline image ${r.position}`} (media:${r.media_id}${r.caption ? `, "${r.caption.slice(0, 60)}"` : ""})`;
  throw new BadUserInputError(
    `Cannot publish: ${missing.map(name).join(", ")} ${missing.length === 1 ? "has" : "have"} no alt text. ` +
      "Describe each image for readers who cannot see it: updateMediaAsset(input: { altText }), leadImage.altText, or ![alt text](media:<id>) in the body.",
    { field: "altText", mediaIds: [...new Set(missing.map((r) => r.media_id))] },
  );
}
