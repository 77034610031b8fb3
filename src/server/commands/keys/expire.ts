/**
 * @module
 * Expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX | XX | GT | LT), TTL, PTTL,
 * EXPIRETIME, PEXPIRETIME and PERSIST. Times are milliseconds since the epoch in the keyspace;
 * arithmetic stays on numbers while exact and switches to bigints at the 64-bit edges, where Redis's
 * overflow checks and replies must come out exact.
 */
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import { toBigInteger, toInteger } from "../../arguments.ts";
import { ERR_EXPIRE_GT_AND_LT, ERR_EXPIRE_NX_AND_OTHERS, ERR_INVALID_EXPIRE, ERR_NOT_INTEGER, ERR_UNSUPPORTED_OPTION, ReplyError } from "../../errors.ts";
import { NOTIFY_GENERIC } from "../../notifications.ts";

const LLONG_MAX = 2n ** 63n - 1n;
const LLONG_MIN = -(2n ** 63n);
/** Inputs this small stay exact in doubles through `* 1000 + now`. */
const SMALL = 1e12;

/** EXPIRE's NX | XX | GT | LT conditions. */
interface ExpireConditions {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** Redis's `parseExtendedExpireArgumentsOrReply`: the options after the time, checked before it. */
function parseConditions(args: string[]): ExpireConditions | undefined {
  if (args.length === 3) return undefined;
  const conditions = { nx: false, xx: false, gt: false, lt: false };
  for (let i = 3; i < args.length; i++) {
    const option = args[i]!.toLowerCase();
    if (option === "nx" || option === "xx" || option === "gt" || option === "lt") conditions[option] = true;
    else throw new ReplyError(ERR_UNSUPPORTED_OPTION(args[i]!));
  }
  if (conditions.nx && (conditions.xx || conditions.gt || conditions.lt)) throw new ReplyError(ERR_EXPIRE_NX_AND_OTHERS);
  if (conditions.gt && conditions.lt) throw new ReplyError(ERR_EXPIRE_GT_AND_LT);
  return conditions;
}

/**
 * The absolute expiry time (ms) that `text` means: `seconds` scales by 1000, `base` is added
 * (now for EXPIRE/PEXPIRE, 0 for the AT forms). Overflowing a signed 64-bit value is Redis's
 * "invalid expire time" error.
 */
function expireTime(text: string, seconds: boolean, base: number, command: string): number | bigint {
  const value = toInteger(text);
  if (value === undefined) throw new ReplyError(ERR_NOT_INTEGER);
  if (value < SMALL && value > -SMALL) return (seconds ? value * 1000 : value) + base;
  let when = toBigInteger(text)!;
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) throw new ReplyError(ERR_INVALID_EXPIRE(command));
    when *= 1000n;
  }
  if (when > LLONG_MAX - BigInt(base)) throw new ReplyError(ERR_INVALID_EXPIRE(command));
  return when + BigInt(base);
}

/** Whether the conditions refuse replacing expiry `current` (undefined: none, i.e. infinite) by `when`. */
function refused(conditions: ExpireConditions, current: number | bigint | undefined, when: number | bigint): boolean {
  if (conditions.nx && current !== undefined) return true;
  if (conditions.xx && current === undefined) return true;
  if (conditions.gt && (current === undefined || when <= current)) return true;
  return conditions.lt && current !== undefined && when >= current;
}

/** The EXPIRE family: 1 when the expiry was set (or the key deleted, the time being past), else 0. */
function expire({ db, reply, server }: CommandContext, args: string[], seconds: boolean, relative: boolean, command: string): void {
  const conditions = parseConditions(args);
  const now = db.clock.now();
  const when = expireTime(args[2]!, seconds, relative ? now : 0, command);
  const key = args[1]!;
  if (db.get(key) === undefined) return reply.integer(0);
  if (conditions && refused(conditions, db.getExpireExact(key), when)) return reply.integer(0);
  // A time already past deletes the key (Redis propagates it as a DEL).
  const propagation = server.propagation;
  if (when <= now) {
    db.delete(key);
    db.keyChanged(key, "del", NOTIFY_GENERIC);
    if (propagation.active) propagation.rewrite(["DEL", key]);
  } else {
    db.setExpire(key, when);
    db.keyChanged(key, "expire", NOTIFY_GENERIC);
    // Replayed later, a relative time would mean a later expiry: the AOF gets the absolute time.
    if (propagation.active) propagation.rewrite(["PEXPIREAT", key, String(when)]);
  }
  reply.integer(1);
}

