/**
 * @module
 * GEOADD: Redis turns the command into a ZADD of the positions' geohash scores and runs that, so
 * this is a ZADD in all that clients see: its options (NX, XX, CH), its reply, its `zadd` event,
 * and what the AOF records (the ZADD, with each score as the integer Redis wrote).
 */
import { encodeScore, encodeScoreText } from "../../../store/types/geohash.ts";
import { SortedSet, ZADD_NX, ZADD_XX } from "../../../store/types/sorted-set.ts";
import { FIRST_KEY, type CommandSpec } from "../../command.ts";
import { ERR_SYNTAX, ReplyError } from "../../errors.ts";
import { NOTIFY_ZSET } from "../../notifications.ts";
import { writeZset } from "../sorted-sets/helpers.ts";
import { isOption, parseCoordinates } from "./helpers.ts";

/** GEOADD key [NX|XX] [CH] longitude latitude member [longitude latitude member ...] — O(log n) per member. */
export const GEOADD = {
  name: "geoadd",
  arity: -5,
  flags: ["write", "denyoom"],
  keys: FIRST_KEY,
  categories: ["write", "geo", "slow"],
  run(ctx, args) {
    let flags = 0;
    let ch = false;
    let at = 2;
    for (; at < args.length; at++) {
      const word = args[at]!;
      if (isOption(word, "nx")) flags |= ZADD_NX;
      else if (isOption(word, "xx")) flags |= ZADD_XX;
      else if (isOption(word, "ch")) ch = true;
      else break;
    }
    const rest = args.length - at;
    if (rest === 0 || rest % 3 !== 0 || flags === (ZADD_NX | ZADD_XX)) throw new ReplyError(ERR_SYNTAX);
    // Every position is checked before anything changes, as Redis builds the whole ZADD first.
    const count = rest / 3;
    const scores = new Array<number>(count);
    const xy = { longitude: 0, latitude: 0 };
    for (let i = 0; i < count; i++) {
      parseCoordinates(args, at + 3 * i, xy);
      scores[i] = encodeScore(xy.longitude, xy.latitude);
    }

    const { db, server } = ctx;
    const key = args[1]!;
    let zset = writeZset(ctx, key);
    let added = 0;
    let updated = 0;
    if (zset === undefined && (flags & ZADD_XX) === 0) {
      zset = new SortedSet();
      db.set(key, zset);
    }
    if (zset !== undefined) {
      for (let i = 0; i < count; i++) {
        const outcome = zset.add(args[at + 3 * i + 2]!, scores[i]!, flags, server.config);
        if (outcome === "added") added++;
        else if (outcome === "updated") updated++;
      }
    }
    // A set grown in place never goes through Db.set, so clients blocked on it are told here.
    if (added > 0 && db.keyListener !== undefined) server.blocking.signalKeyReady(db, key);
    ctx.reply.integer(ch ? added + updated : added);
    if (added === 0 && updated === 0) return;
    db.keyChanged(key, "zadd", NOTIFY_ZSET);
    if (server.propagation.active) server.propagation.rewrite(zaddArgs(args, at));
  },
} satisfies CommandSpec;

/** The ZADD Redis runs (and records) for a GEOADD whose positions start at `at`. */
function zaddArgs(args: readonly string[], at: number): string[] {
  const zadd = ["zadd", ...args.slice(1, at)];
  const xy = { longitude: 0, latitude: 0 };
  for (let i = at; i < args.length; i += 3) {
    parseCoordinates(args, i, xy);
    zadd.push(encodeScoreText(xy.longitude, xy.latitude), args[i + 2]!);
  }
  return zadd;
}
