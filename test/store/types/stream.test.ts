import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { addCounters, type Counter, radixTreeNodeCount, signedCounter, Stream, subtractCounters, type TrimOptions } from "../../../src/store/types/stream.ts";
import { ConsumerGroup, INVALID_ENTRIES_READ, PendingEntry } from "../../../src/store/types/stream-group.ts";
import { compareIds, formatId, idBytes, nextId, parseStreamId, parseU64, previousId, U64_MAX } from "../../../src/store/types/stream-id.ts";
import { IdMap } from "../../../src/store/types/stream-pel.ts";

/** The live entries of a stream as [id, fields and values]. */
function entries(stream: Stream, reverse = false): [string, string[]][] {
  const out: [string, string[]][] = [];
  const iterator = stream.iterate(0, 0, U64_MAX, U64_MAX, reverse);
  while (iterator.next()) {
    const node = iterator.node;
    out.push([formatId(iterator.ms, iterator.seq), node.items.slice(node.bounds[iterator.index]!, node.bounds[iterator.index + 1]!)]);
  }
  return out;
}

/** A stream with entries n-1 for n in `ids` (one field `f` = n), with the given node limits. */
function streamOf(ids: number[], maxEntries = 100, maxBytes = 4096): Stream {
  const stream = new Stream();
  for (const n of ids) stream.append(n, 1, ["f", String(n)], 0, maxEntries, maxBytes);
  return stream;
}

const exactMaxlen = (maxlen: number): TrimOptions => ({ strategy: "maxlen", maxlen, minMs: 0, minSeq: 0, approx: false, limit: 0 });

describe("stream ids", () => {
  test("parseU64 reads as Redis's string2ull: strict integers, then strtoull", () => {
    expect(parseU64("0")).toBe(0);
    expect(parseU64("123")).toBe(123);
    expect(parseU64("9007199254740991")).toBe(9007199254740991);
    expect(parseU64("9007199254740992")).toBe(9007199254740992n);
    expect(parseU64("18446744073709551615")).toBe(U64_MAX);
    expect(parseU64("18446744073709551616")).toBeUndefined();
    expect(parseU64("007")).toBe(7);
    expect(parseU64("+7")).toBe(7);
    expect(parseU64(" \t7")).toBe(7);
    expect(parseU64("7 ")).toBeUndefined();
    expect(parseU64("-1")).toBeUndefined();
    expect(parseU64("-01")).toBe(U64_MAX);
    expect(parseU64("-0")).toBe(0);
    expect(parseU64("-")).toBeUndefined();
    expect(parseU64("")).toBeUndefined();
    expect(parseU64("1e3")).toBeUndefined();
  });

  test("parseStreamId: -, +, incomplete ids, ms-*, strictness, NUL and length limits", () => {
    expect(parseStreamId("-", 0, false)).toEqual({ ms: 0, seq: 0, seqGiven: true });
    expect(parseStreamId("+", 0, false)).toEqual({ ms: U64_MAX, seq: U64_MAX, seqGiven: true });
    expect(parseStreamId("-", 0, true)).toBeUndefined();
    expect(parseStreamId("5", U64_MAX, false)).toEqual({ ms: 5, seq: U64_MAX, seqGiven: true });
    expect(parseStreamId("5-*", 0, true, true)).toEqual({ ms: 5, seq: 0, seqGiven: false });
    expect(parseStreamId("5-*", 0, true)).toBeUndefined();
    expect(parseStreamId("5-6-7", 0, true)).toBeUndefined();
    expect(parseStreamId("5\x00junk", 0, true)).toEqual({ ms: 5, seq: 0, seqGiven: true });
    expect(parseStreamId("1".repeat(128), 0, true)).toBeUndefined();
  });

  test("comparison, successor and predecessor are exact across 2^53 and at the edges", () => {
    expect(compareIds(1, 2, 1, 3)).toBeLessThan(0);
    expect(compareIds(2n ** 60n, 0, 9007199254740991, U64_MAX)).toBeGreaterThan(0);
    expect(compareIds(U64_MAX, U64_MAX, U64_MAX, U64_MAX)).toBe(0);
    expect(nextId(1, U64_MAX)).toEqual({ ms: 2, seq: 0 });
    expect(nextId(9007199254740991, 5)).toEqual({ ms: 9007199254740991, seq: 6 });
    expect(nextId(1, 9007199254740991)).toEqual({ ms: 1, seq: 9007199254740992n });
    expect(nextId(U64_MAX, U64_MAX)).toBeUndefined();
    expect(previousId(2, 0)).toEqual({ ms: 1, seq: U64_MAX });
    expect(previousId(1, 9007199254740992n)).toEqual({ ms: 1, seq: 9007199254740991 });
    expect(previousId(0, 0)).toBeUndefined();
    expect(formatId(U64_MAX, 0)).toBe("18446744073709551615-0");
  });
});

