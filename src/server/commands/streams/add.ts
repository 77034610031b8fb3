/**
 * @module
 * The commands that add, trim and delete entries, or set the stream's own ids: XADD, XTRIM,
 * XDEL, XSETID. XADD and XTRIM share Redis's option parser (streamParseAddOrTrimArgsOrReply),
 * errors and their order included. What they hand on to persistence follows Redis: XADD names
 * the id it generated, and a `~` trim is recorded as the exact trim it turned out to be.
 */
import type { Db } from "../../../store/keyspace.ts";
import { type Counter, Stream, type TrimOptions } from "../../../store/types/stream.ts";
import { compareIds, formatId, incrementU64, isU64Max, parseStreamId, type U64 } from "../../../store/types/stream-id.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import {
  ERR_ARITY, ERR_NO_SUCH_KEY, ERR_STREAM_EXHAUSTED, ERR_STREAM_ID_INVALID, ERR_STREAM_LIMIT_NEGATIVE, ERR_STREAM_LIMIT_NO_APPROX,
  ERR_STREAM_LIMIT_NO_STRATEGY, ERR_STREAM_MAXLEN_AND_MINID, ERR_STREAM_MAXLEN_NEGATIVE, ERR_STREAM_TOO_LARGE, ERR_STREAM_XADD_ID_SMALL,
  ERR_STREAM_XADD_ID_ZERO, ERR_STREAM_XTRIM_NO_STRATEGY, ERR_SYNTAX, ERR_XSETID_ENTRIES_ADDED_NEGATIVE, ERR_XSETID_ENTRIES_ADDED_SMALL,
  ERR_XSETID_MAX_DELETED, ERR_XSETID_SMALL, ReplyError,
} from "../../errors.ts";
import { NOTIFY_STREAM } from "../../notifications.ts";
import { exactLongLong, longLong, notifyStream, parseStrictId, writableStream } from "./helpers.ts";

/** Redis's STREAM_LISTPACK_MAX_SIZE: an entry's strings may add up to at most 1 GB. */
const MAX_ENTRY_BYTES = 2 ** 30;

/**
 * XADD/XTRIM's options once parsed; it is also the trim's options when `trimming` (one object per
 * command on XADD's path).
 */
class AddOrTrimArguments implements TrimOptions {
  /** Whether MAXLEN or MINID was given. */
  trimming = false;
  strategy: "maxlen" | "minid" = "maxlen";
  maxlen = 0;
  minMs: U64 = 0;
  minSeq: U64 = 0;
  approx = false;
  limit = 0;
  /** Index of the MAXLEN/MINID value (its `~` or `=` is just before it when given). */
  trimIndex = 0;
  /** XADD: index of the id argument (`*` or an id); the fields start after it. */
  idIndex = 0;
  /** XADD: the id given, if any, and whether its sequence was (not `<ms>-*`); then the id to add. */
  idMs: U64 = 0;
  idSeq: U64 = 0;
  idGiven = false;
  seqGiven = true;
  noMkstream = false;
}

/** Whether `text` is exactly the one character with code `code`. */
function isChar(text: string, code: number): boolean {
  return text.length === 1 && text.charCodeAt(0) === code;
}

/** Whether `text` is `word` (lowercase letters) in any case, as Redis's strcasecmp compares. */
function isWord(text: string, word: string): boolean {
  const length = word.length;
  if (text.length !== length) return false;
  // Setting bit 5 lowercases an ASCII letter, and makes nothing else one.
  for (let i = 0; i < length; i++) if ((text.charCodeAt(i) | 32) !== word.charCodeAt(i)) return false;
  return true;
}

