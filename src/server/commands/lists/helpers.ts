/**
 * @module
 * What the list commands share: Redis's two key lookups for lists (a read lookup counts keyspace
 * hits and misses, a write lookup does not; both reply WRONGTYPE for another type), the
 * LEFT/RIGHT argument, popping with the empty list removed, index normalisation, and the
 * `numkeys` key positions of LMPOP/BLMPOP.
 */
import type { Db } from "../../../store/keyspace.ts";
import { List } from "../../../store/types/list.ts";
import type { ReplyWriter } from "../../../resp/writer.ts";
import { toInteger } from "../../arguments.ts";
import type { CommandContext } from "../../command.ts";
import { ERR_SYNTAX, ERR_WRONGTYPE, ReplyError } from "../../errors.ts";
import { NOTIFY_GENERIC, NOTIFY_LIST } from "../../notifications.ts";

/** The list at `key` for a read command (LLEN, LRANGE...): counted as a hit or miss. */
export function readList(ctx: CommandContext, key: string): List | undefined {
  const value = ctx.server.lookupRead(ctx.db, key);
  if (value === undefined || value instanceof List) return value;
  throw new ReplyError(ERR_WRONGTYPE);
}

/** The list at `key` of `db` for a write command (no hit/miss statistics). */
export function writableList(db: Db, key: string): List | undefined {
  const value = db.get(key);
  if (value === undefined || value instanceof List) return value;
  throw new ReplyError(ERR_WRONGTYPE);
}

/** Which end: LEFT is the head (index 0), RIGHT the tail. */
export type End = "left" | "right";

/** LEFT or RIGHT, in any case; else a syntax error (Redis's getListPositionFromObjectOrReply). */
export function parseEnd(text: string): End {
  const lower = text.toLowerCase();
  if (lower === "left") return "left";
  if (lower === "right") return "right";
  throw new ReplyError(ERR_SYNTAX);
}

/** Pops one element from `end` of a non-empty list. */
export function pop(list: List, end: End): string {
  return (end === "left" ? list.popHead() : list.popTail())!;
}

/** Pushes `value` at `end`. */
export function push(list: List, end: End, value: string): void {
  if (end === "left") list.pushHead(value);
  else list.pushTail(value);
}

/**
 * Announces a change of the list at `key` (`event`: `lpop`, `ltrim`...), then removes the key,
 * announced as `del`, when the list was emptied: Redis never keeps an empty list.
 */
export function listChanged(db: Db, key: string, list: List, event: string): void {
  db.keyChanged(key, event, NOTIFY_LIST);
  if (list.length !== 0) return;
  db.delete(key);
  db.keyChanged(key, "del", NOTIFY_GENERIC);
}

/** The event of a pop from `end`. */
export function popEvent(end: End): string {
  return end === "left" ? "lpop" : "rpop";
}

/** The event of a push at `end`. */
export function pushEvent(end: End): string {
  return end === "left" ? "lpush" : "rpush";
}

/**
 * Pops up to `count` elements from `end` of the list at `key` and replies with them as an array
 * (LPOP/RPOP with a count, LMPOP's inner array); removes the key when emptied.
 */
export function popRangeReply(db: Db, key: string, list: List, end: End, count: number, reply: ReplyWriter): void {
  const n = Math.min(count, list.length);
  reply.array(n);
  for (let i = 0; i < n; i++) reply.bulk(pop(list, end));
  if (n > 0) listChanged(db, key, list, popEvent(end));
}

/** LMPOP's (and BLMPOP's) reply for a pop from `key`: `[key, [elements]]`. */
export function popRangeWithKeyReply(db: Db, key: string, list: List, end: End, count: number, reply: ReplyWriter): void {
  reply.array(2);
  reply.bulk(key);
  popRangeReply(db, key, list, end, count, reply);
}

/**
 * LMOVE's move of one element from a non-empty `source` list to `destinationKey` (created when
 * missing), replying with the element. The destination's type is checked before anything moves.
 */
export function moveReply(db: Db, sourceKey: string, source: List, destinationKey: string, from: End, to: End, reply: ReplyWriter): void {
  let destination = writableList(db, destinationKey);
  const value = pop(source, from);
  if (destination === undefined) {
    // Source and destination are the same key only when the source existed, so this is a new key.
    destination = new List();
    push(destination, to, value);
    db.set(destinationKey, destination);
  } else push(destination, to, value);
  db.keyChanged(destinationKey, pushEvent(to), NOTIFY_LIST);
  reply.bulk(value);
  listChanged(db, sourceKey, source, popEvent(from));
}

/** Redis's index rule: negative counts from the tail. The index into the list, or -1 when outside. */
export function normalizeIndex(index: number, length: number): number {
  const at = index < 0 ? length + index : index;
  return at < 0 || at >= length ? -1 : at;
}

/**
 * Keys of a `numkeys key [key ...]` command whose numkeys is at `numkeysIndex` (LMPOP: 1,
 * BLMPOP: 2), for COMMAND GETKEYS and key extraction. Throws when numkeys is not a valid count.
 */
export function numkeysIndexes(args: readonly string[], numkeysIndex: number): number[] {
  const numkeys = toInteger(args[numkeysIndex] ?? "");
  if (numkeys === undefined || numkeys < 1 || numkeysIndex + numkeys >= args.length) throw new ReplyError(ERR_SYNTAX);
  const indexes: number[] = [];
  for (let i = 1; i <= numkeys; i++) indexes.push(numkeysIndex + i);
  return indexes;
}
