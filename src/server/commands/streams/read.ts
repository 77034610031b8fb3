/**
 * @module
 * XREAD and XREADGROUP (one implementation, as Redis's xreadCommand), with BLOCK.
 *
 * A call first answers from every stream that has something for it: entries after the given id
 * (XREAD), new entries for the group (`>`), or the consumer's own pending entries (an explicit id:
 * its history). The reply is a map from key to entries (an array of [key, entries] pairs in
 * RESP2). When no stream answers and BLOCK was given, the client waits (blocking.ts) on all the
 * keys; the first key to get an entry above its id (`$` meant the last id at call time; `>` the
 * group's last delivered id at serving time) answers it, with COUNT or 1000 entries at most.
 *
 * Group reads keep the group's state as Redis does (last delivered id, read counter, PELs,
 * delivery counts and times, consumers created on first read) and hand on to persistence what
 * they changed, never themselves: an XCLAIM per delivered entry, `XGROUP SETID ... ENTRIESREAD`
 * after a NOACK read, `XGROUP CREATECONSUMER` for a consumer a NOACK read created.
 */
import type { ReplyWriter } from "../../../resp/writer.ts";
import type { Db } from "../../../store/keyspace.ts";
import { Stream, type StreamNode } from "../../../store/types/stream.ts";
import { type Consumer, type ConsumerGroup, PendingEntry } from "../../../store/types/stream-group.ts";
import { compareIds, formatId, nextId, parseStreamId, type U64, U64_MAX } from "../../../store/types/stream-id.ts";
import { NO_KEYS, type CommandContext, type CommandSpec } from "../../command.ts";
import {
  ERR_STREAM_ID_INVALID, ERR_STREAM_TIMEOUT_NOT_INTEGER, ERR_SYNTAX, ERR_TIMEOUT_NEGATIVE, ERR_XREAD_BLOCK_IN_SCRIPT,
  ERR_XREAD_GREATER_ID, ERR_XREAD_GROUP_OPTION, ERR_XREAD_NOACK_OPTION, ERR_XREAD_UNBALANCED, ERR_XREADGROUP_DOLLAR, ERR_XREADGROUP_GROUP_GONE,
  ERR_XREADGROUP_KEY_GONE, ERR_XREADGROUP_NO_GROUP, ERR_XREADGROUP_NOGROUP, ReplyError,
} from "../../errors.ts";
import type { Server } from "../../server.ts";
import { claimEffect, longLong, notifyStream, readStream, setIdEffect, writeEntry } from "./helpers.ts";

/** Redis's XREAD_BLOCKED_DEFAULT_COUNT: what a blocked read without COUNT gets at most. */
const BLOCKED_DEFAULT_COUNT = 1000;

/** What one stream gave a read: entries (`node` undefined for a pending id whose entry is gone). */
interface Served {
  readonly key: string;
  readonly ms: U64[];
  readonly seq: U64[];
  readonly nodes: (StreamNode | undefined)[];
  readonly indexes: number[];
}

/** A group read's context: which group and consumer, and what to hand on. */
interface GroupRead {
  readonly groupName: string;
  readonly consumerName: string;
  readonly noack: boolean;
}

/** An empty `Served` for `key`. */
function newServed(key: string): Served {
  return { key, ms: [], seq: [], nodes: [], indexes: [] };
}

/** XREAD's and XREADGROUP's arguments once parsed. */
interface ReadArguments {
  /** BLOCK in ms (0: forever); -1 without BLOCK. */
  timeoutMs: number;
  count: number;
  group: GroupRead | undefined;
  /** Index of the first key. */
  keysFrom: number;
  streams: number;
}

