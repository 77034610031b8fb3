/**
 * @module
 * Hash commands (Redis 7.0's `@hash` group): HSET, HSETNX, HMSET, HGET, HMGET, HDEL, HLEN,
 * HSTRLEN, HEXISTS, HGETALL, HKEYS, HVALS, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN. The data
 * structure and its encoding rules are in store/types/hash.ts; here are argument parsing, the
 * order of checks (which decides which error a bad call gets) and the replies per protocol.
 *
 * Also here, because the set (and later sorted-set) commands share them: read/write lookups with
 * Redis's keyspace hit/miss counting, the SCAN-family argument parsing and reply, and the count
 * argument of the RAND* commands.
 */
import { globMatch } from "../../store/glob.ts";
import { RedisHash, scanWindow, randomDistinctIndexes } from "../../store/types/hash.ts";
import type { ReplyWriter } from "../../resp/writer.ts";
import { toBigInteger, toInteger } from "../arguments.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../command.ts";
import {
  ERR_ARITY, ERR_HASH_INCREMENT_NAN, ERR_HASH_LONG_RANGE, ERR_HASH_NOT_FLOAT, ERR_HASH_NOT_INTEGER, ERR_HASH_VALUE_RANGE,
  ERR_INCREMENT_NAN, ERR_INVALID_CURSOR, ERR_NOT_FLOAT, ERR_NOT_INTEGER, ERR_OVERFLOW, ERR_SYNTAX, ERR_WRONGTYPE, ReplyError,
} from "../errors.ts";
import { addLongDouble, formatLongDoubleHuman, parseLongDouble, type LongDouble } from "./strings/long-double.ts";
import { NOTIFY_GENERIC, NOTIFY_HASH } from "../notifications.ts";

// ---------------------------------------------------------------------------------------------
// Shared with the other collection commands.

