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
 * the entries deleted inside it (Redis only flags them: a tombstone still counts for the node's
 * limits and its ids for MINID trimming). XINFO's radix-tree-nodes is computed from the node keys
 * the way Redis's rax would have laid them out.
 *
 * Layout, for whoever serialises a stream (RDB_TYPE_STREAM_LISTPACKS_2):
 * - `nodes`: the listpacks in id order. A node's key is its master id (`masterMs`, `masterSeq`: the
 *   id of the first entry ever put in it); `masterFields` are that entry's field names. Entry `i`
 *   (0 ≤ i < `ms.length`) has id (`ms[i]`, `seq[i]`), is a tombstone when `deleted[i]`, and its
 *   fields and values alternate in `items[bounds[i] .. bounds[i + 1])` (emptied for tombstones).
 *   `live` and `tombstones` are the listpack's two counters. Nodes may hold only tombstones
 *   (Redis keeps such listpacks too).
 * - `length`, `lastMs`/`lastSeq` (last-generated id), `firstMs`/`firstSeq` (recorded first entry
 *   id), `maxDeletedMs`/`maxDeletedSeq`, `entriesAdded`: the stream's metadata.
 * - `groups`: name -> `ConsumerGroup` (see stream-group.ts), or undefined before the first group.
 */
import { RedisObject } from "../keyspace.ts";
import { integerValue } from "./string.ts";
import { ConsumerGroup, INVALID_ENTRIES_READ } from "./stream-group.ts";
import { compareIds, idBytes, incrementU64, type StreamId, type U64, U64_MAX } from "./stream-id.ts";

/** Redis's STREAM_LISTPACK_MAX_SIZE: no node grows past 1 GB whatever the setting. */
const LISTPACK_MAX_SIZE = 2 ** 30;
/** Redis's STREAM_LISTPACK_MAX_PRE_ALLOCATE: what a new node's listpack is allocated with. */
const LISTPACK_PREALLOCATION = 4096;
/** A listpack's header (total bytes and element count) and end marker. */
const LISTPACK_OVERHEAD = 7;

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

/** `a - b` of two ids' halves as the signed 64-bit integer Redis stores (uint64 wrap-around). */
function int64Difference(a: U64, b: U64): number | bigint {
  if (typeof a === "number" && typeof b === "number") return a - b;
  let difference = (BigInt(a) - BigInt(b)) & U64_MAX;
  if (difference >= 1n << 63n) difference -= 1n << 64n;
  return difference;
}

/** One listpack of the stream: consecutive entries sharing a master entry (see the module doc). */
export class StreamNode {
  /** Entry ids, tombstones included, in increasing order. */
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

  constructor(
    readonly masterMs: U64,
    readonly masterSeq: U64,
    readonly masterFields: readonly string[],
  ) {
    let bytes = LISTPACK_OVERHEAD + integerElementBytes(masterFields.length) + integerElementBytes(0);
    for (const field of masterFields) bytes += elementBytes(field);
    this.bytes = bytes;
  }

  /** Entries held, tombstones included. */
  get size(): number {
    return this.ms.length;
  }

  /** What Redis's lpBytes would say of this node's listpack. */
  listpackBytes(): number {
    return this.bytes + integerElementBytes(this.live) + integerElementBytes(this.tombstones);
  }

  /** Index of the first entry whose id is at least (ms, seq); `size` when none is. */
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

  /** Appends an entry (its id above every id here); `pairs[from..]` alternate fields and values. */
  append(ms: U64, seq: U64, pairs: readonly string[], from: number): void {
    const fieldCount = (pairs.length - from) >> 1;
    const master = this.masterFields;
    let sameFields = fieldCount === master.length;
    for (let i = 0; sameFields && i < fieldCount; i++) if (pairs[from + 2 * i] !== master[i]) sameFields = false;
    // flags, ms delta, seq delta, [field count, fields], values, back count.
    let bytes = integerElementBytes(sameFields ? 2 : 0);
    bytes += integerElementBytes(int64Difference(ms, this.masterMs));
    bytes += integerElementBytes(int64Difference(seq, this.masterSeq));
    if (!sameFields) bytes += integerElementBytes(fieldCount);
    const items = this.items;
    for (let i = from; i < pairs.length; i += 2) {
      const field = pairs[i]!;
      const value = pairs[i + 1]!;
      if (!sameFields) bytes += elementBytes(field);
      bytes += elementBytes(value);
      items.push(field, value);
    }
    bytes += integerElementBytes(fieldCount + 3 + (sameFields ? 0 : fieldCount + 1));
    this.bytes += bytes;
    this.ms.push(ms);
    this.seq.push(seq);
    this.deleted.push(false);
    this.bounds.push(items.length);
    this.live++;
  }

