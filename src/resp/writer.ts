/**
 * @module
 * The reply writer: appends RESP2 or RESP3 replies into one growable buffer, so a whole batch of
 * pipelined replies leaves in one socket write. Methods are named for what a reply means (a map, a
 * null, a double); the protocol version decides its bytes, as Redis's `addReply*` functions do.
 * Strings are byte strings (latin1), written without any UTF-8 step.
 */

const CRLF = "\r\n";
/** Strings up to this length are copied byte by byte in JavaScript; longer ones by latin1Write. */
const SHORT_STRING = 32;

/** Redis 7.0's text for a double reply: `inf`, `-inf`, else C's `%.17g`. */
export function formatDouble(value: number): string {
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return formatG17(value);
}

/** C's `printf("%.17g")`: 17 significant digits, trailing zeros dropped, exponent form outside 1e-4..1e17. */
export function formatG17(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa, exponentText] = value.toExponential(16).split("e") as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 17) {
    const digits = mantissa.replace(/\.?0+$/, "");
    return `${digits}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const fixed = value.toFixed(16 - exponent);
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/** Appends replies for one client at a time; `protocol` is that client's RESP version. */
export class ReplyWriter {
  private buf: Buffer;
  /** Bytes written so far. */
  length = 0;
  /** 2 or 3, set from the client before its commands run. */
  protocol: 2 | 3 = 2;

  constructor(initialSize = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** The writer's own buffer, of which the first `length` bytes are written (no view is made). */
  get buffer(): Buffer {
    return this.buf;
  }

  /** The bytes written since the last `reset`, a view into the writer's own buffer. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** Forgets what was written; the buffer is kept for the next batch. */
  reset(): void {
    this.length = 0;
    // Give back memory after a huge reply, so one big GET does not pin megabytes per server.
    if (this.buf.length > 4 * 1024 * 1024) this.buf = Buffer.allocUnsafe(64 * 1024);
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  /**
   * Writes a type byte, the decimal digits of `n` and CRLF (`$5\r\n`, `*3\r\n`, `:42\r\n`) straight
   * into the buffer: the framing of every reply, so it makes no string on the way.
   */
  private header(type: number, n: number): void {
    if (n < 0 || !Number.isSafeInteger(n)) {
      this.raw(`${String.fromCharCode(type)}${n}${CRLF}`);
      return;
    }
    this.ensure(20);
    const buf = this.buf;
    let at = this.length;
    buf[at++] = type;
    if (n < 10) buf[at++] = 48 + n;
    else {
      let digits = 1;
      for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
      at += digits;
      for (let i = at - 1, rest = n; i >= at - digits; i--, rest = Math.floor(rest / 10)) buf[i] = 48 + (rest % 10);
    }
    buf[at++] = 13;
    buf[at++] = 10;
    this.length = at;
  }

  /** Appends a byte string as it is (no framing). */
  raw(text: string): void {
    this.ensure(text.length);
    this.length = this.put(text, this.length);
  }

  /**
   * Copies `text` (room ensured) into the buffer at `at`; returns where it ends. Short strings
   * (most keys, values and `+OK`) are copied here, which is cheaper than a native call.
   */
  private put(text: string, at: number): number {
    const buf = this.buf;
    const length = text.length;
    if (length > SHORT_STRING) return at + buf.latin1Write(text, at);
    for (let i = 0; i < length; i++) buf[at++] = text.charCodeAt(i);
    return at;
  }

  /** Appends bytes as they are (no framing). */
  rawBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** `+OK` */
  simple(text: string): void {
    if (text === "OK") this.raw("+OK\r\n");
    else this.raw(`+${text}${CRLF}`);
  }

  /** An error reply; `text` starts with its code (`ERR ...`, `WRONGTYPE ...`). */
  error(text: string): void {
    // Redis turns newlines in error texts into spaces so the reply stays one line.
    this.raw(`-${text.includes("\n") || text.includes("\r") ? text.replace(/[\r\n]/g, " ") : text}${CRLF}`);
  }

  /** `:42` */
  integer(value: number | bigint): void {
    if (typeof value === "number") this.header(58, value);
    else this.raw(`:${value}${CRLF}`);
  }

  /** `$3\r\nfoo` — a bulk string. */
  bulk(value: string): void {
    this.header(36, value.length);
    this.ensure(value.length + 2);
    const buf = this.buf;
    let at = this.put(value, this.length);
    buf[at++] = 13;
    buf[at++] = 10;
    this.length = at;
  }

  /** A bulk string, or null when `value` is undefined. */
  bulkOrNull(value: string | undefined): void {
    if (value === undefined) this.null();
    else this.bulk(value);
  }

  /** The null reply: `$-1` in RESP2 (a null bulk), `_` in RESP3. */
  null(): void {
    this.raw(this.protocol === 3 ? `_${CRLF}` : `$-1${CRLF}`);
  }

  /** The null array: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void {
    this.raw(this.protocol === 3 ? `_${CRLF}` : `*-1${CRLF}`);
  }

  /** An array header; its `count` elements follow. */
  array(count: number): void {
    this.header(42, count);
  }

  /** A map header (`count` pairs): `%` in RESP3, a flat array of 2×count in RESP2. */
  map(count: number): void {
    this.raw(this.protocol === 3 ? `%${count}${CRLF}` : `*${count * 2}${CRLF}`);
  }

  /** A set header: `~` in RESP3, an array in RESP2. */
  set(count: number): void {
    this.raw(this.protocol === 3 ? `~${count}${CRLF}` : `*${count}${CRLF}`);
  }

  /** A push header (pub/sub messages): `>` in RESP3, an array in RESP2. */
  push(count: number): void {
    this.raw(this.protocol === 3 ? `>${count}${CRLF}` : `*${count}${CRLF}`);
  }

  /** A double: `,1.5` in RESP3, a bulk string in RESP2. */
  double(value: number): void {
    const text = formatDouble(value);
    if (this.protocol === 3) this.raw(`,${text}${CRLF}`);
    else this.bulk(text);
  }

  /** A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2. */
  boolean(value: boolean): void {
    if (this.protocol === 3) this.raw(value ? `#t${CRLF}` : `#f${CRLF}`);
    else this.raw(value ? `:1${CRLF}` : `:0${CRLF}`);
  }

  /** Verbatim text (`=` with a 3-letter format) in RESP3, a bulk string in RESP2. */
  verbatim(text: string, format = "txt"): void {
    if (this.protocol === 3) this.raw(`=${text.length + 4}${CRLF}${format}:${text}${CRLF}`);
    else this.bulk(text);
  }

  /** A big number in RESP3 (`(`), a bulk string in RESP2. */
  bigNumber(value: bigint | string): void {
    if (this.protocol === 3) this.raw(`(${value}${CRLF}`);
    else this.bulk(String(value));
  }

  /** An array of bulk strings. */
  bulkArray(values: readonly string[]): void {
    this.array(values.length);
    for (const value of values) this.bulk(value);
  }
}
