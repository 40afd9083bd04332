import fs from "node:fs";
import { randomUUID } from "node:crypto";
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AcquireEditLockDocument, PublishDocument, UpdateArticleDocument } from "../../src/client/generated/graphql";
import { buildNewsgraphSchema } from "../../src/server/build-schema";
import { Role } from "../../src/shared/enums";
import { MAIN_STORY, VISIBLE } from "../support/demo";
import { expectOk } from "../support/expect";
import { articleVersion, idBySlug } from "../support/fixtures";
import { startTestApp, type GqlResult, type TestApp } from "../support/harness";
import { mediaDataDir, plainImage, uploaded } from "../support/media";
import { expectAllCodes, expectRefused, ok, partnerKey } from "./helpers";

/*
 * Rows 1–3 of the adversarial suite (issue #6): private columns cannot be filtered or sorted
 * on, no relational path leads from what a reader may see to users, sessions or keys, and no
 * spelling of either (casing, dotted paths, aliases, fragments, JSON values) gets through.
 */

let app: TestApp;
let schema: GraphQLSchema;
let admin: string;
let editor: string;
let partner: string;
let mediaDir: string;
beforeAll(async () => {
  mediaDir = mediaDataDir();
  app = await startTestApp({ DATA_DIR: mediaDir });
  schema = await buildNewsgraphSchema();
  admin = await app.loginAs(Role.ADMIN);
  editor = await app.editorToken();
  // The article the walks start from leads with an image (the test template is seeded without
  // the media library): the walks below then reach MediaAsset with data and probe each of its
  // fields, instead of counting them all as open.
  const photo = await uploaded(app, editor, await plainImage("jpeg"));
  expectOk(
    await app.gql(
      `mutation($id: ID!) { updateMediaAsset(id: $id, input: { altText: "A plain test image" }) { id } }`,
      { id: photo.id },
      { token: editor },
    ),
  );
  const main = await idBySlug(app, "article", CORRECTED.slug);
  expectOk(
    await app.gql(
      UpdateArticleDocument,
      { id: main, expectedVersion: await articleVersion(app, main), input: { leadImage: { mediaId: photo.id } } },
      { token: editor },
    ),
  );
  expectOk(await app.gql(PublishDocument, { id: main }, { token: editor }));
  partner = (
    await partnerKey(app, admin, {
      name: "Walker",
      scopes: ["content:read", "content:embargoed", "changes:read", "webhooks:manage"],
      rateLimitPerMinute: 100_000,
    })
  ).key;
});
afterAll(async () => {
  await app?.close();
  if (mediaDir) fs.rmSync(mediaDir, { recursive: true, force: true });
});

/** Names a column holding a credential or personal data would have. */
const SECRET_NAME = /pass(word)?|hash|token|secret|e-?mail|salt|session|credential|api_?key/i;

// ---- a path to every type, and literal arguments for any field ----

interface Step {
  field: string;
  args: string;
}

const selection = (path: Step[], leaf: string): string =>
  path.reduceRight((inner, s) => `${s.field}${s.args} { ${inner} }`, leaf);

/** A published demo article with corrections, and an actor holding a perspective in one. */
const CORRECTED = VISIBLE.find((a) => a.corrections?.length)!;
const HOLDER = VISIBLE.flatMap((a) => a.perspectives).find((p) => p.holderActor)!.holderActor!;

/** Lookups that find real demo rows, so that probing below them reaches real objects. */
const FIELD_ARGS: Record<string, string> = {
  "Query.article": `(slug: "${CORRECTED.slug}")`,
  "Query.actor": `(slug: "${HOLDER}")`,
  "Query.suggest": `(prefix: "ma")`,
  "Query.source": `(slug: "reuters")`,
  "Query.topic": `(slug: "oil")`,
  "Query.place": `(slug: "caracas")`,
  // The main story's first contributor: credited by a published article, so readers see the author.
  "Query.author": `(slug: "${MAIN_STORY.contributors![0]!.author}")`,
};

