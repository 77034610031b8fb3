/**
 * @module
 * ZRANDMEMBER: random elements by rank, O(log n) each. With a negative count elements may
 * repeat; with a positive one they are distinct, and a count of at least the size returns the
 * whole set, from the highest score down, as Redis's iterator walks it.
 */
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_SYNTAX, ERR_ZSET_LONG_RANGE, ERR_ZSET_VALUE_RANGE, ReplyError } from "../../errors.ts";
import { isWord, parseExactLong } from "./arguments.ts";
import { element, elementsFrom, elementsHeader, readZset } from "./helpers.ts";

const LONG_MAX = 9223372036854775807n;

/** ZRANDMEMBER with a count (Redis's `zrandmemberWithCountCommand`). */
function withCount(ctx: CommandContext, key: string, requested: number, withScores: boolean): void {
  const { reply } = ctx;
  const zset = readZset(ctx, key);
  if (zset === undefined) return reply.array(0);
  const size = zset.size;
  const count = Math.abs(requested);
  if (count === 0) return reply.array(0);
  if (requested < 0 || count === 1) {
    elementsHeader(reply, count, withScores);
    for (let i = 0; i < count; i++) {
      const cursor = zset.random();
      element(reply, cursor.member, cursor.score, withScores);
    }
    return;
  }
  if (count >= size) return elementsFrom(reply, zset.at(size - 1), size, true, withScores);
  // Floyd's sampling: `count` distinct ranks in O(count), whatever the size.
  const ranks = new Set<number>();
  for (let j = size - count; j < size; j++) {
    const pick = Math.floor(Math.random() * (j + 1));
    ranks.add(ranks.has(pick) ? j : pick);
  }
  elementsHeader(reply, count, withScores);
  for (const rank of ranks) {
    const cursor = zset.at(rank);
    element(reply, cursor.member, cursor.score, withScores);
  }
}

/** ZRANDMEMBER key [count [WITHSCORES]] — O(log n) per element returned. */
export const ZRANDMEMBER = {
  name: "zrandmember",
  arity: -2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "sortedset", "slow"],
  run(ctx, args) {
    if (args.length >= 3) {
      const count = parseExactLong(args[2]!);
      if (count < -LONG_MAX) throw new ReplyError(ERR_ZSET_LONG_RANGE);
      if (args.length > 4 || (args.length === 4 && !isWord(args[3]!, "withscores"))) throw new ReplyError(ERR_SYNTAX);
      const withScores = args.length === 4;
      // Redis refuses counts whose doubled reply length would overflow.
      if (withScores && (count < -LONG_MAX / 2n || count > LONG_MAX / 2n)) throw new ReplyError(ERR_ZSET_VALUE_RANGE);
      withCount(ctx, args[1]!, Number(count), withScores);
      return;
    }
    const zset = readZset(ctx, args[1]!);
    if (zset === undefined) ctx.reply.null();
    else ctx.reply.bulk(zset.random().member);
  },
} satisfies CommandSpec;
