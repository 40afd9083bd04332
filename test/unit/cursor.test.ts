import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, pageSize } from "../../src/shared/pagination";

const ID = "3f0c1f0e-5a1b-4c39-9a59-5f1f2a8d9b10";

describe("keyset cursors", () => {
  it("round-trips values", () => {
    const c = encodeCursor("new", ["2024-08-12T14:30:00.000Z", ID]);
    expect(decodeCursor("new", c, ["timestamp", "uuid"])).toEqual(["2024-08-12T14:30:00.000Z", ID]);
  });

  it.each([
    ["garbage", "not base64 json"],
    [Buffer.from("{}").toString("base64url"), "not an array"],
    [encodeCursor("old", ["2024-08-12T14:30:00.000Z", ID]), "another order's cursor"],
    [encodeCursor("new", ["yesterday", ID]), "a bad timestamp"],
    [encodeCursor("new", ["2024-08-12T14:30:00.000Z", "1 OR 1=1"]), "an injected id"],
    [encodeCursor("new", ["2024-08-12T14:30:00.000Z"]), "too few values"],
  ])("rejects %s (%s) with BAD_USER_INPUT", (cursor) => {
    expect(() => decodeCursor("new", cursor, ["timestamp", "uuid"])).toThrowError(
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
