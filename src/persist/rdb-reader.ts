/**
 * @module
 * Reading Redis's RDB format, every version up to 10 (Redis 7.0) and every encoding Redis 7.0
 * loads: strings (raw, integer, LZF), lists (plain, ziplist, quicklist of ziplists, quicklist of
 * listpacks with plain and packed nodes), sets (plain, intset), sorted sets (string and binary
 * scores, ziplist, listpack), hashes (plain, zipmap, ziplist, listpack), streams (LISTPACKS of
 * 6.x/7.0-rc and LISTPACKS_2 of 7.0), and the opcodes around keys. `ValueDecoder` reads one value; `RdbReader` walks a file one item at a time, so loading
 * can yield between items and report progress.
 *
 * Loaded values get the encoding Redis would give them after loading with the same settings:
 * Redis keeps a listpack or intset blob as it is unless it holds more entries than the
 * `*-max-listpack-entries`/`set-max-intset-entries` limit (it does not scan element lengths
 * then), and builds plain-encoded values element by element, converting as the limits say.
 * A stream is rebuilt node by node from its listpacks (rdb-stream.ts), and checked as a whole
 * (nodes in order, counters that agree, every PEL entry owned by one consumer) so that a corrupt
 * one is refused when read. Module types are refused with a clear RdbError.
 */
import type { Value } from "../store/keyspace.ts";
import { RedisHash, type HashLimits } from "../store/types/hash.ts";
import { List } from "../store/types/list.ts";
import { RedisSet } from "../store/types/set.ts";
import { SortedSet, type ZsetLimits } from "../store/types/sorted-set.ts";
import { Stream, type StreamNode } from "../store/types/stream.ts";
import { ConsumerGroup, PendingEntry } from "../store/types/stream-group.ts";
import { compareIds, U64_MAX, type U64 } from "../store/types/stream-id.ts";
import { ByteReader } from "./bytes.ts";
import { Crc64 } from "./crc64.ts";
import { RdbError } from "./errors.ts";
import { readIntset } from "./intset.ts";
import { readListpack } from "./listpack.ts";
import { lzfDecompress } from "./lzf.ts";
import { readStreamNode, readU64BE, STREAM_ID_SIZE } from "./rdb-stream.ts";
import {
  ENC_INT16,
  ENC_INT32,
  ENC_INT8,
  ENC_LZF,
  isObjectType,
  LEN_32BIT,
  LEN_64BIT,
  OPCODE_AUX,
  OPCODE_EOF,
  OPCODE_EXPIRETIME,
  OPCODE_EXPIRETIME_MS,
  OPCODE_FREQ,
  OPCODE_FUNCTION2,
  OPCODE_FUNCTION_PRE_GA,
  OPCODE_IDLE,
  OPCODE_MODULE_AUX,
  OPCODE_RESIZEDB,
  OPCODE_SELECTDB,
  QUICKLIST_PACKED,
  QUICKLIST_PLAIN,
  RDB_VERSION,
  TYPE_HASH,
  TYPE_HASH_LISTPACK,
  TYPE_HASH_ZIPLIST,
  TYPE_HASH_ZIPMAP,
  TYPE_LIST,
  TYPE_LIST_QUICKLIST,
  TYPE_LIST_QUICKLIST_2,
  TYPE_LIST_ZIPLIST,
  TYPE_MODULE_2,
  TYPE_MODULE_PRE_GA,
  TYPE_SET,
  TYPE_SET_INTSET,
  TYPE_STREAM_LISTPACKS,
  TYPE_STREAM_LISTPACKS_2,
  TYPE_STRING,
  TYPE_ZSET,
  TYPE_ZSET_2,
  TYPE_ZSET_LISTPACK,
  TYPE_ZSET_ZIPLIST,
} from "./rdb-format.ts";
import { readZiplist, readZipmap } from "./ziplist.ts";

/** The settings that decide loaded values' encodings (the server's Config satisfies this). */
export interface RdbLoadLimits extends HashLimits, ZsetLimits {
  readonly "set-max-intset-entries": number;
}