/** The options before STREAMS, in Redis's order of checks. */
function parseOptions(ctx: CommandContext, args: readonly string[], xreadgroup: boolean): ReadArguments {
  let timeoutMs = -1;
  let count = 0;
  let keysFrom = 0;
  let streams = 0;
  let groupName: string | undefined;
  let consumerName = "";
  let noack = false;
  for (let i = 1; i < args.length; i++) {
    const more = args.length - i - 1;
    const option = args[i]!.toLowerCase();
    if (option === "block" && more > 0) {
      if (ctx.server.scripting.engine.running) throw new ReplyError(ERR_XREAD_BLOCK_IN_SCRIPT(args[0]!));
      i++;
      const value = longLong(args[i]!, ERR_STREAM_TIMEOUT_NOT_INTEGER);
      if (value < 0) throw new ReplyError(ERR_TIMEOUT_NEGATIVE);
      timeoutMs = value;
    } else if (option === "count" && more > 0) {
      i++;
      const value = longLong(args[i]!);
      count = value < 0 ? 0 : value;
    } else if (option === "streams" && more > 0) {
      keysFrom = i + 1;
      streams = args.length - keysFrom;
      if (streams % 2 !== 0) throw new ReplyError(ERR_XREAD_UNBALANCED);
      streams /= 2;
      break;
    } else if (option === "group" && more >= 2) {
      if (!xreadgroup) throw new ReplyError(ERR_XREAD_GROUP_OPTION);
      groupName = args[i + 1]!;
      consumerName = args[i + 2]!;
      i += 2;
    } else if (option === "noack") {
      if (!xreadgroup) throw new ReplyError(ERR_XREAD_NOACK_OPTION);
      noack = true;
    } else throw new ReplyError(ERR_SYNTAX);
  }
  if (keysFrom === 0) throw new ReplyError(ERR_SYNTAX);
  if (xreadgroup && groupName === undefined) throw new ReplyError(ERR_XREADGROUP_NO_GROUP);
  return { timeoutMs, count, keysFrom, streams, group: groupName === undefined ? undefined : { groupName, consumerName, noack } };
}

/** The consumer of a group read, created (and announced) on first use; its seen time refreshed. */
function groupConsumer(server: Server, db: Db, key: string, group: ConsumerGroup, read: GroupRead): Consumer {
  const now = server.clock.now();
  let consumer = group.consumers.get(read.consumerName);
  if (consumer !== undefined) {
    consumer.seenTime = now;
    return consumer;
  }
  consumer = group.createConsumer(read.consumerName, now)!;
  notifyStream(server, db, key, "xgroup-createconsumer");
  if (read.noack && server.propagation.active) server.propagation.also(db.id, ["XGROUP", "CREATECONSUMER", key, group.name, consumer.name]);
  return consumer;
}

/**
 * Delivers to `consumer` of `group` the entries of `stream` after id `after`, at most `count`
 * (0: all), into `served`: Redis's streamReplyWithRange with a group. Moves the group's last
 * delivered id and read counter, records (or reassigns) pending entries unless NOACK, and hands
 * each delivery on as an XCLAIM.
 */
function deliver(server: Server, db: Db, stream: Stream, group: ConsumerGroup, consumer: Consumer, read: GroupRead, afterMs: U64, afterSeq: U64, count: number, served: Served): void {
  const start = nextId(afterMs, afterSeq) ?? { ms: 0, seq: 0 };
  const iterator = stream.iterate(start.ms, start.seq, U64_MAX, U64_MAX);
  const now = server.clock.now();
  const propagate = server.propagation.active;
  let movedLastId = false;
  while ((count === 0 || served.nodes.length < count) && iterator.next()) {
    const ms = iterator.ms;
    const seq = iterator.seq;
    if (compareIds(ms, seq, group.lastMs, group.lastSeq) > 0) {
      stream.advanceGroup(group, ms, seq);
      if (read.noack) movedLastId = true;
    }
    served.ms.push(ms);
    served.seq.push(seq);
    served.nodes.push(iterator.node);
    served.indexes.push(iterator.index);
    if (read.noack) continue;
    let pending = group.pel.get(ms, seq);
    if (pending === undefined) {
      pending = new PendingEntry(ms, seq, consumer, now, 1);
      group.pel.insert(pending);
      consumer.pel.insert(pending);
    } else {
      // XGROUP SETID can make a group deliver again what another consumer has: it changes hands.
      pending.consumer?.pel.delete(ms, seq);
      pending.consumer = consumer;
      pending.deliveryTime = now;
      pending.deliveryCount = 1;
      consumer.pel.insert(pending);
    }
    if (propagate) server.propagation.also(db.id, claimEffect(served.key, group, pending));
  }
  if (movedLastId && propagate) server.propagation.also(db.id, setIdEffect(served.key, group));
}

/**
 * A consumer's history (an explicit id in XREADGROUP): its pending entries after id `after`, at
 * most `count`; each counts as delivered again. Entries since deleted come as [id, null].
 */
function history(server: Server, stream: Stream, consumer: Consumer, afterMs: U64, afterSeq: U64, count: number, served: Served): void {
  const start = nextId(afterMs, afterSeq) ?? { ms: 0, seq: 0 };
  const pel = consumer.pel;
  const now = server.clock.now();
  for (const cursor = pel.seek(start.ms, start.seq); count === 0 || served.ms.length < count; pel.advance(cursor)) {
    const pending = pel.at(cursor);
    if (pending === undefined) break;
    served.ms.push(pending.ms);
    served.seq.push(pending.seq);
    const found = stream.find(pending.ms, pending.seq);
    if (found === undefined) {
      served.nodes.push(undefined);
      served.indexes.push(0);
    } else {
      served.nodes.push(stream.nodes[found[0]]);
      served.indexes.push(found[1]);
      pending.deliveryTime = now;
      pending.deliveryCount++;
    }
  }
}

