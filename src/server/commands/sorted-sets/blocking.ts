/**
 * @module
 * The blocking pops: BZPOPMIN, BZPOPMAX and BZMPOP (Redis's `blockingGenericZpopCommand`). Each
 * first answers as its non-blocking form would (`zpop`); when every key is missing it parks the
 * client with the blocking framework (../../blocking.ts), whose `serve` pops with `popFrom` once
 * one of the keys holds a sorted set. Inside MULTI/EXEC (`client.denyBlocking`) the wait is
 * over at once: the null array, as on a timeout.
 */
import type { ReplyWriter } from "../../../resp/writer.ts";
import type { Db } from "../../../store/keyspace.ts";
import { SortedSet } from "../../../store/types/sorted-set.ts";
import { parseTimeout } from "../../blocking.ts";
import { NO_KEYS, type CommandContext, type CommandSpec } from "../../command.ts";
import { numkeysKeys } from "./helpers.ts";
import { parseMpop, popFrom, zpop } from "./pop.ts";

/** The sorted set at `key` when it has members now (a woken waiter's check); never WRONGTYPE. */
function zsetAt(db: Db, key: string): SortedSet | undefined {
  const value = db.get(key);
  return value instanceof SortedSet && value.size !== 0 ? value : undefined;
}

/**
 * Pops from the first of `args[first..first+keys)` that holds a set, or blocks the client on all
 * of them. `nested`: BZMPOP's `[key, [[member, score], ...]]` rather than BZPOPMIN's flat
 * `[key, member, score]`.
 */
function popOrBlock(ctx: CommandContext, args: string[], first: number, keys: number, max: boolean, count: number, nested: boolean, timeoutMs: number): void {
  if (zpop(ctx, args, first, keys, max, count, true, nested, "none")) return;
  if (ctx.client.denyBlocking) return ctx.reply.nullArray();
  const propagation = ctx.server.propagation;
  ctx.server.blocking.block(ctx, {
    keys: args.slice(first, first + keys),
    timeoutMs,
    serve(db: Db, key: string, reply: ReplyWriter): boolean {
      const zset = zsetAt(db, key);
      if (zset === undefined) return false;
      popFrom(reply, db, key, zset, max, count, true, nested);
      // Served, the command's effect is a ZPOPMIN/ZPOPMAX of that key.
      if (propagation.active) propagation.also(db.id, [max ? "ZPOPMAX" : "ZPOPMIN", key, String(count)]);
      return true;
    },
  });
}

/** BZPOPMIN/BZPOPMAX key [key ...] timeout: the timeout is read before any key is looked at. */
function blockingPopMinMax(max: boolean): CommandSpec["run"] {
  return (ctx, args) => {
    const timeoutMs = parseTimeout(args[args.length - 1]!);
    popOrBlock(ctx, args, 1, args.length - 2, max, 1, false, timeoutMs);
  };
}

/** Every key but the last argument (the timeout). */
const KEYS_BEFORE_TIMEOUT = { first: 1, last: -2, step: 1 } as const;

/**
 * BZPOPMIN key [key ...] timeout — O(log n). `[key, member, score]` of the lowest member of the
 * first non-empty set, waiting up to `timeout` seconds (0: forever) for one; the null array on
 * timeout.
 */
export const BZPOPMIN = {
  name: "bzpopmin",
  arity: -3,
  flags: ["write", "noscript", "blocking", "fast"],
  keys: KEYS_BEFORE_TIMEOUT,
  categories: ["write", "sortedset", "fast", "blocking"],
  run: blockingPopMinMax(false),
} satisfies CommandSpec;

/** BZPOPMAX key [key ...] timeout — O(log n). As BZPOPMIN, the highest member. */
export const BZPOPMAX = {
  name: "bzpopmax",
  arity: -3,
  flags: ["write", "noscript", "blocking", "fast"],
  keys: KEYS_BEFORE_TIMEOUT,
  categories: ["write", "sortedset", "fast", "blocking"],
  run: blockingPopMinMax(true),
} satisfies CommandSpec;

/**
 * BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] — O(k + m log n). ZMPOP, waiting for
 * one of the keys to hold a set; the null array on timeout.
 */
export const BZMPOP = {
  name: "bzmpop",
  arity: -5,
  flags: ["write", "blocking", "movablekeys"],
  keys: NO_KEYS,
  categories: ["write", "sortedset", "slow", "blocking"],
  keyIndexes: (args) => numkeysKeys(args, 2, 0),
  run(ctx, args) {
    // Redis reads numkeys, the keys, MIN|MAX and COUNT before the timeout.
    const { keys, max, count } = parseMpop(args, 2);
    const timeoutMs = parseTimeout(args[1]!);
    popOrBlock(ctx, args, 3, keys, max, count, true, timeoutMs);
  },
} satisfies CommandSpec;