/** Whether `arg` is the upper-case option `word`, compared ASCII case-insensitively. */
export function isOption(arg: string, word: string): boolean {
  if (arg.length !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    const c = arg.charCodeAt(i);
    // Option words are letters only, so folding bit 0x20 is exact.
    if (c !== word.charCodeAt(i) && (c ^ 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

const TWO_POW_64 = 2n ** 64n;

/**
 * Redis's `parseScanCursorOrReply`: the cursor as C's `strtoul` reads it (a C string, so it ends
 * at a NUL byte; an optional sign, `-n` wrapping modulo 2^64; an empty string is 0), with no
 * leading space and nothing after the digits. Returned as a number: cursors here are array
 * positions, so precision past 2^53 does not matter (such a cursor means "from the top").
 */
export function parseScanCursor(text: string): number {
  const nul = text.indexOf("\0");
  const c = nul < 0 ? text : text.slice(0, nul);
  if (c.length === 0) return 0;
  let start = 0;
  const first = c.charCodeAt(0);
  if (first === 43 || first === 45) start = 1;
  if (start === c.length) throw new ReplyError(ERR_INVALID_CURSOR);
  for (let i = start; i < c.length; i++) {
    const code = c.charCodeAt(i);
    if (code < 48 || code > 57) throw new ReplyError(ERR_INVALID_CURSOR);
  }
  let value = BigInt(c.slice(start));
  if (value >= TWO_POW_64) throw new ReplyError(ERR_INVALID_CURSOR);
  if (first === 45 && value !== 0n) value = TWO_POW_64 - value;
  return Number(value);
}

/** What the options of HSCAN/SSCAN/ZSCAN ask for. */
export interface ScanOptions {
  /** How many elements to examine (Redis: buckets) in this call. */
  count: number;
  /** MATCH pattern; undefined when absent or `*` (which matches everything, even empty strings). */
  pattern: string | undefined;
}

/**
 * Redis's option loop of `scanGenericCommand` for a key's scan: COUNT n (an integer, at least 1)
 * and MATCH pattern, any number of times, left to right; anything else is a syntax error.
 */
export function parseScanOptions(args: readonly string[], start: number): ScanOptions {
  let count = 10;
  let pattern: string | undefined;
  for (let i = start; i < args.length; i += 2) {
    const hasValue = i + 1 < args.length;
    if (hasValue && isOption(args[i]!, "COUNT")) {
      const value = toInteger(args[i + 1]!);
      if (value === undefined) throw new ReplyError(ERR_NOT_INTEGER);
      if (value < 1) throw new ReplyError(ERR_SYNTAX);
      count = value;
    } else if (hasValue && isOption(args[i]!, "MATCH")) {
      const text = args[i + 1]!;
      pattern = text === "*" ? undefined : text;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  return { count, pattern };
}

/** The reply of a SCAN-family command: the next cursor (a bulk string) and the elements. */
export function replyScan(reply: ReplyWriter, cursor: number, elements: readonly string[]): void {
  reply.array(2);
  reply.bulk(String(cursor));
  reply.bulkArray(elements);
}

/** The reply of a SCAN-family command on a missing key: cursor 0, nothing. */
export function replyEmptyScan(reply: ReplyWriter): void {
  reply.raw("*2\r\n$1\r\n0\r\n*0\r\n");
}

const LONG_MAX = 9223372036854775807n;

/**
 * The count of HRANDFIELD / SRANDMEMBER (and ZRANDMEMBER): an integer in ±(2^63 - 1) — Redis
 * 7.0.15 refuses -2^63, whose negation does not fit — as a number (exact to 2^53; beyond that a
 * reply could not be built anyway).
 */
export function parseRandomCount(text: string): number {
  const value = toBigInteger(text);
  if (value === undefined) throw new ReplyError(ERR_NOT_INTEGER);
  if (value < -LONG_MAX) throw new ReplyError(ERR_HASH_LONG_RANGE);
  return Number(value);
}

/**
 * Whether a WITHVALUES/WITHSCORES count (already checked by `parseRandomCount`) is past
 * ±LONG_MAX/2, which Redis 7.0.15 refuses because the RESP2 reply length would overflow.
 */
export function pairCountTooLarge(text: string): boolean {
  const value = toBigInteger(text)!;
  return value > LONG_MAX / 2n || value < -(LONG_MAX / 2n);
}

// ---------------------------------------------------------------------------------------------
// Lookups.

/** A read lookup that insists on a hash: undefined when absent, WRONGTYPE for another type. */
function readHash(ctx: CommandContext, key: string): RedisHash | undefined {
  const value = ctx.server.lookupRead(ctx.db, key);
  if (value === undefined || value instanceof RedisHash) return value;
  throw new ReplyError(ERR_WRONGTYPE);
}

/** A write lookup (no hit/miss counting) that insists on a hash. */
function writableHash(ctx: CommandContext, key: string): RedisHash | undefined {
  const value = ctx.db.get(key);
  if (value === undefined || value instanceof RedisHash) return value;
  throw new ReplyError(ERR_WRONGTYPE);
}

/** Redis's `hashTypeLookupWriteOrCreate`: the hash at `key`, created empty (a listpack) if absent. */
function hashForWrite(ctx: CommandContext, key: string): RedisHash {
  const existing = writableHash(ctx, key);
  if (existing !== undefined) return existing;
  const hash = new RedisHash();
  ctx.db.set(key, hash);
  return hash;
}

// ---------------------------------------------------------------------------------------------
// Commands.

/** HSET and HMSET: the pairs are set in order; the reply is the count of new fields (HSET) or OK. */
function setPairs(ctx: CommandContext, args: string[], name: string): number {
  if ((args.length & 1) === 1) throw new ReplyError(ERR_ARITY(name));
  const hash = hashForWrite(ctx, args[1]!);
  const config = ctx.server.config;
  hash.convertForLengths(args, 2, args.length - 1, config);
  let created = 0;
  for (let i = 2; i < args.length; i += 2) if (hash.set(args[i]!, args[i + 1]!, config)) created++;
  return created;
}

/** HSET key field value [field value ...] — O(1) per pair. Replies with the number of fields added. */
export const HSET = {
  name: "hset",
  arity: -4,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "hash", "fast"],
  run(ctx, args) {
    ctx.reply.integer(setPairs(ctx, args, "hset"));
    ctx.db.keyChanged(args[1]!, "hset", NOTIFY_HASH);
  },
} satisfies CommandSpec;

/** HMSET key field value [field value ...] — O(1) per pair; deprecated form of HSET that replies OK. */
export const HMSET = {
  name: "hmset",
  arity: -4,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "hash", "fast"],
  run(ctx, args) {
    setPairs(ctx, args, "hmset");
    ctx.reply.simple("OK");
    ctx.db.keyChanged(args[1]!, "hset", NOTIFY_HASH);
  },
} satisfies CommandSpec;

/** HSETNX key field value — O(1). Sets the field only if it is new; replies 1 if set, else 0. */
export const HSETNX = {
  name: "hsetnx",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "hash", "fast"],
  run(ctx, args) {
    const hash = hashForWrite(ctx, args[1]!);
    if (hash.has(args[2]!)) {
      ctx.reply.integer(0);
      return;
    }
    const config = ctx.server.config;
    hash.convertForLengths(args, 2, 3, config);
    hash.set(args[2]!, args[3]!, config);
    ctx.reply.integer(1);
    ctx.db.keyChanged(args[1]!, "hset", NOTIFY_HASH);
  },
} satisfies CommandSpec;

/** HGET key field — O(1). The value, or null. */
export const HGET = {
  name: "hget",
  arity: 3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "hash", "fast"],
  run(ctx, args) {
    ctx.reply.bulkOrNull(readHash(ctx, args[1]!)?.get(args[2]!));
  },
} satisfies CommandSpec;

/** HMGET key field [field ...] — O(N) for N fields. A value or null per field (a missing key is an empty hash). */
export const HMGET = {
  name: "hmget",
  arity: -3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "hash", "fast"],
  run(ctx, args) {
    const hash = readHash(ctx, args[1]!);
    const reply = ctx.reply;
    reply.array(args.length - 2);
    for (let i = 2; i < args.length; i++) reply.bulkOrNull(hash?.get(args[i]!));
  },
} satisfies CommandSpec;

/** HDEL key field [field ...] — O(N) for N fields. Replies with the number removed; an emptied hash is deleted. */
export const HDEL = {
  name: "hdel",
  arity: -3,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "hash", "fast"],
  run(ctx, args) {
    const key = args[1]!;
    const hash = writableHash(ctx, key);
    let deleted = 0;
    let removed = false;
    if (hash !== undefined) {
      for (let i = 2; i < args.length; i++) {
        if (!hash.delete(args[i]!)) continue;
        deleted++;
        if (hash.size === 0) {
          removed = ctx.db.delete(key);
          break;
        }
      }
    }
    if (deleted > 0) {
      ctx.db.keyChanged(key, "hdel", NOTIFY_HASH);
      if (removed) ctx.db.keyChanged(key, "del", NOTIFY_GENERIC);
    }
    ctx.reply.integer(deleted);
  },
} satisfies CommandSpec;