function literalFor(type: GraphQLInputType): string {
  const t = getNullableType(type);
  if (isListType(t)) return `[${literalFor(t.ofType)}]`;
  if (isEnumType(t)) return t.getValues()[0]!.name;
  if (isInputObjectType(t)) {
    const required = Object.values(t.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    return `{ ${required.map((f) => `${f.name}: ${literalFor(f.type)}`).join(", ")} }`;
  }
  switch (t.name) {
    case "ID":
      return `"${randomUUID()}"`;
    case "Int":
    case "Float":
      return "1";
    case "Boolean":
      return "true";
    case "DateTimeISO":
      return `"2024-01-01T00:00:00.000Z"`;
    default:
      return `"x1"`;
  }
}

function argsFor(parent: string, f: GraphQLField<unknown, unknown>): string {
  const fixed = FIELD_ARGS[`${parent}.${f.name}`];
  if (fixed) return fixed;
  const required = f.args.filter((a: GraphQLArgument) => isNonNullType(a.type) && a.defaultValue === undefined);
  return required.length ? `(${required.map((a) => `${a.name}: ${literalFor(a.type)}`).join(", ")})` : "";
}

const leafOf = (f: GraphQLField<unknown, unknown>, args: string): string =>
  isObjectType(getNamedType(f.type)) ? `${f.name}${args} { __typename }` : `${f.name}${args}`;

/** Objects at the end of a path in a response's data (lists flattened). */
function objectsAt(data: unknown, path: Step[]): unknown[] {
  let level: unknown[] = [data];
  for (const s of path) {
    level = level.flatMap((o) => {
      const v = o && typeof o === "object" ? (o as Record<string, unknown>)[s.field] : undefined;
      return Array.isArray(v) ? (v as unknown[]) : [v];
    });
  }
  return level.filter((o) => o !== null && o !== undefined);
}

interface Walk {
  /** Fields a caller could read, by type (over-approximated where no data was there to probe). */
  open: Map<string, Set<string>>;
  /** Fields that refused the caller (UNAUTHENTICATED or FORBIDDEN). */
  gated: Set<string>;
  /** Types whose fields had no object to be probed on, so all were counted as open. */
  unprobed: Set<string>;
  /** Every response text seen. */
  texts: string[];
}

/**
 * Walk the schema from Query as the caller, over HTTP: for each type reached, every field is
 * requested below a real object of that type; a field that answers UNAUTHENTICATED or
 * FORBIDDEN is a gate and the walk does not pass it. Types with no object to probe on count
 * all their fields, and everything below them, as readable (an over-approximation).
 */
async function walk(token?: string): Promise<Walk> {
  const out: Walk = { open: new Map(), gated: new Set(), unprobed: new Set(), texts: [] };
  const candidates = new Map<string, Step[][]>([["Query", [[]]]]);
  const order = ["Query"];
  const done = new Set<string>();
  const ask = async (q: string): Promise<GqlResult<unknown>> => {
    const r = await app.gql(q, undefined, { token });
    out.texts.push(JSON.stringify(r.data ?? null), JSON.stringify(r.errors ?? []));
    return r;
  };
  const reach = (typeName: string, path: Step[]) => {
    const list = candidates.get(typeName) ?? [];
    if (list.length < 4) list.push(path);
    candidates.set(typeName, list);
    if (!order.includes(typeName)) order.push(typeName);
  };
  const openStatically = (type: GraphQLObjectType) => {
    const stack = [type];
    while (stack.length) {
      const t = stack.pop()!;
      if (out.open.has(t.name) && out.unprobed.has(t.name)) continue;
      out.unprobed.add(t.name);
      out.open.set(t.name, new Set(Object.keys(t.getFields())));
      for (const f of Object.values(t.getFields())) {
        const n = getNamedType(f.type);
        if (isObjectType(n) && !done.has(n.name)) stack.push(n);
      }
    }
  };
  for (let i = 0; i < order.length; i++) {
    const typeName = order[i]!;
    if (done.has(typeName)) continue;
    done.add(typeName);
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    let at: Step[] | undefined;
    for (const path of candidates.get(typeName) ?? []) {
      if (path.length === 0) {
        at = path;
        break;
      }
      const r = await ask(`{ ${selection(path, "__typename")} }`);
      if (objectsAt(r.data, path).length > 0) {
        at = path;
        break;
      }
    }
    if (!at) {
      openStatically(type);
      continue;
    }
    // One request per field: a refused non-null field would null its siblings' answers too.
    const open = new Set<string>();
    for (const f of Object.values(type.getFields())) {
      const args = argsFor(typeName, f);
      const r = await ask(`{ ${selection(at, leafOf(f, args))} }`);
      if (r.errors?.some((e) => e.extensions?.code === "UNAUTHENTICATED" || e.extensions?.code === "FORBIDDEN")) {
        out.gated.add(`${typeName}.${f.name}`);
        continue;
      }
      open.add(f.name);
      const n = getNamedType(f.type);
      if (isObjectType(n)) reach(n.name, [...at, { field: f.name, args }]);
    }
    out.open.set(typeName, open);
  }
  return out;
}

/** Every `Type.field` of a walk's open fields whose name looks like it holds a secret. */
function secretFields(w: Walk): string[] {
  return [...w.open].flatMap(([t, fields]) => [...fields].filter((f) => SECRET_NAME.test(f)).map((f) => `${t}.${f}`));
}

/** Fields that return lists of records, with a way to reach each from Query (any parent will do: validation is static). */
function listFields(): { label: string; wrap: (leaf: string) => string; field: GraphQLField<unknown, unknown> }[] {
  const paths = new Map<string, Step[]>([["Query", []]]);
  const queue = ["Query"];
  const out: { label: string; wrap: (leaf: string) => string; field: GraphQLField<unknown, unknown> }[] = [];
  while (queue.length) {
    const name = queue.shift()!;
    const type = schema.getType(name);
    if (!isObjectType(type)) continue;
    for (const f of Object.values(type.getFields())) {
      const n = getNamedType(f.type);
      const path = paths.get(name)!;
      const isList = isListType(getNullableType(f.type)) || n.name.endsWith("Connection");
      if (isList && isObjectType(n)) out.push({ label: `${name}.${f.name}`, wrap: (leaf) => selection(path, leaf), field: f });
      if (isObjectType(n) && !paths.has(n.name)) {
        paths.set(n.name, [...path, { field: f.name, args: argsFor(name, f) }]);
        queue.push(n.name);
      }
    }
  }
  return out;
}

const PRIVATE_ARGS = [
  "passwordHash",
  "password_hash",
  "password",
  "tokenHash",
  "token_hash",
  "keyHash",
  "email",
  "user",
  "author",
  "authorEmail",
  "where",
  "sort",
  "orderBy",
  "order_by",
  "filter",
];
const PRIVATE_KEYS = [
  "passwordHash",
  "password_hash",
  "tokenHash",
  "email",
  "user",
  "author",
  "authorEmail",
  "createdBy",
  "state",
];
const PRIVATE_ORDERS = ["EMAIL", "PASSWORD_HASH", "TOKEN_HASH", "AUTHOR_EMAIL", "AUTHOR__EMAIL", "UPDATED_BY"];

describe("row 1 · private columns in filters and sorts (Strapi CVE-2023-22894)", () => {
  it("every list field refuses filter, sort and where arguments naming private columns: 400 with a code, naming each", async () => {
    const lists = listFields();
    expect(lists.map((l) => l.label)).toEqual(expect.arrayContaining(["Query.articles", "Actor.articles", "Query.users"]));
    for (const { label, wrap, field } of lists) {
      const own = new Set(field.args.map((a) => a.name));
      const evil = PRIVATE_ARGS.filter((a) => !own.has(a));
      const args = evil.map((a) => `${a}: "x"`).join(", ");
      for (const token of [undefined, admin]) {
        const r = await app.gql(`{ ${wrap(`${field.name}(${args}) { __typename }`)} }`, undefined, { token });
        expectRefused(r, label, ["GRAPHQL_VALIDATION_FAILED"], token ? "signed-in" : "anonymous");
        const messages = JSON.stringify(r.errors);
        for (const a of evil) expect(messages, `${label} ${a}`).toContain(`Unknown argument \\"${a}\\"`);
      }
    }
  });

  it("filter inputs refuse keys naming private columns, whether sent inline or as variables", async () => {
    let inputs = 0;
    for (const { label, wrap, field } of listFields()) {
      for (const arg of field.args) {
        const input = getNamedType(arg.type);
        if (!isInputObjectType(input)) continue;
        inputs++;
        for (const key of PRIVATE_KEYS.filter((k) => !(k in input.getFields()))) {
          const inline = await app.gql(`{ ${wrap(`${field.name}(${arg.name}: { ${key}: "x" }) { __typename }`)} }`);
          expectRefused(inline, `${label}(${arg.name}.${key}) inline`, ["GRAPHQL_VALIDATION_FAILED"]);
          const viaVars = await app.gql(`query($v: ${input.name}) { ${wrap(`${field.name}(${arg.name}: $v) { __typename }`)} }`, {
            v: { [key]: "x" },
          });
          expectRefused(viaVars, `${label}(${arg.name}.${key}) variables`, ["BAD_USER_INPUT"]);
          expect(viaVars.errors![0]!.message).toContain(`Field "${key}" is not defined by type "${input.name}"`);
        }
      }
    }
    expect(inputs, "ArticleFilter at least").toBeGreaterThan(0);
  });

  it("sort and kind enums refuse values naming private columns", async () => {
    let enums = 0;
    for (const { label, wrap, field } of listFields()) {
      for (const arg of field.args) {
        const e = getNamedType(arg.type);
        if (!isEnumType(e)) continue;
        enums++;
        const list = isListType(getNullableType(arg.type));
        // The field's other required arguments get valid values, so that only the enum is refused.
        const others = field.args
          .filter((a) => a !== arg && isNonNullType(a.type) && a.defaultValue === undefined)
          .map((a) => `, ${a.name}: ${literalFor(a.type)}`)
          .join("");
        for (const value of PRIVATE_ORDERS) {
          const inline = await app.gql(`{ ${wrap(`${field.name}(${arg.name}: ${value}${others}) { __typename }`)} }`, undefined, {
            token: admin,
          });
          expectRefused(inline, `${label}(${arg.name}: ${value})`, ["GRAPHQL_VALIDATION_FAILED"], "signed-in");
          const typeRef = String(arg.type);
          const viaVars = await app.gql(
            `query($v: ${typeRef}) { ${wrap(`${field.name}(${arg.name}: $v${others}) { __typename }`)} }`,
            { v: list ? [value] : value },
            { token: admin },
          );
          expectRefused(viaVars, `${label}(${arg.name}: $v=${value})`, ["BAD_USER_INPUT"], "signed-in");
        }
      }
    }
    expect(enums, "orderBy, kind, state").toBeGreaterThanOrEqual(3);
    // A raw SQL sort expression is not an enum value either.
    const raw = await app.gql(`query($o: ArticleOrder) { articles(orderBy: $o) { totalCount } }`, {
      o: "published_at DESC; SELECT password_hash FROM users",
    });
    expectRefused(raw, "SQL as orderBy", ["BAD_USER_INPUT"]);
  });
});

describe("row 2 · relational paths from public types to users and keys (Strapi CVE-2026-27886)", () => {
  /** Secret values that exist in this database, so that any path to one would show it. */
  async function secrets(): Promise<string[]> {
    const users = await app.ds.query<{ email: string }[]>(`SELECT email FROM users`);
    return users.map((u) => u.email);
  }

  it("an anonymous reader reaches no field that could hold a password, hash, token, secret or email", async () => {
    // Give the staff-only fields values worth stealing: a running edit lease names its holder.
    const main = { id: await idBySlug(app, "article", MAIN_STORY.slug) };
    expectOk(await app.gql(AcquireEditLockDocument, { articleId: main.id }, { token: editor }));
    const w = await walk();
    expect(secretFields(w)).toEqual([]);
    for (const t of [
      "Article",
      "Actor",
      "Source",
      "Topic",
      "Place",
      "Citation",
      "Claim",
      "Perspective",
      "HeldPerspective",
      "Author",
      "Contributor",
    ])
      expect(w.open.has(t), `${t} was reached`).toBe(true);
    expect(w.unprobed, "every public type was probed on real rows").toEqual(new Set());
    for (const t of [
      "User",
      "AuditEntry",
      "PartnerKeyInfo",
      "RevisionInfo",
      "EditorialInfo",
      "ScheduledJob",
      "WebhookInfo",
      "WebhookDeliveryInfo",
      "PartnerUsageDay",
    ])
      expect(w.open.has(t), `${t} must not be reachable anonymously`).toBe(false);
    const seen = w.texts.join("\n");
    for (const email of await secrets()) expect(seen).not.toContain(email);
    expect(seen).not.toMatch(/ngs_|ngk_|ngp_|\$argon2/);
    // The gates that stand between readers and staff data.
    expect([...w.gated]).toEqual(
      expect.arrayContaining([
        "Query.me",
        "Query.users",
        "Query.auditLog",
        "Query.partnerKeys",
        "Query.partnerUsage",
        "Query.draftArticle",
        "Query.draftArticles",
        "Query.revision",
        "Query.revisionDiff",
        "Query.changes",
        "Query.webhooks",
        "Article.editorial",
        "Article.revisions",
      ]),
    );
  });

  it("a partner key with every scope reaches none either, nor any key but by its id and name", async () => {
    const w = await walk(partner);
    expect(secretFields(w)).toEqual([]);
    for (const t of ["User", "AuditEntry", "PartnerKeyInfo", "RevisionInfo", "EditorialInfo", "ScheduledJob"])
      expect(w.open.has(t), `${t} must not be reachable by a partner`).toBe(false);
    expect(w.open.has("ChangeEvent"), "the change feed is the partner's").toBe(true);
    const seen = w.texts.join("\n");
    for (const email of await secrets()) expect(seen).not.toContain(email);
    expect(seen).not.toMatch(/ngs_|ngk_|\$argon2/);
  });

  it("only login and acceptInvite answer anonymous mutations, and they return only the caller's own token and email", async () => {
    const mutation = schema.getMutationType()!;
    const open: string[] = [];
    for (const f of Object.values(mutation.getFields())) {
      const r = await app.gql(`mutation { ${leafOf(f, argsFor("Mutation", f))} }`);
      const answered = (r.data as Record<string, unknown> | null | undefined)?.[f.name];
      if (r.errors?.[0]?.extensions?.code !== "UNAUTHENTICATED" || answered) open.push(f.name);
    }
    expect(open.sort()).toEqual(["acceptInvite", "login"]);
    // Documented exception: a session token and the account's own email, after proof of the password (or invite).
    const fields = new Set<string>();
    const stack = open.map((n) => getNamedType(mutation.getFields()[n]!.type));
    const seen = new Set<string>();
    while (stack.length) {
      const t = stack.pop()!;
      if (!isObjectType(t) || seen.has(t.name)) continue;
      seen.add(t.name);
      for (const f of Object.values(t.getFields())) {
        if (SECRET_NAME.test(f.name)) fields.add(`${t.name}.${f.name}`);
        stack.push(getNamedType(f.type));
      }
    }
    expect([...fields].sort()).toEqual(["LoginPayload.token", "User.email"]);
  });

  it("relational filter paths do not exist: nested filters on articles, coverage lists and revisions are refused", async () => {
    const attempts = [
      `{ articles(filter: { author: { sessions: { tokenHash: "x" } } }) { totalCount } }`,
      `{ articles(filter: { actor: { articles: { editorial: { lockedBy: "x" } } } }) { totalCount } }`,
      `{ articles(filter: { topic: "oil", createdBy: { email: "editor@newsgraph.example" } }) { totalCount } }`,
      `{ actor(slug: "nicolas-maduro") { articles(filter: { author: { email: "x" } }) { totalCount } } }`,
      `{ topic(slug: "oil") { articles(where: { editorial: { state: DRAFT } }) { totalCount } } }`,
      `{ source(slug: "reuters") { articles(first: 1, partnerKey: { keyHash: "x" }) { totalCount } } }`,
      `{ articles { edges { node { revisions(filter: { authorEmail: "x" }) { totalCount } } } } }`,
      `{ actors(search: "a", where: { articles: { author: { passwordHash: { startsWith: "$argon2" } } } }) { totalCount } }`,
    ];
    for (const q of attempts) expectRefused(await app.gql(q), q, ["GRAPHQL_VALIDATION_FAILED"]);
    // The filters that do exist take slugs of public vocabularies, not paths.
    const filter = schema.getType("ArticleFilter");
    expect(isInputObjectType(filter)).toBe(true);
    for (const [name, f] of Object.entries(isInputObjectType(filter) ? filter.getFields() : {})) {
      expect(isScalarType(getNamedType(f.type)) || isEnumType(getNamedType(f.type)), name).toBe(true);
      expect(name).not.toMatch(SECRET_NAME);
    }
  });
});

describe("row 3 · casing, dotted paths, aliases and fragments (Strapi CVE-2023-34235)", () => {
  it("casing variants of private names are refused like the names themselves, not folded onto real fields", async () => {
    for (const q of [
      `{ articles(PasswordHash: "x") { totalCount } }`,
      `{ articles(EMAIL: "x") { totalCount } }`,
      `{ articles(Filter: { topic: "oil" }) { totalCount } }`,
      `{ articles(filter: { Topic: "oil" }) { totalCount } }`,
      `{ articles(filter: { TOPIC: "oil", Email: "x" }) { totalCount } }`,
      `{ articles(orderBy: newest) { totalCount } }`,
      `{ articles(orderBy: Newest) { totalCount } }`,
      `{ Articles { totalCount } }`,
      `{ articles { TotalCount } }`,
      `{ articles { edges { node { Editorial { state } } } } }`,
    ])
      expectRefused(await app.gql(q), q, ["GRAPHQL_VALIDATION_FAILED"]);
    expectRefused(
      await app.gql(`query($o: ArticleOrder) { articles(orderBy: $o) { totalCount } }`, { o: "newest" }),
      "lower-case enum",
    );
  });

  it("dotted paths are refused as filter keys and are opaque text as filter values", async () => {
    for (const key of ["author.email", "author.passwordHash", "users.password_hash", "topic.slug", "sessions.token_hash"]) {
      const r = await app.gql(`query($f: ArticleFilter) { articles(filter: $f) { totalCount } }`, { f: { [key]: "x" } });
      expectRefused(r, key, ["BAD_USER_INPUT"]);
    }
    const paths = [
      "author.email",
      "users.password_hash",
      "author.email:editor@newsgraph.example",
      "editor@newsgraph.example",
      "oil.author.email",
      "*",
      "%",
      "$ne",
    ];
    for (const value of paths) {
      for (const key of ["topic", "actor", "source", "place"]) {
        const r = await ok<{ articles: { totalCount: number } }>(
          app,
          `query($f: ArticleFilter) { articles(first: 100, filter: $f) { totalCount edges { node { slug } } } }`,
          { f: { [key]: value } },
        );
        expect(r.articles.totalCount, `${key}=${value}`).toBe(0);
      }
      expect((await ok(app, `query($s: String!) { actor(slug: $s) { id } }`, { s: value })).actor).toBeNull();
    }
    // A search for a staff email finds nothing: emails are not in any searchable text.
    const search = await ok<{ articles: { totalCount: number } }>(
      app,
      `{ articles(filter: { query: "editor@newsgraph.example" }) { totalCount edges { node { slug } } } }`,
    );
    expect(search.articles.totalCount).toBe(0);
  });

  it("aliases, fragments, inline fragments and __typename do not open staff-only fields", async () => {
    const attempts = [
      `{ a: articles(first: 3) { edges { node { x: editorial { s: state v: version l: lockedBy } } } } }`,
      `{ a: article(slug: "${MAIN_STORY.slug}") { title: headline secret: editorial { lockedBy } } }`,
      `query { articles(first: 3) { edges { node { ...E } } } } fragment E on Article { editorial { lockedBy state } }`,
      `{ articles(first: 3) { edges { node { ... on Article { revisions { edges { node { authorEmail } } } } } } } }`,
      `{ articles(first: 3) { edges { node { __typename ... @include(if: true) { editorial { lockedBy } } } } } }`,
      `{ article(slug: "${MAIN_STORY.slug}") { ...R } } fragment R on Article { revisions { edges { node { content { editorial { lockedBy } } } } } }`,
      `{ __typename me { email } }`,
      `{ m: me { e: email } u: users { edges { node { email } } } }`,
    ];
    const emails = (await app.ds.query<{ email: string }[]>(`SELECT email FROM users`)).map((u) => u.email);
    for (const q of attempts) {
      const r = await app.gql(q);
      expectAllCodes(r, "UNAUTHENTICATED", q);
      const text = JSON.stringify(r);
      for (const e of emails) expect(text, q).not.toContain(e);
      expect(text, q).not.toMatch(/"(DRAFT|PUBLISHED|IN_REVIEW)"/);
    }
    // A fragment on a staff-only type cannot be spread where a public type is.
    const spread = await app.gql(`{ articles { edges { node { __typename ... on EditorialInfo { state } } } } }`);
    expectRefused(spread, "fragment of another type", ["GRAPHQL_VALIDATION_FAILED"]);
  });

  it("aliased lookups by a partner key stay inside its rights, one alias at a time", async () => {
    const migration = await partnerKey(app, admin, { rights: { topics: ["migration"] }, rateLimitPerMinute: 1000 });
    const lookups = VISIBLE.slice(0, 8)
      .map((a, i) => `a${i}: article(slug: "${a.slug}") { slug topics { slug } }`)
      .join(" ");
    const r = await ok<Record<string, { slug: string; topics: { slug: string }[] } | null>>(
      app,
      `{ ${lookups} }`,
      undefined,
      migration.key,
    );
    const served = Object.values(r).filter((a) => a !== null);
    for (const a of served) expect(a.topics.map((t) => t.slug)).toContain("migration");
    expect(served.length).toBe(VISIBLE.slice(0, 8).filter((a) => a.topics.includes("migration")).length);
  });

  it("no argument takes a JSON value, and JSON objects sent where text is expected are refused", async () => {
    const jsonInputs: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (isObjectType(type))
        for (const f of Object.values(type.getFields()))
          for (const a of f.args)
            if (getNamedType(a.type).name === "JSONObject") jsonInputs.push(`${type.name}.${f.name}(${a.name})`);
      if (isInputObjectType(type))
        for (const f of Object.values(type.getFields()))
          if (getNamedType(f.type).name === "JSONObject") jsonInputs.push(`${type.name}.${f.name}`);
    }
    expect(jsonInputs).toEqual([]);
    const operators: [string, Record<string, unknown>][] = [
      [`query($f: ArticleFilter) { articles(filter: $f) { totalCount } }`, { f: { topic: { $ne: null } } }],
      [`query($f: ArticleFilter) { articles(filter: $f) { totalCount } }`, { f: { actor: ["nicolas-maduro", "x' OR '1'='1"] } }],
      [`query($f: ArticleFilter) { articles(filter: $f) { totalCount } }`, { f: { query: { $regex: ".*" } } }],
      [`query($n: Int) { articles(first: $n) { totalCount } }`, { n: { $gt: 0 } }],
      [`query($s: String!) { actor(slug: $s) { id } }`, { s: { $exists: true } }],
      [`query($o: ArticleOrder) { articles(orderBy: $o) { totalCount } }`, { o: ["NEWEST", "EMAIL"] }],
    ];
    for (const [q, v] of operators) expectRefused(await app.gql(q, v), JSON.stringify(v), ["BAD_USER_INPUT"]);
  });
});
