/**
 * @module
 * The request parser: bytes in, commands out, no I/O. Reads RESP multibulk requests
 * (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline commands (`GET k\r\n`, as telnet sends), exactly as
 * Redis's `processMultibulkBuffer`/`processInlineBuffer` do, with the same limits and error texts.
 *
 * An incomplete command is not an error: `next()` returns `null` and resumes where it stopped when
 * more bytes arrive. Arguments already read are kept, so what is held back is at most one partial
 * element; a large bulk argument is read straight into a buffer of its final size, so no chunk is
 * copied twice. Arguments are byte strings (latin1: one char per byte), as the store keeps them.
 */

/** A malformed request; the message is Redis's reply text (without the leading `-`). */
export class ProtocolError extends Error {}

/** Limits read at each check, so CONFIG SET applies to connected clients. */
export interface ParserLimits {
  /** `proto-max-bulk-len`: longest bulk argument. */
  maxBulkLength(): number;
}

const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
/** Redis's PROTO_INLINE_MAX_SIZE: longest inline command and longest `*`/`$` header line. */
const INLINE_MAX = 64 * 1024;
/** Redis's PROTO_MBULK_BIG_ARG: bulks this large are read into a buffer of their own size. */
const BIG_ARG = 32 * 1024;
const INT_MAX = 2 ** 31 - 1;
const EMPTY = Buffer.alloc(0);

/** Parses requests from one connection's byte stream. */
export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Arguments of the multibulk command being read; `remaining` more to come (0: between commands). */
  private args: string[] = [];
  private remaining = 0;
  /** Length of the bulk whose `$N` header was read but whose payload has not all arrived; -1: none. */
  private bulkLength = -1;
  /** A big bulk being filled across chunks: its buffer (payload + CRLF) and how much is in. */
  private big: Buffer | undefined;
  private bigFilled = 0;
  /** The last command name read (see `commandName`). */
  private lastName = "";
  /** Before AUTH, Redis allows only small requests (10 arguments, 16 KiB bulks). */
  authenticated = true;

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes held for the command being read: what the query-buffer limit applies to. */
  get buffered(): number {
    return this.buf.length - this.pos + this.bigFilled;
  }

  /** Adds bytes read from the socket. Keeps a reference to `chunk`; the caller must not reuse it. */
  feed(chunk: Buffer): void {
    if (this.big) {
      const take = Math.min(chunk.length, this.big.length - this.bigFilled);
      chunk.copy(this.big, this.bigFilled, 0, take);
      this.bigFilled += take;
      if (this.bigFilled === this.big.length) this.finishBig();
      chunk = chunk.subarray(take);
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
      this.pos = 0;
    } else if (chunk.length > 0) {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.pos = 0;
    }
  }

  /**
   * The next complete command, `null` when more bytes are needed, or an empty array for a request
   * Redis ignores (empty inline line, `*0`). Throws `ProtocolError` on malformed input; the
   * connection must then be closed.
   */
  next(): string[] | null {
    if (this.big) return null;
    // remaining is 0 with arguments held when a big bulk completed the command in `feed`.
    if (this.remaining === 0 && this.args.length === 0) {
      if (this.pos >= this.buf.length) return null;
      if (this.buf[this.pos] !== STAR) return this.inline();
      const count = this.header("multibulk");
      if (count === undefined) return null;
      if (count <= 0) return [];
      this.remaining = count;
    }
    while (this.remaining > 0) {
      const buf = this.buf;
      let length = this.bulkLength;
      if (length < 0) {
        if (this.pos >= buf.length) return null;
        if (buf[this.pos] !== DOLLAR) throw new ProtocolError(`ERR Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`);
        const header = this.header("bulk");
        if (header === undefined) return null;
        length = this.bulkLength = header;
      }
      const end = this.pos + length;
      if (end + 2 <= buf.length) {
        this.args.push(this.args.length === 0 ? this.commandName(buf, this.pos, end) : buf.latin1Slice(this.pos, end));
        this.pos = end + 2;
        this.remaining--;
        this.bulkLength = -1;
      } else if (length >= BIG_ARG) {
        this.big = Buffer.allocUnsafe(length + 2);
        this.bigFilled = buf.copy(this.big, 0, this.pos);
        this.pos = buf.length;
        this.bulkLength = -1;
        return null;
      } else {
        return null;
      }
    }
    const args = this.args;
    this.args = [];
    return args;
  }

  /**
   * The command name at `start..end`: the previous command's string when the bytes are the same,
   * as they are in most pipelines, so that a name is not made again for every command.
   */
  private commandName(buf: Buffer, start: number, end: number): string {
    const previous = this.lastName;
    if (previous.length === end - start) {
      let i = 0;
      while (i < previous.length && buf[start + i] === previous.charCodeAt(i)) i++;
      if (i === previous.length) return previous;
    }
    return (this.lastName = buf.latin1Slice(start, end));
  }

  /** The big bulk is complete: it becomes an argument. */
  private finishBig(): void {
    const big = this.big!;
    this.args.push(big.latin1Slice(0, big.length - 2));
    this.big = undefined;
    this.bigFilled = 0;
    this.remaining--;
  }

  /**
   * Reads a `*N\r\n` or `$N\r\n` line at `pos` and checks N as Redis does; returns undefined (and
   * leaves `pos`) when the line is not complete yet.
   */
  private header(kind: "multibulk" | "bulk"): number | undefined {
    const buf = this.buf;
    const start = this.pos + 1;
    // Header lines are a few bytes: a loop beats a native indexOf call; past 32 bytes use it.
    let cr = start;
    const stop = Math.min(buf.length, start + 32);
    while (cr < stop && buf[cr] !== CR) cr++;
    if (cr === stop) cr = stop === buf.length ? -1 : buf.indexOf(CR, stop);
    if (cr < 0 || cr + 1 >= buf.length) {
      if (buf.length - this.pos > INLINE_MAX) throw new ProtocolError(`ERR Protocol error: too big ${kind === "multibulk" ? "mbulk" : "bulk"} count string`);
      return undefined;
    }
    const value = parseStrictInteger(buf, start, cr);
    if (kind === "multibulk") {
      if (value === undefined || value > INT_MAX) throw new ProtocolError("ERR Protocol error: invalid multibulk length");
      if (value > 10 && !this.authenticated) throw new ProtocolError("ERR Protocol error: unauthenticated multibulk length");
    } else {
      if (value === undefined || value < 0 || value > this.limits.maxBulkLength()) throw new ProtocolError("ERR Protocol error: invalid bulk length");
      if (value > 16384 && !this.authenticated) throw new ProtocolError("ERR Protocol error: unauthenticated bulk length");
    }
    this.pos = cr + 2;
    return value;
  }

  /** An inline command: one line, split as redis-cli and Redis split it (quotes, escapes). */
  private inline(): string[] | null {
    const buf = this.buf;
    const newline = buf.indexOf(LF, this.pos);
    if (newline < 0) {
      if (buf.length - this.pos > INLINE_MAX) throw new ProtocolError("ERR Protocol error: too big inline request");
      return null;
    }
    const start = this.pos;
    const end = newline > start && buf[newline - 1] === CR ? newline - 1 : newline;
    this.pos = newline + 1;
    const args = hasQuote(buf, start, end) ? splitArgs(buf.latin1Slice(start, end)) : splitWords(buf, start, end);
    if (args === undefined) throw new ProtocolError("ERR Protocol error: unbalanced quotes in request");
    return args;
  }
}

