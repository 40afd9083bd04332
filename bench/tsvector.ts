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
 * the trigger's expression after every load, and test/archive-scale.test.ts checks every row.
 *
 * Hand-written rather than a library: no package reproduces PostgreSQL's tsvector arithmetic
 * (positions from 1, stop words taking a position, setweight, `||` shifting the right side by
 * the left's largest position, at most 256 positions per lexeme, positions capped at 16383).
 *
 * Built for speed (a million articles): tokens are scanned by character code, not a regular
 * expression; lexemes are small integers; the four weighted parts are added in one pass, with
 * `||`'s rules applied as each position arrives, into per-lexeme arrays that are reused.
 */

export type SearchConfig = "english" | "spanish";

const MAX_POS = 16383;
const MAX_POSITIONS = 256;
/** searchableText (article.entity.ts): the first this many characters ... */
const SEARCHABLE_CHARS = 100_000;
/** ... and a space after every this many non-space ones. */
const RUN = 32;

/** Letters (ASCII and Latin-1 accented) and digits: TOKEN's alphabet. */
function isAlnum(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || (c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7)
  );
}

/** What JavaScript's \s matches. */
function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Calls `each(start, end)` for every token of `text` (runs of letters or digits, or several
 * joined by hyphens) and returns false, having called nothing, if `text` has a run of RUN
 * non-space characters (searchable() would then split it, so the caller scans that instead).
 */
function scan(text: string, each: (start: number, end: number) => void, checkRuns = true): boolean {
  if (checkRuns) {
    let run = 0;
    for (let i = 0; i < text.length; i++) {
      if (isSpace(text.charCodeAt(i))) run = 0;
      else if (++run >= RUN) return false;
    }
  }
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isAlnum(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    for (;;) {
      while (i < n && isAlnum(text.charCodeAt(i))) i++;
      if (i + 1 < n && text.charCodeAt(i) === 45 && isAlnum(text.charCodeAt(i + 1))) i++;
      else break;
    }
    each(start, i);
  }
  return true;
}

/** searchVector() met a token learn() has not looked up yet. */
export class UnknownToken extends Error {
  constructor(token: string) {
    super(`token ${JSON.stringify(token)} was not learnt first`);
  }
}

/** A token's lexemes (ids) with their positions from 1, and the positions it takes. */
interface Parsed {
  lexemes: number[];
  rel: number[][];
  takes: number;
}

export class LexemeCache {
  private readonly known: Record<SearchConfig, Map<string, Parsed>> = { english: new Map(), spanish: new Map() };
  /** Lexeme id -> the lexeme, its UTF-8 bytes with a NUL, and its place in PostgreSQL's order. */
  private readonly lexemes: string[] = [];
  private readonly bytes: Buffer[] = [];
  private rank = new Int32Array(0);
  private rankStale = false;
  private readonly ids = new Map<string, number>();
  // Per lexeme, reused from one vector to the next (`touched` lists the ones in use).
  private positions: number[][] = [];
  private part = new Int32Array(0);
  private partCount = new Int32Array(0);
  private partLast = new Int32Array(0);
  private count = new Int32Array(0);
  private last = new Int32Array(0);

  private lexemeId(lexeme: string): number {
    let id = this.ids.get(lexeme);
    if (id === undefined) {
      id = this.lexemes.length;
      this.ids.set(lexeme, id);
      this.lexemes.push(lexeme);
      this.bytes.push(Buffer.from(`${lexeme}\0`, "utf8"));
      this.rankStale = true;
      this.positions.push([]);
      if (id >= this.count.length) {
        const grow = (a: Int32Array) => {
          const b = new Int32Array(Math.max(1024, a.length * 2));
          b.set(a);
          return b;
        };
        this.part = grow(this.part);
        this.partCount = grow(this.partCount);
        this.partLast = grow(this.partLast);
        this.count = grow(this.count);
        this.last = grow(this.last);
      }
    }
    return id;
  }

  /** The tokens of a revision's searched text not seen before, for learnTokens(). */
  unknown(config: SearchConfig, r: SearchedText, into: Set<string> = new Set()): Set<string> {
    const known = this.known[config];
    for (let w = 0; w < 4; w++) {
      tokens(r, w, (text, s, e) => {
        const token = text.slice(s, e);
        if (!known.has(token)) into.add(token);
      });
    }
    return into;
  }

  /** Looks up, in one statement, tokens not seen before (from unknown()). */
  async learnTokens(pool: Pick<Pool, "query">, config: SearchConfig, missing: Iterable<string>): Promise<void> {
    const tokens = [...missing].filter((t) => !this.known[config].has(t));
    if (tokens.length === 0) return;
    // Every token type but blank (12) takes a position; the generator's text has no tags or entities.
    const { rows } = await pool.query<{ t: string; v: [string, number[]][]; n: number }>(
      `SELECT t, (SELECT coalesce(json_agg(json_build_array(v.lexeme, v.positions)), '[]') FROM unnest(to_tsvector($1::regconfig, t)) v) AS v,
              (SELECT count(*)::int FROM ts_parse('default', t) WHERE tokid <> 12) AS n
       FROM unnest($2::text[]) AS t`,
      [config, tokens],
    );
    for (const r of rows)
      this.known[config].set(r.t, {
        lexemes: r.v.map(([lexeme]) => this.lexemeId(lexeme)),
        rel: r.v.map(([, rel]) => rel),
        takes: r.n,
      });
  }

