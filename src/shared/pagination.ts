import { IsOptional, MaxLength } from "class-validator";
import { ArgsType, Field, Int, ObjectType, type ClassType, type FieldOptions } from "type-graphql";
import { BadUserInputError } from "./errors";
import { isUuid } from "./ids";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: "Always false: these lists page forward only." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** first/after, for every list: the arguments of forward paging. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "A cursor from a previous page." })
  @IsOptional()
  @MaxLength(500, { message: "after must be a cursor from a previous page" })
  after?: string | null;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 0 and ${MAX_PAGE_SIZE} (got ${first}); page with after for more.`);
  }
  return first;
}

/**
 * Opaque keyset cursors: base64url of [kind, ...values]. The kind binds a cursor to the list
 * and order it came from, so a cursor from one list cannot be replayed against another.
 */
export function encodeCursor(kind: string, values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([kind, ...values])).toString("base64url");
}

/*
 * Keyset positions on timestamptz columns are integer microseconds since the epoch, written as a
 * decimal string. PostgreSQL keeps microseconds and a JS Date only milliseconds: a position cut to
 * the millisecond sorts before its own row, so OLDEST served that row again and NEWEST skipped
 * rows in the same millisecond. Text, because such values pass 2^53 (year 2255).
 */

/** SQL: the exact keyset position of a timestamptz column (select it with the rows a list returns). */
export const micros = (column: string): string => `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;

/**
 * SQL: the instant `us` (a bigint expression) microseconds after the epoch, to compare a column with.
 * Seconds and microseconds are added separately: one float8 factor of microseconds would round
 * past 2^53. Compared as `(column, id) < (instant, $id)` it keeps using the (column, id) indexes.
 */
export const instantAt = (us: string): string =>
  `(timestamptz 'epoch' + (${us}) / 1000000 * interval '1 second' + (${us}) % 1000000 * interval '1 microsecond')`;

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z: beyond them, a forged position could overflow the SQL above.
const MIN_MICROS = -62135596800000000n;
const MAX_MICROS = 253402300799999999n;

/** A position as micros() writes it: canonical digits (no "+", "-0", leading zeros) within the range above. */
function isCursorMicros(v: string): boolean {
  if (v.length > 20 || !/^-?\d{1,19}$/.test(v)) return false;
  const n = BigInt(v);
  return n.toString() === v && n >= MIN_MICROS && n <= MAX_MICROS;
}

export function decodeCursor<T extends (string | number)[]>(
  kind: string,
  cursor: string,
  shape: readonly ("string" | "number" | "uuid" | "micros")[],
): T {
  const fail = (): never => {
    throw new BadUserInputError(
      "after is not a cursor from this list and order; pass edges.cursor or pageInfo.endCursor from a previous page.",
    );
  };
  if (typeof cursor !== "string" || cursor.length > 512 || !/^[A-Za-z0-9_-]*$/.test(cursor)) fail();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return fail();
  }
  if (!Array.isArray(parsed) || parsed[0] !== kind || parsed.length !== shape.length + 1) fail();
  const values = (parsed as unknown[]).slice(1);
  values.forEach((v, i) => {
    const t = shape[i];
    const ok =
      t === "number"
        ? typeof v === "number" && Number.isFinite(v)
        : typeof v === "string" && (t === "string" || (t === "uuid" && isUuid(v)) || (t === "micros" && isCursorMicros(v)));
    if (!ok) fail();
  });
  return values as T;
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  cursorOf(node: T): string;
  /** Counted only when a client asks for totalCount. */
  count: () => Promise<number>;
  /** Whether count() stopped at a cap (there are more): lists that cap their count set it. */
  countCapped?: () => Promise<boolean>;
  /** Edge fields beyond cursor and node (a search snippet), read lazily: computed only when a client asks. */
  edgeFields?: Record<string, (node: T) => unknown>;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: Promise<number>;
  totalCountCapped: Promise<boolean>;
}

export function connectionFrom<T>(page: Page<T>): ConnectionShape<T> {
  const edges = page.nodes.map((node) => {
    const edge = { cursor: page.cursorOf(node), node };
    for (const [key, read] of Object.entries(page.edgeFields ?? {}))
      Object.defineProperty(edge, key, { get: () => read(node), enumerable: true });
    return edge;
  });
  let counted: Promise<number> | undefined;
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    get totalCount() {
      counted ??= page.count();
      return counted;
    },
    get totalCountCapped() {
      return page.countCapped ? page.countCapped() : Promise.resolve(false);
    },
  };
}

type ReturnTypeFunc = NonNullable<Parameters<typeof Field>[0]>;

/** An extra field of one connection's edges: its GraphQL type and options. */
export type EdgeField = FieldOptions & { type: ReturnTypeFunc };

/**
 * Relay connection type for a node type: `XConnection { edges { cursor node } pageInfo totalCount }`.
 * `edgeFields` adds fields to this connection's edge type only (filled by Page.edgeFields).
 */
export function Connection<T extends object>(
  node: ClassType<T>,
  name: string,
  edgeFields: Record<string, EdgeField> = {},
  /** Adds totalCountCapped, with this description, for a connection whose count may stop at a cap. */
  cappedCount?: string,
) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }
  for (const [key, { type, ...options }] of Object.entries(edgeFields)) Field(type, options)(Edge.prototype, key);

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionType {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  if (cappedCount) Field(() => Boolean, { description: cappedCount })(ConnectionType.prototype, "totalCountCapped");
  return ConnectionType;
}
