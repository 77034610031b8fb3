/**
 * @module
 * XGROUP CREATE | SETID | DESTROY | CREATECONSUMER | DELCONSUMER | HELP: managing a stream's
 * consumer groups. One checking order for all of them, as Redis's xgroupCommand: the options
 * after the id, then the key (which must exist unless CREATE ... MKSTREAM), then the group (for
 * SETID, CREATECONSUMER, DELCONSUMER), then the subcommand's own argument count.
 */
import { writeHelp } from "../introspection.ts";
import { type Counter, Stream } from "../../../store/types/stream.ts";
import { ConsumerGroup, INVALID_ENTRIES_READ } from "../../../store/types/stream-group.ts";
import type { StreamId } from "../../../store/types/stream-id.ts";
import { NO_KEYS, type CommandContext, type CommandSpec } from "../../command.ts";
import {
  ERR_BUSYGROUP, ERR_NOGROUP_FOR_KEY, ERR_SUBCOMMAND_SYNTAX, ERR_XGROUP_ENTRIES_READ, ERR_XGROUP_KEY_MISSING, ReplyError,
} from "../../errors.ts";
import { exactLongLong, notifyStream, parseId, parseStrictId, writableStream } from "./helpers.ts";

/** XGROUP HELP's lines between its header and footer, as Redis 7.0 sends them. */
const HELP = [
  "CREATE <key> <groupname> <id|$> [option]",
  "    Create a new consumer group. Options are:",
  "    * MKSTREAM",
  "      Create the empty stream if it does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Set the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Create a new consumer in the specified group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Remove the specified consumer.",
  "DESTROY <key> <groupname>",
  "    Remove the specified group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Set the current group ID and entries_read counter.",
];

/** What every XGROUP subcommand but HELP starts from. */
interface GroupTarget {
  readonly key: string;
  readonly stream: Stream | undefined;
  readonly group: ConsumerGroup | undefined;
  readonly mkstream: boolean;
  readonly entriesRead: Counter;
}

/** The part of Redis's xgroupCommand before the dispatch: options, key and group checks. */
function target(ctx: CommandContext, args: readonly string[]): GroupTarget {
  const sub = args[1]!.toLowerCase();
  const create = sub === "create";
  const setid = sub === "setid";
  let mkstream = false;
  let entriesRead: Counter = INVALID_ENTRIES_READ;
  for (let i = 5; i < args.length; ) {
    const option = args[i]!.toLowerCase();
    if (create && option === "mkstream") {
      mkstream = true;
      i++;
    } else if ((create || setid) && option === "entriesread" && i + 1 < args.length) {
      const value = exactLongLong(args[i + 1]!);
      if (value < 0 && value !== INVALID_ENTRIES_READ) throw new ReplyError(ERR_XGROUP_ENTRIES_READ);
      entriesRead = value;
      i += 2;
    } else throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, args[0]!));
  }
  const key = args[2]!;
  const stream = writableStream(ctx.db, key);
  const groupName = args[3]!;
  const group = stream?.groups?.get(groupName);
  if (!mkstream) {
    if (stream === undefined) throw new ReplyError(ERR_XGROUP_KEY_MISSING);
    if (group === undefined && sub !== "create" && sub !== "destroy") throw new ReplyError(ERR_NOGROUP_FOR_KEY(groupName, key));
  }
  return { key, stream, group, mkstream, entriesRead };
}

/** A subcommand of XGROUP taking the key at index 2. */
function subcommand(name: string, arity: number, flags: CommandSpec["flags"], run: (ctx: CommandContext, args: string[], target: GroupTarget) => void): CommandSpec {
  return {
    name: `xgroup|${name}`,
    arity,
    flags,
    keys: { first: 2, last: 2, step: 1 },
    categories: ["write", "stream", "slow"],
    run(ctx, args) {
      run(ctx, args, target(ctx, args));
    },
  };
}

/** The id of XGROUP CREATE / SETID: `$` is the stream's last id. */
function groupId(text: string, stream: Stream | undefined, strict: boolean): StreamId {
  if (text === "$") return { ms: stream?.lastMs ?? 0, seq: stream?.lastSeq ?? 0 };
  return strict ? parseStrictId(text) : parseId(text);
}

