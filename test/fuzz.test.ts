import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreatePartnerKeyDocument } from "../src/client/generated/graphql";
import { Role } from "../src/shared/enums";
import { PUBLIC_CODES } from "../src/shared/errors";
import { LEAKS, expectOk } from "./support/expect";
import { startTestApp, type TestApp } from "./support/harness";

/*
 * Schema-aware fuzzer (issue #6): random operations built from schema/schema.graphql, with
 * random selection sets and arguments (valid, and deliberately invalid: wrong types, out-of-range
 * numbers, huge strings, unknown enum values, missing required arguments, unknown input fields),
 * sent as an anonymous reader, a WRITER and a partner key with narrow rights. Whatever is sent:
 * never a 500, the server stays up, every error carries a known code, and no answer holds data
 * outside the caller's rights. Its own server, so that the writer's edits touch no other file's data.
 *
 * Reproduce a failure with the seed it prints: FUZZ_SEED=<seed> npx vitest run test/fuzz.test.ts
 */

const RUNS_PER_ROLE = Number(process.env.FUZZ_RUNS ?? 300);
/** Per role; 300 operations take 3-15 s here. */
const TIME_LIMIT_MS = 60_000 * Math.max(1, RUNS_PER_ROLE / 300);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** Selection sets nested below the root field (armor allows 10). */
const MAX_DEPTH = 4;
const MAX_WIDTH = 4;

/**
 * The codes a client may see here: src/shared/errors.ts PUBLIC_CODES but SERVICE_UNAVAILABLE,
 * which with a healthy database would mean a statement timeout or an exhausted pool.
 * INTERNAL_SERVER_ERROR is a bug.
 */
const ALLOWED_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/** Types only staff may receive; admin-only ones are also refused to writers. */
const ADMIN_TYPES = [
  "AuditEntry",
  "AuditEntryConnection",
  "AuditEntryEdge",
  "PartnerKeyInfo",
  "PartnerKeyConnection",
  "PartnerKeyEdge",
  "PartnerRights",
  "CreatedPartnerKey",
  "PartnerUsageDay",
  "InvitePayload",
  "UserConnection",
  "UserEdge",
  "WebhookInfo",
  "WebhookRegistration",
  "WebhookDeliveryInfo",
  "WebhookDeliveryConnection",
  "WebhookDeliveryEdge",
];
const STAFF_TYPES = [
  ...ADMIN_TYPES,
  "User",
  "LoginPayload",
  "EditorialInfo",
  "RevisionInfo",
  "RevisionConnection",
  "RevisionEdge",
  "FieldChange",
  "ScheduledJob",
  "ScheduledJobConnection",
  "ScheduledJobEdge",
  "PreviewToken",
];
const CHANGE_FEED_TYPES = ["ChangeConnection", "ChangeEdge", "ChangeEvent", "ChangePageInfo", "Tombstone"];

const schema = buildSchema(fs.readFileSync(path.resolve("schema/schema.graphql"), "utf8"));

// ---- values ----

/** An enum value: a bare name inline, a string in variables. */
class EnumValue {
  constructor(readonly name: string) {}
  toJSON(): string {
    return this.name;
  }
}

const PAYLOADS = [
  "",
  " ",
  "'",
  "' OR '1'='1",
  "'; DROP TABLE articles; --",
  "\\",
  "%",
  "_",
  "$1",
  "a:*",
  "!(",
  '"unterminated',
  "-",
  "or",
  "a & b | !c",
  "<script>alert(1)</script>",
  "javascript:alert(1)",
  "{{7*7}}",
  "../../etc/passwd",
  "\u0000",
  "nul\u0000inside",
  "\u202eevil",
  "ñandú",
  "😀",
  "\ud800",
  "NaN",
  "null",
  "undefined",
  "0",
  "-1",
  "1e309",
  "true",
  "__proto__",
  "constructor",
  '{"$gt": ""}',
  "2020-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "editor@newsgraph.example",
  "a@b.cd",
  "not-an-email",
  "http://127.0.0.1:1/hook",
  "https://example.org/hook",
  "ftp://example.org/x",
  "http://[::1]:1/",
  "ngs_forged",
  "ngk_forged",
  "ngp_forged.1.x",
  "ngi_forged",
  "content:read",
  "content:embargoed",
  "webhooks:manage",
];
const HUGE = "x".repeat(120_000);

