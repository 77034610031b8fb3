/**
 * @module
 * Reading and changing a list by position or content: LINDEX, LSET, LRANGE, LTRIM, LREM,
 * LINSERT, LPOS. Indexes follow Redis's rule (negative counts from the tail) and arguments are
 * checked in Redis's order, which decides which error a bad call gets.
 */
import { parseInteger, toBigInteger, toInteger } from "../../arguments.ts";
import { FIRST_KEY, type CommandSpec } from "../../command.ts";
import {
  ERR_INDEX_OUT_OF_RANGE,
  ERR_LPOS_COUNT_NEGATIVE,
  ERR_LPOS_MAXLEN_NEGATIVE,
  ERR_LPOS_RANK_ZERO,
  ERR_NO_SUCH_KEY,
  ERR_SYNTAX,
  ReplyError,
} from "../../errors.ts";
import { listChanged, normalizeIndex, readList, writableList } from "./helpers.ts";
import { NOTIFY_LIST } from "../../notifications.ts";

/** LINDEX key index — O(1). The element, or null outside the list or for a missing key. */
export const LINDEX = {
  name: "lindex",
  arity: 3,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "list", "slow"],
  run(ctx, args) {
    // The key is looked up before the index is parsed: a missing key answers null for any index.
    const list = readList(ctx, args[1]!);
    if (list === undefined) return ctx.reply.null();
    const at = normalizeIndex(parseInteger(args[2]!), list.length);
    if (at < 0) ctx.reply.null();
    else ctx.reply.bulk(list.at(at));
  },
} satisfies CommandSpec;

/** LSET key index element — O(1). */
export const LSET = {
  name: "lset",
  arity: 4,
  flags: ["write", "denyoom"],
  keys: FIRST_KEY,
  categories: ["write", "list", "slow"],
  run({ db, reply }, args) {
    const list = writableList(db, args[1]!);
    if (list === undefined) throw new ReplyError(ERR_NO_SUCH_KEY);
    const at = normalizeIndex(parseInteger(args[2]!), list.length);
    if (at < 0) throw new ReplyError(ERR_INDEX_OUT_OF_RANGE);
    list.set(at, args[3]!);
    reply.simple("OK");
    db.keyChanged(args[1]!, "lset", NOTIFY_LIST);
  },
} satisfies CommandSpec;

/**
 * Redis's range rule for LRANGE and LTRIM: negative indexes count from the tail, the start is
 * clamped to 0 and the stop to the last index. Returns [start, stop], or undefined when empty.
 */
function clampRange(start: number, stop: number, length: number): [number, number] | undefined {
  if (start < 0) start += length;
  if (stop < 0) stop += length;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return undefined;
  return [start, Math.min(stop, length - 1)];
}

/** LRANGE key start stop — O(S+N): S the offset of start, N the elements returned. */
export const LRANGE = {
  name: "lrange",
  arity: 4,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "list", "slow"],
  run(ctx, args) {
    const start = parseInteger(args[2]!);
    const stop = parseInteger(args[3]!);
    const reply = ctx.reply;
    const list = readList(ctx, args[1]!);
    const range = list && clampRange(start, stop, list.length);
    if (!range) return reply.array(0);
    reply.array(range[1] - range[0] + 1);
    for (let i = range[0]; i <= range[1]; i++) reply.bulk(list!.at(i));
  },
} satisfies CommandSpec;

/** LTRIM key start stop — O(N) in the elements removed. An empty result removes the key. */
export const LTRIM = {
  name: "ltrim",
  arity: 4,
  flags: ["write"],
  keys: FIRST_KEY,
  categories: ["write", "list", "slow"],
  run({ db, reply }, args) {
    const start = parseInteger(args[2]!);
    const stop = parseInteger(args[3]!);
    const key = args[1]!;
    const list = writableList(db, key);
    if (list !== undefined) {
      const range = clampRange(start, stop, list.length);
      if (range) list.trim(range[0], range[1]);
      else list.clear();
      listChanged(db, key, list, "ltrim");
    }
    reply.simple("OK");
  },
} satisfies CommandSpec;

/**
 * LREM key count element — O(N+M). Removes the first `count` matches from the head (count > 0),
 * the last `-count` from the tail (count < 0), or all (0); replies how many.
 */
