import type { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from "typeorm";
import { containsPattern } from "../../shared/like";
import { isUuid } from "../../shared/ids";
import { ArticleState, ContentEventKind } from "../../shared/enums";
import { BadUserInputError, ForbiddenError, isForeignKeyViolation, NotFoundError, translateDbError } from "../../shared/errors";
import { toPlainText } from "../../shared/markdown";
import { decodeCursor, encodeCursor, pageSize, type Page } from "../../shared/pagination";
import type { StaffViewer } from "../../shared/viewer";
import { Action, can } from "../policy";
import { appendEvents } from "../outbox";
import { PUBLIC_ARTICLE, REFERENCE_LINKS } from "../article";
import type { ReferenceType } from "../../shared/enums";
import { ReferenceAction } from "./reference-revision.entity";

interface Named extends ObjectLiteral {
  id: string;
  slug: string;
  name: string;
}

/**
 * Who reads reference data. Staff see every entry; everyone else only entries that published
 * content they may read cites (an actor or source created for a story still in draft must not
 * reveal it), so an entry appears with the first publish that cites it.
 */
export interface ReferenceReader {
  staff: boolean;
  /** Entitled to embargoed content (a partner key with content:embargoed). */
  embargoed: boolean;
}

export const PUBLIC_READER: ReferenceReader = { staff: false, embargoed: false };

/**
 * The one visibility predicate of reference data, on the entry's id column `key`: true for
 * staff, otherwise "cited by the published revision of an article this reader may see".
 * Every read path (single lookups, lists and their counts, suggest, feeds) goes through it.
 */
export function referenceVisibleSql(type: ReferenceType, key: string, reader: ReferenceReader): string {
  if (reader.staff) return "TRUE";
  const published = reader.embargoed ? `a.state = '${ArticleState.PUBLISHED}'` : PUBLIC_ARTICLE;
  // One EXISTS per link (not an IN over a UNION): each is an index probe on (entry, revision).
  const exists = REFERENCE_LINKS[type].map(
    (l) =>
      `EXISTS (SELECT 1 FROM ${l.from} JOIN articles a ON a.published_revision_id = ${l.revision} WHERE ${l.entry} = ${key} AND ${published})`,
  );
  return `(${exists.join(" OR ")})`;
}

/** Published articles (embargoed ones included) whose published revision cites entry $1, with that revision. */
function citingArticlesSql(type: ReferenceType): string {
  const revisions = REFERENCE_LINKS[type].map((l) => `SELECT ${l.revision} FROM ${l.from} WHERE ${l.entry} = $1`).join(" UNION ");
  return `SELECT a.id, a.published_revision_id, r.number
    FROM articles a JOIN article_revisions r ON r.id = a.published_revision_id
    WHERE a.state = '${ArticleState.PUBLISHED}' AND a.published_revision_id IN (${revisions})`;
}

/** The entry as recorded in its history: every column but the timestamps, by GraphQL field name. */
function recordOf(entry: ObjectLiteral): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, ...rest } = entry;
  return rest;
}

const sameRecord = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
  JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());

/**
 * Create, update, delete and list for the controlled vocabularies (actors, sources, topics,
 * places): they share one shape (slug + name + fields), so they share one implementation.
 * Plain-text fields are stripped of markup on the way in. Every accepted write records a
 * reference revision; a write to an entry that published content cites needs EDITOR and
 * appends an UPDATED content event per citing article, in the same transaction.
 */
export class ReferenceDataService<T extends Named> {
  private readonly repo: Repository<T>;

  constructor(
    private readonly ds: DataSource,
    private readonly entity: EntityTarget<T>,
    private readonly label: string,
    private readonly plainFields: readonly (keyof T & string)[],
    readonly type: ReferenceType,
  ) {
    this.repo = ds.getRepository(entity);
  }