describe("IdMap (the pending entries lists)", () => {
  test("matches a sorted array model under random inserts, deletes and seeks", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("insert", "delete", "seek"), fc.integer({ min: 0, max: 400 })), { maxLength: 600 }), (ops) => {
        const map = new IdMap<PendingEntry>();
        const model = new Set<number>();
        for (const [op, n] of ops) {
          const ms = n >> 2;
          const seq = n & 3;
          const key = ms * 4 + seq;
          if (op === "insert") {
            expect(map.insert(new PendingEntry(ms, seq, undefined, 0, 1))).toBe(!model.has(key));
            model.add(key);
          } else if (op === "delete") {
            expect(map.delete(ms, seq) !== undefined).toBe(model.has(key));
            model.delete(key);
          } else {
            const expected = [...model].sort((a, b) => a - b).find((k) => k >= key);
            const found = map.at(map.seek(ms, seq));
            expect(found === undefined ? undefined : (found.ms as number) * 4 + (found.seq as number)).toBe(expected);
          }
        }
        const sorted = [...model].sort((a, b) => a - b);
        expect([...map].map((entry) => (entry.ms as number) * 4 + (entry.seq as number))).toEqual(sorted);
        expect(map.size).toBe(sorted.length);
        for (const k of sorted) expect(map.get(k >> 2, k & 3)?.seq).toBe(k & 3);
      }),
      { numRuns: 200 },
    );
  });
});

describe("stream nodes", () => {
  test("a node closes at stream-node-max-entries entries (tombstones included)", () => {
    const stream = streamOf([1, 2, 3, 4, 5, 6, 7], 3);
    expect(stream.nodes.map((node) => node.size)).toEqual([3, 3, 1]);
    expect(stream.delete(5, 1)).toBe(true);
    stream.append(8, 1, ["f", "8"], 0, 3, 4096);
    expect(stream.nodes.map((node) => node.size)).toEqual([3, 3, 2]);
    expect(stream.nodes.map((node) => node.live)).toEqual([3, 2, 2]);
  });

  test("a node closes when its listpack and the new strings would reach stream-node-max-bytes", () => {
    // 28 bytes for the first entry (header, master entry, entry), 10 for each like it after.
    const stream = streamOf(Array.from({ length: 20 }, (_, i) => i + 1), 0, 100);
    expect(stream.nodes.map((node) => node.size)).toEqual([8, 8, 4]);
    expect(stream.nodes[0]!.listpackBytes()).toBe(98);
  });

  test("iteration forwards and backwards within bounds, skipping tombstones", () => {
    const stream = streamOf([1, 2, 3, 4, 5, 6, 7, 8, 9], 2);
    stream.delete(4, 1);
    stream.delete(5, 1);
    expect(entries(stream).map(([id]) => id)).toEqual(["1-1", "2-1", "3-1", "6-1", "7-1", "8-1", "9-1"]);
    expect(entries(stream, true).map(([id]) => id)).toEqual(["9-1", "8-1", "7-1", "6-1", "3-1", "2-1", "1-1"]);
    const range: string[] = [];
    for (const it = stream.iterate(3, 0, 7, 0); it.next(); ) range.push(formatId(it.ms, it.seq));
    expect(range).toEqual(["3-1", "6-1"]);
    const back: string[] = [];
    for (const it = stream.iterate(2, 1, 8, 1, true); it.next(); ) back.push(formatId(it.ms, it.seq));
    expect(back).toEqual(["8-1", "7-1", "6-1", "3-1", "2-1"]);
    expect(stream.nodes.map((node) => node.live)).toEqual([2, 1, 1, 2, 1]);
  });

  test("first, last and max ids; deleting the last live entry of a node drops the node", () => {
    const stream = streamOf([1, 2, 3, 4], 2);
    expect(stream.edgeId(true, true)).toEqual({ ms: 1, seq: 1 });
    stream.delete(1, 1);
    expect(stream.edgeId(true, true)).toEqual({ ms: 2, seq: 1 });
    expect(stream.edgeId(true, false)).toEqual({ ms: 1, seq: 1 });
    stream.delete(2, 1);
    expect(stream.nodes.length).toBe(1);
    expect(stream.lastValidId()).toEqual({ ms: 4, seq: 1 });
    stream.delete(4, 1);
    expect(stream.lastValidId()).toEqual({ ms: 3, seq: 1 });
    expect(stream.edgeId(false, false)).toEqual({ ms: 4, seq: 1 });
  });
});

