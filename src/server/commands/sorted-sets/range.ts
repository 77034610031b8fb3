/**
 * @module
 * The ZRANGE family, one generic command as in Redis 7.0 (`zrangeGenericCommand`): ZRANGE with
 * BYSCORE/BYLEX/REV/LIMIT/WITHSCORES, ZRANGESTORE, and the older ZRANGEBYSCORE,
 * ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX and ZREVRANGE, which fix some of the options.
 * A range is found in O(log n) (LIMIT's offset too, through ranks) and walked for its m elements.
 */
import { lexAboveMin, lexBelowMax, SortedSet, type LexRange, type ScoreRange } from "../../../store/types/sorted-set.ts";
import { type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_SYNTAX, ERR_ZSET_LIMIT_NEEDS_BY, ERR_ZSET_WITHSCORES_BYLEX, ReplyError } from "../../errors.ts";
import { isWord, parseLexRange, parseLong, parseScoreRange } from "./arguments.ts";
import { NOTIFY_GENERIC, NOTIFY_ZSET } from "../../notifications.ts";
import { elementsFrom, readZset } from "./helpers.ts";

/** What the range is over; `auto` until an option (or the command) decides. */
type RangeKind = "auto" | "rank" | "score" | "lex";

/** A run of elements: the rank of the first to emit and how many, walking one way. */
interface Selection {
  readonly first: number;
  readonly count: number;
}

const NOTHING: Selection = { first: 0, count: 0 };

/** Ranks `start`..`end` (negative from the end), as Redis sanitises them. */
function byRank(zset: SortedSet, start: number, end: number, reverse: boolean): Selection {
  const length = zset.size;
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) return NOTHING;
  if (end >= length) end = length - 1;
  return { first: reverse ? length - 1 - start : start, count: end - start + 1 };
}

/**
 * The elements with a score in `range`, walking from its low end (or its high end when
 * `reverse`), after skipping `offset` and keeping at most `limit` (negative: all). A negative
 * offset selects nothing, as in Redis, whose skip loop then runs off the end. O(log n).
 */
function byScore(zset: SortedSet, range: ScoreRange, reverse: boolean, offset: number, limit: number): Selection {
  if ((offset > 0 && offset >= zset.size) || offset < 0 || limit === 0) return NOTHING;
  const low = zset.scoreRangeStart(range);
  const end = zset.scoreRangeEnd(range);
  const available = end - low - offset;
  if (available <= 0) return NOTHING;
  const count = limit < 0 ? available : Math.min(limit, available);
  return { first: reverse ? end - 1 - offset : low + offset, count };
}

/**
 * A lex range walked as Redis walks it (lex ranges assume equal scores, and when they are not
 * equal only the walk gives Redis's answer): from the first in range, skip `offset`, then take
 * elements while in range, at most `limit` (negative: all). O(log n + offset + m).
 */
function byLex(zset: SortedSet, range: LexRange, reverse: boolean, offset: number, limit: number): Selection {
  if ((offset > 0 && offset >= zset.size) || offset < 0) return NOTHING;
  const edge = reverse ? zset.lexRangeLast(range) : zset.lexRangeFirst(range);
  if (edge < 0) return NOTHING;
  const first = reverse ? edge - offset : edge + offset;
  let count = 0;
  for (const cursor = zset.at(first); cursor.valid && (limit < 0 || count < limit); cursor.step(reverse)) {
    if (reverse ? !lexAboveMin(cursor.member, range) : !lexBelowMax(cursor.member, range)) break;
    count++;
  }
  return { first, count };
}

/**
 * Redis's `zrangeGenericCommand`. `from` is the index of the source key (its min and max follow);
 * `destination` is ZRANGESTORE's key; `kind` and `reverse` are fixed by the older commands
 * (`undefined` reverse: REV decides).
 */