  private clean(input: Partial<T>): Partial<T> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      if (v === undefined) continue;
      if (!this.plainFields.includes(k)) out[k] = v;
      else if (typeof v === "string") out[k] = toPlainText(v);
      // Lists of names (an actor's aliases) are plain text too; an entry that was only markup goes.
      else if (Array.isArray(v)) {
        const list: unknown[] = v;
        out[k] = list.map((x) => (typeof x === "string" ? toPlainText(x) : x)).filter((x) => x !== "");
      } else out[k] = v;
    }
    if (out.name === "") throw new BadUserInputError("name is empty once markup is removed; give it a name.");
    return out as Partial<T>;
  }

  // No default reader: each caller says whose entitlement applies (a forgotten one hid entries from entitled partners).
  async findBySlug(slug: string, reader: ReferenceReader): Promise<T | null> {
    return this.repo
      .createQueryBuilder("x")
      .where("x.slug = :slug", { slug })
      .andWhere(referenceVisibleSql(this.type, "x.id", reader))
      .getOne();
  }

  async list(
    args: {
      first?: number | null;
      after?: string | null;
      search?: string | null;
      where?: Partial<T>;
    },
    reader: ReferenceReader,
  ): Promise<Page<T>> {
    const limit = pageSize(args.first);
    const qb = this.repo.createQueryBuilder("x").where(referenceVisibleSql(this.type, "x.id", reader));
    for (const [k, v] of Object.entries(args.where ?? {}) as [string, unknown][]) {
      if (v !== undefined && v !== null) qb.andWhere(`x.${k} = :${k}`, { [k]: v });
    }
    if (args.search) {
      qb.andWhere("x.name ILIKE :q ESCAPE '\\'", { q: containsPattern(args.search) });
    }
    const countQb = qb.clone();
    if (args.after) {
      const [name, id] = decodeCursor<[string, string]>(this.label, args.after, ["string", "uuid"]);
      qb.andWhere("(x.name, x.id) > (:cname, :cid)", { cname: name, cid: id });
    }
    const rows = await qb
      .orderBy("x.name", "ASC")
      .addOrderBy("x.id", "ASC")
      .take(limit + 1)
      .getMany();
    return {
      nodes: rows.slice(0, limit),
      hasNextPage: rows.length > limit,
      cursorOf: (n) => encodeCursor(this.label, [n.name, n.id]),
      count: () => countQb.getCount(),
    };
  }

  async create(viewer: StaffViewer, input: Partial<T>): Promise<T> {
    try {
      // Nothing cites a new entry, so no reader can see it yet: no event, no cache to purge.
      return await this.ds.transaction(async (m) => {
        const repo = m.getRepository(this.entity);
        const saved = await repo.save(repo.create(this.clean(input) as T));
        await this.record(m, viewer, saved.id, ReferenceAction.CREATED, null, recordOf(saved), 0);
        return saved;
      });
    } catch (err) {
      throw translateDbError(err) ?? err;
    }
  }

  async update(viewer: StaffViewer, id: string, input: Partial<T>): Promise<T> {
    const changes = this.clean(input);
    try {
      return await this.ds.transaction(async (m) => {
        const { existing, citing } = await this.lockForWrite(m, viewer, id, "edit");
        const before = recordOf(existing);
        const repo = m.getRepository(this.entity);
        const merged = repo.merge(repo.create(existing), changes as never);
        if (sameRecord(before, recordOf(merged))) return existing;
        const saved = await repo.save(merged);
        const revision = await this.record(m, viewer, id, ReferenceAction.UPDATED, before, recordOf(saved), citing);
        if (citing > 0) await this.announce(m, viewer, id, revision);
        return saved;
      });
    } catch (err) {
      throw translateDbError(err) ?? err;
    }
  }

  async delete(viewer: StaffViewer, id: string): Promise<void> {
    let slug = id;
    try {
      await this.ds.transaction(async (m) => {
        const { existing } = await this.lockForWrite(m, viewer, id, "delete");
        slug = existing.slug;
        await m.getRepository(this.entity).delete(id);
        // A deletable entry is cited by no revision at all (ON DELETE RESTRICT), so no reader saw it.
        await this.record(m, viewer, id, ReferenceAction.DELETED, recordOf(existing), null, 0);
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) {
        throw new BadUserInputError(
          `${this.label} ${slug} is referenced by article revisions and cannot be deleted; rename or edit it instead.`,
        );
      }
      throw translateDbError(err) ?? err;
    }
  }

  /**
   * Lock the entry for the rest of the transaction (concurrent edits number their revisions in
   * turn) and count the published articles citing it; refuse a writer when there are any.
   */
  private async lockForWrite(
    m: EntityManager,
    viewer: StaffViewer,
    id: string,
    verb: "edit" | "delete",
  ): Promise<{ existing: T; citing: number }> {
    if (!isUuid(id)) throw new NotFoundError(this.label, id);
    const existing = await m
      .getRepository(this.entity)
      .createQueryBuilder("x")
      .setLock("pessimistic_write")
      .where("x.id = :id", { id })
      .getOne();
    if (!existing) throw new NotFoundError(this.label, id);
    // Counted under the row lock, in a statement of its own (a fresh snapshot under READ
    // COMMITTED): a publish citing the entry holds it FOR KEY SHARE (lockCitedEntries), so it
    // committed before this lock was granted and is counted, or starts citing it after this edit.
    const [{ n }] = await m.query<[{ n: number }]>(`SELECT count(*)::int AS n FROM (${citingArticlesSql(this.type)}) c`, [id]);
    if (n > 0 && !can(viewer, Action.EDIT_CITED_REFERENCE)) {
      throw new ForbiddenError(
        `${this.label} ${existing.slug} is cited by ${n} published article${n === 1 ? "" : "s"}, so this ${verb} would change what readers see at once; only an EDITOR or ADMIN can ${verb} it (you are a ${viewer.role}). Ask an editor, or create a new entry for your story.`,
      );
    }
    return { existing, citing: n };
  }

  private async record(
    m: EntityManager,
    viewer: StaffViewer,
    id: string,
    action: ReferenceAction,
    before: Record<string, unknown> | null,
    after: Record<string, unknown> | null,
    publishedArticles: number,
  ): Promise<number> {
    // The entry's row lock (or its creation in this transaction) serialises the numbering.
    const [row] = await m.query<[{ number: number }]>(
      `INSERT INTO reference_revisions (entity_type, entity_id, number, action, user_id, before, after, published_articles)
       SELECT $1, $2, coalesce(max(number), 0) + 1, $3, $4, $5, $6, $7 FROM reference_revisions WHERE entity_type = $1 AND entity_id = $2
       RETURNING number`,
      [this.type, id, action, viewer.userId, before, after, publishedArticles],
    );
    return row.number;
  }

  /** One UPDATED event per published article citing the entry (see appendEvents). */
  private async announce(m: EntityManager, viewer: StaffViewer, id: string, revision: number): Promise<void> {
    await appendEvents(m, citingArticlesSql(this.type), [id], ContentEventKind.UPDATED, {
      by: viewer.userId,
      reason: "reference",
      type: this.type,
      id,
      revision,
    });
  }
}
