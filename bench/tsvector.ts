import type { Pool } from "pg";

/*
 * article_revisions.search computed in Node for the dataset generator, so that a bulk load
 * (triggers off) does not spend PostgreSQL's time on to_tsvector: at 100k articles that was
 * most of the load. It is exact only for the generator's text, which holds nothing but words,
 * numbers, spaces, commas, periods, newlines and hyphenated names (bench/words.ts): a run of
 * letters or digits, or several joined by hyphens, parses the same alone as in a sentence. What
 * each distinct run gives (its lexemes at their relative positions, and how many positions it
 * takes: "Port-au-Prince" is the compound and its three parts) comes from PostgreSQL itself
 * (to_tsvector and ts_parse, cached), so stemming and stop words are PostgreSQL's. The generator checks a sample of rows against
 * the trigger's expression after every load, and test/bench.test.ts checks every row.
 *
 * Hand-written rather than a library: no package reproduces PostgreSQL's tsvector arithmetic
 * (positions from 1, stop words taking a position, setweight, `||` shifting the right side by
 * the left's largest position, at most 256 positions per lexeme, positions capped at 16383).
 */

export type SearchConfig = "english" | "spanish";

const MAX_POS = 16383;
const MAX_POSITIONS = 256;
const ALNUM = "[0-9A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u00FF]+";
/** Runs of letters (ASCII and Latin-1 accented) or digits, or several joined by hyphens: the generator's tokens. */
const TOKEN = new RegExp(`${ALNUM}(?:-${ALNUM})*`, "g");

/** A token's lexemes with their positions from 1, and the positions it takes. */
interface Parsed {
  lexemes: [string, number[]][];
  takes: number;
}

/** Weight letters as tsvector text writes them (D, the default, is not written). */
type Weight = "A" | "B" | "C" | "";

/** lexeme -> positions (each with its weight) */
type Vec = Map<string, { pos: number[]; w: Weight[] }>;

export class LexemeCache {
  private readonly known = new Map<string, Parsed>();

  private key(config: SearchConfig, token: string): string {
    return `${config}\u0000${token}`;
  }

  /** Looks up, in one statement per configuration, every token of `texts` not seen before. */
  async learn(pool: Pick<Pool, "query">, config: SearchConfig, texts: string[]): Promise<void> {
    const missing = new Set<string>();
    for (const t of texts) for (const m of t.matchAll(TOKEN)) if (!this.known.has(this.key(config, m[0]))) missing.add(m[0]);
    if (missing.size === 0) return;
    // Every token type but blank (12) takes a position; the generator's text has no tags or entities.
    const { rows } = await pool.query<{ t: string; v: [string, number[]][]; n: number }>(
      `SELECT t, (SELECT coalesce(json_agg(json_build_array(v.lexeme, v.positions)), '[]') FROM unnest(to_tsvector($1::regconfig, t)) v) AS v,
              (SELECT count(*)::int FROM ts_parse('default', t) WHERE tokid <> 12) AS n
       FROM unnest($2::text[]) AS t`,
      [config, [...missing]],
    );
    for (const r of rows) this.known.set(this.key(config, r.t), { lexemes: r.v, takes: r.n });
  }

  /** to_tsvector(config, text) with every position weighted `w`. */
  private vector(config: SearchConfig, text: string, w: Weight): Vec {
    const v: Vec = new Map();
    let pos = 0;
    for (const m of text.matchAll(TOKEN)) {
      const parsed = this.known.get(this.key(config, m[0]));
      if (parsed === undefined) throw new Error(`token ${JSON.stringify(m[0])} was not learnt first`);
      for (const [lexeme, rel] of parsed.lexemes) {
        let e = v.get(lexeme);
        if (!e) v.set(lexeme, (e = { pos: [], w: [] }));
        for (const r of rel) {
          const p = Math.min(pos + r, MAX_POS);
          const last = e.pos[e.pos.length - 1];
          if (e.pos.length < MAX_POSITIONS - 1 && last !== MAX_POS && last !== p) {
            e.pos.push(p);
            e.w.push(w);
          }
        }
      }
      pos += parsed.takes; // stop words take a position too
    }
    return v;
  }

  /** a || b: b's positions shifted by a's largest position. */
  private static concat(a: Vec, b: Vec): Vec {
    let maxpos = 0;
    for (const e of a.values()) for (const p of e.pos) if (p > maxpos) maxpos = p;
    const out: Vec = new Map();
    for (const [k, e] of a) out.set(k, { pos: [...e.pos], w: [...e.w] });
    for (const [k, e] of b) {
      let d = out.get(k);
      if (!d) out.set(k, (d = { pos: [], w: [] }));
      for (let i = 0; i < e.pos.length; i++) {
        if (d.pos.length >= MAX_POSITIONS || d.pos[d.pos.length - 1] === MAX_POS) break;
        d.pos.push(Math.min(e.pos[i]! + maxpos, MAX_POS));
        d.w.push(e.w[i]!);
      }
    }
    return out;
  }

  /** The search vector of a revision as tsvector text, as the trigger tr_article_revisions_search computes it. */
  searchVector(
    config: SearchConfig,
    r: { headline: string; standfirst: string; body_text: string; relations_text: string },
  ): string {
    const v = [
      this.vector(config, r.headline, "A"),
      this.vector(config, r.standfirst, "B"),
      this.vector(config, searchable(r.body_text), "C"),
      this.vector(config, searchable(r.relations_text), ""),
    ].reduce((acc, x) => LexemeCache.concat(acc, x));
    const parts: string[] = [];
    for (const [lexeme, e] of v) {
      parts.push(`'${lexeme.replace(/'/g, "''").replace(/\\/g, "\\\\")}':${e.pos.map((p, i) => `${p}${e.w[i]}`).join(",")}`);
    }
    return parts.join(" ");
  }
}

/** searchableText (article.entity.ts) in JavaScript: the first 100,000 characters, a space after every 32 non-space ones. */
export function searchable(text: string): string {
  return text.slice(0, 100_000).replace(/(\S{32})/g, "$1 ");
}
