/**
 * @module
 * Argument parsing shared by every command family, with Redis's exact rules: integers as
 * `string2ll` reads them (no spaces, no `+`, no leading zeros, 64-bit range) and floats as
 * `strtold` with Redis's checks.
 */
import { ERR_NOT_FLOAT, ERR_NOT_INTEGER, ReplyError } from "./errors.ts";

const INTEGER = /^-?(0|[1-9][0-9]{0,18})$/;

/** Redis's `string2ll`: the integer `text` holds exactly, or undefined. Exact within ±2^53. */
export function toInteger(text: string): number | undefined {
  if (text.length === 0 || text.length > 20 || !INTEGER.test(text)) return undefined;
  if (text === "-0") return undefined;
  const value = Number(text);
  if (Number.isSafeInteger(value)) return value;
  const big = BigInt(text);
  return big >= -(2n ** 63n) && big <= 2n ** 63n - 1n ? value : undefined;
}

/** Like `toInteger` but keeps every 64-bit value exactly. */
export function toBigInteger(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 20 || !INTEGER.test(text) || text === "-0") return undefined;
  const big = BigInt(text);
  return big >= -(2n ** 63n) && big <= 2n ** 63n - 1n ? big : undefined;
}

/** The integer in `text`, or a ReplyError with `error` (Redis's default: not an integer or out of range). */
export function parseInteger(text: string, error = ERR_NOT_INTEGER): number {
  const value = toInteger(text);
  if (value === undefined) throw new ReplyError(error);
  return value;
}

/**
 * Redis's `string2ld`/`getDoubleFromObject`: a float as strtod reads it, the whole string, no
 * spaces; `inf`/`-inf` allowed, NaN not. Returns undefined when not a valid float.
 */
export function toFloat(text: string): number | undefined {
  if (text.length === 0 || text.length > 5000) return undefined;
  const c0 = text.charCodeAt(0);
  const cl = text.charCodeAt(text.length - 1);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13) || cl === 32 || (cl >= 9 && cl <= 13)) return undefined;
  const lower = text.toLowerCase();
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) && !/^[+-]?0x[0-9a-f]+(\.[0-9a-f]*)?(p[+-]?\d+)?$/i.test(text)) return undefined;
  const value = text.toLowerCase().includes("0x") ? parseHexFloat(text) : Number(text);
  return Number.isNaN(value) ? undefined : value;
}

function parseHexFloat(text: string): number {
  const m = /^([+-]?)0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/i.exec(text)!;
  const whole = parseInt(m[2] || "0", 16);
  const fraction = m[3] ? parseInt(m[3], 16) / 16 ** m[3].length : 0;
  const value = (whole + fraction) * 2 ** Number(m[4] ?? 0);
  return m[1] === "-" ? -value : value;
}

/** The float in `text`, or a ReplyError with `error`. */
export function parseFloat(text: string, error = ERR_NOT_FLOAT): number {
  const value = toFloat(text);
  if (value === undefined) throw new ReplyError(error);
  return value;
}