export const LREM = {
  name: "lrem",
  arity: 4,
  flags: ["write"],
  keys: FIRST_KEY,
  categories: ["write", "list", "slow"],
  run({ db, reply }, args) {
    const count = parseInteger(args[2]!);
    const key = args[1]!;
    const list = writableList(db, key);
    if (list === undefined) return reply.integer(0);
    const removed = list.removeMatches(args[3]!, count);
    if (removed > 0) listChanged(db, key, list, "lrem");
    reply.integer(removed);
  },
} satisfies CommandSpec;

/**
 * LINSERT key BEFORE|AFTER pivot element — O(N) to find the pivot. The new length, -1 when the
 * pivot is not there, 0 for a missing key.
 */
export const LINSERT = {
  name: "linsert",
  arity: 5,
  flags: ["write", "denyoom"],
  keys: FIRST_KEY,
  categories: ["write", "list", "slow"],
  run({ db, reply }, args) {
    const where = args[2]!.toLowerCase();
    if (where !== "before" && where !== "after") throw new ReplyError(ERR_SYNTAX);
    const list = writableList(db, args[1]!);
    if (list === undefined) return reply.integer(0);
    const at = list.indexOf(args[3]!);
    if (at < 0) return reply.integer(-1);
    list.insert(where === "before" ? at : at + 1, args[4]!);
    db.keyChanged(args[1]!, "linsert", NOTIFY_LIST);
    reply.integer(list.length);
  },
} satisfies CommandSpec;

/** LPOS's options after parsing. */
interface LposOptions {
  /** 1-based match to start from; negative searches from the tail. */
  rank: number;
  /** RANK was -2^63: Redis's negation overflows, so every match counts and COUNT never stops it. */
  unboundedRank: boolean;
  /** Matches to return; undefined without COUNT (a single index reply), 0 for all. */
  count: number | undefined;
  /** Elements to compare at most; 0 for all. */
  maxlen: number;
}

/** Parses LPOS's RANK / COUNT / MAXLEN options (repeatable; the last wins), in Redis's order. */
function parseLposOptions(args: string[]): LposOptions {
  const options: LposOptions = { rank: 1, unboundedRank: false, count: undefined, maxlen: 0 };
  for (let i = 3; i < args.length; i++) {
    const option = args[i]!.toLowerCase();
    const hasValue = i + 1 < args.length;
    if (option === "rank" && hasValue) {
      const text = args[++i]!;
      options.rank = parseInteger(text);
      options.unboundedRank = options.rank <= -(2 ** 63) && toBigInteger(text) === -(2n ** 63n);
      if (options.rank === 0) throw new ReplyError(ERR_LPOS_RANK_ZERO);
    } else if (option === "count" && hasValue) {
      const count = toInteger(args[++i]!);
      if (count === undefined || count < 0) throw new ReplyError(ERR_LPOS_COUNT_NEGATIVE);
      options.count = count;
    } else if (option === "maxlen" && hasValue) {
      const maxlen = toInteger(args[++i]!);
      if (maxlen === undefined || maxlen < 0) throw new ReplyError(ERR_LPOS_MAXLEN_NEGATIVE);
      options.maxlen = maxlen;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  return options;
}

/**
 * LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] — O(N), or O(MAXLEN). The index
 * of the rank-th match (null when none), or with COUNT an array of up to that many indexes.
 */
export const LPOS = {
  name: "lpos",
  arity: -3,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "list", "slow"],
  run(ctx, args) {
    const reply = ctx.reply;
    const { rank, unboundedRank, count, maxlen } = parseLposOptions(args);
    const list = readList(ctx, args[1]!);
    if (list === undefined) return count === undefined ? reply.null() : reply.array(0);
    const element = args[2]!;
    const length = list.length;
    const fromTail = rank < 0;
    const skip = unboundedRank ? 0 : Math.abs(rank) - 1;
    const limit = maxlen === 0 ? length : Math.min(maxlen, length);
    const found: number[] = [];
    let matches = 0;
    for (let scanned = 0; scanned < limit; scanned++) {
      const index = fromTail ? length - 1 - scanned : scanned;
      if (list.at(index) !== element || matches++ < skip) continue;
      found.push(index);
      if (count === undefined || (!unboundedRank && count !== 0 && found.length === count)) break;
    }
    if (count !== undefined) {
      reply.array(found.length);
      for (const index of found) reply.integer(index);
    } else if (found.length === 0) reply.null();
    else reply.integer(found[0]!);
  },
} satisfies CommandSpec;