interface Pools {
  /** Articles' first: the records whose visibility is checked. */
  articleIds: string[];
  articleSlugs: string[];
  ids: string[];
  slugs: string[];
  /** Real cursors of the public lists. */
  cursors: string[];
}

// ---- operations ----

interface Arg {
  name: string;
  type: GraphQLInputType;
  value: unknown;
  inline: boolean;
}
interface Selected {
  name: string;
  args: Arg[];
  children: Selected[] | null;
}
interface Operation {
  kind: "query" | "mutation";
  root: Selected;
  /** Built with values that do not fit, missing and unknown arguments. */
  hostile: boolean;
  /** Made unparseable on purpose. */
  broken: boolean;
}

function cursorArb(): fc.Arbitrary<string> {
  const tag = fc.constantFrom("art", "rev", "chg", "user", "pkey", "audit", "actor", "job", "dlv", "x");
  return fc
    .oneof(fc.tuple(tag, fc.jsonValue({ maxDepth: 1 })), fc.jsonValue({ maxDepth: 2 }))
    .map((v) => Buffer.from(JSON.stringify(v) ?? "null").toString("base64url"));
}

const weighted = <T>(...options: [number, fc.Arbitrary<T>][]) =>
  fc.oneof(...options.filter(([w]) => w > 0).map(([weight, arbitrary]) => ({ weight, arbitrary })));

/**
 * Arbitraries for one kind of operation: well-formed ones (every value fits its type), or hostile
 * ones (wrong types, out-of-range numbers, huge and binary strings, unknown enum values, missing
 * required arguments, unknown arguments and input fields, null for non-null).
 */
