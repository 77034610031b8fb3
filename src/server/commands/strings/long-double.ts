/**
 * @module
 * C's `long double`, emulated exactly with BigInt, for INCRBYFLOAT (and HINCRBYFLOAT): Redis
 * reads both operands with `strtold`, adds them in long double and prints the sum with
 * `%.17Lf`, trailing zeros removed. A JS double has 53 bits of mantissa where x86-64's long
 * double has 64 and an exponent range up to 1e4932, so doubles would differ in the last digits
 * (`0.1 + 0.2` prints `0.3` in Redis) and overflow early; here every step (decimal to binary,
 * the addition, binary to decimal) is rounded once, to nearest, ties to even, as the FPU and
 * glibc do. Not on the hot path: a few microseconds a call.
 */

/** A binary floating-point format: bits of mantissa and the exponent range of normal numbers. */
interface FloatFormat {
  readonly precision: number;
  readonly minExponent: number;
  readonly maxExponent: number;
}

/**
 * The `long double` of the platform Redis would be built on here, so a local redis-server and
 * bunredis agree: x87 extended on x86, IEEE quad on Linux arm64, plain double elsewhere.
 */
const FORMAT: FloatFormat =
  process.arch === "x64" || process.arch === "ia32"
    ? { precision: 64, minExponent: -16382, maxExponent: 16383 }
    : process.arch === "arm64" && process.platform === "linux"
      ? { precision: 113, minExponent: -16382, maxExponent: 16383 }
      : { precision: 53, minExponent: -1022, maxExponent: 1023 };

/** The exponent of the last mantissa bit of the smallest subnormal. */
const MIN_LSB = FORMAT.minExponent - FORMAT.precision + 1;
/** Decimal exponents beyond which a nonzero number surely overflows / surely rounds to zero. */
const LOG10_2 = Math.log10(2);
const MAX_DECIMAL_EXPONENT = Math.ceil((FORMAT.maxExponent + 1) * LOG10_2) + 1;
const MIN_DECIMAL_EXPONENT = Math.floor(MIN_LSB * LOG10_2) - 2;

/** Redis's MAX_LONG_DOUBLE_CHARS: the buffer `string2ld` copies into. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

/**
 * A long double value: `(-1)^negative × mantissa × 2^exponent`, the mantissa below
 * 2^precision (0n for zero), or an infinity.
 */
export interface LongDouble {
  readonly negative: boolean;
  readonly infinite: boolean;
  readonly mantissa: bigint;
  readonly exponent: number;
}

/**
 * Redis's `string2ld`: `text` read whole by `strtold` (decimal or hex, `inf`/`infinity`), no
 * leading space; undefined for anything else, for NaN, and where strtold reports a range error
 * with an infinite or zero result (so `1e5000` and `1e-5000` are not valid floats).
 */
export function parseLongDouble(text: string): LongDouble | undefined {
  const length = text.length;
  if (length === 0 || length >= MAX_LONG_DOUBLE_CHARS) return undefined;
  let i = 0;
  const c0 = text.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return undefined;
  const negative = c0 === 45;
  if (c0 === 43 || c0 === 45) i = 1;
  const c = text.charCodeAt(i) | 0x20;
  if (c === 0x69 /* i */) {
    const word = text.slice(i).toLowerCase();
    return word === "inf" || word === "infinity" ? { negative, infinite: true, mantissa: 0n, exponent: 0 } : undefined;
  }
  if (text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) | 0x20) === 0x78) {
    // "0x" with no hex digit is strtold reading "0" and stopping at the "x": not the whole text.
    return parseHex(text, i + 2, negative);
  }
  return parseDecimal(text, i, negative);
}

/** Digits [. digits] [e [sign] digits], at least one digit, to the end of `text`. */
function parseDecimal(text: string, start: number, negative: boolean): LongDouble | undefined {
  const length = text.length;
  let i = start;
  let digits = "";
  let fractionDigits = 0;
  let seenDot = false;
  let count = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      count++;
      if (seenDot) fractionDigits++;
      // Leading zeros carry no value; fraction digits still count for the scale.
      if (digits.length > 0 || c !== 48) digits += text[i];
    } else if (c === 46 && !seenDot) {
      seenDot = true;
    } else break;
  }
  if (count === 0) return undefined;
  let exponent = 0;
  if (i < length) {
    if ((text.charCodeAt(i) | 0x20) !== 0x65 /* e */) return undefined;
    const parsed = parseExponent(text, i + 1);
    if (parsed === undefined) return undefined;
    exponent = parsed;
  }
  if (digits.length === 0) return zero(negative);
  // Trailing integer zeros were kept in `digits`; fractional digits scale the exponent down.
  const scale = exponent - fractionDigits;
  const magnitude = digits.length - 1 + scale;
  if (magnitude > MAX_DECIMAL_EXPONENT) return undefined;
  if (magnitude < MIN_DECIMAL_EXPONENT) return undefined;
  const value = BigInt(digits);
  const rounded = scale >= 0 ? round(negative, value * 10n ** BigInt(scale), 1n, 0) : round(negative, value, 10n ** BigInt(-scale), 0);
  return rounded.infinite || rounded.mantissa === 0n ? undefined : rounded;
}

