/**
 * @module
 * Set commands (Redis 7.0's `@set` group): SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS,
 * SRANDMEMBER, SPOP, SMOVE, SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF,
 * SDIFFSTORE, SSCAN. The data structure and its intset/hashtable rules are in
 * store/types/set.ts; here are argument parsing, the order of checks and the replies.
 *
 * Replies list members in the order Redis would where that order is defined by the encoding: an
 * intset ascending; a union or difference (and SPOP of the whole set) in the order of a result set
 * built from an empty intset, as Redis builds it; an intersection in the order of its smallest set.
 */
import { NO_KEYS, FIRST_KEY, type CommandContext, type CommandSpec } from "../command.ts";
import { RedisSet } from "../../store/types/set.ts";
import { randomDistinctIndexes, scanWindow } from "../../store/types/hash.ts";
import { globMatch } from "../../store/glob.ts";
import type { ReplyWriter } from "../../resp/writer.ts";
import { toInteger } from "../arguments.ts";
import {
  ERR_SET_LIMIT_NEGATIVE, ERR_SET_MUST_BE_POSITIVE, ERR_SET_NUMKEYS, ERR_SET_TOO_MANY_KEYS, ERR_SYNTAX, ERR_WRONGTYPE, ReplyError,
} from "../errors.ts";
import { isOption, parseRandomCount, parseScanCursor, parseScanOptions, replyEmptyScan, replyScan } from "./hashes.ts";
import { NOTIFY_GENERIC, NOTIFY_SET } from "../notifications.ts";

/** Every key from the first argument on. */
const ALL_KEYS = { first: 1, last: -1, step: 1 } as const;

// ---------------------------------------------------------------------------------------------
// Lookups.

/** A read lookup that insists on a set: undefined when absent, WRONGTYPE for another type. */
function readSet(ctx: CommandContext, key: string): RedisSet | undefined {
  const value = ctx.server.lookupRead(ctx.db, key);
  if (value === undefined || value instanceof RedisSet) return value;
  throw new ReplyError(ERR_WRONGTYPE);
}

/** A write lookup (no hit/miss counting) that insists on a set. */
function writableSet(ctx: CommandContext, key: string): RedisSet | undefined {
  const value = ctx.db.get(key);
  if (value === undefined || value instanceof RedisSet) return value;
  throw new ReplyError(ERR_WRONGTYPE);
}

/**
 * The sets at `args[start..end)`, read in order (undefined for a missing key); the first key of
 * another type stops the command with WRONGTYPE, even after a missing one.
 */
function readSets(ctx: CommandContext, args: readonly string[], start: number, end: number): (RedisSet | undefined)[] {
  const sets: (RedisSet | undefined)[] = [];
  for (let i = start; i < end; i++) sets.push(readSet(ctx, args[i]!));
  return sets;
}

/** Redis's `getPositiveLongFromObjectOrReply` with a message: an integer >= 0, else `error` (for both causes). */
function parseNonNegative(text: string, error: string): number {
  const value = toInteger(text);
  if (value === undefined || value < 0) throw new ReplyError(error);
  return value;
}

/** Replies with every member of `set`, in its order, as a RESP3 set. */
function replyMembers(reply: ReplyWriter, set: RedisSet | undefined): void {
  const size = set?.size ?? 0;
  reply.set(size);
  for (let i = 0; i < size; i++) reply.bulk(set!.at(i));
}

/**
 * Stores a SINTERSTORE/SUNIONSTORE/SDIFFSTORE result (announced as `event`), or deletes the
 * destination when it is empty (announced as `del` if there was one).
 */
function storeResult(ctx: CommandContext, destination: string, result: RedisSet, event: string): void {
  const db = ctx.db;
  if (result.size > 0) db.set(destination, result);
  const deleted = result.size === 0 && db.delete(destination);
  ctx.reply.integer(result.size);
  if (result.size > 0) db.keyChanged(destination, event, NOTIFY_SET);
  else if (deleted) db.keyChanged(destination, "del", NOTIFY_GENERIC);
}

// ---------------------------------------------------------------------------------------------
// Algebra.

/**
 * The members in every one of `sets` (none missing), in the order of the smallest set (the first
 * smallest in argument order), stopping after `limit` members when limit > 0.
 */
function intersection(sets: RedisSet[], limit: number): string[] {
  // Array.prototype.sort is stable: equal sizes keep their argument order, as Redis's qsort here.
  const ordered = sets.length > 1 ? [...sets].sort((a, b) => a.size - b.size) : sets;
  const smallest = ordered[0]!;
  const members: string[] = [];
  outer: for (let i = 0; i < smallest.size; i++) {
    const member = smallest.at(i);
    for (let j = 1; j < ordered.length; j++) {
      const other = ordered[j]!;
      if (other !== smallest && !other.has(member)) continue outer;
    }
    members.push(member);
    if (members.length === limit) break;
  }
  return members;
}