function generators(pools: Pools, hostile: boolean) {
  const strings: fc.Arbitrary<string> = weighted<string>(
    [3, fc.constantFrom(...pools.articleSlugs)],
    [2, fc.constantFrom(...pools.slugs)],
    [1, fc.constantFrom(...pools.ids)],
    [4, fc.constantFrom(...PAYLOADS)],
    [3, fc.string({ maxLength: 40 })],
    [hostile ? 1 : 0, fc.string({ unit: "binary", maxLength: 20 })],
    [1, cursorArb()],
    [hostile ? 1 : 0, fc.constant(HUGE)],
  );
  const ids: fc.Arbitrary<unknown> = weighted<unknown>(
    [4, fc.constantFrom(...pools.articleIds)],
    [3, fc.constantFrom(...pools.ids)],
    [2, fc.uuid()],
    [1, fc.constantFrom(...pools.slugs, ...PAYLOADS)],
    [1, fc.integer()],
  );

  function scalar(name: string): fc.Arbitrary<unknown> {
    switch (name) {
      case "Int":
        // Mostly page sizes and versions that fit; the boundaries in hostile operations.
        return hostile
          ? fc.oneof(fc.integer({ min: -3, max: 120 }), fc.constantFrom(0, 1, 100, 101, 2147483647, -2147483648))
          : fc.integer({ min: 1, max: 20 });
      case "Float":
        return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
      case "Boolean":
        return fc.boolean();
      case "ID":
        return ids;
      case "DateTimeISO":
        return fc.oneof(
          fc.date({ min: new Date("1990-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
          fc.constantFrom(
            "2020-01-01T00:00:00Z",
            "not-a-date",
            "2020-13-45T99:99:99Z",
            "0000-01-01T00:00:00Z",
            "+275760-09-13T00:00:00Z",
          ),
        );
      case "JSONObject":
        return fc.oneof(
          fc.constant({}),
          fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
        );
      default:
        return strings;
    }
  }

  /** A value of `type`: in a hostile operation, one in five deliberately does not fit. */
  function value(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
    const fitting = isNonNullType(type)
      ? inner(type.ofType, depth)
      : weighted<unknown>([1, fc.constant(null)], [5, inner(type, depth)]);
    return hostile ? weighted<unknown>([4, fitting], [1, misfit(type, depth)]) : fitting;
  }

  function inner(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
    if (isNonNullType(type)) return inner(type.ofType, depth);
    if (isListType(type)) return fc.array(value(type.ofType, depth + 1), { maxLength: depth > 2 ? 1 : 3 });
    if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => new EnumValue(v.name)));
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      const required = fields.filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
      const optional = fields.filter((f) => !required.includes(f));
      const entry = (f: (typeof fields)[number]) => value(f.type, depth + 1).map((v) => [f.name, v] as const);
      return fc
        .tuple(
          fc.tuple(...required.map(entry)),
          fc
            .subarray(optional, { maxLength: depth > 2 ? 0 : Math.min(4, optional.length) })
            .chain((chosen) => fc.tuple(...chosen.map(entry))),
        )
        .map(([req, opt]) => Object.fromEntries([...req, ...opt]));
    }
    return scalar(type.name);
  }

  function misfit(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
    const named = getNamedType(type);
    // Wrong types and out-of-range numbers.
    const options: fc.Arbitrary<unknown>[] = [
      fc.constantFrom(12345, -1.5, true, "not-a-valid-value", [], { bogus: 1 }, 2147483648, -2147483649, 1e20),
    ];
    if (isNonNullType(type)) options.push(fc.constant(null));
    if (isEnumType(named))
      options.push(fc.constantFrom(new EnumValue("NOT_A_VALUE"), "quoted-string", new EnumValue("lowercase")));
    if (isInputObjectType(named)) {
      const object = inner(named, depth) as fc.Arbitrary<Record<string, unknown>>;
      // An unknown field, or a required one left out.
      options.push(object.map((o) => ({ ...o, bogusField: "x" })));
      const required = Object.values(named.getFields()).filter((f) => isNonNullType(f.type));
      if (required.length)
        options.push(object.map((o) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== required[0]!.name))));
    }
    if (named.name === "String" || named.name === "ID") options.push(fc.constant(HUGE));
    return fc.oneof(...options);
  }

  function args(field: GraphQLField<unknown, unknown>): fc.Arbitrary<Arg[]> {
    const one = (a: GraphQLArgument): fc.Arbitrary<Arg | null> => {
      const required = isNonNullType(a.type) && a.defaultValue === undefined;
      // Optional arguments are often left out; in a hostile operation, required ones now and then.
      const present = !required
        ? fc.boolean()
        : hostile
          ? weighted([9, fc.constant(true)], [1, fc.constant(false)])
          : fc.constant(true);
      // Pages are asked for with real cursors (of some list) in well-formed operations.
      const v =
        !hostile && /^(after|before)$/.test(a.name)
          ? weighted<unknown>([2, fc.constant(null)], [1, fc.constantFrom(...pools.cursors)])
          : value(a.type);
      return present.chain((p) =>
        p
          ? fc.tuple(v, fc.boolean()).map(([v, inline]) => ({ name: a.name, type: a.type, value: v, inline }))
          : fc.constant(null),
      );
    };
    const unknown: Arg = { name: "bogusArgument", type: schema.getType("Int") as GraphQLInputType, value: 1, inline: true };
    const extra = hostile ? weighted<Arg[]>([60, fc.constant([])], [1, fc.constant([unknown])]) : fc.constant([]);
    return fc
      .tuple(fc.tuple(...field.args.map(one)), extra)
      .map(([list, more]) => [...list.filter((a): a is Arg => a !== null), ...more]);
  }

  function field(f: GraphQLField<unknown, unknown>, depthLeft: number): fc.Arbitrary<Selected> {
    const named = getNamedType(f.type);
    const children = isObjectType(named) ? selection(named, depthLeft - 1) : fc.constant(null);
    return fc.tuple(args(f), children).map(([a, c]) => ({ name: f.name, args: a, children: c }));
  }

  /**
   * Up to MAX_WIDTH fields of `type`; at the last level only leaves. Like a normalising client
   * (Apollo Client adds id and __typename), every object is asked for its id: the rights checks
   * recognise articles by it.
   */
  function selection(type: GraphQLObjectType, depthLeft: number): fc.Arbitrary<Selected[]> {
    const fields = Object.values(type.getFields()).filter(
      (f) => f.name !== "id" && (depthLeft > 1 || isLeafType(getNamedType(f.type))),
    );
    const id: Selected[] = type.getFields().id ? [{ name: "id", args: [], children: null }] : [];
    if (depthLeft < 1 || fields.length === 0) return fc.constant(id);
    // Objects twice as often as leaves: deeper paths reach more resolvers (and articles through relations).
    const objectFields = fields.filter((f) => !isLeafType(getNamedType(f.type)));
    const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
    const pick = weighted(
      [objectFields.length ? 2 : 0, fc.constantFrom(...(objectFields.length ? objectFields : fields))],
      [leaves.length ? 1 : 0, fc.constantFrom(...(leaves.length ? leaves : fields))],
    );
    return fc
      .uniqueArray(pick, { minLength: 1, maxLength: MAX_WIDTH, selector: (f) => f.name })
      .chain((chosen) => fc.tuple(...chosen.map((f) => field(f, depthLeft))))
      .map((chosen) => [...id, ...chosen]);
  }

  return { field };
}

