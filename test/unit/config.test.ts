import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";

describe("configuration", () => {
  it("defaults to the embedded database on port 4000", () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect(c.databaseUrl).toBeNull();
    expect(c.dataDir).toBe(path.resolve(".data"));
    expect(c.migrationsRun).toBe(true);
    expect(c.seedDemo).toBe(true);
  });

  it("does not seed a server of your own unless asked", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u@h/db" }).seedDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: "postgres://u@h/db", SEED_DEMO: "true" }).seedDemo).toBe(true);
  });

  it("refuses production on the embedded database unless asked, and never seeds the demo there", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(
      /NODE_ENV=production needs DATABASE_URL=.*set EMBEDDED_IN_PRODUCTION=true/,
    );
    const embedded = loadConfig({ NODE_ENV: "production", EMBEDDED_IN_PRODUCTION: "true" });
    expect(embedded.databaseUrl).toBeNull();
    expect(embedded.seedDemo).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://u@h/db" }).seedDemo).toBe(false);
    for (const env of [
      { NODE_ENV: "production", EMBEDDED_IN_PRODUCTION: "true", SEED_DEMO: "true" },
      { NODE_ENV: "production", DATABASE_URL: "postgres://u@h/db", SEED_DEMO: "1" },
    ])
      expect(() => loadConfig(env)).toThrow(/SEED_DEMO=true is refused with NODE_ENV=production/);
    expect(() => loadConfig({ NODE_ENV: "production", EMBEDDED_IN_PRODUCTION: "maybe" })).toThrow(
      /EMBEDDED_IN_PRODUCTION="maybe" is not a boolean/,
    );
  });

  it("keeps metrics off and tracing off by default; refuses a weak metrics token and a clashing port", () => {
    const c = loadConfig({});
    expect(c.metrics).toEqual({ port: null, host: "127.0.0.1", token: null });
    expect(c.tracing.endpoint).toBeNull();
    expect(loadConfig({ METRICS_PORT: "9464" }).metrics).toEqual({ port: 9464, host: "127.0.0.1", token: null });
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN must be at least 32 characters/);
    expect(() => loadConfig({ PORT: "4000", METRICS_PORT: "4000" })).toThrow(/METRICS_PORT must differ from PORT/);
    expect(() => loadConfig({ METRICS_HOST: "0.0.0.0" })).toThrow(/METRICS_HOST is set but METRICS_PORT is not/);
    expect(() => loadConfig({ METRICS_PORT: "nine" })).toThrow(/METRICS_PORT="nine" is not a whole number/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be a http:\/\/ or https:\/\/ URL/,
    );
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).tracing).toEqual({
      endpoint: "http://collector:4318",
      serviceName: "newsgraph",
    });
  });

  it("reads CORS_ORIGINS as exact origins, or * alone; none by default", () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: " https://news.example , http://localhost:3000" }).corsOrigins).toEqual([
      "https://news.example",
      "http://localhost:3000",
    ]);
    expect(loadConfig({ CORS_ORIGINS: "*" }).corsOrigins).toBe("*");
    expect(() => loadConfig({ CORS_ORIGINS: "*,https://news.example" })).toThrow(/CORS_ORIGINS: \* stands alone/);
    for (const bad of ["https://news.example/", "https://news.example/path", "news.example", "ftp://news.example"])
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(
        `CORS_ORIGINS: ${JSON.stringify(bad)} is not an origin; write scheme://host[:port] with no path, e.g. https://news.example`,
      );
  });

  it("reports every bad value at once, with what to use instead", () => {
    let err: unknown;
    try {
      loadConfig({ PORT: "http", MIGRATIONS_RUN: "maybe", DATABASE_URL: "mysql://x/y", LOG_LEVEL: "loud" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/PORT="http" is not a whole number/);
    expect(msg).toMatch(/MIGRATIONS_RUN="maybe" is not a boolean; use true or false/);
    expect(msg).toMatch(/DATABASE_URL must start with postgres:\/\//);
    expect(msg).toMatch(/LOG_LEVEL="loud" is not one of/);
  });

  it("keeps ports in range", () => {
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/PORT=70000 is out of range/);
  });

  it("builds article links from ARTICLE_URL_PATTERN, by default PUBLIC_BASE_URL/articles/{slug}", () => {
    expect(loadConfig({}).articleUrlPattern).toBe("http://localhost:4000/articles/{slug}");
    expect(loadConfig({ PUBLIC_BASE_URL: "https://news.example/" }).articleUrlPattern).toBe(
      "https://news.example/articles/{slug}",
    );
    const site = "https://www.news.example/stories/{slug}.html";
    expect(loadConfig({ PUBLIC_BASE_URL: "https://api.news.example", ARTICLE_URL_PATTERN: site }).articleUrlPattern).toBe(site);
  });

  it("refuses an ARTICLE_URL_PATTERN without {slug}, or that is not an http(s) URL, saying what to write", () => {
    const refused = (pattern: string) => () => loadConfig({ ARTICLE_URL_PATTERN: pattern });
    expect(refused("https://news.example/articles/")).toThrow(
      /ARTICLE_URL_PATTERN must contain \{slug\}.*e\.g\. https:\/\/news\.example\/articles\/\{slug\}/,
    );
    expect(refused("ftp://news.example/{slug}")).toThrow(/ARTICLE_URL_PATTERN must be an http\(s\) URL/);
    expect(refused("javascript:alert('{slug}')")).toThrow(/ARTICLE_URL_PATTERN must be an http\(s\) URL/);
    expect(refused("/articles/{slug}")).toThrow(/ARTICLE_URL_PATTERN is not a URL/);
    expect(refused("https://{slug}.news.example/")).toThrow(/ARTICLE_URL_PATTERN must keep \{slug\} out of the host name/);
  });
});
