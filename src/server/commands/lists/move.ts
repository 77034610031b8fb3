/**
 * @module
 * Moving elements between lists and popping from the first non-empty of several: LMOVE,
 * RPOPLPUSH, LMPOP. The blocking forms (blocking.ts) share their parsing and replies.
 */
import type { Db } from "../../../store/keyspace.ts";
import type { ReplyWriter } from "../../../resp/writer.ts";
import { toInteger } from "../../arguments.ts";
import type { CommandSpec } from "../../command.ts";
import { ERR_COUNT_NOT_POSITIVE, ERR_NUMKEYS_NOT_POSITIVE, ERR_SYNTAX, ReplyError } from "../../errors.ts";
import { moveReply, numkeysIndexes, parseEnd, popRangeWithKeyReply, writableList, type End } from "./helpers.ts";

/** Source and destination keys. */
const TWO_KEYS = { first: 1, last: 2, step: 1 } as const;

/** LMOVE's work once the positions are known: null for a missing source, else the moved element. */
export function lmove(db: Db, reply: ReplyWriter, source: string, destination: string, from: End, to: End): void {
  const list = writableList(db, source);
  if (list === undefined) return reply.null();
  moveReply(db, source, list, destination, from, to, reply);
}

/** LMOVE source destination LEFT|RIGHT LEFT|RIGHT — O(1). The moved element, or null. */
export const LMOVE = {
  name: "lmove",
  arity: 5,
  flags: ["write", "denyoom"],
  keys: TWO_KEYS,
  categories: ["write", "list", "slow"],
  run({ db, reply }, args) {
    const from = parseEnd(args[3]!);
    const to = parseEnd(args[4]!);
    lmove(db, reply, args[1]!, args[2]!, from, to);
  },
} satisfies CommandSpec;

/** RPOPLPUSH source destination — O(1). LMOVE source destination RIGHT LEFT. */
export const RPOPLPUSH = {
  name: "rpoplpush",
  arity: 3,
  flags: ["write", "denyoom"],
  keys: TWO_KEYS,
  categories: ["write", "list", "slow"],
  run({ db, reply }, args) {
    lmove(db, reply, args[1]!, args[2]!, "right", "left");
  },
} satisfies CommandSpec;

/** LMPOP's and BLMPOP's arguments after the numkeys. */
export interface MpopArguments {
  keys: string[];
  end: End;
  count: number;
}

/**
 * Parses `numkeys key [key ...] LEFT|RIGHT [COUNT count]` with numkeys at `numkeysIndex`, in
 * Redis's order and with its errors (lmpopGenericCommand).
 */
export function parseMpop(args: string[], numkeysIndex: number): MpopArguments {
  const numkeys = toInteger(args[numkeysIndex]!);
  if (numkeys === undefined || numkeys < 1) throw new ReplyError(ERR_NUMKEYS_NOT_POSITIVE);
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= args.length) throw new ReplyError(ERR_SYNTAX);
  const end = parseEnd(args[whereIndex]!);
  let count = -1;
  for (let i = whereIndex + 1; i < args.length; i++) {
    if (count === -1 && args[i]!.toLowerCase() === "count" && i + 1 < args.length) {
      const parsed = toInteger(args[++i]!);
      if (parsed === undefined || parsed < 1) throw new ReplyError(ERR_COUNT_NOT_POSITIVE);
      count = parsed;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  return { keys: args.slice(numkeysIndex + 1, whereIndex), end, count: count === -1 ? 1 : count };
}

/**
 * Pops from the first key holding a list, replying `[key, [elements]]`; false (nothing written)
 * when none does. A key of another type is WRONGTYPE, even after missing keys.
 */
export function mpopFirst(db: Db, reply: ReplyWriter, { keys, end, count }: MpopArguments): boolean {
  for (const key of keys) {
    const list = writableList(db, key);
    if (list === undefined) continue;
    popRangeWithKeyReply(db, key, list, end, count, reply);
    return true;
  }
  return false;
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] — O(N+M). `[key, [elements]]` or the null array. */
export const LMPOP = {
  name: "lmpop",
  arity: -4,
  flags: ["write", "movablekeys"],
  keys: { first: 0, last: 0, step: 0 },
  categories: ["write", "list", "slow"],
  keyIndexes: (args) => numkeysIndexes(args, 1),
  run({ db, reply }, args) {
    if (!mpopFirst(db, reply, parseMpop(args, 1))) reply.nullArray();
  },
} satisfies CommandSpec;