/** Redis's streamParseAddOrTrimArgsOrReply, for XADD (`xadd`) or XTRIM. */
function parseAddOrTrim(ctx: CommandContext, args: readonly string[], xadd: boolean): AddOrTrimArguments {
  const parsed = new AddOrTrimArguments();
  let limitGiven = false;
  let i = 2;
  for (; i < args.length; i++) {
    const more = args.length - 1 - i;
    const option = args[i]!;
    if (xadd && isChar(option, 42)) break; // `*`: the common case first
    if (more > 0 && isWord(option, "maxlen")) {
      if (parsed.trimming) throw new ReplyError(ERR_STREAM_MAXLEN_AND_MINID);
      parsed.approx = false;
      const next = args[i + 1]!;
      if (more >= 2 && isChar(next, 126)) {
        parsed.approx = true;
        i++;
      } else if (more >= 2 && isChar(next, 61)) i++;
      parsed.maxlen = longLong(args[i + 1]!);
      if (parsed.maxlen < 0) throw new ReplyError(ERR_STREAM_MAXLEN_NEGATIVE);
      i++;
      parsed.trimming = true;
      parsed.strategy = "maxlen";
      parsed.trimIndex = i;
    } else if (more > 0 && isWord(option, "minid")) {
      if (parsed.trimming) throw new ReplyError(ERR_STREAM_MAXLEN_AND_MINID);
      parsed.approx = false;
      const next = args[i + 1]!;
      if (more >= 2 && isChar(next, 126)) {
        parsed.approx = true;
        i++;
      } else if (more >= 2 && isChar(next, 61)) i++;
      const id = parseStrictId(args[i + 1]!);
      parsed.minMs = id.ms;
      parsed.minSeq = id.seq;
      i++;
      parsed.trimming = true;
      parsed.strategy = "minid";
      parsed.trimIndex = i;
    } else if (more > 0 && isWord(option, "limit")) {
      parsed.limit = longLong(args[i + 1]!);
      if (parsed.limit < 0) throw new ReplyError(ERR_STREAM_LIMIT_NEGATIVE);
      limitGiven = true;
      i++;
    } else if (xadd && isWord(option, "nomkstream")) {
      parsed.noMkstream = true;
    } else if (xadd) {
      const id = parseStreamId(option, 0, true, true);
      if (id === undefined) throw new ReplyError(ERR_STREAM_ID_INVALID);
      parsed.idMs = id.ms;
      parsed.idSeq = id.seq;
      parsed.seqGiven = id.seqGiven;
      parsed.idGiven = true;
      break;
    } else {
      throw new ReplyError(ERR_SYNTAX);
    }
  }
  if (parsed.limit !== 0 && !parsed.trimming) throw new ReplyError(ERR_STREAM_LIMIT_NO_STRATEGY);
  if (!xadd && !parsed.trimming) throw new ReplyError(ERR_STREAM_XTRIM_NO_STRATEGY);
  if (ctx.client.loader) {
    // What the AOF holds was rewritten to exact trims: replaying it must not be limited.
    parsed.limit = 0;
  } else if (limitGiven) {
    if (!parsed.approx) throw new ReplyError(ERR_STREAM_LIMIT_NO_APPROX);
  } else {
    // Without LIMIT, `~` does at most 100 nodes' worth of work; an exact trim has no limit.
    parsed.limit = parsed.approx ? 100 * ctx.server.config["stream-node-max-entries"] : 0;
  }
  parsed.idIndex = i;
  return parsed;
}

/**
 * A `~` trim is handed on as the exact trim it turned out to be: `=` and the resulting length
 * (MAXLEN) or first id, tombstones included (MINID), as Redis's streamRewriteApproxSpecifier and
 * streamRewriteTrimArgument do.
 */
function rewriteApproxTrim(propagated: string[], stream: Stream, parsed: AddOrTrimArguments): void {
  propagated[parsed.trimIndex - 1] = "=";
  if (parsed.strategy === "maxlen") propagated[parsed.trimIndex] = String(stream.length);
  else {
    const first = stream.edgeId(true, false);
    propagated[parsed.trimIndex] = first === undefined ? "18446744073709551615-18446744073709551615" : formatId(first.ms, first.seq);
  }
}

/**
 * Puts in `parsed.idMs`/`idSeq` the id XADD gives the new entry; false when it would not be above
 * the last id. `<ms>-*` past the last sequence of its millisecond throws the error redis-server
 * 7.0 gives for it (its streamAppendItem fails there without setting errno, so XADD reports "too
 * large").
 */
