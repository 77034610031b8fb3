/**
 * @module
 * Reading and writing whole string values: GET, SET (with its options), SETNX, SETEX, PSETEX,
 * GETSET, GETDEL, GETEX, MGET, MSET, MSETNX. GET, SET and MSET are the hottest commands there
 * are, so their plain forms take a path with no option parsing and no allocation of their own.
 */
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_ARITY, ReplyError } from "../../errors.ts";
import { NOTIFY_GENERIC, NOTIFY_STRING } from "../../notifications.ts";
import { stringContent } from "../../../store/types/string.ts";
import { contentOrWrongType, EX, EXAT, expireTime, GET as GET_OPTION, KEEPTTL, NX, parseExtendedOptions, PERSIST, PX, PXAT, readString, XX } from "./helpers.ts";

/** GET key — O(1). */
export const GET = {
  name: "get",
  arity: 2,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "string", "fast"],
  run(ctx, args) {
    const value = ctx.server.lookupRead(ctx.db, args[1]!);
    if (value === undefined) ctx.reply.null();
    else ctx.reply.bulk(typeof value === "string" ? value : contentOrWrongType(value));
  },
} satisfies CommandSpec;

/**
 * SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
 * PXAT unix-time-milliseconds | KEEPTTL] — O(1). Without KEEPTTL the old TTL goes; an expire
 * time already past leaves a key that expires at once (counted as expired, as in Redis).
 */
export const SET = {
  name: "set",
  arity: -3,
  flags: ["write", "denyoom"],
  keys: FIRST_KEY,
  categories: ["write", "string", "slow"],
  run(ctx, args) {
    if (args.length === 3) {
      const db = ctx.db;
      const key = args[1]!;
      // Redis looks the key up first: one whose time has come expires (and is announced) before.
      if (db.expires.size !== 0) db.expireIfNeeded(key);
      db.set(key, args[2]!);
      db.keyChanged(key, "set", NOTIFY_STRING);
      ctx.reply.simple("OK");
      return;
    }
    setWithOptions(ctx, args);
  },
} satisfies CommandSpec;

/** SET with options, in Redis's order: parse, validate the expire, GET's reply, NX/XX, write. */
function setWithOptions(ctx: CommandContext, args: string[]): void {
  const { flags, expire } = parseExtendedOptions(args, 3, true);
  const when = expire === undefined ? 0 : expireTime(ctx, expire, flags, "set");
  const key = args[1]!;
  if (flags & GET_OPTION) ctx.reply.bulkOrNull(readString(ctx, key));
  const found = ctx.db.get(key) !== undefined;
  if ((flags & NX && found) || (flags & XX && !found)) {
    if (!(flags & GET_OPTION)) ctx.reply.null();
    return;
  }
  ctx.db.set(key, args[2]!, (flags & KEEPTTL) !== 0);
  ctx.db.keyChanged(key, "set", NOTIFY_STRING);
  if (expire !== undefined) {
    ctx.db.setExpire(key, when);
    ctx.db.keyChanged(key, "expire", NOTIFY_GENERIC);
    // A relative expiry replayed later would last longer: the AOF gets the absolute time.
    propagateSetAt(ctx, key, args[2]!, when);
  }
  if (!(flags & GET_OPTION)) ctx.reply.simple("OK");
}

/** Hands on a SET with an expiry as `SET key value PXAT when`, as Redis propagates it. */
function propagateSetAt(ctx: CommandContext, key: string, value: string, when: number | bigint): void {
  if (ctx.server.propagation.active) ctx.server.propagation.rewrite(["SET", key, value, "PXAT", String(when)]);
}

/** SETNX key value — O(1). 1 when set, 0 when the key exists. */
export const SETNX = {
  name: "setnx",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "string", "fast"],
  run({ db, reply }, args) {
    if (db.get(args[1]!) !== undefined) {
      reply.integer(0);
      return;
    }
    db.set(args[1]!, args[2]!);
    db.keyChanged(args[1]!, "set", NOTIFY_STRING);
    reply.integer(1);
  },
} satisfies CommandSpec;

/** SETEX / PSETEX: SET with a relative expire in `unit`, validated under the command's name. */
function setWithExpire(ctx: CommandContext, args: string[], unit: number, command: string): void {
  const when = expireTime(ctx, args[2]!, unit, command);
  const { db } = ctx;
  const key = args[1]!;
  if (db.expires.size !== 0) db.expireIfNeeded(key);
  db.set(key, args[3]!);
  db.keyChanged(key, "set", NOTIFY_STRING);
  db.setExpire(key, when);
  db.keyChanged(key, "expire", NOTIFY_GENERIC);
  propagateSetAt(ctx, key, args[3]!, when);
  ctx.reply.simple("OK");
}

/** SETEX key seconds value — O(1). */
export const SETEX = {
  name: "setex",
  arity: 4,
  flags: ["write", "denyoom"],
  keys: FIRST_KEY,
  categories: ["write", "string", "slow"],
  run(ctx, args) {
    setWithExpire(ctx, args, EX, "setex");
  },
} satisfies CommandSpec;