/** One record of an RDB file, as `RdbReader.next` returns them. */
export type RdbItem =
  | { readonly kind: "aux"; readonly key: string; readonly value: string }
  | { readonly kind: "selectDb"; readonly index: number }
  | { readonly kind: "resizeDb"; readonly keys: number; readonly expires: number }
  | {
      readonly kind: "key";
      readonly key: string;
      readonly value: Value;
      /** Expiry time in ms since the epoch (a bigint when a number would round it); absent: none. */
      readonly expireAt?: number | bigint;
      /** LRU idle time in seconds (RDB_OPCODE_IDLE), when the file has one. */
      readonly idle?: number;
      /** LFU counter (RDB_OPCODE_FREQ), when the file has one. */
      readonly freq?: number;
    }
  | { readonly kind: "function"; readonly code: string }
  | { readonly kind: "end" };

/** Reads values (and the strings and lengths inside them) from a ByteReader. */
export class ValueDecoder {
  constructor(
    readonly input: ByteReader,
    private readonly limits: RdbLoadLimits,
  ) {}

  /** An RDB length (not a special string encoding). */
  length(): number {
    const input = this.input;
    const start = input.at;
    const first = input.byte();
    const kind = first >> 6;
    if (kind === 0) return first & 0x3f;
    if (kind === 1) return ((first & 0x3f) << 8) | input.byte();
    if (first === LEN_32BIT) return input.uint32BE();
    if (first === LEN_64BIT) {
      const value = input.uint64BE();
      if (typeof value === "bigint") throw new RdbError("length too large", start);
      return value;
    }
    throw new RdbError(kind === 3 ? "string encoding where a length was expected" : `unknown length encoding ${first}`, start);
  }

  /** An RDB length holding any unsigned 64-bit value (stream ids and counters), as a U64. */
  lengthU64(): U64 {
    const input = this.input;
    if (input.bytes[input.at] === LEN_64BIT && input.at < input.end) {
      input.at++;
      return input.uint64BE();
    }
    return this.length();
  }

