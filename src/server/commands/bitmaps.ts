/**
 * @module
 * The bitmap group: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO. Bitmaps are
 * string values; the algorithms live in store/types/bitmap.ts. Reads look at a value where it
 * lies; a write turns the value into a ByteString once (Redis makes it `raw`) and then changes
 * bytes in place, growing amortised, so SETBIT near a 512 MB offset costs O(1) after the first.
 * Argument checks follow Redis 7.0's order and its C-string comparisons (an option word ends at
 * a NUL byte: `BITOP "and\0x"` is AND), so every error is the one Redis gives first.
 */
import {
  bitCount, bitfieldUpdate, bitop, bitPosition, BITOP_AND, BITOP_NOT, BITOP_OR, BITOP_XOR, getBit, getBitfield,
  OVERFLOW_FAIL, OVERFLOW_SAT, OVERFLOW_WRAP, setBit, setBitfield, type Bits, type FieldValue,
} from "../../store/types/bitmap.ts";
import { ByteString, integerValue } from "../../store/types/string.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../command.ts";
import {
  ERR_BIT_ARGUMENT, ERR_BIT_OFFSET, ERR_BIT_VALUE, ERR_BITFIELD_OVERFLOW, ERR_BITFIELD_RO, ERR_BITFIELD_TYPE, ERR_BITOP_NOT,
  ERR_NOT_INTEGER, ERR_SYNTAX, ReplyError,
} from "../errors.ts";
import { NOTIFY_GENERIC, NOTIFY_STRING } from "../notifications.ts";
import { integerArgument, ownBytes, readStringValue, stringValueOrWrongType, writableStringValue } from "./strings/helpers.ts";

/**
 * Whether `arg` is `word` (upper-case letters) as C's strcasecmp sees it: case-insensitive, and
 * ending at the first NUL byte, since Redis compares these arguments as C strings.
 */
