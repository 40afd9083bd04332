import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { formatLsn, parseLsn } from "../src/db/replicas";

describe("replica settings", () => {
  it("reads DATABASE_REPLICA_URLS as a comma-separated list with its lag and poll settings", () => {
    const c = loadConfig({
      DATABASE_URL: "postgres://u@primary/db",
      DATABASE_REPLICA_URLS: " postgres://u@r1/db , postgresql://u@r2:5433/db ",
      DATABASE_REPLICA_MAX_LAG_MS: "2000",
    });
    expect(c.replicas).toEqual({ urls: ["postgres://u@r1/db", "postgresql://u@r2:5433/db"], maxLagMs: 2000, pollMs: 75 });
    expect(loadConfig({ DATABASE_URL: "postgres://u@primary/db" }).replicas.urls).toEqual([]);
  });

  it("refuses a URL that is not postgres://, replicas without DATABASE_URL, and a poll out of range, naming the variable", () => {
    expect(() =>
      loadConfig({ DATABASE_URL: "postgres://u@p/db", DATABASE_REPLICA_URLS: "postgres://u@r1/db,http://r2" }),
    ).toThrow(/DATABASE_REPLICA_URLS entry 2 is not a postgres:\/\/ URL/);
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: "postgres://u@r1/db" })).toThrow(/DATABASE_REPLICA_URLS needs DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: "postgres://u@p/db", DATABASE_REPLICA_POLL_MS: "5" })).toThrow(
      /DATABASE_REPLICA_POLL_MS=5 is out of range/,
    );
  });

  it("compares WAL positions as 64-bit numbers", () => {
    expect(parseLsn("0/16B3748")).toBe(0x16b3748n);
    expect(parseLsn("1/0") > parseLsn("0/FFFFFFFF")).toBe(true);
    expect(formatLsn(parseLsn("16/B374D848"))).toBe("16/B374D848");
    expect(() => parseLsn("nonsense")).toThrow(/not an LSN/);
  });
});
