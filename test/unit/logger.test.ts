import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config";
import { chooseLogFormat } from "../../src/shared/logger";

describe("log format: readable on a terminal, JSON for machines", () => {
  it("auto is pretty only on a terminal outside production; LOG_FORMAT forces either", () => {
    expect(chooseLogFormat("auto", "development", true)).toBe("pretty");
    expect(chooseLogFormat("auto", "test", true)).toBe("pretty");
    expect(chooseLogFormat("auto", "development", false)).toBe("json");
    // Production logs go to a collector even when someone runs the container with a terminal.
    expect(chooseLogFormat("auto", "production", true)).toBe("json");
    expect(chooseLogFormat("json", "development", true)).toBe("json");
    expect(chooseLogFormat("pretty", "production", false)).toBe("pretty");
  });

  it("LOG_FORMAT is validated with the rest of the configuration", () => {
    expect(loadConfig({}).logFormat).toBe("auto");
    expect(loadConfig({ LOG_FORMAT: "json" }).logFormat).toBe("json");
    expect(() => loadConfig({ LOG_FORMAT: "colour" })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: "colour" })).toThrow(/LOG_FORMAT="colour" is not one of auto, pretty, json/);
  });

  // The same code path as npm start (loadConfig, then createLogger with logFormatFor), on a real
  // pseudo-terminal from util-linux's script(1), and through a pipe.
  const logLine = (env: Record<string, string>, tty: boolean): string => {
    const program =
      'const { loadConfig } = require("./src/config"); const { createLogger, logFormatFor } = require("./src/shared/logger");' +
      'const c = loadConfig(); createLogger("info", undefined, logFormatFor(c)).info({ articles: 3 }, "demo story loaded");';
    const node = [process.execPath, "-r", "@swc-node/register", "-e", program];
    const opts = { env: { ...process.env, DATABASE_URL: "postgres://db.internal/news", ...env }, encoding: "utf8" as const };
    if (!tty) return execFileSync(node[0]!, node.slice(1), opts);
    const quoted = node.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
    return execFileSync("script", ["-qec", quoted, "/dev/null"], opts);
  };

  it("a development server on a terminal prints readable lines; piped or in production, JSON", () => {
    const pretty = logLine({ NODE_ENV: "development" }, true);
    expect(pretty).toMatch(/INFO.*demo story loaded/);
    expect(pretty).toContain("articles");
    expect(pretty.trim().startsWith("{")).toBe(false);

    for (const [env, tty] of [
      [{ NODE_ENV: "production" }, true],
      [{ NODE_ENV: "development" }, false],
      [{ NODE_ENV: "development", LOG_FORMAT: "json" }, true],
    ] as const) {
      const line = logLine(env, tty).trim();
      expect(JSON.parse(line)).toMatchObject({ level: 30, msg: "demo story loaded", articles: 3, service: "newsgraph" });
    }
  }, 60_000);
});
