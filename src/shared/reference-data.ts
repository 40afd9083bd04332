import type { DataSource, EntityTarget, ObjectLiteral, Repository } from "typeorm";
import { isUuid } from "./ids";
import { BadUserInputError, isForeignKeyViolation, NotFoundError, translateDbError } from "./errors";
import { toPlainText } from "./markdown";
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
    ds: DataSource,
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
      out[k] = typeof v === "string" && this.plainFields.includes(k) ? toPlainText(v) : v;
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
      return await this.repo.save(this.repo.create(this.clean(input) as T));
    } catch (err) {
      throw translateDbError(err) ?? err;
    }
  }

  async update(id: string, input: Partial<T>): Promise<T> {
    const existing = await this.findById(id);
    if (!existing) throw new NotFoundError(this.label, id);
    try {
      return await this.repo.save(this.repo.merge(existing, this.clean(input) as never));
    } catch (err) {
      throw translateDbError(err) ?? err;
    }
  }

  async delete(id: string): Promise<void> {
    const existing = await this.findById(id);
    if (!existing) throw new NotFoundError(this.label, id);
    try {
      await this.repo.delete(id);
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
