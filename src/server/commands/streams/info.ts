/**
 * @module
 * XINFO STREAM [FULL [COUNT n]] | GROUPS | CONSUMERS | HELP: what Redis 7.0 reports about a
 * stream, its groups and their consumers, field for field (maps in RESP3, flat arrays in RESP2).
 * Groups and consumers are listed in their names' byte order, as Redis's radix trees hold them.
 */
import { writeHelp } from "../introspection.ts";
import type { ReplyWriter } from "../../../resp/writer.ts";
import { signedCounter, type Stream } from "../../../store/types/stream.ts";
import { type ConsumerGroup, INVALID_ENTRIES_READ } from "../../../store/types/stream-group.ts";
import { formatId, U64_MAX } from "../../../store/types/stream-id.ts";
import { NO_KEYS, type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_NO_SUCH_KEY, ERR_NOGROUP_FOR_KEY, ERR_SUBCOMMAND_SYNTAX, ReplyError } from "../../errors.ts";
import { longLong, readStream, writeEntry, writeRange } from "./helpers.ts";

/** XINFO HELP's lines between its header and footer, as Redis 7.0 sends them. */
const HELP = [
  "CONSUMERS <key> <groupname>",
  "    Show consumers of <groupname>.",
  "GROUPS <key>",
  "    Show the stream consumer groups.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Show information about the stream.",
];

/** The stream at the key argument, or Redis's "no such key" error. */
function existingStream(ctx: CommandContext, key: string): Stream {
  const stream = readStream(ctx, key);
  if (stream === undefined) throw new ReplyError(ERR_NO_SUCH_KEY);
  return stream;
}

/** Groups in Redis's order (their names' bytes). */
function sortedGroups(stream: Stream): ConsumerGroup[] {
  if (stream.groups === undefined) return [];
  return [...stream.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A group's entries-read (null when unknown) and lag (null when it cannot be known). */
function writeReadAndLag(reply: ReplyWriter, stream: Stream, group: ConsumerGroup): void {
  reply.bulk("entries-read");
  if (group.entriesRead === INVALID_ENTRIES_READ) reply.null();
  else reply.integer(group.entriesRead);
  reply.bulk("lag");
  const lag = stream.lag(group);
  if (lag === undefined) reply.null();
  else reply.integer(lag);
}

/** The fields XINFO STREAM starts with, in both forms. */
function writeStreamHeader(reply: ReplyWriter, stream: Stream): void {
  reply.bulk("length");
  reply.integer(stream.length);
  reply.bulk("radix-tree-keys");
  reply.integer(stream.nodes.length);
  reply.bulk("radix-tree-nodes");
  reply.integer(stream.radixTreeNodes());
  reply.bulk("last-generated-id");
  reply.bulk(formatId(stream.lastMs, stream.lastSeq));
  reply.bulk("max-deleted-entry-id");
  reply.bulk(formatId(stream.maxDeletedMs, stream.maxDeletedSeq));
  reply.bulk("entries-added");
  // An unsigned counter that Redis replies as a long long.
  reply.integer(signedCounter(stream.entriesAdded));
  reply.bulk("recorded-first-entry-id");
  reply.bulk(formatId(stream.firstMs, stream.firstSeq));
}

/** The first (or last) entry as XINFO STREAM shows it: the entry, or null. */
function writeEdgeEntry(reply: ReplyWriter, stream: Stream, last: boolean): void {
  const iterator = stream.iterate(0, 0, U64_MAX, U64_MAX, last);
  if (iterator.next()) writeEntry(reply, iterator.node, iterator.index);
  else reply.null();
}

/** XINFO STREAM key FULL [COUNT count]: everything, each list cut at `count` (0: all). */
function writeFull(reply: ReplyWriter, stream: Stream, count: number): void {
  reply.map(9);
  writeStreamHeader(reply, stream);
  reply.bulk("entries");
  writeRange(reply, stream, { ms: 0, seq: 0 }, { ms: U64_MAX, seq: U64_MAX }, count, false);
  reply.bulk("groups");
  const groups = sortedGroups(stream);
  reply.array(groups.length);
  for (const group of groups) {
    reply.map(7);
    reply.bulk("name");
    reply.bulk(group.name);
    reply.bulk("last-delivered-id");
    reply.bulk(formatId(group.lastMs, group.lastSeq));
    writeReadAndLag(reply, stream, group);
    reply.bulk("pel-count");
    reply.integer(group.pel.size);
    reply.bulk("pending");
    const shown = count === 0 ? group.pel.size : Math.min(count, group.pel.size);
    reply.array(shown);
    let written = 0;
    for (const pending of group.pel) {
      if (written++ === shown) break;
      reply.array(4);
      reply.bulk(formatId(pending.ms, pending.seq));
      reply.bulk(pending.consumer!.name);
      reply.integer(pending.deliveryTime);
      reply.integer(pending.deliveryCount);
    }
    reply.bulk("consumers");
    const consumers = group.sortedConsumers();
    reply.array(consumers.length);
    for (const consumer of consumers) {
      reply.map(4);
      reply.bulk("name");
      reply.bulk(consumer.name);
      reply.bulk("seen-time");
      reply.integer(consumer.seenTime);
      reply.bulk("pel-count");
      reply.integer(consumer.pel.size);
      reply.bulk("pending");
      const own = count === 0 ? consumer.pel.size : Math.min(count, consumer.pel.size);
      reply.array(own);
      let ownWritten = 0;
      for (const pending of consumer.pel) {
        if (ownWritten++ === own) break;
        reply.array(3);
        reply.bulk(formatId(pending.ms, pending.seq));
        reply.integer(pending.deliveryTime);
        reply.integer(pending.deliveryCount);
      }
    }
  }
}

/** XINFO STREAM key [FULL [COUNT count]] — O(1) (FULL: O(N) in what it shows). */
export const XINFO_STREAM = {
  name: "xinfo|stream",
  arity: -3,
  flags: ["readonly"],
  keys: { first: 2, last: 2, step: 1 },
  categories: ["read", "stream", "slow"],
  run(ctx, args) {
    const { reply } = ctx;
    const stream = existingStream(ctx, args[2]!);
    const options = args.length - 3;
    if (options === 0) {
      reply.map(10);
      writeStreamHeader(reply, stream);
      reply.bulk("groups");
      reply.integer(stream.groups?.size ?? 0);
      reply.bulk("first-entry");
      writeEdgeEntry(reply, stream, false);
      reply.bulk("last-entry");
      writeEdgeEntry(reply, stream, true);
      return;
    }
    if ((options !== 1 && options !== 3) || args[3]!.toLowerCase() !== "full") throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, args[0]!));
    let count = 10;
    if (options === 3) {
      if (args[4]!.toLowerCase() !== "count") throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, args[0]!));
      const value = longLong(args[5]!);
      count = value < 0 ? 10 : value;
    }
    writeFull(reply, stream, count);
  },
} satisfies CommandSpec;

