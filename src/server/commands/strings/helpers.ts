/**
 * @module
 * What the string commands share: Redis's two kinds of key lookup (a read lookup counts keyspace
 * hits and misses, a write lookup does not), the type check, 64-bit integer arguments, the
 * string size limit, and the expire options of SET and GETEX with their exact validation.
 */
import type { Value } from "../../../store/keyspace.ts";
import { ByteString, integerValue, LLONG_MAX, stringContent } from "../../../store/types/string.ts";
import type { CommandContext } from "../../command.ts";
import { ERR_INVALID_EXPIRE, ERR_NOT_INTEGER, ERR_STRING_TOO_LONG, ERR_SYNTAX, ERR_WRONGTYPE, ReplyError } from "../../errors.ts";

/** A read lookup that insists on a string: undefined when absent, WRONGTYPE for another type. */
export function readString(ctx: CommandContext, key: string): string | undefined {
  const value = ctx.server.lookupRead(ctx.db, key);
  return value === undefined ? undefined : contentOrWrongType(value);
}

/** A write lookup (no hit/miss statistics) that insists on a string. */
export function writableString(ctx: CommandContext, key: string): string | undefined {
  const value = ctx.db.get(key);
  return value === undefined ? undefined : contentOrWrongType(value);
}

/** A string value's contents in either form (`stringContent`), or WRONGTYPE for another type. */
export function contentOrWrongType(value: Value): string {
  if (typeof value === "string") return value;
  const content = stringContent(value);
  if (content === undefined) throw new ReplyError(ERR_WRONGTYPE);
  return content;
}

/** A read lookup that insists on a string and gives it in its stored form: a ByteString is not copied. */
export function readStringValue(ctx: CommandContext, key: string): string | ByteString | undefined {
  const value = ctx.server.lookupRead(ctx.db, key);
  return value === undefined ? undefined : stringValueOrWrongType(value);
}

/** A write lookup that insists on a string and gives it in its stored form. */
export function writableStringValue(ctx: CommandContext, key: string): string | ByteString | undefined {
  const value = ctx.db.get(key);
  return value === undefined ? undefined : stringValueOrWrongType(value);
}

/**
 * A string value as a plain string or a ByteString (read in place), other string forms by their
 * contents (`stringContent`), or WRONGTYPE for another type.
 */
export function stringValueOrWrongType(value: Value): string | ByteString {
  if (typeof value === "string" || value instanceof ByteString) return value;
  const content = stringContent(value);
  if (content === undefined) throw new ReplyError(ERR_WRONGTYPE);
  return content;
}

/**
 * The string value `value` of `key` as a ByteString to change in place (SETRANGE, APPEND, SETBIT,
 * BITFIELD): a plain string is converted once, with room for `size` bytes, and stored in its
 * place keeping the TTL. Redis's dbUnshareStringValue likewise makes the value `raw`.
 */
export function ownBytes(ctx: CommandContext, key: string, value: string | ByteString, size = 0): ByteString {
  if (typeof value !== "string") return value;
  // A plain Uint8Array, not a Buffer: Buffer's `slice` shares memory, which would let a COPY
  // (ByteString.copy slices) and its source change each other.
  const owned = new ByteString(new Uint8Array(Math.max(size, value.length)), value.length);
  writeLatin1(owned, 0, value);
  ctx.db.set(key, owned, true);
  return owned;
}

/** Writes the byte string `text` into `target` from byte `at` (which must be within its length). */
export function writeLatin1(target: ByteString, at: number, text: string): void {
  const bytes = target.bytes;
  // A short patch is cheaper byte by byte than through a Buffer view.
  if (text.length <= 16) for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
  else Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).latin1Write(text, at);
}

/** Bytes `start` up to (not including) `end` of a ByteString, as a byte string. */
export function sliceLatin1(value: ByteString, start: number, end: number): string {
  const bytes = value.bytes;
  return Buffer.from(bytes.buffer, bytes.byteOffset, value.length).latin1Slice(start, end);
}

/** A 64-bit integer argument (`getLongLongFromObjectOrReply`): a number, or a bigint beyond ±2^53. */
export function integerArgument(text: string): number | bigint {
  const value = integerValue(text);
  if (value === undefined) throw new ReplyError(ERR_NOT_INTEGER);
  return value;
}

