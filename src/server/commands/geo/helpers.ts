/**
 * @module
 * What the geo commands share: their argument rules (coordinates and distances read as Redis's
 * `getDoubleFromObject` reads them, units, option words compared as C strings), and the reply of
 * one coordinate (a bulk string in RESP2, a double in RESP3, printed the same way in both).
 */
import type { ReplyWriter } from "../../../resp/writer.ts";
import { validCoordinates } from "../../../store/types/geohash.ts";
import { ERR_GEO_INVALID_PAIR, ERR_GEO_UNIT, ERR_NOT_FLOAT, ReplyError } from "../../errors.ts";
import { parseScore } from "../sorted-sets/arguments.ts";
import { formatFixed, formatHuman } from "./format.ts";

/**
 * Whether `text` is the option `word` (lower case), ignoring ASCII case, compared as C's
 * `strcasecmp` compares: the text ends at its first NUL byte.
 */
export function isOption(text: string, word: string): boolean {
  const length = word.length;
  if (text.length < length || (text.length > length && text.charCodeAt(length) !== 0)) return false;
  for (let i = 0; i < length; i++) if ((text.charCodeAt(i) | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * A longitude and latitude from `args[at]` and `args[at + 1]` into `xy`, or
 * `ERR value is not a valid float` / `ERR invalid longitude,latitude pair ...` (Redis's
 * `extractLongLatOrReply`).
 */
export function parseCoordinates(args: readonly string[], at: number, xy: { longitude: number; latitude: number }): void {
  const longitude = parseScore(args[at]!, ERR_NOT_FLOAT);
  const latitude = parseScore(args[at + 1]!, ERR_NOT_FLOAT);
  if (!validCoordinates(longitude, latitude)) throw new ReplyError(ERR_GEO_INVALID_PAIR(formatFixed(longitude, 6), formatFixed(latitude, 6)));
  xy.longitude = longitude;
  xy.latitude = latitude;
}

/** Meters per unit for `m`, `km`, `ft` or `mi` (any case), or `ERR unsupported unit provided...`. */
export function parseUnit(text: string): number {
  if (isOption(text, "m")) return 1;
  if (isOption(text, "km")) return 1000;
  if (isOption(text, "ft")) return 0.3048;
  if (isOption(text, "mi")) return 1609.34;
  throw new ReplyError(ERR_GEO_UNIT);
}

/** One coordinate of a position: `addReplyHumanLongDouble`, a bulk string in RESP2 and a double in RESP3. */
export function coordinate(reply: ReplyWriter, value: number): void {
  const text = formatHuman(value);
  if (reply.protocol === 3) reply.raw(`,${text}\r\n`);
  else reply.bulk(text);
}
