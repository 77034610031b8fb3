import { describe, expect, test } from "bun:test";
import { crc64 } from "../../src/persist/crc64.ts";
import { dumpValue, RdbError, RdbReader, RdbWriter, restoreValue, DumpPayloadError, type RdbItem, type RdbLoadLimits } from "../../src/persist/rdb.ts";
import type { Value } from "../../src/store/keyspace.ts";
import { RedisHash } from "../../src/store/types/hash.ts";
import { List } from "../../src/store/types/list.ts";
import { RedisSet } from "../../src/store/types/set.ts";
import { SortedSet } from "../../src/store/types/sorted-set.ts";
import { Stream } from "../../src/store/types/stream.ts";
import { ConsumerGroup, PendingEntry } from "../../src/store/types/stream-group.ts";
import { U64_MAX } from "../../src/store/types/stream-id.ts";
import { ListpackBuilder } from "../../src/persist/listpack.ts";
import { writeStreamNode } from "../../src/persist/rdb-stream.ts";
import { ByteString } from "../../src/store/types/string.ts";

const LIMITS: RdbLoadLimits = {
  "hash-max-listpack-entries": 128,
  "hash-max-listpack-value": 64,
  "set-max-intset-entries": 512,
  "zset-max-listpack-entries": 128,
  "zset-max-listpack-value": 64,
};

/** A value as plain data: type, encoding and contents in their order. */
function describeValue(value: Value): unknown {
  if (typeof value === "string") return ["string", value];
  if (value instanceof ByteString) return ["string", value.toString()];
  if (value instanceof List) return ["list", value.encoding(), value.toArray()];
  if (value instanceof RedisSet) return ["set", value.encoding(), Array.from({ length: value.size }, (_, i) => value.at(i)).sort()];
  if (value instanceof SortedSet) return ["zset", value.encoding(), [...value.entries()]];
  if (value instanceof RedisHash) return ["hash", value.encoding(), Array.from({ length: value.size }, (_, i) => [value.fieldAt(i), value.valueAt(i)]).sort()];
  if (value instanceof Stream) return describeStream(value);
  throw new Error(`unexpected value ${value.type}`);
}

/** A stream as plain data: nodes (key, master fields, entries), metadata, groups with PELs and consumers. */
function describeStream(stream: Stream): unknown {
  const nodes = stream.nodes.map((node) => ({
    key: `${node.masterMs}-${node.masterSeq}`,
    master: node.masterFields,
    counts: [node.live, node.tombstones],
    entries: node.ms.map((ms, i) => [`${ms}-${node.seq[i]}`, node.deleted[i], node.items.slice(node.bounds[i], node.bounds[i + 1])]),
  }));
  const groups = [...(stream.groups?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1)).map((group) => ({
    name: group.name,
    last: `${group.lastMs}-${group.lastSeq}`,
    read: group.entriesRead,
    pel: [...group.pel].map((entry) => [`${entry.ms}-${entry.seq}`, entry.consumer?.name, entry.deliveryTime, entry.deliveryCount]),
    consumers: group.sortedConsumers().map((consumer) => [consumer.name, consumer.seenTime, [...consumer.pel].map((entry) => `${entry.ms}-${entry.seq}`)]),
  }));
  const ids = [stream.lastMs, stream.lastSeq, stream.firstMs, stream.firstSeq, stream.maxDeletedMs, stream.maxDeletedSeq].map(String);
  return ["stream", stream.length, ids, String(stream.entriesAdded), nodes, groups];
}

/** Appends entries `first..last` (ms = the number, seq 0) with fields that change every 7th entry. */
function fill(stream: Stream, first: number, last: number, maxEntries = 100): void {
  for (let i = first; i <= last; i++) stream.append(i, 0, i % 7 === 0 ? ["other", String(i)] : ["f", `v${i}`, "n", String(i * 1000)], 0, maxEntries, 4096);
}

