/**
 * @module
 * The HyperLogLog group: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST. An HLL is a string value
 * in Redis's exact byte layout (store/types/hyperloglog.ts), so GET/SET/DUMP carry it between
 * servers. Where Redis unshares the value to change it (PFADD, single-key PFCOUNT, PFMERGE's
 * destination, PFDEBUG) it becomes a `ByteString` once, changed in place from then on; values
 * that are only read (PFCOUNT of several keys, PFMERGE's sources) are left as they are.
 */
import type { Value } from "../../store/keyspace.ts";
import {
  cachedCardinality, countRegisters, createHll, decodeSparse, denseRegister, HLL_DENSE, HLL_REGISTERS, HLL_SPARSE, hllAdd,
  hllCount, hllEncoding, hllSet, invalidateCache, isHll, isHllText, mergeInto, selfTest, setCachedCardinality, sparseToDense,
} from "../../store/types/hyperloglog.ts";
import { ByteString } from "../../store/types/string.ts";
import { FIRST_KEY, NO_KEYS, type CommandContext, type CommandSpec } from "../command.ts";
import {
  ERR_HLL_CORRUPT, ERR_HLL_NO_SUCH_KEY, ERR_HLL_NOT_SPARSE, ERR_HLL_WRONGTYPE, ERR_PFDEBUG_UNKNOWN, ERR_WRONGTYPE, ReplyError,
} from "../errors.ts";
import { NOTIFY_STRING } from "../notifications.ts";

/**
 * Redis's `isHLLObjectOrReply` for a value found at a key: the plain WRONGTYPE for another type,
 * the HLL one for a string that is not an HLL. Returns the value as bytes to read, without
 * storing anything (a plain string is copied: reading an HLL is O(registers) anyway).
 */
function readableHll(value: Value): ByteString {
  if (typeof value === "string") {
    if (!isHllText(value)) throw new ReplyError(ERR_HLL_WRONGTYPE);
    return ByteString.from(value);
  }
  if (!(value instanceof ByteString)) throw new ReplyError(ERR_WRONGTYPE);
  if (!isHll(value.bytes, value.length)) throw new ReplyError(ERR_HLL_WRONGTYPE);
  return value;
}

/**
 * The checks of `readableHll`, then Redis's `dbUnshareStringValue`: the value at `key` becomes a
 * `ByteString` (once; its TTL kept) that the caller changes in place.
 */
function writableHll(ctx: CommandContext, key: string, value: Value): ByteString {
  if (typeof value === "string") {
    if (!isHllText(value)) throw new ReplyError(ERR_HLL_WRONGTYPE);
    const hll = ByteString.from(value);
    ctx.db.set(key, hll, true);
    return hll;
  }
  return readableHll(value);
}

/**
 * Redis's signalModifiedKey without a keyspace notification (PFCOUNT refreshing the cached
 * cardinality): WATCH sees a change and it counts as one; class 0 publishes nothing.
 */
function signalModified(ctx: CommandContext, key: string): void {
  ctx.db.keyChanged(key, "", 0);
}

/** An estimate as an integer reply; one past 2^53 (forged registers only) exactly, as a bigint. */
function replyCount(ctx: CommandContext, count: number): void {
  ctx.reply.integer(Number.isSafeInteger(count) ? count : BigInt(count));
}

/**
 * PFADD key [element ...] — O(1) per element. 1 when a register changed (or the key was
 * created), else 0. A corrupt sparse value fails mid-way, keeping the elements added before.
 */
export const PFADD = {
  name: "pfadd",
  arity: -2,
  flags: ["write", "denyoom", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "hyperloglog", "fast"],
  run(ctx, args) {
    const db = ctx.db;
    const key = args[1]!;
    const value = db.get(key);
    let hll: ByteString;
    let updated = 0;
    if (value === undefined) {
      hll = createHll();
      db.set(key, hll);
      updated = 1;
    } else hll = writableHll(ctx, key, value);
    const sparseMaxBytes = ctx.server.config["hll-sparse-max-bytes"];
    for (let j = 2; j < args.length; j++) {
      const result = hllAdd(hll, args[j]!, sparseMaxBytes);
      if (result === 1) updated++;
      else if (result === -1) throw new ReplyError(ERR_HLL_CORRUPT);
    }
    if (updated === 0) {
      ctx.reply.integer(0);
      return;
    }
    invalidateCache(hll);
    db.keyChanged(key, "pfadd", NOTIFY_STRING);
    // Redis counts each changed register as a change (INFO's rdb_changes_since_last_save).
    ctx.server.dirty += updated - 1;
    ctx.reply.integer(1);
  },
} satisfies CommandSpec;

/**
 * PFCOUNT key [key ...] — O(1) with a valid cached cardinality, else O(registers); O(N) for N
 * keys (their union, not cached). Counting one key stores the estimate in its header, a change
 * that is signalled and propagated though the command is read-only, as in Redis.
 */
