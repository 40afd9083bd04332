import { describe, expect, it } from "vitest";
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from "typeorm";
import { isDatabaseUnavailable, translateDbError } from "../../src/shared/errors";

/*
 * Which failures mean "the database went away" (SERVICE_UNAVAILABLE, nothing committed) rather
 * than a fault of ours (masked INTERNAL_SERVER_ERROR). The released-runner case was seen in
 * `npm run test:faults`: a COMMIT on a connection PostgreSQL had just terminated.
 */
describe("isDatabaseUnavailable", () => {
  it("recognises a transaction whose connection broke under it", () => {
    expect(isDatabaseUnavailable(new QueryRunnerAlreadyReleasedError())).toBe(true);
    expect(isDatabaseUnavailable(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
  });

  it("recognises a terminated session and a refused connection, wrapped or not", () => {
    const terminated = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
    expect(isDatabaseUnavailable(new QueryFailedError("COMMIT", [], terminated))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toBe(
      true,
    );
  });

  it("leaves other failures alone", () => {
    const unique = Object.assign(new Error("duplicate key value violates unique constraint"), { code: "23505" });
    expect(isDatabaseUnavailable(new QueryFailedError("INSERT", [], unique))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
  });
});

describe("translateDbError", () => {
  it("turns an explicit null for a required column into BAD_USER_INPUT naming the field (found by the fuzzer: createActor with aliases: null)", () => {
    const notNull = Object.assign(new Error('null value in column "aliases" of relation "actors" violates not-null constraint'), {
      code: "23502",
      column: "aliases",
    });
    const e = translateDbError(new QueryFailedError("INSERT", [], notNull));
    expect(e?.extensions.code).toBe("BAD_USER_INPUT");
    expect(e?.message).toBe("aliases cannot be null; leave it out or send a value.");
    expect(e?.message).not.toContain("relation");
  });
});
