/**
 * @module
 * Sorted-set queries that answer with a number or a score: ZCARD, ZSCORE, ZMSCORE, ZRANK,
 * ZREVRANK, ZCOUNT, ZLEXCOUNT.
 */
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import { parseLexRange, parseScoreRange } from "./arguments.ts";
import { readZset } from "./helpers.ts";

/** ZCARD key — O(1). */
export const ZCARD = {
  name: "zcard",
  arity: 2,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "sortedset", "fast"],
  run(ctx, args) {
    ctx.reply.integer(readZset(ctx, args[1]!)?.size ?? 0);
  },
} satisfies CommandSpec;

/** ZSCORE key member — O(1). A double, or null. */
export const ZSCORE = {
  name: "zscore",
  arity: 3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "sortedset", "fast"],
  run(ctx, args) {
    const score = readZset(ctx, args[1]!)?.score(args[2]!);
    if (score === undefined) ctx.reply.null();
    else ctx.reply.double(score);
  },
} satisfies CommandSpec;

/** ZMSCORE key member [member ...] — O(n) in the members. A double or null each. */
export const ZMSCORE = {
  name: "zmscore",
  arity: -3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "sortedset", "fast"],
  run(ctx, args) {
    const zset = readZset(ctx, args[1]!);
    const { reply } = ctx;
    reply.array(args.length - 2);
    for (let i = 2; i < args.length; i++) {
      const score = zset?.score(args[i]!);
      if (score === undefined) reply.null();
      else reply.double(score);
    }
  },
} satisfies CommandSpec;

/** ZRANK and ZREVRANK: the 0-based rank, or null. */
function rank(ctx: CommandContext, args: string[], reverse: boolean): void {
  const rank = readZset(ctx, args[1]!)?.rank(args[2]!, reverse);
  if (rank === undefined) ctx.reply.null();
  else ctx.reply.integer(rank);
}

/** ZRANK key member — O(log n). (WITHSCORE came in Redis 7.2.) */
export const ZRANK = {
  name: "zrank",
  arity: 3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "sortedset", "fast"],
  run(ctx, args) {
    rank(ctx, args, false);
  },
} satisfies CommandSpec;

/** ZREVRANK key member — O(log n). */
export const ZREVRANK = {
  name: "zrevrank",
  arity: 3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "sortedset", "fast"],
  run(ctx, args) {
    rank(ctx, args, true);
  },
} satisfies CommandSpec;

/** ZCOUNT key min max — O(log n). The range is checked before the key. */
export const ZCOUNT = {
  name: "zcount",
  arity: 4,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "sortedset", "fast"],
  run(ctx, args) {
    const range = parseScoreRange(args[2]!, args[3]!);
    ctx.reply.integer(readZset(ctx, args[1]!)?.countInScoreRange(range) ?? 0);
  },
} satisfies CommandSpec;

/** ZLEXCOUNT key min max — O(log n). */
export const ZLEXCOUNT = {
  name: "zlexcount",
  arity: 4,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "sortedset", "fast"],
  run(ctx, args) {
    const range = parseLexRange(args[2]!, args[3]!);
    ctx.reply.integer(readZset(ctx, args[1]!)?.countInLexRange(range) ?? 0);
  },
} satisfies CommandSpec;