/** A stream with tombstones, 64-bit ids, several nodes, and groups with consumers and pending entries. */
function sampleStream(): Stream {
  const stream = new Stream();
  fill(stream, 1, 250);
  for (const id of [3, 4, 7, 120]) stream.delete(id, 0);
  stream.maxDeletedMs = 120;
  stream.append(2n ** 64n - 1n, 2n ** 64n - 3n, ["last", "\x00\xff"], 0, 100, 4096);
  stream.refreshFirstId();
  const group = new ConsumerGroup("group", 200, 0, 195);
  const other = new ConsumerGroup("123", U64_MAX, U64_MAX, -1);
  stream.groups = new Map([["group", group], ["123", other]]);
  const [bob, alice] = [group.createConsumer("bob", 1_700_000_000_000)!, group.createConsumer("alice", 1_700_000_000_001)!];
  group.createConsumer("idle", 5);
  for (const [id, owner] of [[10, bob], [11, alice], [200, bob]] as const) {
    const entry = new PendingEntry(id, 0, owner, 1_600_000_000_000 + id, id);
    group.pel.insert(entry);
    owner.pel.insert(entry);
  }
  return stream;
}

/** One of each type and encoding. */
function sampleValues(): Map<string, Value> {
  const values = new Map<string, Value>();
  values.set("string", "hello");
  values.set("int", "-12345");
  values.set("empty", "");
  values.set("binary", "\x00\xff\r\n");
  values.set("long", "compress me ".repeat(50));
  values.set("bytes", ByteString.from("as bytes"));
  values.set("list", new List(["a", "1", "-70000", "\x00"]));
  values.set("biglist", new List(Array.from({ length: 5000 }, (_, i) => `element ${i}`)));
  const intset = RedisSet.intset();
  for (const member of ["5", "-3", "9223372036854775807"]) intset.add(member, 512);
  values.set("intset", intset);
  const set = RedisSet.intset();
  for (const member of ["x", "y", "1"]) set.add(member, 512);
  values.set("set", set);
  const hash = new RedisHash();
  for (const [field, value] of [["f", "v"], ["n", "42"]] as const) hash.set(field, value, LIMITS);
  values.set("hash", hash);
  const bighash = new RedisHash();
  for (let i = 0; i < 300; i++) bighash.set(`f${i}`, `v${i}`, LIMITS);
  values.set("bighash", bighash);
  const zset = new SortedSet();
  for (const [member, score] of [["a", 1], ["b", -2.5], ["c", Infinity], ["d", 1e18], ["e", 0.1]] as const) zset.add(member, score, 0, LIMITS);
  values.set("zset", zset);
  const bigzset = new SortedSet();
  for (let i = 0; i < 200; i++) bigzset.add(`m${i}`, i / 7, 0, LIMITS);
  values.set("bigzset", bigzset);
  values.set("stream", sampleStream());
  return values;
}

/** Every item of a file. */
function readAll(bytes: Uint8Array, checksum = true): RdbItem[] {
  const reader = new RdbReader(bytes, { checksum, config: LIMITS });
  const items: RdbItem[] = [];
  for (let item = reader.next(); item !== undefined; item = reader.next()) items.push(item);
  return items;
}

/** The RdbError reading `bytes` ends with, as "reason@offset". */
function failure(bytes: Uint8Array, checksum = true): string {
  try {
    readAll(bytes, checksum);
  } catch (error) {
    if (error instanceof RdbError) return `${error.reason}@${error.offset}`;
    throw error;
  }
  return "no error";
}

