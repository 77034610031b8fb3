/**
 * @module
 * Changing who has a pending entry: XCLAIM (given ids) and XAUTOCLAIM (a scan of the group's PEL
 * from a cursor). Both hand on to persistence an XCLAIM ... FORCE JUSTID per entry they changed,
 * as Redis's streamPropagateXCLAIM, never themselves; pending entries whose stream entry was
 * deleted are dropped from the PEL on the way.
 */
import type { ReplyWriter } from "../../../resp/writer.ts";
import type { Db } from "../../../store/keyspace.ts";
import type { Stream } from "../../../store/types/stream.ts";
import { type Consumer, type ConsumerGroup, PendingEntry } from "../../../store/types/stream-group.ts";
import { compareIds, formatId, nextId, parseStreamId, type StreamId, type U64 } from "../../../store/types/stream-id.ts";
import { toInteger } from "../../arguments.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import {
  ERR_NOGROUP_KEY_OR_GROUP, ERR_SYNTAX, ERR_XAUTOCLAIM_COUNT, ERR_XAUTOCLAIM_MIN_IDLE, ERR_XCLAIM_IDLE, ERR_XCLAIM_MIN_IDLE, ERR_XCLAIM_OPTION,
  ERR_XCLAIM_RETRYCOUNT, ERR_XCLAIM_TIME, ReplyError,
} from "../../errors.ts";
import type { Server } from "../../server.ts";
import { claimEffect, longLong, notifyStream, parseRangeBound, parseStrictId, readStream, setIdEffect, writeOneEntry } from "./helpers.ts";

/** The stream and group a claim works on: NOGROUP when either is missing. */
function streamAndGroup(ctx: CommandContext, args: readonly string[]): [Stream, ConsumerGroup] {
  const stream = readStream(ctx, args[1]!);
  const group = stream?.groups?.get(args[2]!);
  if (stream === undefined || group === undefined) throw new ReplyError(ERR_NOGROUP_KEY_OR_GROUP(args[1]!, args[2]!));
  return [stream, group];
}

/** The claiming consumer: looked up (its seen time refreshed) or created (and announced). */
function claimer(server: Server, db: Db, key: string, group: ConsumerGroup, name: string): Consumer {
  const now = server.clock.now();
  const consumer = group.consumers.get(name);
  if (consumer !== undefined) {
    consumer.seenTime = now;
    return consumer;
  }
  const created = group.createConsumer(name, now)!;
  notifyStream(server, db, key, "xgroup-createconsumer");
  return created;
}

/** Gives `pending` to `consumer` (moving it between consumer PELs when it changes hands). */
function transfer(pending: PendingEntry, consumer: Consumer): void {
  if (pending.consumer === consumer) return;
  pending.consumer?.pel.delete(pending.ms, pending.seq);
  consumer.pel.insert(pending);
  pending.consumer = consumer;
}

/** Drops a pending entry whose stream entry is gone, handing the change on first (as Redis). */
function dropPending(ctx: CommandContext, key: string, group: ConsumerGroup, pending: PendingEntry): void {
  const { server, db } = ctx;
  if (server.propagation.active) server.propagation.also(db.id, claimEffect(key, group, pending));
  server.dirty++;
  group.pel.delete(pending.ms, pending.seq);
  pending.consumer?.pel.delete(pending.ms, pending.seq);
}

/** Writes the claimed entries: their ids (JUSTID) or the entries themselves. */
function writeClaimed(reply: ReplyWriter, stream: Stream, claimed: readonly PendingEntry[], justId: boolean): void {
  reply.array(claimed.length);
  for (const pending of claimed) {
    if (justId) reply.bulk(formatId(pending.ms, pending.seq));
    else writeOneEntry(reply, stream, pending.ms, pending.seq);
  }
}

/**
 * XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-ms]
 * [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID lastid] — O(log N) per id. Gives the pending
 * entries idle for at least min-idle-time to `consumer`; replies them (or their ids).
 */
