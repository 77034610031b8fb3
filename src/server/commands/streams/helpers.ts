/**
 * @module
 * What the stream commands share: the two key lookups (a read lookup counts keyspace hits and
 * misses, a write lookup does not; both answer WRONGTYPE for another type), integer and id
 * arguments with Redis's exact rules and errors, writing entries as Redis does (`[id, [field,
 * value, ...]]`), how group changes are handed on to persistence, and announcing a change the way
 * each command does in Redis (some touch WATCHed keys, some only notify and count as a change).
 */
import type { ReplyWriter } from "../../../resp/writer.ts";
import type { Db } from "../../../store/keyspace.ts";
import { type Counter, Stream, type StreamNode } from "../../../store/types/stream.ts";
import type { ConsumerGroup, PendingEntry } from "../../../store/types/stream-group.ts";
import { formatId, nextId, parseStreamId, previousId, type StreamId, type U64 } from "../../../store/types/stream-id.ts";
import { toBigInteger, toInteger } from "../../arguments.ts";
import type { CommandContext } from "../../command.ts";
import { ERR_NOT_INTEGER, ERR_STREAM_ID_INVALID, ERR_STREAM_INVALID_END, ERR_STREAM_INVALID_START, ERR_WRONGTYPE, ReplyError } from "../../errors.ts";
import { NOTIFY_STREAM } from "../../notifications.ts";
import type { Server } from "../../server.ts";

/** The stream at `key` for a read command: counted as a keyspace hit or miss. */
export function readStream(ctx: CommandContext, key: string): Stream | undefined {
  const value = ctx.server.lookupRead(ctx.db, key);
  if (value === undefined || value instanceof Stream) return value;
  throw new ReplyError(ERR_WRONGTYPE);
}

/** The stream at `key` of `db` for a write command (no hit/miss statistics). */
export function writableStream(db: Db, key: string): Stream | undefined {
  const value = db.get(key);
  if (value === undefined || value instanceof Stream) return value;
  throw new ReplyError(ERR_WRONGTYPE);
}

/**
 * A 64-bit integer argument (Redis's getLongLongFromObjectOrReply), or the ReplyError `error`.
 * Exact within ±2^53 (counts, lengths, times); `exactLongLong` for counters that may go beyond.
 */
export function longLong(text: string, error = ERR_NOT_INTEGER): number {
  // Fast path: up to 15 digits without a leading zero, which string2ll takes as they are.
  const length = text.length;
  let c = text.charCodeAt(0);
  if (length <= 15 && c >= 49 && c <= 57) {
    let value = c - 48;
    let i = 1;
    for (; i < length; i++) {
      c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
    }
    if (i === length) return value;
  }
  const value = toInteger(text);
  if (value === undefined) throw new ReplyError(error);
  return value;
}

/** A 64-bit integer argument kept exact (a bigint beyond ±2^53), or the ReplyError `error`. */
export function exactLongLong(text: string, error = ERR_NOT_INTEGER): Counter {
  const value = toInteger(text);
  if (value === undefined) throw new ReplyError(error);
  return Number.isSafeInteger(value) ? value : toBigInteger(text)!;
}

/** An id argument (`-` and `+` allowed), the sequence defaulting to `missingSeq`. */
export function parseId(text: string, missingSeq: U64 = 0): StreamId {
  const id = parseStreamId(text, missingSeq, false);
  if (id === undefined) throw new ReplyError(ERR_STREAM_ID_INVALID);
  return id;
}

/** An id argument where `-` and `+` mean nothing (Redis's streamParseStrictIDOrReply). */
export function parseStrictId(text: string, missingSeq: U64 = 0): StreamId {
  const id = parseStreamId(text, missingSeq, true);
  if (id === undefined) throw new ReplyError(ERR_STREAM_ID_INVALID);
  return id;
}

/**
 * A range bound (XRANGE, XPENDING, XAUTOCLAIM): an id, or `(id` for an exclusive bound, which is
 * turned into the inclusive id after it (a start) or before it (an end). Redis's
 * streamParseIntervalIDOrReply plus the increment or decrement, with its errors.
 */
export function parseRangeBound(text: string, missingSeq: U64, isStart: boolean): StreamId {
  const exclusive = text.length > 1 && text.charCodeAt(0) === 40;
  if (!exclusive) return parseId(text, missingSeq);
  const id = parseStrictId(text.slice(1), missingSeq);
  const moved = isStart ? nextId(id.ms, id.seq) : previousId(id.ms, id.seq);
  if (moved === undefined) throw new ReplyError(isStart ? ERR_STREAM_INVALID_START : ERR_STREAM_INVALID_END);
  return moved;
}

/** Writes entry `index` of `node`: `[id, [field, value, ...]]`. */
export function writeEntry(reply: ReplyWriter, node: StreamNode, index: number): void {
  reply.array(2);
  reply.bulk(formatId(node.ms[index]!, node.seq[index]!));
  const items = node.items;
  const start = node.bounds[index]!;
  const end = node.bounds[index + 1]!;
  reply.array(end - start);
  for (let i = start; i < end; i++) reply.bulk(items[i]!);
}

/**
 * Writes the live entries from `start` to `end` (backwards when `reverse`), at most `count` of them
 * (0: all), as an array; returns how many. Redis's streamReplyWithRange without a group.
 */
export function writeRange(reply: ReplyWriter, stream: Stream, start: StreamId, end: StreamId, count: number, reverse: boolean): number {
  const iterator = stream.iterate(start.ms, start.seq, end.ms, end.seq, reverse);
  // The reply's length comes first: gather the positions, then write.
  const nodes: StreamNode[] = [];
  const indexes: number[] = [];
  while ((count === 0 || nodes.length < count) && iterator.next()) {
    nodes.push(iterator.node);
    indexes.push(iterator.index);
  }
  reply.array(nodes.length);
  for (let i = 0; i < nodes.length; i++) writeEntry(reply, nodes[i]!, indexes[i]!);
  return nodes.length;
}

/** Writes the live entry (ms, seq) alone (no array around it); false when it does not exist. */
export function writeOneEntry(reply: ReplyWriter, stream: Stream, ms: U64, seq: U64): boolean {
  const found = stream.find(ms, seq);
  if (!found) return false;
  writeEntry(reply, stream.nodes[found[0]]!, found[1]);
  return true;
}

/**
 * A stream command changed `key` without Redis's signalModifiedKey (consumer group state: XACK,
 * XCLAIM, XREADGROUP, XSETID...): the `event` notification (class t), counted as a change, but
 * WATCH is not disturbed, as in Redis.
 */
export function notifyStream(server: Server, db: Db, key: string, event: string): void {
  if (server.notifyFlags !== 0) server.notifyKeyspaceEvent(db, key, event, NOTIFY_STREAM);
  server.dirty++;
}

/** How a delivery or claim is handed on (Redis's streamPropagateXCLAIM). */
export function claimEffect(key: string, group: ConsumerGroup, pending: PendingEntry): string[] {
  return [
    "XCLAIM", key, group.name, pending.consumer!.name, "0", formatId(pending.ms, pending.seq), "TIME", String(pending.deliveryTime),
    "RETRYCOUNT", String(pending.deliveryCount), "FORCE", "JUSTID", "LASTID", formatId(group.lastMs, group.lastSeq),
  ];
}

/** How a group's new last id is handed on (Redis's streamPropagateGroupID). */
export function setIdEffect(key: string, group: ConsumerGroup): string[] {
  return ["XGROUP", "SETID", key, group.name, formatId(group.lastMs, group.lastSeq), "ENTRIESREAD", String(group.entriesRead)];
}
