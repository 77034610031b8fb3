/**
 * @module
 * Parts of a string: APPEND, STRLEN, GETRANGE (and its old name SUBSTR), SETRANGE. APPEND to an
 * existing key and SETRANGE keep the value as a ByteString and change its bytes in place (grown
 * amortised), as Redis changes its sds: O(1) per appended byte, O(patch) per SETRANGE, never a
 * copy of the whole value per call. The value becomes `raw`, which OBJECT ENCODING reports as
 * Redis does. STRLEN and GETRANGE read either form where it lies.
 */
import { ByteString } from "../../../store/types/string.ts";
import { FIRST_KEY, type CommandSpec } from "../../command.ts";
import { ERR_OFFSET_OUT_OF_RANGE, ReplyError } from "../../errors.ts";
import { NOTIFY_STRING } from "../../notifications.ts";
import { checkStringLength, integerArgument, ownBytes, readStringValue, sliceLatin1, writableStringValue, writeLatin1 } from "./helpers.ts";

/**
 * APPEND key value — O(1) amortised per appended byte. Creates the key (even with an empty
 * value, then as SET would store it) when absent; keeps the TTL.
 */
export const APPEND = {
  name: "append",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "string", "fast"],
  run(ctx, args) {
    const key = args[1]!;
    const addition = args[2]!;
    const value = writableStringValue(ctx, key);
    if (value === undefined) {
      ctx.db.set(key, addition);
      ctx.db.keyChanged(key, "append", NOTIFY_STRING);
      ctx.reply.integer(addition.length);
      return;
    }
    const at = value.length;
    checkStringLength(ctx, at, addition.length);
    const target = ownBytes(ctx, key, value, at + addition.length);
    target.grow(at + addition.length);
    writeLatin1(target, at, addition);
    ctx.db.keyChanged(key, "append", NOTIFY_STRING);
    ctx.reply.integer(target.length);
  },
} satisfies CommandSpec;

/** STRLEN key — O(1). */
export const STRLEN = {
  name: "strlen",
  arity: 2,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "string", "fast"],
  run(ctx, args) {
    const value = readStringValue(ctx, args[1]!);
    ctx.reply.integer(value === undefined ? 0 : value.length);
  },
} satisfies CommandSpec;

/**
 * GETRANGE's answer, with Redis 7.0's clamping: negative indexes count from the end, both
 * negative with start past end is empty, and a range entirely before the start clamps to the
 * first byte (`GETRANGE k -100 -50` is the first byte in 7.0).
 */
function range(value: string | ByteString, start: number | bigint, end: number | bigint): string {
  // Compared exactly (number and bigint compare by value), before any rounding to number.
  if (start < 0 && end < 0 && start > end) return "";
  const length = value.length;
  let from = Number(start);
  let to = Number(end);
  if (from < 0) from += length;
  if (to < 0) to += length;
  if (from < 0) from = 0;
  if (to < 0) to = 0;
  if (to >= length) to = length - 1;
  if (from > to || length === 0) return "";
  return typeof value === "string" ? value.slice(from, to + 1) : sliceLatin1(value, from, to + 1);
}

/** GETRANGE key start end — O(N) in the returned length. */
export const GETRANGE = {
  name: "getrange",
  arity: 4,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "string", "slow"],
  run(ctx, args) {
    const start = integerArgument(args[2]!);
    const end = integerArgument(args[3]!);
    const value = readStringValue(ctx, args[1]!);
    ctx.reply.bulk(value === undefined ? "" : range(value, start, end));
  },
} satisfies CommandSpec;

/** SUBSTR key start end — GETRANGE under its pre-2.0 name. */
export const SUBSTR = { ...GETRANGE, name: "substr" } satisfies CommandSpec;

/**
 * SETRANGE key offset value — O(patch length), in place; pads with zero bytes past the end. An
 * empty value changes nothing and creates no key; the result must fit proto-max-bulk-len.
 */
export const SETRANGE = {
  name: "setrange",
  arity: 4,
  flags: ["write", "denyoom"],
  keys: FIRST_KEY,
  categories: ["write", "string", "slow"],
  run(ctx, args) {
    const key = args[1]!;
    const patch = args[3]!;
    const parsed = integerArgument(args[2]!);
    if (parsed < 0) throw new ReplyError(ERR_OFFSET_OUT_OF_RANGE);
    // Beyond 2^53 the offset is only compared with the size limit, which it exceeds either way.
    const offset = Number(parsed);
    const value = writableStringValue(ctx, key);
    if (patch.length === 0) {
      ctx.reply.integer(value === undefined ? 0 : value.length);
      return;
    }
    checkStringLength(ctx, offset, patch.length);
    const size = offset + patch.length;
    let target: ByteString;
    if (value === undefined) {
      // Redis creates the value as a raw sds, zero-filled up to the offset.
      target = new ByteString(new Uint8Array(size), size);
      ctx.db.set(key, target);
    } else {
      target = ownBytes(ctx, key, value, size);
      target.grow(size);
    }
    writeLatin1(target, offset, patch);
    ctx.db.keyChanged(key, "setrange", NOTIFY_STRING);
    ctx.reply.integer(target.length);
  },
} satisfies CommandSpec;
