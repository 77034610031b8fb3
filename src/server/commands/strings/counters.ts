/**
 * @module
 * Counters: INCR, DECR, INCRBY, DECRBY on 64-bit signed integers, and INCRBYFLOAT on long
 * doubles. Integers stay JS numbers while they are within ±(2^53 - 1) and go through BigInt only
 * beyond, so the usual counter costs a parse, an add and a number-to-string. All of them keep the
 * key's TTL, as Redis overwrites the value in place.
 */
import { EmbeddedString, integerValue, LLONG_MAX, LLONG_MIN } from "../../../store/types/string.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_DECREMENT_OVERFLOW, ERR_INCREMENT_NAN, ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OVERFLOW, ReplyError } from "../../errors.ts";
import { NOTIFY_STRING } from "../../notifications.ts";
import { contentOrWrongType, integerArgument, writableString } from "./helpers.ts";
import { addLongDouble, formatLongDoubleHuman, parseLongDouble, type LongDouble } from "./long-double.ts";

/** Adds `increment` to the integer at `key` (0 when absent) and replies the result. */
function incrementBy(ctx: CommandContext, key: string, increment: number | bigint): void {
  const value = ctx.db.get(key);
  let current: number | bigint = 0;
  if (value !== undefined) {
    const parsed = integerValue(contentOrWrongType(value));
    if (parsed === undefined) throw new ReplyError(ERR_NOT_INTEGER);
    current = parsed;
  }
  let result: number | bigint;
  if (typeof current === "number" && typeof increment === "number") {
    result = current + increment;
    // Both below 2^53 in magnitude: a sum that is still a safe integer is exact.
    if (!Number.isSafeInteger(result)) result = addExact(current, increment);
  } else {
    result = addExact(current, increment);
  }
  ctx.db.set(key, String(result), true);
  ctx.db.keyChanged(key, "incrby", NOTIFY_STRING);
  ctx.reply.integer(result);
}

/** The 64-bit sum, or Redis's overflow error. */
function addExact(a: number | bigint, b: number | bigint): bigint {
  const sum = BigInt(a) + BigInt(b);
  if (sum > LLONG_MAX || sum < LLONG_MIN) throw new ReplyError(ERR_OVERFLOW);
  return sum;
}

/** INCR key — O(1). */
export const INCR = {
  name: "incr",
  arity: 2,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "string", "fast"],
  run(ctx, args) {
    incrementBy(ctx, args[1]!, 1);
  },
} satisfies CommandSpec;

/** DECR key — O(1). */
export const DECR = {
  name: "decr",
  arity: 2,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "string", "fast"],
  run(ctx, args) {
    incrementBy(ctx, args[1]!, -1);
  },
} satisfies CommandSpec;

/** INCRBY key increment — O(1). */
export const INCRBY = {
  name: "incrby",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "string", "fast"],
  run(ctx, args) {
    incrementBy(ctx, args[1]!, integerArgument(args[2]!));
  },
} satisfies CommandSpec;

/** DECRBY key decrement — O(1). -2^63 cannot be negated: its own error. */
export const DECRBY = {
  name: "decrby",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "string", "fast"],
  run(ctx, args) {
    const decrement = integerArgument(args[2]!);
    if (decrement === LLONG_MIN) throw new ReplyError(ERR_DECREMENT_OVERFLOW);
    incrementBy(ctx, args[1]!, -decrement);
  },
} satisfies CommandSpec;

const ZERO: LongDouble = { negative: false, infinite: false, mantissa: 0n, exponent: 0 };

/**
 * INCRBYFLOAT key increment — O(1). Long double arithmetic and `%.17Lf` output as Redis (see
 * long-double.ts), so `10.50` + `0.1` is `10.6` and `1e300` prints in full.
 */
export const INCRBYFLOAT = {
  name: "incrbyfloat",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "string", "fast"],
  run(ctx, args) {
    const key = args[1]!;
    const value = writableString(ctx, key);
    const current = value === undefined ? ZERO : parseLongDouble(value);
    const increment = current && parseLongDouble(args[2]!);
    if (!current || !increment) throw new ReplyError(ERR_NOT_FLOAT);
    const sum = addLongDouble(current, increment);
    if (!sum) throw new ReplyError(ERR_INCREMENT_NAN);
    const text = formatLongDoubleHuman(sum);
    // Redis makes the result an embstr object whatever it spells (OBJECT ENCODING shows it).
    ctx.db.set(key, text.length <= 44 ? new EmbeddedString(text) : text, true);
    ctx.db.keyChanged(key, "incrbyfloat", NOTIFY_STRING);
    // Replayed, the float arithmetic could round differently: the AOF gets the result.
    if (ctx.server.propagation.active) ctx.server.propagation.rewrite(["SET", key, text, "KEEPTTL"]);
    ctx.reply.bulk(text);
  },
} satisfies CommandSpec;
