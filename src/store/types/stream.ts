/**
 * @module
 * The stream type: entries (an id and field/value pairs) in id order, in nodes of consecutive
 * entries as Redis keeps them (a radix tree of listpacks), plus the consumer groups
 * (stream-group.ts). Appending is O(1), finding an id O(log n) (binary search over the nodes, then
 * inside one), and trimming from the front drops whole nodes.
 *
 * Why nodes, and why their exact bounds: `~` trimming (XADD/XTRIM MAXLEN|MINID ~) only removes
 * whole nodes, so which entries survive depends on where Redis closes one node and starts the
 * next: when the tail node holds `stream-node-max-entries` entries (tombstones included), or when
 * its listpack plus the new entry's strings would reach `stream-node-max-bytes`. So each node
 * tracks the byte size Redis's listpack would have (listpack.ts's element encodings: integers in
 * 1-9 bytes, strings with a 1, 2 or 5 byte header, each element followed by its back-length) and
 * the entries deleted inside it (Redis only flags them: a tombstone keeps its strings, counts for
 * the node's limits and its id for MINID trimming). It also tracks what the allocator would have
 * given that listpack (4 KB up front for a new tail, grown and shrunk as Redis's listpack code
 * reallocates), which MEMORY USAGE reports. XINFO's radix-tree-nodes is computed from the node
 * keys the way Redis's rax would have laid them out.
 *
 * Live entries always increase through the nodes, but tombstones need not: XSETID may lower the
 * last id below a deleted entry, and later entries then follow it in the same node, or even sit
 * below their node's key (when the tail node holds only tombstones). Lookups therefore follow
 * Redis's iterator: seek the last node keyed at most the id, then walk, skipping tombstones;
 * binary search inside a node is only used while its ids are in order (`ordered`).
 *
 * Layout, for whoever serialises a stream (RDB_TYPE_STREAM_LISTPACKS_2):
 * - `nodes`: the listpacks in key order (Redis's rax order). A node's key is its master id
 *   (`masterMs`, `masterSeq`: the id of the first entry ever put in it); `masterFields` are that
 *   entry's field names. Entry `i` (0 ≤ i < `ms.length`) has id (`ms[i]`, `seq[i]`), is a
 *   tombstone when `deleted[i]`, and its fields and values alternate in
 *   `items[bounds[i] .. bounds[i + 1])`. `live` and `tombstones` are the listpack's two counters.
 *   Nodes may hold only tombstones (Redis keeps such listpacks too).
 * - `length`, `lastMs`/`lastSeq` (last-generated id), `firstMs`/`firstSeq` (recorded first entry
 *   id), `maxDeletedMs`/`maxDeletedSeq`, `entriesAdded`: the stream's metadata.
 * - `groups`: name -> `ConsumerGroup` (see stream-group.ts), or undefined before the first group.
 */
import { RedisObject } from "../keyspace.ts";
import { integerValue } from "./string.ts";
import { type ConsumerGroup, INVALID_ENTRIES_READ } from "./stream-group.ts";
import { compareIds, incrementU64, type StreamId, type U64, U64_MAX } from "./stream-id.ts";
import type { IdMap, Keyed } from "./stream-pel.ts";

/** Redis's STREAM_LISTPACK_MAX_SIZE: no node grows past 1 GB whatever the setting. */
const LISTPACK_MAX_SIZE = 2 ** 30;
/** Redis's STREAM_LISTPACK_MAX_PRE_ALLOCATE: what a new node's listpack is allocated with. */
const LISTPACK_PREALLOCATION = 4096;
/** A listpack's header (total bytes and element count) and end marker. */
const LISTPACK_OVERHEAD = 7;

/**
 * A 64-bit counter of the stream metadata: entries added (unsigned, as Redis's uint64_t), entries
 * read and lags (signed, as its long long). A number while it is a safe integer, a bigint beyond,
 * never a bigint that fits a number.
 */
export type Counter = number | bigint;

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** The canonical `Counter` of a bigint. */
function counter(value: bigint): Counter {
  return value >= -SAFE_MAX && value <= SAFE_MAX ? Number(value) : value;
}

/** `value` read as C reads a uint64 through a long long (2^63 and above are negative). */
export function signedCounter(value: Counter): Counter {
  return typeof value === "number" ? value : counter(BigInt.asIntN(64, value));
}