describe("entries below a tombstone (after XSETID), as Redis's iterator finds them", () => {
  /** A stream as XSETID leaves it: 1-1 live, 1-9 deleted, then entries 1-2.. after it in the same node. */
  function unordered(): Stream {
    const stream = new Stream();
    stream.append(1, 1, ["f", "a"], 0, 100, 4096);
    stream.append(1, 9, ["f", "gone"], 0, 100, 4096);
    stream.delete(1, 9);
    for (const seq of [2, 3, 4, 9]) stream.append(1, seq, ["f", `v${seq}`], 0, 100, 4096);
    return stream;
  }

  test("a node is ordered until an id follows a larger one; tombstones keep their strings", () => {
    const stream = unordered();
    const node = stream.nodes[0]!;
    expect(node.ordered).toBe(false);
    expect(node.items.slice(node.bounds[1], node.bounds[2])).toEqual(["f", "gone"]);
    expect(streamOf([1, 2, 3]).nodes[0]!.ordered).toBe(true);
  });

  test("find, has and delete see the live entry with an id a tombstone also has", () => {
    const stream = unordered();
    expect(stream.find(1, 9)).toEqual([0, 5]);
    expect(stream.has(1, 3)).toBe(true);
    expect(stream.has(1, 5)).toBe(false);
    expect(stream.delete(1, 9)).toBe(true);
    expect(stream.delete(1, 9)).toBe(false);
    expect(entries(stream).map(([id]) => id)).toEqual(["1-1", "1-2", "1-3", "1-4"]);
  });

  test("ranges skip entries before the start (forwards) and after the end (backwards)", () => {
    const stream = unordered();
    const ids = (iterator: ReturnType<Stream["iterate"]>) => {
      const out: string[] = [];
      while (iterator.next()) out.push(formatId(iterator.ms, iterator.seq));
      return out;
    };
    expect(ids(stream.iterate(1, 3, U64_MAX, U64_MAX))).toEqual(["1-3", "1-4", "1-9"]);
    expect(ids(stream.iterate(1, 2, 1, 4, true))).toEqual(["1-4", "1-3", "1-2"]);
    expect(ids(stream.iterate(1, 5, 1, 8))).toEqual([]);
    expect(entries(stream, true).map(([id]) => id)).toEqual(["1-9", "1-4", "1-3", "1-2", "1-1"]);
  });

  test("a new node keyed below the tail (of tombstones) is filed before it; the same key replaces it", () => {
    const stream = new Stream();
    stream.append(5, 1, ["f", "v"], 0, 2, 4096);
    stream.append(5, 2, ["f", "v"], 0, 2, 4096);
    stream.delete(5, 2);
    stream.trim({ strategy: "minid", maxlen: 0, minMs: 5, minSeq: 2, approx: false, limit: 0 });
    stream.append(1, 0, ["f", "a"], 0, 2, 4096);
    stream.append(2, 0, ["f", "b"], 0, 2, 4096);
    expect(stream.nodes.map((node) => formatId(node.masterMs, node.masterSeq))).toEqual(["1-0", "2-0", "5-1"]);
    stream.append(5, 1, ["f", "c"], 0, 2, 4096);
    expect(stream.nodes.map((node) => formatId(node.masterMs, node.masterSeq))).toEqual(["1-0", "2-0", "5-1"]);
    expect(entries(stream).map(([id]) => id)).toEqual(["1-0", "2-0", "5-1"]);
  });
});

