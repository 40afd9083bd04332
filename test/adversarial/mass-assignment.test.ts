import fs from "node:fs";
import { buildSchema, getNamedType, isInputObjectType, type GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChangeUserRoleDocument,
  CreateArticleDocument,
  InviteUserDocument,
  MeDocument,
  SetEmbargoDocument,
} from "../../src/client/generated/graphql";
import { Role } from "../../src/shared/enums";
import { expectForbidden, expectOk } from "../support/expect";
import { idBySlug } from "../support/fixtures";
import { startTestApp, type TestApp } from "../support/harness";
import { expectRefused } from "./helpers";

/*
 * Row 7 of the adversarial suite (issue #6; Strapi CVE-2023-39345): clients cannot set what
 * the server decides (roles, workflow state, versions, authors, timestamps, ids, secrets).
 * The published schema is checked field by field, and unknown keys sent anyway are refused
 * with a 400 and a code, writing nothing.
 */

/** Names of fields only the server may set. */
const SERVER_SET = new Set(
  [
    "id",
    "role",
    "state",
    "version",
    "author",
    "authorId",
    "createdAt",
    "updatedAt",
    "publishedAt",
    "firstPublishedAt",
    "createdBy",
    "createdById",
    "updatedBy",
    "userId",
    "ownerId",
    "revisionId",
    "revisionNumber",
    "headRevisionId",
    "publishedRevisionId",
    "lockedBy",
    "lockedById",
    "passwordHash",
    "tokenHash",
    "keyHash",
    "revokedAt",
    "deletedAt",
    "active",
    "sequence",
  ].map((n) => n.toLowerCase()),
);

/** Input fields with a server-set name that mean something else, and why they are allowed. */
const INPUT_EXCEPTIONS: Record<string, { type: string; reason: string }> = {
  "ArticleActorInput.role": { type: "ActorRole", reason: "the part an actor plays in the article, not an account role" },
  "ContributorInput.role": {
    type: "ContributorRole",
    reason: "the part a contributor played (writer, photographer…), not an account role",
  },
  "ContributorInput.authorId": {
    type: "ID",
    reason: "the credited author of the byline, an existing author checked by the service; not the record's creator",
  },
  "ArticleFilter.author": { type: "String", reason: "a filter by a credited author's slug: it selects, it sets nothing" },
  "CreateAuthorInput.userId": {
    type: "ID",
    reason: "links a byline profile to a staff account; shown to staff only, it grants nothing",
  },
  "UpdateAuthorInput.userId": {
    type: "ID",
    reason: "links a byline profile to a staff account; shown to staff only, it grants nothing",
  },
};

/** Mutation arguments with a server-set name, and why they are allowed. */
const ARGUMENT_EXCEPTIONS: Record<string, string> = {
  "*.id": "selects the record acted on; it is never written",
  "changeUserRole.role": "setting a role is what this admin-only mutation is for",
  "inviteUser.role": "the invitee's role, chosen by an admin; the mutation is admin-only",
  "restoreRevision.revisionId": "selects the past revision to copy; the new revision's id and number are the server's",
  "setWebhookActive.active": "switching one's own webhook on or off is what this mutation is for",
};

let schema: GraphQLSchema;
let app: TestApp;
let writer: string;
let editor: string;
beforeAll(async () => {
  schema = buildSchema(fs.readFileSync("schema/schema.graphql", "utf8"));
  app = await startTestApp();
  writer = await app.loginAs(Role.WRITER);
  editor = await app.loginAs(Role.EDITOR);
});
afterAll(() => app?.close());

const count = async (sql: string, params: unknown[] = []) => (await app.ds.query<[{ n: number }]>(sql, params))[0].n;