/** A file written by RdbWriter with `compression` and `checksum`, taken in several chunks. */
function writeFile(compression: boolean, checksum: boolean): Uint8Array {
  const writer = new RdbWriter({ compression, checksum });
  const chunks: Uint8Array[] = [];
  writer.header([["redis-ver", "7.0.15"], ["redis-bits", 64], ["ctime", 1700000000], ["used-mem", 1234567], ["aof-base", 0]]);
  writer.functions(["#!lua name=lib\nredis.register_function('f', function() return 1 end)"]);
  const values = sampleValues();
  writer.selectDb(0, values.size, 2);
  let i = 0;
  for (const [key, value] of values) {
    writer.key(key, value, i === 0 ? 1_800_000_000_000 : i === 1 ? 2n ** 60n : undefined);
    if (i++ % 3 === 0) chunks.push(writer.take());
  }
  writer.selectDb(5, 1, 0);
  writer.key("other db", "x");
  writer.finish();
  chunks.push(writer.take());
  return Buffer.concat(chunks);
}

/** A hand-made file: the magic with `version`, the body, EOF and (version 5+) the CRC64. */
function handMade(version: number, body: string, checksum: "good" | "zero" | "none" = "good"): Uint8Array {
  const head = Buffer.from(`REDIS${String(version).padStart(4, "0")}${body}\xff`, "latin1");
  if (checksum === "none") return head;
  const crc = Buffer.alloc(8);
  if (checksum === "good") crc.writeBigUInt64LE(crc64(head));
  return Buffer.concat([head, crc]);
}

describe("RdbWriter and RdbReader", () => {
  for (const [compression, checksum] of [[true, true], [false, true], [true, false]] as const) {
    test(`round trip (compression ${compression}, checksum ${checksum})`, () => {
      const file = writeFile(compression, checksum);
      expect(Buffer.from(file.subarray(0, 9)).latin1Slice()).toBe("REDIS0010");
      if (!checksum) expect(Buffer.from(file.subarray(file.length - 8)).equals(Buffer.alloc(8))).toBe(true);
      else expect(Buffer.from(file.subarray(file.length - 8)).readBigUInt64LE()).toBe(crc64(file.subarray(0, file.length - 8)));
      const items = readAll(file);
      const values = sampleValues();
      const keys = items.filter((item) => item.kind === "key");
      expect(items.slice(0, 7)).toEqual([
        { kind: "aux", key: "redis-ver", value: "7.0.15" }, { kind: "aux", key: "redis-bits", value: "64" }, { kind: "aux", key: "ctime", value: "1700000000" },
        { kind: "aux", key: "used-mem", value: "1234567" }, { kind: "aux", key: "aof-base", value: "0" },
        { kind: "function", code: "#!lua name=lib\nredis.register_function('f', function() return 1 end)" }, { kind: "selectDb", index: 0 },
      ]);
      expect(items[7]).toEqual({ kind: "resizeDb", keys: values.size, expires: 2 });
      expect(keys.map((item) => item.key)).toEqual([...values.keys(), "other db"]);
      for (const item of keys.slice(0, -1)) expect(describeValue(item.value)).toEqual(describeValue(values.get(item.key)!));
      expect(keys[0]!.expireAt).toBe(1_800_000_000_000);
      expect(keys[1]!.expireAt).toBe(2n ** 60n);
      expect(keys[2]!.expireAt).toBeUndefined();
      expect(items.at(-4)).toEqual({ kind: "selectDb", index: 5 });
      expect(items.at(-1)).toEqual({ kind: "end" });
    });
  }

  test("encodings on load follow the limits given, as Redis's loading does", () => {
    const file = writeFile(true, true);
    const reader = new RdbReader(file, {
      checksum: true,
      config: { "hash-max-listpack-entries": 1, "hash-max-listpack-value": 1, "set-max-intset-entries": 2, "zset-max-listpack-entries": 1, "zset-max-listpack-value": 1 },
    });
    const encodings: Record<string, string> = {};
    for (let item = reader.next(); item !== undefined; item = reader.next()) {
      if (item.kind === "key" && typeof item.value !== "string") encodings[item.key] = item.value.encoding();
    }
    expect(encodings).toEqual({
      list: "quicklist", biglist: "quicklist", intset: "hashtable", set: "hashtable", hash: "hashtable", bighash: "hashtable", zset: "skiplist", bigzset: "skiplist",
      stream: "stream",
    });
  });

  test("the reader reports its offset as it goes", () => {
    const file = writeFile(true, true);
    const reader = new RdbReader(file, { checksum: true, config: LIMITS });
    let last = reader.offset;
    expect(last).toBe(9);
    for (let item = reader.next(); item !== undefined; item = reader.next()) {
      expect(reader.offset).toBeGreaterThan(last);
      last = reader.offset;
    }
    expect(last).toBe(file.length);
  });
});

