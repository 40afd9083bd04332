import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Where one HTTP request's read-model statements may run (see src/db/replicas.ts). The HTTP layer
 * opens a scope for every GraphQL request when replicas are configured; the GraphQL layer allows
 * replicas once it knows the request is a public read (a query by an anonymous reader or a
 * partner). Anything else (staff, mutations, previews, no scope at all) reads from the primary.
 */
export interface ReadScope {
  /** Public read: the read model may use a replica that has replayed everything announced. */
  replicaAllowed: boolean;
  /**
   * Run a statement on a replica fit for this request (the same one for the whole request), or
   * null: run it on the primary. Set by the replica set that opened the scope.
   */
  route: <T>(sql: string, params: unknown[]) => Promise<T[]> | null;
  /**
   * What this request read, for the response cache's guard: null while every statement ran on the
   * primary; otherwise a replay position at or below what the replica had when the request read
   * from it (an LSN as a number).
   */
  readLsn: bigint | null;
}

export const readScope = new AsyncLocalStorage<ReadScope>();

/**
 * The rest of this request reads from the primary: a reader of working copies or revisions (a
 * preview, or staff) must see its own writes, which a replica may not have yet.
 */
export function readFromPrimaryFromNowOn(): void {
  const scope = readScope.getStore();
  if (scope) scope.replicaAllowed = false;
}