/** Writes the entries one stream gave (an array; a gone entry as [id, null array]). */
function writeServed(reply: ReplyWriter, served: Served): void {
  reply.array(served.nodes.length);
  for (let i = 0; i < served.nodes.length; i++) {
    const node = served.nodes[i];
    if (node !== undefined) writeEntry(reply, node, served.indexes[i]!);
    else {
      reply.array(2);
      reply.bulk(formatId(served.ms[i]!, served.seq[i]!));
      reply.nullArray();
    }
  }
}

/** XREAD/XREADGROUP (Redis's xreadCommand). */
function xread(ctx: CommandContext, args: string[], xreadgroup: boolean): void {
  const { server, db, reply } = ctx;
  const parsed = parseOptions(ctx, args, xreadgroup);
  const { keysFrom, streams, group: read, count } = parsed;
  // Group reads are handed on as their effects (XCLAIM...), never as themselves.
  if (xreadgroup) server.propagation.prevent();
  const idsMs: U64[] = [];
  const idsSeq: U64[] = [];
  const groups: (ConsumerGroup | undefined)[] = [];
  for (let i = 0; i < streams; i++) {
    const key = args[keysFrom + i]!;
    const text = args[keysFrom + streams + i]!;
    const stream = readStream(ctx, key);
    let group: ConsumerGroup | undefined;
    if (read !== undefined) {
      group = stream?.groups?.get(read.groupName);
      if (group === undefined) throw new ReplyError(ERR_XREADGROUP_NOGROUP(key, read.groupName));
    }
    groups.push(group);
    if (text === "$") {
      if (xreadgroup) throw new ReplyError(ERR_XREADGROUP_DOLLAR);
      idsMs.push(stream?.lastMs ?? 0);
      idsSeq.push(stream?.lastSeq ?? 0);
    } else if (text === ">") {
      if (!xreadgroup) throw new ReplyError(ERR_XREAD_GREATER_ID);
      // As in Redis, the largest id stands for `>` (and an explicit largest id reads as `>`).
      idsMs.push(U64_MAX);
      idsSeq.push(U64_MAX);
    } else {
      const id = parseStreamId(text, 0, true);
      if (id === undefined) throw new ReplyError(ERR_STREAM_ID_INVALID);
      idsMs.push(id.ms);
      idsSeq.push(id.seq);
    }
  }
  const results: Served[] = [];
  for (let i = 0; i < streams; i++) {
    const key = args[keysFrom + i]!;
    const stream = readStream(ctx, key);
    if (stream === undefined) continue;
    let afterMs = idsMs[i]!;
    let afterSeq = idsSeq[i]!;
    const group = groups[i];
    if (group !== undefined) {
      const fresh = afterMs === U64_MAX && afterSeq === U64_MAX;
      if (fresh) {
        if (stream.length === 0) continue;
        const top = stream.lastValidId()!;
        if (compareIds(top.ms, top.seq, group.lastMs, group.lastSeq) <= 0) continue;
        afterMs = group.lastMs;
        afterSeq = group.lastSeq;
      }
      const consumer = groupConsumer(server, db, key, group, read!);
      const served = newServed(key);
      if (fresh) deliver(server, db, stream, group, consumer, read!, afterMs, afterSeq, count, served);
      else history(server, stream, consumer, afterMs, afterSeq, count, served);
      server.dirty++;
      results.push(served);
    } else {
      if (stream.length === 0) continue;
      const top = stream.lastValidId()!;
      if (compareIds(top.ms, top.seq, afterMs, afterSeq) <= 0) continue;
      const served = newServed(key);
      const start = nextId(afterMs, afterSeq) ?? { ms: 0, seq: 0 };
      const iterator = stream.iterate(start.ms, start.seq, U64_MAX, U64_MAX);
      while ((count === 0 || served.nodes.length < count) && iterator.next()) {
        served.ms.push(iterator.ms);
        served.seq.push(iterator.seq);
        served.nodes.push(iterator.node);
        served.indexes.push(iterator.index);
      }
      results.push(served);
    }
  }
  if (results.length !== 0) {
    // A map from key to entries in RESP3; an array of [key, entries] pairs in RESP2.
    if (reply.protocol === 2) reply.array(results.length);
    else reply.map(results.length);
    for (const served of results) {
      if (reply.protocol === 2) reply.array(2);
      reply.bulk(served.key);
      writeServed(reply, served);
    }
    return;
  }
  if (parsed.timeoutMs === -1 || ctx.client.denyBlocking) return reply.nullArray();
  block(ctx, args, parsed, idsMs, idsSeq);
}

