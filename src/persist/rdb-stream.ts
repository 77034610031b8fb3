/**
 * @module
 * One stream node as Redis keeps it and saves it (t_stream.c): a listpack holding a "master
 * entry" (live count, deleted count, the master field names, a 0 terminator) and then each entry
 * as flags (DELETED 1, SAMEFIELDS 2), its id as deltas from the node key (ms, seq; 64-bit
 * wrap-around), the field count and fields unless they are the master's, the values, and an
 * "lp-count" (how many elements the entry had before it, so iterators can walk backwards).
 *
 * Written entry by entry with Redis's own choices (integer elements where `lpAppendInteger` or
 * `lpAppend` would make them, SAMEFIELDS when the fields equal the master's), a node gives
 * Redis's bytes. Read back, every entry is checked the way Redis's deep
 * `streamValidateListpackIntegrity` checks it, and the counters must agree with the entries, so
 * that a corrupt payload is an RdbError rather than a stream that breaks later. Ids are not
 * required to increase inside a node: after XSETID lowered the last id below a tombstone, Redis
 * appends entries below it (the reader checks the order of live entries across the stream).
 *
 * Tombstones keep their strings in the store as in Redis's listpack (only their flags change), so
 * a node with deleted entries is saved byte for byte as Redis saves it.
 */
import { StreamNode } from "../store/types/stream.ts";
import { toU64, type U64 } from "../store/types/stream-id.ts";
import { integerValue } from "../store/types/string.ts";
import { RdbError } from "./errors.ts";
import { type ListpackBuilder, readListpack } from "./listpack.ts";

/** Redis's STREAM_ITEM_FLAG_DELETED and STREAM_ITEM_FLAG_SAMEFIELDS. */
const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;
/** Bytes of a node key (and of a PEL id): ms then seq, 64 bits each, big-endian. */
export const STREAM_ID_SIZE = 16;
const TWO_32 = 4294967296;

/** `a - b` as the signed 64-bit integer Redis stores for an id delta (uint64 wrap-around). */
function delta(a: U64, b: U64): number | bigint {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return BigInt.asIntN(64, BigInt(a) - BigInt(b));
}

/** `base + delta` modulo 2^64: an entry's id half from the node key's and the stored delta. */
function applyDelta(base: U64, change: number | bigint): U64 {
  if (typeof base === "number" && typeof change === "number") {
    const sum = base + change;
    if (sum >= 0 && sum <= Number.MAX_SAFE_INTEGER) return sum;
  }
  return toU64(BigInt.asUintN(64, BigInt(base) + BigInt(change)));
}

/** Whether entry fields `items[from], items[from + 2]...` (up to `to`) are exactly `master`. */
function sameFields(items: readonly string[], from: number, to: number, master: readonly string[]): boolean {
  if (to - from !== 2 * master.length) return false;
  for (let i = 0; i < master.length; i++) if (items[from + 2 * i] !== master[i]) return false;
  return true;
}

/** The listpack of `node`, as Redis's streamAppendItem built it (a view valid until `builder` is reused). */
export function writeStreamNode(builder: ListpackBuilder, node: StreamNode): Uint8Array {
  builder.reset();
  const master = node.masterFields;
  const { items, bounds } = node;
  builder.appendInteger(node.live);
  builder.appendInteger(node.tombstones);
  builder.appendInteger(master.length);
  for (const field of master) builder.append(field);
  builder.appendInteger(0);
  for (let i = 0; i < node.size; i++) {
    const from = bounds[i]!;
    const to = bounds[i + 1]!;
    const fieldCount = (to - from) >> 1;
    const deleted = node.deleted[i]!;
    const same = sameFields(items, from, to, master);
    builder.appendInteger((same ? FLAG_SAMEFIELDS : 0) | (deleted ? FLAG_DELETED : 0));
    builder.appendInteger(delta(node.ms[i]!, node.masterMs));
    builder.appendInteger(delta(node.seq[i]!, node.masterSeq));
    if (same) {
      for (let j = from + 1; j < to; j += 2) builder.append(items[j]!);
      builder.appendInteger(fieldCount + 3);
    } else {
      builder.appendInteger(fieldCount);
      for (let j = from; j < to; j++) builder.append(items[j]!);
      builder.appendInteger(2 * fieldCount + 4);
    }
  }
  return builder.finish();
}

