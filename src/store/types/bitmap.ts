/**
 * @module
 * Bitmaps and bitfields over string values: the pure algorithms behind SETBIT, GETBIT, BITCOUNT,
 * BITPOS, BITOP and BITFIELD. A value is read where it lies (a latin1 string's char codes or a
 * ByteString's bytes), so no read copies it; writes change a ByteString's bytes in place. Bits are
 * numbered as Redis numbers them: bit 0 is the most significant bit of byte 0, and a bitfield is
 * big-endian from its first bit. Ranges follow Redis 7.0's clamping rules exactly, including the
 * 64-bit wrap-arounds of its overflow checks (hence BigInt, but only past 32-bit fields).
 */
import type { ByteString } from "./string.ts";

/** The bytes a bit command reads: a plain string value or one kept as bytes. */
export type Bits = string | ByteString;

/** Byte `index` of `source`, or 0 past its end (a bitmap is zero-padded forever). */
export function byteAt(source: Bits, index: number): number {
  if (index >= source.length) return 0;
  return typeof source === "string" ? source.charCodeAt(index) : source.bytes[index]!;
}

/** Bit `offset` of `source` (0 or 1); 0 past the end. */
export function getBit(source: Bits, offset: number): number {
  return (byteAt(source, Math.floor(offset / 8)) >> (7 - (offset % 8))) & 1;
}

/** Sets bit `offset` of `bytes` (which must reach it) to `on`; returns the bit it replaced. */
export function setBit(bytes: Uint8Array, offset: number, on: number): number {
  const index = Math.floor(offset / 8);
  const shift = 7 - (offset % 8);
  const byte = bytes[index]!;
  bytes[index] = on ? byte | (1 << shift) : byte & ~(1 << shift);
  return (byte >> shift) & 1;
}