/** `a + b` in signed 64-bit arithmetic, wrapping around as Redis's counters do. */
export function addCounters(a: Counter, b: Counter): Counter {
  if (typeof a === "number" && typeof b === "number") {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return counter(BigInt.asIntN(64, BigInt(a) + BigInt(b)));
}

/** `a - b` in signed 64-bit arithmetic, wrapping around as Redis's counters do. */
export function subtractCounters(a: Counter, b: Counter): Counter {
  if (typeof a === "number" && typeof b === "number") {
    const difference = a - b;
    if (Number.isSafeInteger(difference)) return difference;
  }
  return counter(BigInt.asIntN(64, BigInt(a) - BigInt(b)));
}

/** Bytes of a listpack element holding the 64-bit integer `value` (encoding, data, back-length). */
function integerElementBytes(value: number | bigint): number {
  if (typeof value === "bigint") return value >= -2147483648n && value <= 2147483647n ? integerElementBytes(Number(value)) : 10;
  if (value >= 0 && value <= 127) return 2;
  if (value >= -4096 && value <= 4095) return 3;
  if (value >= -32768 && value <= 32767) return 4;
  if (value >= -8388608 && value <= 8388607) return 5;
  if (value >= -2147483648 && value <= 2147483647) return 6;
  return 10;
}

/** Bytes of a listpack element holding `text`: as an integer when it reads as one, as Redis stores it. */
function elementBytes(text: string): number {
  const length = text.length;
  if (length <= 20) {
    const c = text.charCodeAt(0);
    // Only a digit or a minus can start an integer: skip the parse otherwise.
    if ((c >= 48 && c <= 57) || c === 45) {
      const value = integerValue(text);
      if (value !== undefined) return integerElementBytes(value);
    }
  }
  const encoded = (length < 64 ? 1 : length < 4096 ? 2 : 5) + length;
  const back = encoded <= 127 ? 1 : encoded < 16383 ? 2 : encoded < 2097151 ? 3 : encoded < 268435455 ? 4 : 5;
  return encoded + back;
}

/** Bytes of a listpack element holding the id half `value` minus `base` (a signed 64-bit delta). */
function deltaElementBytes(value: U64, base: U64): number {
  if (typeof value === "number" && typeof base === "number") return integerElementBytes(value - base);
  let difference = (BigInt(value) - BigInt(base)) & U64_MAX;
  if (difference >= 1n << 63n) difference -= 1n << 64n;
  return integerElementBytes(difference);
}

/** jemalloc's size class for `size` bytes (what Redis's zmalloc_size reports for the allocation). */
function allocation(size: number): number {
  if (size <= 8) return 8;
  if (size <= 128) return Math.ceil(size / 16) * 16;
  const step = 2 ** Math.floor(Math.log2(size - 1)) / 4;
  return Math.ceil(size / step) * step;
}

/** One listpack of the stream: consecutive entries sharing a master entry (see the module doc). */
export class StreamNode {
  /** Entry ids, tombstones included, in the order they were added. */
  readonly ms: U64[] = [];
  readonly seq: U64[] = [];
  /** Entry `i`'s fields and values are `items[bounds[i] .. bounds[i + 1])`. */
  readonly bounds: number[] = [0];
  readonly items: string[] = [];
  /** Whether entry `i` was deleted (a tombstone). */
  readonly deleted: boolean[] = [];
  /** Entries not deleted, and entries deleted: the listpack's two header counters. */
  live = 0;
  tombstones = 0;
  /** The listpack's bytes but for its two counters (which `listpackBytes` adds). */
  bytes: number;
  /** Whether the ids increase through the node (false once XSETID let a smaller id follow a tombstone). */
  ordered = true;
  /** What the allocator gave the listpack (a jemalloc size class), as Redis's MEMORY USAGE sees it. */
  allocated: number;

  /**
   * A node keyed (`masterMs`, `masterSeq`) with these master fields. `capacity` is what Redis's
   * lpNew was asked for (a node made by XADD); 0 for a node sized exactly (loaded, copied).
   */
  constructor(
    readonly masterMs: U64,
    readonly masterSeq: U64,
    readonly masterFields: readonly string[],
    capacity = 0,
  ) {
    let bytes = LISTPACK_OVERHEAD + integerElementBytes(masterFields.length) + integerElementBytes(0);
    for (const field of masterFields) bytes += elementBytes(field);
    this.bytes = bytes;
    this.allocated = capacity === 0 ? 0 : allocation(Math.max(capacity, LISTPACK_OVERHEAD));
  }

  /** Entries held, tombstones included. */
  get size(): number {
    return this.ms.length;
  }

  /** What Redis's lpBytes would say of this node's listpack. */
  listpackBytes(): number {
    return this.bytes + integerElementBytes(this.live) + integerElementBytes(this.tombstones);
  }

  /**
   * Index of the first entry whose id is at least (ms, seq); `size` when none is. Only meaningful
   * while the node is `ordered`.
   */
  lowerBound(ms: U64, seq: U64): number {
    const msArray = this.ms;
    const seqArray = this.seq;
    let lo = 0;
    let hi = msArray.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(msArray[mid]!, seqArray[mid]!, ms, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Appends an entry (its id above every live id here); `pairs[from..]` alternate fields and values. */
  append(ms: U64, seq: U64, pairs: readonly string[], from: number): void {
    const size = this.ms.length;
    if (size !== 0 && this.ordered && compareIds(ms, seq, this.ms[size - 1]!, this.seq[size - 1]!) <= 0) this.ordered = false;
    const end = pairs.length;
    const fieldCount = (end - from) >> 1;
    const master = this.masterFields;
    let sameFields = fieldCount === master.length;
    for (let i = 0; sameFields && i < fieldCount; i++) if (pairs[from + 2 * i] !== master[i]) sameFields = false;
    // flags, ms delta, seq delta, [field count, fields], values, back count.
    let bytes = 2 + deltaElementBytes(ms, this.masterMs) + deltaElementBytes(seq, this.masterSeq);
    const items = this.items;
    if (sameFields) {
      // The master's field names are kept, not the entry's equal copies: one string per field per node.
      for (let i = from, f = 0; i < end; i += 2, f++) {
        const value = pairs[i + 1]!;
        bytes += elementBytes(value);
        items.push(master[f]!, value);
      }
      bytes += integerElementBytes(fieldCount + 3);
    } else {
      bytes += integerElementBytes(fieldCount);
      for (let i = from; i < end; i += 2) {
        const field = pairs[i]!;
        const value = pairs[i + 1]!;
        bytes += elementBytes(field) + elementBytes(value);
        items.push(field, value);
      }
      bytes += integerElementBytes(2 * fieldCount + 4);
    }
    this.bytes += bytes;
    this.ms.push(ms);
    this.seq.push(seq);
    this.deleted.push(false);
    this.bounds.push(items.length);
    this.live++;
    // Every step of Redis's append grows the listpack: it is reallocated when it outgrows its block.
    const total = this.listpackBytes();
    if (total > this.allocated) this.allocated = allocation(total);
  }

  /** Flags entry `index` (live) as deleted and counts it, nothing else (see `markDeleted`). */
  flagDeleted(index: number): void {
    this.deleted[index] = true;
    this.live--;
    this.tombstones++;
  }

  /**
   * Makes entry `index` (live) a tombstone, as XDEL does: Redis flips its flags and rewrites the
   * two counters; its id, strings and bytes stay.
   */
  markDeleted(index: number): void {
    const live = this.live;
    const tombstones = this.tombstones;
    this.flagDeleted(index);
    this.countersRewritten(live, tombstones);
  }

  /**
   * The counters went from (`live`, `tombstones`) to the current ones: Redis rewrites the live
   * count, then the deleted count, and its listpack code reallocates on each rewrite that changes
   * the size (a smaller element shrinks the block to fit, a larger one may outgrow it).
   */
  countersRewritten(live: number, tombstones: number): void {
    const before = this.bytes + integerElementBytes(live) + integerElementBytes(tombstones);
    const middle = this.bytes + integerElementBytes(this.live) + integerElementBytes(tombstones);
    this.resized(before, middle);
    this.resized(middle, this.listpackBytes());
  }

  /** Redis's lpInsert reallocation for a listpack going from `before` to `after` bytes. */
  private resized(before: number, after: number): void {
    if (after > before) {
      if (after > this.allocated) this.allocated = allocation(after);
    } else if (after < before) this.allocated = allocation(after);
  }

  /** The allocation fits the listpack exactly (lpShrinkToFit; a loaded or copied node). */
  fitAllocation(): void {
    this.allocated = allocation(this.listpackBytes());
  }

  /** Index of the first live entry, or -1. */
  firstLive(): number {
    const deleted = this.deleted;
    for (let i = 0; i < deleted.length; i++) if (!deleted[i]) return i;
    return -1;
  }

  /** Index of the last live entry, or -1. */
  lastLive(): number {
    const deleted = this.deleted;
    for (let i = deleted.length - 1; i >= 0; i--) if (!deleted[i]) return i;
    return -1;
  }
}

/** XADD/XTRIM's trimming: by length or by smallest id, exact or by whole nodes, with a work limit. */
export interface TrimOptions {
  readonly strategy: "maxlen" | "minid";
  /** MAXLEN: entries to keep at most. */
  readonly maxlen: number;
  /** MINID: entries with a smaller id go. */
  readonly minMs: U64;
  readonly minSeq: U64;
  /** `~`: only whole nodes are removed. */
  readonly approx: boolean;
  /** Most entries removed (0: no limit); whole nodes beyond it stay. */
  readonly limit: number;
}

/**
 * Walks the live entries between two ids as Redis's streamIterator does: from the last node keyed
 * at most the first bound (the first node when none is), skipping tombstones and entries before
 * the range, up to the first live entry past it.
 */
export class StreamIterator {
  /** The node and index of the current entry (valid after `next` returned true). */
  node!: StreamNode;
  index = 0;
  private nodeIndex: number;

  constructor(
    private readonly stream: Stream,
    private readonly startMs: U64,
    private readonly startSeq: U64,
    private readonly endMs: U64,
    private readonly endSeq: U64,
    private readonly reverse: boolean,
  ) {
    const nodes = stream.nodes;
    if (!reverse) {
      this.nodeIndex = Math.max(0, stream.nodeFor(startMs, startSeq));
      const node = nodes[this.nodeIndex];
      if (node) {
        this.node = node;
        this.index = node.ordered ? node.lowerBound(startMs, startSeq) - 1 : -1;
      }
    } else {
      // Redis seeks the last node keyed at most `end`, or the last node when there is none.
      const at = endMs === 0 && endSeq === 0 ? -1 : stream.nodeFor(endMs, endSeq);
      this.nodeIndex = at < 0 ? nodes.length - 1 : at;
      const node = nodes[this.nodeIndex];
      if (node) {
        this.node = node;
        // The last entry at most `end`: one before the first one above it.
        const next = node.ordered ? nextIdOrUndefined(endMs, endSeq) : undefined;
        this.index = next === undefined ? node.size : node.lowerBound(next.ms, next.seq);
      }
    }
  }

  /** The current entry's id: its milliseconds part. */
  get ms(): U64 {
    return this.node.ms[this.index]!;
  }

  /** The current entry's id: its sequence part. */
  get seq(): U64 {
    return this.node.seq[this.index]!;
  }

  /** Moves to the next live entry in range (in the iterator's direction); false at the end. */
  next(): boolean {
    const nodes = this.stream.nodes;
    if (this.nodeIndex < 0 || this.nodeIndex >= nodes.length) return false;
    let node = this.node;
    if (!this.reverse) {
      for (;;) {
        const index = ++this.index;
        if (index >= node.size) {
          if (++this.nodeIndex >= nodes.length) return false;
          node = this.node = nodes[this.nodeIndex]!;
          this.index = -1;
          continue;
        }
        if (node.deleted[index]) continue;
        const ms = node.ms[index]!;
        const seq = node.seq[index]!;
        if (compareIds(ms, seq, this.startMs, this.startSeq) < 0) continue;
        return compareIds(ms, seq, this.endMs, this.endSeq) <= 0;
      }
    }
    for (;;) {
      const index = --this.index;
      if (index < 0) {
        if (--this.nodeIndex < 0) return false;
        node = this.node = nodes[this.nodeIndex]!;
        this.index = node.size;
        continue;
      }
      if (node.deleted[index]) continue;
      const ms = node.ms[index]!;
      const seq = node.seq[index]!;
      if (compareIds(ms, seq, this.endMs, this.endSeq) > 0) continue;
      return compareIds(ms, seq, this.startMs, this.startSeq) >= 0;
    }
  }
}

function nextIdOrUndefined(ms: U64, seq: U64): StreamId | undefined {
  if (seq !== U64_MAX) return { ms, seq: incrementU64(seq) };
  if (ms === U64_MAX) return undefined;
  return { ms: incrementU64(ms), seq: 0 };
}

/** A Redis stream: its nodes of entries, its metadata and its consumer groups (see the module doc). */
export class Stream extends RedisObject {
  /** The listpacks, in key order. */
  nodes: StreamNode[] = [];
  /** Live entries (XLEN). */
  length = 0;
  /** The last id generated or set (XSETID): every new entry's id must be above it. */
  lastMs: U64 = 0;
  lastSeq: U64 = 0;
  /** The first live entry's id as the stream recorded it (0-0 when empty). */
  firstMs: U64 = 0;
  firstSeq: U64 = 0;
  /** The largest id ever deleted by XDEL (or set by XSETID MAXDELETEDID). */
  maxDeletedMs: U64 = 0;
  maxDeletedSeq: U64 = 0;
  /** Entries ever added (XADD) or as set by XSETID ENTRIESADDED: an unsigned 64-bit counter. */
  entriesAdded: Counter = 0;
  /** Consumer groups by name; created with the first group. */
  groups: Map<string, ConsumerGroup> | undefined = undefined;

  /** TYPE's name. */
  get type(): string {
    return "stream";
  }

  /** Redis has one stream encoding. */
  encoding(): string {
    return "stream";
  }

  /** An independent deep copy (COPY): entries, metadata, groups, consumers and PELs. */
  copy(): Stream {
    const copy = new Stream();
    for (const node of this.nodes) {
      const clone = new StreamNode(node.masterMs, node.masterSeq, node.masterFields);
      clone.ms.push(...node.ms);
      clone.seq.push(...node.seq);
      clone.bounds.length = 0;
      clone.bounds.push(...node.bounds);
      clone.items.push(...node.items);
      clone.deleted.push(...node.deleted);
      clone.live = node.live;
      clone.tombstones = node.tombstones;
      clone.bytes = node.bytes;
      clone.ordered = node.ordered;
      // Redis's streamDup copies each listpack into an allocation of its exact size.
      clone.fitAllocation();
      copy.nodes.push(clone);
    }
    copy.length = this.length;
    copy.lastMs = this.lastMs;
    copy.lastSeq = this.lastSeq;
    copy.firstMs = this.firstMs;
    copy.firstSeq = this.firstSeq;
    copy.maxDeletedMs = this.maxDeletedMs;
    copy.maxDeletedSeq = this.maxDeletedSeq;
    copy.entriesAdded = this.entriesAdded;
    if (this.groups) {
      copy.groups = new Map();
      for (const [name, group] of this.groups) copy.groups.set(name, group.copy());
    }
    return copy;
  }

  /**
   * Appends an entry with id (ms, seq), which the caller checked is above the last id, and the
   * fields and values alternating in `pairs[from..]`. `maxEntries` and `maxBytes` are the
   * stream-node-max-* settings (0: no limit) deciding whether the tail node takes it.
   */
  append(ms: U64, seq: U64, pairs: readonly string[], from: number, maxEntries: number, maxBytes: number): void {
    const nodes = this.nodes;
    // The tail is the node with the largest key, as Redis's rax seek of "$" finds it.
    let tail = nodes[nodes.length - 1];
    if (tail !== undefined) {
      let total = 0;
      for (let i = from; i < pairs.length; i++) total += pairs[i]!.length;
      const byteLimit = maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : maxBytes;
      if (tail.listpackBytes() + total >= byteLimit || (maxEntries !== 0 && tail.size >= maxEntries)) {
        // Redis gives back the tail's unused preallocation when it closes it.
        tail.fitAllocation();
        tail = undefined;
      }
    }
    if (tail === undefined) tail = this.newNode(ms, seq, pairs, from, maxBytes);
    tail.append(ms, seq, pairs, from);
    this.length++;
    const added = this.entriesAdded;
    this.entriesAdded = typeof added === "number" && added < Number.MAX_SAFE_INTEGER ? added + 1 : counter(BigInt.asUintN(64, BigInt(added) + 1n));
    this.lastMs = ms;
    this.lastSeq = seq;
    if (this.length === 1) {
      this.firstMs = ms;
      this.firstSeq = seq;
    }
  }

  /**
   * A new node keyed (ms, seq) for the entry in `pairs[from..]`, filed in key order as Redis's
   * raxInsert does: at the end, unless XSETID lowered the last id below the key of a node (of
   * tombstones), which then stays the tail; a node with the same key is replaced (its entries lost).
   */
  private newNode(ms: U64, seq: U64, pairs: readonly string[], from: number, maxBytes: number): StreamNode {
    const fields: string[] = [];
    for (let i = from; i < pairs.length; i += 2) fields.push(pairs[i]!);
    const node = new StreamNode(ms, seq, fields, maxBytes > 0 && maxBytes < LISTPACK_PREALLOCATION ? maxBytes : LISTPACK_PREALLOCATION);
    const nodes = this.nodes;
    const last = nodes[nodes.length - 1];
    if (last === undefined || compareIds(last.masterMs, last.masterSeq, ms, seq) < 0) nodes.push(node);
    else {
      const at = this.nodeFor(ms, seq);
      const there = nodes[at];
      if (there !== undefined && compareIds(there.masterMs, there.masterSeq, ms, seq) === 0) nodes[at] = node;
      else nodes.splice(at + 1, 0, node);
    }
    return node;
  }

  /** Index of the last node whose key (master id) is at most (ms, seq); -1 when none is. */
  nodeFor(ms: U64, seq: U64): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const node = nodes[mid]!;
      if (compareIds(node.masterMs, node.masterSeq, ms, seq) <= 0) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Walks the live entries from `start` to `end` (inclusive), backwards when `reverse`. */
  iterate(startMs: U64, startSeq: U64, endMs: U64, endSeq: U64, reverse = false): StreamIterator {
    return new StreamIterator(this, startMs, startSeq, endMs, endSeq, reverse);
  }

  /**
   * Where the live entry (ms, seq) is, as [node index, entry index], or undefined. As Redis's
   * lookups (an iterator from the id to itself): the first live entry at or after the id, from
   * the last node keyed at most the id on, when it is that id.
   */
  find(ms: U64, seq: U64): [number, number] | undefined {
    const nodes = this.nodes;
    for (let n = Math.max(0, this.nodeFor(ms, seq)); n < nodes.length; n++) {
      const node = nodes[n]!;
      const size = node.size;
      for (let i = node.ordered ? node.lowerBound(ms, seq) : 0; i < size; i++) {
        if (node.deleted[i]) continue;
        const order = compareIds(node.ms[i]!, node.seq[i]!, ms, seq);
        if (order < 0) continue;
        return order === 0 ? [n, i] : undefined;
      }
    }
    return undefined;
  }

  /** Whether the live entry (ms, seq) exists. */
  has(ms: U64, seq: U64): boolean {
    return this.find(ms, seq) !== undefined;
  }

  /**
   * Deletes the live entry (ms, seq) (XDEL); false when there is none. The entry becomes a
   * tombstone, or its whole node goes when it was the node's last live entry, as in Redis.
   * The caller keeps the first id and max deleted id up to date.
   */
  delete(ms: U64, seq: U64): boolean {
    const found = this.find(ms, seq);
    if (!found) return false;
    const [n, i] = found;
    const node = this.nodes[n]!;
    if (node.live === 1) this.nodes.splice(n, 1);
    else node.markDeleted(i);
    this.length--;
    return true;
  }

  /** The first (or last) entry's id, tombstones included unless `skipTombstones`; undefined when none. */
  edgeId(first: boolean, skipTombstones: boolean): StreamId | undefined {
    const nodes = this.nodes;
    if (first) {
      for (const node of nodes) {
        const i = skipTombstones ? node.firstLive() : node.size > 0 ? 0 : -1;
        if (i >= 0) return { ms: node.ms[i]!, seq: node.seq[i]! };
      }
    } else {
      for (let n = nodes.length - 1; n >= 0; n--) {
        const node = nodes[n]!;
        const i = skipTombstones ? node.lastLive() : node.size - 1;
        if (i >= 0) return { ms: node.ms[i]!, seq: node.seq[i]! };
      }
    }
    return undefined;
  }

  /** The last live entry's id (Redis's streamLastValidID), or undefined when empty. */
  lastValidId(): StreamId | undefined {
    return this.length === 0 ? undefined : this.edgeId(false, true);
  }

  /** Sets the recorded first id from the entries (after removals). */
  refreshFirstId(): void {
    const first = this.length === 0 ? undefined : this.edgeId(true, true);
    this.firstMs = first?.ms ?? 0;
    this.firstSeq = first?.seq ?? 0;
  }

  /**
   * Trims as Redis's streamTrim: whole nodes from the front while that stays within the target
   * and the limit, then (unless approximate) entries inside the next node. Returns entries removed.
   */
  trim(options: TrimOptions): number {
    const nodes = this.nodes;
    const maxlen = options.strategy === "maxlen" ? options.maxlen : -1;
    // The common case of XADD ... MAXLEN: nothing to do.
    if (maxlen >= 0 && this.length <= maxlen) return 0;
    const { minMs, minSeq, approx, limit } = options;
    let removed = 0;
    let dropNodes = 0;
    for (; dropNodes < nodes.length; ) {
      if (maxlen >= 0 && this.length <= maxlen) break;
      const node = nodes[dropNodes]!;
      const entries = node.live;
      if (limit !== 0 && removed + entries > limit) break;
      let removeNode: boolean;
      if (maxlen >= 0) removeNode = this.length - entries >= maxlen;
      else {
        // A node goes when its last entry (a tombstone or not) is below the smallest id kept.
        const last = node.size - 1;
        removeNode = last < 0 || compareIds(node.ms[last]!, node.seq[last]!, minMs, minSeq) < 0;
      }
      if (removeNode) {
        dropNodes++;
        this.length -= entries;
        removed += entries;
        continue;
      }
      if (approx) break;
      const live = node.live;
      const tombstones = node.tombstones;
      for (let i = 0; i < node.size; i++) {
        const stop = maxlen >= 0 ? this.length <= maxlen : compareIds(node.ms[i]!, node.seq[i]!, minMs, minSeq) >= 0;
        if (stop) break;
        if (!node.deleted[i]) {
          node.flagDeleted(i);
          this.length--;
          removed++;
        }
      }
      node.countersRewritten(live, tombstones);
      break;
    }
    if (dropNodes !== 0) nodes.splice(0, dropNodes);
    if (this.length === 0) {
      this.firstMs = 0;
      this.firstSeq = 0;
    } else if (removed !== 0) this.refreshFirstId();
    return removed;
  }

  /** Whether the stream may hold tombstones between `start` and `end` (Redis's streamRangeHasTombstones). */
  rangeHasTombstones(startMs: U64, startSeq: U64, endMs: U64 = U64_MAX, endSeq: U64 = U64_MAX): boolean {
    if (this.length === 0 || (this.maxDeletedMs === 0 && this.maxDeletedSeq === 0)) return false;
    if (compareIds(this.firstMs, this.firstSeq, this.maxDeletedMs, this.maxDeletedSeq) > 0) return false;
    return compareIds(startMs, startSeq, this.maxDeletedMs, this.maxDeletedSeq) <= 0 && compareIds(this.maxDeletedMs, this.maxDeletedSeq, endMs, endSeq) <= 0;
  }

  /**
   * The logical read counter of id (ms, seq): how many entries were added up to it, when that can
   * be known (Redis 7.0's streamEstimateDistanceFromFirstEverEntry, a long long); INVALID_ENTRIES_READ
   * otherwise.
   */
  estimateEntriesRead(ms: U64, seq: U64): Counter {
    const added = this.entriesAdded;
    if (added === 0) return 0;
    const toLast = compareIds(ms, seq, this.lastMs, this.lastSeq);
    if (this.length === 0 && toLast <= 0) return signedCounter(added);
    if (toLast === 0) return signedCounter(added);
    if (toLast > 0) return INVALID_ENTRIES_READ;
    const noTombstones = this.maxDeletedMs === 0 && this.maxDeletedSeq === 0;
    if (noTombstones || compareIds(this.maxDeletedMs, this.maxDeletedSeq, this.firstMs, this.firstSeq) < 0) {
      const toFirst = compareIds(ms, seq, this.firstMs, this.firstSeq);
      if (toFirst < 0) return subtractCounters(added, this.length);
      if (toFirst === 0) return subtractCounters(added, this.length - 1);
    }
    return INVALID_ENTRIES_READ;
  }

  /** A group's lag (entries not yet delivered), or undefined when it cannot be known (XINFO GROUPS). */
  lag(group: ConsumerGroup): Counter | undefined {
    const added = this.entriesAdded;
    if (added === 0) return 0;
    if (group.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(group.lastMs, group.lastSeq)) return subtractCounters(added, group.entriesRead);
    const read = this.estimateEntriesRead(group.lastMs, group.lastSeq);
    return read === INVALID_ENTRIES_READ ? undefined : subtractCounters(added, read);
  }

  /**
   * A group delivered entry (ms, seq), above its last delivered id: moves that id and keeps the
   * group's read counter, as Redis 7.0's streamReplyWithRange does.
   */
  advanceGroup(group: ConsumerGroup, ms: U64, seq: U64): void {
    if (group.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(ms, seq)) {
      group.entriesRead = addCounters(group.entriesRead, 1);
    } else if (this.entriesAdded !== 0) {
      group.entriesRead = this.estimateEntriesRead(ms, seq);
    }
    group.lastMs = ms;
    group.lastSeq = seq;
  }

  /** XINFO's radix-tree-nodes: the nodes Redis's radix tree has for the node keys. */
  radixTreeNodes(): number {
    const keys = new IdKeys(this.nodes.length);
    for (const node of this.nodes) keys.add(node.masterMs, node.masterSeq);
    return keys.treeNodes();
  }

  /**
   * MEMORY USAGE's estimate, in Redis's accounting (objectComputeSize): the object, the radix
   * tree, the listpacks' allocations (the first `samples` averaged over all but the last, 0: all)
   * and the consumer groups' structures with their PELs' radix trees.
   */
  memoryUsage(samples: number): number {
    const nodes = this.nodes;
    let size = 16 + 80 + radixTreeBytes(nodes.length, this.radixTreeNodes());
    let sampled = 0;
    let bytes = 0;
    for (; sampled < nodes.length && (samples === 0 || sampled < samples); sampled++) bytes += nodes[sampled]!.allocated;
    if (nodes.length <= sampled) size += bytes;
    else size += Math.floor(bytes / sampled) * (nodes.length - 1) + nodes[nodes.length - 1]!.allocated;
    if (this.groups) {
      for (const group of this.groups.values()) {
        size += 40 + pelBytes(group.pel) + 24 * group.pel.size;
        for (const consumer of group.consumers.values()) size += 24 + consumer.name.length + pelBytes(consumer.pel);
      }
    }
    return size;
  }
}

/** Redis's streamRadixTreeMemoryUsage for a tree of `elements` keys in `nodes` nodes. */
function radixTreeBytes(elements: number, nodes: number): number {
  return elements * 16 + nodes * 4 + nodes * 8 * 30;
}

/** streamRadixTreeMemoryUsage of a PEL's radix tree. */
function pelBytes(pel: IdMap<Keyed>): number {
  const keys = new IdKeys(pel.size);
  for (const entry of pel) keys.add(entry.ms, entry.seq);
  return radixTreeBytes(pel.size, keys.treeNodes());
}

/** Ids in increasing order as Redis's radix trees key them (16 bytes each, big-endian), in one buffer. */
class IdKeys {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private count = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity * 16);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Adds the next id (above the previous one). */
  add(ms: U64, seq: U64): void {
    const at = this.count++ * 16;
    this.half(at, ms);
    this.half(at + 8, seq);
  }

  private half(at: number, value: U64): void {
    if (typeof value === "bigint") this.view.setBigUint64(at, value);
    else {
      this.view.setUint32(at, Math.floor(value / 4294967296));
      this.view.setUint32(at + 4, value >>> 0);
    }
  }

  /** How many nodes Redis's rax has for these keys (see `radixTreeNodeCount`). */
  treeNodes(): number {
    if (this.count === 0) return 1;
    return countFrom(this.bytes, 0, this.count, 0, false);
  }
}

/**
 * How many nodes Redis's radix tree (rax) has for these distinct, 16-byte keys in increasing
 * order. The rax keeps a canonical shape: a node where the keys branch, one for each branch below
 * it, one for each key's end, and one compressed node for each run of single-child bytes between
 * them. So a trie position is a node when it is the root, ends a key, has two or more children, or
 * is a child of a position with two or more children.
 */
export function radixTreeNodeCount(keys: readonly Uint8Array[]): number {
  if (keys.length === 0) return 1;
  const flat = new Uint8Array(keys.length * 16);
  keys.forEach((key, i) => flat.set(key, i * 16));
  return countFrom(flat, 0, keys.length, 0, false);
}

/** Nodes of the sub-tree of keys `lo..hi` (sharing their first `depth` bytes) of `keys` (16 bytes each). */
function countFrom(keys: Uint8Array, lo: number, hi: number, depth: number, parentBranches: boolean): number {
  if (depth === 16) return 1;
  // Children: runs of keys sharing the byte at `depth` (the keys are sorted).
  let children = 0;
  for (let i = lo; i < hi; ) {
    const byte = keys[i * 16 + depth];
    let j = i + 1;
    while (j < hi && keys[j * 16 + depth] === byte) j++;
    children++;
    i = j;
  }
  const branches = children >= 2;
  let count = depth === 0 || parentBranches || branches ? 1 : 0;
  if (!branches) return count + countFrom(keys, lo, hi, depth + 1, false);
  for (let i = lo; i < hi; ) {
    const byte = keys[i * 16 + depth];
    let j = i + 1;
    while (j < hi && keys[j * 16 + depth] === byte) j++;
    count += countFrom(keys, i, j, depth + 1, true);
    i = j;
  }
  return count;
}
