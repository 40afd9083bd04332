import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, pageSize } from "../../src/shared/pagination";

const ID = "3f0c1f0e-5a1b-4c39-9a59-5f1f2a8d9b10";

describe("keyset cursors", () => {
  it("round-trips values", () => {
    const c = encodeCursor("new", ["1723473000000123", ID]);
    expect(decodeCursor("new", c, ["micros", "uuid"])).toEqual(["1723473000000123", ID]);
  });

  it.each(["0", "-1", "1723473000000123", "-62135596800000000", "253402300799999999"])("accepts the position %s", (us) => {
    expect(decodeCursor("new", encodeCursor("new", [us, ID]), ["micros", "uuid"])).toEqual([us, ID]);
  });

  it.each([
    ["garbage", "not base64 json"],
    [Buffer.from("{}").toString("base64url"), "not an array"],
    [encodeCursor("old", ["1723473000000123", ID]), "another order's cursor"],
    [encodeCursor("new", ["yesterday", ID]), "a bad position"],
    [
      encodeCursor("new", ["2024-08-12T14:30:00.000Z", ID]),
      "a millisecond timestamp (cursors handed out before positions were exact)",
    ],
    [encodeCursor("new", [1723473000000123, ID]), "a position as a JSON number"],
    [encodeCursor("new", ["1.5", ID]), "a fractional position"],
    [encodeCursor("new", ["1e15", ID]), "an exponent"],
    [encodeCursor("new", ["+1", ID]), "a plus sign"],
    [encodeCursor("new", ["-0", ID]), "minus zero"],
    [encodeCursor("new", ["0123", ID]), "leading zeros"],
    [encodeCursor("new", ["", ID]), "an empty position"],
    [encodeCursor("new", ["253402300800000000", ID]), "a position after year 9999"],
    [encodeCursor("new", ["-62135596800000001", ID]), "a position before year 1"],
    [encodeCursor("new", ["9223372036854775808", ID]), "a position beyond bigint"],
    [encodeCursor("new", ["-99999999999999999999", ID]), "a position longer than 20 characters"],
    [encodeCursor("new", ["1723473000000123", "1 OR 1=1"]), "an injected id"],
    [encodeCursor("new", ["1723473000000123"]), "too few values"],
  ])("rejects %s (%s) with BAD_USER_INPUT", (cursor) => {
    expect(() => decodeCursor("new", cursor, ["micros", "uuid"])).toThrowError(
      expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) }),
    );
  });

  it("caps page size at 100", () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(101)).toThrow(/between 0 and 100/);
    expect(() => pageSize(-1)).toThrow(/between 0 and 100/);
  });
});