/** HLEN key — O(1). The number of fields (0 for a missing key). */
export const HLEN = {
  name: "hlen",
  arity: 2,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "hash", "fast"],
  run(ctx, args) {
    ctx.reply.integer(readHash(ctx, args[1]!)?.size ?? 0);
  },
} satisfies CommandSpec;

/** HSTRLEN key field — O(1). The length of the field's value (0 when absent). */
export const HSTRLEN = {
  name: "hstrlen",
  arity: 3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "hash", "fast"],
  run(ctx, args) {
    ctx.reply.integer(readHash(ctx, args[1]!)?.get(args[2]!)?.length ?? 0);
  },
} satisfies CommandSpec;

/** HEXISTS key field — O(1). 1 if the field exists, else 0. */
export const HEXISTS = {
  name: "hexists",
  arity: 3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "hash", "fast"],
  run(ctx, args) {
    ctx.reply.integer(readHash(ctx, args[1]!)?.has(args[2]!) ? 1 : 0);
  },
} satisfies CommandSpec;

/** HGETALL key — O(N). Every field and value: a map in RESP3, a flat array in RESP2. */
export const HGETALL = {
  name: "hgetall",
  arity: 2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "hash", "slow"],
  run(ctx, args) {
    const hash = readHash(ctx, args[1]!);
    const reply = ctx.reply;
    const size = hash?.size ?? 0;
    reply.map(size);
    for (let i = 0; i < size; i++) {
      reply.bulk(hash!.fieldAt(i));
      reply.bulk(hash!.valueAt(i));
    }
  },
} satisfies CommandSpec;