describe("listpack allocations (MEMORY USAGE)", () => {
  test("a new node gets 4 KB (or stream-node-max-bytes below that), a closed one shrinks to fit", () => {
    const stream = streamOf([1, 2, 3], 2, 0);
    // The closed node's listpack is 38 bytes: jemalloc's 48-byte class.
    expect(stream.nodes.map((node) => node.allocated)).toEqual([48, 4096]);
    expect(streamOf([1], 100, 300).nodes[0]!.allocated).toBe(320);
    const big = new Stream();
    big.append(1, 1, ["f", "x".repeat(5000)], 0, 100, 0);
    expect(big.nodes[0]!.allocated).toBe(5120);
    expect(big.copy().nodes[0]!.allocated).toBe(5120);
    expect(streamOf([1, 2, 3]).copy().nodes[0]!.allocated).toBe(48);
  });

  test("a counter whose encoding shrinks reallocates the listpack to fit", () => {
    const stream = streamOf(Array.from({ length: 128 }, (_, i) => i + 1), 200, 0);
    expect(stream.nodes[0]!.allocated).toBe(4096);
    stream.delete(1, 1);
    // 1299 bytes now (the live count takes one byte less): the 1536-byte class, as Redis's MEMORY USAGE shows.
    expect(stream.nodes[0]!.listpackBytes()).toBe(1299);
    expect(stream.nodes[0]!.allocated).toBe(1536);
    stream.delete(2, 1);
    expect(stream.nodes[0]!.allocated).toBe(1536);
  });
});

describe("64-bit counters", () => {
  test("entries added is unsigned, read counters and lags signed, all exact and wrapping as C's do", () => {
    expect(signedCounter(2n ** 63n)).toBe(-(2n ** 63n));
    expect(signedCounter(2n ** 64n - 1n)).toBe(-1);
    expect(addCounters(2n ** 63n - 1n, 1)).toBe(-(2n ** 63n));
    expect(addCounters(Number.MAX_SAFE_INTEGER, 1)).toBe(2n ** 53n);
    expect(subtractCounters(2n ** 53n + 1n, 2n ** 53n + 3n)).toBe(-2);
    expect(subtractCounters(-(2n ** 63n), 1)).toBe(2n ** 63n - 1n);
    const stream = streamOf([1]);
    stream.entriesAdded = 2n ** 64n - 1n;
    stream.append(2, 1, ["f", "v"], 0, 100, 4096);
    expect(stream.entriesAdded as Counter).toBe(0);
    stream.entriesAdded = Number.MAX_SAFE_INTEGER;
    stream.append(3, 1, ["f", "v"], 0, 100, 4096);
    expect(stream.entriesAdded as Counter).toBe(2n ** 53n);
  });
});