function isWord(arg: string, word: string): boolean {
  const length = word.length;
  if (arg.length < length || (arg.length > length && arg.charCodeAt(length) !== 0)) return false;
  for (let i = 0; i < length; i++) {
    const c = arg.charCodeAt(i);
    if (c !== word.charCodeAt(i) && (c ^ 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Redis's getBitOffsetFromArgument: a bit offset below proto-max-bulk-len bytes. For BITFIELD
 * (`width` > 0) `#N` means N fields of `width` bits, multiplied in wrapping 64-bit arithmetic as
 * Redis does. An offset past 2^53 is refused too: no proto-max-bulk-len a config accepts would
 * let a value that large be allocated.
 */
function bitOffset(ctx: CommandContext, text: string, width: number): number {
  const hash = width > 0 && text.charCodeAt(0) === 35;
  const parsed = integerValue(hash ? text.slice(1) : text);
  if (parsed === undefined) throw new ReplyError(ERR_BIT_OFFSET);
  let offset = parsed;
  if (hash) {
    if (typeof parsed === "number" && Math.abs(parsed) <= 2 ** 44) offset = parsed * width;
    else {
      // The product may wrap around to a small offset (`#2305843009213693953` of u8 is bit 8).
      const wrapped = BigInt.asIntN(64, BigInt(parsed) * BigInt(width));
      offset = wrapped >= -MAX_SAFE && wrapped <= MAX_SAFE ? Number(wrapped) : wrapped;
    }
  }
  if (typeof offset === "bigint" || offset < 0 || Math.floor(offset / 8) >= ctx.server.config["proto-max-bulk-len"]) {
    throw new ReplyError(ERR_BIT_OFFSET);
  }
  return offset;
}

/** BITCOUNT's and BITPOS's unit: BIT (true) or BYTE (false); anything else is a syntax error. */
function isBitUnit(arg: string): boolean {
  if (isWord(arg, "BIT")) return true;
  if (isWord(arg, "BYTE")) return false;
  throw new ReplyError(ERR_SYNTAX);
}

/**
 * The value of `key` as bytes to write into (Redis's lookupStringForBitCommand): created empty
 * when absent (the caller grows it), converted once from a plain string, WRONGTYPE otherwise.
 */
function bitTarget(ctx: CommandContext, key: string, size: number): ByteString {
  const value = writableStringValue(ctx, key);
  if (value !== undefined) return ownBytes(ctx, key, value, size);
  const created = new ByteString(new Uint8Array(size), 0);
  ctx.db.set(key, created);
  return created;
}

/** SETBIT key offset value — O(1) (amortised when the value grows). Replies with the old bit. */
export const SETBIT = {
  name: "setbit",
  arity: 4,
  flags: ["write", "denyoom"],
  keys: FIRST_KEY,
  categories: ["write", "bitmap", "slow"],
  run(ctx, args) {
    const key = args[1]!;
    const offset = bitOffset(ctx, args[2]!, 0);
    const on = integerValue(args[3]!);
    if (on !== 0 && on !== 1) throw new ReplyError(ERR_BIT_VALUE);
    const size = Math.floor(offset / 8) + 1;
    const target = bitTarget(ctx, key, size);
    const grew = target.length < size;
    target.grow(size);
    const old = setBit(target.bytes, offset, on);
    // Redis signals (and propagates) only a created, grown or changed value.
    if (grew || old !== on) ctx.db.keyChanged(key, "setbit", NOTIFY_STRING);
    ctx.reply.integer(old);
  },
} satisfies CommandSpec;

/** GETBIT key offset — O(1). Past the end, and for a missing key, the bit is 0. */
export const GETBIT = {
  name: "getbit",
  arity: 3,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "bitmap", "fast"],
  run(ctx, args) {
    const offset = bitOffset(ctx, args[2]!, 0);
    const value = readStringValue(ctx, args[1]!);
    ctx.reply.integer(value === undefined ? 0 : getBit(value, offset));
  },
} satisfies CommandSpec;

/**
 * BITCOUNT key [start end [BYTE | BIT]] — O(N). As in Redis 7.0 the key is looked up first: a
 * missing key answers 0 whatever the other arguments are.
 */
export const BITCOUNT = {
  name: "bitcount",
  arity: -2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "bitmap", "slow"],
  run(ctx, args) {
    const value = readStringValue(ctx, args[1]!);
    if (value === undefined) {
      ctx.reply.integer(0);
      return;
    }
    if (args.length === 2) {
      ctx.reply.integer(bitCount(value));
      return;
    }
    if (args.length !== 4 && args.length !== 5) throw new ReplyError(ERR_SYNTAX);
    const start = integerArgument(args[2]!);
    const end = integerArgument(args[3]!);
    // Redis answers this case before it reads the unit, so a bad unit goes unnoticed.
    if (start < 0 && end < 0 && start > end) {
      ctx.reply.integer(0);
      return;
    }
    const isBit = args.length === 5 && isBitUnit(args[4]!);
    ctx.reply.integer(bitCount(value, start, end, isBit));
  },
} satisfies CommandSpec;

/**
 * BITPOS key bit [start [end [BYTE | BIT]]] — O(N). A missing key is all zeros: 0 for a clear
 * bit, -1 for a set one. With no end given a clear bit is found past the value's end.
 */
export const BITPOS = {
  name: "bitpos",
  arity: -3,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "bitmap", "slow"],
  run(ctx, args) {
    const bit = integerValue(args[2]!);
    if (bit === undefined) throw new ReplyError(ERR_NOT_INTEGER);
    if (bit !== 0 && bit !== 1) throw new ReplyError(ERR_BIT_ARGUMENT);
    const value = readStringValue(ctx, args[1]!);
    if (value === undefined) {
      ctx.reply.integer(bit ? -1 : 0);
      return;
    }
    const argc = args.length;
    if (argc === 3) {
      ctx.reply.integer(bitPosition(value, bit));
      return;
    }
    if (argc > 6) throw new ReplyError(ERR_SYNTAX);
    // Redis's order: start, then the unit, then end.
    const start = integerArgument(args[3]!);
    const isBit = argc === 6 && isBitUnit(args[5]!);
    const end = argc >= 5 ? integerArgument(args[4]!) : undefined;
    ctx.reply.integer(bitPosition(value, bit, start, end, isBit));
  },
} satisfies CommandSpec;

/**
 * BITOP AND|OR|XOR|NOT destkey key [key ...] — O(N). Missing sources read as empty, shorter ones
 * are zero-padded; the result is as long as the longest (stored `raw`, without a TTL), and an
 * empty result deletes destkey. Replies with the result's length.
 */
export const BITOP = {
  name: "bitop",
  arity: -4,
  flags: ["write", "denyoom"],
  keys: { first: 2, last: -1, step: 1 },
  categories: ["write", "bitmap", "slow"],
  run(ctx, args) {
    const name = args[1]!;
    let op: number;
    if (isWord(name, "AND")) op = BITOP_AND;
    else if (isWord(name, "OR")) op = BITOP_OR;
    else if (isWord(name, "XOR")) op = BITOP_XOR;
    else if (isWord(name, "NOT")) op = BITOP_NOT;
    else throw new ReplyError(ERR_SYNTAX);
    if (op === BITOP_NOT && args.length !== 4) throw new ReplyError(ERR_BITOP_NOT);
    const sources: (Bits | undefined)[] = [];
    for (let j = 3; j < args.length; j++) {
      const value = ctx.server.lookupRead(ctx.db, args[j]!);
      sources.push(value === undefined ? undefined : stringValueOrWrongType(value));
    }
    const result = bitop(op, sources);
    const destination = args[2]!;
    if (result.length > 0) {
      ctx.db.set(destination, new ByteString(result, result.length));
      ctx.db.keyChanged(destination, "set", NOTIFY_STRING);
    } else if (ctx.db.delete(destination)) {
      ctx.db.keyChanged(destination, "del", NOTIFY_GENERIC);
    }
    ctx.reply.integer(result.length);
  },
} satisfies CommandSpec;

/** BITFIELD's operations. */
const FIELD_GET = 0;
const FIELD_SET = 1;
const FIELD_INCRBY = 2;

/** One parsed BITFIELD operation, with the OVERFLOW mode in force where it appeared. */
interface FieldOperation {
  readonly opcode: number;
  readonly signed: boolean;
  readonly bits: number;
  readonly offset: number;
  /** SET's value or INCRBY's increment. */
  readonly argument: FieldValue;
  readonly overflow: number;
}

/**
 * Redis's getBitfieldTypeFromArgument: `i1`..`i64` or `u1`..`u63`, the sign letter in lower case.
 * Redis reads the width as a C string, so it ends at a NUL byte (`i8\0x` is i8).
 */
function fieldType(text: string): { signed: boolean; bits: number } {
  const sign = text.charCodeAt(0);
  if (sign !== 105 && sign !== 117) throw new ReplyError(ERR_BITFIELD_TYPE);
  const signed = sign === 105;
  const nul = text.indexOf("\0", 1);
  const bits = integerValue(nul === -1 ? text.slice(1) : text.slice(1, nul));
  if (bits === undefined || bits < 1 || bits > (signed ? 64 : 63)) throw new ReplyError(ERR_BITFIELD_TYPE);
  return { signed, bits: Number(bits) };
}

/**
 * BITFIELD and BITFIELD_RO: every operation is parsed (and every argument error reported) before
 * anything is read or written; GETs alone are a read, anything else writes (refused by
 * BITFIELD_RO) after growing the value once to the farthest bit written.
 */
function bitfield(ctx: CommandContext, args: string[], onlyGet: boolean): void {
  const key = args[1]!;
  const operations: FieldOperation[] = [];
  let overflow = OVERFLOW_WRAP;
  let writes = false;
  let highest = 0;
  for (let j = 2; j < args.length; j++) {
    const remaining = args.length - j - 1;
    const word = args[j]!;
    let opcode: number;
    if (isWord(word, "GET") && remaining >= 2) opcode = FIELD_GET;
    else if (isWord(word, "SET") && remaining >= 3) opcode = FIELD_SET;
    else if (isWord(word, "INCRBY") && remaining >= 3) opcode = FIELD_INCRBY;
    else if (isWord(word, "OVERFLOW") && remaining >= 1) {
      const mode = args[++j]!;
      if (isWord(mode, "WRAP")) overflow = OVERFLOW_WRAP;
      else if (isWord(mode, "SAT")) overflow = OVERFLOW_SAT;
      else if (isWord(mode, "FAIL")) overflow = OVERFLOW_FAIL;
      else throw new ReplyError(ERR_BITFIELD_OVERFLOW);
      continue;
    } else throw new ReplyError(ERR_SYNTAX);
    const { signed, bits } = fieldType(args[j + 1]!);
    const offset = bitOffset(ctx, args[j + 2]!, bits);
    let argument: FieldValue = 0;
    if (opcode !== FIELD_GET) {
      writes = true;
      if (offset + bits - 1 > highest) highest = offset + bits - 1;
      argument = integerArgument(args[j + 3]!);
      j++;
    }
    operations.push({ opcode, signed, bits, offset, argument, overflow });
    j += 2;
  }

  if (!writes) {
    const value = readStringValue(ctx, key);
    ctx.reply.array(operations.length);
    for (const op of operations) ctx.reply.integer(getBitfield(value, op.offset, op.bits, op.signed));
    return;
  }
  if (onlyGet) throw new ReplyError(ERR_BITFIELD_RO);
  const size = Math.floor(highest / 8) + 1;
  const target = bitTarget(ctx, key, size);
  const grew = target.length < size;
  target.grow(size);
  ctx.reply.array(operations.length);
  let changes = 0;
  for (const op of operations) {
    const old = getBitfield(target, op.offset, op.bits, op.signed);
    if (op.opcode === FIELD_GET) {
      ctx.reply.integer(old);
      continue;
    }
    const increment = op.opcode === FIELD_INCRBY;
    const next = bitfieldUpdate(old, op.argument, increment, op.bits, op.signed, op.overflow);
    // OVERFLOW FAIL: nothing written, a nil in the reply.
    if (next === undefined) {
      ctx.reply.null();
      continue;
    }
    ctx.reply.integer(increment ? next : old);
    setBitfield(target.bytes, op.offset, op.bits, next);
    if (grew || old !== next) changes++;
  }
  if (changes > 0) {
    ctx.db.keyChanged(key, "setbit", NOTIFY_STRING);
    // Redis counts every changed field as a change to save; keyChanged counted one.
    ctx.server.dirty += changes - 1;
  }
}

/**
 * BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
 * [OVERFLOW WRAP|SAT|FAIL] ... — O(1) per operation. Types i1..i64 and u1..u63; `#N` offsets
 * count fields; OVERFLOW applies to the SET and INCRBY after it.
 */
export const BITFIELD = {
  name: "bitfield",
  arity: -2,
  flags: ["write", "denyoom"],
  keys: FIRST_KEY,
  categories: ["write", "bitmap", "slow"],
  run(ctx, args) {
    bitfield(ctx, args, false);
  },
} satisfies CommandSpec;

/** BITFIELD_RO key [GET type offset ...] — O(1) per GET; a read-only BITFIELD (for replicas and scripts). */
export const BITFIELD_RO = {
  name: "bitfield_ro",
  arity: -2,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "bitmap", "fast"],
  run(ctx, args) {
    bitfield(ctx, args, true);
  },
} satisfies CommandSpec;

/** Every command of the group. */
export const BITMAP_COMMANDS: readonly CommandSpec[] = [SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO];