/** HKEYS key — O(N). Every field. */
export const HKEYS = {
  name: "hkeys",
  arity: 2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "hash", "slow"],
  run(ctx, args) {
    const hash = readHash(ctx, args[1]!);
    const size = hash?.size ?? 0;
    ctx.reply.array(size);
    for (let i = 0; i < size; i++) ctx.reply.bulk(hash!.fieldAt(i));
  },
} satisfies CommandSpec;

/** HVALS key — O(N). Every value. */
export const HVALS = {
  name: "hvals",
  arity: 2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "hash", "slow"],
  run(ctx, args) {
    const hash = readHash(ctx, args[1]!);
    const size = hash?.size ?? 0;
    ctx.reply.array(size);
    for (let i = 0; i < size; i++) ctx.reply.bulk(hash!.valueAt(i));
  },
} satisfies CommandSpec;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * HINCRBY key field increment — O(1). Adds to the field's 64-bit integer (0 when absent); errors
 * when the value is not an integer or the sum would overflow. Replies with the new value.
 */
export const HINCRBY = {
  name: "hincrby",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "hash", "fast"],
  run(ctx, args) {
    const increment = toInteger(args[3]!);
    if (increment === undefined) throw new ReplyError(ERR_NOT_INTEGER);
    const key = args[1]!;
    const field = args[2]!;
    const hash = writableHash(ctx, key);
    const current = hash?.get(field);
    let value = 0;
    if (current !== undefined) {
      const parsed = toInteger(current);
      if (parsed === undefined) throw new ReplyError(ERR_HASH_NOT_INTEGER);
      value = parsed;
    }
    let sum: number | bigint = value + increment;
    // Numbers are exact only within ±2^53: beyond, redo the sum exactly and check the 64-bit range.
    if (!Number.isSafeInteger(sum) || !Number.isSafeInteger(increment) || !Number.isSafeInteger(value)) {
      sum = (current === undefined ? 0n : toBigInteger(current)!) + toBigInteger(args[3]!)!;
      if (sum > INT64_MAX || sum < INT64_MIN) throw new ReplyError(ERR_OVERFLOW);
    }
    (hash ?? hashForWrite(ctx, key)).set(field, String(sum), ctx.server.config);
    ctx.reply.integer(sum);
    ctx.db.keyChanged(key, "hincrby", NOTIFY_HASH);
  },
} satisfies CommandSpec;

const ZERO: LongDouble = { negative: false, infinite: false, mantissa: 0n, exponent: 0 };

/**
 * HINCRBYFLOAT key field increment — O(1). Adds in C's long double and stores the sum as
 * `%.17Lf` without trailing zeros, exactly as INCRBYFLOAT (see strings/long-double.ts). An
 * infinite increment, a value that is not a float, or an infinite sum is an error.
 */
export const HINCRBYFLOAT = {
  name: "hincrbyfloat",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "hash", "fast"],
  run(ctx, args) {
    const increment = parseLongDouble(args[3]!);
    if (increment === undefined) throw new ReplyError(ERR_NOT_FLOAT);
    if (increment.infinite) throw new ReplyError(ERR_HASH_INCREMENT_NAN);
    const key = args[1]!;
    const field = args[2]!;
    const hash = writableHash(ctx, key);
    const current = hash?.get(field);
    let value = ZERO;
    if (current !== undefined) {
      const parsed = parseLongDouble(current);
      if (parsed === undefined) throw new ReplyError(ERR_HASH_NOT_FLOAT);
      value = parsed;
    }
    const sum = addLongDouble(value, increment);
    if (sum === undefined) throw new ReplyError(ERR_INCREMENT_NAN);
    const text = formatLongDoubleHuman(sum);
    (hash ?? hashForWrite(ctx, key)).set(field, text, ctx.server.config);
    ctx.reply.bulk(text);
    ctx.db.keyChanged(key, "hincrbyfloat", NOTIFY_HASH);
    // Replayed, the float arithmetic could round differently: the AOF gets the result.
    if (ctx.server.propagation.active) ctx.server.propagation.rewrite(["HSET", key, field, text]);
  },
} satisfies CommandSpec;