/**
 * XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read] — O(1). Creates a group
 * whose last delivered id is `id` (`$`: the stream's last id); MKSTREAM creates an empty stream.
 */
export const XGROUP_CREATE = subcommand("create", -5, ["write", "denyoom"], (ctx, args, { key, stream, entriesRead }) => {
  const { db, reply, server } = ctx;
  if (args.length > 8) throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, args[0]!));
  const id = groupId(args[4]!, stream, true);
  let created = stream;
  if (created === undefined) {
    created = new Stream();
    db.set(key, created);
    // Redis's signalModifiedKey for the new key, without a notification of its own.
    if (server.watches.active) server.watches.touch(db, key);
  }
  const groups = (created.groups ??= new Map());
  const name = args[3]!;
  if (groups.has(name)) throw new ReplyError(ERR_BUSYGROUP);
  groups.set(name, new ConsumerGroup(name, id.ms, id.seq, entriesRead));
  reply.simple("OK");
  notifyStream(server, db, key, "xgroup-create");
});

/**
 * XGROUP SETID key group id|$ [ENTRIESREAD entries-read] — O(1). Sets the group's last delivered
 * id (and read counter, unknown unless given).
 */
export const XGROUP_SETID = subcommand("setid", -5, ["write"], (ctx, args, { key, stream, group, entriesRead }) => {
  if (args.length !== 5 && args.length !== 7) throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, args[0]!));
  const id = groupId(args[4]!, stream, false);
  group!.lastMs = id.ms;
  group!.lastSeq = id.seq;
  group!.entriesRead = entriesRead;
  ctx.reply.simple("OK");
  notifyStream(ctx.server, ctx.db, key, "xgroup-setid");
});

/**
 * XGROUP DESTROY key group — O(N) in the group's pending entries. Removes the group (1), or
 * nothing (0); clients blocked reading for it get a NOGROUP error.
 */
export const XGROUP_DESTROY = subcommand("destroy", 4, ["write"], (ctx, _args, { key, stream, group }) => {
  const { db, reply, server } = ctx;
  if (group === undefined) return reply.integer(0);
  stream!.groups!.delete(group.name);
  reply.integer(1);
  notifyStream(server, db, key, "xgroup-destroy");
  if (db.keyListener !== undefined) server.blocking.signalKeyReady(db, key);
});

/** XGROUP CREATECONSUMER key group consumer — O(1). Creates the consumer (1), or nothing (0). */
export const XGROUP_CREATECONSUMER = subcommand("createconsumer", 5, ["write", "denyoom"], (ctx, args, { key, group }) => {
  const created = group!.createConsumer(args[4]!, ctx.server.clock.now());
  if (created !== undefined) notifyStream(ctx.server, ctx.db, key, "xgroup-createconsumer");
  ctx.reply.integer(created === undefined ? 0 : 1);
});

/**
 * XGROUP DELCONSUMER key group consumer — O(N) in its pending entries. Removes the consumer and
 * its pending entries; replies how many it had.
 */
export const XGROUP_DELCONSUMER = subcommand("delconsumer", 5, ["write"], (ctx, args, { key, group }) => {
  const consumer = group!.consumers.get(args[4]!);
  let pending = 0;
  if (consumer !== undefined) {
    pending = group!.deleteConsumer(consumer);
    notifyStream(ctx.server, ctx.db, key, "xgroup-delconsumer");
  }
  ctx.reply.integer(pending);
});

/** XGROUP HELP — the subcommands, one line each. */
export const XGROUP_HELP = {
  name: "xgroup|help",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["stream", "slow"],
  run({ reply }, args) {
    writeHelp(reply, args[0]!.toUpperCase(), HELP);
  },
} satisfies CommandSpec;

/** XGROUP <subcommand> — the container. */
export const XGROUP = {
  name: "xgroup",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  // Redis lists subcommands in its dict's order; this is the one redis-server 7.0 shows.
  subcommands: {
    destroy: XGROUP_DESTROY,
    help: XGROUP_HELP,
    setid: XGROUP_SETID,
    create: XGROUP_CREATE,
    createconsumer: XGROUP_CREATECONSUMER,
    delconsumer: XGROUP_DELCONSUMER,
  },
} satisfies CommandSpec;
