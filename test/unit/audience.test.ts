import { describe, expect, it } from "vitest";
import { RequestRecord } from "../../src/modules/article/request-record";
import { audienceFor, PUBLIC_AUDIENCE, Scope } from "../../src/modules/policy";
import { Role } from "../../src/shared/enums";
import type { PartnerViewer } from "../../src/shared/viewer";

const partner = (...scopes: Scope[]): PartnerViewer => ({
  kind: "partner",
  keyId: "k",
  name: "Wire",
  scopes: new Set(scopes),
  rights: { languages: ["ES"] },
  rateLimitPerMinute: 60,
});

describe("Audience: decided once per request, never changed", () => {
  it("the public for anonymous readers and staff", () => {
    expect(audienceFor({ kind: "anonymous" })).toBe(PUBLIC_AUDIENCE);
    expect(audienceFor({ kind: "staff", userId: "u", sessionId: "s", email: "e@x", role: Role.ADMIN })).toBe(PUBLIC_AUDIENCE);
    expect(PUBLIC_AUDIENCE).toEqual({ embargoed: false, rights: null, denied: null });
  });

  it("a partner key's rights and scopes", () => {
    expect(audienceFor(partner(Scope.CONTENT_READ))).toEqual({ embargoed: false, rights: { languages: ["ES"] }, denied: null });
    expect(audienceFor(partner(Scope.CONTENT_READ, Scope.CONTENT_EMBARGOED)).embargoed).toBe(true);
    expect(audienceFor(partner(Scope.CHANGES_READ)).denied).toBe("This partner key lacks the content:read scope.");
  });

  it("is frozen: no reader can count or tag into it", () => {
    const aud = audienceFor(partner(Scope.CONTENT_READ));
    expect(Object.isFrozen(aud)).toBe(true);
    expect(Object.isFrozen(aud.rights)).toBe(true);
    expect(Object.isFrozen(PUBLIC_AUDIENCE)).toBe(true);
    expect(() => {
      (aud as { embargoed: boolean }).embargoed = true;
    }).toThrow(TypeError);
  });
});

describe("RequestRecord: what an answer served, and its cache tags", () => {
  it("counts articles served and tags them when collecting", () => {
    const r = new RequestRecord({ tags: true });
    r.served([{ id: "a" }, { id: "b" }]);
    expect(r.items).toBe(2);
    expect([...r.tags!].sort()).toEqual(["article:a", "article:b"]);
  });

  it("a lookup that found nothing depends on the visible set; one that found, on its article", () => {
    const r = new RequestRecord({ tags: true });
    expect(r.found(null)).toBeNull();
    expect([...r.tags!]).toEqual(["articles"]);
    expect(r.items).toBe(0);
    const hit = new RequestRecord({ tags: true });
    hit.found({ id: "a" });
    expect([...hit.tags!]).toEqual(["article:a"]);
    expect(hit.items).toBe(1);
  });

  it("a page counts its nodes and depends on the visible set", () => {
    const r = new RequestRecord({ tags: true });
    const page = { nodes: [{ id: "a" }], hasNextPage: true };
    expect(r.page(page)).toBe(page);
    expect(r.items).toBe(1);
    expect([...r.tags!].sort()).toEqual(["article:a", "articles"]);
  });

  it("collects no tags for answers that are never cached", () => {
    const r = new RequestRecord({ tags: false });
    r.page({ nodes: [{ id: "a" }] });
    expect(r.tags).toBeNull();
    expect(r.items).toBe(1);
  });
});
