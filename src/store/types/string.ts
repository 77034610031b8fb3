/**
 * @module
 * The string type's own knowledge: how a stored byte string reads as a 64-bit integer (Redis's
 * `string2ll`, used for INCR-family values and arguments alike) and which encoding Redis would
 * report for it. Values stay plain JS strings: every command group tests `typeof value ===
 * "string"`, so a wrapper object would have to be unwrapped everywhere; the price is the two
 * encoding cases `stringEncoding` cannot see (documented there).
 */

/** 2^63 - 1 and -2^63: the range of Redis's `long long`. */
export const LLONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;

/**
 * Redis's `string2ll`: the integer `text` spells exactly (no spaces, no `+`, no leading zeros,
 * no `-0`, within 64 bits), or undefined. A number within ±(2^53 - 1), a bigint beyond, so
 * callers stay on numbers on the common path and are exact at the edges.
 */
export function integerValue(text: string): number | bigint | undefined {
  const length = text.length;
  if (length === 0 || length > 20) return undefined;
  const negative = text.charCodeAt(0) === 45;
  if (negative && length === 1) return undefined;
  let i = negative ? 1 : 0;
  const first = text.charCodeAt(i);
  // A leading zero is only allowed as the whole string "0" ("-0" and "007" are not integers).
  if (first === 48) return length === 1 ? 0 : undefined;
  if (first < 49 || first > 57) return undefined;
  if (length - i <= 15) {
    // 15 digits cannot leave the safe range, so plain arithmetic is exact.
    let value = 0;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
      value = value * 10 + (c - 48);
    }
    return negative ? -value : value;
  }
  for (let j = i + 1; j < length; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) return undefined;
  }
  const big = BigInt(text);
  if (big > LLONG_MAX || big < LLONG_MIN) return undefined;
  return big <= 9007199254740991n && big >= -9007199254740991n ? Number(big) : big;
}

/** Redis's string encodings, as OBJECT ENCODING names them. */
export type StringEncoding = "int" | "embstr" | "raw";

/**
 * The encoding Redis reports for a string written by SET, MSET, GETSET, SETEX and the INCR
 * family: `int` for a canonical 64-bit integer, `embstr` up to 44 bytes, else `raw`. Redis also
 * remembers how a value was made, which a plain string cannot: a value grown by APPEND on an
 * existing key or by SETRANGE is `raw` even when short, and an INCRBYFLOAT result is `embstr`
 * even when it spells an integer; for those this answers from the contents.
 */
export function stringEncoding(value: string): StringEncoding {
  if (value.length <= 20 && integerValue(value) !== undefined) return "int";
  return value.length <= 44 ? "embstr" : "raw";
}