  /** An RDB string (raw, INT8/16/32, LZF) as a byte string. */
  string(): string {
    const input = this.input;
    const first = input.bytes[input.at];
    if (first !== undefined && first >> 6 !== 3) return input.latin1(this.length());
    if ((first! & 0x3f) === ENC_LZF) {
      // Decompressed into a reused buffer and read out as a string: no array per string.
      const start = input.at++;
      const compressedLength = this.length();
      const length = this.length();
      if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, this.scratch.length * 2));
      if (lzfDecompress(input.take(compressedLength), length, this.scratch) === undefined) throw new RdbError("invalid LZF compressed string", start);
      return this.scratch.latin1Slice(0, length);
    }
    return this.encodedString() as string;
  }

  /** Where LZF strings are decompressed before they become JS strings. */
  private scratch = Buffer.allocUnsafe(1024);

  /** An RDB string as bytes (a listpack, an intset...): a view when stored as it is. */
  blob(): Uint8Array {
    const input = this.input;
    const first = input.bytes[input.at];
    if (first !== undefined && first >> 6 !== 3) return input.take(this.length());
    const blob = this.encodedString();
    return typeof blob === "string" ? Buffer.from(blob, "latin1") : blob;
  }

  /** A string in one of the special encodings (the first byte's top bits are 11): an integer's text, or LZF's bytes. */
  private encodedString(): string | Uint8Array {
    const input = this.input;
    const start = input.at;
    const encoding = input.byte() & 0x3f;
    let integer: number;
    if (encoding === ENC_INT8) integer = (input.byte() << 24) >> 24;
    else if (encoding === ENC_INT16) integer = input.int16LE();
    else if (encoding === ENC_INT32) integer = input.int32LE();
    else if (encoding === ENC_LZF) {
      const compressedLength = this.length();
      const length = this.length();
      const data = lzfDecompress(input.take(compressedLength), length);
      if (data === undefined) throw new RdbError("invalid LZF compressed string", start);
      return data;
    } else throw new RdbError(`unknown string encoding ${encoding}`, start);
    return String(integer);
  }

  /** A value of RDB type `type`; undefined for an empty one (which Redis skips when loading). */
  object(type: number): Value | undefined {
    switch (type) {
      case TYPE_STRING:
        return this.string();
      case TYPE_LIST:
        return this.plainList();
      case TYPE_SET:
        return this.plainSet();
      case TYPE_ZSET:
      case TYPE_ZSET_2:
        return this.plainSortedSet(type === TYPE_ZSET_2);
      case TYPE_HASH:
        return this.plainHash();
      case TYPE_LIST_QUICKLIST:
      case TYPE_LIST_QUICKLIST_2:
        return this.quicklist(type === TYPE_LIST_QUICKLIST_2);
      case TYPE_LIST_ZIPLIST: {
        const elements = this.entriesOf(readZiplist);
        return elements.length === 0 ? undefined : new List(elements);
      }
      case TYPE_SET_INTSET:
        return this.intset();
      case TYPE_ZSET_ZIPLIST:
        return this.packedSortedSet(this.entriesOf(readZiplist));
      case TYPE_ZSET_LISTPACK:
        return this.packedSortedSet(this.entriesOf(readListpack));
      case TYPE_HASH_ZIPMAP:
        // Redis converts a zipmap checking element lengths too (it has to walk it anyway).
        return this.packedHash(this.entriesOf(readZipmap), this.limits);
      case TYPE_HASH_ZIPLIST:
        return this.packedHash(this.entriesOf(readZiplist), this.countOnlyHashLimits());
      case TYPE_HASH_LISTPACK:
        return this.packedHash(this.entriesOf(readListpack), this.countOnlyHashLimits());
      case TYPE_STREAM_LISTPACKS:
      case TYPE_STREAM_LISTPACKS_2:
        return this.stream(type === TYPE_STREAM_LISTPACKS_2);
      case TYPE_MODULE_PRE_GA:
      case TYPE_MODULE_2:
        throw new RdbError("module values are not supported", this.input.at);
      default:
        throw new RdbError(`unknown type ${type}`, this.input.at - 1);
    }
  }

  /**
   * A stream as Redis 7.0's rdbLoadObject reads one: the nodes (key, listpack), the length and
   * last id, with `version2` the first id, max deleted id and entries added (else derived as Redis
   * derives them), then the consumer groups.
   */
  private stream(version2: boolean): Stream {
    const input = this.input;
    const stream = new Stream();
    const count = this.length();
    let live = 0;
    let previous: StreamNode | undefined;
    // The last live entry so far: live entries increase across the stream (tombstones need not).
    let lastMs: U64 = 0;
    let lastSeq: U64 = 0;
    for (let i = 0; i < count; i++) {
      const keyAt = input.at;
      const key = this.blob();
      if (key.length !== STREAM_ID_SIZE) throw new RdbError("stream node key entry is not the size of a stream ID", keyAt);
      const ms = readU64BE(key, 0);
      const seq = readU64BE(key, 8);
      // Redis's rax sorts the nodes by key: a file it wrote has them in order, and the store needs them so.
      if (previous !== undefined && compareIds(previous.masterMs, previous.masterSeq, ms, seq) >= 0) throw new RdbError("stream nodes out of order", keyAt);
      const blobAt = input.at;
      const blob = this.blob();
      let node: StreamNode;
      try {
        node = readStreamNode(blob, ms, seq);
      } catch (error) {
        if (error instanceof RdbError) throw new RdbError(`${error.reason} (byte ${error.offset} of the blob)`, blobAt);
        throw error;
      }
      for (let e = 0; e < node.size; e++) {
        if (node.deleted[e]) continue;
        if (live > 0 && compareIds(node.ms[e]!, node.seq[e]!, lastMs, lastSeq) <= 0) throw new RdbError("stream entries out of order", blobAt);
        lastMs = node.ms[e]!;
        lastSeq = node.seq[e]!;
        live++;
      }
      stream.nodes.push(node);
      previous = node;
    }
    const metadataAt = input.at;
    stream.length = this.length();
    stream.lastMs = this.lengthU64();
    stream.lastSeq = this.lengthU64();
    if (version2) {
      stream.firstMs = this.lengthU64();
      stream.firstSeq = this.lengthU64();
      stream.maxDeletedMs = this.lengthU64();
      stream.maxDeletedSeq = this.lengthU64();
      stream.entriesAdded = this.lengthU64();
    } else {
      // As Redis migrates an older stream: everything counted as added, no tombstone known, and
      // the first live id (streamGetEdgeID gives the largest id when there is none).
      stream.entriesAdded = stream.length;
      const first = stream.edgeId(true, true);
      stream.firstMs = first === undefined ? U64_MAX : first.ms;
      stream.firstSeq = first === undefined ? U64_MAX : first.seq;
    }
    if (stream.length !== live) throw new RdbError("stream length inconsistent with its entries", metadataAt);
    // Every live entry is at most the last id (tombstones may be above it: XSETID allows that).
    if (live > 0 && compareIds(lastMs, lastSeq, stream.lastMs, stream.lastSeq) > 0) throw new RdbError("stream last id below its entries", metadataAt);
    const groups = this.length();
    for (let i = 0; i < groups; i++) this.consumerGroup(stream, version2);
    return stream;
  }

  /** One consumer group: name, last id, read counter, PEL, then the consumers and their PELs. */
  private consumerGroup(stream: Stream, version2: boolean): void {
    const input = this.input;
    const groupAt = input.at;
    const name = this.string();
    const lastMs = this.lengthU64();
    const lastSeq = this.lengthU64();
    // Saved from a long long: 2^64 - 1 is the unknown counter (-1).
    const entriesRead = version2 ? signed(this.lengthU64()) : stream.estimateEntriesRead(lastMs, lastSeq);
    const groups = (stream.groups ??= new Map());
    if (groups.has(name)) throw new RdbError("duplicated consumer group name", groupAt);
    const group = new ConsumerGroup(name, lastMs, lastSeq, entriesRead);
    groups.set(name, group);
    const pending = this.length();
    for (let i = 0; i < pending; i++) {
      const at = input.at;
      const id = input.take(STREAM_ID_SIZE);
      const deliveryTime = Number(input.int64LE());
      const deliveryCount = this.length();
      if (!group.pel.insert(new PendingEntry(readU64BE(id, 0), readU64BE(id, 8), undefined, deliveryTime, deliveryCount))) {
        throw new RdbError("duplicated global PEL entry loading stream consumer group", at);
      }
    }
    const consumers = this.length();
    for (let i = 0; i < consumers; i++) {
      const consumerAt = input.at;
      const consumer = group.createConsumer(this.string(), 0);
      if (consumer === undefined) throw new RdbError("duplicate stream consumer detected", consumerAt);
      consumer.seenTime = Number(input.int64LE());
      const owned = this.length();
      for (let j = 0; j < owned; j++) {
        const at = input.at;
        const id = input.take(STREAM_ID_SIZE);
        const entry = group.pel.get(readU64BE(id, 0), readU64BE(id, 8));
        if (entry === undefined) throw new RdbError("consumer entry not found in group global PEL", at);
        if (entry.consumer !== undefined) throw new RdbError("PEL entry owned by more than one consumer", at);
        entry.consumer = consumer;
        consumer.pel.insert(entry);
      }
    }
    for (const entry of group.pel) if (entry.consumer === undefined) throw new RdbError("stream CG PEL entry without consumer", groupAt);
  }

  /** The entries of a blob decoded by `decode`, with its errors placed at the blob's offset. */
  private entriesOf(decode: (blob: Uint8Array) => string[]): string[] {
    const start = this.input.at;
    const blob = this.blob();
    try {
      return decode(blob);
    } catch (error) {
      if (error instanceof RdbError) throw new RdbError(`${error.reason} (byte ${error.offset} of the blob)`, start);
      throw error;
    }
  }

  private plainList(): List | undefined {
    const count = this.length();
    if (count === 0) return undefined;
    const elements = new Array<string>(count);
    for (let i = 0; i < count; i++) elements[i] = this.string();
    return new List(elements);
  }

  /** Lists as quicklist nodes: ziplists (`listpacks` false) or PLAIN/PACKED listpack nodes. */
  private quicklist(listpacks: boolean): List | undefined {
    const input = this.input;
    const nodes = this.length();
    const elements: string[] = [];
    for (let i = 0; i < nodes; i++) {
      let container = QUICKLIST_PACKED;
      if (listpacks) {
        const at = input.at;
        container = this.length();
        if (container !== QUICKLIST_PACKED && container !== QUICKLIST_PLAIN) throw new RdbError("quicklist integrity check failed", at);
      }
      const start = input.at;
      if (container === QUICKLIST_PLAIN) {
        elements.push(this.string());
        continue;
      }
      const blob = this.blob();
      if (blob.length === 0) throw new RdbError("empty quicklist node", start);
      let entries: string[];
      try {
        entries = listpacks ? readListpack(blob) : readZiplist(blob);
      } catch (error) {
        if (error instanceof RdbError) throw new RdbError(`${error.reason} (byte ${error.offset} of the blob)`, start);
        throw error;
      }
      // Redis skips empty nodes; an empty list as a whole is an empty key.
      for (const entry of entries) elements.push(entry);
    }
    return elements.length === 0 ? undefined : new List(elements);
  }

  /** RDB_TYPE_SET: an intset while every member is an integer and there are few enough. */
  private plainSet(): RedisSet | undefined {
    const count = this.length();
    if (count === 0) return undefined;
    const max = this.limits["set-max-intset-entries"];
    const set = RedisSet.intset();
    for (let i = 0; i < count; i++) {
      const at = this.input.at;
      if (!set.add(this.string(), max)) throw new RdbError("duplicate set members detected", at);
    }
    return set;
  }

  /** RDB_TYPE_SET_INTSET: kept an intset unless it holds more than `set-max-intset-entries`. */
  private intset(): RedisSet {
    const start = this.input.at;
    const members = this.entriesOf(readIntset);
    if (members.length === 0) throw new RdbError("empty intset", start);
    const max = this.limits["set-max-intset-entries"];
    const set = RedisSet.intset();
    for (const member of members) set.add(member, max);
    return set;
  }

  /** RDB_TYPE_ZSET (scores as text) and ZSET_2 (binary doubles), in any order. */
  private plainSortedSet(binary: boolean): SortedSet | undefined {
    const count = this.length();
    if (count === 0) return undefined;
    const scores = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const at = this.input.at;
      const member = this.string();
      const score = binary ? this.input.float64LE() : this.textDouble();
      if (Number.isNaN(score)) throw new RdbError("zset with NaN score detected", at);
      if (scores.has(member)) throw new RdbError("duplicate zset fields detected", at);
      scores.set(member, score);
    }
    // Built as a skiplist, then a listpack when small enough, as Redis converts after loading.
    return SortedSet.fromScores(scores, this.limits);
  }

  /** RDB's old double: a length byte (253 NaN, 254 +inf, 255 -inf) and that many bytes of text. */
  private textDouble(): number {
    const length = this.input.byte();
    if (length === 253) return NaN;
    if (length === 254) return Infinity;
    if (length === 255) return -Infinity;
    return parseDouble(this.input.latin1(length));
  }

  /** A sorted set from a ziplist or listpack blob: member, score, member, score... */
  private packedSortedSet(entries: string[]): SortedSet | undefined {
    const start = this.input.at;
    if (entries.length % 2 !== 0) throw new RdbError("zset blob with an odd number of entries", start);
    if (entries.length === 0) return undefined;
    const scores = new Map<string, number>();
    for (let i = 0; i < entries.length; i += 2) {
      const member = entries[i]!;
      const score = parseDouble(entries[i + 1]!);
      if (Number.isNaN(score)) throw new RdbError("zset with NaN score detected", start);
      if (scores.has(member)) throw new RdbError("duplicate zset fields detected", start);
      scores.set(member, score);
    }
    // Redis keeps the blob unless it has too many entries: member lengths are not looked at.
    const limits = { "zset-max-listpack-entries": this.limits["zset-max-listpack-entries"], "zset-max-listpack-value": Infinity };
    return SortedSet.fromScores(scores, limits);
  }

  /** RDB_TYPE_HASH: a listpack until a field or value is too long or there are too many. */
  private plainHash(): RedisHash | undefined {
    const count = this.length();
    if (count === 0) return undefined;
    const hash = new RedisHash();
    for (let i = 0; i < count; i++) {
      const at = this.input.at;
      const field = this.string();
      const value = this.string();
      if (!hash.set(field, value, this.limits)) throw new RdbError("duplicate hash fields detected", at);
    }
    return hash;
  }

  /** A hash from a zipmap, ziplist or listpack blob: field, value, field, value... */
  private packedHash(entries: string[], limits: HashLimits): RedisHash | undefined {
    const start = this.input.at;
    if (entries.length % 2 !== 0) throw new RdbError("hash blob with an odd number of entries", start);
    if (entries.length === 0) return undefined;
    const hash = new RedisHash();
    for (let i = 0; i < entries.length; i += 2) {
      if (!hash.set(entries[i]!, entries[i + 1]!, limits)) throw new RdbError("duplicate hash fields detected", start);
    }
    return hash;
  }

  /** The hash limits with no bound on lengths: Redis checks only a loaded blob's entry count. */
  private countOnlyHashLimits(): HashLimits {
    return { "hash-max-listpack-entries": this.limits["hash-max-listpack-entries"], "hash-max-listpack-value": Infinity };
  }
}

