import path from "node:path";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface Config {
  nodeEnv: "development" | "production" | "test";
  host: string;
  port: number;
  /** null means: run the embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  embeddedPgPort: number;
  dbPoolSize: number;
  /** Streaming replicas of DATABASE_URL for public reads (src/db/replicas.ts); [] for none. */
  replicas: { urls: string[]; maxLagMs: number; pollMs: number };
  migrationsRun: boolean;
  /** Load the demo story on start when the database holds no articles. Never in production. */
  seedDemo: boolean;
  /** Production on the embedded PostgreSQL, asked for explicitly (EMBEDDED_IN_PRODUCTION=true). */
  embeddedInProduction: boolean;
  logLevel: LogLevel;
  /** auto: pretty on a terminal outside production, JSON otherwise. */
  logFormat: "auto" | "pretty" | "json";
  sessionTtlHours: number;
  /** How long an Idempotency-Key and its stored response are kept. */
  idempotencyTtlHours: number;
  /** After this, a claim whose request never finished (its process died) may be taken over by a retry. */
  idempotencyLeaseSeconds: number;
  /** Reverse proxies in front of the server whose X-Forwarded-For is believed; 0 ignores the header. */
  trustProxy: number;
  /** Failed sign-ins allowed per account and per client address within `windowSeconds` (also the block). */
  loginThrottle: { perAccount: number; perAddress: number; windowSeconds: number };
  /** Audit rows written per minute for mutations from one unauthenticated client address. */
  auditUnauthenticatedPerMinute: number;
  cacheMaxAgeSeconds: number;
  /** URLs per article sitemap file (sitemaps.org allows at most 50,000). */
  sitemapUrlsPerFile: number;
  /** Anonymous queries over the public read model answered by one compiled SQL statement (src/server/compiled-reads). */
  compiledReads: "on" | "off";
  /** Response cache for anonymous GraphQL queries: off, in this process, or shared in Redis. */
  responseCache: "off" | "memory" | "redis";
  redisUrl: string | null;
  responseCacheMaxMb: number;
  /** required: anonymous clients may only run documents from the trusted-document manifest. */
  trustedDocuments: "off" | "required";
  /** Open WebSocket connections allowed per client address (as derived with trustProxy). */
  wsMaxConnectionsPerClient: number;
  /** V8's old-space growth after a full GC, in percent of what survived it; 0: V8's own factor (main.ts). */
  heapGrowthPercent: number;
  /** Where to POST surrogate keys to purge when content changes (a CDN's purge API); null: none. */
  cdnPurgeUrl: string | null;
  cdnPurgeToken: string | null;
  introspection: boolean;
  /** Serve the explorer (GraphiQL) at GET /graphql for browsers; needs introspection. */
  explorer: boolean;
  /** Serve the Editorial Studio at /studio (built with Vite on first start). */
  studio: boolean;
  /** Run the scheduled-job runner in this process. */
  jobsRun: boolean;
  jobsPollMs: number;
  webhooksRun: boolean;
  /** Public origin of the site, for links and ids in ninjs, feeds and JSON-LD. */
  publicBaseUrl: string;
  /** An article's public page: an http(s) URL with `{slug}` (default PUBLIC_BASE_URL/articles/{slug}). */
  articleUrlPattern: string;
  /** The site's preview page with {token}, or "" (no site: the Studio previews itself). */
  previewUrlPattern: string;
  publisherName: string;
  /** Origins whose pages may call the API from a browser (CORS); "*": any page, never with credentials; []: none. */
  corsOrigins: "*" | string[];
  webhooks: {
    /** How often the delivery pool looks for retries that fell due (new work wakes it by NOTIFY). */
    pollMs: number;
    /** Deliveries and CDN purges this process runs at once (the delivery pool's workers). */
    concurrency: number;
    /** First retry delay of a failed delivery; doubles with each attempt, with ±50% jitter. */
    retryBaseMs: number;
    maxAttempts: number;
    /** Consecutive failed attempts after which a webhook is disabled. */
    disableAfter: number;
    timeoutMs: number;
    /** Receivers on loopback, private and link-local addresses are allowed (development and tests only). */
    allowPrivate: boolean;
    /** Ports no receiver may use: the database's (see src/shared/outbound.ts for the privileged ones). */
    refusedPorts: number[];
    /** Webhooks per partner key, and for the admins' own set. */
    maxPerOwner: number;
  };
  /** Prometheus metrics: off unless a port of their own or a token is set (never public by default). */
  metrics: {
    /** A listener of their own for GET /metrics (null: none; 0: any free port, for tests). */
    port: number | null;
    /** Interface of that listener (default 127.0.0.1: reachable from this machine only). */
    host: string;
    /** Bearer token required to scrape; with no port of their own, /metrics is served on the public port behind it. */
    token: string | null;
  };
  /** OpenTelemetry traces (read before anything else loads, by src/tracing.ts; here for validation and --help). */
  tracing: { endpoint: string | null; serviceName: string };
  media: {
    /** Largest upload accepted, in bytes (larger ones are refused with 413 while streaming). */
    maxBytes: number;
    /** Largest image accepted, in pixels (width × height), against decompression bombs. */
    maxPixels: number;
    /** Blobs without a row are deleted by the orphan sweep once older than this. */
    orphanGraceSeconds: number;
    /** An S3-compatible bucket for media files (S3_BUCKET set); null: files on disk under DATA_DIR/media. */
    s3: {
      bucket: string;
      endpoint: string | null;
      region: string;
      prefix: string;
      credentials: { accessKeyId: string; secretAccessKey: string } | null;
      forcePathStyle: boolean;
    } | null;
  };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/** Every environment variable the server reads, with its meaning; README mirrors this list. */
export const ENV_DOC: Record<string, string> = {
  NODE_ENV: "development (default), production or test",
  HOST: "interface to listen on (default 0.0.0.0)",
  PORT: "HTTP port (default 4000)",
  DATABASE_URL: "postgres:// URL of a PostgreSQL 15+ server; unset runs the embedded PostgreSQL",
  DATA_DIR: "where the embedded PostgreSQL keeps its data, and media files unless S3_BUCKET is set (default ./.data)",
  EMBEDDED_PG_PORT: "port of the embedded PostgreSQL on 127.0.0.1 (default 54329)",
  DB_POOL_SIZE: "connections in the pool (default 10)",
  MIGRATIONS_RUN: "run pending migrations on start (default true)",
  SEED_DEMO:
    "load the demo story, with its demo editor and admin, when the database has no articles (default true on the embedded database, false otherwise; refused with NODE_ENV=production)",
  EMBEDDED_IN_PRODUCTION:
    "true lets NODE_ENV=production run on the embedded PostgreSQL under DATA_DIR (default false: production needs DATABASE_URL); never with demo data",
  LOG_LEVEL: "fatal, error, warn, info (default), debug, trace or silent",
  LOG_FORMAT: "auto (default: readable lines when stdout is a terminal outside production, JSON otherwise), pretty or json",
  SESSION_TTL_HOURS: "lifetime of an editorial session (default 12)",
  IDEMPOTENCY_TTL_HOURS: "how long an Idempotency-Key and the response it replays are kept (default 24)",
  IDEMPOTENCY_LEASE_SECONDS:
    "after this many seconds a retry may take over a key whose first request never finished, e.g. its process died (default 60)",
  TRUST_PROXY:
    "number of reverse proxies in front of the server whose X-Forwarded-For to believe (true means 1); default 0 uses the socket address",
  LOGIN_MAX_FAILURES_PER_ACCOUNT: "failed sign-ins per account (email) before its logins are refused for a while (default 5)",
  LOGIN_MAX_FAILURES_PER_ADDRESS: "failed sign-ins per client address before its logins are refused for a while (default 50)",
  LOGIN_THROTTLE_SECONDS: "window in which failed sign-ins are counted, and how long a blocked account waits (default 900)",
  AUDIT_UNAUTHENTICATED_PER_MINUTE:
    "audit rows per minute for mutations from one unauthenticated client address; past it they are counted in a log line (default 30)",
  CACHE_MAX_AGE: "max-age in seconds for public published content (default 60)",
  COMPILED_READS:
    "on (default): anonymous queries over published articles and actors are answered by one compiled SQL statement, the same bytes as GraphQL execution; off: always by GraphQL execution",
  RESPONSE_CACHE: "response cache for anonymous queries: off, memory or redis (default redis when REDIS_URL is set, else memory)",
  REDIS_URL: "redis:// URL; shares the response cache and persisted queries between instances",
  RESPONSE_CACHE_MAX_MB: "size of the in-memory response cache in MiB (default 64)",
  TRUSTED_DOCUMENTS:
    "required: anonymous clients may only run operations from src/client/generated/persisted-documents.json, by hash; off (default) accepts any query",
  WS_MAX_CONNECTIONS_PER_CLIENT:
    "open WebSocket (subscription) connections per client address; more are refused with 429 (default 20)",
  HEAP_GROWTH_PERCENT:
    "how far the JavaScript heap may grow past what survived the last full garbage collection before the next one, in percent (default 100; 0: V8's own factor, up to 300%)",
  CDN_PURGE_URL: "URL that receives a POST with the surrogate keys to purge whenever content changes (unset: no CDN purges)",
  CDN_PURGE_TOKEN: "bearer token sent with CDN purge requests",
  INTROSPECTION: "allow schema introspection (default true outside production)",
  STUDIO:
    "serve the Editorial Studio at /studio, built on first start when missing or stale (default true, false with NODE_ENV=test)",
  EXPLORER:
    "serve the explorer (GraphiQL, bundled, no CDN) to browsers at GET /graphql (default true in development when introspection is on, false otherwise; true needs INTROSPECTION=true)",
  JOBS_RUN: "run scheduled publishes and embargo lifts in this process (default true)",
  JOBS_POLL_MS: "how often the job runner looks for due jobs, in milliseconds (default 1000)",
  WEBHOOKS_RUN: "deliver webhooks (and CDN purges) from this process (default true)",
  WEBHOOKS_CONCURRENCY: "webhook deliveries and CDN purges this process runs at once (default 4)",
  PUBLIC_BASE_URL: "public origin of the site, used in ninjs, feeds and JSON-LD (default http://localhost:PORT)",
  PREVIEW_URL_PATTERN:
    "the reader-facing site's preview page, with {token} where a preview token goes, e.g. https://news.example/preview/{token} (the reference site's); createPreviewToken then answers the link as url, and the Studio opens previews there (unset: the Studio shows them itself)",
  ARTICLE_URL_PATTERN:
    "an article's page on the reader-facing site, with {slug} where the slug goes, e.g. https://news.example/articles/{slug}; the links in ninjs, feeds and JSON-LD (and their ids, with the article's id for {slug}) follow it (default PUBLIC_BASE_URL/articles/{slug})",
  PUBLISHER_NAME: "publisher and rights holder named in syndication output (default Newsgraph)",
  SITEMAP_URLS_PER_FILE: "articles per sitemap file listed by /sitemap.xml, 1 to 50000 (default 50000)",
  CORS_ORIGINS:
    "origins whose pages may call the API from a browser, comma-separated (https://news.example,https://studio.example), or * for any; unset: none",
  WEBHOOKS_POLL_MS: "how often the delivery queue looks for retries that fell due, in milliseconds (default 500)",
  WEBHOOK_RETRY_BASE_MS: "first retry delay of a failed delivery; doubles per attempt, with jitter (default 1000)",
  WEBHOOK_MAX_ATTEMPTS: "attempts before a delivery is marked FAILED (default 8)",
  WEBHOOK_DISABLE_AFTER: "consecutive failed attempts after which a webhook is disabled (default 20)",
  WEBHOOK_ALLOW_PRIVATE:
    "true lets webhooks reach loopback, private, link-local and other non-public addresses and any port, for development and tests (default false; a configuration error with NODE_ENV=production)",
  WEBHOOKS_MAX_PER_KEY: "webhooks each partner key may register, and the admins' own set (default 10)",
  MEDIA_MAX_BYTES: "largest media upload accepted, in bytes (default 26214400, 25 MiB)",
  MEDIA_MAX_PIXELS: "largest image accepted, in pixels, width times height (default 100000000)",
  S3_BUCKET: "store media files in this S3 bucket instead of DATA_DIR/media (shared by every instance)",
  S3_ENDPOINT: "URL of an S3-compatible server (MinIO, R2, …); unset uses AWS S3",
  S3_REGION: "region of the bucket (default us-east-1)",
  S3_PREFIX: "key prefix for media files in the bucket (default media/)",
  S3_ACCESS_KEY_ID: "access key for the bucket; unset uses the AWS SDK's default credential chain",
  S3_SECRET_ACCESS_KEY: "secret for S3_ACCESS_KEY_ID",
  S3_FORCE_PATH_STYLE: "address the bucket as a path, not a subdomain (default true with S3_ENDPOINT)",
  METRICS_PORT:
    "serve Prometheus metrics at GET /metrics on this port of their own (unset: no such listener; metrics are off unless METRICS_TOKEN is set)",
  METRICS_HOST: "interface of the METRICS_PORT listener (default 127.0.0.1: only this machine can scrape)",
  METRICS_TOKEN:
    "bearer token (32+ characters) a scraper must send; without METRICS_PORT, /metrics is served on the public port behind it",
  OTEL_EXPORTER_OTLP_ENDPOINT:
    "OTLP/HTTP endpoint of an OpenTelemetry collector, e.g. http://otel-collector:4318; set, traces are exported (unset: tracing off, the SDK is not loaded)",
  OTEL_SERVICE_NAME: "service name on exported traces (default newsgraph)",
  MEDIA_ORPHAN_GRACE_SECONDS: "media files with no asset row are deleted by the orphan sweep once older than this (default 3600)",
};

/** A comma-separated list of origins (scheme://host[:port]), or * alone. */
function origins(env: Env, name: string, problems: string[]): "*" | string[] {
  const list = (env[name] ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  if (list.includes("*")) {
    if (list.length > 1) problems.push(`${name}: * stands alone (any origin); remove the other entries or the *`);
    return "*";
  }
  for (const o of list) {
    let origin: string | null = null;
    try {
      const u = new URL(o);
      if (u.protocol === "http:" || u.protocol === "https:") origin = u.origin;
    } catch {
      // reported below
    }
    if (origin !== o)
      problems.push(
        `${name}: ${JSON.stringify(o)} is not an origin; write scheme://host[:port] with no path, e.g. https://news.example`,
      );
  }
  return list;
}

function int(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${name}=${JSON.stringify(raw)} is not a whole number; use a value from ${min} to ${max}`);
    return fallback;
  }
  const n = Number(raw);
  if (n < min || n > max) problems.push(`${name}=${raw} is out of range; use a value from ${min} to ${max}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  problems.push(`${name}=${JSON.stringify(env[name])} is not a boolean; use true or false`);
  return fallback;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T, problems: string[]): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  problems.push(`${name}=${JSON.stringify(raw)} is not one of ${allowed.join(", ")}`);
  return fallback;
}

function urlOrNull(env: Env, name: string, protocols: string[], problems: string[]): string | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  try {
    if (protocols.includes(new URL(raw).protocol)) return raw;
  } catch {
    // reported below
  }
  problems.push(`${name} must be a ${protocols.map((p) => `${p}//`).join(" or ")} URL`);
  return null;
}

/** DATABASE_REPLICA_URLS: comma-separated postgres:// URLs, each a streaming standby of DATABASE_URL. */
function replicaUrls(env: Env, databaseUrl: string | null, problems: string[]): string[] {
  const raw = env.DATABASE_REPLICA_URLS?.trim();
  if (!raw) return [];
  const urls = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  urls.forEach((url, i) => {
    let ok = false;
    try {
      const u = new URL(url);
      ok = u.protocol === "postgres:" || u.protocol === "postgresql:";
    } catch {
      // reported below
    }
    if (!ok)
      problems.push(
        `DATABASE_REPLICA_URLS entry ${i + 1} is not a postgres:// URL; expected postgres://user:pass@replica:5432/db,...`,
      );
  });
  if (!databaseUrl)
    problems.push(
      "DATABASE_REPLICA_URLS needs DATABASE_URL: replicas stream from a primary you run, not from the embedded PostgreSQL",
    );
  return urls;
}

function articleUrlPatternProblem(pattern: string): string | null {
  return urlPatternProblem("ARTICLE_URL_PATTERN", pattern, "{slug}", "https://news.example/articles/{slug}");
}

/** An http(s) URL with `hole` where a value goes, outside the host name; else what is wrong with it. */
function urlPatternProblem(name: string, pattern: string, hole: string, sample: string): string | null {
  const example = `e.g. ${sample}`;
  const what = hole.slice(1, -1);
  if (!pattern.includes(hole)) return `${name} must contain ${hole} where the ${what} goes; ${example}`;
  try {
    const u = new URL(pattern.replaceAll(hole, "a-value"));
    if (u.protocol !== "http:" && u.protocol !== "https:") return `${name} must be an http(s) URL; ${example}`;
    if (u.host.includes("a-value")) return `${name} must keep ${hole} out of the host name; ${example}`;
  } catch {
    return `${name} is not a URL; ${example}`;
  }
  return null;
}

function s3Settings(env: Env, problems: string[]): Config["media"]["s3"] {
  const bucket = env.S3_BUCKET?.trim();
  const endpoint = urlOrNull(env, "S3_ENDPOINT", ["http:", "https:"], problems);
  if (!bucket) {
    if (endpoint) problems.push("S3_ENDPOINT is set but S3_BUCKET is not; name the bucket for media files");
    return null;
  }
  const accessKeyId = env.S3_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY?.trim();
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey))
    problems.push("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together; set both, or neither for the default credential chain");
  const prefix = env.S3_PREFIX?.trim() ?? "media/";
  if (!/^([\w.-]+\/)*$/.test(prefix)) problems.push("S3_PREFIX must be empty or path segments ending in /, e.g. media/");
  return {
    bucket,
    endpoint,
    region: env.S3_REGION?.trim() || "us-east-1",
    prefix,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : null,
    forcePathStyle: bool(env, "S3_FORCE_PATH_STYLE", endpoint !== null, problems),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const nodeEnv = oneOf(env, "NODE_ENV", ["development", "production", "test"] as const, "development", problems);
  let databaseUrl: string | null = env.DATABASE_URL?.trim() || null;
  if (databaseUrl) {
    try {
      const u = new URL(databaseUrl);
      if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") {
        problems.push(`DATABASE_URL must start with postgres:// or postgresql:// (got ${u.protocol}//)`);
      }
    } catch {
      problems.push("DATABASE_URL is not a valid URL; expected postgres://user:password@host:5432/database");
      databaseUrl = null;
    }
  }
  const redisUrl = urlOrNull(env, "REDIS_URL", ["redis:", "rediss:"], problems);
  const config: Config = {
    nodeEnv,
    host: env.HOST?.trim() || "0.0.0.0",
    port: int(env, "PORT", 4000, 0, 65535, problems),
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || ".data"),
    embeddedPgPort: int(env, "EMBEDDED_PG_PORT", 54329, 1024, 65535, problems),
    dbPoolSize: int(env, "DB_POOL_SIZE", 10, 1, 200, problems),
    replicas: {
      urls: replicaUrls(env, databaseUrl, problems),
      maxLagMs: int(env, "DATABASE_REPLICA_MAX_LAG_MS", 10_000, 0, 3_600_000, problems),
      pollMs: int(env, "DATABASE_REPLICA_POLL_MS", 75, 10, 60_000, problems),
    },
    migrationsRun: bool(env, "MIGRATIONS_RUN", true, problems),
    seedDemo: bool(env, "SEED_DEMO", databaseUrl === null && nodeEnv !== "production", problems),
    embeddedInProduction: bool(env, "EMBEDDED_IN_PRODUCTION", false, problems),
    logLevel: oneOf(env, "LOG_LEVEL", ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const, "info", problems),
    logFormat: oneOf(env, "LOG_FORMAT", ["auto", "pretty", "json"] as const, "auto", problems),
    sessionTtlHours: int(env, "SESSION_TTL_HOURS", 12, 1, 24 * 30, problems),
    idempotencyTtlHours: int(env, "IDEMPOTENCY_TTL_HOURS", 24, 1, 24 * 30, problems),
    idempotencyLeaseSeconds: int(env, "IDEMPOTENCY_LEASE_SECONDS", 60, 1, 3600, problems),
    // A boolean means one proxy (true) or none (false); otherwise the number of proxies.
    trustProxy: /^\d*$/.test(env.TRUST_PROXY?.trim() ?? "")
      ? int(env, "TRUST_PROXY", 0, 0, 10, problems)
      : Number(bool(env, "TRUST_PROXY", false, problems)),
    loginThrottle: {
      perAccount: int(env, "LOGIN_MAX_FAILURES_PER_ACCOUNT", 5, 1, 1000, problems),
      perAddress: int(env, "LOGIN_MAX_FAILURES_PER_ADDRESS", 50, 1, 100_000, problems),
      windowSeconds: int(env, "LOGIN_THROTTLE_SECONDS", 900, 1, 86_400, problems),
    },
    auditUnauthenticatedPerMinute: int(env, "AUDIT_UNAUTHENTICATED_PER_MINUTE", 30, 1, 100_000, problems),
    cacheMaxAgeSeconds: int(env, "CACHE_MAX_AGE", 60, 0, 86400, problems),
    sitemapUrlsPerFile: int(env, "SITEMAP_URLS_PER_FILE", 50_000, 1, 50_000, problems),
    compiledReads: oneOf(env, "COMPILED_READS", ["on", "off"] as const, "on", problems),
    responseCache: oneOf(env, "RESPONSE_CACHE", ["off", "memory", "redis"] as const, redisUrl ? "redis" : "memory", problems),
    redisUrl,
    responseCacheMaxMb: int(env, "RESPONSE_CACHE_MAX_MB", 64, 1, 65536, problems),
    trustedDocuments: oneOf(env, "TRUSTED_DOCUMENTS", ["off", "required"] as const, "off", problems),
    wsMaxConnectionsPerClient: int(env, "WS_MAX_CONNECTIONS_PER_CLIENT", 20, 1, 100_000, problems),
    heapGrowthPercent: int(env, "HEAP_GROWTH_PERCENT", 100, 0, 300, problems),
    cdnPurgeUrl: urlOrNull(env, "CDN_PURGE_URL", ["http:", "https:"], problems),
    cdnPurgeToken: env.CDN_PURGE_TOKEN?.trim() || null,
    introspection: bool(env, "INTROSPECTION", nodeEnv !== "production", problems),
    explorer: false,
    studio: false,
    jobsRun: bool(env, "JOBS_RUN", true, problems),
    jobsPollMs: int(env, "JOBS_POLL_MS", 1000, 50, 60_000, problems),
    webhooksRun: bool(env, "WEBHOOKS_RUN", true, problems),
    publicBaseUrl: env.PUBLIC_BASE_URL?.trim() || "",
    articleUrlPattern: env.ARTICLE_URL_PATTERN?.trim() || "",
    previewUrlPattern: env.PREVIEW_URL_PATTERN?.trim() || "",
    publisherName: env.PUBLISHER_NAME?.trim() || "Newsgraph",
    corsOrigins: origins(env, "CORS_ORIGINS", problems),
    webhooks: {
      pollMs: int(env, "WEBHOOKS_POLL_MS", 500, 20, 60_000, problems),
      concurrency: int(env, "WEBHOOKS_CONCURRENCY", 4, 1, 50, problems),
      retryBaseMs: int(env, "WEBHOOK_RETRY_BASE_MS", 1000, 10, 3_600_000, problems),
      maxAttempts: int(env, "WEBHOOK_MAX_ATTEMPTS", 8, 1, 100, problems),
      disableAfter: int(env, "WEBHOOK_DISABLE_AFTER", 20, 1, 10_000, problems),
      timeoutMs: 5000,
      allowPrivate: bool(env, "WEBHOOK_ALLOW_PRIVATE", false, problems),
      refusedPorts: [],
      maxPerOwner: int(env, "WEBHOOKS_MAX_PER_KEY", 10, 1, 1000, problems),
    },
    metrics: {
      port: env.METRICS_PORT?.trim() ? int(env, "METRICS_PORT", 0, 0, 65535, problems) : null,
      host: env.METRICS_HOST?.trim() || "127.0.0.1",
      token: env.METRICS_TOKEN?.trim() || null,
    },
    tracing: {
      endpoint: urlOrNull(env, "OTEL_EXPORTER_OTLP_ENDPOINT", ["http:", "https:"], problems),
      serviceName: env.OTEL_SERVICE_NAME?.trim() || "newsgraph",
    },
    media: {
      maxBytes: int(env, "MEDIA_MAX_BYTES", 25 * 1024 * 1024, 1024, 2 * 1024 * 1024 * 1024, problems),
      maxPixels: int(env, "MEDIA_MAX_PIXELS", 100_000_000, 10_000, 1_000_000_000, problems),
      orphanGraceSeconds: int(env, "MEDIA_ORPHAN_GRACE_SECONDS", 3600, 0, 30 * 86_400, problems),
      s3: s3Settings(env, problems),
    },
  };
  if (config.publicBaseUrl) {
    try {
      if (!/^https?:$/.test(new URL(config.publicBaseUrl).protocol)) problems.push("PUBLIC_BASE_URL must be an http(s) URL");
    } catch {
      problems.push("PUBLIC_BASE_URL is not a URL; e.g. https://news.example");
    }
  } else {
    config.publicBaseUrl = `http://localhost:${config.port}`;
  }
  if (config.previewUrlPattern) {
    const problem = urlPatternProblem(
      "PREVIEW_URL_PATTERN",
      config.previewUrlPattern,
      "{token}",
      "https://news.example/preview/{token}",
    );
    if (problem) problems.push(problem);
  }
  if (config.articleUrlPattern) {
    const problem = articleUrlPatternProblem(config.articleUrlPattern);
    if (problem) problems.push(problem);
  } else {
    config.articleUrlPattern = `${config.publicBaseUrl.replace(/\/+$/, "")}/articles/{slug}`;
  }
  // A receiver on the database's port could only be the database (or something posing as it).
  config.webhooks.refusedPorts = [databaseUrl ? Number(new URL(databaseUrl).port || 5432) : config.embeddedPgPort];
  // SSRF protection must not be switchable off where partners can register receivers.
  if (config.webhooks.allowPrivate && nodeEnv === "production")
    problems.push("WEBHOOK_ALLOW_PRIVATE=true is for development and tests; remove it with NODE_ENV=production");
  // Tests that need no browser page skip its build.
  config.studio = bool(env, "STUDIO", nodeEnv !== "test", problems);
  // The explorer reads the schema by introspection: without it, it would be a page that cannot work.
  config.explorer = bool(env, "EXPLORER", nodeEnv === "development" && config.introspection, problems);
  if (config.explorer && !config.introspection)
    problems.push(
      "EXPLORER=true needs introspection, which the explorer reads the schema by: set INTROSPECTION=true too, or remove EXPLORER",
    );
  if (config.metrics.token !== null && config.metrics.token.length < 32)
    problems.push(
      "METRICS_TOKEN must be at least 32 characters (e.g. openssl rand -hex 32): it guards the metrics from anyone who can reach the port",
    );
  if (config.metrics.port !== null && config.metrics.port !== 0 && config.metrics.port === config.port)
    problems.push(
      "METRICS_PORT must differ from PORT: metrics have a listener of their own; for /metrics on the public port set METRICS_TOKEN instead",
    );
  if (env.METRICS_HOST?.trim() && config.metrics.port === null)
    problems.push("METRICS_HOST is set but METRICS_PORT is not; set the port too");
  if (config.responseCache === "redis" && !redisUrl) problems.push("RESPONSE_CACHE=redis needs REDIS_URL");
  if (nodeEnv === "production") {
    // A database nobody backs up, or an editor account whose password is in the README, must be a choice.
    if (!databaseUrl && !config.embeddedInProduction)
      problems.push(
        "NODE_ENV=production needs DATABASE_URL=postgres://user:pass@host:5432/db (a server you back up); " +
          "to run production on the embedded PostgreSQL in DATA_DIR anyway, set EMBEDDED_IN_PRODUCTION=true",
      );
    if (config.seedDemo)
      problems.push(
        "SEED_DEMO=true is refused with NODE_ENV=production: the demo story creates an editor and an admin whose passwords are published; " +
          "remove SEED_DEMO and create real accounts with npm run user:create",
      );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
