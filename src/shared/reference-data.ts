import type { DataSource, EntityTarget, ObjectLiteral, Repository } from "typeorm";
import { isUuid } from "./ids";
import { BadUserInputError, isForeignKeyViolation, NotFoundError, translateDbError } from "./errors";
import { toPlainText } from "./markdown";
import { notifyEverythingChanged } from "./invalidation";
import { decodeCursor, encodeCursor, pageSize, type Page } from "./pagination";

interface Named extends ObjectLiteral {
  id: string;
  slug: string;
  name: string;
}

/**
 * Create, update, delete and list for the controlled vocabularies (actors, sources, topics,
 * places): they share one shape (slug + name + fields), so they share one implementation.
 * Plain-text fields are stripped of markup on the way in.
 */
export class ReferenceDataService<T extends Named> {
  private readonly repo: Repository<T>;

  constructor(
    private readonly ds: DataSource,
    entity: EntityTarget<T>,
    private readonly label: string,
    private readonly plainFields: readonly (keyof T & string)[],
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

  async findBySlug(slug: string): Promise<T | null> {
    return this.repo.findOne({ where: { slug } as never });
  }

  async findById(id: string): Promise<T | null> {
    if (!isUuid(id)) return null;
    return this.repo.findOne({ where: { id } as never });
  }

  async list(args: {
    first?: number | null;
    after?: string | null;
    search?: string | null;
    where?: Partial<T>;
  }): Promise<Page<T>> {
    const limit = pageSize(args.first);
    const qb = this.repo.createQueryBuilder("x");
    for (const [k, v] of Object.entries(args.where ?? {}) as [string, unknown][]) {
      if (v !== undefined && v !== null) qb.andWhere(`x.${k} = :${k}`, { [k]: v });
    }
    if (args.search) {
      qb.andWhere("x.name ILIKE :q ESCAPE '\\'", { q: `%${args.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
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

  async create(input: Partial<T>): Promise<T> {
    try {
      const saved = await this.repo.save(this.repo.create(this.clean(input) as T));
      // A new name can turn a lookup that found nothing into a hit; cached answers must go.
      await notifyEverythingChanged(this.ds);
      return saved;
    } catch (err) {
      throw translateDbError(err) ?? err;
    }
  }

  async update(id: string, input: Partial<T>): Promise<T> {
    const existing = await this.findById(id);
    if (!existing) throw new NotFoundError(this.label, id);
    try {
      const saved = await this.repo.save(this.repo.merge(existing, this.clean(input) as never));
      await notifyEverythingChanged(this.ds);
      return saved;
    } catch (err) {
      throw translateDbError(err) ?? err;
    }
  }

  async delete(id: string): Promise<void> {
    const existing = await this.findById(id);
    if (!existing) throw new NotFoundError(this.label, id);
    try {
      await this.repo.delete(id);
      await notifyEverythingChanged(this.ds);
    } catch (err) {
      if (isForeignKeyViolation(err)) {
        throw new BadUserInputError(
          `${this.label} ${existing.slug} is referenced by article revisions and cannot be deleted; rename or edit it instead.`,
        );
      }
      throw translateDbError(err) ?? err;
    }
  }
}