/** Redis's `checkStringLength`: a string of `size + append` bytes must fit proto-max-bulk-len. */
export function checkStringLength(ctx: CommandContext, size: number, append: number): void {
  if (size + append > ctx.server.config["proto-max-bulk-len"]) throw new ReplyError(ERR_STRING_TOO_LONG);
}

/** Whether `arg` is the upper-case option `word`, compared ASCII case-insensitively, no allocation. */
export function isOption(arg: string, word: string): boolean {
  if (arg.length !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = arg.charCodeAt(i);
    // Every option word is letters only, so folding bit 0x20 is exact.
    if (c !== word.charCodeAt(i) && (c ^ 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** SET / GETEX option bits, as Redis's OBJ_SET_* / OBJ_* flags. */
export const NX = 1;
export const XX = 2;
export const GET = 4;
export const KEEPTTL = 8;
export const PERSIST = 16;
export const EX = 32;
export const PX = 64;
export const EXAT = 128;
export const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Parsed SET or GETEX options: the flag bits and the expire argument, if any. */
export interface ExtendedOptions {
  flags: number;
  expire: string | undefined;
}

/**
 * Redis's `parseExtendedStringArgumentsOrReply`: the options from `args[start]` on, for SET
 * (`forSet`) or GETEX. The same option may repeat (the last expire wins) but conflicting ones,
 * options of the other command and an expire without its value are a syntax error.
 */
export function parseExtendedOptions(args: readonly string[], start: number, forSet: boolean): ExtendedOptions {
  let flags = 0;
  let expire: string | undefined;
  for (let j = start; j < args.length; j++) {
    const option = args[j]!;
    const hasValue = j < args.length - 1;
    let unit = 0;
    if (forSet && isOption(option, "NX") && !(flags & XX)) flags |= NX;
    else if (forSet && isOption(option, "XX") && !(flags & NX)) flags |= XX;
    else if (forSet && isOption(option, "GET")) flags |= GET;
    else if (forSet && isOption(option, "KEEPTTL") && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (!forSet && isOption(option, "PERSIST") && !(flags & (KEEPTTL | ANY_EXPIRE))) flags |= PERSIST;
    else if (isOption(option, "EX")) unit = EX;
    else if (isOption(option, "PX")) unit = PX;
    else if (isOption(option, "EXAT")) unit = EXAT;
    else if (isOption(option, "PXAT")) unit = PXAT;
    else throw new ReplyError(ERR_SYNTAX);
    if (unit === 0) continue;
    // An expire conflicts with KEEPTTL, PERSIST and the other three expires, not with itself.
    if (!hasValue || flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~unit))) throw new ReplyError(ERR_SYNTAX);
    flags |= unit;
    expire = args[++j];
  }
  return { flags, expire };
}

/**
 * Redis's `getExpireMillisecondsOrReply`: the absolute expiry time (ms) an EX/PX/EXAT/PXAT
 * value means now (a bigint past 2^53 ms, which the store keeps exactly). Not an integer: the
 * integer error; zero, negative, or past the 64-bit range once in milliseconds and made
 * absolute: `invalid expire time in '<command>' command`.
 */
export function expireTime(ctx: CommandContext, text: string, flags: number, command: string): number | bigint {
  const value = integerValue(text);
  if (value === undefined) throw new ReplyError(ERR_NOT_INTEGER);
  const seconds = (flags & (EX | EXAT)) !== 0;
  const relative = (flags & (EX | PX)) !== 0;
  // Up to 4e12 (even as seconds, × 1000, plus the clock) the result stays below 2^53: exact as a number.
  if (typeof value === "number" && value > 0 && value <= 4e12) {
    const ms = seconds ? value * 1000 : value;
    return relative ? ms + ctx.db.clock.now() : ms;
  }
  let ms = BigInt(value);
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) throw new ReplyError(ERR_INVALID_EXPIRE(command));
  if (seconds) ms *= 1000n;
  if (relative) ms += BigInt(ctx.db.clock.now());
  // Redis adds in a signed 64-bit integer and rejects the wrapped (negative) result.
  if (ms > LLONG_MAX) throw new ReplyError(ERR_INVALID_EXPIRE(command));
  return ms > MAX_SAFE ? ms : Number(ms);
}
