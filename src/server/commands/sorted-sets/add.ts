/**
 * @module
 * ZADD and ZINCRBY, one generic command as in Redis (`zaddGenericCommand`): options, then every
 * score checked before anything changes, then each pair added under the options.
 */
import { SortedSet, ZADD_GT, ZADD_INCR, ZADD_LT, ZADD_NX, ZADD_XX } from "../../../store/types/sorted-set.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_SYNTAX, ERR_ZSET_GT_LT_NX, ERR_ZSET_INCR_PAIR, ERR_ZSET_SCORE_NAN, ERR_ZSET_XX_AND_NX, ReplyError } from "../../errors.ts";
import { parseScore } from "./arguments.ts";
import { NOTIFY_ZSET } from "../../notifications.ts";
import { writeZset } from "./helpers.ts";

/** The ZADD flag an option word stands for, or 0 when it is not one (`ch` is handled apart). */
function optionFlag(word: string): number {
  if (word.length > 4) return 0;
  switch (word.toLowerCase()) {
    case "nx":
      return ZADD_NX;
    case "xx":
      return ZADD_XX;
    case "gt":
      return ZADD_GT;
    case "lt":
      return ZADD_LT;
    case "incr":
      return ZADD_INCR;
    default:
      return 0;
  }
}

/**
 * Whether `word` may be an option: options start with a letter and most scores do not, so plain
 * scores skip the lookup (`inf` and the like go through it and are not options).
 */
function mayBeOption(word: string): boolean {
  const c = word.charCodeAt(0) | 0x20;
  return c >= 97 && c <= 122;
}

/** ZADD and ZINCRBY's shared body; `flags` holds ZINCRBY's implied INCR. */
function zadd(ctx: CommandContext, args: string[], flags: number): void {
  let ch = false;
  let at = 2;
  for (; at < args.length; at++) {
    const word = args[at]!;
    if (!mayBeOption(word)) break;
    const flag = optionFlag(word);
    if (flag !== 0) flags |= flag;
    else if (word.length === 2 && word.toLowerCase() === "ch") ch = true;
    else break;
  }
  const pairs = args.length - at;
  if (pairs === 0 || pairs % 2 !== 0) throw new ReplyError(ERR_SYNTAX);
  const nx = (flags & ZADD_NX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const incr = (flags & ZADD_INCR) !== 0;
  if (nx && (flags & ZADD_XX) !== 0) throw new ReplyError(ERR_ZSET_XX_AND_NX);
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw new ReplyError(ERR_ZSET_GT_LT_NX);
  if (incr && pairs > 2) throw new ReplyError(ERR_ZSET_INCR_PAIR);
  // Every score is checked before anything changes: the command applies fully or not at all.
  const first = at;
  const scores = new Array<number>(pairs / 2);
  for (let i = 0; i < scores.length; i++) scores[i] = parseScore(args[first + 2 * i]!);

  const { db, reply, server } = ctx;
  const key = args[1]!;
  let zset = writeZset(ctx, key);
  let added = 0;
  let updated = 0;
  let processed = 0;
  if (zset === undefined && (flags & ZADD_XX) === 0) {
    zset = new SortedSet();
    db.set(key, zset);
  }
  if (zset !== undefined) {
    for (let i = 0; i < scores.length; i++) {
      const outcome = zset.add(args[first + 2 * i + 1]!, scores[i]!, flags, server.config);
      if (outcome === "added") added++;
      else if (outcome === "updated") updated++;
      else if (outcome === "nan") throw new ReplyError(ERR_ZSET_SCORE_NAN);
      if (outcome !== "nop") processed++;
    }
  }
  // A set grown in place never goes through Db.set, so clients blocked on the key (BZPOPMIN...)
  // are told here, as Redis's signalKeyAsReady; a new set was announced by Db.set already.
  if (added > 0 && db.keyListener !== undefined) server.blocking.signalKeyReady(db, key);
  if (incr) {
    if (processed > 0) reply.double(zset!.addedScore);
    else reply.null();
  } else reply.integer(ch ? added + updated : added);
  if (added > 0 || updated > 0) db.keyChanged(key, incr ? "zincr" : "zadd", NOTIFY_ZSET);
}

/** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] — O(log n) per pair. */
export const ZADD = {
  name: "zadd",
  arity: -4,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "sortedset", "fast"],
  run(ctx, args) {
    zadd(ctx, args, 0);
  },
} satisfies CommandSpec;

/** ZINCRBY key increment member — O(log n). Replies the new score. */
export const ZINCRBY = {
  name: "zincrby",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "sortedset", "fast"],
  run(ctx, args) {
    zadd(ctx, args, ZADD_INCR);
  },
} satisfies CommandSpec;
