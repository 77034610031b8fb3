/**
 * @module
 * Argument rules the generic keyspace commands share: database indexes as Redis's
 * `getIntFromObjectOrReply` reads them (MOVE, COPY DB, SWAPDB) and SCAN cursors as `strtoul`
 * reads them.
 */
import type { Db } from "../../../store/keyspace.ts";
import type { CommandContext } from "../../command.ts";
import { toInteger } from "../../arguments.ts";
import { ERR_DB_INDEX, ERR_INT_RANGE, ERR_INVALID_CURSOR, ERR_NOT_INTEGER, ReplyError } from "../../errors.ts";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * Redis's `getIntFromObjectOrReply`: a 64-bit integer that fits a C int. With `error`, every
 * failure replies with it; without, Redis's two default texts (not an integer / out of int range).
 */
export function parseInt32(text: string, error?: string): number {
  const value = toInteger(text);
  if (value === undefined) throw new ReplyError(error ?? ERR_NOT_INTEGER);
  if (value < INT_MIN || value > INT_MAX) throw new ReplyError(error ?? ERR_INT_RANGE);
  return value;
}

/** The database an index names (MOVE, COPY DB): an int, then within `databases`. */
export function targetDb(ctx: CommandContext, text: string): Db {
  const index = parseInt32(text);
  if (index < 0 || index >= ctx.server.config.databases) throw new ReplyError(ERR_DB_INDEX);
  return ctx.server.db(index);
}

const U64_LIMIT = 2n ** 64n;
const CURSOR = /^[+-]?[0-9]+$/;

/**
 * A SCAN cursor as Redis's `parseScanCursorOrReply` reads it with `strtoul`: an unsigned 64-bit
 * decimal, with an optional sign (`-1` wraps to 2^64-1) and leading zeros; no leading space; the
 * text ends at a NUL byte (C string); an empty cursor is 0.
 */
export function parseScanCursor(text: string): bigint {
  const nul = text.indexOf("\0");
  const digits = nul < 0 ? text : text.slice(0, nul);
  if (digits === "") return 0n;
  if (!CURSOR.test(digits)) throw new ReplyError(ERR_INVALID_CURSOR);
  const negative = digits.charCodeAt(0) === 0x2d;
  const magnitude = BigInt(negative || digits.charCodeAt(0) === 0x2b ? digits.slice(1) : digits);
  if (magnitude >= U64_LIMIT) throw new ReplyError(ERR_INVALID_CURSOR);
  return negative && magnitude !== 0n ? U64_LIMIT - magnitude : magnitude;
}