/** SUNION's result: a set built from an empty intset, as Redis builds it (so its order is Redis's). */
function union(sets: readonly (RedisSet | undefined)[], maxIntsetEntries: number): RedisSet {
  const result = RedisSet.intset();
  for (const set of sets) {
    if (set === undefined) continue;
    for (let i = 0; i < set.size; i++) result.add(set.at(i), maxIntsetEntries);
  }
  return result;
}

/**
 * SDIFF's result, built as Redis builds it, choosing as Redis does between checking each member
 * of the first set against the others (O(N×M)) and adding the first then removing the others (O(N)).
 */
function difference(sets: readonly (RedisSet | undefined)[], maxIntsetEntries: number): RedisSet {
  const result = RedisSet.intset();
  const first = sets[0];
  if (first === undefined) return result;
  let perMemberWork = 0;
  let totalWork = 0;
  for (const set of sets) {
    if (set === undefined) continue;
    perMemberWork += first.size;
    totalWork += set.size;
  }
  // Checking per member stops early on common members: Redis gives it a factor of two.
  if (Math.floor(perMemberWork / 2) <= totalWork) {
    outer: for (let i = 0; i < first.size; i++) {
      const member = first.at(i);
      for (let j = 1; j < sets.length; j++) {
        const other = sets[j];
        if (other === undefined) continue;
        if (other === first || other.has(member)) continue outer;
      }
      result.add(member, maxIntsetEntries);
    }
    return result;
  }
  for (let i = 0; i < first.size; i++) result.add(first.at(i), maxIntsetEntries);
  for (let j = 1; j < sets.length && result.size > 0; j++) {
    const other = sets[j];
    if (other === undefined) continue;
    for (let i = 0; i < other.size; i++) result.delete(other.at(i));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Commands.

/** SADD key member [member ...] — O(1) per member. Replies with the number added. */
export const SADD = {
  name: "sadd",
  arity: -3,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "set", "fast"],
  run(ctx, args) {
    const key = args[1]!;
    let set = writableSet(ctx, key);
    if (set === undefined) {
      set = RedisSet.forMember(args[2]!);
      ctx.db.set(key, set);
    }
    const max = ctx.server.config["set-max-intset-entries"];
    let added = 0;
    for (let i = 2; i < args.length; i++) if (set.add(args[i]!, max)) added++;
    if (added > 0) ctx.db.keyChanged(key, "sadd", NOTIFY_SET);
    ctx.reply.integer(added);
  },
} satisfies CommandSpec;

/** SREM key member [member ...] — O(1) per member. Replies with the number removed; an emptied set is deleted. */
export const SREM = {
  name: "srem",
  arity: -3,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "set", "fast"],
  run(ctx, args) {
    const key = args[1]!;
    const set = writableSet(ctx, key);
    let removed = 0;
    let keyRemoved = false;
    if (set !== undefined) {
      for (let i = 2; i < args.length; i++) {
        if (!set.delete(args[i]!)) continue;
        removed++;
        if (set.size === 0) {
          keyRemoved = ctx.db.delete(key);
          break;
        }
      }
    }
    if (removed > 0) {
      ctx.db.keyChanged(key, "srem", NOTIFY_SET);
      if (keyRemoved) ctx.db.keyChanged(key, "del", NOTIFY_GENERIC);
    }
    ctx.reply.integer(removed);
  },
} satisfies CommandSpec;

/** SCARD key — O(1). The number of members (0 for a missing key). */
export const SCARD = {
  name: "scard",
  arity: 2,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "set", "fast"],
  run(ctx, args) {
    ctx.reply.integer(readSet(ctx, args[1]!)?.size ?? 0);
  },
} satisfies CommandSpec;

/** SISMEMBER key member — O(1). 1 if a member, else 0. */
export const SISMEMBER = {
  name: "sismember",
  arity: 3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "set", "fast"],
  run(ctx, args) {
    ctx.reply.integer(readSet(ctx, args[1]!)?.has(args[2]!) ? 1 : 0);
  },
} satisfies CommandSpec;

