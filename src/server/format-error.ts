import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import type { ValidationError } from "class-validator";
import { PUBLIC_CODES, translateDbError } from "../shared/errors";
import type { Logger } from "../shared/logger";

function flatten(errors: ValidationError[], prefix = ""): { path: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ path, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** graphql-js's own reasons that name only schema elements, never a submitted value. */
const SAFE_REASONS = [
  /(Field "\w+" is not defined by type "\w+"\.)(?: Did you mean [^;]*\?)?$/,
  /(Field "\w+" of required type "[\w[\]!]+" was not provided\.)$/,
  /(Expected type "\w+" to be an object\.)$/,
  /(Expected non-nullable type "[\w[\]!]+" not to be null\.)$/,
];
const SCALAR_PHRASE =
  "(String|Int|Float|Boolean|ID) cannot represent (a non string|non-integer|non 32-bit signed integer|non numeric|a non boolean)?";

/** Why a variable did not coerce, without the value graphql-js quotes in its message. */
function variableReason(message: string): string {
  for (const re of SAFE_REASONS) {
    const m = re.exec(message);
    if (m) return m[1]!;
  }
  const scalar = new RegExp(`; (?:Expected type "\\w+"\\. )?${SCALAR_PHRASE}`).exec(message);
  if (scalar) return `${scalar[1]} cannot represent ${scalar[2] ?? "this"} value.`;
  const enumMiss =
    / does not exist in "(\w+)" enum\.(?: Did you mean [^;]*\?)?$/.exec(message) ??
    /; Enum "(\w+)" cannot represent/.exec(message);
  if (enumMiss) return `The value is not one of the values of the "${enumMiss[1]}" enum.`;
  const other = /; (?:Expected type "(\w+)"|(\w+) cannot represent)/.exec(message);
  return other ? `The value is not a valid ${other[1] ?? other[2]}.` : "The value does not match the variable's type.";
}

/**
 * graphql-js quotes what was submitted when a value does not fit its type (`got invalid value
 * { password: "…" }`, `cannot represent a non string value: […]`, `found String "…"`): that
 * may be a password or a token, and error messages end up in client and proxy logs. Keep the
 * reason, drop the value.
 */
export function withoutSubmittedValues(message: string): string {
  const variable = /^Variable "\$(\w+)" got invalid value /.exec(message);
  if (variable) {
    const name = variable[1]!;
    const paths = [...message.matchAll(new RegExp(` at "(${name}(?:\\.\\w+|\\[\\d+\\])*)"; `, "g"))];
    const at = paths.length ? ` at "${paths[paths.length - 1]![1]}"` : "";
    return `Variable "$${name}" got an invalid value${at}: ${variableReason(message)}`;
  }
  const scalar = new RegExp(`^${SCALAR_PHRASE} ?value: `).exec(message);
  if (scalar) return `${scalar[1]} cannot represent ${scalar[2] ?? "this"} value.`;
  const expected = /^Expected value of type "([^"]+)", found /.exec(message);
  if (expected) return `Expected value of type "${expected[1]}".`;
  const enumLiteral = /^Enum "(\w+)" cannot represent non-enum value: /.exec(message);
  if (enumLiteral) return `Enum "${enumLiteral[1]}" cannot represent a non-enum value: write one of its values, unquoted.`;
  const custom = /^(\w+) cannot represent /.exec(message);
  if (custom) return `The value is not a valid ${custom[1]}.`;
  if (message.startsWith("Syntax Error: ")) return message.replace(/\b(Block)?String "[\s\S]*"/, "a string");
  return message;
}

/** graphql-js's "Did you mean …?" hints (fields, arguments, types, enum values): they map the schema. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, "");
}

export interface FormatErrorOptions {
  /** Strip "Did you mean …?" (production): anonymous clients would learn staff-only fields from it. */
  hideSuggestions?: boolean;
}

/**
 * The one place errors leave the server, for HTTP and WebSocket alike. Coded errors pass with their code; validation
 * errors become BAD_USER_INPUT listing each problem (never the submitted values); database
 * errors are translated where we know what they mean; anything else is logged and masked.
 */
export function createFormatError(log: Logger, opts: FormatErrorOptions = {}) {
  const format = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof ArgumentValidationError) {
      const details = flatten(original.extensions.validationErrors);
      return {
        message: `Invalid input: ${details.map((d) => d.problems.join("; ")).join("; ")}.`,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: "BAD_USER_INPUT", invalidFields: details },
      };
    }
    const code = formatted.extensions?.code;
    if (
      typeof code === "string" &&
      PUBLIC_CODES.has(code) &&
      !(original instanceof Error && !(original instanceof GraphQLError))
    ) {
      // http is the status hint for the HTTP transport (Apollo drops it; WebSocket errors come here with it).
      const { stacktrace: _drop, exception: _drop2, http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, message: withoutSubmittedValues(formatted.message), extensions };
    }
    const translated = translateDbError(original);
    if (translated) {
      // A field error does not set the response's HTTP status: drop the hint (ServiceUnavailableError's 503).
      const { http: _http, ...extensions } = translated.extensions;
      return { message: translated.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    // Apollo's own refusals of a malformed request (a persisted-query hash that does not match its
    // query) carry a 4xx status but no code: the client's mistake, not a fault to log and mask.
    const http = original instanceof GraphQLError ? (original.extensions.http as { status?: unknown } | undefined) : undefined;
    if (typeof http?.status === "number" && http.status >= 400 && http.status < 500) {
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: "BAD_REQUEST" },
      };
    }
    log.error({ err: original, path: formatted.path }, "unexpected error (masked for the client)");
    return {
      message: "Internal server error. It has been logged; try again, and report it if it persists.",
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    };
  };
  if (!opts.hideSuggestions) return format;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const out = format(formatted, error);
    return { ...out, message: withoutSuggestions(out.message) };
  };
}
