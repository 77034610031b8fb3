/**
 * @module
 * The number formats the geo commands print, as glibc's printf prints them: distances with
 * `%.4f`, coordinates as `addReplyHumanLongDouble` (`%.17Lf` of the double, trailing zeros
 * removed), and the `%f` of the invalid-pair error. printf rounds the exact binary value to
 * nearest, ties to even; JavaScript's `toFixed` rounds the exact value too but ties away from zero,
 * and gives up above 1e21, so both cases are mended here.
 */

/** C's `printf("%.<digits>f", value)` for a double (digits 1..20). */
export function formatFixed(value: number, digits: number): string {
  if (value !== value) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  const negative = value < 0 || Object.is(value, -0);
  const magnitude = negative ? -value : value;
  let text: string;
  if (magnitude >= 1e21) {
    // Every double this large is an integer: print all of its digits, as printf does.
    text = `${BigInt(magnitude)}.${"0".repeat(digits)}`;
  } else {
    text = magnitude.toFixed(digits);
    // A tie (the value is exactly halfway at the last digit) has its lowest set bit at
    // 2^-(digits+1); toFixed took the larger neighbour, printf takes the even one. An odd last
    // digit came from rounding up, and the even neighbour is one below, with no borrow.
    const scaled = magnitude * 2 ** (digits + 1);
    if (scaled % 2 === 1) {
      const last = text.charCodeAt(text.length - 1) - 48;
      if (last % 2 === 1) text = text.slice(0, -1) + String(last - 1);
    }
  }
  return negative ? `-${text}` : text;
}

/** Redis's `ld2string(..., LD_STR_HUMAN)` of a double: `%.17Lf`, trailing zeros and dot dropped, `-0` as `0`. */
export function formatHuman(value: number): string {
  let text = formatFixed(value, 17);
  if (text.includes(".")) {
    let end = text.length;
    while (text.charCodeAt(end - 1) === 48) end--;
    if (text.charCodeAt(end - 1) === 46) end--;
    text = text.slice(0, end);
  }
  return text === "-0" ? "0" : text;
}

/** Veltkamp's splitter (2^27 + 1): cuts a double into two halves of at most 26 bits. */
const SPLITTER = 134217729;

/**
 * `addReplyDoubleDistance`: a distance with four decimals (`%.4f`). Distances are rounded many
 * times a search, so the common case avoids toFixed: the value times 10^4, rounded to an
 * integer, is exact except where the product was rounded onto a tie, which the product's exact
 * rounding error (Dekker's two-product) settles.
 */
export function formatDistance(value: number): string {
  if (!(value > 0 && value < 4.5e11)) return value === 0 && 1 / value > 0 ? "0.0000" : formatFixed(value, 4);
  const product = value * 10000;
  let digits = Math.round(product);
  if (product - digits === -0.5) {
    const t = SPLITTER * value;
    const high = t - (t - value);
    const low = value - high;
    const error = high * 10000 - product + low * 10000;
    if (error < 0 || (error === 0 && digits % 2 === 1)) digits--;
  }
  const whole = Math.floor(digits / 10000);
  const fraction = digits - whole * 10000;
  return `${whole}.${fraction < 10 ? "000" : fraction < 100 ? "00" : fraction < 1000 ? "0" : ""}${fraction}`;
}
