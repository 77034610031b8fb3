/**
 * @module
 * C's printf conversions of a double, as glibc prints them: `%.14g` is how Lua 5.1 (and so Redis's
 * scripts) turns a number into a string, `%.17g` how redis.call passes a number argument, and
 * string.format offers every conversion. JavaScript's toPrecision/toFixed round an exact tie away
 * from zero where C rounds it to even, so a tie is detected and rounded from the exact decimal
 * expansion of the double.
 */

/** Flags and sizes of one conversion specification (`%-08.3f`). */
export interface FormatSpec {
  /** `-`: pad on the right. */
  left: boolean;
  /** `+`: sign always. */
  plus: boolean;
  /** ` `: a space where the sign would be. */
  space: boolean;
  /** `#`: alternate form (keep trailing zeros of %g, `0x` prefix...). */
  alternate: boolean;
  /** `0`: pad with zeros after the sign. */
  zero: boolean;
  width: number;
  /** -1 when not given. */
  precision: number;
}

/** A spec with no flags, width or precision. */
export const PLAIN: FormatSpec = { left: false, plus: false, space: false, alternate: false, zero: false, width: 0, precision: -1 };

/** The exact decimal digits of a finite non-negative double: value = 0.digits × 10^point. */
function exactDigits(value: number): { digits: string; point: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (mantissa === 0n) return { digits: "0", point: 1 };
  if (exponent >= 0) {
    const digits = (mantissa << BigInt(exponent)).toString();
    return { digits, point: digits.length };
  }
  // m / 2^k = m * 5^k / 10^k: exact, with k decimals.
  const digits = (mantissa * 5n ** BigInt(-exponent)).toString();
  return { digits, point: digits.length + exponent };
}

/**
 * Rounds the integer `digits.slice(0, count)` (`digits` padded with zeros) by what follows it,
 * half to even as glibc does; `count` <= 0 keeps nothing and rounds 0.digits itself.
 */
function roundAt(digits: string, count: number): bigint {
  if (count < 0) return 0n;
  const kept = count === 0 ? 0n : BigInt(digits.slice(0, count).padEnd(count, "0"));
  const next = count < digits.length ? digits.charCodeAt(count) - 48 : 0;
  const sticky = /[1-9]/.test(digits.slice(count + 1));
  const up = next > 5 || (next === 5 && (sticky || kept % 2n === 1n));
  return up ? kept + 1n : kept;
}

/** `%.{precision}e` of a finite non-negative double, as digits: mantissa digits and the exponent. */
function scientificDigits(value: number, precision: number): { digits: string; exponent: number } {
  if (value === 0) return { digits: "0".repeat(precision + 1), exponent: 0 };
  // Fast path: JS rounds correctly except for exact ties, which only a short expansion can have.
  if (precision <= 99) {
    const text = value.toExponential(precision);
    const probe = value.toExponential(precision + 1);
    if (!(probe.split("e")[0]!.endsWith("5") && Number(probe) === value)) {
      const [mantissa, exponentText] = text.split("e") as [string, string];
      return { digits: mantissa.replace(".", ""), exponent: Number(exponentText) };
    }
  }
  const exact = exactDigits(value);
  const count = precision + 1;
  let digits = roundAt(exact.digits, count).toString();
  let exponent = exact.point - 1;
  if (digits.length > count) {
    digits = digits.slice(0, count);
    exponent++;
  }
  return { digits, exponent };
}

/** `%.{precision}f` digits of a finite non-negative double: all digits, the last `precision` are decimals. */
function fixedDigits(value: number, precision: number): string {
  if (value < 1e21 && precision <= 99) {
    const probe = value.toFixed(precision + 1);
    if (!(probe.endsWith("5") && Number(probe) === value)) return value.toFixed(precision).replace(".", "");
  }
  const exact = exactDigits(value);
  return roundAt(exact.digits, exact.point + precision).toString().padStart(precision + 1, "0");
}

/** Inserts the point into fixed digits with `precision` decimals. */
function withPoint(digits: string, precision: number, alternate: boolean): string {
  if (precision === 0) return alternate ? `${digits}.` : digits;
  return `${digits.slice(0, -precision) || "0"}.${digits.slice(-precision)}`;
}