describe("trimming", () => {
  test("exact MAXLEN removes whole nodes then entries inside the next", () => {
    const stream = streamOf(Array.from({ length: 10 }, (_, i) => i + 1), 4);
    expect(stream.trim(exactMaxlen(5))).toBe(5);
    expect(entries(stream).map(([id]) => id)).toEqual(["6-1", "7-1", "8-1", "9-1", "10-1"]);
    expect(stream.nodes.map((node) => [node.size, node.live])).toEqual([[4, 3], [2, 2]]);
    expect([stream.firstMs, stream.firstSeq]).toEqual([6, 1]);
  });

  test("~ removes only whole nodes, within the limit", () => {
    const stream = streamOf(Array.from({ length: 10 }, (_, i) => i + 1), 4);
    const approx = (maxlen: number, limit: number): TrimOptions => ({ strategy: "maxlen", maxlen, minMs: 0, minSeq: 0, approx: true, limit });
    expect(stream.trim(approx(5, 3))).toBe(0);
    expect(stream.trim(approx(5, 0))).toBe(4);
    expect(stream.length).toBe(6);
    expect(stream.trim(approx(0, 0))).toBe(6);
    expect(stream.nodes.length).toBe(0);
    expect([stream.firstMs, stream.firstSeq]).toEqual([0, 0]);
  });

  test("MINID keeps a node whose last entry (even a tombstone) is not below the id", () => {
    const stream = streamOf([1, 2, 3, 4, 5, 6], 3);
    stream.delete(3, 1);
    const minid = (ms: number, approx: boolean): TrimOptions => ({ strategy: "minid", maxlen: 0, minMs: ms, minSeq: 0, approx, limit: 0 });
    expect(stream.trim(minid(3, true))).toBe(0);
    expect(stream.trim(minid(3, false))).toBe(2);
    // The first node now holds only tombstones, as Redis's listpack would.
    expect(stream.nodes.map((node) => node.live)).toEqual([0, 3]);
    expect(stream.trim(minid(4, true))).toBe(0);
    expect(stream.nodes.length).toBe(1);
  });
});

describe("groups and the 7.0 counters", () => {
  test("entries read and lag without tombstones, unknown after a deletion ahead (Redis 7.0's counting)", () => {
    const stream = streamOf([1, 2, 3, 4]);
    const group = new ConsumerGroup("g", 0, 0, INVALID_ENTRIES_READ);
    expect(stream.lag(group)).toBe(4);
    stream.advanceGroup(group, 1, 1);
    expect(group.entriesRead).toBe(1);
    stream.advanceGroup(group, 2, 1);
    expect(group.entriesRead).toBe(2);
    expect(stream.lag(group)).toBe(2);
    stream.delete(3, 1);
    stream.maxDeletedMs = 3;
    stream.maxDeletedSeq = 1;
    expect(stream.lag(group)).toBeUndefined();
    // As redis-server 7.0: no tombstone after 4-1, so the counter just goes on (3, lag 1).
    stream.advanceGroup(group, 4, 1);
    expect(group.entriesRead).toBe(3);
    expect(stream.lag(group)).toBe(1);
  });

  test("copies share nothing: entries, groups, consumers and PELs", () => {
    const stream = streamOf([1, 2]);
    const group = new ConsumerGroup("g", 0, 0, INVALID_ENTRIES_READ);
    stream.groups = new Map([["g", group]]);
    const consumer = group.createConsumer("c", 5)!;
    const pending = new PendingEntry(1, 1, consumer, 5, 1);
    group.pel.insert(pending);
    consumer.pel.insert(pending);
    const copy = stream.copy();
    stream.delete(1, 1);
    group.acknowledge(1, 1);
    expect(entries(copy).length).toBe(2);
    const copiedGroup = copy.groups!.get("g")!;
    expect(copiedGroup.pel.size).toBe(1);
    expect(copiedGroup.pel.get(1, 1)!.consumer).toBe(copiedGroup.consumers.get("c"));
    expect(copiedGroup.consumers.get("c")!.pel.size).toBe(1);
  });
});

describe("radix tree node count", () => {
  const key = (ms: number | bigint, seq: number | bigint) => idBytes(ms, seq);

  test("small trees as Redis's rax lays them out", () => {
    expect(radixTreeNodeCount([])).toBe(1);
    expect(radixTreeNodeCount([key(1, 1)])).toBe(2);
    // Branching at the last byte: root chain, branch, two leaves.
    expect(radixTreeNodeCount([key(1, 1), key(1, 2)])).toBe(4);
    // Branching one byte earlier: each branch has a one-byte node before its leaf.
    expect(radixTreeNodeCount([key(1, 1), key(1, 256)])).toBe(6);
    // Branching at the very first byte: the root is the branch.
    expect(radixTreeNodeCount([key(1, 1), key(2n ** 63n, 1)])).toBe(5);
  });
});