/** Redis's `string2ll` on bytes: optional `-`, digits, no leading zero, no `+`, in the 64-bit range. */
function parseStrictInteger(buf: Buffer, start: number, end: number): number | undefined {
  if (start >= end || end - start > 20) return undefined;
  let i = start;
  const negative = buf[i] === 45;
  if (negative) i++;
  if (i >= end) return undefined;
  if (buf[i] === 48) return end - start === 1 ? 0 : undefined;
  let value = 0;
  for (; i < end; i++) {
    const digit = buf[i]! - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

/** Whether bytes `start..end` hold a quote, which only `splitArgs` reads rightly. */
function hasQuote(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === 34 || buf[i] === 39) return true;
  return false;
}

/** Redis's isspace set on a byte: space, \t, \n, \v, \f, \r. */
function isSpaceByte(byte: number): boolean {
  return byte === 32 || (byte >= 9 && byte <= 13);
}

/** `splitArgs` for a line without quotes: the runs of non-space bytes, each read straight off the buffer. */
function splitWords(buf: Buffer, start: number, end: number): string[] {
  const words: string[] = [];
  let i = start;
  for (;;) {
    while (i < end && isSpaceByte(buf[i]!)) i++;
    if (i >= end) return words;
    const from = i;
    while (i < end && !isSpaceByte(buf[i]!)) i++;
    words.push(buf.latin1Slice(from, i));
  }
}

const HEX = "0123456789abcdefABCDEF";

/** Redis's isspace set, as `sdssplitargs` uses it. */
function isSpace(char: string | undefined): boolean {
  return char === " " || char === "\n" || char === "\r" || char === "\t" || char === "\v" || char === "\f";
}

/**
 * Redis's `sdssplitargs`: whitespace-separated words, `"double quotes"` with `\n \r \t \b \a \\ \"`
 * and `\xHH` escapes, `'single quotes'` with `\'`. A closing quote must be followed by a space or the
 * end. Returns undefined for unbalanced quotes.
 */
export function splitArgs(line: string): string[] | undefined {
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return args;
    let current = "";
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = line[i];
      if (inDouble) {
        if (c === undefined) return undefined;
        if (c === "\\" && line[i + 1] === "x" && HEX.includes(line[i + 2] ?? "_") && HEX.includes(line[i + 3] ?? "_")) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === "\\" && i + 1 < n) {
          i++;
          const e = line[i]!;
          current += e === "n" ? "\n" : e === "r" ? "\r" : e === "t" ? "\t" : e === "b" ? "\b" : e === "a" ? "\x07" : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return undefined;
          inDouble = false;
          i++;
          break;
        } else current += c;
      } else if (inSingle) {
        if (c === undefined) return undefined;
        if (c === "\\" && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return undefined;
          inSingle = false;
          i++;
          break;
        } else current += c;
      } else {
        if (c === undefined || isSpace(c)) break;
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else current += c;
      }
      i++;
    }
    args.push(current);
  }
}
