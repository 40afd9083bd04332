import pino from "pino";
import PinoPretty from "pino-pretty";
import { traceLogMixin } from "./tracing-hooks";

export type Logger = pino.Logger;
export type LogFormat = "pretty" | "json";
export type LogFormatSetting = LogFormat | "auto";

/**
 * LOG_FORMAT=auto (the default): pretty lines for a person at a terminal, JSON for everything
 * else (pipes, files, log collectors) and always in production, where a terminal is usually an
 * operator's `docker run -it` whose output still goes to a collector. pretty or json forces it.
 */
export function chooseLogFormat(setting: LogFormatSetting, nodeEnv: string, stdoutIsTTY: boolean): LogFormat {
  if (setting !== "auto") return setting;
  return stdoutIsTTY && nodeEnv !== "production" ? "pretty" : "json";
}

/** The format for this process's stdout under a loaded configuration. */
export function logFormatFor(config: { logFormat: LogFormatSetting; nodeEnv: string }): LogFormat {
  return chooseLogFormat(config.logFormat, config.nodeEnv, Boolean(process.stdout.isTTY));
}

/** Logs to stdout (JSON, or pretty lines), or JSON to `destination` (tests read what was logged). */
export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = "json"): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "newsgraph" },
    redact: {
      paths: ["password", "*.password", "token", "*.token", "req.headers.authorization", "variables.password"],
      censor: "[redacted]",
    },
  };
  // With tracing on, each line logged inside a span carries its trace_id and span_id.
  const mixin = traceLogMixin();
  if (mixin) options.mixin = mixin;
  if (destination) return pino(options, destination);
  // In-process and synchronous, so the last lines before an exit are not lost.
  if (format === "pretty")
    return pino(
      options,
      PinoPretty({ sync: true, singleLine: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service" }),
    );
  return pino(options);
}
