/**
 * @module
 * The pending entries list (PEL) of a consumer group: XACK removes entries from it, XPENDING shows
 * it (a summary, or entries in an id range with their consumer, idle time and delivery count).
 */
import { formatId, type StreamId, U64_MAX } from "../../../store/types/stream-id.ts";
import { FIRST_KEY, type CommandSpec } from "../../command.ts";
import { ERR_NOGROUP_KEY_OR_GROUP, ERR_SYNTAX, ReplyError } from "../../errors.ts";
import { longLong, parseRangeBound, parseStrictId, readStream } from "./helpers.ts";

/**
 * XACK key group id [id ...] — O(1) per id. Removes the ids from the group's pending entries;
 * replies how many were pending (0 for no key or group).
 */
export const XACK = {
  name: "xack",
  arity: -4,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "stream", "fast"],
  run(ctx, args) {
    const { reply, server } = ctx;
    const group = readStream(ctx, args[1]!)?.groups?.get(args[2]!);
    if (group === undefined) return reply.integer(0);
    // Every id is checked before any is acknowledged: the command is all or nothing.
    const ids: StreamId[] = [];
    for (let i = 3; i < args.length; i++) ids.push(parseStrictId(args[i]!));
    let acknowledged = 0;
    for (const { ms, seq } of ids) if (group.acknowledge(ms, seq)) acknowledged++;
    // A change to the group only: counted, but no notification and WATCH is not disturbed (Redis).
    server.dirty += acknowledged;
    reply.integer(acknowledged);
  },
} satisfies CommandSpec;

/**
 * XPENDING key group [[IDLE min-idle-time] start end count [consumer]] — O(N) in the entries
 * returned (O(M) in those looked at with IDLE). Without a range: [count, first id, last id,
 * [[consumer, count] ...]]; with one: [[id, consumer, idle ms, deliveries] ...].
 */
export const XPENDING = {
  name: "xpending",
  arity: -3,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "stream", "slow"],
  run(ctx, args) {
    const { reply } = ctx;
    const argc = args.length;
    if (argc !== 3 && (argc < 6 || argc > 9)) throw new ReplyError(ERR_SYNTAX);
    let start: StreamId = { ms: 0, seq: 0 };
    let end: StreamId = { ms: U64_MAX, seq: U64_MAX };
    let count = 0;
    let minIdle = 0;
    let consumerName: string | undefined;
    // The range arguments are checked before the key, so syntax errors come first.
    if (argc >= 6) {
      let at = 3;
      if (args[3]!.toLowerCase() === "idle") {
        minIdle = longLong(args[4]!);
        if (argc < 8) throw new ReplyError(ERR_SYNTAX);
        at += 2;
      }
      count = longLong(args[at + 2]!);
      if (count < 0) count = 0;
      start = parseRangeBound(args[at]!, 0, true);
      end = parseRangeBound(args[at + 1]!, U64_MAX, false);
      if (at + 3 < argc) consumerName = args[at + 3]!;
    }
    const stream = readStream(ctx, args[1]!);
    const group = stream?.groups?.get(args[2]!);
    if (group === undefined) throw new ReplyError(ERR_NOGROUP_KEY_OR_GROUP(args[1]!, args[2]!));
    if (argc === 3) {
      reply.array(4);
      reply.integer(group.pel.size);
      const first = group.pel.first();
      const last = group.pel.last();
      if (first === undefined || last === undefined) {
        reply.null();
        reply.null();
        reply.nullArray();
        return;
      }
      reply.bulk(formatId(first.ms, first.seq));
      reply.bulk(formatId(last.ms, last.seq));
      const consumers = group.sortedConsumers().filter((consumer) => consumer.pel.size !== 0);
      reply.array(consumers.length);
      for (const consumer of consumers) {
        reply.array(2);
        reply.bulk(consumer.name);
        reply.bulk(String(consumer.pel.size));
      }
      return;
    }
    let pel = group.pel;
    if (consumerName !== undefined) {
      const consumer = group.consumers.get(consumerName);
      if (consumer === undefined) return reply.array(0);
      pel = consumer.pel;
    }
    const now = ctx.server.clock.now();
    const found = [];
    for (const cursor = pel.seek(start.ms, start.seq); count > 0; pel.advance(cursor)) {
      const pending = pel.at(cursor);
      if (pending === undefined || pending.ms > end.ms || (pending.ms === end.ms && pending.seq > end.seq)) break;
      if (minIdle !== 0 && now - pending.deliveryTime < minIdle) continue;
      found.push(pending);
      count--;
    }
    reply.array(found.length);
    for (const pending of found) {
      reply.array(4);
      reply.bulk(formatId(pending.ms, pending.seq));
      reply.bulk(pending.consumer!.name);
      reply.integer(Math.max(0, now - pending.deliveryTime));
      reply.integer(pending.deliveryCount);
    }
  },
} satisfies CommandSpec;
