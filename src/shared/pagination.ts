import { Field, Int, ObjectType, type ClassType, type FieldOptions } from "type-graphql";
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

/**
 * Cursors carry instants as Date#toISOString() wrote them. Anything else that Date.parse happens
 * to accept ("0", "2022-02-30", "+275760-…", year 0) is a forged cursor that PostgreSQL would refuse.
 */
function isCursorTimestamp(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) || v.startsWith("0000")) return false;
  const t = Date.parse(v);
  return !Number.isNaN(t) && new Date(t).toISOString() === v;
}

export function decodeCursor<T extends (string | number)[]>(
  kind: string,
  cursor: string,
  shape: readonly ("string" | "number" | "uuid" | "timestamp")[],
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
        : typeof v === "string" && (t === "string" || (t === "uuid" && isUuid(v)) || (t === "timestamp" && isCursorTimestamp(v)));
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
  /** Edge fields beyond cursor and node (a search snippet), read lazily: computed only when a client asks. */
  edgeFields?: Record<string, (node: T) => unknown>;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: Promise<number>;
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
  };
}

type ReturnTypeFunc = NonNullable<Parameters<typeof Field>[0]>;

/** An extra field of one connection's edges: its GraphQL type and options. */
export type EdgeField = FieldOptions & { type: ReturnTypeFunc };

/**
 * Relay connection type for a node type: `XConnection { edges { cursor node } pageInfo totalCount }`.
 * `edgeFields` adds fields to this connection's edge type only (filled by Page.edgeFields).
 */
export function Connection<T extends object>(node: ClassType<T>, name: string, edgeFields: Record<string, EdgeField> = {}) {
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
  return ConnectionType;
}