describe("corrupt files", () => {
  test("truncated anywhere: an RdbError, never a wrong result", () => {
    const file = writeFile(true, true);
    for (let length = 0; length < file.length; length += length < 200 ? 1 : 97) {
      const error = failure(file.subarray(0, length));
      expect(error).not.toBe("no error");
    }
    expect(failure(file.subarray(0, file.length - 3))).toBe(`short read@${file.length - 8}`);
    expect(failure(file.subarray(0, 4))).toBe("short read@4");
  });

  test("a flipped byte fails the checksum (or the structure), unless checksums are off", () => {
    const file = writeFile(false, true);
    const at = Buffer.from(file).indexOf("hello");
    const flipped = Buffer.from(file);
    flipped[at] = "j".charCodeAt(0);
    expect(failure(flipped)).toBe(`bad checksum@${file.length - 8}`);
    expect(failure(flipped, false)).toBe("no error");
    const zero = Buffer.from(flipped);
    zero.fill(0, zero.length - 8);
    expect(failure(zero)).toBe("no error");
  });

  test("unknown types, bad signature or version, module data, streams", () => {
    expect(failure(handMade(10, "\x2a\x01k"))).toBe("unknown type 42@9");
    expect(failure(handMade(10, "\x08\x01k\x01v"))).toBe("unknown type 8@9");
    expect(failure(Buffer.from("REDIX0010\xff", "latin1"))).toBe("wrong signature@0");
    expect(failure(handMade(11, ""))).toBe("can't handle RDB format version 0011@5");
    expect(failure(handMade(0, ""))).toBe("can't handle RDB format version 0000@5");
    expect(failure(Buffer.from("REDIS00a1\xff", "latin1"))).toBe("can't handle RDB format version 00a1@5");
    expect(failure(handMade(10, "\xf7\x01\x02\x03"))).toBe("module auxiliary data (MODULE_AUX) is not supported@9");
    expect(failure(handMade(10, "\x13\x01k\x01\x10"))).toBe("short read@14");
    expect(failure(handMade(10, "\x07\x01k\x00"))).toBe("module values are not supported@12");
    expect(failure(handMade(10, "\x00\xc4"))).toBe("unknown string encoding 4@10");
    expect(failure(handMade(10, "\x00\x01k\xc3\x05\x0a\x00abcd"))).toBe("invalid LZF compressed string@12");
    expect(failure(handMade(10, "\xfe\xc0"))).toBe("string encoding where a length was expected@10");
  });

  test("blob errors are placed at the blob", () => {
    expect(failure(handMade(10, "\x10\x01k\x07\x07\x00\x00\x00\x05\x00\xff"))).toBe("listpack count mismatch (byte 4 of the blob)@12");
    expect(failure(handMade(10, "\x0b\x01k\x08\x02\x00\x00\x00\x00\x00\x00\x00"))).toBe("empty intset@12");
    expect(failure(handMade(10, "\x02\x01k\x02\x01a\x01a"))).toBe("duplicate set members detected@15");
  });
});

/** A stream payload body (after the type byte) from a node key, listpack elements and what follows. */
function streamBody(elements: (string | number | bigint)[], after: string, key = "\x00".repeat(15) + "\x01"): string {
  const builder = new ListpackBuilder();
  for (const element of elements) {
    if (typeof element === "string") builder.appendString(element);
    else builder.appendInteger(element);
  }
  const blob = Buffer.from(builder.finish()).latin1Slice();
  return "\x01\x10" + key + String.fromCharCode(blob.length) + blob + after;
}