  /** Looks up, in one statement per configuration, every token of these revisions not seen before. */
  async learn(pool: Pick<Pool, "query">, config: SearchConfig, revisions: SearchedText[]): Promise<void> {
    const missing = new Set<string>();
    for (const r of revisions) this.unknown(config, r, missing);
    await this.learnTokens(pool, config, missing);
  }

  /**
   * The search vector of a revision in tsvector's binary form, as the trigger tr_article_revisions_search
   * computes it: setweight(to_tsvector(headline), 'A') || setweight(to_tsvector(standfirst), 'B')
   * || setweight(to_tsvector(searchable(body_text)), 'C') || to_tsvector(searchable(relations_text)).
   */
  searchVector(config: SearchConfig, r: SearchedText): Buffer {
    const known = this.known[config];
    const touched: number[] = [];
    const { positions, part, partCount, partLast, count, last } = this;
    // The largest position kept so far: `a || b` shifts b by a's.
    let maxpos = 0;
    try {
      for (let w = 0; w < 4; w++) {
        const shift = maxpos;
        const stamp = w + 1;
        let pos = 0;
        tokens(r, w, (text, s, e) => {
          const token = text.slice(s, e);
          const parsed = known.get(token);
          if (parsed === undefined) throw new UnknownToken(token);
          for (let k = 0; k < parsed.lexemes.length; k++) {
            const id = parsed.lexemes[k]!;
            if (count[id] === 0 && part[id] === 0) touched.push(id);
            if (part[id] !== stamp) {
              part[id] = stamp;
              partCount[id] = 0;
              partLast[id] = -1;
            }
            for (const rel of parsed.rel[k]!) {
              // to_tsvector of this part: at most 255 positions, none after the cap, no repeats.
              const p = Math.min(pos + rel, MAX_POS);
              if (partCount[id]! >= MAX_POSITIONS - 1 || partLast[id] === MAX_POS || partLast[id] === p) continue;
              partCount[id]!++;
              partLast[id] = p;
              // `||`: at most 256 positions in all, none after the cap.
              if (count[id]! >= MAX_POSITIONS || last[id] === MAX_POS) continue;
              const q = Math.min(p + shift, MAX_POS);
              positions[id]!.push(q * 4 + w);
              count[id]!++;
              last[id] = q;
              if (q > maxpos) maxpos = q;
            }
          }
          pos += parsed.takes; // stop words take a position too
        });
      }
    } catch (err) {
      // Leave the reused per-lexeme arrays clean for the next vector.
      for (const id of touched) {
        positions[id]!.length = 0;
        count[id] = 0;
        last[id] = 0;
        part[id] = 0;
      }
      throw err;
    }
    // tsvector's binary form (tsvectorsend): lexemes in PostgreSQL's order (byte order, which
    // for these characters is JavaScript's), each NUL-terminated, its positions with their weights.
    if (this.rankStale) this.rerank();
    const rank = this.rank;
    touched.sort((x, y) => rank[x]! - rank[y]!);
    let size = 4;
    let entries = 0;
    for (const id of touched) {
      const n = positions[id]!.length;
      if (n > 0) {
        size += this.bytes[id]!.length + 2 + 2 * n;
        entries++;
      }
    }
    const out = Buffer.allocUnsafe(size);
    let at = out.writeInt32BE(entries, 0);
    for (const id of touched) {
      const ps = positions[id]!;
      if (ps.length > 0) {
        const b = this.bytes[id]!;
        out.set(b, at);
        at = out.writeUInt16BE(ps.length, at + b.length);
        // Weight A..D is 3..0 in the top two bits.
        for (const v of ps) at = out.writeUInt16BE(((3 - (v & 3)) << 14) | (v >> 2), at);
      }
      ps.length = 0;
      count[id] = 0;
      last[id] = 0;
      part[id] = 0;
    }
    return out;
  }

  private rerank(): void {
    const order = this.lexemes.map((_, id) => id).sort((x, y) => (this.lexemes[x]! < this.lexemes[y]! ? -1 : 1));
    this.rank = new Int32Array(this.lexemes.length);
    order.forEach((id, r) => (this.rank[id] = r));
    this.rankStale = false;
  }
}

/** The text a revision's search vector is made of, in the trigger's order. */
export interface SearchedText {
  headline: string;
  standfirst: string;
  body_text: string;
  relations_text: string;
}

/**
 * The tokens of part `w` of the searched text (headline, standfirst, body, relations), the body
 * and relations as searchableText bounds and splits them.
 */
function tokens(r: SearchedText, w: number, each: (text: string, start: number, end: number) => void): void {
  const raw = w === 0 ? r.headline : w === 1 ? r.standfirst : w === 2 ? r.body_text : r.relations_text;
  if (w < 2) {
    scan(raw, (s, e) => each(raw, s, e), false);
    return;
  }
  const text = bounded(raw);
  // Generated text has no run searchable() splits; if one had, its split form is scanned instead.
  if (!scan(text, (s, e) => each(text, s, e))) {
    const split = searchable(raw);
    scan(split, (s, e) => each(split, s, e), false);
  }
}

/** The first SEARCHABLE_CHARS characters, as searchableText takes them. */
function bounded(text: string): string {
  return text.length > SEARCHABLE_CHARS ? text.slice(0, SEARCHABLE_CHARS) : text;
}

/** searchableText (article.entity.ts) in JavaScript: the first 100,000 characters, a space after every 32 non-space ones. */
export function searchable(text: string): string {
  return text.slice(0, SEARCHABLE_CHARS).replace(/(\S{32})/g, "$1 ");
}
