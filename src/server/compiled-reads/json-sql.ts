import type { GraphQLEnumType } from "graphql";

/*
 * SQL expressions that write JSON text, byte for byte as JSON.stringify writes the same values
 * (which is what Apollo sends): no spaces, keys in selection order, strings escaped by to_json
 * (PostgreSQL and JavaScript escape the same characters the same way: \" \\ \b \f \n \r \t and
 * \u00XX for the other control characters). Every expression here yields text, never NULL: a
 * NULL would swallow the whole answer through ||.
 */

/** A JSON text expression (SQL), never NULL. */
export type JsonSql = string;

/** An SQL string literal. */
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** A non-null text column. */
export const str = (e: string): JsonSql => `to_json(${e})::text`;

/** A nullable text column. */
export const strOrNull = (e: string): JsonSql => `coalesce(to_json(${e})::text, 'null')`;

/** A uuid: its text never needs escaping. */
export const uuid = (e: string): JsonSql => `('"' || ${e}::text || '"')`;

/** A non-null integer. */
export const int = (e: string): JsonSql => `(${e})::text`;

/** A non-null boolean. */
export const bool = (e: string): JsonSql => `CASE WHEN ${e} THEN 'true' ELSE 'false' END`;

/** A text[] column as a JSON array of strings (array_to_json writes it without spaces). */
export const strings = (e: string): JsonSql => `array_to_json(${e})::text`;

/**
 * A float8 as JSON.stringify writes it. Both print the shortest text that reads back as the same
 * double; they differ only in when they use an exponent and how they write it (PostgreSQL:
 * "1e-05" below 1e-4 and from 1e15; JavaScript: "0.00001" down to 1e-7, and "1e+21" from 1e21).
 */
export const jsNumber = (e: string): JsonSql => `(SELECT CASE
    WHEN t !~ 'e' THEN t
    WHEN split_part(t, 'e', 2)::int BETWEEN -6 AND -1
      THEN CASE WHEN left(t, 1) = '-' THEN '-' ELSE '' END || '0.' || repeat('0', -split_part(t, 'e', 2)::int - 1)
           || replace(ltrim(split_part(t, 'e', 1), '-'), '.', '')
    WHEN split_part(t, 'e', 2)::int BETWEEN 0 AND 20
      THEN (t::numeric)::text
    ELSE split_part(t, 'e', 1) || 'e' || CASE WHEN split_part(t, 'e', 2)::int > 0 THEN '+' ELSE '' END || split_part(t, 'e', 2)::int::text
  END FROM (SELECT (${e})::float8::text AS t) n)`;

/** Date#toISOString of a timestamptz: milliseconds cut, not rounded, as the pg driver's Date and to_char both do. */
const isoText = (e: string) => `to_char(${e} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
export const iso = (e: string): JsonSql => `('"' || ${isoText(e)} || '"')`;
export const isoOrNull = (e: string): JsonSql => `coalesce('"' || ${isoText(e)} || '"', 'null')`;

/**
 * A GraphQL enum stored as its internal values: the value's name as JSON. Names are [_A-Za-z0-9]
 * (the GraphQL grammar), so they need no escaping.
 */
export function enumValue(type: GraphQLEnumType, e: string): JsonSql {
  const values = type.getValues();
  if (values.every((v) => v.name === v.value)) return `('"' || ${e}::text || '"')`;
  return `CASE ${e}::text ${values.map((v) => `WHEN ${lit(String(v.value))} THEN '"${v.name}"'`).join(" ")} END`;
}

/** An object from its members, in order: [JSON key, value]. */
export function object(members: readonly [string, JsonSql][]): JsonSql {
  if (members.length === 0) return `'{}'`;
  return members.map(([k, v], i) => `${lit(`${i === 0 ? "{" : ","}${JSON.stringify(k)}:`)} || ${v}`).join(" || ") + ` || '}'`;
}

/** The object of one row of a subquery, or null when it has none: `(SELECT value FROM … LIMIT 1)`. */
export const rowOrNull = (value: JsonSql, from: string): JsonSql => `coalesce((SELECT ${value} FROM ${from} LIMIT 1), 'null')`;

/** A JSON array of one value per row, in `order`. */
export const array = (value: JsonSql, from: string, order: string): JsonSql =>
  `coalesce((SELECT '[' || string_agg(${value}, ',' ORDER BY ${order}) || ']' FROM ${from}), '[]')`;

/** base64url without padding, as Buffer#toString("base64url"): PostgreSQL wraps base64 at 76 characters. */
export const base64url = (text: string): string => `translate(encode(convert_to(${text}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