/** SMISMEMBER key member [member ...] — O(N) for N members. 1 or 0 per member. */
export const SMISMEMBER = {
  name: "smismember",
  arity: -3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "set", "fast"],
  run(ctx, args) {
    const set = readSet(ctx, args[1]!);
    const reply = ctx.reply;
    reply.array(args.length - 2);
    for (let i = 2; i < args.length; i++) reply.integer(set?.has(args[i]!) ? 1 : 0);
  },
} satisfies CommandSpec;

/** SMEMBERS key — O(N). Every member (ascending for an intset), as a RESP3 set. */
export const SMEMBERS = {
  name: "smembers",
  arity: 2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "set", "slow"],
  run(ctx, args) {
    replyMembers(ctx.reply, readSet(ctx, args[1]!));
  },
} satisfies CommandSpec;

/**
 * SRANDMEMBER key [count] — O(N) for N members returned. Without a count, one random member
 * (null for a missing key). A positive count gives distinct members (the whole set, in its order,
 * when count >= size); a negative one |count| members with repeats. Always an array.
 */
export const SRANDMEMBER = {
  name: "srandmember",
  arity: -2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "set", "slow"],
  run(ctx, args) {
    const reply = ctx.reply;
    if (args.length > 3) throw new ReplyError(ERR_SYNTAX);
    if (args.length === 2) {
      const set = readSet(ctx, args[1]!);
      if (set === undefined) reply.null();
      else reply.bulk(set.random());
      return;
    }
    const requested = parseRandomCount(args[2]!);
    const set = readSet(ctx, args[1]!);
    if (set === undefined || requested === 0) {
      reply.array(0);
      return;
    }
    const count = Math.abs(requested);
    if (requested < 0 || count === 1) {
      reply.array(count);
      for (let i = 0; i < count; i++) reply.bulk(set.random());
      return;
    }
    if (count >= set.size) {
      reply.array(set.size);
      for (let i = 0; i < set.size; i++) reply.bulk(set.at(i));
      return;
    }
    reply.array(count);
    for (const index of randomDistinctIndexes(set.size, count)) reply.bulk(set.at(index));
  },
} satisfies CommandSpec;

/** SPOP with a count: `count` distinct random members removed, as a RESP3 set. */
function popMany(ctx: CommandContext, key: string, countText: string): void {
  const count = parseNonNegative(countText, ERR_SET_MUST_BE_POSITIVE);
  const reply = ctx.reply;
  const set = writableSet(ctx, key);
  if (set === undefined || count === 0) {
    reply.set(0);
    return;
  }
  const max = ctx.server.config["set-max-intset-entries"];
  ctx.db.keyChanged(key, "spop", NOTIFY_SET);
  const propagation = ctx.server.propagation;
  if (count >= set.size) {
    // The whole set, listed as Redis lists it: through a union of the one set.
    replyMembers(reply, union([set], max));
    ctx.db.delete(key);
    ctx.db.keyChanged(key, "del", NOTIFY_GENERIC);
    if (propagation.active) propagation.rewrite(["DEL", key]);
    return;
  }
  const remaining = set.size - count;
  reply.set(count);
  // The members are random: the AOF gets SREMs of the ones chosen (in batches, as Redis).
  const popped: string[] | undefined = propagation.active ? [] : undefined;
  if (remaining * 5 > count) {
    for (let i = 0; i < count; i++) {
      const member = set.random();
      set.delete(member);
      reply.bulk(member);
      popped?.push(member);
    }
    if (popped !== undefined) propagateRemovals(ctx, key, popped);
    return;
  }
  // Most of the set goes: move the few members that stay to a new set (created for its first
  // member, so its encoding may change, as in Redis) and reply with what is left of the old one.
  let kept: RedisSet | undefined;
  for (let i = 0; i < remaining; i++) {
    const member = set.random();
    kept ??= RedisSet.forMember(member);
    kept.add(member, max);
    set.delete(member);
  }
  for (let i = 0; i < set.size; i++) {
    reply.bulk(set.at(i));
    popped?.push(set.at(i));
  }
  ctx.db.set(key, kept!, true);
  if (popped !== undefined) propagateRemovals(ctx, key, popped);
}

/** SPOP's effect: SREMs of the popped members, 1024 per command, instead of the SPOP. */
function propagateRemovals(ctx: CommandContext, key: string, members: readonly string[]): void {
  const propagation = ctx.server.propagation;
  propagation.prevent();
  for (let i = 0; i < members.length; i += 1024) propagation.also(ctx.db.id, ["SREM", key, ...members.slice(i, i + 1024)]);
}

/**
 * SPOP key [count] — O(1), or O(N) for N members popped. Removes and returns random members; an
 * emptied set is deleted. Without a count: a bulk string or null; with one: a RESP3 set.
 */
