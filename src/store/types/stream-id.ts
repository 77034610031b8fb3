/**
 * @module
 * Stream entry ids: pairs `<ms>-<seq>` of unsigned 64-bit integers, compared as one 128-bit
 * number (ms first). Each half is a `U64`: a plain number while it is at most 2^53 - 1, a bigint
 * beyond, never both for the same value. Real ids (milliseconds since the epoch, small sequence
 * numbers) stay on numbers, so comparing and printing them costs what it costs for numbers, while
 * `18446744073709551615-18446744073709551615` is still exact. JS compares a number with a bigint
 * exactly, and the canonical form makes `===` equality exact too.
 *
 * Parsing follows Redis's `streamGenericParseIDOrReply` and its `string2ull` to the byte (leading
 * spaces, a `+`, leading zeros and even a wrapped `-05` are accepted where strtoull accepts them).
 */

/** An unsigned 64-bit integer: a number up to 2^53 - 1, a bigint above (never a bigint below). */
export type U64 = number | bigint;

/** 2^64 - 1, the largest `U64`. */
export const U64_MAX = 18446744073709551615n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** The canonical `U64` of a bigint in [0, 2^64). */
export function toU64(value: bigint): U64 {
  return value <= SAFE_MAX ? Number(value) : value;
}

/** `value + 1`; the caller makes sure `value` is below 2^64 - 1. */
export function incrementU64(value: U64): U64 {
  if (typeof value === "number" && value < Number.MAX_SAFE_INTEGER) return value + 1;
  return BigInt(value) + 1n;
}

/** `value - 1`; the caller makes sure `value` is above 0. */
export function decrementU64(value: U64): U64 {
  if (typeof value === "number") return value - 1;
  return toU64(value - 1n);
}

/** Whether `value` is 2^64 - 1. */
export function isU64Max(value: U64): boolean {
  // Only a bigint can be it: the type test spares comparing a number with a bigint.
  return typeof value === "bigint" && value === U64_MAX;
}

/** Compares (ams, aseq) with (bms, bseq): negative, zero or positive. */
export function compareIds(ams: U64, aseq: U64, bms: U64, bseq: U64): number {
  if (ams !== bms) return ams < bms ? -1 : 1;
  if (aseq === bseq) return 0;
  return aseq < bseq ? -1 : 1;
}

/** `<ms>-<seq>`, as Redis prints ids. */
export function formatId(ms: U64, seq: U64): string {
  return `${ms}-${seq}`;
}

/** An id as a pair (for APIs that return one; the hot paths pass the halves separately). */
export interface StreamId {
  readonly ms: U64;
  readonly seq: U64;
}

/** The id after (ms, seq), or undefined after the largest id (Redis's streamIncrID failing). */
export function nextId(ms: U64, seq: U64): StreamId | undefined {
  if (!isU64Max(seq)) return { ms, seq: incrementU64(seq) };
  if (isU64Max(ms)) return undefined;
  return { ms: incrementU64(ms), seq: 0 };
}

/** The id before (ms, seq), or undefined before 0-0 (Redis's streamDecrID failing). */
export function previousId(ms: U64, seq: U64): StreamId | undefined {
  if (seq !== 0) return { ms, seq: decrementU64(seq) };
  if (ms === 0) return undefined;
  return { ms: decrementU64(ms), seq: U64_MAX };
}

/** Whether a character code is one of C's isspace characters (strtoull skips them). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Redis's `string2ull`: a strict `string2ll` integer when `text` is one (negative ones refused),
 * else what C's strtoull reads of the whole of `text`: leading spaces, an optional sign (a minus
 * wraps modulo 2^64), at least one decimal digit, nothing after, no overflow.
 */
export function parseU64(text: string): U64 | undefined {
  const length = text.length;
  if (length === 0) return undefined;
  // Fast path: plain digits (by far the common case), short enough to stay exact as a number.
  let c = text.charCodeAt(0);
  if (c >= 48 && c <= 57 && length <= 15) {
    let value = 0;
    for (let i = 0; i < length; i++) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) return parseU64Slow(text);
      value = value * 10 + (c - 48);
    }
    return value;
  }
  return parseU64Slow(text);
}

function parseU64Slow(text: string): U64 | undefined {
  // string2ll accepts "-5": string2ull refuses it rather than wrapping it.
  if (/^-[1-9][0-9]{0,18}$/.test(text) && BigInt(text) >= -(2n ** 63n)) return undefined;
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  let negative = false;
  const sign = text.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    negative = sign === 45;
    i++;
  }
  const digits = text.slice(i);
  if (digits.length === 0 || !/^[0-9]+$/.test(digits)) return undefined;
  let value = BigInt(digits);
  if (value > U64_MAX) return undefined;
  if (negative && value !== 0n) value = (1n << 64n) - value;
  return toU64(value);
}

/** What `parseStreamId` makes of an argument. */
export interface ParsedId {
  ms: U64;
  seq: U64;
  /** False for XADD's `<ms>-*` (the sequence is to be generated). */
  seqGiven: boolean;
}

/**
 * Redis's streamGenericParseIDOrReply: `-` and `+` (the smallest and largest ids, refused when
 * `strict`), `<ms>` (with `missingSeq` as the sequence), `<ms>-<seq>`, and with `allowAutoSeq`
 * XADD's `<ms>-*`. Undefined for anything else. As in Redis the argument is read as a C string
 * (it ends at a NUL byte) and may be at most 127 bytes long.
 */
export function parseStreamId(text: string, missingSeq: U64, strict: boolean, allowAutoSeq = false): ParsedId | undefined {
  if (text.length > 127) return undefined;
  const nul = text.indexOf("\0");
  if (nul >= 0) text = text.slice(0, nul);
  if (text.length === 1) {
    const c = text.charCodeAt(0);
    if (c === 45) return strict ? undefined : { ms: 0, seq: 0, seqGiven: true };
    if (c === 43) return strict ? undefined : { ms: U64_MAX, seq: U64_MAX, seqGiven: true };
  }
  const dash = text.indexOf("-");
  const ms = parseU64(dash < 0 ? text : text.slice(0, dash));
  if (ms === undefined) return undefined;
  if (dash < 0) return { ms, seq: missingSeq, seqGiven: true };
  const rest = text.slice(dash + 1);
  if (allowAutoSeq && rest === "*") return { ms, seq: 0, seqGiven: false };
  const seq = parseU64(rest);
  if (seq === undefined) return undefined;
  return { ms, seq, seqGiven: true };
}

/** The 16 bytes of an id as Redis keys its radix trees: ms then seq, each big-endian. */
export function idBytes(ms: U64, seq: U64): Uint8Array {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(ms));
  view.setBigUint64(8, BigInt(seq));
  return bytes;
}