/** An unsigned 64-bit value read as the long long it was saved from. */
function signed(value: U64): number | bigint {
  if (typeof value === "number") return value;
  const result = BigInt.asIntN(64, value);
  return result >= BigInt(Number.MIN_SAFE_INTEGER) && result <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result) : result;
}

/** C's strtod as Redis reads scores from text: decimal, `inf`/`infinity` and `nan`, any case. */
function parseDouble(text: string): number {
  const trimmed = text.trim().toLowerCase();
  const unsigned = trimmed.startsWith("-") || trimmed.startsWith("+") ? trimmed.slice(1) : trimmed;
  if (unsigned === "inf" || unsigned === "infinity") return trimmed.startsWith("-") ? -Infinity : Infinity;
  if (unsigned === "nan") return NaN;
  return Number.parseFloat(trimmed);
}

/** How to read a file: verify its CRC64 (`rdbchecksum`), and the settings that pick encodings. */
export interface RdbReaderOptions {
  readonly checksum: boolean;
  readonly config: RdbLoadLimits;
}

/** The `REDIS` magic and the four-digit version. */
const HEADER_SIZE = 9;

/**
 * Walks an RDB file one record at a time. Empty keys (which an old Redis bug could save) are
 * skipped, as Redis does, and counted in `emptyKeysSkipped`. Expired keys are returned with their
 * time: whether to drop them is the loader's decision (Redis drops them on a master).
 */
