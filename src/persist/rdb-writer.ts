/**
 * @module
 * Writing Redis's RDB format (version 10, as Redis 7.0): `ValueEncoder` turns one value into its
 * type byte and serialisation, choosing the encodings Redis 7.0 chooses for the same contents
 * (listpack blobs for small hashes and sorted sets, an intset for a small set of integers,
 * quicklist nodes of listpacks for lists; integer and LZF forms for strings), so that DUMP and
 * SAVE give Redis's bytes wherever the contents decide them (hashtable orders cannot match).
 * `RdbWriter` builds a whole file from that, in chunks the caller takes as it goes.
 *
 * Streams are saved as RDB_TYPE_STREAM_LISTPACKS_2: each node's key and listpack (rdb-stream.ts
 * builds it as Redis would), the metadata, then the consumer groups with their PELs and consumers,
 * each in Redis's radix-tree order (names by bytes, ids by value).
 */
import type { Value } from "../store/keyspace.ts";
import { RedisHash } from "../store/types/hash.ts";
import { List } from "../store/types/list.ts";
import { RedisSet } from "../store/types/set.ts";
import { SortedSet } from "../store/types/sorted-set.ts";
import { Stream } from "../store/types/stream.ts";
import type { ConsumerGroup } from "../store/types/stream-group.ts";
import type { U64 } from "../store/types/stream-id.ts";
import { ByteString, EmbeddedString, integerValue } from "../store/types/string.ts";
import { formatDouble } from "../resp/writer.ts";
import { ByteWriter } from "./bytes.ts";
import { Crc64 } from "./crc64.ts";
import { writeIntset } from "./intset.ts";
import { ListpackBuilder } from "./listpack.ts";
import { LzfCompressor } from "./lzf.ts";
import { STREAM_ID_SIZE, writeStreamNode } from "./rdb-stream.ts";
import {
  ENC_INT16,
  ENC_INT32,
  ENC_INT8,
  ENC_LZF,
  ENCVAL,
  LEN_14BIT,
  LEN_32BIT,
  LEN_64BIT,
  OPCODE_AUX,
  OPCODE_EOF,
  OPCODE_EXPIRETIME_MS,
  OPCODE_FUNCTION2,
  OPCODE_RESIZEDB,
  OPCODE_SELECTDB,
  QUICKLIST_PACKED,
  RDB_VERSION,
  TYPE_HASH,
  TYPE_HASH_LISTPACK,
  TYPE_LIST_QUICKLIST_2,
  TYPE_SET,
  TYPE_SET_INTSET,
  TYPE_STREAM_LISTPACKS_2,
  TYPE_STRING,
  TYPE_ZSET_2,
  TYPE_ZSET_LISTPACK,
} from "./rdb-format.ts";

/** How to write: the `rdbcompression` and `rdbchecksum` settings, and lists' node size. */
export interface RdbOptions {
  /** Compress strings longer than 20 bytes with LZF when that saves at least 4 bytes. */
  compression: boolean;
  /** End a file with its CRC64 (zero when off). DUMP payloads always carry one, as Redis's. */
  checksum: boolean;
  /** `list-max-listpack-size`: how lists are cut into quicklist nodes (default -2: 8 KB). */
  listMaxListpackSize?: number;
}

/** Redis's quicklist node size limits for list-max-listpack-size -1..-5. */
const NODE_SIZE_LIMITS = [4096, 8192, 16384, 32768, 65536];
/** Redis's SIZE_SAFETY_LIMIT: a node holding a count of entries still stays under this size. */
const NODE_SAFETY_LIMIT = 8192;
/** Redis's SIZE_ESTIMATE_OVERHEAD: what one more entry is assumed to add besides its bytes. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** 2^62, the bound of Redis's `double2ll`: integral scores within it are stored as integers. */
const SCORE_INTEGER_LIMIT = 2 ** 62;