function newEntryId(ctx: CommandContext, stream: Stream, parsed: AddOrTrimArguments): boolean {
  const lastMs = stream.lastMs;
  const lastSeq = stream.lastSeq;
  let ms: U64;
  let seq: U64;
  if (!parsed.idGiven) {
    const now = ctx.server.clock.now();
    if (now > lastMs) {
      ms = now;
      seq = 0;
    } else if (!isU64Max(lastSeq)) {
      ms = lastMs;
      seq = incrementU64(lastSeq);
    } else if (!isU64Max(lastMs)) {
      ms = incrementU64(lastMs);
      seq = 0;
    } else return false;
  } else if (parsed.seqGiven) {
    ms = parsed.idMs;
    seq = parsed.idSeq;
  } else if (lastMs === parsed.idMs) {
    // `<ms>-*`: the next sequence of that millisecond, or 0 for a new one.
    if (isU64Max(lastSeq)) throw new ReplyError(ERR_STREAM_TOO_LARGE);
    ms = lastMs;
    seq = incrementU64(lastSeq);
  } else {
    ms = parsed.idMs;
    seq = 0;
  }
  parsed.idMs = ms;
  parsed.idSeq = seq;
  return compareIds(ms, seq, lastMs, lastSeq) > 0;
}

/**
 * XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]
 * — O(1) to add, O(N) in the entries trimmed. Replies the new entry's id (null with NOMKSTREAM
 * and no key).
 */
export const XADD = {
  name: "xadd",
  arity: -5,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "stream", "fast"],
  run(ctx, args) {
    const { db, reply, server } = ctx;
    const parsed = parseAddOrTrim(ctx, args, true);
    const fieldsFrom = parsed.idIndex + 1;
    const pairs = args.length - fieldsFrom;
    if (pairs < 2 || pairs % 2 === 1) throw new ReplyError(ERR_ARITY("xadd"));
    // 0-0 is refused before the key is created, so no empty stream is left behind.
    if (parsed.idGiven && parsed.seqGiven && parsed.idMs === 0 && parsed.idSeq === 0) throw new ReplyError(ERR_STREAM_XADD_ID_ZERO);
    const key = args[1]!;
    let stream = writableStream(db, key);
    if (stream === undefined) {
      if (parsed.noMkstream) return reply.null();
      stream = new Stream();
      db.set(key, stream);
    }
    if (isU64Max(stream.lastMs) && isU64Max(stream.lastSeq)) throw new ReplyError(ERR_STREAM_EXHAUSTED);
    if (!newEntryId(ctx, stream, parsed)) throw new ReplyError(ERR_STREAM_XADD_ID_SMALL);
    let total = 0;
    for (let i = fieldsFrom; i < args.length; i++) total += args[i]!.length;
    if (total > MAX_ENTRY_BYTES) throw new ReplyError(ERR_STREAM_TOO_LARGE);
    const config = server.config;
    stream.append(parsed.idMs, parsed.idSeq, args, fieldsFrom, config["stream-node-max-entries"], config["stream-node-max-bytes"]);
    const idText = formatId(parsed.idMs, parsed.idSeq);
    reply.bulk(idText);
    db.keyChanged(key, "xadd", NOTIFY_STREAM);
    const propagating = server.propagation.active;
    let propagated: string[] | undefined;
    if (parsed.trimming) {
      if (stream.trim(parsed) !== 0 && server.notifyFlags !== 0) server.notifyKeyspaceEvent(db, key, "xtrim", NOTIFY_STREAM);
      if (parsed.approx && propagating) {
        propagated = args.slice();
        rewriteApproxTrim(propagated, stream, parsed);
      }
    }
    if (propagating && (!parsed.idGiven || !parsed.seqGiven)) {
      propagated ??= args.slice();
      propagated[parsed.idIndex] = idText;
    }
    if (propagated !== undefined) server.propagation.rewrite(propagated);
    // A stream that existed gets data without Db.set: wake who waits on it.
    if (db.keyListener !== undefined) server.blocking.signalKeyReady(db, key);
  },
} satisfies CommandSpec;

/**
 * XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] — O(N) in the entries removed. Replies how
 * many entries were removed.
 */
export const XTRIM = {
  name: "xtrim",
  arity: -4,
  flags: ["write"],
  keys: FIRST_KEY,
  categories: ["write", "stream", "slow"],
  run(ctx, args) {
    const { db, reply, server } = ctx;
    const parsed = parseAddOrTrim(ctx, args, false);
    const key = args[1]!;
    const stream = writableStream(db, key);
    if (stream === undefined) return reply.integer(0);
    const removed = stream.trim(parsed);
    if (removed !== 0) {
      if (parsed.approx && server.propagation.active) {
        const propagated = args.slice();
        rewriteApproxTrim(propagated, stream, parsed);
        server.propagation.rewrite(propagated);
      }
      db.keyChanged(key, "xtrim", NOTIFY_STREAM);
      server.dirty += removed - 1;
    }
    reply.integer(removed);
  },
} satisfies CommandSpec;