/**
 * Operations on every root field but `exclude`. Reads are where data could leak: queries the
 * caller may run (`open`) make two thirds of the operations, the others and mutations the rest.
 * One operation in three is hostile.
 */
function operationArb(pools: Pools, opts: { exclude?: string[]; open?: Set<string> } = {}): fc.Arbitrary<Operation> {
  const gens = { true: generators(pools, true), false: generators(pools, false) };
  const fields = (type: GraphQLObjectType) => Object.values(type.getFields()).filter((f) => !opts.exclude?.includes(f.name));
  const queries = fields(schema.getQueryType()!);
  const open = queries.filter((f) => opts.open?.has(f.name));
  const closed = queries.filter((f) => !opts.open?.has(f.name));
  const pick = (kind: "query" | "mutation", list: GraphQLField<unknown, unknown>[]) =>
    fc.constantFrom(...list).map((f) => ({ kind, f }));
  return fc
    .tuple(
      weighted(
        [open.length ? 6 : 0, pick("query", open)],
        [1, pick("query", closed)],
        [open.length ? 2 : 1, pick("mutation", fields(schema.getMutationType()!))],
      ),
      weighted([2, fc.constant(false)], [1, fc.constant(true)]),
    )
    .chain(([{ kind, f }, hostile]) =>
      fc
        .tuple(
          gens[`${hostile}`].field(f, MAX_DEPTH + 1),
          // Now and then a document cut short.
          hostile ? weighted([10, fc.constant(false)], [1, fc.constant(true)]) : fc.constant(false),
        )
        .map(([root, broken]): Operation => ({ kind, root, hostile, broken })),
    )
    .map((operation) =>
      // fast-check prints a failing operation: as its document, shortened.
      Object.assign(operation, { [fc.toStringMethod]: () => JSON.stringify(render(operation)).slice(0, 3000) }),
    );
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (v instanceof EnumValue)
    return /^[_A-Za-z]\w*$/.test(v.name) && !["true", "false", "null"].includes(v.name) ? v.name : JSON.stringify(v.name);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "0";
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(literal).join(", ")}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}: ${literal(x)}`)
    .join(", ")}}`;
}