/** The RdbError restoring `body` (a stream type-19 payload body) ends with, as "reason@offset". */
function restoreFailure(body: string): string {
  const payload = Buffer.from(dumpPayload("\x13" + body), "latin1");
  try {
    restoreValue(payload, LIMITS);
  } catch (error) {
    if (error instanceof RdbError) return `${error.reason}@${error.offset}`;
    throw error;
  }
  return "no error";
}

/** A DUMP payload around `body`. */
function dumpPayload(body: string): string {
  const head = Buffer.from(body + "\x0a\x00", "latin1");
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(head));
  return head.latin1Slice() + crc.latin1Slice();
}

describe("streams", () => {
  /** A valid node (id 0-1, field f, one SAMEFIELDS entry) and metadata: length 1, last 0-1, first 0-1, max deleted 0-0, added 1. */
  const master = [1, 0, 1, "f", 0];
  const entry = [2, 0, 0, "v", 4];
  const metadata = "\x01\x00\x01\x00\x01\x00\x00\x01";

  test("round trip: entries, tombstones, 64-bit ids, nodes, metadata, groups, consumers, PELs", () => {
    for (const compression of [true, false]) {
      const stream = sampleStream();
      const restored = restoreValue(dumpValue(stream, { compression, checksum: true }), LIMITS) as Stream;
      expect(describeStream(restored)).toEqual(describeStream(stream));
      // The PEL entries are shared between a group and its consumers, as the store expects.
      const group = restored.groups!.get("group")!;
      expect(group.pel.get(10, 0)).toBe(group.consumers.get("bob")!.pel.get(10, 0)!);
      expect(restored.groups!.get("123")!.entriesRead).toBe(-1);
    }
  });

  test("a node's listpack has the size the stream accounts for it, and reloads to the same accounting", () => {
    const stream = new Stream();
    fill(stream, 1, 300, 33);
    stream.append(2n ** 60n, 5, ["f", "x".repeat(5000)], 0, 33, 0);
    const builder = new ListpackBuilder();
    for (const node of stream.nodes) expect(writeStreamNode(builder, node).length).toBe(node.listpackBytes());
    const restored = restoreValue(dumpValue(stream, { compression: true, checksum: true }), LIMITS) as Stream;
    expect(restored.nodes.map((node) => node.listpackBytes())).toEqual(stream.nodes.map((node) => node.listpackBytes()));
  });

  test("a node made after XSETID lowered the last id is filed in key order, as Redis's rax files it, and saved so", () => {
    const stream = new Stream();
    fill(stream, 10, 11, 2);
    // A full node of tombstones only (as MINID trimming leaves one), then ids below its key.
    stream.nodes[0]!.markDeleted(0);
    stream.nodes[0]!.markDeleted(1);
    stream.length = 0;
    stream.append(5, 0, ["f", "v"], 0, 2, 4096);
    // The tombstones' node stays the tail (the largest key): each new entry needs a node of its own.
    stream.append(6, 0, ["f", "v"], 0, 2, 4096);
    expect(stream.nodes.map((node) => node.masterMs)).toEqual([5, 6, 10]);
    const restored = restoreValue(dumpValue(stream, { compression: true, checksum: true }), LIMITS) as Stream;
    expect(describeStream(restored)).toEqual(describeStream(stream));
  });

  test("empty streams, with and without groups; bigint counters", () => {
    const stream = new Stream();
    stream.lastMs = 5;
    stream.lastSeq = U64_MAX;
    stream.entriesAdded = 2n ** 63n;
    expect(describeStream(restoreValue(dumpValue(stream, { compression: true, checksum: true }), LIMITS) as Stream)).toEqual(describeStream(stream));
    stream.groups = new Map([["g", new ConsumerGroup("g", 1, 1, 2n ** 62n)]]);
    expect(describeStream(restoreValue(dumpValue(stream, { compression: true, checksum: true }), LIMITS) as Stream)).toEqual(describeStream(stream));
  });

  test("a valid hand-made payload restores", () => {
    expect(restoreFailure(streamBody([...master, ...entry], metadata + "\x00"))).toBe("no error");
  });

  test("corrupt listpacks: each reported at the blob with its reason", () => {
    // Type, node count, node key: the node's listpack starts at 19.
    const at = 1 + 1 + 17;
    const fails = (elements: (string | number | bigint)[], reason: string) => expect(restoreFailure(streamBody(elements, metadata + "\x00"))).toBe(`${reason} (byte 0 of the blob)@${at}`);
    fails([...master, 2, 0, 0, "v", 5], "stream listpack entry with a wrong lp-count");
    fails([...master, 2, 0, 0, "v"], "stream listpack ends inside an entry");
    fails([...master, ...entry, 7], "stream listpack has elements past its entries");
    fails([1, 0, 1, "f", 1, ...entry], "stream listpack master entry without its terminator");
    fails(["x", 0, 1, "f", 0, ...entry], "stream listpack live count is not an integer");
    fails([-1, 0, 1, "f", 0, ...entry], "stream listpack live count out of range");
    fails([0, 0, 1, "f", 0], "stream node without entries");
    fails([1, 0, 1, "f", 0, 3, 0, 0, "v", 4], "stream listpack counts disagree with its entries");
    // Other fields than the master's: count, fields and values, and a longer lp-count.
    expect(restoreFailure(streamBody([1, 0, 1, "f", 0, 0, 0, 0, 1, "g", "v", 6], metadata + "\x00"))).toBe("no error");
  });

  test("any byte changed: a stream or an RdbError, never another exception", () => {
    const stream = new Stream();
    fill(stream, 1, 30, 8);
    stream.delete(9, 0);
    const group = new ConsumerGroup("g", 20, 0, 20);
    stream.groups = new Map([["g", group]]);
    const consumer = group.createConsumer("c", 7)!;
    const pending = new PendingEntry(5, 0, consumer, 9, 1);
    group.pel.insert(pending);
    consumer.pel.insert(pending);
    const body = Buffer.from(dumpValue(stream, { compression: false, checksum: true })).latin1Slice().slice(1, -10);
    let outcomes = 0;
    for (let i = 0; i < body.length; i++) {
      for (const change of [1, 0x80, 0xff]) {
        const changed = body.slice(0, i) + String.fromCharCode(body.charCodeAt(i) ^ change) + body.slice(i + 1);
        const outcome = restoreFailure(changed);
        expect(outcome === "no error" || /@\d+$/.test(outcome)).toBe(true);
        outcomes++;
      }
    }
    expect(outcomes).toBe(body.length * 3);
  });

  test("live entries must increase; tombstones may lie above later entries (XSETID allows that)", () => {
    // Entries 0-1, 0-0: out of order.
    expect(restoreFailure(streamBody([2, 0, 1, "f", 0, ...entry, 2, 0, -1, "w", 4], "\x02" + metadata.slice(1, -1) + "\x02\x00"))).toBe("stream entries out of order@19");
    // 0-1, then 0-5 deleted, then 0-3: what Redis holds after XDEL 0-5, XSETID 0-1 MAXDELETEDID 0-0, XADD 0-3.
    const lowered = streamBody([2, 1, 1, "f", 0, ...entry, 3, 0, 4, "v", 4, 2, 0, 2, "w", 4], "\x02\x00\x03\x00\x01\x00\x05\x03\x00");
    expect(restoreFailure(lowered)).toBe("no error");
  });

  test("corrupt streams: node order, length, last id, groups, PELs, consumers", () => {
    const node = streamBody([...master, ...entry], "").slice(1);
    const key2 = "\x10" + "\x00".repeat(15) + "\x00";
    const pelId = "\x00".repeat(15) + "\x01";
    const time = "\x00".repeat(8);
    const metadataAt = 1 + node.length + 1;
    expect(restoreFailure("\x02" + node + key2 + node.slice(17) + "\x02" + metadata.slice(1) + "\x00")).toBe(`stream nodes out of order@${1 + node.length + 1}`);
    expect(restoreFailure(streamBody([...master, ...entry], "\x02" + metadata.slice(1) + "\x00"))).toBe(`stream length inconsistent with its entries@${metadataAt}`);
    expect(restoreFailure(streamBody([...master, ...entry], "\x01\x00\x00" + metadata.slice(3) + "\x00"))).toBe(`stream last id below its entries@${metadataAt}`);
    expect(restoreFailure(streamBody([...master, ...entry], metadata + "\x01\x01g\x00\x00\x00\x01" + pelId + time + "\x01\x00"))).toBe(`stream CG PEL entry without consumer@${metadataAt + metadata.length + 1}`);
    const twoConsumers = "\x01\x01g\x00\x00\x00\x01" + pelId + time + "\x01\x02" + ("\x01c" + time + "\x01" + pelId).replace("c", "a") + "\x01c" + time + "\x01" + pelId;
    expect(restoreFailure(streamBody([...master, ...entry], metadata + twoConsumers))).toMatch(/^PEL entry owned by more than one consumer@\d+$/);
    expect(restoreFailure(streamBody([...master, ...entry], metadata + "\x01\x01g\x00\x00\x00\x01" + pelId + time + "\x01\x01\x01c" + time + "\x01" + pelId))).toBe("no error");
    expect(restoreFailure("\x01\x0f" + "\x00".repeat(15) + node.slice(17) + metadata + "\x00")).toBe("stream node key entry is not the size of a stream ID@2");
  });
});

