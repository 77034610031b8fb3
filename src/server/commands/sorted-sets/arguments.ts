/**
 * @module
 * How the sorted-set commands read their arguments, with Redis's exact rules. Scores, increments
 * and weights go through `string2d` (all of the text, no leading space, no overflow to infinity or
 * underflow to zero, no NaN); score range ends through bare `strtod` as `zslParseRange` calls it
 * (leading spaces allowed, the text ends at a NUL byte, overflow allowed, an empty end reads 0);
 * lex range ends are `[member`, `(member`, `-` or `+`.
 */
import type { LexBound, LexRange, ScoreRange } from "../../../store/types/sorted-set.ts";
import { toBigInteger, toInteger } from "../../arguments.ts";
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_ZSET_LEX_RANGE, ERR_ZSET_SCORE_RANGE, ReplyError } from "../../errors.ts";

/** What C's `strtod` made of a text: the value, where it stopped, and whether it set ERANGE. */
interface Strtod {
  value: number;
  /** Index just past the number; the start of the text when nothing was converted. */
  end: number;
  /** The value overflowed to infinity or underflowed to zero (glibc's ERANGE cases Redis checks). */
  outOfRange: boolean;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** Whether `text` has `word` (lower case) at `at`, ignoring ASCII case. */
function hasWord(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) if ((text.charCodeAt(at + i) | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/** glibc's `strtod` on `text` from `start` to `stop` (C locale): decimal, hex, inf/infinity, nan. */
function strtod(text: string, start: number, stop: number): Strtod {
  let i = start;
  while (i < stop && isSpace(text.charCodeAt(i))) i++;
  let negative = false;
  if (i < stop && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) negative = text.charCodeAt(i++) === 45;
  const body = text.slice(0, stop);
  if (hasWord(body, i, "inf")) {
    const end = hasWord(body, i + 3, "inity") ? i + 8 : i + 3;
    return { value: negative ? -Infinity : Infinity, end, outOfRange: false };
  }
  if (hasWord(body, i, "nan")) {
    let end = i + 3;
    if (text.charCodeAt(end) === 40 && end < stop) {
      let j = end + 1;
      while (j < stop && /[0-9A-Za-z_]/.test(text[j]!)) j++;
      if (j < stop && text.charCodeAt(j) === 41) end = j + 1;
    }
    return { value: NaN, end, outOfRange: false };
  }
  if (text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) | 0x20) === 120 && i + 1 < stop) {
    const hex = hexFloat(text, i + 2, stop, negative);
    if (hex !== undefined) return hex;
  }
  const digitsStart = i;
  let digits = 0;
  let nonZero = false;
  while (i < stop && isDigit(text.charCodeAt(i))) {
    if (text.charCodeAt(i) !== 48) nonZero = true;
    i++;
    digits++;
  }
  if (i < stop && text.charCodeAt(i) === 46) {
    i++;
    while (i < stop && isDigit(text.charCodeAt(i))) {
      if (text.charCodeAt(i) !== 48) nonZero = true;
      i++;
      digits++;
    }
  }
  if (digits === 0) return { value: 0, end: start, outOfRange: false };
  if (i < stop && (text.charCodeAt(i) | 0x20) === 101) {
    let j = i + 1;
    if (j < stop && (text.charCodeAt(j) === 43 || text.charCodeAt(j) === 45)) j++;
    if (j < stop && isDigit(text.charCodeAt(j))) {
      while (j < stop && isDigit(text.charCodeAt(j))) j++;
      i = j;
    }
  }
  const magnitude = Number(text.slice(digitsStart, i));
  const outOfRange = magnitude === Infinity || (magnitude === 0 && nonZero);
  return { value: negative ? -magnitude : magnitude, end: i, outOfRange };
}

/** A hex float after `0x` (`1.8p3`), correctly rounded; undefined when no hex digit follows. */
function hexFloat(text: string, from: number, stop: number, negative: boolean): Strtod | undefined {
  let i = from;
  let mantissa = 0n;
  let digits = 0;
  let fractionDigits = 0;
  let nonZero = false;
  for (; i < stop && hexValue(text.charCodeAt(i)) >= 0; i++, digits++) {
    const v = hexValue(text.charCodeAt(i));
    mantissa = mantissa * 16n + BigInt(v);
    if (v !== 0) nonZero = true;
  }
  if (i < stop && text.charCodeAt(i) === 46) {
    i++;
    for (; i < stop && hexValue(text.charCodeAt(i)) >= 0; i++, digits++, fractionDigits++) {
      const v = hexValue(text.charCodeAt(i));
      mantissa = mantissa * 16n + BigInt(v);
      if (v !== 0) nonZero = true;
    }
  }
  if (digits === 0) return undefined;
  let exponent = 0;
  if (i < stop && (text.charCodeAt(i) | 0x20) === 112) {
    let j = i + 1;
    let expNegative = false;
    if (j < stop && (text.charCodeAt(j) === 43 || text.charCodeAt(j) === 45)) expNegative = text.charCodeAt(j++) === 45;
    if (j < stop && isDigit(text.charCodeAt(j))) {
      let value = 0;
      for (; j < stop && isDigit(text.charCodeAt(j)); j++) value = Math.min(value * 10 + text.charCodeAt(j) - 48, 1e6);
      exponent = expNegative ? -value : value;
      i = j;
    }
  }
  exponent -= 4 * fractionDigits;
  // Keep 64 significant bits and fold the rest into a sticky bit, so one rounding to double is exact.
  const bits = mantissa.toString(2).length;
  if (bits > 64) {
    const shift = bits - 64;
    const sticky = (mantissa & ((1n << BigInt(shift)) - 1n)) !== 0n;
    mantissa >>= BigInt(shift);
    if (sticky) mantissa |= 1n;
    exponent += shift;
  }
  let magnitude = Number(mantissa);
  // Scale in steps so that no intermediate power of two overflows or underflows by itself.
  while (exponent > 0 && magnitude !== Infinity && magnitude !== 0) {
    const step = Math.min(exponent, 1000);
    magnitude *= 2 ** step;
    exponent -= step;
  }
  while (exponent < 0 && magnitude !== 0) {
    const step = Math.max(exponent, -1000);
    magnitude *= 2 ** step;
    exponent -= step;
  }
  const outOfRange = magnitude === Infinity || (magnitude === 0 && nonZero);
  return { value: negative ? -magnitude : magnitude, end: i, outOfRange };
}

/** Redis's `string2d`: the double `text` spells, or undefined. */
export function toScore(text: string): number | undefined {
  const length = text.length;
  if (length === 0) return undefined;
  // The common case, a short decimal integer, needs no general parse.
  if (length <= 15) {
    let i = text.charCodeAt(0) === 45 ? 1 : 0;
    let value = 0;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
    }
    if (i === length && length > (text.charCodeAt(0) === 45 ? 1 : 0)) return text.charCodeAt(0) === 45 ? -value : value;
  }
  if (isSpace(text.charCodeAt(0))) return undefined;
  const parsed = strtod(text, 0, length);
  if (parsed.end !== length || parsed.outOfRange || parsed.value !== parsed.value) return undefined;
  return parsed.value;
}