/** Expiry command specs share everything but name and run. */
function expireSpec(name: string, seconds: boolean, relative: boolean): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ["write", "fast"],
    keys: FIRST_KEY,
    categories: ["keyspace", "write", "fast"],
    run(ctx, args) {
      expire(ctx, args, seconds, relative, name);
    },
  };
}

/** EXPIRE key seconds [NX | XX | GT | LT] — O(1). */
export const EXPIRE = expireSpec("expire", true, true);
/** PEXPIRE key milliseconds [NX | XX | GT | LT] — O(1). */
export const PEXPIRE = expireSpec("pexpire", false, true);
/** EXPIREAT key unix-time-seconds [NX | XX | GT | LT] — O(1). */
export const EXPIREAT = expireSpec("expireat", true, false);
/** PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] — O(1). */
export const PEXPIREAT = expireSpec("pexpireat", false, false);

/**
 * The TTL family: -2 for a missing key, -1 for one without expiry, else the time left (or the
 * absolute time), in ms or rounded to seconds as Redis rounds (`(ms + 500) / 1000`). Not an access.
 */
function ttl({ server, db, reply }: CommandContext, key: string, milliseconds: boolean, absolute: boolean): void {
  if (server.lookupRead(db, key, false) === undefined) return reply.integer(-2);
  const when = db.getExpireExact(key);
  if (when === undefined) return reply.integer(-1);
  if (typeof when === "bigint") {
    let left = absolute ? when : when - BigInt(db.clock.now());
    if (left < 0n) left = 0n;
    return reply.integer(milliseconds ? left : (left + 500n) / 1000n);
  }
  const left = Math.max(0, absolute ? when : when - db.clock.now());
  reply.integer(milliseconds ? left : Math.floor((left + 500) / 1000));
}

/** TTL and its kin share everything but name and run. */
function ttlSpec(name: string, milliseconds: boolean, absolute: boolean): CommandSpec {
  return {
    name,
    arity: 2,
    flags: ["readonly", "fast"],
    keys: FIRST_KEY,
    categories: ["keyspace", "read", "fast"],
    run(ctx, args) {
      ttl(ctx, args[1]!, milliseconds, absolute);
    },
  };
}

/** TTL key — O(1). Seconds left, -1 without expiry, -2 when missing. */
export const TTL = ttlSpec("ttl", false, false);
/** PTTL key — O(1). Milliseconds left, -1 without expiry, -2 when missing. */
export const PTTL = ttlSpec("pttl", true, false);
/** EXPIRETIME key — O(1). The expiry as a unix time in seconds, -1 without, -2 when missing. */
export const EXPIRETIME = ttlSpec("expiretime", false, true);
/** PEXPIRETIME key — O(1). The expiry as a unix time in milliseconds, -1 without, -2 when missing. */
export const PEXPIRETIME = ttlSpec("pexpiretime", true, true);

/** PERSIST key — O(1). 1 when an expiry was removed, 0 when the key is missing or had none. */
export const PERSIST = {
  name: "persist",
  arity: 2,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["keyspace", "write", "fast"],
  run({ db, reply }, args) {
    const key = args[1]!;
    const persisted = db.get(key) !== undefined && db.persist(key);
    if (persisted) db.keyChanged(key, "persist", NOTIFY_GENERIC);
    reply.integer(persisted ? 1 : 0);
  },
} satisfies CommandSpec;

/** The commands of this file. */
export const EXPIRE_COMMANDS: CommandSpec[] = [EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST];