function exponentText(exponent: number): string {
  return `${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** The body (no sign, no padding) of %e/%f/%g for a finite non-negative double. */
function floatBody(value: number, conversion: string, precision: number, alternate: boolean): string {
  const lower = conversion.toLowerCase();
  if (lower === "f") return withPoint(fixedDigits(value, precision), precision, alternate);
  if (lower === "e") {
    const { digits, exponent } = scientificDigits(value, precision);
    const mantissa = precision === 0 ? (alternate ? `${digits}.` : digits) : `${digits[0]}.${digits.slice(1)}`;
    return `${mantissa}${conversion === "E" ? "E" : "e"}${exponentText(exponent)}`;
  }
  // %g: the exponent %e would show decides between the fixed and the scientific form.
  const significant = precision === 0 ? 1 : precision;
  const { exponent } = scientificDigits(value, significant - 1);
  let body: string;
  if (exponent < -4 || exponent >= significant) {
    const { digits } = scientificDigits(value, significant - 1);
    let mantissa = significant === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    if (!alternate && mantissa.includes(".")) mantissa = mantissa.replace(/\.?0+$/, "");
    else if (alternate && !mantissa.includes(".")) mantissa += ".";
    body = `${mantissa}${conversion === "G" ? "E" : "e"}${exponentText(exponent)}`;
  } else {
    const decimals = significant - 1 - exponent;
    body = withPoint(fixedDigits(value, decimals), decimals, alternate);
    if (!alternate && body.includes(".")) body = body.replace(/\.?0+$/, "");
  }
  return body;
}

/** Sign, then padding: spaces (left or right) or zeros after the sign. */
function pad(sign: string, body: string, spec: FormatSpec, zeroAllowed: boolean): string {
  const length = sign.length + body.length;
  if (length >= spec.width) return sign + body;
  const fill = spec.width - length;
  if (spec.left) return sign + body + " ".repeat(fill);
  if (spec.zero && zeroAllowed) return sign + "0".repeat(fill) + body;
  return " ".repeat(fill) + sign + body;
}

function signOf(negative: boolean, spec: FormatSpec): string {
  return negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
}

/** One of %e %E %f %F %g %G of a double, as glibc prints it (`inf`, `-nan`...). */
export function formatFloat(value: number, conversion: string, spec: FormatSpec = PLAIN): string {
  const negative = value < 0 || Object.is(value, -0);
  const upper = conversion === "E" || conversion === "F" || conversion === "G";
  if (!Number.isFinite(value)) {
    // Lua's 0/0 is the x86 default NaN, whose sign bit is set: glibc prints "-nan".
    const text = Number.isNaN(value) ? "nan" : "inf";
    return pad(Number.isNaN(value) ? "-" : signOf(negative, spec), upper ? text.toUpperCase() : text, spec, false);
  }
  const precision = spec.precision < 0 ? 6 : spec.precision;
  return pad(signOf(negative, spec), floatBody(Math.abs(value), conversion, precision, spec.alternate), spec, !spec.left);
}

/** C's `%.{precision}g` with no flags: Lua 5.1's number format is `%.14g`. */
export function formatG(value: number, precision: number): string {
  // Fast path for the overwhelmingly common case: a small integral value.
  if (Number.isInteger(value) && Math.abs(value) < 1e14 && !Object.is(value, -0) && precision >= 14) return String(value);
  return formatFloat(value, "g", { ...PLAIN, precision });
}

/** Lua 5.1's `tostring` of a number (LUA_NUMBER_FMT "%.14g"). */
export function luaNumberText(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e14 && !Object.is(value, -0)) return String(value);
  return formatFloat(value, "g", { ...PLAIN, precision: 14 });
}

/** C's `(long)` cast of a double as x86-64 does it: truncation, INT64_MIN when out of range or NaN. */
export function toLong(value: number): bigint {
  if (!(value > -9223372036854775809 && value < 9223372036854775808)) return -9223372036854775808n;
  return BigInt(Math.trunc(value));
}

/** One of %d %i %o %u %x %X %c of an integer, with C's flags, width and precision. */
export function formatInteger(value: bigint, conversion: string, spec: FormatSpec = PLAIN): string {
  if (conversion === "c") return pad("", String.fromCharCode(Number(BigInt.asUintN(8, value))), spec, false);
  let negative = false;
  let magnitude: bigint;
  if (conversion === "d" || conversion === "i") {
    negative = value < 0n;
    magnitude = negative ? -value : value;
  } else {
    magnitude = BigInt.asUintN(64, value);
  }
  const radix = conversion === "o" ? 8 : conversion === "x" || conversion === "X" ? 16 : 10;
  let digits = magnitude.toString(radix);
  if (conversion === "X") digits = digits.toUpperCase();
  if (spec.precision >= 0) digits = spec.precision === 0 && magnitude === 0n ? "" : digits.padStart(spec.precision, "0");
  let prefix = "";
  if (spec.alternate && magnitude !== 0n) {
    if (conversion === "x") prefix = "0x";
    else if (conversion === "X") prefix = "0X";
  }
  if (spec.alternate && conversion === "o" && !digits.startsWith("0")) digits = `0${digits}`;
  const sign = conversion === "d" || conversion === "i" ? signOf(negative, spec) : "";
  return pad(sign + prefix, digits, spec, spec.precision < 0 && !spec.left);
}

/** A string under %s: precision truncates, width pads. */
export function formatString(text: string, spec: FormatSpec = PLAIN): string {
  const body = spec.precision >= 0 ? text.slice(0, spec.precision) : text;
  return pad("", body, spec, false);
}