/** A score or increment argument, or `ERR value is not a valid float` (or `error`). */
export function parseScore(text: string, error = ERR_NOT_FLOAT): number {
  const value = toScore(text);
  if (value === undefined) throw new ReplyError(error);
  return value;
}

/** One end of a score range, as `zslParseRange` reads it; undefined when invalid. */
function scoreRangeEnd(text: string, exclusive: boolean): number | undefined {
  // C string functions stop at the first NUL byte.
  const nul = text.indexOf("\0");
  const stop = nul < 0 ? text.length : nul;
  const start = exclusive ? 1 : 0;
  if (start >= stop) return 0;
  const parsed = strtod(text, start, stop);
  if (parsed.end !== stop || parsed.value !== parsed.value) return undefined;
  return parsed.value;
}

/** A score range `min max` (`(` for exclusive, `-inf`/`+inf`), or `ERR min or max is not a float`. */
export function parseScoreRange(minText: string, maxText: string): ScoreRange {
  const minExclusive = minText.charCodeAt(0) === 40;
  const maxExclusive = maxText.charCodeAt(0) === 40;
  const min = scoreRangeEnd(minText, minExclusive);
  const max = scoreRangeEnd(maxText, maxExclusive);
  if (min === undefined || max === undefined) throw new ReplyError(ERR_ZSET_SCORE_RANGE);
  return { min, max, minExclusive, maxExclusive };
}

const SMALLEST: LexBound = { infinity: -1, value: "", exclusive: true };
const LARGEST: LexBound = { infinity: 1, value: "", exclusive: true };

/** One end of a lex range (`zslParseLexRangeItem`), or undefined when invalid. */
function lexRangeEnd(text: string): LexBound | undefined {
  switch (text.charCodeAt(0)) {
    case 43: // '+': alone (a C string, so a NUL may follow)
      return text.length === 1 || text.charCodeAt(1) === 0 ? LARGEST : undefined;
    case 45: // '-'
      return text.length === 1 || text.charCodeAt(1) === 0 ? SMALLEST : undefined;
    case 40: // '('
      return { infinity: 0, value: text.slice(1), exclusive: true };
    case 91: // '['
      return { infinity: 0, value: text.slice(1), exclusive: false };
    default:
      return undefined;
  }
}

/** A lex range `min max`, or `ERR min or max not valid string range item`. */
export function parseLexRange(minText: string, maxText: string): LexRange {
  const min = lexRangeEnd(minText);
  const max = lexRangeEnd(maxText);
  if (min === undefined || max === undefined) throw new ReplyError(ERR_ZSET_LEX_RANGE);
  return { min, max };
}

/** A 64-bit integer argument (`getLongFromObjectOrReply`); beyond ±2^53 it is approximate, which ranks tolerate. */
export function parseLong(text: string, error = ERR_NOT_INTEGER): number {
  const value = toInteger(text);
  if (value === undefined) throw new ReplyError(error);
  return value;
}

/** An exact 64-bit integer argument, for range checks at the edges of `long`. */
export function parseExactLong(text: string, error = ERR_NOT_INTEGER): bigint {
  const value = toBigInteger(text);
  if (value === undefined) throw new ReplyError(error);
  return value;
}

/** `getPositiveLongFromObjectOrReply`: an integer >= 0, else `error` (also for a non-integer). */
export function parsePositiveLong(text: string, error: string): number {
  const value = toInteger(text);
  if (value === undefined || value < 0) throw new ReplyError(error);
  return value;
}

/** `getRangeLongFromObjectOrReply` with a message: an integer in [min, max], else `error`. */
export function parseLongInRange(text: string, min: number, max: number, error: string): number {
  const value = toInteger(text);
  if (value === undefined || value < min || value > max) throw new ReplyError(error);
  return value;
}

/** Whether `text` is `word` (lower case), ignoring ASCII case; cheaper than lower-casing. */
export function isWord(text: string, word: string): boolean {
  return text.length === word.length && hasWord(text, 0, word);
}
