/**
 * @module
 * Sorted-set removals: ZREM and ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX. A set left
 * empty is deleted.
 */
import { FIRST_KEY, type CommandSpec } from "../../command.ts";
import { parseLexRange, parseLong, parseScoreRange } from "./arguments.ts";
import { membersRemoved, writeZset } from "./helpers.ts";

/** ZREM key member [member ...] — O(m log n). Replies how many were removed. */
export const ZREM = {
  name: "zrem",
  arity: -3,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "sortedset", "fast"],
  run(ctx, args) {
    const key = args[1]!;
    const zset = writeZset(ctx, key);
    let removed = 0;
    if (zset !== undefined) {
      for (let i = 2; i < args.length; i++) {
        if (zset.remove(args[i]!)) removed++;
        if (zset.size === 0) break;
      }
      if (removed > 0) membersRemoved(ctx, key, zset, "zrem");
    }
    ctx.reply.integer(removed);
  },
} satisfies CommandSpec;

/** ZREMRANGEBYRANK key start stop — O(log n + m). Negative ranks count from the end. */
export const ZREMRANGEBYRANK = {
  name: "zremrangebyrank",
  arity: 4,
  flags: ["write"],
  keys: FIRST_KEY,
  categories: ["write", "sortedset", "slow"],
  run(ctx, args) {
    let start = parseLong(args[2]!);
    let end = parseLong(args[3]!);
    const key = args[1]!;
    const zset = writeZset(ctx, key);
    if (zset === undefined) return ctx.reply.integer(0);
    const length = zset.size;
    if (start < 0) start += length;
    if (end < 0) end += length;
    if (start < 0) start = 0;
    if (start > end || start >= length) return ctx.reply.integer(0);
    if (end >= length) end = length - 1;
    const removed = zset.removeRanks(start, end);
    if (removed > 0) membersRemoved(ctx, key, zset, "zremrangebyrank");
    ctx.reply.integer(removed);
  },
} satisfies CommandSpec;

/** ZREMRANGEBYSCORE key min max — O(log n + m). */
export const ZREMRANGEBYSCORE = {
  name: "zremrangebyscore",
  arity: 4,
  flags: ["write"],
  keys: FIRST_KEY,
  categories: ["write", "sortedset", "slow"],
  run(ctx, args) {
    const range = parseScoreRange(args[2]!, args[3]!);
    const key = args[1]!;
    const zset = writeZset(ctx, key);
    if (zset === undefined) return ctx.reply.integer(0);
    const removed = zset.removeRangeByScore(range);
    if (removed > 0) membersRemoved(ctx, key, zset, "zremrangebyscore");
    ctx.reply.integer(removed);
  },
} satisfies CommandSpec;

/** ZREMRANGEBYLEX key min max — O(log n + m). */
export const ZREMRANGEBYLEX = {
  name: "zremrangebylex",
  arity: 4,
  flags: ["write"],
  keys: FIRST_KEY,
  categories: ["write", "sortedset", "slow"],
  run(ctx, args) {
    const range = parseLexRange(args[2]!, args[3]!);
    const key = args[1]!;
    const zset = writeZset(ctx, key);
    if (zset === undefined) return ctx.reply.integer(0);
    const removed = zset.removeRangeByLex(range);
    if (removed > 0) membersRemoved(ctx, key, zset, "zremrangebylex");
    ctx.reply.integer(removed);
  },
} satisfies CommandSpec;