/** Deletes the given ids from `stream`, keeping its first and max deleted ids; returns how many. */
function deleteEntries(stream: Stream, ids: readonly { ms: U64; seq: U64 }[]): number {
  let deleted = 0;
  let firstDeleted = false;
  for (const { ms, seq } of ids) {
    if (!stream.delete(ms, seq)) continue;
    if (ms === stream.firstMs && seq === stream.firstSeq) firstDeleted = true;
    if (compareIds(ms, seq, stream.maxDeletedMs, stream.maxDeletedSeq) > 0) {
      stream.maxDeletedMs = ms;
      stream.maxDeletedSeq = seq;
    }
    deleted++;
  }
  if (deleted !== 0) {
    if (stream.length === 0) {
      stream.firstMs = 0;
      stream.firstSeq = 0;
    } else if (firstDeleted) stream.refreshFirstId();
  }
  return deleted;
}

/** XDEL key id [id ...] — O(1) per id. Replies how many entries were deleted. */
export const XDEL = {
  name: "xdel",
  arity: -3,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "stream", "fast"],
  run(ctx, args) {
    const { db, reply, server } = ctx;
    const key = args[1]!;
    const stream = writableStream(db, key);
    if (stream === undefined) return reply.integer(0);
    // Every id is checked before any is deleted: the command is all or nothing.
    const ids = [];
    for (let i = 2; i < args.length; i++) ids.push(parseStrictId(args[i]!));
    const deleted = deleteEntries(stream, ids);
    if (deleted !== 0) {
      db.keyChanged(key, "xdel", NOTIFY_STREAM);
      server.dirty += deleted - 1;
    }
    reply.integer(deleted);
  },
} satisfies CommandSpec;

/** The stream for XSETID: an existing stream, else the error Redis gives. */
function existingStream(db: Db, key: string): Stream {
  const stream = writableStream(db, key);
  if (stream === undefined) throw new ReplyError(ERR_NO_SUCH_KEY);
  return stream;
}

/**
 * XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] — O(1). Sets the
 * stream's last id (and counters), for replication and AOF; no lower than its top entry.
 */
export const XSETID = {
  name: "xsetid",
  arity: -3,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "stream", "fast"],
  run(ctx, args) {
    const { db, reply, server } = ctx;
    const id = parseStrictId(args[2]!);
    let entriesAdded: Counter | undefined;
    let maxDeleted: { ms: U64; seq: U64 } | undefined;
    for (let i = 3; i < args.length; ) {
      const more = args.length - 1 - i;
      const option = args[i]!.toLowerCase();
      if (option === "entriesadded" && more > 0) {
        entriesAdded = exactLongLong(args[i + 1]!);
        if (entriesAdded < 0) throw new ReplyError(ERR_XSETID_ENTRIES_ADDED_NEGATIVE);
        i += 2;
      } else if (option === "maxdeletedid" && more > 0) {
        maxDeleted = parseStrictId(args[i + 1]!);
        if (compareIds(id.ms, id.seq, maxDeleted.ms, maxDeleted.seq) < 0) throw new ReplyError(ERR_XSETID_MAX_DELETED);
        i += 2;
      } else {
        throw new ReplyError(ERR_SYNTAX);
      }
    }
    const key = args[1]!;
    const stream = existingStream(db, key);
    if (stream.length > 0) {
      const top = stream.lastValidId()!;
      if (compareIds(id.ms, id.seq, top.ms, top.seq) < 0) throw new ReplyError(ERR_XSETID_SMALL);
      if (entriesAdded !== undefined && stream.length > entriesAdded) throw new ReplyError(ERR_XSETID_ENTRIES_ADDED_SMALL);
    }
    stream.lastMs = id.ms;
    stream.lastSeq = id.seq;
    if (entriesAdded !== undefined) stream.entriesAdded = entriesAdded;
    if (maxDeleted !== undefined && (maxDeleted.ms !== 0 || maxDeleted.seq !== 0)) {
      stream.maxDeletedMs = maxDeleted.ms;
      stream.maxDeletedSeq = maxDeleted.seq;
    }
    reply.simple("OK");
    notifyStream(server, db, key, "xsetid");
  },
} satisfies CommandSpec;
