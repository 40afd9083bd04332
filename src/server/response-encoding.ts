import { createHash } from "node:crypto";
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import express, { type Request } from "express";
import { ALL_KEY } from "../modules/outbox";
import type { CachedResponse } from "./response-cache";

/*
 * The representations of a public answer: identity, gzip and brotli, compressed once when the
 * answer is stored (on the thread pool, not the event loop) and kept with the cache entry, and
 * the headers of each computed once per entry. A cache hit is then a lookup, a choice by
 * Accept-Encoding and one write. Hand-written rather than the `compression` middleware, which
 * compresses every response again on every request, the cost this file exists to avoid.
 */

/** Below this, compression saves less than it costs (headers, a round of zlib per store). */
export const COMPRESS_MIN_BYTES = 1024;

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * The entry with its gzip and brotli bodies. Brotli at quality 5, not the default 11: an answer
 * is compressed again on every miss (every purge, every max-age), and 11 costs about ten times
 * the CPU for a few per cent fewer bytes.
 */
export async function withEncodings(entry: CachedResponse): Promise<CachedResponse> {
  const body = Buffer.from(entry.body);
  if (body.length < COMPRESS_MIN_BYTES) return entry;
  const [gz, br] = await Promise.all([
    gzipAsync(body),
    brotliAsync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      },
    }),
  ]);
  return { ...entry, gzip: gz, br };
}

export type Encoding = "identity" | "gzip" | "br";

interface Representation {
  body: Buffer;
  etag: string;
  /** Everything but Age, X-Cache and Vary (Vary is merged with what CORS may have set). */
  headers: OutgoingHttpHeaders;
}

type Prepared = Record<Encoding, Representation | undefined> & { vary: string };

/** Per entry object: a memory-cache entry is prepared on its first hit, never again. */
const prepared = new WeakMap<CachedResponse, Prepared>();

/** A strong validator per representation: the same content compressed is another byte sequence. */
const etagOf = (base: string, encoding: Encoding) =>
  encoding === "identity" ? base : `"${createHash("sha1").update(`${base}:${encoding}`).digest("base64url")}"`;

function prepare(entry: CachedResponse): Prepared {
  let p = prepared.get(entry);
  if (p) return p;
  const common: OutgoingHttpHeaders = Object.fromEntries(entry.headers.filter(([k]) => k !== "vary"));
  common["surrogate-key"] = [...entry.tags, ALL_KEY].join(" ");
  const rep = (body: Buffer | undefined, encoding: Encoding): Representation | undefined => {
    if (!body) return undefined;
    const etag = etagOf(entry.etag, encoding);
    const headers: OutgoingHttpHeaders = { ...common, etag, "content-length": body.length };
    if (encoding !== "identity") headers["content-encoding"] = encoding;
    return { body, etag, headers };
  };
  const compressed = Boolean(entry.gzip && entry.br);
  p = {
    identity: rep(Buffer.from(entry.body), "identity"),
    gzip: rep(entry.gzip, "gzip"),
    br: rep(entry.br, "br"),
    vary: compressed ? "accept, authorization, accept-encoding" : "accept, authorization",
  };
  prepared.set(entry, p);
  return p;
}

/** The representation the client accepts (its own order of preference), identity without Accept-Encoding. */
export function negotiate(req: IncomingMessage, entry: CachedResponse): { rep: Representation; vary: string } {
  const p = prepare(entry);
  let choice: Encoding = "identity";
  if (p.br && req.headers["accept-encoding"]) {
    // Express's negotiation (the `accepts` package), also for a request that never went through Express (cache-hit.ts).
    const best = express.request.acceptsEncodings.call(req as Request, "br", "gzip", "identity");
    if (best === "br" || best === "gzip") choice = best;
  }
  return { rep: p[choice] ?? p.identity!, vary: p.vary };
}