describe("older files and opcodes", () => {
  test("EXPIRETIME in seconds, IDLE, FREQ, a pre-GA function, and no checksum before version 5", () => {
    const body = "\xfa\x03ver\x013\xfe\x00\xfb\x02\x01\xfd\x00\xf1\x53\x65\x00\x01k\x01v\xf8\x4f\xff\x00\x02k2\x01v\xf9\x07\x00\x02k3\x01v";
    const items = readAll(handMade(4, body, "none"));
    expect(items).toEqual([
      { kind: "aux", key: "ver", value: "3" }, { kind: "selectDb", index: 0 }, { kind: "resizeDb", keys: 2, expires: 1 },
      { kind: "key", key: "k", value: "v", expireAt: 1700000000 * 1000 }, { kind: "key", key: "k2", value: "v", idle: 0xfff }, { kind: "key", key: "k3", value: "v", freq: 7 },
      { kind: "end" },
    ]);
    const preGa = readAll(handMade(10, "\xf6\x03lib\x03lua\x01\x04desc\x0breturn 1 --"));
    expect(preGa[0]).toEqual({ kind: "function", code: "#!lua name=lib\nreturn 1 --" });
  });

  test("empty keys (an old Redis bug) are skipped and counted", () => {
    const reader = new RdbReader(handMade(10, "\x02\x01e\x00\x04\x01h\x00\x00\x01k\x01v"), { checksum: true, config: LIMITS });
    expect(reader.next()).toEqual({ kind: "key", key: "k", value: "v" });
    expect(reader.emptyKeysSkipped).toBe(2);
    expect(reader.next()).toEqual({ kind: "end" });
    expect(reader.next()).toBeUndefined();
  });
});

describe("dumpValue and restoreValue", () => {
  test("every sample value round-trips, and the trailer is checked", () => {
    for (const [key, value] of sampleValues()) {
      const payload = dumpValue(value, { compression: true, checksum: false });
      expect({ key, value: describeValue(restoreValue(payload, LIMITS)) }).toEqual({ key, value: describeValue(value) });
    }
    const payload = Buffer.from(dumpValue("hello", { compression: true, checksum: true }));
    payload[2]! ^= 1;
    expect(() => restoreValue(payload, LIMITS)).toThrow(DumpPayloadError);
    expect(() => restoreValue(payload.subarray(0, 9), LIMITS)).toThrow(DumpPayloadError);
  });
});