/** PSETEX key milliseconds value — O(1). */
export const PSETEX = {
  name: "psetex",
  arity: 4,
  flags: ["write", "denyoom"],
  keys: FIRST_KEY,
  categories: ["write", "string", "slow"],
  run(ctx, args) {
    setWithExpire(ctx, args, PX, "psetex");
  },
} satisfies CommandSpec;

/** GETSET key value — O(1). Replies the old value; the new one has no TTL. */
export const GETSET = {
  name: "getset",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "string", "fast"],
  run(ctx, args) {
    ctx.reply.bulkOrNull(readString(ctx, args[1]!));
    ctx.db.set(args[1]!, args[2]!);
    ctx.db.keyChanged(args[1]!, "set", NOTIFY_STRING);
  },
} satisfies CommandSpec;

/** GETDEL key — O(1). */
export const GETDEL = {
  name: "getdel",
  arity: 2,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "string", "fast"],
  run(ctx, args) {
    const value = readString(ctx, args[1]!);
    ctx.reply.bulkOrNull(value);
    if (value !== undefined && ctx.db.delete(args[1]!)) ctx.db.keyChanged(args[1]!, "del", NOTIFY_GENERIC);
  },
} satisfies CommandSpec;

/**
 * GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds
 * | PERSIST] — O(1). An absolute time already past deletes the key (not counted as expired).
 */
export const GETEX = {
  name: "getex",
  arity: -2,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "string", "fast"],
  run(ctx, args) {
    const { flags, expire } = parseExtendedOptions(args, 2, false);
    const key = args[1]!;
    const value = readString(ctx, key);
    if (value === undefined) {
      ctx.reply.null();
      return;
    }
    // Redis validates the expire only once it knows the key is there and is a string.
    const when = expire === undefined ? 0 : expireTime(ctx, expire, flags, "getex");
    ctx.reply.bulk(value);
    const db = ctx.db;
    const propagation = ctx.server.propagation;
    if (flags & (EXAT | PXAT) && when <= db.clock.now()) {
      db.delete(key);
      db.keyChanged(key, "del", NOTIFY_GENERIC);
      if (propagation.active) propagation.rewrite(["DEL", key]);
    } else if (expire !== undefined) {
      db.setExpire(key, when);
      db.keyChanged(key, "expire", NOTIFY_GENERIC);
      if (propagation.active) propagation.rewrite(["PEXPIREAT", key, String(when)]);
    } else if (flags & PERSIST && db.persist(key)) {
      db.keyChanged(key, "persist", NOTIFY_GENERIC);
      if (propagation.active) propagation.rewrite(["PERSIST", key]);
    }
  },
} satisfies CommandSpec;

/** MGET key [key ...] — O(N). A key of another type reads as nil. */
export const MGET = {
  name: "mget",
  arity: -2,
  flags: ["readonly", "fast"],
  keys: { first: 1, last: -1, step: 1 },
  categories: ["read", "string", "fast"],
  run(ctx, args) {
    const reply = ctx.reply;
    reply.array(args.length - 1);
    for (let i = 1; i < args.length; i++) {
      const value = ctx.server.lookupRead(ctx.db, args[i]!);
      const content = value === undefined ? undefined : stringContent(value);
      if (content === undefined) reply.null();
      else reply.bulk(content);
    }
  },
} satisfies CommandSpec;

/** MSET key value [key value ...] — O(N). Every old TTL goes. */
export const MSET = {
  name: "mset",
  arity: -3,
  flags: ["write", "denyoom"],
  keys: { first: 1, last: -1, step: 2 },
  categories: ["write", "string", "slow"],
  run({ db, reply }, args) {
    if (args.length % 2 === 0) throw new ReplyError(ERR_ARITY("mset"));
    for (let i = 1; i < args.length; i += 2) {
      const key = args[i]!;
      if (db.expires.size !== 0) db.expireIfNeeded(key);
      db.set(key, args[i + 1]!);
      db.keyChanged(key, "set", NOTIFY_STRING);
    }
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** MSETNX key value [key value ...] — O(N). Sets all (1) or, when any key exists, none (0). */
export const MSETNX = {
  name: "msetnx",
  arity: -3,
  flags: ["write", "denyoom"],
  keys: { first: 1, last: -1, step: 2 },
  categories: ["write", "string", "slow"],
  run({ db, reply }, args) {
    if (args.length % 2 === 0) throw new ReplyError(ERR_ARITY("msetnx"));
    for (let i = 1; i < args.length; i += 2) {
      if (db.get(args[i]!) !== undefined) {
        reply.integer(0);
        return;
      }
    }
    for (let i = 1; i < args.length; i += 2) {
      db.set(args[i]!, args[i + 1]!);
      db.keyChanged(args[i]!, "set", NOTIFY_STRING);
    }
    reply.integer(1);
  },
} satisfies CommandSpec;