/** Reads the elements of a node's listpack in order, as integers where the layout wants them. */
class ElementCursor {
  private at = 0;

  constructor(private readonly elements: readonly string[]) {}

  /** Whether every element was read. */
  get done(): boolean {
    return this.at >= this.elements.length;
  }

  /** The next element, as a byte string. */
  next(): string {
    const element = this.elements[this.at++];
    if (element === undefined) throw new RdbError("stream listpack ends inside an entry", 0);
    return element;
  }

  /** An integer element (or a string spelling one, which Redis's lpGetIntegerIfValid takes too). */
  integer(what: string): number | bigint {
    const value = integerValue(this.next());
    if (value === undefined) throw new RdbError(`stream listpack ${what} is not an integer`, 0);
    return value;
  }

  /** A non-negative count that fits a number. */
  count(what: string): number {
    const value = this.integer(what);
    if (typeof value !== "number" || value < 0) throw new RdbError(`stream listpack ${what} out of range`, 0);
    return value;
  }
}

/**
 * The node keyed (`masterMs`, `masterSeq`) from its listpack. Throws RdbError: listpack structure
 * errors at their byte in the blob, layout errors at 0.
 */
export function readStreamNode(blob: Uint8Array, masterMs: U64, masterSeq: U64): StreamNode {
  const elements = readListpack(blob);
  if (elements.length === 0) throw new RdbError("empty listpack inside stream", 0);
  const cursor = new ElementCursor(elements);
  const live = cursor.count("live count");
  const tombstones = cursor.count("deleted count");
  const masterCount = cursor.count("master field count");
  const master: string[] = [];
  for (let i = 0; i < masterCount; i++) master.push(cursor.next());
  if (cursor.integer("master terminator") !== 0) throw new RdbError("stream listpack master entry without its terminator", 0);
  const node = new StreamNode(masterMs, masterSeq, master);
  const entries = live + tombstones;
  if (entries === 0) throw new RdbError("stream node without entries", 0);
  const pairs: string[] = [];
  const deleted: number[] = [];
  for (let e = 0; e < entries; e++) {
    const flags = Number(cursor.integer("entry flags"));
    const ms = applyDelta(masterMs, cursor.integer("entry id"));
    const seq = applyDelta(masterSeq, cursor.integer("entry id"));
    pairs.length = 0;
    const same = (flags & FLAG_SAMEFIELDS) !== 0;
    const fieldCount = same ? masterCount : cursor.count("field count");
    for (let i = 0; i < fieldCount; i++) {
      if (same) pairs.push(master[i]!, cursor.next());
      else pairs.push(cursor.next(), cursor.next());
    }
    const expected = same ? fieldCount + 3 : 2 * fieldCount + 4;
    if (cursor.integer("lp-count") !== expected) throw new RdbError("stream listpack entry with a wrong lp-count", 0);
    node.append(ms, seq, pairs, 0);
    if ((flags & FLAG_DELETED) !== 0) deleted.push(e);
  }
  if (!cursor.done) throw new RdbError("stream listpack has elements past its entries", 0);
  for (const index of deleted) node.flagDeleted(index);
  if (node.live !== live) throw new RdbError("stream listpack counts disagree with its entries", 0);
  // Redis loads the listpack into an allocation of its exact size.
  node.fitAllocation();
  return node;
}

/** An unsigned 64-bit big-endian integer at `at` (of an id's 16 bytes), as a U64. */
export function readU64BE(bytes: Uint8Array, at: number): U64 {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const high = view.readUInt32BE(at);
  const low = view.readUInt32BE(at + 4);
  if (high < 0x200000) return high * TWO_32 + low;
  return (BigInt(high) << 32n) | BigInt(low);
}