/** Writes values (and the strings and lengths around them) in RDB's encodings into `out`. */
export class ValueEncoder {
  private readonly lzf = new LzfCompressor();
  /** A string's bytes, and its compressed form, while trying LZF. */
  private plain = Buffer.allocUnsafe(256);
  private compressed = new Uint8Array(256);
  private readonly listpack = new ListpackBuilder();
  private readonly blobs = new ByteWriter(256);
  private readonly nodes = new ByteWriter(1024);

  /** Where the encoding goes (a list's nodes go to a side buffer first, to be counted). */
  private out: ByteWriter;

  constructor(
    out: ByteWriter,
    private readonly options: RdbOptions,
  ) {
    this.out = out;
  }

  /** An RDB length: 6, 14, 32 or 64 bits. */
  length(value: number): void {
    const out = this.out;
    if (value < 64) out.byte(value);
    else if (value < 16384) {
      out.byte((LEN_14BIT << 6) | (value >> 8));
      out.byte(value & 0xff);
    } else if (value <= 0xffffffff) {
      out.byte(LEN_32BIT);
      out.uint32BE(value);
    } else {
      out.byte(LEN_64BIT);
      out.uint64BE(value);
    }
  }

  /** An RDB length holding any unsigned 64-bit value (stream ids and counters). */
  lengthU64(value: U64): void {
    if (typeof value === "number") return this.length(value);
    this.out.byte(LEN_64BIT);
    this.uint64BE(value);
  }

  /** An unsigned 64-bit integer, big-endian (exact for a bigint or a safe integer). */
  private uint64BE(value: U64): void {
    const out = this.out;
    if (typeof value === "number") return out.uint64BE(value);
    out.uint32BE(Number(value >> 32n));
    out.uint32BE(Number(value & 0xffffffffn));
  }

  /** A stream id's 16 raw bytes (a node key's or a PEL entry's), as Redis's radix trees key them. */
  private streamId(ms: U64, seq: U64): void {
    this.uint64BE(ms);
    this.uint64BE(seq);
  }

  /** A byte string as Redis's `rdbSaveRawString`: as an integer, LZF-compressed, or as it is. */
  string(text: string): void {
    const length = text.length;
    if (length <= 11 && length > 0 && this.integer(text)) return;
    if (this.options.compression && length > 20) {
      if (this.plain.length < length) this.plain = Buffer.allocUnsafe(Math.max(length, this.plain.length * 2));
      this.plain.latin1Write(text, 0, length);
      if (this.lzfString(this.plain, length)) return;
    }
    this.length(length);
    this.out.latin1(text);
  }

  /** Bytes (a blob, a string kept as bytes) as `rdbSaveRawString`. */
  bytes(bytes: Uint8Array): void {
    const length = bytes.length;
    if (length <= 11 && length > 0 && this.integer(Buffer.from(bytes.buffer, bytes.byteOffset, length).latin1Slice(0, length))) return;
    if (this.options.compression && length > 20 && this.lzfString(bytes, length)) return;
    this.length(length);
    this.out.bytes(bytes);
  }

  /** Writes `text` in an INT8/16/32 form if it is a canonical integer that fits; false otherwise. */
  private integer(text: string): boolean {
    const value = integerValue(text);
    if (typeof value !== "number" || value < -2147483648 || value > 2147483647) return false;
    const out = this.out;
    if (value >= -128 && value <= 127) {
      out.byte((ENCVAL << 6) | ENC_INT8);
      out.byte(value & 0xff);
    } else if (value >= -32768 && value <= 32767) {
      out.byte((ENCVAL << 6) | ENC_INT16);
      out.uint16LE(value & 0xffff);
    } else {
      out.byte((ENCVAL << 6) | ENC_INT32);
      out.uint32LE(value);
    }
    return true;
  }

  /** Writes `input[0..length)` LZF-compressed if that saves at least 4 bytes (Redis's rule). */
  private lzfString(input: Uint8Array, length: number): boolean {
    if (this.compressed.length < length + 2) this.compressed = new Uint8Array(Math.max(length + 2, this.compressed.length * 2));
    const size = this.lzf.compress(input, length, this.compressed, length - 4);
    if (size === 0) return false;
    this.out.byte((ENCVAL << 6) | ENC_LZF);
    this.length(size);
    this.length(length);
    this.out.bytes(this.compressed.subarray(0, size));
    return true;
  }