export const SPOP = {
  name: "spop",
  arity: -2,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "set", "fast"],
  run(ctx, args) {
    const key = args[1]!;
    if (args.length === 3) return popMany(ctx, key, args[2]!);
    if (args.length > 3) throw new ReplyError(ERR_SYNTAX);
    const set = writableSet(ctx, key);
    if (set === undefined) {
      ctx.reply.null();
      return;
    }
    const member = set.random();
    set.delete(member);
    ctx.db.keyChanged(key, "spop", NOTIFY_SET);
    ctx.reply.bulk(member);
    if (ctx.server.propagation.active) ctx.server.propagation.rewrite(["SREM", key, member]);
    if (set.size === 0) {
      ctx.db.delete(key);
      ctx.db.keyChanged(key, "del", NOTIFY_GENERIC);
    }
  },
} satisfies CommandSpec;

/**
 * SMOVE source destination member — O(1). Moves a member between sets; 1 if it was moved (or is
 * already in the one set named twice), 0 if it was not in the source. A missing source answers 0
 * before any type check.
 */
export const SMOVE = {
  name: "smove",
  arity: 4,
  flags: ["write", "fast"],
  keys: { first: 1, last: 2, step: 1 },
  categories: ["write", "set", "fast"],
  run(ctx, args) {
    const sourceKey = args[1]!;
    const destinationKey = args[2]!;
    const member = args[3]!;
    const source = ctx.db.get(sourceKey);
    const found = ctx.db.get(destinationKey);
    if (source === undefined) {
      ctx.reply.integer(0);
      return;
    }
    if (!(source instanceof RedisSet) || (found !== undefined && !(found instanceof RedisSet))) {
      throw new ReplyError(ERR_WRONGTYPE);
    }
    let destination = found;
    if (source === destination) {
      ctx.reply.integer(source.has(member) ? 1 : 0);
      return;
    }
    if (!source.delete(member)) {
      ctx.reply.integer(0);
      return;
    }
    ctx.db.keyChanged(sourceKey, "srem", NOTIFY_SET);
    if (source.size === 0) {
      ctx.db.delete(sourceKey);
      ctx.db.keyChanged(sourceKey, "del", NOTIFY_GENERIC);
    }
    if (destination === undefined) {
      destination = RedisSet.forMember(member);
      ctx.db.set(destinationKey, destination);
    }
    if (destination.add(member, ctx.server.config["set-max-intset-entries"])) ctx.db.keyChanged(destinationKey, "sadd", NOTIFY_SET);
    ctx.reply.integer(1);
  },
} satisfies CommandSpec;

/** SINTER key [key ...] — O(N×M), N the smallest set's size, M the number of sets. As a RESP3 set. */
export const SINTER = {
  name: "sinter",
  arity: -2,
  flags: ["readonly"],
  keys: ALL_KEYS,
  categories: ["read", "set", "slow"],
  run(ctx, args) {
    const sets = readSets(ctx, args, 1, args.length);
    const members = sets.includes(undefined) ? [] : intersection(sets as RedisSet[], 0);
    ctx.reply.set(members.length);
    for (const member of members) ctx.reply.bulk(member);
  },
} satisfies CommandSpec;

/**
 * SINTERCARD numkeys key [key ...] [LIMIT limit] — O(N×M). The size of the intersection,
 * counting stops at `limit` (0: no limit).
 */
export const SINTERCARD = {
  name: "sintercard",
  arity: -3,
  flags: ["readonly", "movablekeys"],
  keys: NO_KEYS,
  categories: ["read", "set", "slow"],
  keyIndexes(args) {
    const count = toInteger(args[1] ?? "");
    const indexes: number[] = [];
    if (count === undefined) return indexes;
    for (let i = 2; i < 2 + count && i < args.length; i++) indexes.push(i);
    return indexes;
  },
  run(ctx, args) {
    const numkeys = toInteger(args[1]!);
    if (numkeys === undefined || numkeys < 1) throw new ReplyError(ERR_SET_NUMKEYS);
    if (numkeys > args.length - 2) throw new ReplyError(ERR_SET_TOO_MANY_KEYS);
    let limit = 0;
    for (let i = 2 + numkeys; i < args.length; i++) {
      if (isOption(args[i]!, "LIMIT") && i + 1 < args.length) limit = parseNonNegative(args[++i]!, ERR_SET_LIMIT_NEGATIVE);
      else throw new ReplyError(ERR_SYNTAX);
    }
    const sets = readSets(ctx, args, 2, 2 + numkeys);
    ctx.reply.integer(sets.includes(undefined) ? 0 : intersection(sets as RedisSet[], limit).length);
  },
} satisfies CommandSpec;