export const PFCOUNT = {
  name: "pfcount",
  arity: -2,
  flags: ["readonly"],
  keys: { first: 1, last: -1, step: 1 },
  categories: ["read", "hyperloglog", "slow"],
  run(ctx, args) {
    if (args.length > 2) {
      const registers = new Uint8Array(HLL_REGISTERS);
      for (let j = 1; j < args.length; j++) {
        const value = ctx.server.lookupRead(ctx.db, args[j]!);
        if (value === undefined) continue;
        if (!mergeInto(registers, readableHll(value))) throw new ReplyError(ERR_HLL_CORRUPT);
      }
      replyCount(ctx, countRegisters(registers));
      return;
    }
    const key = args[1]!;
    const value = ctx.server.lookupRead(ctx.db, key);
    if (value === undefined) {
      ctx.reply.integer(0);
      return;
    }
    const hll = writableHll(ctx, key, value);
    const cached = cachedCardinality(hll);
    if (cached !== undefined) {
      ctx.reply.integer(cached);
      return;
    }
    const count = hllCount(hll);
    if (count === undefined) throw new ReplyError(ERR_HLL_CORRUPT);
    setCachedCardinality(hll, count);
    signalModified(ctx, key);
    replyCount(ctx, count);
  },
} satisfies CommandSpec;

/**
 * PFMERGE destkey [sourcekey ...] — O(N) for N keys. The destination (itself one of the inputs)
 * takes each register's maximum; it turns dense when any input is dense, else stays sparse as
 * far as the registers allow.
 */
export const PFMERGE = {
  name: "pfmerge",
  arity: -2,
  flags: ["write", "denyoom"],
  keys: { first: 1, last: -1, step: 1 },
  categories: ["write", "hyperloglog", "slow"],
  run(ctx, args) {
    const registers = new Uint8Array(HLL_REGISTERS);
    let useDense = false;
    for (let j = 1; j < args.length; j++) {
      const value = ctx.server.lookupRead(ctx.db, args[j]!);
      if (value === undefined) continue;
      const source = readableHll(value);
      if (hllEncoding(source) === HLL_DENSE) useDense = true;
      if (!mergeInto(registers, source)) throw new ReplyError(ERR_HLL_CORRUPT);
    }
    const key = args[1]!;
    const value = ctx.db.get(key);
    let hll: ByteString;
    if (value === undefined) {
      hll = createHll();
      ctx.db.set(key, hll);
    } else hll = writableHll(ctx, key, value);
    if (useDense && !sparseToDense(hll)) throw new ReplyError(ERR_HLL_CORRUPT);
    const sparseMaxBytes = ctx.server.config["hll-sparse-max-bytes"];
    for (let j = 0; j < HLL_REGISTERS; j++) {
      if (registers[j] !== 0) hllSet(hll, j, registers[j]!, sparseMaxBytes);
    }
    invalidateCache(hll);
    // Redis announces a merge as `pfadd`: in effect, many elements were added.
    ctx.db.keyChanged(key, "pfadd", NOTIFY_STRING);
    ctx.reply.simple("OK");
  },
} satisfies CommandSpec;

/**
 * PFDEBUG GETREG|DECODE|ENCODING|TODENSE key — O(registers). Internal: the registers (turning a
 * sparse HLL dense), the sparse opcodes, the encoding, or a conversion to dense. The key is looked
 * up and checked before the subcommand is.
 */
export const PFDEBUG = {
  name: "pfdebug",
  arity: 3,
  flags: ["write", "denyoom", "admin"],
  keys: { first: 2, last: 2, step: 1 },
  categories: ["write", "hyperloglog", "admin", "slow", "dangerous"],
  run(ctx, args) {
    const sub = args[1]!;
    const key = args[2]!;
    const value = ctx.db.get(key);
    if (value === undefined) throw new ReplyError(ERR_HLL_NO_SUCH_KEY);
    const hll = writableHll(ctx, key, value);
    switch (sub.toLowerCase()) {
      case "getreg": {
        if (hllEncoding(hll) === HLL_SPARSE) toDense(ctx, hll);
        ctx.reply.array(HLL_REGISTERS);
        for (let j = 0; j < HLL_REGISTERS; j++) ctx.reply.integer(denseRegister(hll.bytes, j));
        return;
      }
      case "decode":
        if (hllEncoding(hll) !== HLL_SPARSE) throw new ReplyError(ERR_HLL_NOT_SPARSE);
        ctx.reply.bulk(decodeSparse(hll));
        return;
      case "encoding":
        ctx.reply.simple(hllEncoding(hll) === HLL_DENSE ? "dense" : "sparse");
        return;
      case "todense": {
        const sparse = hllEncoding(hll) === HLL_SPARSE;
        if (sparse) toDense(ctx, hll);
        ctx.reply.integer(sparse ? 1 : 0);
        return;
      }
      default:
        throw new ReplyError(ERR_PFDEBUG_UNKNOWN(sub));
    }
  },
} satisfies CommandSpec;

/** PFDEBUG's conversion: counted as a change (so it propagates), but neither signalled nor announced. */
function toDense(ctx: CommandContext, hll: ByteString): void {
  if (!sparseToDense(hll)) throw new ReplyError(ERR_HLL_CORRUPT);
  ctx.server.dirty++;
}

/**
 * PFSELFTEST — Redis's self-test of the register layout and of the estimate's error over 10
 * million elements (about as long in Bun as the test takes in Redis times a few). +OK, or
 * `-TESTFAILED ...`.
 */
export const PFSELFTEST = {
  name: "pfselftest",
  arity: 1,
  flags: ["admin"],
  keys: NO_KEYS,
  categories: ["hyperloglog", "admin", "slow", "dangerous"],
  run(ctx) {
    const failure = selfTest(ctx.server.config["hll-sparse-max-bytes"]);
    if (failure !== undefined) throw new ReplyError(failure);
    ctx.reply.simple("OK");
  },
} satisfies CommandSpec;

/** Every command of the group. */
export const HYPERLOGLOG_COMMANDS: readonly CommandSpec[] = [PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST];
