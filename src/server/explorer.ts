import fs from "node:fs";
import path from "node:path";
import express from "express";
import {
  Kind,
  parse,
  print,
  visit,
  type DefinitionNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type TypeNode,
} from "graphql";
import type { Logger } from "../shared/logger";
import { explorerBundle, sourcePath, type ExplorerBundle } from "./explorer-bundle";
import { sendError } from "./graphql-request";
import { TRUSTED_DOCUMENTS } from "./trusted-documents";

/**
 * GET /graphql with Accept: text/html serves the explorer (GraphiQL, bundled by
 * explorer-bundle.ts, no outside request); its files are served from memory under
 * /explorer/<build id>/. Every other request to /graphql passes through to the API.
 */

export const EXPLORER_ASSETS = "/explorer";

export interface ExplorerExample {
  name: string;
  kind: "query" | "mutation" | "subscription";
  group: string;
  document: string;
  variables: string;
}

const GROUP_ORDER = ["reader", "editorial", "partner", "subscriptions"];

/** A placeholder for a required variable, so an example opens ready to fill in. */
function placeholder(type: TypeNode): unknown {
  if (type.kind === Kind.LIST_TYPE) return [];
  if (type.kind === Kind.NON_NULL_TYPE) return placeholder(type.type);
  switch (type.name.value) {
    case "Int":
      return 10;
    case "Float":
      return 0;
    case "Boolean":
      return false;
    case "String":
    case "ID":
      return "";
    case "DateTimeISO":
      return new Date(Date.UTC(2030, 0, 1)).toISOString();
    default:
      return type.name.value.endsWith("Input") || type.name.value.endsWith("Filter") ? {} : null;
  }
}

/** The named operations of src/client/operations, each with the fragments it uses, read at start. */
export function loadExamples(dir = sourcePath("src", "client", "operations")): ExplorerExample[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".graphql"));
  const parsed = files.map((file) => ({
    group: path.basename(file, ".graphql"),
    defs: parse(fs.readFileSync(path.join(dir, file), "utf8")).definitions,
  }));
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of parsed.flatMap((p) => p.defs)) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  const used = (node: DefinitionNode, seen = new Set<string>()): Set<string> => {
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (seen.has(name) || !fragment) return;
        seen.add(name);
        used(fragment, seen);
      },
    });
    return seen;
  };

  const examples: ExplorerExample[] = [];
  for (const { group, defs } of parsed) {
    for (const def of defs) {
      if (def.kind !== Kind.OPERATION_DEFINITION || !def.name) continue;
      const op: OperationDefinitionNode = def;
      const variables = Object.fromEntries(
        (op.variableDefinitions ?? [])
          .filter((v) => v.type.kind === Kind.NON_NULL_TYPE && !v.defaultValue)
          .map((v) => [v.variable.name.value, placeholder(v.type)]),
      );
      const document = [op, ...[...used(op)].sort().map((n) => fragments.get(n)!)].map((d) => print(d)).join("\n\n");
      examples.push({
        name: op.name!.value,
        kind: op.operation,
        group,
        document,
        variables: Object.keys(variables).length ? JSON.stringify(variables, null, 2) : "",
      });
    }
  }
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  return examples.sort((a, b) => rank(a.group) - rank(b.group) || a.group.localeCompare(b.group));
}

/** The trusted-document text and hash of a named operation, so sign-in also works with TRUSTED_DOCUMENTS=required. */
function trusted(name: string, examples: ExplorerExample[]): { query: string; sha256Hash: string | null } {
  for (const [hash, doc] of TRUSTED_DOCUMENTS) {
    const def = parse(doc).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (def?.kind === Kind.OPERATION_DEFINITION && def.name?.value === name) return { query: doc, sha256Hash: hash };
  }
  const example = examples.find((e) => e.name === name);
  if (!example) throw new Error(`The explorer's sign-in needs the ${name} operation in src/client/operations`);
  return { query: example.document, sha256Hash: null };
}

/**
 * The page's policy. Scripts only from our own origin: no inline script, no eval. The
 * relaxations and why: `style-src 'unsafe-inline'` because Monaco and GraphiQL write
 * generated <style> elements at run time (a style cannot run script); `font-src data:` for
 * GraphiQL's fonts, inlined in its CSS; `img-src data:` for its inline SVG icons;
 * `worker-src 'self'` for Monaco's language workers, served beside the bundle.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** JSON that is safe inside <script type="application/json">: no "</script>" or "<!--" can form. */
function jsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

function page(bundle: ExplorerBundle, config: unknown): string {
  const base = `${EXPLORER_ASSETS}/${bundle.id}`;
  const css = [...bundle.assets.keys()].filter((n) => n.endsWith(".css"));
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>Newsgraph explorer</title>",
    ...css.map((n) => `<link rel="stylesheet" href="${base}/${n}">`),
    `<script type="application/json" id="explorer-config">${jsonForHtml(config)}</script>`,
    `<script type="module" src="${base}/main.js"></script>`,
    "</head>",
    '<body><div id="explorer"></div></body>',
    "</html>",
  ].join("\n");
}

function wantsHtml(req: express.Request): boolean {
  // Only a client that prefers HTML gets it: JSON, GraphQL responses, */* and no Accept header go to the API.
  return req.accepts(["application/graphql-response+json", "application/json", "text/html"]) === "text/html";
}

export function explorerRouter(opts: { log: Logger }): express.Router {
  const examples = loadExamples();
  const config = { endpoint: "/graphql", examples, login: trusted("Login", examples), logout: trusted("Logout", examples) };
  const router = express.Router();
  // Built (or read from the cache) while the server starts, rather than on the first visit.
  explorerBundle().catch((err: unknown) => opts.log.error({ err }, "the explorer's bundle could not be built"));

  const unavailable = (res: express.Response, err: unknown) => {
    opts.log.error({ err }, "the explorer's bundle could not be built");
    sendError(res, "SERVICE_UNAVAILABLE", "The explorer is not available: its bundle could not be built (see the server log).");
  };

  router.get("/graphql", (req, res, next) => {
    if (!wantsHtml(req)) return next();
    explorerBundle().then(
      (bundle) => {
        res.set({
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-cache",
          "content-security-policy": EXPLORER_CSP,
          vary: "accept",
        });
        res.send(page(bundle, config));
      },
      (err: unknown) => unavailable(res, err),
    );
  });

  router.get(`${EXPLORER_ASSETS}/:build/:file`, (req, res) => {
    explorerBundle().then(
      (bundle) => {
        // Only the files of the current build, by exact name, from memory: no path reaches the disk.
        const asset = req.params.build === bundle.id ? bundle.assets.get(req.params.file) : undefined;
        if (!asset) return sendError(res, "NOT_FOUND", "No such explorer file.");
        const gzip = req.acceptsEncodings("gzip", "identity") === "gzip";
        res.set({
          "content-type": asset.type,
          "cache-control": "public, max-age=31536000, immutable",
          etag: asset.etag,
          vary: "accept-encoding",
          ...(gzip ? { "content-encoding": "gzip" } : {}),
        });
        if (req.headers["if-none-match"] === asset.etag) return void res.status(304).end();
        res.send(gzip ? asset.gzip : asset.body);
      },
      (err: unknown) => unavailable(res, err),
    );
  });
  return router;
}
