import type { DataSource } from "typeorm";
import { BadUserInputError } from "../../shared/errors";
import { PUBLIC_READER, ReferenceType, referenceVisibleSql, type ReferenceReader } from "../reference";
import { type Suggestion, SuggestionKind } from "./suggest.types";

export const SUGGEST_MAX_PREFIX = 100;
export const SUGGEST_MAX_FIRST = 25;

const SCORE = "greatest(word_similarity($1, x.name), similarity($1, x.name))::float8";

/*
 * Which names match, by input. Each condition is an operator of gin_trgm_ops (thresholds are
 * pg_trgm's defaults), and each is its own SELECT under UNION rather than an OR: the planner
 * prices these operators as cheap, so an OR of two index scans can lose to a sequential scan
 * that then runs the (not cheap) trigram comparisons on every row; one condition per scan keeps
 * the bitmap index scan.
 *   $1 <% name  word similarity >= 0.6: the input is close to some part of the name. Any start
 *               of a word of 2+ letters passes ("Ham" -> Hamas), and so do typos in longer words
 *               and in several words ("Netanyahou" -> Benjamin Netanyahu).
 *   $1 % name   similarity >= 0.3 to the whole name: the transpositions word similarity misses
 *               ("Hamsa" -> Hamas). Only for one word of 4+ characters: shorter input has too few
 *               trigrams to be a typo of anything, and would send much of the table to recheck.
 *   ILIKE       one character has no trigram of its own: names starting with it (ranked by name).
 */
function matching(input: string): { conditions: string[]; rank: string } {
  if (input.length === 1) return { conditions: ["name ILIKE $3"], rank: "0" };
  if (input.length < 4 || /\s/.test(input)) return { conditions: ["$1 <% name"], rank: SCORE };
  return { conditions: ["$1 <% name", "$1 % name"], rank: SCORE };
}

/*
 * Per table, the best `first`: names that start with the input (prefix 2) above names with a
 * word that does (1) above typo matches (0); then similarity, then name. The score is computed
 * again only for the rows returned.
 */
const branch = (kind: SuggestionKind, table: string, m: { conditions: string[]; rank: string }, visible: string) => `(
  SELECT '${kind}' AS kind, x.id, x.name, x.slug,
    CASE WHEN starts_with(lower(x.name), lower($1)) THEN 2
         WHEN strpos(' ' || lower(x.name), ' ' || lower($1)) > 0 THEN 1 ELSE 0 END AS prefix,
    ${m.rank} AS rank
  FROM (${m.conditions.map((c) => `SELECT id, name, slug FROM ${table} WHERE ${c}`).join(" UNION ")}) x
  WHERE ${visible}
  ORDER BY prefix DESC, rank DESC, x.name, x.id
  LIMIT $2)`;

// Only entries the reader may see (see referenceVisibleSql), filtered before each branch's LIMIT.
const suggestSql = (
  m: { conditions: string[]; rank: string },
  reader: ReferenceReader,
) => `SELECT kind, id, name, slug, ${SCORE} AS score FROM (
  ${branch(SuggestionKind.ACTOR, "actors", m, referenceVisibleSql(ReferenceType.ACTOR, "x.id", reader))}
  UNION ALL
  ${branch(SuggestionKind.SOURCE, "sources", m, referenceVisibleSql(ReferenceType.SOURCE, "x.id", reader))}
) x
ORDER BY prefix DESC, rank DESC, name, kind, id
LIMIT $2`;

/** Typo-tolerant autocomplete over the actors and sources this reader may see. */
export class SuggestService {
  constructor(private readonly ds: DataSource) {}

  async suggest(
    prefix: string,
    first: number | null | undefined,
    reader: ReferenceReader = PUBLIC_READER,
  ): Promise<Suggestion[]> {
    const input = prefix.trim();
    if (input.length < 1 || input.length > SUGGEST_MAX_PREFIX) {
      throw new BadUserInputError(`prefix must be 1 to ${SUGGEST_MAX_PREFIX} characters once trimmed.`);
    }
    const limit = first ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > SUGGEST_MAX_FIRST) {
      throw new BadUserInputError(`first must be between 1 and ${SUGGEST_MAX_FIRST} (got ${limit}).`);
    }
    // $3, a LIKE pattern with its wildcards escaped, only when the SQL uses it (PostgreSQL refuses
    // an unused parameter whose type it cannot infer).
    const params: unknown[] = [input, limit];
    if (input.length === 1) params.push(`${input.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    return this.ds.query<Suggestion[]>(suggestSql(matching(input), reader), params);
  }
}