function zrange(ctx: CommandContext, args: string[], from: number, destination: string | undefined, kind: RangeKind, reverse: boolean | undefined): void {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  let rev = reverse ?? false;
  let revGiven = reverse !== undefined;
  for (let i = from + 3; i < args.length; i++) {
    const word = args[i]!;
    const left = args.length - i - 1;
    if (destination === undefined && isWord(word, "withscores")) withScores = true;
    else if (left >= 2 && isWord(word, "limit")) {
      offset = parseLong(args[i + 1]!);
      limit = parseLong(args[i + 2]!);
      i += 2;
    } else if (!revGiven && isWord(word, "rev")) rev = revGiven = true;
    else if (kind === "auto" && isWord(word, "bylex")) kind = "lex";
    else if (kind === "auto" && isWord(word, "byscore")) kind = "score";
    else throw new ReplyError(ERR_SYNTAX);
  }
  if (kind === "auto") kind = "rank";
  if (limit !== -1 && kind === "rank") throw new ReplyError(ERR_ZSET_LIMIT_NEEDS_BY);
  if (withScores && kind === "lex") throw new ReplyError(ERR_ZSET_WITHSCORES_BYLEX);
  // Reversed score and lex ranges are written max first.
  const minText = rev && kind !== "rank" ? args[from + 2]! : args[from + 1]!;
  const maxText = rev && kind !== "rank" ? args[from + 1]! : args[from + 2]!;
  let start = 0;
  let end = 0;
  let scores: ScoreRange | undefined;
  let lex: LexRange | undefined;
  if (kind === "rank") {
    start = parseLong(minText);
    end = parseLong(maxText);
  } else if (kind === "score") scores = parseScoreRange(minText, maxText);
  else lex = parseLexRange(minText, maxText);

  const zset = readZset(ctx, args[from]!);
  let selection = NOTHING;
  if (zset !== undefined) {
    if (kind === "rank") selection = byRank(zset, start, end, rev);
    else if (kind === "score") selection = byScore(zset, scores!, rev, offset, limit);
    else selection = byLex(zset, lex!, rev, offset, limit);
  }
  if (destination !== undefined) store(ctx, destination, zset, selection, rev);
  else if (zset === undefined || selection.count === 0) ctx.reply.array(0);
  else elementsFrom(ctx.reply, zset.at(selection.first), selection.count, rev, withScores);
}

/** ZRANGESTORE's result: a new set at `destination` (built as Redis builds it), or no key. */
function store(ctx: CommandContext, destination: string, source: SortedSet | undefined, selection: Selection, reverse: boolean): void {
  if (source === undefined || selection.count === 0) {
    ctx.reply.integer(0);
    if (ctx.db.delete(destination)) ctx.db.keyChanged(destination, "del", NOTIFY_GENERIC);
    return;
  }
  // Redis starts the result as a listpack and lets the adds convert it, like any new set.
  const result = new SortedSet();
  const limits = ctx.server.config;
  const cursor = source.at(selection.first);
  for (let i = 0; i < selection.count && cursor.valid; i++, cursor.step(reverse)) result.add(cursor.member, cursor.score, 0, limits);
  ctx.db.set(destination, result);
  ctx.reply.integer(result.size);
  ctx.db.keyChanged(destination, "zrangestore", NOTIFY_ZSET);
}

/** A read-only range command's spec. */
function rangeSpec(name: string, run: (ctx: CommandContext, args: string[]) => void): CommandSpec {
  return {
    name,
    arity: -4,
    flags: ["readonly"],
    keys: { first: 1, last: 1, step: 1 },
    categories: ["read", "sortedset", "slow"],
    run,
  };
}

/** ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES] — O(log n + m). */
export const ZRANGE = rangeSpec("zrange", (ctx, args) => zrange(ctx, args, 1, undefined, "auto", undefined));

/** ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count] — O(log n + m). */
export const ZRANGEBYSCORE = rangeSpec("zrangebyscore", (ctx, args) => zrange(ctx, args, 1, undefined, "score", false));

/** ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count] — O(log n + m). */
export const ZREVRANGEBYSCORE = rangeSpec("zrevrangebyscore", (ctx, args) => zrange(ctx, args, 1, undefined, "score", true));

/** ZRANGEBYLEX key min max [LIMIT offset count] — O(log n + m). */
export const ZRANGEBYLEX = rangeSpec("zrangebylex", (ctx, args) => zrange(ctx, args, 1, undefined, "lex", false));

/** ZREVRANGEBYLEX key max min [LIMIT offset count] — O(log n + m). */
export const ZREVRANGEBYLEX = rangeSpec("zrevrangebylex", (ctx, args) => zrange(ctx, args, 1, undefined, "lex", true));

/** ZREVRANGE key start stop [WITHSCORES] — O(log n + m). */
export const ZREVRANGE = rangeSpec("zrevrange", (ctx, args) => zrange(ctx, args, 1, undefined, "rank", true));

/** ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] — O(log n + m). */
export const ZRANGESTORE = {
  name: "zrangestore",
  arity: -5,
  flags: ["write", "denyoom"],
  keys: { first: 1, last: 2, step: 1 },
  categories: ["write", "sortedset", "slow"],
  run(ctx, args) {
    zrange(ctx, args, 2, args[1]!, "auto", undefined);
  },
} satisfies CommandSpec;
