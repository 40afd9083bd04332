import pino from "pino";

export type Logger = pino.Logger;

/** JSON logs to stdout, or to `destination` (tests read what was logged). */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "newsgraph" },
    redact: {
      paths: ["password", "*.password", "token", "*.token", "req.headers.authorization", "variables.password"],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
