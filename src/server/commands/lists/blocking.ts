/**
 * @module
 * The blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP; and CLIENT UNBLOCK, which
 * ends such a wait from another connection. Each first tries to answer as its non-blocking form
 * would; when no key has data it parks the client with the blocking framework (../../blocking.ts),
 * giving it the keys and a `serve` callback that answers once one of them has a list. Inside
 * MULTI/EXEC (`client.denyBlocking`) they answer at once, as on a timeout.
 */
import { List } from "../../../store/types/list.ts";
import type { Db } from "../../../store/keyspace.ts";
import type { ReplyWriter } from "../../../resp/writer.ts";
import { parseTimeout } from "../../blocking.ts";
import { NO_KEYS, type CommandContext, type CommandSpec } from "../../command.ts";
import { listChanged, moveReply, numkeysIndexes, parseEnd, pop, popEvent, popRangeWithKeyReply, writableList, type End } from "./helpers.ts";
import { lmove, mpopFirst, parseMpop, type MpopArguments } from "./move.ts";

/** How LMOVE names an end (propagating a served BLMOVE). */
const END_WORD = { left: "LEFT", right: "RIGHT" } as const;

/** The list at `key` when it has elements now (a served waiter's check); never WRONGTYPE. */
function listAt(db: Db, key: string): List | undefined {
  const value = db.get(key);
  return value instanceof List && value.length !== 0 ? value : undefined;
}

/** `[key, element]`: BLPOP/BRPOP's answer, popping from `end`. */
function popWithKeyReply(db: Db, key: string, list: List, end: End, reply: ReplyWriter): void {
  reply.array(2);
  reply.bulk(key);
  reply.bulk(pop(list, end));
  listChanged(db, key, list, popEvent(end));
}

/** BLPOP/BRPOP key [key ...] timeout. */
function blockingPop(end: End): CommandSpec["run"] {
  return (ctx, args) => {
    const { db, reply } = ctx;
    const timeoutMs = parseTimeout(args[args.length - 1]!);
    const keys = args.slice(1, -1);
    for (const key of keys) {
      const list = writableList(db, key);
      if (list !== undefined) return popWithKeyReply(db, key, list, end, reply);
    }
    if (ctx.client.denyBlocking) return reply.nullArray();
    const propagation = ctx.server.propagation;
    ctx.server.blocking.block(ctx, {
      keys,
      timeoutMs,
      serve(db, key, reply) {
        const list = listAt(db, key);
        if (list === undefined) return false;
        popWithKeyReply(db, key, list, end, reply);
        if (propagation.active) propagation.also(db.id, [end === "left" ? "LPOP" : "RPOP", key]);
        return true;
      },
    });
  };
}

/** Every key but the last argument (the timeout). */
const KEYS_BEFORE_TIMEOUT = { first: 1, last: -2, step: 1 } as const;

/**
 * BLPOP key [key ...] timeout — O(N) in the keys. `[key, element]` from the head of the first
 * non-empty list, waiting up to `timeout` seconds (0: forever) for one; the null array on timeout.
 */
export const BLPOP = {
  name: "blpop",
  arity: -3,
  flags: ["write", "noscript", "blocking"],
  keys: KEYS_BEFORE_TIMEOUT,
  categories: ["write", "list", "slow", "blocking"],
  run: blockingPop("left"),
} satisfies CommandSpec;

/** BRPOP key [key ...] timeout — O(N) in the keys. As BLPOP, from the tail. */
export const BRPOP = {
  name: "brpop",
  arity: -3,
  flags: ["write", "noscript", "blocking"],
  keys: KEYS_BEFORE_TIMEOUT,
  categories: ["write", "list", "slow", "blocking"],
  run: blockingPop("right"),
} satisfies CommandSpec;

/** BLMOVE's work once its arguments are parsed (BRPOPLPUSH is BLMOVE source destination RIGHT LEFT). */
function blockingMove(ctx: CommandContext, source: string, destination: string, from: End, to: End, timeoutMs: number): void {
  const { db, reply } = ctx;
  if (writableList(db, source) !== undefined) return lmove(db, reply, source, destination, from, to);
  // The destination's type is not checked before blocking, only when an element arrives.
  if (ctx.client.denyBlocking) return reply.null();
  const propagation = ctx.server.propagation;
  ctx.server.blocking.block(ctx, {
    keys: [source],
    alsoWrites: [destination],
    timeoutMs,
    serve(db, key, reply) {
      const list = listAt(db, key);
      if (list === undefined) return false;
      // A destination of another type answers WRONGTYPE and ends the wait, leaving the source as it was.
      moveReply(db, key, list, destination, from, to, reply);
      if (propagation.active) propagation.also(db.id, ["LMOVE", key, destination, END_WORD[from], END_WORD[to]]);
      return true;
    },
  });
}

/** Source and destination keys. */
const TWO_KEYS = { first: 1, last: 2, step: 1 } as const;

/**
 * BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout — O(1). LMOVE, waiting for the source
 * to have an element; the null array on timeout (the null bulk inside MULTI, as Redis).
 */
export const BLMOVE = {
  name: "blmove",
  arity: 6,
  flags: ["write", "denyoom", "noscript", "blocking"],
  keys: TWO_KEYS,
  categories: ["write", "list", "slow", "blocking"],
  run(ctx, args) {
    const from = parseEnd(args[3]!);
    const to = parseEnd(args[4]!);
    const timeoutMs = parseTimeout(args[5]!);
    blockingMove(ctx, args[1]!, args[2]!, from, to, timeoutMs);
  },
} satisfies CommandSpec;

/** BRPOPLPUSH source destination timeout — O(1). BLMOVE source destination RIGHT LEFT timeout. */
export const BRPOPLPUSH = {
  name: "brpoplpush",
  arity: 4,
  flags: ["write", "denyoom", "noscript", "blocking"],
  keys: TWO_KEYS,
  categories: ["write", "list", "slow", "blocking"],
  run(ctx, args) {
    blockingMove(ctx, args[1]!, args[2]!, "right", "left", parseTimeout(args[3]!));
  },
} satisfies CommandSpec;

/**
 * BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] — O(N+M). LMPOP, waiting for one
 * of the keys to have a list; the null array on timeout.
 */
export const BLMPOP = {
  name: "blmpop",
  arity: -5,
  flags: ["write", "blocking", "movablekeys"],
  keys: NO_KEYS,
  categories: ["write", "list", "slow", "blocking"],
  keyIndexes: (args) => numkeysIndexes(args, 2),
  run(ctx, args) {
    const { db, reply } = ctx;
    // Redis parses numkeys, the keys, LEFT|RIGHT and COUNT before the timeout.
    const parsed: MpopArguments = parseMpop(args, 2);
    const timeoutMs = parseTimeout(args[1]!);
    if (mpopFirst(db, reply, parsed)) return;
    if (ctx.client.denyBlocking) return reply.nullArray();
    const propagation = ctx.server.propagation;
    ctx.server.blocking.block(ctx, {
      keys: parsed.keys,
      timeoutMs,
      serve(db, key, reply) {
        const list = listAt(db, key);
        if (list === undefined) return false;
        popRangeWithKeyReply(db, key, list, parsed.end, parsed.count, reply);
        if (propagation.active) propagation.also(db.id, [parsed.end === "left" ? "LPOP" : "RPOP", key, String(parsed.count)]);
        return true;
      },
    });
  },
} satisfies CommandSpec;