/** One field (and value) of an HRANDFIELD reply: with values, a pair array in RESP3, flat in RESP2. */
function replyField(reply: ReplyWriter, hash: RedisHash, index: number, withValues: boolean): void {
  if (withValues && reply.protocol === 3) reply.array(2);
  reply.bulk(hash.fieldAt(index));
  if (withValues) reply.bulk(hash.valueAt(index));
}

/**
 * HRANDFIELD key [count [WITHVALUES]] — O(N) for N fields returned. Without a count, one random
 * field (null for a missing key). A positive count gives distinct fields (the whole hash, in its
 * order, when count >= size); a negative one |count| fields with repeats.
 */
export const HRANDFIELD = {
  name: "hrandfield",
  arity: -2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "hash", "slow"],
  run(ctx, args) {
    const reply = ctx.reply;
    if (args.length === 2) {
      const hash = readHash(ctx, args[1]!);
      if (hash === undefined) reply.null();
      else reply.bulk(hash.fieldAt(hash.randomIndex()));
      return;
    }
    const requested = parseRandomCount(args[2]!);
    if (args.length > 4 || (args.length === 4 && !isOption(args[3]!, "WITHVALUES"))) throw new ReplyError(ERR_SYNTAX);
    const withValues = args.length === 4;
    if (withValues && pairCountTooLarge(args[2]!)) throw new ReplyError(ERR_HASH_VALUE_RANGE);
    const hash = readHash(ctx, args[1]!);
    if (hash === undefined || requested === 0) {
      reply.array(0);
      return;
    }
    const size = hash.size;
    const count = Math.abs(requested);
    const flat = withValues && reply.protocol === 2;
    if (requested < 0 || count === 1) {
      reply.array(flat ? count * 2 : count);
      for (let i = 0; i < count; i++) replyField(reply, hash, hash.randomIndex(), withValues);
      return;
    }
    if (count >= size) {
      reply.array(flat ? size * 2 : size);
      for (let i = 0; i < size; i++) replyField(reply, hash, i, withValues);
      return;
    }
    const picked = randomDistinctIndexes(size, count);
    reply.array(flat ? count * 2 : count);
    for (const index of picked) replyField(reply, hash, index, withValues);
  },
} satisfies CommandSpec;

/** Adds the entry at `index` to an HSCAN reply when its field matches. */
function collectEntry(hash: RedisHash, index: number, pattern: string | undefined, elements: string[]): void {
  const field = hash.fieldAt(index);
  if (pattern === undefined || globMatch(pattern, field)) elements.push(field, hash.valueAt(index));
}

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count] — O(1) per call, O(N) for a whole scan. A
 * listpack hash answers in one call with cursor 0, as Redis does; a hashtable one walks down its
 * entries (see `scanWindow`: fields present throughout a scan are returned at least once).
 */
export const HSCAN = {
  name: "hscan",
  arity: -3,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "hash", "slow"],
  run(ctx, args) {
    const cursor = parseScanCursor(args[2]!);
    const hash = readHash(ctx, args[1]!);
    // Redis parses the options only once it has a key to scan.
    if (hash === undefined) return replyEmptyScan(ctx.reply);
    const { count, pattern } = parseScanOptions(args, 3);
    const elements: string[] = [];
    if (hash.isListpack) {
      for (let i = 0; i < hash.size; i++) collectEntry(hash, i, pattern, elements);
      return replyScan(ctx.reply, 0, elements);
    }
    const { from, to, next } = scanWindow(cursor, hash.size, count);
    for (let i = from; i >= to; i--) collectEntry(hash, i, pattern, elements);
    replyScan(ctx.reply, next, elements);
  },
} satisfies CommandSpec;

/** Every hash command. */
export const HASH_COMMANDS: readonly CommandSpec[] = [
  HSET, HSETNX, HMSET, HGET, HMGET, HDEL, HLEN, HSTRLEN, HEXISTS, HGETALL, HKEYS, HVALS,
  HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN,
];
