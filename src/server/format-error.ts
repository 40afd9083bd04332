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

/**
 * The one place errors leave the server. Coded errors pass with their code; validation
 * errors become BAD_USER_INPUT listing each problem (never the submitted values); database
 * errors are translated where we know what they mean; anything else is logged and masked.
 */
export function createFormatError(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
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
      const { stacktrace: _drop, exception: _drop2, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const translated = translateDbError(original);
    if (translated) {
      return {
        message: translated.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: translated.extensions,
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
}
