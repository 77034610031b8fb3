/**
 * @module
 * DUMP and RESTORE: a key's value in Redis's serialisation (an RDB fragment with the RDB version
 * and a CRC64), byte for byte what redis-server produces wherever the contents decide the bytes,
 * so payloads travel between bunredis and Redis both ways.
 */
import { dumpValue, DumpPayloadError, RdbError, restoreValue } from "../../persist/rdb.ts";
import type { Value } from "../../store/keyspace.ts";
import { toBigInteger } from "../arguments.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../command.ts";
import {
  ERR_BAD_DATA_FORMAT,
  ERR_BUSYKEY,
  ERR_DUMP_PAYLOAD,
  ERR_NOT_INTEGER,
  ERR_RESTORE_FREQ,
  ERR_RESTORE_IDLETIME,
  ERR_RESTORE_TTL,
  ERR_SYNTAX,
  ReplyError,
} from "../errors.ts";
import { NOTIFY_GENERIC } from "../notifications.ts";

/** DUMP key — O(1) to find the key, O(N*M) to serialise it. The payload, or nil when the key is missing. */
export const DUMP = {
  name: "dump",
  arity: 2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["keyspace", "read", "slow"],
  run({ server, db, reply }, args) {
    const value = server.lookupRead(db, args[1]!);
    if (value === undefined) return reply.null();
    const config = server.config;
    const payload = dumpValue(value, { compression: config.rdbcompression, checksum: true, listMaxListpackSize: config["list-max-listpack-size"] });
    reply.bulk(Buffer.from(payload.buffer, payload.byteOffset, payload.length).latin1Slice(0, payload.length));
  },
} satisfies CommandSpec;

/** RESTORE's options after the payload. */
interface RestoreOptions {
  replace: boolean;
  absttl: boolean;
  /** IDLETIME seconds, when given. */
  idle: bigint | undefined;
  /** FREQ counter, when given (validated; there is no LFU counter to set). */
  freq: bigint | undefined;
}

/** RESTORE's options, parsed as Redis does (IDLETIME and FREQ exclude each other: a syntax error). */
function parseOptions(args: readonly string[]): RestoreOptions {
  const options: RestoreOptions = { replace: false, absttl: false, idle: undefined, freq: undefined };
  for (let i = 4; i < args.length; i++) {
    const option = args[i]!.toLowerCase();
    const hasValue = i + 1 < args.length;
    if (option === "replace") options.replace = true;
    else if (option === "absttl") options.absttl = true;
    else if (option === "idletime" && hasValue && options.freq === undefined) {
      const idle = toBigInteger(args[++i]!);
      if (idle === undefined) throw new ReplyError(ERR_NOT_INTEGER);
      if (idle < 0n) throw new ReplyError(ERR_RESTORE_IDLETIME);
      options.idle = idle;
    } else if (option === "freq" && hasValue && options.idle === undefined) {
      const freq = toBigInteger(args[++i]!);
      if (freq === undefined) throw new ReplyError(ERR_NOT_INTEGER);
      if (freq < 0n || freq > 255n) throw new ReplyError(ERR_RESTORE_FREQ);
      options.freq = freq;
    } else throw new ReplyError(ERR_SYNTAX);
  }
  return options;
}

/** The value in a payload, or the reply error Redis gives for it. */
function decode(ctx: CommandContext, payload: string): Value {
  try {
    return restoreValue(Buffer.from(payload, "latin1"), ctx.server.config);
  } catch (error) {
    if (error instanceof DumpPayloadError) throw new ReplyError(ERR_DUMP_PAYLOAD);
    if (error instanceof RdbError) throw new ReplyError(ERR_BAD_DATA_FORMAT);
    throw error;
  }
}

/** Redis's LRU_CLOCK_MAX: its per-object access clock is 24 bits of seconds, wrapping. */
const LRU_CLOCK_MAX = (1 << 24) - 1;

/**
 * The idle time OBJECT IDLETIME reports after RESTORE ... IDLETIME `idle`, as Redis's 24-bit
 * wrapping LRU clock makes it (idle times past about 194 days wrap around), 64-bit overflow
 * included.
 */
function idleAfterRestore(idle: bigint, nowMs: number): number {
  const clock = Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
  const scaled = BigInt.asIntN(64, idle * 1000n) / 1000n;
  let absolute = BigInt.asIntN(64, BigInt(clock) - scaled);
  if (absolute < 0n) absolute += BigInt(LRU_CLOCK_MAX);
  const stored = Number(BigInt.asUintN(24, absolute));
  return clock >= stored ? clock - stored : clock + (LRU_CLOCK_MAX - stored);
}

/**
 * RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] —
 * O(1) to create the key, O(N*M) to decode the value. A ttl of 0 means none; one already past
 * (with ABSTTL) creates nothing and replies OK, deleting the old key under REPLACE. It is handed
 * on with an absolute ttl (ABSTTL), as Redis propagates it.
 */
export const RESTORE = {
  name: "restore",
  arity: -4,
  flags: ["write", "denyoom"],
  keys: FIRST_KEY,
  categories: ["keyspace", "write", "slow", "dangerous"],
  run(ctx, args) {
    const { server, db, reply } = ctx;
    const options = parseOptions(args);
    const key = args[1]!;
    if (!options.replace && db.get(key) !== undefined) throw new ReplyError(ERR_BUSYKEY);
    const ttl = toBigInteger(args[2]!);
    if (ttl === undefined) throw new ReplyError(ERR_NOT_INTEGER);
    if (ttl < 0n) throw new ReplyError(ERR_RESTORE_TTL);
    const value = decode(ctx, args[3]!);
    const deleted = options.replace && db.delete(key);
    const now = db.clock.now();
    // Redis adds in 64 bits: a relative ttl near 2^63 wraps negative, hence into the past.
    const when = ttl === 0n ? undefined : options.absttl ? ttl : BigInt.asIntN(64, ttl + BigInt(now));
    const propagation = server.propagation;
    if (when !== undefined && when <= BigInt(now)) {
      if (deleted) {
        if (propagation.active) propagation.rewrite(["DEL", key]);
        db.keyChanged(key, "del", NOTIFY_GENERIC);
      }
      return reply.simple("OK");
    }
    db.set(key, value);
    if (when !== undefined) {
      db.setExpire(key, Number.isSafeInteger(Number(when)) ? Number(when) : when);
      if (!options.absttl && propagation.active) {
        const handed = args.slice();
        handed[2] = String(when);
        handed.push("ABSTTL");
        propagation.rewrite(handed);
      }
    }
    // Redis sets the access time or the LFU counter, whichever its maxmemory-policy tracks.
    const lfu = server.config["maxmemory-policy"].endsWith("lfu");
    if (!lfu && options.idle !== undefined) db.setIdleSeconds(key, idleAfterRestore(options.idle, now));
    db.keyChanged(key, "restore", NOTIFY_GENERIC);
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** Every command of the group. */
export const DUMP_COMMANDS: readonly CommandSpec[] = [DUMP, RESTORE];