export class RdbReader {
  /** The file's RDB version. */
  readonly version: number;
  /** Empty keys skipped so far. */
  emptyKeysSkipped = 0;
  private readonly input: ByteReader;
  private readonly decoder: ValueDecoder;
  private readonly crc = new Crc64();
  /** Bytes folded into the CRC so far. */
  private checked = 0;
  private ended = false;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: RdbReaderOptions,
  ) {
    this.input = new ByteReader(bytes);
    this.decoder = new ValueDecoder(this.input, options.config);
    if (bytes.length < HEADER_SIZE) throw new RdbError("short read", bytes.length);
    const magic = this.input.latin1(5);
    if (magic !== "REDIS") throw new RdbError("wrong signature", 0);
    const digits = this.input.latin1(4);
    const version = /^\d+$/.test(digits) ? Number(digits) : -1;
    if (version < 1 || version > RDB_VERSION) throw new RdbError(`can't handle RDB format version ${digits}`, 5);
    this.version = version;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.input.at;
  }

  /** The next record; `end` (after checking the checksum) last, then undefined. */
  next(): RdbItem | undefined {
    if (this.ended) return undefined;
    const input = this.input;
    const decoder = this.decoder;
    // The CRC follows the reading, so that checking it at the end costs nothing extra.
    if (this.options.checksum && this.checked < input.at) {
      this.crc.update(this.bytes, this.checked, input.at);
      this.checked = input.at;
    }
    let expireAt: number | bigint | undefined;
    let idle: number | undefined;
    let freq: number | undefined;
    for (;;) {
      const start = input.at;
      const type = input.byte();
      switch (type) {
        case OPCODE_EXPIRETIME:
          expireAt = input.int32LE() * 1000;
          continue;
        case OPCODE_EXPIRETIME_MS:
          expireAt = input.int64LE();
          continue;
        case OPCODE_FREQ:
          freq = input.byte();
          continue;
        case OPCODE_IDLE:
          idle = decoder.length();
          continue;
        case OPCODE_EOF:
          return this.end();
        case OPCODE_SELECTDB:
          return { kind: "selectDb", index: decoder.length() };
        case OPCODE_RESIZEDB: {
          const keys = decoder.length();
          return { kind: "resizeDb", keys, expires: decoder.length() };
        }
        case OPCODE_AUX: {
          const key = decoder.string();
          return { kind: "aux", key, value: decoder.string() };
        }
        case OPCODE_MODULE_AUX:
          throw new RdbError("module auxiliary data (MODULE_AUX) is not supported", start);
        case OPCODE_FUNCTION2:
          return { kind: "function", code: decoder.string() };
        case OPCODE_FUNCTION_PRE_GA:
          return { kind: "function", code: this.preGaFunction() };
        default: {
          if (!isObjectType(type)) throw new RdbError(`unknown type ${type}`, start);
          const key = decoder.string();
          const value = decoder.object(type);
          if (value === undefined) {
            // Saved by a Redis with the empty-key bug: skipped, as Redis does.
            this.emptyKeysSkipped++;
            expireAt = idle = freq = undefined;
            continue;
          }
          const item: { kind: "key"; key: string; value: Value; expireAt?: number | bigint; idle?: number; freq?: number } = { kind: "key", key, value };
          if (expireAt !== undefined) item.expireAt = expireAt;
          if (idle !== undefined) item.idle = idle;
          if (freq !== undefined) item.freq = freq;
          return item;
        }
      }
    }
  }

  /** A library in the 7.0 release candidates' format: name, engine, description, code. */
  private preGaFunction(): string {
    const decoder = this.decoder;
    const name = decoder.string();
    const engine = decoder.string();
    if (decoder.length() !== 0) decoder.string();
    const code = decoder.string();
    return `#!${engine} name=${name}\n${code}`;
  }

  /** After EOF: the checksum (RDB 5 and later), verified unless off or stored as zero. */
  private end(): RdbItem {
    this.ended = true;
    if (this.version < 5) return { kind: "end" };
    const input = this.input;
    const at = input.at;
    input.need(8);
    if (this.options.checksum && !isZero(this.bytes, at)) {
      this.crc.update(this.bytes, this.checked, at);
      this.checked = at;
      if (!this.crc.matchesLE(this.bytes, at)) throw new RdbError("bad checksum", at);
    }
    input.at += 8;
    return { kind: "end" };
  }
}

/** Whether the eight bytes at `at` are all zero (a checksum that was not computed). */
function isZero(bytes: Uint8Array, at: number): boolean {
  for (let i = at; i < at + 8; i++) if (bytes[i] !== 0) return false;
  return true;
}
