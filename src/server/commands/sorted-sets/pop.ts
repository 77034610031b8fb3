/**
 * @module
 * Popping the lowest or highest elements: ZPOPMIN, ZPOPMAX and ZMPOP, over `popFrom` and `zpop`
 * (Redis's `genericZpopCommand`) and `parseMpop`, which are exported for the blocking variants
 * (BZPOPMIN, BZPOPMAX, BZMPOP): they try `zpop` first, and serve a woken client with `popFrom`.
 */
import type { ReplyWriter } from "../../../resp/writer.ts";
import type { Db } from "../../../store/keyspace.ts";
import type { SortedSet } from "../../../store/types/sorted-set.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_SYNTAX, ERR_ZSET_COUNT, ERR_ZSET_MUST_BE_POSITIVE, ERR_ZSET_NUMKEYS, ReplyError } from "../../errors.ts";
import { isWord, parseLongInRange, parsePositiveLong } from "./arguments.ts";
import { NOTIFY_GENERIC, NOTIFY_ZSET } from "../../notifications.ts";
import { numkeysKeys, writeZset } from "./helpers.ts";

/** What `zpop` answers when every key is missing: a null array, an empty array, or nothing (a blocking caller then blocks). */
export type EmptyPopReply = "null" | "empty" | "none";

/**
 * Pops up to `count` elements (the lowest, or the highest when `max`) from `zset`, the set at
 * `key` of `db`, writes the reply to `reply`, and deletes the key if emptied: Redis's
 * `genericZpopCommand` once it has found a set. The reply: with `withKey` the key comes first
 * (BZPOPMIN: `[key, member, score, ...]`; with `nested`, ZMPOP's `[key, [[member, score], ...]]`);
 * without it, `nested` makes pairs (ZPOPMIN with a count in RESP3), else it is flat. For the
 * blocking pops' `serve` callbacks too. O(count log n).
 */
export function popFrom(reply: ReplyWriter, db: Db, key: string, zset: SortedSet, max: boolean, count: number, withKey: boolean, nested: boolean): void {
  if (count === 0) {
    reply.array(0);
    return;
  }
  const popped = Math.min(count, zset.size);
  if (!withKey) reply.array(nested ? popped : popped * 2);
  else if (!nested) {
    reply.array(popped * 2 + 1);
    reply.bulk(key);
  } else {
    reply.array(2);
    reply.bulk(key);
    reply.array(popped);
  }
  for (let i = 0; i < popped; i++) {
    const cursor = zset.at(max ? zset.size - 1 : 0);
    const member = cursor.member;
    if (nested) reply.array(2);
    reply.bulk(member);
    reply.double(cursor.score);
    zset.remove(member);
  }
  db.keyChanged(key, max ? "zpopmax" : "zpopmin", NOTIFY_ZSET);
  if (zset.size === 0) {
    db.delete(key);
    db.keyChanged(key, "del", NOTIFY_GENERIC);
  }
}

/**
 * `popFrom` on the first existing key among `args[first..first+keys)` (a key of another type met
 * before it is WRONGTYPE); when all are missing, replies as `empty` says. Returns whether a set
 * was found.
 */
export function zpop(ctx: CommandContext, args: readonly string[], first: number, keys: number, max: boolean, count: number, withKey: boolean, nested: boolean, empty: EmptyPopReply): boolean {
  for (let i = first; i < first + keys; i++) {
    const zset = writeZset(ctx, args[i]!);
    if (zset !== undefined) {
      popFrom(ctx.reply, ctx.db, args[i]!, zset, max, count, withKey, nested);
      return true;
    }
  }
  if (empty === "null") ctx.reply.nullArray();
  else if (empty === "empty") ctx.reply.array(0);
  return false;
}

/** ZPOPMIN/ZPOPMAX key [count]: flat without a count (and in RESP2), pairs with one in RESP3. */
function zpopMinMax(ctx: CommandContext, args: string[], max: boolean): void {
  if (args.length > 3) throw new ReplyError(ERR_SYNTAX);
  const count = args.length === 3 ? parsePositiveLong(args[2]!, ERR_ZSET_MUST_BE_POSITIVE) : -1;
  zpop(ctx, args, 1, 1, max, count === -1 ? 1 : count, false, ctx.reply.protocol === 3 && count !== -1, "empty");
}

/** ZPOPMIN key [count] — O(m log n). */
export const ZPOPMIN = {
  name: "zpopmin",
  arity: -2,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "sortedset", "fast"],
  run(ctx, args) {
    zpopMinMax(ctx, args, false);
  },
} satisfies CommandSpec;

/** ZPOPMAX key [count] — O(m log n). */
export const ZPOPMAX = {
  name: "zpopmax",
  arity: -2,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "sortedset", "fast"],
  run(ctx, args) {
    zpopMinMax(ctx, args, true);
  },
} satisfies CommandSpec;

/** ZMPOP's parsed arguments (also BZMPOP's, after its timeout). */
export interface MpopArguments {
  /** Number of keys; they start right after numkeys. */
  keys: number;
  max: boolean;
  count: number;
}

/** Parses `numkeys key [key ...] MIN|MAX [COUNT count]` starting at `args[at]` (Redis's `zmpopGenericCommand`). */
export function parseMpop(args: readonly string[], at: number): MpopArguments {
  const keys = parseLongInRange(args[at]!, 1, Infinity, ERR_ZSET_NUMKEYS);
  const whereAt = at + keys + 1;
  if (whereAt >= args.length) throw new ReplyError(ERR_SYNTAX);
  const where = args[whereAt]!;
  let max: boolean;
  if (isWord(where, "min")) max = false;
  else if (isWord(where, "max")) max = true;
  else throw new ReplyError(ERR_SYNTAX);
  let count = -1;
  for (let i = whereAt + 1; i < args.length; i++) {
    if (count === -1 && isWord(args[i]!, "count") && i + 1 < args.length) {
      count = parseLongInRange(args[++i]!, 1, Infinity, ERR_ZSET_COUNT);
    } else throw new ReplyError(ERR_SYNTAX);
  }
  return { keys, max, count: count === -1 ? 1 : count };
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] — O(k + m log n). */
export const ZMPOP = {
  name: "zmpop",
  arity: -4,
  flags: ["write", "movablekeys"],
  keys: { first: 0, last: 0, step: 0 },
  categories: ["write", "sortedset", "slow"],
  keyIndexes: (args) => numkeysKeys(args, 1, 0),
  run(ctx, args) {
    const { keys, max, count } = parseMpop(args, 1);
    zpop(ctx, args, 2, keys, max, count, true, true, "null");
  },
} satisfies CommandSpec;