/** Query root fields a caller may run: a well-formed call is not refused with UNAUTHENTICATED or FORBIDDEN. */
async function openQueries(token: string | undefined): Promise<Set<string>> {
  const open = new Set<string>();
  const gens = generators(pools, false);
  for (const f of Object.values(schema.getQueryType()!.getFields())) {
    // A few well-formed calls: refused for who is asking, or answered (possibly with an input error).
    let refused = false;
    let answered = false;
    for (const root of fc.sample(gens.field(f, 1), { numRuns: 5, seed: 1 })) {
      const { status, text } = await send({ kind: "query", root, hostile: false, broken: false }, token);
      const codes = ((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map(
        (e) => e.extensions?.code,
      );
      if (codes.some((c) => c === "UNAUTHENTICATED" || c === "FORBIDDEN")) refused = true;
      else if (status === 200) answered = true;
    }
    if (answered && !refused) open.add(f.name);
  }
  return open;
}

/** The document and variables; every object selection asks for __typename, which the checks rely on. */
function render(op: Operation): { query: string; variables: Record<string, unknown> } {
  const defs: string[] = [];
  const variables: Record<string, unknown> = {};
  const field = (s: Selected): string => {
    const args = s.args.map((a) => {
      if (a.inline) return `${a.name}: ${literal(a.value)}`;
      const name = `v${defs.length}`;
      defs.push(`$${name}: ${String(a.type)}`);
      variables[name] = a.value;
      return `${a.name}: $${name}`;
    });
    const children = s.children ? ` { __typename ${s.children.map(field).join(" ")} }` : "";
    return `${s.name}${args.length ? `(${args.join(", ")})` : ""}${children}`;
  };
  const body = field(op.root);
  const query = `${op.kind}${defs.length ? `(${defs.join(", ")})` : ""} { ${body} }`;
  return { query: op.broken ? query.slice(0, -1) : query, variables };
}

// ---- the server and what each caller may see ----

let app: TestApp;
let pools: Pools;
let writerToken: string;
let writer: { id: string; email: string };
let partnerKey: string;
const PARTNER_TOPIC = "migration";

interface Visibility {
  /** id → published headline, for articles the caller may see. */
  allowed: Map<string, string>;
  allowedSlugs: Set<string>;
  emails: Set<string>;
}

/** From the database, at the time of the check (a scheduled job may publish meanwhile). */
async function visibility(role: "anonymous" | "partner"): Promise<Visibility> {
  const rows = await app.ds.query<{ id: string; slug: string; headline: string | null; ok: boolean }[]>(
    `SELECT a.id, a.slug, r.headline,
       (a.state = 'PUBLISHED' AND (a.embargo_until IS NULL OR a.embargo_until <= now())
        AND ($1::text IS NULL OR EXISTS (SELECT 1 FROM revision_topics rt JOIN topics t ON t.id = rt.topic_id
                                         WHERE rt.revision_id = a.published_revision_id AND t.slug = $1))) AS ok
     FROM articles a LEFT JOIN article_revisions r ON r.id = a.published_revision_id`,
    [role === "partner" ? PARTNER_TOPIC : null],
  );
  const users = await app.ds.query<{ email: string }[]>(`SELECT email FROM users`);
  const ok = rows.filter((r) => r.ok);
  return {
    allowed: new Map(ok.map((r) => [r.id, r.headline ?? ""])),
    allowedSlugs: new Set(ok.map((r) => r.slug)),
    emails: new Set(users.map((u) => u.email)),
  };
}

type Caller = "anonymous" | "writer" | "partner";

/** Every object in `data` (each was asked for its __typename). */
function objects(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const v of value) objects(v, out);
  else if (value && typeof value === "object") {
    out.push(value as Record<string, unknown>);
    for (const v of Object.values(value)) objects(v, out);
  }
  return out;
}
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (value && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** What in `data` this caller may not have; empty when all is well. */
async function outsideRights(caller: Caller, data: unknown): Promise<string[]> {
  const problems: string[] = [];
  const all = objects(data);
  const forbiddenTypes =
    caller === "writer" ? ADMIN_TYPES : caller === "anonymous" ? [...STAFF_TYPES, ...CHANGE_FEED_TYPES] : STAFF_TYPES;
  for (const o of all) {
    const type = o.__typename as string | undefined;
    if (type && forbiddenTypes.includes(type)) problems.push(`a ${type}`);
    if (caller === "writer" && type === "User" && ((o.id && o.id !== writer.id) || (o.email && o.email !== writer.email)))
      problems.push(`another user: ${JSON.stringify(o)}`);
  }
  for (const s of strings(data)) if (s.startsWith("$argon2")) problems.push("a password hash");
  if (caller === "writer") return problems;

  const articles = all.filter((o) => o.__typename === "Article");
  const leaves = strings(data);
  if (articles.length === 0 && !leaves.some((s) => s.includes("@"))) return problems;
  const v = await visibility(caller);
  for (const s of leaves) if (v.emails.has(s)) problems.push(`a user's email ${s}`);
  const publishedHeadlines = new Set(v.allowed.values());
  for (const a of articles) {
    if (typeof a.id === "string" && !v.allowed.has(a.id)) problems.push(`article ${a.id}`);
    if (typeof a.slug === "string" && !v.allowedSlugs.has(a.slug)) problems.push(`article slug ${a.slug}`);
    if (typeof a.headline === "string") {
      const expected = typeof a.id === "string" ? v.allowed.get(a.id) : undefined;
      if (expected !== undefined ? a.headline !== expected : !publishedHeadlines.has(a.headline))
        problems.push(`a headline readers cannot see: ${a.headline}`);
    }
  }
  return problems;
}

// ---- running ----

interface Stats {
  operations: number;
  queries: number;
  mutations: number;
  hostile: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  withData: number;
  /** Article objects whose id, slug or headline was checked against the caller's rights. */
  articles: number;
  rootFields: Set<string>;
}

async function send(op: Operation, token: string | undefined): Promise<{ status: number; text: string }> {
  const { query, variables } = render(op);
  const res = await fetch(app.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, text: await res.text() };
}

async function fuzz(caller: Caller, seed: number, token: string | undefined, exclude: string[] = []): Promise<Stats> {
  const open = await openQueries(token);
  const stats: Stats = {
    operations: 0,
    queries: 0,
    mutations: 0,
    hostile: 0,
    byStatus: {},
    byCode: {},
    withData: 0,
    articles: 0,
    rootFields: new Set(),
  };
  const property = fc.asyncProperty(operationArb(pools, { exclude, open }), async (op) => {
    const { status, text } = await send(op, token);
    stats.operations++;
    stats[op.kind === "query" ? "queries" : "mutations"]++;
    if (op.hostile) stats.hostile++;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    stats.rootFields.add(op.root.name);
    expect(status, text.slice(0, 500)).toBeLessThan(500);
    const body = JSON.parse(text) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    for (const e of body.errors ?? []) {
      const code = String(e.extensions?.code);
      stats.byCode[code] = (stats.byCode[code] ?? 0) + 1;
      expect(ALLOWED_CODES, `${code}: ${e.message}`).toContain(code);
    }
    const errorText = JSON.stringify(body.errors ?? []);
    for (const leak of LEAKS) expect(errorText, `an error leaked ${leak}`).not.toMatch(leak);
    const data = body.data?.[op.root.name];
    if (data !== undefined && data !== null) stats.withData++;
    // Mutations need a staff session: an anonymous reader or a partner key changes nothing.
    if (op.kind === "mutation" && caller !== "writer" && !["login", "acceptInvite"].includes(op.root.name)) {
      expect(data ?? null, `${caller} ran ${op.root.name}`).toBeNull();
      if (status === 200)
        for (const e of body.errors ?? []) expect(["UNAUTHENTICATED", "FORBIDDEN"]).toContain(e.extensions?.code);
    }
    stats.articles += objects(body.data).filter(
      (o) => o.__typename === "Article" && ("id" in o || "slug" in o || "headline" in o),
    ).length;
    expect(await outsideRights(caller, body.data)).toEqual([]);
  });
  try {
    await fc.assert(property, { numRuns: RUNS_PER_ROLE, seed, endOnFailure: true });
  } catch (err) {
    throw new Error(`fuzzing as ${caller} failed; reproduce with FUZZ_SEED=${SEED}\n${(err as Error).message}`, { cause: err });
  }
  const health = await fetch(app.url.replace(/\/graphql$/, "/healthz"));
  expect(health.status).toBe(200);
  const ready = await fetch(app.url.replace(/\/graphql$/, "/readyz"));
  expect(ready.status).toBe(200);
  console.log(
    `fuzz ${caller} (seed ${seed}): ${stats.operations} operations (${stats.queries} queries, ${stats.mutations} mutations, ${stats.hostile} hostile, ` +
      `${stats.rootFields.size} root fields, ${open.size} queries open to it), ${stats.withData} with data, ${stats.articles} articles checked; statuses ${JSON.stringify(stats.byStatus)}; codes ${JSON.stringify(stats.byCode)}`,
  );
  return stats;
}

beforeAll(async () => {
  app = await startTestApp({ LOG_LEVEL: "silent" });
  // Sorted by stable keys, so that one seed picks the same records in every fresh clone.
  const rows = await app.ds.query<{ kind: string; id: string; slug: string | null }[]>(
    `SELECT 'article' AS kind, id::text, slug, slug AS key FROM articles
     UNION ALL SELECT 'other', id::text, slug, 'actor ' || slug FROM actors
     UNION ALL SELECT 'other', id::text, slug, 'topic ' || slug FROM topics
     UNION ALL SELECT 'other', id::text, slug, 'source ' || slug FROM sources
     UNION ALL SELECT 'other', id::text, slug, 'place ' || slug FROM places
     UNION ALL SELECT 'other', r.id::text, NULL, 'revision ' || a.slug || ' ' || r.number
       FROM article_revisions r JOIN articles a ON a.id = r.article_id
     UNION ALL SELECT 'other', id::text, NULL, 'user ' || email FROM users
     ORDER BY 1, 4`,
  );
  const articles = rows.filter((r) => r.kind === "article");
  const cursors: string[] = [];
  for (const [field, args] of [
    ["articles", ""],
    ["articles", ", orderBy: OLDEST"],
    ["actors", ""],
    ["sources", ""],
    ["topics", ""],
    ["places", ""],
  ]) {
    const page = await app.gql<{ list: { edges: { cursor: string }[] } }, object>(
      `{ list: ${field}(first: 3${args}) { edges { cursor } } }`,
    );
    cursors.push(...expectOk(page).list.edges.map((e) => e.cursor));
  }
  pools = {
    articleIds: articles.map((r) => r.id),
    articleSlugs: articles.map((r) => r.slug!),
    ids: rows.map((r) => r.id),
    slugs: rows.flatMap((r) => (r.slug ? [r.slug] : [])),
    cursors,
  };
  writerToken = await app.loginAs(Role.WRITER);
  writer = expectOk(
    await app.gql<{ me: { id: string; email: string } }, object>(`{ me { id email } }`, {}, { token: writerToken }),
  ).me;
  const admin = await app.loginAs(Role.ADMIN);
  partnerKey = expectOk(
    await app.gql(
      CreatePartnerKeyDocument,
      {
        input: {
          name: "Fuzz partner",
          scopes: ["content:read", "changes:read"],
          rights: { topics: [PARTNER_TOPIC] },
          rateLimitPerMinute: 100_000,
        },
      },
      { token: admin },
    ),
  ).createPartnerKey.key;
  console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} to repeat), ${RUNS_PER_ROLE} operations per role`);
});
afterAll(() => app?.close());

describe("schema-aware fuzzing", () => {
  it("its rights check recognises a draft, a pending edit, an article outside a partner's rights and staff data", async () => {
    const [draft] = await app.ds.query<{ id: string; slug: string; headline: string }[]>(
      `SELECT a.id, a.slug, r.headline FROM articles a JOIN article_revisions r ON r.id = a.head_revision_id WHERE a.state = 'DRAFT' LIMIT 1`,
    );
    const [pending] = await app.ds.query<{ id: string; headline: string }[]>(
      `SELECT a.id, r.headline FROM articles a JOIN article_revisions r ON r.id = a.head_revision_id
       WHERE a.state = 'PUBLISHED' AND a.head_revision_id <> a.published_revision_id LIMIT 1`,
    );
    const [offRights] = await app.ds.query<{ id: string }[]>(
      `SELECT a.id FROM articles a WHERE a.state = 'PUBLISHED' AND NOT EXISTS (SELECT 1 FROM revision_topics rt
         JOIN topics t ON t.id = rt.topic_id WHERE rt.revision_id = a.published_revision_id AND t.slug = $1) LIMIT 1`,
      [PARTNER_TOPIC],
    );
    const article = (o: object) => ({ article: { __typename: "Article", ...o } });
    expect(await outsideRights("anonymous", article({ id: draft!.id }))).not.toEqual([]);
    expect(await outsideRights("anonymous", article({ slug: draft!.slug }))).not.toEqual([]);
    expect(await outsideRights("anonymous", article({ headline: draft!.headline }))).not.toEqual([]);
    expect(await outsideRights("anonymous", article({ id: pending!.id, headline: pending!.headline }))).not.toEqual([]);
    expect(await outsideRights("anonymous", article({ id: offRights!.id }))).toEqual([]);
    expect(await outsideRights("partner", article({ id: offRights!.id }))).not.toEqual([]);
    expect(await outsideRights("anonymous", { me: { __typename: "User", id: writer.id } })).not.toEqual([]);
    expect(await outsideRights("writer", { users: { __typename: "UserConnection" } })).not.toEqual([]);
    expect(await outsideRights("writer", { me: { __typename: "User", id: writer.id, email: writer.email } })).toEqual([]);
    expect([...ALLOWED_CODES].filter((c) => !PUBLIC_CODES.has(c))).toEqual([]);
  });

  // The writer goes first: whatever it creates is then something the others must not see.
  it(
    "as a WRITER: no 500, known codes, nothing admin-only",
    async () => {
      // logout would end the session the rest of the run uses.
      const s = await fuzz("writer", SEED, writerToken, ["logout"]);
      expect(s.operations).toBe(RUNS_PER_ROLE);
    },
    TIME_LIMIT_MS,
  );

  it(
    "as an anonymous reader: no 500, known codes, only public articles, no mutation accepted",
    async () => {
      const s = await fuzz("anonymous", SEED + 1, undefined);
      expect(s.operations).toBe(RUNS_PER_ROLE);
    },
    TIME_LIMIT_MS,
  );

  it(
    "as a partner key limited to one topic: no 500, known codes, only articles within its rights",
    async () => {
      const s = await fuzz("partner", SEED + 2, partnerKey);
      expect(s.operations).toBe(RUNS_PER_ROLE);
    },
    TIME_LIMIT_MS,
  );
});