/** Parks the client until one of the keys can answer it (see the module doc). */
function block(ctx: CommandContext, args: readonly string[], parsed: ReadArguments, idsMs: U64[], idsSeq: U64[]): void {
  const { server } = ctx;
  const { keysFrom, streams, group: read } = parsed;
  const count = parsed.count !== 0 ? parsed.count : BLOCKED_DEFAULT_COUNT;
  // A key named twice waits for the id given first, as in Redis.
  const after = new Map<string, [U64, U64]>();
  for (let i = 0; i < streams; i++) {
    const key = args[keysFrom + i]!;
    if (!after.has(key)) after.set(key, [idsMs[i]!, idsSeq[i]!]);
  }
  server.blocking.block(ctx, {
    keys: [...after.keys()],
    timeoutMs: parsed.timeoutMs,
    serve(db, key, reply) {
      const value = db.get(key);
      if (!(value instanceof Stream)) {
        // A group read depends on the key (and group) existing: it ends with an error.
        if (read !== undefined) throw new ReplyError(ERR_XREADGROUP_KEY_GONE);
        return false;
      }
      const position = after.get(key)!;
      let group: ConsumerGroup | undefined;
      if (read !== undefined) {
        group = value.groups?.get(read.groupName);
        if (group === undefined) throw new ReplyError(ERR_XREADGROUP_GROUP_GONE);
        position[0] = group.lastMs;
        position[1] = group.lastSeq;
      }
      if (compareIds(value.lastMs, value.lastSeq, position[0], position[1]) <= 0) return false;
      const propagation = server.propagation;
      if (propagation.active) propagation.begin();
      const served = newServed(key);
      if (group !== undefined) {
        const consumer = groupConsumer(server, db, key, group, read!);
        deliver(server, db, value, group, consumer, read!, position[0], position[1], count, served);
      } else {
        const start = nextId(position[0], position[1]) ?? { ms: 0, seq: 0 };
        const iterator = value.iterate(start.ms, start.seq, U64_MAX, U64_MAX);
        while (served.nodes.length < count && iterator.next()) {
          served.ms.push(iterator.ms);
          served.seq.push(iterator.seq);
          served.nodes.push(iterator.node);
          served.indexes.push(iterator.index);
        }
      }
      if (propagation.active) propagation.end(db.id, [], false);
      if (reply.protocol === 2) {
        reply.array(1);
        reply.array(2);
      } else reply.map(1);
      reply.bulk(key);
      writeServed(reply, served);
      return true;
    },
  });
}

/** The keys of XREAD/XREADGROUP: the first half of what follows STREAMS (Redis's xreadGetKeys). */
function streamKeys(args: readonly string[]): number[] {
  let streamsAt = -1;
  for (let i = 1; i < args.length; i++) {
    const option = args[i]!.toLowerCase();
    if (option === "block" || option === "count") i++;
    else if (option === "group") i += 2;
    else if (option === "noack") continue;
    else if (option === "streams") {
      streamsAt = i;
      break;
    } else break;
  }
  const rest = args.length - streamsAt - 1;
  if (streamsAt === -1 || rest === 0 || rest % 2 !== 0) return [];
  const keys: number[] = [];
  for (let i = streamsAt + 1; i < args.length - rest / 2; i++) keys.push(i);
  return keys;
}

/**
 * XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...] — O(M) in the entries
 * returned. Entries after each id (`$`: from now on), waiting up to BLOCK ms for some.
 */
export const XREAD = {
  name: "xread",
  arity: -4,
  flags: ["readonly", "blocking", "movablekeys"],
  keys: NO_KEYS,
  categories: ["read", "stream", "slow", "blocking"],
  keyIndexes: streamKeys,
  run(ctx, args) {
    xread(ctx, args, false);
  },
} satisfies CommandSpec;

/**
 * XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK] STREAMS key [key ...]
 * id [id ...] — O(M) in the entries returned. New entries for the group (`>`) or the consumer's
 * pending ones (an id), waiting up to BLOCK ms for new ones.
 */
export const XREADGROUP = {
  name: "xreadgroup",
  arity: -7,
  flags: ["write", "blocking", "movablekeys"],
  keys: NO_KEYS,
  categories: ["write", "stream", "slow", "blocking"],
  keyIndexes: streamKeys,
  run(ctx, args) {
    xread(ctx, args, true);
  },
} satisfies CommandSpec;