  /** The type byte of `value`, as Redis's `rdbSaveObjectType`. */
  typeOf(value: Value): number {
    if (typeof value === "string" || value instanceof ByteString || value instanceof EmbeddedString) return TYPE_STRING;
    if (value instanceof List) return TYPE_LIST_QUICKLIST_2;
    if (value instanceof RedisSet) return value.isIntset ? TYPE_SET_INTSET : TYPE_SET;
    if (value instanceof SortedSet) return value.isListpack ? TYPE_ZSET_LISTPACK : TYPE_ZSET_2;
    if (value instanceof RedisHash) return value.isListpack ? TYPE_HASH_LISTPACK : TYPE_HASH;
    if (value instanceof Stream) return TYPE_STREAM_LISTPACKS_2;
    throw new Error(`cannot save a value of type ${value.type}`);
  }

  /** The type byte, the key (when given: an RDB file's key record) and the value's serialisation. */
  object(value: Value, key?: string): void {
    this.out.byte(this.typeOf(value));
    if (key !== undefined) this.string(key);
    this.payload(value);
  }

  /** The serialisation of `value` after its type byte, as Redis's `rdbSaveObject`. */
  private payload(value: Value): void {
    if (typeof value === "string") return this.string(value);
    if (value instanceof ByteString) return this.bytes(value.bytes.subarray(0, value.length));
    if (value instanceof EmbeddedString) return this.string(value.text);
    if (value instanceof List) return this.list(value);
    if (value instanceof RedisSet) return this.set(value);
    if (value instanceof SortedSet) return this.sortedSet(value);
    if (value instanceof RedisHash) return this.hash(value);
    if (value instanceof Stream) return this.stream(value);
    throw new Error(`cannot save a value of type ${value.type}`);
  }

  /**
   * A quicklist of listpack nodes, cut where Redis's `_quicklistNodeAllowInsert` would start a
   * new node while pushing the elements at the tail, so a list built by RPUSH saves as Redis's.
   */
  private list(list: List): void {
    const fill = this.options.listMaxListpackSize ?? -2;
    const sizeLimit = fill < 0 && fill >= -5 ? NODE_SIZE_LIMITS[-fill - 1]! : -1;
    const nodes = this.nodes;
    nodes.reset();
    const builder = this.listpack;
    builder.reset();
    let count = 0;
    const main = this.out;
    const flush = () => {
      // The node's listpack goes through the string writer: LZF applies to it as to any string.
      this.out = nodes;
      this.length(QUICKLIST_PACKED);
      this.bytes(builder.finish());
      this.out = main;
      count++;
      builder.reset();
    };
    for (let i = 0; i < list.length; i++) {
      const element = list.at(i);
      if (builder.entries > 0 && !allowInsert(builder, element.length, fill, sizeLimit)) flush();
      builder.append(element);
    }
    if (builder.entries > 0) flush();
    this.length(count);
    this.out.bytes(nodes.view());
  }

  private set(set: RedisSet): void {
    const size = set.size;
    if (set.isIntset) {
      const members = new Array<string>(size);
      for (let i = 0; i < size; i++) members[i] = set.at(i);
      const blob = this.blobs;
      blob.reset();
      writeIntset(blob, members);
      this.bytes(blob.view());
      return;
    }
    this.length(size);
    for (let i = 0; i < size; i++) this.string(set.at(i));
  }

  private sortedSet(set: SortedSet): void {
    const size = set.size;
    if (set.isListpack) {
      const builder = this.listpack;
      builder.reset();
      for (const cursor = set.at(0); cursor.valid; cursor.next()) {
        builder.append(cursor.member);
        appendScore(builder, cursor.score);
      }
      this.bytes(builder.finish());
      return;
    }
    // From the highest score down, as Redis, whose loader then always inserts at the head.
    this.length(size);
    for (const cursor = set.at(size - 1); cursor.valid; cursor.prev()) {
      this.string(cursor.member);
      this.out.float64LE(cursor.score);
    }
  }

