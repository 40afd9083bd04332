import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "newsgraph" },
    redact: {
      paths: ["password", "*.password", "token", "*.token", "req.headers.authorization", "variables.password"],
      censor: "[redacted]",
    },
  });
}
