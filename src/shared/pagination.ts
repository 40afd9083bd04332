import { Field, Int, ObjectType, type ClassType } from "type-graphql";
import { BadUserInputError } from "./errors";
import { isUuid } from "./ids";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ObjectType()
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
        : typeof v === "string" &&
          (t === "string" || (t === "uuid" && isUuid(v)) || (t === "timestamp" && !Number.isNaN(Date.parse(v))));
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
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: Promise<number>;
}

export function connectionFrom<T>(page: Page<T>): ConnectionShape<T> {
  const edges = page.nodes.map((node) => ({ cursor: page.cursorOf(node), node }));
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

/** Relay connection type for a node type: `XConnection { edges { cursor node } pageInfo totalCount }`. */
export function Connection<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

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