  private hash(hash: RedisHash): void {
    const size = hash.size;
    if (hash.isListpack) {
      const builder = this.listpack;
      builder.reset();
      for (let i = 0; i < size; i++) {
        builder.append(hash.fieldAt(i));
        builder.append(hash.valueAt(i));
      }
      this.bytes(builder.finish());
      return;
    }
    this.length(size);
    for (let i = 0; i < size; i++) {
      this.string(hash.fieldAt(i));
      this.string(hash.valueAt(i));
    }
  }

  /** As Redis 7.0's rdbSaveObject for OBJ_STREAM: nodes, metadata, consumer groups. */
  private stream(stream: Stream): void {
    // The store keeps the nodes in key order, as Redis's rax iterates them.
    const nodes = stream.nodes;
    this.length(nodes.length);
    for (const node of nodes) {
      // The key as rdbSaveRawString writes 16 bytes: too long for an integer, too short for LZF.
      this.length(STREAM_ID_SIZE);
      this.streamId(node.masterMs, node.masterSeq);
      this.bytes(writeStreamNode(this.listpack, node));
    }
    this.length(stream.length);
    this.lengthU64(stream.lastMs);
    this.lengthU64(stream.lastSeq);
    this.lengthU64(stream.firstMs);
    this.lengthU64(stream.firstSeq);
    this.lengthU64(stream.maxDeletedMs);
    this.lengthU64(stream.maxDeletedSeq);
    this.lengthU64(stream.entriesAdded);
    const groups = stream.groups === undefined ? [] : [...stream.groups.values()].sort(byName);
    this.length(groups.length);
    for (const group of groups) this.consumerGroup(group);
  }

  /** A group: name, last id, read counter, the PEL with delivery data, the consumers with theirs. */
  private consumerGroup(group: ConsumerGroup): void {
    const out = this.out;
    this.string(group.name);
    this.lengthU64(group.lastMs);
    this.lengthU64(group.lastSeq);
    // A long long saved as an unsigned length: the unknown counter (-1) becomes 2^64 - 1.
    const read = group.entriesRead;
    this.lengthU64(typeof read === "number" && read >= 0 ? read : BigInt.asUintN(64, BigInt(read)));
    this.length(group.pel.size);
    for (const entry of group.pel) {
      this.streamId(entry.ms, entry.seq);
      out.int64LE(entry.deliveryTime);
      this.length(entry.deliveryCount);
    }
    const consumers = group.sortedConsumers();
    this.length(consumers.length);
    for (const consumer of consumers) {
      this.string(consumer.name);
      out.int64LE(consumer.seenTime);
      this.length(consumer.pel.size);
      for (const entry of consumer.pel) this.streamId(entry.ms, entry.seq);
    }
  }
}

/** Radix-tree order of names: their bytes (one char per byte, so string order is byte order). */
function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Redis 7.0's `_quicklistNodeAllowInsert`: whether an element of `length` bytes still goes into
 * the node, estimating the entry's overhead at 8 bytes (SIZE_ESTIMATE_OVERHEAD), as Redis does.
 */
function allowInsert(node: ListpackBuilder, length: number, fill: number, sizeLimit: number): boolean {
  const newSize = node.size + length + SIZE_ESTIMATE_OVERHEAD;
  if (sizeLimit >= 0 && newSize <= sizeLimit) return true;
  if (newSize > NODE_SAFETY_LIMIT) return false;
  return node.entries < fill;
}

/**
 * A score as Redis 7.0's `zzlInsertAt` stores it: an integer entry when the score is integral
 * within 2^62 (so -0 becomes 0), else its text (`%.17g`, `inf`, `-inf`).
 */
function appendScore(builder: ListpackBuilder, score: number): void {
  if (Number.isInteger(score) && score >= -SCORE_INTEGER_LIMIT && score <= SCORE_INTEGER_LIMIT) {
    builder.appendInteger(Number.isSafeInteger(score) ? score + 0 : BigInt(score));
  } else builder.appendString(formatDouble(score));
}

