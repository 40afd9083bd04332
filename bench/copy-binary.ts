import type { Pool } from "pg";

/*
 * COPY's binary format for the dataset generator: every value goes as its bytes (text as UTF-8,
 * uuids as 16 bytes, timestamps as microseconds), so Node escapes nothing and PostgreSQL parses
 * no dates, uuids or tsvector text. Written by hand because what pg-copy-streams takes is the
 * bytes, and what a row holds is known from the table's own column types (encoderFor).
 */

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
/** 2000-01-01, PostgreSQL's epoch, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TEXT_OID = 25;

/** A growing buffer of one COPY stream: header, rows, trailer. */
export class CopyWriter {
  private buf = Buffer.allocUnsafe(1 << 20);
  private n = 0;

  constructor() {
    this.bytes(SIGNATURE);
    this.int32(0); // flags
    this.int32(0); // header extension length
  }

  private ensure(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + k));
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }

  int16(v: number): void {
    this.ensure(2);
    this.n = this.buf.writeInt16BE(v, this.n);
  }

  int32(v: number): void {
    this.ensure(4);
    this.n = this.buf.writeInt32BE(v, this.n);
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /** A field's length, then its UTF-8 bytes. */
  text(s: string): void {
    this.ensure(4 + s.length * 3);
    const len = this.buf.write(s, this.n + 4, "utf8");
    this.buf.writeInt32BE(len, this.n);
    this.n += 4 + len;
  }

  uuid(s: string): void {
    this.ensure(20);
    this.n = this.buf.writeInt32BE(16, this.n);
    let j = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 45) continue;
      const hi = HEX_VALUE[c]!;
      const lo = HEX_VALUE[s.charCodeAt(++i)]!;
      if (hi < 0 || lo < 0) throw new Error(`not a uuid: ${s}`);
      this.buf[this.n + j++] = (hi << 4) | lo;
    }
    if (j !== 16) throw new Error(`not a uuid: ${s}`);
    this.n += 16;
  }

  timestamptz(d: Date): void {
    const us = (d.getTime() - PG_EPOCH_MS) * 1000;
    const hi = Math.floor(us / 4294967296);
    this.ensure(12);
    this.n = this.buf.writeInt32BE(8, this.n);
    this.n = this.buf.writeInt32BE(hi, this.n);
    this.n = this.buf.writeUInt32BE(us - hi * 4294967296, this.n);
  }

  textArray(items: readonly string[]): void {
    const at = this.n;
    this.int32(0); // length, set below
    this.int32(items.length === 0 ? 0 : 1); // dimensions (none for an empty array)
    this.int32(0); // no NULL elements
    this.int32(TEXT_OID);
    if (items.length > 0) {
      this.int32(items.length);
      this.int32(1); // lower bound
      for (const s of items) this.text(s);
    }
    this.buf.writeInt32BE(this.n - at - 4, at);
  }

  /** The stream so far, with the trailer. */
  finish(): Buffer {
    this.int16(-1);
    return this.buf.subarray(0, this.n);
  }
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[97 + i] = HEX_VALUE[65 + i] = 10 + i;

export type Cell = string | number | Date | readonly string[] | Uint8Array | null | undefined;
type Encode = (w: CopyWriter, v: NonNullable<Cell>) => void;

const ENCODERS: Record<string, Encode> = {
  uuid: (w, v) => w.uuid(v as string),
  text: (w, v) => w.text(v as string),
  integer: (w, v) => {
    w.int32(4);
    w.int32(v as number);
  },
  smallint: (w, v) => {
    w.int32(2);
    w.int16(v as number);
  },
  "timestamp with time zone": (w, v) => w.timestamptz(v as Date),
  "text[]": (w, v) => w.textArray(v as string[]),
  // Already in tsvector's binary form (LexemeCache.searchVector).
  tsvector: (w, v) => {
    const b = v as Uint8Array;
    w.int32(b.length);
    w.bytes(b);
  },
};

/** How each of `columns` of `table` is encoded, from the table's column types; refuses a type it has no encoder for. */
export async function encodersFor(pool: Pick<Pool, "query">, table: string, columns: string[]): Promise<Encode[]> {
  const { rows } = await pool.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, NULL) AS type FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
    [table],
  );
  const types = new Map(rows.map((r) => [r.name, r.type]));
  return columns.map((c) => {
    const type = types.get(c);
    const encode = type === undefined ? undefined : ENCODERS[type];
    if (!encode) throw new Error(`${table}.${c}: no binary COPY encoder for type ${type ?? "(no such column)"}`);
    return encode;
  });
}

/** Rows as a binary COPY stream: the columns in order, NULL for null or undefined. */
export function encodeRows(rows: readonly object[], columns: readonly string[], encoders: readonly Encode[]): Buffer {
  const w = new CopyWriter();
  for (const row of rows as Record<string, Cell>[]) {
    w.int16(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const v = row[columns[i]!];
      if (v === null || v === undefined) w.int32(-1);
      else encoders[i]!(w, v);
    }
  }
  return w.finish();
}
