/**
 * @module
 * What the sorted-set commands share: Redis's two key lookups with the type check (a read lookup
 * counts keyspace hits and misses, a write lookup does not), the movable-key extractors, and the
 * reply shape of a run of elements (member and score side by side in RESP2, a pair per element in
 * RESP3, scores as doubles).
 */
import type { ReplyWriter } from "../../../resp/writer.ts";
import { SortedSet, type TreeCursor } from "../../../store/types/sorted-set.ts";
import type { CommandContext } from "../../command.ts";
import { ERR_WRONGTYPE, ReplyError } from "../../errors.ts";
import { NOTIFY_GENERIC, NOTIFY_ZSET } from "../../notifications.ts";

/** Redis's `lookupKeyRead` + `checkType`: the sorted set at `key`, undefined when absent. */
export function readZset(ctx: CommandContext, key: string): SortedSet | undefined {
  const value = ctx.server.lookupRead(ctx.db, key);
  if (value === undefined || value instanceof SortedSet) return value;
  throw new ReplyError(ERR_WRONGTYPE);
}

/** Redis's `lookupKeyWrite` + `checkType` (no hit/miss statistics). */
export function writeZset(ctx: CommandContext, key: string): SortedSet | undefined {
  const value = ctx.db.get(key);
  if (value === undefined) return undefined;
  if (!(value instanceof SortedSet)) throw new ReplyError(ERR_WRONGTYPE);
  return value;
}

/**
 * After members were removed from the set at `key`: announces `event` (`zrem`, `zremrangebyrank`...),
 * then removes the key, announced as `del`, when the set is empty (Redis never keeps an empty
 * collection).
 */
export function membersRemoved(ctx: CommandContext, key: string, zset: SortedSet, event: string): void {
  ctx.db.keyChanged(key, event, NOTIFY_ZSET);
  if (zset.size !== 0) return;
  ctx.db.delete(key);
  ctx.db.keyChanged(key, "del", NOTIFY_GENERIC);
}

/** The array header for `count` elements, with or without scores. */
export function elementsHeader(reply: ReplyWriter, count: number, withScores: boolean): void {
  reply.array(withScores && reply.protocol === 2 ? count * 2 : count);
}

/** One element: the member, and with scores its score (a pair of its own in RESP3). */
export function element(reply: ReplyWriter, member: string, score: number, withScores: boolean): void {
  if (!withScores) {
    reply.bulk(member);
    return;
  }
  if (reply.protocol === 3) reply.array(2);
  reply.bulk(member);
  reply.double(score);
}

/** Writes `count` elements walking from `cursor` forwards (or backwards when `reverse`). */
export function elementsFrom(reply: ReplyWriter, cursor: TreeCursor, count: number, reverse: boolean, withScores: boolean): void {
  elementsHeader(reply, count, withScores);
  for (let i = 0; i < count && cursor.valid; i++) {
    element(reply, cursor.member, cursor.score, withScores);
    cursor.step(reverse);
  }
}

/** C's `atoi`, which Redis's key extractors use for numkeys: leading digits, 0 when none. */
function atoi(text: string): number {
  const match = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * Key indexes of a command whose keys follow a numkeys argument at `numkeysIndex` (ZUNION,
 * ZMPOP, ...); `before` is a key position ahead of numkeys (ZUNIONSTORE's destination), or 0.
 * None when numkeys is out of range, as Redis's extractors answer.
 */
export function numkeysKeys(args: readonly string[], numkeysIndex: number, before: number): number[] {
  const count = atoi(args[numkeysIndex] ?? "");
  const first = numkeysIndex + 1;
  if (count < 1 || count > args.length - first) return [];
  const keys: number[] = before > 0 ? [before] : [];
  for (let i = 0; i < count; i++) keys.push(first + i);
  return keys;
}