/** XINFO GROUPS key — O(N) in the groups. Each group's name, consumers, pending, last id, read counter and lag. */
export const XINFO_GROUPS = {
  name: "xinfo|groups",
  arity: 3,
  flags: ["readonly"],
  keys: { first: 2, last: 2, step: 1 },
  categories: ["read", "stream", "slow"],
  run(ctx, args) {
    const { reply } = ctx;
    const stream = existingStream(ctx, args[2]!);
    const groups = sortedGroups(stream);
    reply.array(groups.length);
    for (const group of groups) {
      reply.map(6);
      reply.bulk("name");
      reply.bulk(group.name);
      reply.bulk("consumers");
      reply.integer(group.consumers.size);
      reply.bulk("pending");
      reply.integer(group.pel.size);
      reply.bulk("last-delivered-id");
      reply.bulk(formatId(group.lastMs, group.lastSeq));
      writeReadAndLag(reply, stream, group);
    }
  },
} satisfies CommandSpec;

/** XINFO CONSUMERS key group — O(N) in the consumers. Each consumer's name, pending count and idle ms. */
export const XINFO_CONSUMERS = {
  name: "xinfo|consumers",
  arity: 4,
  flags: ["readonly"],
  keys: { first: 2, last: 2, step: 1 },
  categories: ["read", "stream", "slow"],
  run(ctx, args) {
    const { reply } = ctx;
    const key = args[2]!;
    const stream = existingStream(ctx, key);
    const group = stream.groups?.get(args[3]!);
    if (group === undefined) throw new ReplyError(ERR_NOGROUP_FOR_KEY(args[3]!, key));
    const now = ctx.server.clock.now();
    const consumers = group.sortedConsumers();
    reply.array(consumers.length);
    for (const consumer of consumers) {
      reply.map(3);
      reply.bulk("name");
      reply.bulk(consumer.name);
      reply.bulk("pending");
      reply.integer(consumer.pel.size);
      reply.bulk("idle");
      reply.integer(Math.max(0, now - consumer.seenTime));
    }
  },
} satisfies CommandSpec;

/** XINFO HELP — the subcommands, one line each. */
export const XINFO_HELP = {
  name: "xinfo|help",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["stream", "slow"],
  run({ reply }, args) {
    writeHelp(reply, args[0]!.toUpperCase(), HELP);
  },
} satisfies CommandSpec;

/** XINFO <subcommand> — the container. */
export const XINFO = {
  name: "xinfo",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  // Redis lists subcommands in its dict's order; this is the one redis-server 7.0 shows.
  subcommands: {
    help: XINFO_HELP,
    groups: XINFO_GROUPS,
    stream: XINFO_STREAM,
    consumers: XINFO_CONSUMERS,
  },
} satisfies CommandSpec;