/** The RDB file's magic and version: `REDIS0010`. */
const MAGIC = `REDIS${String(RDB_VERSION).padStart(4, "0")}`;

/**
 * Builds an RDB file incrementally: `header`, then per database `selectDb` and its `key`s (a
 * database may be selected again later), `functions` anywhere before `finish`. `take` hands over
 * the bytes produced since the last call, so a large file never sits in memory whole; the CRC64
 * runs across takes.
 */
export class RdbWriter {
  private readonly out = new ByteWriter(64 * 1024);
  private readonly encoder: ValueEncoder;
  private readonly crc = new Crc64();
  /** Bytes of `out` already folded into the CRC. */
  private checked = 0;
  private finished = false;

  constructor(private readonly options: RdbOptions) {
    this.encoder = new ValueEncoder(this.out, options);
  }

  /** Bytes waiting to be taken. */
  get pending(): number {
    return this.out.length;
  }

  /** The magic and version, then the AUX fields (redis-ver, redis-bits, ctime, used-mem, aof-base...). */
  header(aux: ReadonlyArray<readonly [string, string | number]>): void {
    this.out.latin1(MAGIC);
    for (const [name, value] of aux) {
      this.out.byte(OPCODE_AUX);
      this.encoder.string(name);
      this.encoder.string(String(value));
    }
  }

  /** SELECTDB and RESIZEDB: the keys that follow belong to database `index`. */
  selectDb(index: number, keys: number, expires: number): void {
    this.out.byte(OPCODE_SELECTDB);
    this.encoder.length(index);
    this.out.byte(OPCODE_RESIZEDB);
    this.encoder.length(keys);
    this.encoder.length(expires);
  }

  /** One key: its expiry time (ms since the epoch) if it has one, then type, key and value. */
  key(key: string, value: Value, expireAt?: number | bigint): void {
    if (expireAt !== undefined) {
      this.out.byte(OPCODE_EXPIRETIME_MS);
      this.out.int64LE(expireAt);
    }
    this.encoder.object(value, key);
  }

  /** The function libraries, by their code (RDB_OPCODE_FUNCTION2 each). */
  functions(codes: readonly string[]): void {
    for (const code of codes) {
      this.out.byte(OPCODE_FUNCTION2);
      this.encoder.string(code);
    }
  }

  /** EOF and the CRC64 of everything before it (eight zero bytes when checksums are off). */
  finish(): void {
    if (this.finished) throw new Error("RDB already finished");
    const out = this.out;
    out.byte(OPCODE_EOF);
    this.fold();
    out.ensure(8);
    if (this.options.checksum) this.crc.writeLE(out.buffer, out.length);
    else out.buffer.fill(0, out.length, out.length + 8);
    out.length += 8;
    this.checked = out.length;
    this.finished = true;
  }

  /** The bytes produced since the last call (a copy the caller owns). */
  take(): Uint8Array {
    this.fold();
    const chunk = new Uint8Array(this.out.view());
    this.out.reset(4 << 20);
    this.checked = 0;
    return chunk;
  }

  /** Folds the bytes written since the last fold into the CRC. */
  private fold(): void {
    if (this.options.checksum && this.checked < this.out.length) this.crc.update(this.out.buffer, this.checked, this.out.length);
    this.checked = this.out.length;
  }
}

/**
 * A DUMP payload: the value's type and serialisation, the RDB version (2 bytes LE) and the CRC64
 * of all that (8 bytes LE). The CRC is always there, whatever `checksum` says, as in Redis.
 */
export function dumpValue(value: Value, options: RdbOptions): Uint8Array {
  const out = new ByteWriter(typeof value === "string" ? value.length + 32 : 256);
  new ValueEncoder(out, options).object(value);
  out.uint16LE(RDB_VERSION);
  const crc = new Crc64();
  crc.update(out.buffer, 0, out.length);
  out.ensure(8);
  crc.writeLE(out.buffer, out.length);
  out.length += 8;
  return out.view();
}