describe("row 7 · mass assignment of server-set fields (Strapi CVE-2023-39345)", () => {
  it("no input type in schema/schema.graphql has a field that sets a role, state, version, author, timestamp, id or secret", () => {
    const offending: string[] = [];
    let inputs = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isInputObjectType(type) || type.name.startsWith("__")) continue;
      inputs++;
      for (const f of Object.values(type.getFields())) {
        const key = `${type.name}.${f.name}`;
        if (!SERVER_SET.has(f.name.toLowerCase())) continue;
        const exception = INPUT_EXCEPTIONS[key];
        if (exception && getNamedType(f.type).name === exception.type) continue;
        offending.push(key);
      }
    }
    expect(inputs).toBeGreaterThanOrEqual(15);
    expect(offending).toEqual([]);
    // Every exception still exists, with the type that makes it harmless.
    for (const [key, { type }] of Object.entries(INPUT_EXCEPTIONS)) {
      const [t, f] = key.split(".");
      const input = schema.getType(t!);
      expect(isInputObjectType(input) && getNamedType(input.getFields()[f!]!.type).name, key).toBe(type);
    }
  });

  it("mutation arguments with such names only select the record acted on, or are an admin's declared purpose", async () => {
    const offending: string[] = [];
    for (const m of Object.values(schema.getMutationType()!.getFields()))
      for (const a of m.args) {
        if (!SERVER_SET.has(a.name.toLowerCase())) continue;
        if (ARGUMENT_EXCEPTIONS[`${m.name}.${a.name}`]) continue;
        if (a.name === "id" && getNamedType(a.type).name === "ID") continue;
        offending.push(`${m.name}(${a.name})`);
      }
    expect(offending).toEqual([]);
    // The role-setting exceptions are really admin-only: a writer or an editor cannot use them on themselves.
    for (const token of [writer, editor]) {
      const me = expectOk(await app.gql(MeDocument, {}, { token })).me;
      const refusal = new RegExp(`needs the ADMIN role.*you are (signed in as )?${me.role}\\b`);
      expectForbidden(await app.gql(ChangeUserRoleDocument, { id: me.id, role: "ADMIN" }, { token }), "changeUserRole", refusal);
      expectForbidden(
        await app.gql(InviteUserDocument, { email: `x-${me.id}@test.example`, role: "ADMIN" }, { token }),
        "inviteUser",
        refusal,
      );
      expect(expectOk(await app.gql(MeDocument, {}, { token })).me.role).toBe(me.role);
    }
    expectForbidden(
      await app.gql(SetEmbargoDocument, { id: "00000000-0000-4000-8000-000000000000", embargoUntil: null }, { token: writer }),
      "setEmbargo",
      /needs the EDITOR role.*you are (signed in as )?WRITER\b/,
    );
  });

  it("server-set keys sent anyway are refused with 400 and a code, inline or as variables, and nothing is written", async () => {
    const before = await count(`SELECT count(*)::int AS n FROM articles`);
    const base = { headline: "Mass assignment probe", bodyMarkdown: "x", language: "EN", genre: "NEWS" };
    const [someone] = await app.ds.query<{ id: string }[]>(`SELECT id FROM users LIMIT 1`);
    const extras: Record<string, unknown>[] = [
      { state: "PUBLISHED" },
      { version: 99 },
      { authorId: someone!.id },
      { author: { email: "admin@x" } },
      { publishedAt: "2020-01-01T00:00:00.000Z" },
      { createdAt: "2020-01-01T00:00:00.000Z" },
      { id: "00000000-0000-4000-8000-000000000001" },
      { headRevisionId: "00000000-0000-4000-8000-000000000001" },
      { embargoUntil: null },
    ];
    for (const extra of extras) {
      const viaVars = await app.gql(
        `mutation($i: CreateArticleInput!) { createArticle(input: $i) { id } }`,
        { i: { ...base, ...extra } },
        { token: writer },
      );
      expectRefused(viaVars, JSON.stringify(extra), ["BAD_USER_INPUT"], "signed-in");
      expect(viaVars.errors![0]!.message).toMatch(/is not defined by type "CreateArticleInput"/);
      const [k, v] = Object.entries(extra)[0]!;
      const literal =
        typeof v === "string"
          ? JSON.stringify(v)
          : typeof v === "number"
            ? String(v)
            : v === null
              ? "null"
              : `{ email: "admin@x" }`;
      const inline = await app.gql(
        `mutation { createArticle(input: { headline: "Mass assignment probe", bodyMarkdown: "x", language: EN, genre: NEWS, ${k}: ${k === "state" ? "PUBLISHED" : literal} }) { id } }`,
        undefined,
        { token: writer },
      );
      expectRefused(inline, `inline ${k}`, ["GRAPHQL_VALIDATION_FAILED"], "signed-in");
    }
    expect(await count(`SELECT count(*)::int AS n FROM articles`)).toBe(before);
  });

  it("an existing record cannot be overwritten by naming its id in a create, nor re-pointed in an update", async () => {
    const [maduro] = await app.ds.query<{ id: string; name: string }[]>(
      `SELECT id, name FROM actors WHERE slug = 'nicolas-maduro'`,
    );
    const qatar = { id: await idBySlug(app, "actor", "qatar") };
    const attempts: [string, Record<string, unknown>][] = [
      [
        `mutation($i: CreateActorInput!) { createActor(input: $i) { id name } }`,
        { i: { id: maduro!.id, slug: "hijack", name: "Hijacked", kind: "PERSON" } },
      ],
      [
        `mutation($id: ID!, $i: UpdateActorInput!) { updateActor(id: $id, input: $i) { id } }`,
        { id: qatar.id, i: { id: maduro!.id, name: "Hijacked" } },
      ],
      [
        `mutation($i: CreateTopicInput!) { createTopic(input: $i) { id } }`,
        { i: { slug: "hijack-topic", name: "x", createdAt: "2000-01-01T00:00:00Z" } },
      ],
      [
        `mutation($i: CreatePartnerKeyInput!) { createPartnerKey(input: $i) { key } }`,
        { i: { name: "x", scopes: ["content:read"], keyHash: "00", revokedAt: null, createdById: maduro!.id } },
      ],
      [
        `mutation($i: CreatePartnerKeyInput!) { createPartnerKey(input: $i) { key } }`,
        { i: { name: "x", scopes: ["content:read"], rights: { topics: ["oil"], admin: true } } },
      ],
      [
        `mutation($id: ID!, $i: ArticleRelationsInput!) { setArticleRelations(id: $id, expectedVersion: 1, input: $i) { id } }`,
        { id: maduro!.id, i: { citations: [{ sourceId: maduro!.id, sourcing: "NAMED", id: maduro!.id }] } },
      ],
      [
        `mutation($id: ID!, $i: ArticleRelationsInput!) { setArticleRelations(id: $id, expectedVersion: 1, input: $i) { id } }`,
        { id: maduro!.id, i: { claims: [{ statement: "x", status: "REPORTED", revisionId: maduro!.id }] } },
      ],
    ];
    const admin = await app.loginAs(Role.ADMIN);
    for (const [q, v] of attempts) expectRefused(await app.gql(q, v, { token: admin }), q, ["BAD_USER_INPUT"], "signed-in");
    const [after] = await app.ds.query<{ name: string }[]>(`SELECT name FROM actors WHERE id = $1`, [maduro!.id]);
    expect(after!.name).toBe(maduro!.name);
    expect(await count(`SELECT count(*)::int AS n FROM topics WHERE slug = 'hijack-topic'`)).toBe(0);
  });

  it("extra arguments on sign-in, invitations, previews and corrections are refused, and no role is granted", async () => {
    const attempts = [
      `mutation { login(email: "editor@newsgraph.example", password: "newsgraph-demo-editor", role: ADMIN) { token } }`,
      `mutation { acceptInvite(token: "x", password: "long enough password", role: ADMIN) { token } }`,
      `mutation { inviteUser(email: "n@test.example", role: WRITER, active: true, passwordHash: "x") { inviteToken } }`,
      `mutation { registerWebhook(url: "https://example.com/h", secret: "mine", ownerId: "x") { secret } }`,
      `mutation { createPreviewToken(articleId: "00000000-0000-4000-8000-000000000000", expiresAt: "2999-01-01T00:00:00Z") { token } }`,
      `mutation { addCorrection(articleId: "00000000-0000-4000-8000-000000000000", kind: CORRECTION, text: "x", createdAt: "2000-01-01T00:00:00Z") { id } }`,
      `mutation { publish(id: "00000000-0000-4000-8000-000000000000", state: PUBLISHED, publishedAt: "2000-01-01T00:00:00Z") { id } }`,
    ];
    for (const q of attempts)
      expectRefused(await app.gql(q, undefined, { token: writer }), q, ["GRAPHQL_VALIDATION_FAILED"], "signed-in");
    expect(await count(`SELECT count(*)::int AS n FROM users WHERE role = 'ADMIN' AND email = 'n@test.example'`)).toBe(0);
  });

  it("prototype keys in variables are refused and pollute nothing", async () => {
    const payload = JSON.parse(
      `{"i": {"headline": "Prototype probe", "bodyMarkdown": "x", "language": "EN", "genre": "NEWS", "__proto__": {"state": "PUBLISHED", "polluted": true}, "constructor": {"prototype": {"polluted": true}}}}`,
    ) as Record<string, unknown>;
    const r = await app.gql(`mutation($i: CreateArticleInput!) { createArticle(input: $i) { id } }`, payload, { token: writer });
    expectRefused(r, "__proto__", ["BAD_USER_INPUT"], "signed-in");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).state).toBeUndefined();
    expect(await count(`SELECT count(*)::int AS n FROM article_revisions WHERE headline = 'Prototype probe'`)).toBe(0);
  });

  it("what a writer creates is a DRAFT at version 1, authored by that writer, timed by the server", async () => {
    const t0 = Date.now();
    const created = expectOk(
      await app.gql(
        CreateArticleDocument,
        { input: { headline: "Server decides", bodyMarkdown: "x", language: "EN", genre: "NEWS" } },
        { token: writer },
      ),
    ).createArticle;
    expect(created.editorial.state).toBe("DRAFT");
    expect(created.editorial.version).toBe(1);
    expect(Math.abs(Date.parse(created.updatedAt) - t0)).toBeLessThan(60_000);
    const me = expectOk(await app.gql(MeDocument, {}, { token: writer })).me;
    const [rev] = await app.ds.query<{ author_id: string }[]>(`SELECT author_id FROM article_revisions WHERE article_id = $1`, [
      created.id,
    ]);
    expect(rev!.author_id).toBe(me.id);
  });
});