/** Hex digits [. hex digits] [p [sign] digits], at least one hex digit, to the end of `text`. */
function parseHex(text: string, start: number, negative: boolean): LongDouble | undefined {
  const length = text.length;
  let i = start;
  let digits = "";
  let fractionDigits = 0;
  let seenDot = false;
  let count = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    const lower = c | 0x20;
    if ((c >= 48 && c <= 57) || (lower >= 0x61 && lower <= 0x66)) {
      digits += text[i];
      count++;
      if (seenDot) fractionDigits++;
    } else if (c === 46 && !seenDot) {
      seenDot = true;
    } else break;
  }
  if (count === 0) return undefined;
  let exponent = 0;
  if (i < length) {
    if ((text.charCodeAt(i) | 0x20) !== 0x70 /* p */) return undefined;
    const parsed = parseExponent(text, i + 1);
    if (parsed === undefined) return undefined;
    exponent = parsed;
  }
  const value = BigInt(`0x${digits}`);
  if (value === 0n) return zero(negative);
  const scale = exponent - 4 * fractionDigits;
  // Far outside the range whatever the digits: avoid building huge shifts.
  const bits = bitLength(value) + scale;
  if (bits > FORMAT.maxExponent + 2) return undefined;
  if (bits < MIN_LSB - 2) return undefined;
  const rounded = round(negative, value, 1n, scale);
  return rounded.infinite || rounded.mantissa === 0n ? undefined : rounded;
}

/** `[+-]digits` to the end of `text`, clamped (a huge exponent only needs to stay huge). */
function parseExponent(text: string, start: number): number | undefined {
  let i = start;
  let sign = 1;
  const c = text.charCodeAt(i);
  if (c === 43 || c === 45) {
    sign = c === 45 ? -1 : 1;
    i++;
  }
  if (i >= text.length) return undefined;
  let value = 0;
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d < 48 || d > 57) return undefined;
    if (value < 1e9) value = value * 10 + (d - 48);
  }
  return sign * value;
}

function zero(negative: boolean): LongDouble {
  return { negative, infinite: false, mantissa: 0n, exponent: 0 };
}

/** Bits in a positive bigint. */
function bitLength(value: bigint): number {
  const hex = value.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/**
 * The long double nearest to `num / den × 2^scale` (num, den > 0), ties to even, with gradual
 * underflow below the normal range and infinity past the top.
 */
function round(negative: boolean, num: bigint, den: bigint, scale: number): LongDouble {
  if (num === 0n) return zero(negative);
  let log2 = bitLength(num) - bitLength(den);
  // num/den lies in [2^(log2-1), 2^(log2+1)): one comparison settles which power it passes.
  if ((log2 >= 0 ? num < den << BigInt(log2) : num << BigInt(-log2) < den)) log2--;
  const top = log2 + scale;
  let lsb = Math.max(top - FORMAT.precision + 1, MIN_LSB);
  const shift = scale - lsb;
  const n = shift >= 0 ? num << BigInt(shift) : num;
  const d = shift >= 0 ? den : den << BigInt(-shift);
  let q = n / d;
  const twice = (n - q * d) * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
  if (q === 1n << BigInt(FORMAT.precision)) {
    q >>= 1n;
    lsb++;
  }
  if (q === 0n) return zero(negative);
  if (bitLength(q) - 1 + lsb > FORMAT.maxExponent) return { negative, infinite: true, mantissa: 0n, exponent: 0 };
  return { negative, infinite: false, mantissa: q, exponent: lsb };
}

/** `a + b` in long double, or undefined when the sum is infinite or NaN. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | undefined {
  if (a.infinite || b.infinite) return undefined;
  if (b.mantissa === 0n) return a.mantissa === 0n ? zero(a.negative && b.negative) : a;
  if (a.mantissa === 0n) return b;
  const exponent = Math.min(a.exponent, b.exponent);
  const x = a.mantissa << BigInt(a.exponent - exponent);
  const y = b.mantissa << BigInt(b.exponent - exponent);
  const sum = (a.negative ? -x : x) + (b.negative ? -y : y);
  if (sum === 0n) return zero(false);
  const result = sum < 0n ? round(true, -sum, 1n, exponent) : round(false, sum, 1n, exponent);
  return result.infinite ? undefined : result;
}

const TEN_TO_17 = 10n ** 17n;

/**
 * Redis's `ld2string(..., LD_STR_HUMAN)`: `%.17Lf`, then trailing zeros (and a bare dot)
 * removed, and `-0` written `0`. Finite values only.
 */
export function formatLongDoubleHuman(value: LongDouble): string {
  const sign = value.negative ? "-" : "";
  let text: string;
  if (value.exponent >= 0) {
    text = sign + (value.mantissa << BigInt(value.exponent)).toString();
  } else {
    const shift = BigInt(-value.exponent);
    const scaled = value.mantissa * TEN_TO_17;
    let q = scaled >> shift;
    const rest = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q++;
    const fraction = (q % TEN_TO_17).toString().padStart(17, "0");
    let end = fraction.length;
    while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
    text = sign + (q / TEN_TO_17).toString() + (end > 0 ? `.${fraction.slice(0, end)}` : "");
  }
  return text === "-0" ? "0" : text;
}