/** SINTERSTORE destination key [key ...] — O(N×M). Stores the intersection (an empty one deletes the destination); replies with its size. */
export const SINTERSTORE = {
  name: "sinterstore",
  arity: -3,
  flags: ["write", "denyoom"],
  keys: ALL_KEYS,
  categories: ["write", "set", "slow"],
  run(ctx, args) {
    const sets = readSets(ctx, args, 2, args.length);
    const result = RedisSet.intset();
    if (!sets.includes(undefined)) {
      const max = ctx.server.config["set-max-intset-entries"];
      for (const member of intersection(sets as RedisSet[], 0)) result.add(member, max);
    }
    storeResult(ctx, args[1]!, result, "sinterstore");
  },
} satisfies CommandSpec;

/** SUNION key [key ...] — O(N), N the total number of members. As a RESP3 set. */
export const SUNION = {
  name: "sunion",
  arity: -2,
  flags: ["readonly"],
  keys: ALL_KEYS,
  categories: ["read", "set", "slow"],
  run(ctx, args) {
    const sets = readSets(ctx, args, 1, args.length);
    replyMembers(ctx.reply, union(sets, ctx.server.config["set-max-intset-entries"]));
  },
} satisfies CommandSpec;

/** SUNIONSTORE destination key [key ...] — O(N). Stores the union (an empty one deletes the destination); replies with its size. */
export const SUNIONSTORE = {
  name: "sunionstore",
  arity: -3,
  flags: ["write", "denyoom"],
  keys: ALL_KEYS,
  categories: ["write", "set", "slow"],
  run(ctx, args) {
    const sets = readSets(ctx, args, 2, args.length);
    storeResult(ctx, args[1]!, union(sets, ctx.server.config["set-max-intset-entries"]), "sunionstore");
  },
} satisfies CommandSpec;

/** SDIFF key [key ...] — O(N). The members of the first set in none of the others, as a RESP3 set. */
export const SDIFF = {
  name: "sdiff",
  arity: -2,
  flags: ["readonly"],
  keys: ALL_KEYS,
  categories: ["read", "set", "slow"],
  run(ctx, args) {
    const sets = readSets(ctx, args, 1, args.length);
    replyMembers(ctx.reply, difference(sets, ctx.server.config["set-max-intset-entries"]));
  },
} satisfies CommandSpec;

/** SDIFFSTORE destination key [key ...] — O(N). Stores the difference (an empty one deletes the destination); replies with its size. */
export const SDIFFSTORE = {
  name: "sdiffstore",
  arity: -3,
  flags: ["write", "denyoom"],
  keys: ALL_KEYS,
  categories: ["write", "set", "slow"],
  run(ctx, args) {
    const sets = readSets(ctx, args, 2, args.length);
    storeResult(ctx, args[1]!, difference(sets, ctx.server.config["set-max-intset-entries"]), "sdiffstore");
  },
} satisfies CommandSpec;

/** Adds the member at `index` to an SSCAN reply when it matches. */
function collectMember(set: RedisSet, index: number, pattern: string | undefined, members: string[]): void {
  const member = set.at(index);
  if (pattern === undefined || globMatch(pattern, member)) members.push(member);
}

/**
 * SSCAN key cursor [MATCH pattern] [COUNT count] — O(1) per call, O(N) for a whole scan. An
 * intset answers in one call with cursor 0 (ascending), as Redis does; a hashtable walks down its
 * members (see `scanWindow` in store/types/hash.ts for the guarantee).
 */
export const SSCAN = {
  name: "sscan",
  arity: -3,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "set", "slow"],
  run(ctx, args) {
    const cursor = parseScanCursor(args[2]!);
    const set = readSet(ctx, args[1]!);
    // Redis parses the options only once it has a key to scan.
    if (set === undefined) return replyEmptyScan(ctx.reply);
    const { count, pattern } = parseScanOptions(args, 3);
    const members: string[] = [];
    if (set.isIntset) {
      for (let i = 0; i < set.size; i++) collectMember(set, i, pattern, members);
      return replyScan(ctx.reply, 0, members);
    }
    const { from, to, next } = scanWindow(cursor, set.size, count);
    for (let i = from; i >= to; i--) collectMember(set, i, pattern, members);
    replyScan(ctx.reply, next, members);
  },
} satisfies CommandSpec;

/** Every set command. */
export const SET_COMMANDS: readonly CommandSpec[] = [
  SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS, SRANDMEMBER, SPOP, SMOVE,
  SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE, SSCAN,
];