/** The number of set bits in a 32-bit word (SWAR; no table to keep around). */
function popcount32(word: number): number {
  word -= (word >>> 1) & 0x55555555;
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
  return Math.imul((word + (word >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Set bits of every 16-bit value: one table lookup per two bytes beats any arithmetic in JS. */
const POPCOUNT16 = (() => {
  const table = new Uint8Array(65536);
  for (let i = 1; i < 65536; i++) table[i] = (i & 1) + table[i >>> 1]!;
  return table;
})();

/** Below this many bytes a word view costs more than it saves. */
const WORD_THRESHOLD = 64;

/** Set bits in bytes `first..last` (inclusive, within the value) of `source`. */
export function countBits(source: Bits, first: number, last: number): number {
  let count = 0;
  let i = first;
  if (typeof source === "string") {
    // Four bytes per popcount: char codes are bytes, so they pack into one word.
    for (; i + 3 <= last; i += 4) {
      count += popcount32(source.charCodeAt(i) | (source.charCodeAt(i + 1) << 8) | (source.charCodeAt(i + 2) << 16) | (source.charCodeAt(i + 3) << 24));
    }
    for (; i <= last; i++) count += popcount32(source.charCodeAt(i));
    return count;
  }
  const bytes = source.bytes;
  if (last - first >= WORD_THRESHOLD) {
    for (; (bytes.byteOffset + i) % 4 !== 0; i++) count += popcount32(bytes[i]!);
    // Whole 32-bit words, two table lookups each: fewer loads than reading 16 bits at a time.
    const words = Math.floor((last + 1 - i) / 4);
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let w = 0; w < words; w++) {
      const word = view[w]!;
      count += POPCOUNT16[word & 0xffff]! + POPCOUNT16[word >>> 16]!;
    }
    i += words * 4;
  }
  for (; i <= last; i++) count += popcount32(bytes[i]!);
  return count;
}

/**
 * Resolves a BITCOUNT/BITPOS range the way Redis 7.0 does: negative indexes count from the end of
 * `total` units (bytes, or bits when `isBit`), then both ends are clamped into the value. Returns
 * the first and last bit of the range, or undefined when it is empty. Indexes may be bigints
 * (beyond ±2^53): compared as numbers they still clamp the same way.
 */
function bitRange(length: number, start: number | bigint, end: number | bigint, isBit: boolean): [number, number] | undefined {
  const total = isBit ? length * 8 : length;
  let from = Number(start);
  let to = Number(end);
  if (from < 0) from += total;
  if (to < 0) to += total;
  if (from < 0) from = 0;
  if (to < 0) to = 0;
  if (to >= total) to = total - 1;
  if (from > to) return undefined;
  return isBit ? [from, to] : [from * 8, to * 8 + 7];
}

/** Set bits between bit `from` and bit `to` (inclusive) of `source`. */
function countBitRange(source: Bits, from: number, to: number): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  let count = countBits(source, first, last);
  // Whole bytes were counted: take back the bits of the edge bytes that lie outside the range.
  count -= popcount32(byteAt(source, first) & (0xff00 >> (from % 8)) & 0xff);
  count -= popcount32(byteAt(source, last) & ((1 << (7 - (to % 8))) - 1));
  return count;
}

/**
 * BITCOUNT's answer: set bits in the whole value, or in `start..end` when given (bytes, or bits
 * when `isBit`; negative from the end). Both ends negative with start after end is 0, as in Redis.
 */
export function bitCount(source: Bits, start?: number | bigint, end?: number | bigint, isBit = false): number {
  if (start === undefined || end === undefined) return source.length === 0 ? 0 : countBits(source, 0, source.length - 1);
  // Compared exactly, before any rounding to number.
  if (start < 0 && end < 0 && start > end) return 0;
  const bits = bitRange(source.length, start, end, isBit);
  return bits === undefined ? 0 : countBitRange(source, bits[0], bits[1]);
}

/** Whether byte `byte` holds no bit equal to `bit` (all zero when looking for 1, all ones for 0). */
function lacks(byte: number, bit: number): boolean {
  return bit ? byte === 0 : byte === 0xff;
}

/** The first bit equal to `bit` between bit `from` and bit `to` of `source`, or -1. */
function findBit(source: Bits, bit: number, from: number, to: number): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  const fill = bit ? 0 : 0xff;
  for (let i = first; i <= last; i++) {
    let byte = byteAt(source, i);
    // Bits outside the range read as the opposite of what is sought, so they never match.
    if (i === first) byte = (byte & (0xff >> (from % 8))) | (fill & (0xff00 >> (from % 8)) & 0xff);
    if (i === last) byte = (byte & (0xff00 >> ((to % 8) + 1)) & 0xff) | (fill & ((1 << (7 - (to % 8))) - 1));
    if (lacks(byte, bit)) {
      if (typeof source !== "string") i = skipWords(source.bytes, bit, i + 1, last) - 1;
      continue;
    }
    const sought = bit ? byte : ~byte & 0xff;
    return i * 8 + Math.clz32(sought) - 24;
  }
  return -1;
}

/**
 * From byte `index` on, skips whole 32-bit words without a bit equal to `bit` (never reaching
 * `last`, which the caller masks): a 64 MB bitmap of zeros is searched a word at a time. Returns
 * the byte to look at next (`index` itself when nothing could be skipped).
 */
function skipWords(bytes: Uint8Array, bit: number, index: number, last: number): number {
  if (last - index < WORD_THRESHOLD) return index;
  for (; (bytes.byteOffset + index) % 4 !== 0; index++) if (!lacks(bytes[index]!, bit)) return index;
  const words = Math.floor((last - index) / 4);
  const view = new Int32Array(bytes.buffer, bytes.byteOffset + index, words);
  const empty = bit ? 0 : -1;
  let w = 0;
  while (w < words && view[w] === empty) w++;
  return index + w * 4;
}

/**
 * BITPOS's answer: the first bit equal to `bit` (0 or 1) in the whole value or in `start..end`
 * (bytes, or bits when `isBit`). Looking for 0 and finding none answers the bit just past the
 * value, which reads as 0, unless the caller gave an end (then -1, as in Redis). An empty range
 * has neither bit: -1.
 */
export function bitPosition(source: Bits, bit: number, start?: number | bigint, end?: number | bigint, isBit = false): number {
  const range = bitRange(source.length, start ?? 0, end ?? source.length - 1, isBit);
  if (range === undefined) return -1;
  const found = findBit(source, bit, range[0], range[1]);
  if (found !== -1 || bit === 1 || end !== undefined) return found;
  return (Math.floor(range[1] / 8) + 1) * 8;
}

/** BITOP's operations, in Redis's order. */
export const BITOP_AND = 0;
export const BITOP_OR = 1;
export const BITOP_XOR = 2;
export const BITOP_NOT = 3;

/**
 * BITOP's result: `op` over `sources` (undefined for a missing key, which reads as empty), each
 * zero-padded to the longest; the result is as long as the longest. NOT takes one source.
 */
export function bitop(op: number, sources: readonly (Bits | undefined)[]): Uint8Array {
  let length = 0;
  for (const source of sources) if (source !== undefined && source.length > length) length = source.length;
  const result = new Uint8Array(length);
  if (length === 0) return result;
  const first = sources[0];
  if (first !== undefined) copyBits(result, first);
  if (op === BITOP_NOT) {
    for (let j = 0; j < length; j++) result[j] = ~result[j]! & 0xff;
    return result;
  }
  for (let i = 1; i < sources.length; i++) {
    const source = sources[i];
    const size = source === undefined ? 0 : source.length;
    if (op === BITOP_AND) result.fill(0, size);
    if (source === undefined || size === 0) continue;
    if (typeof source === "string") {
      if (op === BITOP_AND) for (let j = 0; j < size; j++) result[j]! &= source.charCodeAt(j);
      else if (op === BITOP_OR) for (let j = 0; j < size; j++) result[j]! |= source.charCodeAt(j);
      else for (let j = 0; j < size; j++) result[j]! ^= source.charCodeAt(j);
    } else {
      const bytes = source.bytes;
      if (op === BITOP_AND) for (let j = 0; j < size; j++) result[j]! &= bytes[j]!;
      else if (op === BITOP_OR) for (let j = 0; j < size; j++) result[j]! |= bytes[j]!;
      else for (let j = 0; j < size; j++) result[j]! ^= bytes[j]!;
    }
  }
  return result;
}

/** Copies the bytes of `source` to the start of `target`. */
function copyBits(target: Uint8Array, source: Bits): void {
  if (typeof source === "string") for (let j = 0; j < source.length; j++) target[j] = source.charCodeAt(j);
  else target.set(source.bytes.subarray(0, source.length));
}

/** `bits` (1..32) bits of `source` from bit `offset`, as an unsigned number (zero past the end). */
function readBits(source: Bits, offset: number, bits: number): number {
  let value = 0;
  let index = Math.floor(offset / 8);
  let at = offset % 8;
  for (let remaining = bits; remaining > 0; index++, at = 0) {
    const take = Math.min(8 - at, remaining);
    const chunk = (byteAt(source, index) >> (8 - at - take)) & ((1 << take) - 1);
    // Multiplying, not shifting: a 32-bit field would overflow a signed 32-bit shift.
    value = value * (1 << take) + chunk;
    remaining -= take;
  }
  return value;
}

/** Writes the unsigned `value` (below 2^bits, bits 1..32) into `bits` bits of `bytes` from bit `offset`. */
function writeBits(bytes: Uint8Array, offset: number, bits: number, value: number): void {
  let end = offset + bits;
  for (let remaining = bits; remaining > 0; ) {
    const index = Math.floor((end - 1) / 8);
    const used = ((end - 1) % 8) + 1; // bits of this byte from its top down to the field's end
    const take = Math.min(used, remaining);
    const shift = 8 - used;
    const mask = ((1 << take) - 1) << shift;
    const unit = 2 ** take;
    bytes[index] = (bytes[index]! & ~mask) | ((value % unit) << shift);
    value = Math.floor(value / unit);
    remaining -= take;
    end -= take;
  }
}

/**
 * A bitfield's value, in one canonical form so that values compare with `===`: a number when its
 * magnitude is below 2^52 (then the sum of two is still exact), a bigint beyond (which only wide
 * fields reach). Small values of wide fields stay on numbers, so `INCRBY i64` of a counter costs
 * no BigInt arithmetic.
 */
export type FieldValue = number | bigint;

/** Magnitudes below this are numbers in a FieldValue. */
const NUMBER_LIMIT = 2 ** 52;
const NUMBER_LIMIT_BIG = 1n << 52n;
const TWO_32 = 2 ** 32;

/** The canonical FieldValue of `value`. */
function canonical(value: bigint): FieldValue {
  return value > -NUMBER_LIMIT_BIG && value < NUMBER_LIMIT_BIG ? Number(value) : value;
}

/**
 * BITFIELD GET: the field of `bits` bits at bit `offset` of `source` (undefined reads as zeros),
 * signed (two's complement) or not, as a canonical FieldValue.
 */
export function getBitfield(source: Bits | undefined, offset: number, bits: number, signed: boolean): FieldValue {
  if (source === undefined) return 0;
  if (bits <= 32) {
    const value = readBits(source, offset, bits);
    return signed && value >= 2 ** (bits - 1) ? value - 2 ** bits : value;
  }
  // Two parts: the high `bits - 32` bits (signed when the field is) and the low 32 bits.
  let high = readBits(source, offset, bits - 32);
  const low = readBits(source, offset + bits - 32, 32);
  if (signed && high >= 2 ** (bits - 33)) high -= 2 ** (bits - 32);
  if (high > -(2 ** 20) && high < 2 ** 20) return high * TWO_32 + low;
  return canonical((BigInt(high) << 32n) + BigInt(low));
}

/** BITFIELD SET's write: stores `value` (reduced to `bits` bits) at bit `offset` of `bytes`. */
export function setBitfield(bytes: Uint8Array, offset: number, bits: number, value: FieldValue): void {
  if (bits <= 32) {
    const unit = 2 ** bits;
    const rest = Number(value) % unit;
    writeBits(bytes, offset, bits, rest < 0 ? rest + unit : rest);
    return;
  }
  let high: number;
  let low: number;
  if (typeof value === "number") {
    // Exact: |value| < 2^53, and the parts are found without leaving the safe range.
    const rest = value % TWO_32;
    low = rest < 0 ? rest + TWO_32 : rest;
    const top = (value - low) / TWO_32;
    const unit = 2 ** (bits - 32);
    const topRest = top % unit;
    high = topRest < 0 ? topRest + unit : topRest;
  } else {
    const unsigned = BigInt.asUintN(bits, value);
    high = Number(unsigned >> 32n);
    low = Number(unsigned & 0xffffffffn);
  }
  writeBits(bytes, offset, bits - 32, high);
  writeBits(bytes, offset + bits - 32, 32, low);
}

/** BITFIELD's OVERFLOW modes. */
export const OVERFLOW_WRAP = 0;
export const OVERFLOW_SAT = 1;
export const OVERFLOW_FAIL = 2;

/**
 * The value a BITFIELD SET (`increment` false: store `argument`) or INCRBY (add `argument` to
 * `old`) leaves in a field of `bits` bits, under `overflow`; undefined when the value does not
 * fit and the mode is FAIL (nothing is written). The result compares with `old` by `===`: a number
 * when the arithmetic stayed on (exact) numbers, else canonical.
 * Redis's overflow checks work on 64-bit integers that may wrap (SET i8 -9223372036854775808
 * saturates to 127; SET u8 -1 saturates to 255): the BigInt path reproduces them exactly, and
 * is taken whenever the numbers could differ from it.
 */
export function bitfieldUpdate(old: FieldValue, argument: FieldValue, increment: boolean, bits: number, signed: boolean, overflow: number): FieldValue | undefined {
  if (typeof old === "number" && typeof argument === "number" && argument < NUMBER_LIMIT && argument > -NUMBER_LIMIT) {
    // Both below 2^52: the sum is exact, and Redis's 64-bit checks cannot wrap this close to zero.
    const sum = increment ? old + argument : argument;
    if (bits <= 53) return smallUpdate(sum, increment, bits, signed, overflow);
    // A field this wide holds any such sum, except a negative one in an unsigned field.
    if (signed || sum >= 0) return sum;
  }
  const result = signed
    ? signedUpdate(increment ? BigInt(old) : BigInt(argument), increment ? BigInt(argument) : 0n, bits, overflow)
    : unsignedUpdate(increment ? BigInt(old) : BigInt.asUintN(64, BigInt(argument)), increment ? BigInt(argument) : 0n, bits, overflow);
  return result === undefined ? undefined : canonical(result);
}

/**
 * `bitfieldUpdate` for fields up to 53 bits when the true result `sum` is exact: Redis's checks
 * then reduce to comparing it with the field's range. A negative SET into an unsigned field is a
 * huge 64-bit value to Redis: it overflows upward.
 */
function smallUpdate(sum: number, increment: boolean, bits: number, signed: boolean, overflow: number): number | undefined {
  const unit = 2 ** bits;
  const max = signed ? unit / 2 - 1 : unit - 1;
  const min = signed ? -unit / 2 : 0;
  let limit: number;
  if (sum > max || (!signed && !increment && sum < 0)) limit = max;
  else if (sum < min) limit = min;
  else return sum;
  if (overflow === OVERFLOW_FAIL) return undefined;
  if (overflow === OVERFLOW_SAT) return limit;
  const rest = sum % unit;
  const wrapped = rest < 0 ? rest + unit : rest;
  return signed && wrapped > max ? wrapped - unit : wrapped;
}

const INT64_MAX = (1n << 63n) - 1n;

/** Redis's checkSignedBitfieldOverflow plus the update, in wrapping 64-bit arithmetic. */
function signedUpdate(value: bigint, increment: bigint, bits: number, overflow: number): bigint | undefined {
  const max = bits === 64 ? INT64_MAX : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  // As in Redis: computed with wrap-around, and used only where the checks before make them sound.
  const maxIncrement = BigInt.asIntN(64, max - value);
  const minIncrement = BigInt.asIntN(64, min - value);
  let limit: bigint;
  if (value > max || (bits !== 64 && increment > maxIncrement) || (value >= 0n && increment > 0n && increment > maxIncrement)) limit = max;
  else if (value < min || (bits !== 64 && increment < minIncrement) || (value < 0n && increment < 0n && increment < minIncrement)) limit = min;
  else return value + increment;
  if (overflow === OVERFLOW_FAIL) return undefined;
  if (overflow === OVERFLOW_SAT) return limit;
  return BigInt.asIntN(bits, value + increment);
}

/** Redis's checkUnsignedBitfieldOverflow plus the update; `value` is unsigned 64-bit. */
function unsignedUpdate(value: bigint, increment: bigint, bits: number, overflow: number): bigint | undefined {
  const max = (1n << BigInt(bits)) - 1n;
  const maxIncrement = BigInt.asIntN(64, max - value);
  const minIncrement = BigInt.asIntN(64, -value);
  let limit: bigint;
  if (value > max || (increment > 0n && increment > maxIncrement)) limit = max;
  else if (increment < 0n && increment < minIncrement) limit = 0n;
  else return value + increment;
  if (overflow === OVERFLOW_FAIL) return undefined;
  if (overflow === OVERFLOW_SAT) return limit;
  return BigInt.asUintN(bits, value + increment);
}
