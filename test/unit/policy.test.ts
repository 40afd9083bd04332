import { describe, expect, it } from "vitest";
import { Action, can, refusal, Scope, staffRefusal, type Act } from "../../src/modules/policy";
import { Role } from "../../src/shared/enums";
import type { PartnerViewer, StaffViewer, Viewer } from "../../src/shared/viewer";

/*
 * The access policy's rules besides the workflow (test/workflow.test.ts holds the transition
 * matrix), written out by hand: who may, and what a refused viewer is told.
 */

const anonymous: Viewer = { kind: "anonymous" };
const staff = (role: Role): StaffViewer => ({ kind: "staff", userId: "u", sessionId: "s", email: "e@x", role });
const partner = (...scopes: Scope[]): PartnerViewer => ({
  kind: "partner",
  keyId: "k",
  name: "Wire",
  scopes: new Set(scopes),
  rights: {},
  rateLimitPerMinute: 60,
});

const VIEWERS: Record<string, Viewer> = {
  anonymous,
  writer: staff(Role.WRITER),
  editor: staff(Role.EDITOR),
  admin: staff(Role.ADMIN),
  "partner (no scope)": partner(),
  "partner (every scope)": partner(...Object.values(Scope)),
};

// Columns: anonymous, writer, editor, admin, partner (no scope), partner (every scope). 1: may.
const MAY: Record<Action, string> = {
  [Action.SET_EMBARGO]: "        0 0 1 1 0 0",
  [Action.ADD_CORRECTION]: "     0 0 1 1 0 0",
  [Action.OVERRIDE_EDIT_LOCK]: " 0 0 1 1 0 0",
  [Action.EDIT_CITED_REFERENCE]: "0 0 1 1 0 0",
  [Action.MANAGE_WEBHOOKS]: "    0 0 0 1 0 1",
  [Action.READ_CHANGES]: "       0 1 1 1 0 1",
  [Action.READ_CONTENT]: "       1 1 1 1 0 1",
  [Action.READ_EMBARGOED]: "     0 0 0 0 0 1",
  [Action.MANAGE_MEDIA]: "       0 1 1 1 0 0",
};

describe("can(viewer, action)", () => {
  it("covers every action", () => {
    expect(Object.keys(MAY).sort()).toEqual(Object.values(Action).sort());
  });

  for (const [action, row] of Object.entries(MAY) as [Action, string][]) {
    const cells = row.trim().split(/\s+/);
    Object.entries(VIEWERS).forEach(([who, viewer], i) => {
      it(`${action} by ${who}: ${cells[i] === "1" ? "allowed" : "refused"}`, () => {
        expect(can(viewer, action)).toBe(cells[i] === "1");
      });
    });
  }

  it("a partner key needs the action's own scope, not just any", () => {
    const cases: [Act, Scope][] = [
      [Action.MANAGE_WEBHOOKS, Scope.WEBHOOKS_MANAGE],
      [Action.READ_CHANGES, Scope.CHANGES_READ],
      [Action.READ_CONTENT, Scope.CONTENT_READ],
      [Action.READ_EMBARGOED, Scope.CONTENT_EMBARGOED],
    ];
    for (const [action, scope] of cases) {
      expect(can(partner(scope), action)).toBe(true);
      expect(can(partner(...Object.values(Scope).filter((s) => s !== scope)), action)).toBe(false);
    }
  });
});

describe("refusals keep the codes and messages clients know", () => {
  const said = (viewer: Viewer, act: Act) => {
    const e = refusal(viewer, act);
    return e && { code: e.extensions.code, message: e.message };
  };

  it("editor-only actions", () => {
    expect(said(staff(Role.WRITER), Action.SET_EMBARGO)).toEqual({
      code: "FORBIDDEN",
      message: "Setting an embargo needs the EDITOR role or above.",
    });
    expect(said(staff(Role.WRITER), Action.ADD_CORRECTION)).toEqual({
      code: "FORBIDDEN",
      message: "Adding a correction needs the EDITOR role or above.",
    });
    expect(said(staff(Role.WRITER), Action.OVERRIDE_EDIT_LOCK)).toEqual({
      code: "FORBIDDEN",
      message: "Taking over an edit lock needs the EDITOR role or above.",
    });
  });

  it("webhooks", () => {
    expect(said(anonymous, Action.MANAGE_WEBHOOKS)).toEqual({
      code: "UNAUTHENTICATED",
      message: "Webhooks need an admin session or a partner key.",
    });
    expect(said(staff(Role.EDITOR), Action.MANAGE_WEBHOOKS)).toEqual({
      code: "FORBIDDEN",
      message: "Webhooks are managed by admins, or by partner keys with webhooks:manage.",
    });
    expect(said(partner(Scope.CONTENT_READ), Action.MANAGE_WEBHOOKS)).toEqual({
      code: "FORBIDDEN",
      message: "This partner key lacks the webhooks:manage scope.",
    });
  });

  it("the change feed and content", () => {
    expect(said(anonymous, Action.READ_CHANGES)).toEqual({
      code: "UNAUTHENTICATED",
      message: "The change feed needs a partner key with changes:read.",
    });
    expect(said(partner(Scope.CONTENT_READ), Action.READ_CHANGES)).toEqual({
      code: "FORBIDDEN",
      message: "This partner key lacks the changes:read scope.",
    });
    expect(said(partner(Scope.CHANGES_READ), Action.READ_CONTENT)).toEqual({
      code: "FORBIDDEN",
      message: "This partner key lacks the content:read scope.",
    });
  });

  it("staff roles, as @Authorized(Role.X) asks", () => {
    const s = (viewer: Viewer, roles: Role[]) => {
      const e = staffRefusal(viewer, roles);
      return e && { code: e.extensions.code, message: e.message };
    };
    expect(s(staff(Role.WRITER), [])).toBeNull();
    expect(s(staff(Role.ADMIN), [Role.EDITOR])).toBeNull();
    expect(s(staff(Role.WRITER), [Role.EDITOR])).toEqual({
      code: "FORBIDDEN",
      message: "This needs the EDITOR role; you are signed in as WRITER.",
    });
    expect(s(partner(...Object.values(Scope)), [])).toEqual({
      code: "FORBIDDEN",
      message: "Partner keys read published content; this needs a staff session.",
    });
    expect(s(anonymous, [])?.code).toBe("UNAUTHENTICATED");
  });
});