  /** Makes entry `index` (live) a tombstone; its strings are let go, its id and bytes stay. */
  markDeleted(index: number): void {
    this.deleted[index] = true;
    this.live--;
    this.tombstones++;
    const items = this.items;
    for (let i = this.bounds[index]!, end = this.bounds[index + 1]!; i < end; i++) items[i] = "";
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

/** Where a `StreamIterator` stands: the live entry it last returned. */
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
        this.index = node.lowerBound(startMs, startSeq) - 1;
      }
    } else {
      this.nodeIndex = stream.nodeFor(endMs, endSeq);
      const node = nodes[this.nodeIndex];
      if (node) {
        this.node = node;
        // The last entry at most `end`: one before the first one above it.
        const next = nextIdOrUndefined(endMs, endSeq);
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
        this.index++;
        if (this.index >= node.size) {
          if (++this.nodeIndex >= nodes.length) return false;
          node = this.node = nodes[this.nodeIndex]!;
          this.index = -1;
          continue;
        }
        if (node.deleted[this.index]) continue;
        return compareIds(node.ms[this.index]!, node.seq[this.index]!, this.endMs, this.endSeq) <= 0;
      }
    }
    for (;;) {
      this.index--;
      if (this.index < 0) {
        if (--this.nodeIndex < 0) return false;
        node = this.node = nodes[this.nodeIndex]!;
        this.index = node.size;
        continue;
      }
      if (node.deleted[this.index]) continue;
      return compareIds(node.ms[this.index]!, node.seq[this.index]!, this.startMs, this.startSeq) >= 0;
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
  /** The listpacks, in id order. */
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
  /** Entries ever added (XADD) or as set by XSETID ENTRIESADDED. */
  entriesAdded: number | bigint = 0;
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
    let tail = this.nodes[this.nodes.length - 1];
    if (tail !== undefined) {
      let total = 0;
      for (let i = from; i < pairs.length; i++) total += pairs[i]!.length;
      const byteLimit = maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : maxBytes;
      if (tail.listpackBytes() + total >= byteLimit) tail = undefined;
      else if (maxEntries !== 0 && tail.size >= maxEntries) tail = undefined;
    }
    if (tail === undefined) {
      const fields: string[] = [];
      for (let i = from; i < pairs.length; i += 2) fields.push(pairs[i]!);
      tail = new StreamNode(ms, seq, fields);
      this.nodes.push(tail);
    }
    tail.append(ms, seq, pairs, from);
    this.length++;
    this.entriesAdded = typeof this.entriesAdded === "number" && this.entriesAdded < Number.MAX_SAFE_INTEGER ? this.entriesAdded + 1 : BigInt(this.entriesAdded) + 1n;
    this.lastMs = ms;
    this.lastSeq = seq;
    if (this.length === 1) {
      this.firstMs = ms;
      this.firstSeq = seq;
    }
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

  /** Where the live entry (ms, seq) is, as [node index, entry index], or undefined. */
  find(ms: U64, seq: U64): [number, number] | undefined {
    const n = this.nodeFor(ms, seq);
    if (n < 0) return undefined;
    const node = this.nodes[n]!;
    const i = node.lowerBound(ms, seq);
    if (i >= node.size || node.ms[i] !== ms || node.seq[i] !== seq || node.deleted[i]) return undefined;
    return [n, i];
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
    const { strategy, maxlen, minMs, minSeq, approx, limit } = options;
    const nodes = this.nodes;
    let removed = 0;
    let dropNodes = 0;
    for (; dropNodes < nodes.length; ) {
      if (strategy === "maxlen" && this.length <= maxlen) break;
      const node = nodes[dropNodes]!;
      const entries = node.live;
      if (limit !== 0 && removed + entries > limit) break;
      let removeNode: boolean;
      if (strategy === "maxlen") removeNode = this.length - entries >= maxlen;
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
      for (let i = 0; i < node.size; i++) {
        const stop = strategy === "maxlen" ? this.length <= maxlen : compareIds(node.ms[i]!, node.seq[i]!, minMs, minSeq) >= 0;
        if (stop) break;
        if (!node.deleted[i]) {
          node.markDeleted(i);
          this.length--;
          removed++;
        }
      }
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
   * be known (Redis 7.0's streamEstimateDistanceFromFirstEverEntry); INVALID_ENTRIES_READ otherwise.
   */
  estimateEntriesRead(ms: U64, seq: U64): number | bigint {
    const added = this.entriesAdded;
    if (added === 0) return 0;
    const toLast = compareIds(ms, seq, this.lastMs, this.lastSeq);
    if (this.length === 0 && toLast <= 0) return added;
    if (toLast === 0) return added;
    if (toLast > 0) return INVALID_ENTRIES_READ;
    const noTombstones = this.maxDeletedMs === 0 && this.maxDeletedSeq === 0;
    if (noTombstones || compareIds(this.maxDeletedMs, this.maxDeletedSeq, this.firstMs, this.firstSeq) < 0) {
      const toFirst = compareIds(ms, seq, this.firstMs, this.firstSeq);
      if (toFirst < 0) return subtract(added, this.length);
      if (toFirst === 0) return subtract(added, this.length - 1);
    }
    return INVALID_ENTRIES_READ;
  }

  /** A group's lag (entries not yet delivered), or undefined when it cannot be known (XINFO GROUPS). */
  lag(group: ConsumerGroup): number | bigint | undefined {
    const added = this.entriesAdded;
    if (added === 0) return 0;
    if (group.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(group.lastMs, group.lastSeq)) return subtract(added, group.entriesRead);
    const read = this.estimateEntriesRead(group.lastMs, group.lastSeq);
    return read === INVALID_ENTRIES_READ ? undefined : subtract(added, read);
  }

  /**
   * A group delivered entry (ms, seq), above its last delivered id: moves that id and keeps the
   * group's read counter, as Redis 7.0's streamReplyWithRange does.
   */
  advanceGroup(group: ConsumerGroup, ms: U64, seq: U64): void {
    if (group.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(ms, seq)) {
      const read = group.entriesRead;
      group.entriesRead = typeof read === "number" && read < Number.MAX_SAFE_INTEGER ? read + 1 : BigInt(read) + 1n;
    } else if (this.entriesAdded !== 0) {
      group.entriesRead = this.estimateEntriesRead(ms, seq);
    }
    group.lastMs = ms;
    group.lastSeq = seq;
  }

  /** The node keys as Redis's rax holds them (16 bytes each, in order). */
  nodeKeys(): Uint8Array[] {
    return this.nodes.map((node) => idBytes(node.masterMs, node.masterSeq));
  }

  /** XINFO's radix-tree-nodes: the nodes Redis's radix tree has for these keys. */
  radixTreeNodes(): number {
    return radixTreeNodeCount(this.nodeKeys());
  }

  /**
   * MEMORY USAGE's estimate, in Redis's accounting (objectComputeSize): the object, the radix
   * tree, the listpacks (sampled) and the consumer groups' structures.
   */
  memoryUsage(samples: number): number {
    const nodes = this.nodes;
    let size = 16 + 80 + radixTreeBytes(nodes.length, nodes.length === 0 ? 1 : nodes.length * 2);
    // Redis allocates 4 KB for a new node up front and shrinks it to fit only once it is full.
    const allocated = (index: number) => {
      const bytes = nodes[index]!.listpackBytes();
      return allocation(index === nodes.length - 1 ? Math.max(LISTPACK_PREALLOCATION, bytes) : bytes);
    };
    let sampled = 0;
    let bytes = 0;
    for (; sampled < nodes.length && (samples === 0 || sampled < samples); sampled++) bytes += allocated(sampled);
    if (nodes.length <= sampled) size += bytes;
    else size += Math.floor(bytes / sampled) * (nodes.length - 1) + allocated(nodes.length - 1);
    if (this.groups) {
      for (const group of this.groups.values()) {
        size += 40 + radixTreeBytes(group.pel.size, group.pel.size) + 24 * group.pel.size;
        for (const consumer of group.consumers.values()) size += 24 + consumer.name.length + radixTreeBytes(consumer.pel.size, consumer.pel.size);
      }
    }
    return size;
  }
}

/** `a - b` for counters that may be bigints. */
function subtract(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const difference = BigInt(a) - BigInt(b);
  return difference >= BigInt(Number.MIN_SAFE_INTEGER) && difference <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(difference) : difference;
}

/** jemalloc's size class for `size` bytes. */
function allocation(size: number): number {
  if (size <= 8) return 8;
  if (size <= 128) return Math.ceil(size / 16) * 16;
  const step = 2 ** Math.floor(Math.log2(size - 1)) / 4;
  return Math.ceil(size / step) * step;
}

/** Redis's streamRadixTreeMemoryUsage for `elements` keys in about `nodes` nodes. */
function radixTreeBytes(elements: number, nodes: number): number {
  return elements * 16 + nodes * 4 + nodes * 8 * 30;
}

/**
 * How many nodes Redis's radix tree (rax) has for these distinct, equally long keys in increasing
 * order. The rax keeps a canonical shape: a node where the keys branch, one for each branch below
 * it, one for each key's end, and one compressed node for each run of single-child bytes between
 * them. So a trie position is a node when it is the root, ends a key, has two or more children, or
 * is a child of a position with two or more children.
 */
export function radixTreeNodeCount(keys: readonly Uint8Array[]): number {
  if (keys.length === 0) return 1;
  return countFrom(keys, 0, keys.length, 0, false);
}

function countFrom(keys: readonly Uint8Array[], lo: number, hi: number, depth: number, parentBranches: boolean): number {
  const width = keys[lo]!.length;
  if (depth === width) return 1;
  // Children: runs of keys sharing the byte at `depth` (the keys are sorted).
  let children = 0;
  for (let i = lo; i < hi; ) {
    const byte = keys[i]![depth]!;
    let j = i + 1;
    while (j < hi && keys[j]![depth] === byte) j++;
    children++;
    i = j;
  }
  const branches = children >= 2;
  let count = depth === 0 || parentBranches || branches ? 1 : 0;
  for (let i = lo; i < hi; ) {
    const byte = keys[i]![depth]!;
    let j = i + 1;
    while (j < hi && keys[j]![depth] === byte) j++;
    count += countFrom(keys, i, j, depth + 1, branches);
    i = j;
  }
  return count;
}