export const XCLAIM = {
  name: "xclaim",
  arity: -6,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "stream", "fast"],
  run(ctx, args) {
    const { server, db, reply } = ctx;
    const key = args[1]!;
    const [stream, group] = streamAndGroup(ctx, args);
    const minIdle = Math.max(0, longLong(args[4]!, ERR_XCLAIM_MIN_IDLE));
    // Ids come first; the first argument that is not an id starts the options.
    const ids: StreamId[] = [];
    let i = 5;
    for (; i < args.length; i++) {
      const id = parseStreamId(args[i]!, 0, true);
      if (id === undefined) break;
      ids.push(id);
    }
    const now = server.clock.now();
    let deliveryTime = -1;
    let retryCount = -1;
    let force = false;
    let justId = false;
    let lastId: StreamId = { ms: 0, seq: 0 };
    for (; i < args.length; i++) {
      const more = args.length - 1 - i;
      const option = args[i]!.toLowerCase();
      if (option === "force") force = true;
      else if (option === "justid") justId = true;
      else if (option === "idle" && more > 0) deliveryTime = now - longLong(args[++i]!, ERR_XCLAIM_IDLE);
      else if (option === "time" && more > 0) deliveryTime = longLong(args[++i]!, ERR_XCLAIM_TIME);
      else if (option === "retrycount" && more > 0) retryCount = longLong(args[++i]!, ERR_XCLAIM_RETRYCOUNT);
      else if (option === "lastid" && more > 0) lastId = parseStrictId(args[++i]!);
      else throw new ReplyError(ERR_XCLAIM_OPTION(args[i]!));
    }
    server.propagation.prevent();
    let propagateLastId = false;
    if (compareIds(lastId.ms, lastId.seq, group.lastMs, group.lastSeq) > 0) {
      group.lastMs = lastId.ms;
      group.lastSeq = lastId.seq;
      propagateLastId = true;
    }
    // A time in the future or before the epoch is taken as now, rather than refused.
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
    const claimed: PendingEntry[] = [];
    let consumer: Consumer | undefined;
    const propagate = server.propagation.active;
    for (const { ms, seq } of ids) {
      let pending = group.pel.get(ms, seq);
      if (!stream.has(ms, seq)) {
        if (pending !== undefined) {
          dropPending(ctx, key, group, pending);
          propagateLastId = false;
        }
        continue;
      }
      if (force && pending === undefined) {
        // FORCE makes a pending entry for an entry nobody had: how AOF and replicas rebuild PELs.
        pending = new PendingEntry(ms, seq, undefined, now, 1);
        group.pel.insert(pending);
      }
      if (pending === undefined) continue;
      if (pending.consumer !== undefined && minIdle !== 0 && now - pending.deliveryTime < minIdle) continue;
      consumer ??= claimer(server, db, key, group, args[3]!);
      transfer(pending, consumer);
      pending.deliveryTime = deliveryTime;
      if (retryCount >= 0) pending.deliveryCount = retryCount;
      else if (!justId) pending.deliveryCount++;
      claimed.push(pending);
      if (propagate) server.propagation.also(db.id, claimEffect(key, group, pending));
      propagateLastId = false;
      server.dirty++;
    }
    if (propagateLastId) {
      if (propagate) server.propagation.also(db.id, setIdEffect(key, group));
      server.dirty++;
    }
    writeClaimed(reply, stream, claimed, justId);
  },
} satisfies CommandSpec;

/**
 * XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] — O(1) for a small
 * COUNT. Claims up to COUNT (100) entries idle for at least min-idle-time, scanning the PEL from
 * `start` (at most 10 × COUNT entries looked at); replies [next cursor, claimed, ids dropped
 * because their entries were deleted].
 */
export const XAUTOCLAIM = {
  name: "xautoclaim",
  arity: -6,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "stream", "fast"],
  run(ctx, args) {
    const { server, db, reply } = ctx;
    const key = args[1]!;
    const minIdle = Math.max(0, longLong(args[4]!, ERR_XAUTOCLAIM_MIN_IDLE));
    const start = parseRangeBound(args[5]!, 0, true);
    let count = 100;
    let justId = false;
    for (let i = 6; i < args.length; i++) {
      const option = args[i]!.toLowerCase();
      if (option === "count" && i + 1 < args.length) {
        const value = toInteger(args[++i]!);
        if (value === undefined || value < 1) throw new ReplyError(ERR_XAUTOCLAIM_COUNT);
        count = value;
      } else if (option === "justid") justId = true;
      else throw new ReplyError(ERR_SYNTAX);
    }
    const [stream, group] = streamAndGroup(ctx, args);
    server.propagation.prevent();
    const now = server.clock.now();
    const propagate = server.propagation.active;
    const claimed: PendingEntry[] = [];
    const deleted: PendingEntry[] = [];
    let consumer: Consumer | undefined;
    let attempts = count * 10;
    let atMs: U64 = start.ms;
    let atSeq: U64 = start.seq;
    let exhausted = false;
    while (attempts-- > 0 && count > 0) {
      const pending = group.pel.at(group.pel.seek(atMs, atSeq));
      if (pending === undefined) {
        exhausted = true;
        break;
      }
      const after = nextId(pending.ms, pending.seq);
      if (after === undefined) exhausted = true;
      else {
        atMs = after.ms;
        atSeq = after.seq;
      }
      if (!stream.has(pending.ms, pending.seq)) {
        dropPending(ctx, key, group, pending);
        deleted.push(pending);
        // Redis 7.0.15 counts these against COUNT too: they are part of the reply.
        count--;
      } else if (minIdle === 0 || now - pending.deliveryTime >= minIdle) {
        consumer ??= claimer(server, db, key, group, args[3]!);
        transfer(pending, consumer);
        pending.deliveryTime = now;
        if (!justId) pending.deliveryCount++;
        claimed.push(pending);
        count--;
        if (propagate) server.propagation.also(db.id, claimEffect(key, group, pending));
        server.dirty++;
      }
      if (exhausted) break;
    }
    // The cursor: the next pending entry after the last one looked at, 0-0 at the end.
    const next = exhausted ? undefined : group.pel.at(group.pel.seek(atMs, atSeq));
    reply.array(3);
    reply.bulk(next === undefined ? "0-0" : formatId(next.ms, next.seq));
    writeClaimed(reply, stream, claimed, justId);
    reply.array(deleted.length);
    for (const pending of deleted) reply.bulk(formatId(pending.ms, pending.seq));
  },
} satisfies CommandSpec;
