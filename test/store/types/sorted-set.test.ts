import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { CountedBTree } from "../../../src/store/types/counted-btree.ts";
import { compareLex, lexRangeEmpty, SortedSet, ZADD_GT, ZADD_INCR, ZADD_LT, ZADD_NX, ZADD_XX, type LexBound, type LexRange, type ScoreRange, type ZsetLimits } from "../../../src/store/types/sorted-set.ts";

const LIMITS: ZsetLimits = { "zset-max-listpack-entries": 128, "zset-max-listpack-value": 64 };
const SMALL: ZsetLimits = { "zset-max-listpack-entries": 4, "zset-max-listpack-value": 3 };

/** The model: (member, score) pairs sorted as Redis sorts them. */
function model(zset: SortedSet): [string, number][] {
  return [...zset.entries()];
}

function sorted(entries: Map<string, number>): [string, number][] {
  return [...entries].sort(([am, as], [bm, bs]) => (as !== bs ? as - bs : am < bm ? -1 : am > bm ? 1 : 0));
}

/** Checks every rank, both walking directions and the score index against `expected`. */
function checkStructure(zset: SortedSet, expected: [string, number][]): void {
  expect(zset.size).toBe(expected.length);
  expect(model(zset)).toEqual(expected);
  const backwards: string[] = [];
  for (const cursor = zset.at(expected.length - 1); cursor.valid; cursor.prev()) backwards.push(cursor.member);
  expect(backwards).toEqual(expected.map(([m]) => m).reverse());
  for (let i = 0; i < expected.length; i++) {
    const cursor = zset.at(i);
    expect(cursor.member).toBe(expected[i]![0]);
    expect(Object.is(cursor.score, expected[i]![1])).toBe(true);
    expect(zset.rank(cursor.member, false)).toBe(i);
    expect(zset.rank(cursor.member, true)).toBe(expected.length - 1 - i);
    expect(zset.score(cursor.member)).toBe(expected[i]![1]);
  }
  expect(zset.at(expected.length).valid).toBe(false);
  expect(zset.at(-1).valid).toBe(false);
}

const member = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((code) => String.fromCharCode(code)), maxLength: 4 });
const score = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(-Infinity, Infinity, 0.5, -0, 1e300));

describe("member order is byte order", () => {
  test("JS comparison of latin1 strings equals memcmp of their bytes (shorter prefix first)", () => {
    fc.assert(
      fc.property(member, member, (a, b) => {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a, "latin1"), Buffer.from(b, "latin1")));
        expect(a < b ? -1 : a > b ? 1 : 0).toBe(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("SortedSet against a model", () => {
  test("random adds, updates and removals keep order, ranks and spans right", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), member, score), { maxLength: 300 }), (operations) => {
        const zset = new SortedSet(false);
        const expected = new Map<string, number>();
        for (const [add, m, s] of operations) {
          if (add) {
            const outcome = zset.add(m, s, 0, LIMITS);
            const before = expected.get(m);
            expect(outcome).toBe(before === undefined ? "added" : before === s ? "same" : "updated");
            if (before === undefined || before !== s) expected.set(m, s);
          } else {
            expect(zset.remove(m)).toBe(expected.delete(m));
          }
        }
        checkStructure(zset, sorted(expected));
      }),
      { numRuns: 300 },
    );
  });

  test("score and lex ranges, counts and range removals agree with filtering the model", () => {
    const bound = fc.record({ value: fc.integer({ min: -3, max: 3 }), exclusive: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.tuple(member, fc.integer({ min: -3, max: 3 })), { maxLength: 60 }), bound, bound, fc.integer({ min: 0, max: 2 }), (pairs, low, high, which) => {
        const zset = new SortedSet(false);
        const expected = new Map<string, number>();
        for (const [m, s] of pairs) {
          zset.add(m, s, 0, LIMITS);
          expected.set(m, s);
        }
        const range: ScoreRange = { min: low.value, max: high.value, minExclusive: low.exclusive, maxExclusive: high.exclusive };
        const inRange = sorted(expected).filter(([, s]) => (range.minExclusive ? s > range.min : s >= range.min) && (range.maxExclusive ? s < range.max : s <= range.max));
        expect(zset.countInScoreRange(range)).toBe(inRange.length);
        if (inRange.length > 0) {
          expect(zset.at(zset.scoreRangeStart(range)).member).toBe(inRange[0]![0]);
          expect(zset.at(zset.scoreRangeEnd(range) - 1).member).toBe(inRange[inRange.length - 1]![0]);
        }
        if (which === 0) {
          expect(zset.removeRangeByScore(range)).toBe(inRange.length);
          for (const [m] of inRange) expected.delete(m);
          checkStructure(zset, sorted(expected));
        } else if (which === 1) {
          const length = zset.size;
          const start = Math.min(Math.abs(low.value), length);
          const end = Math.min(start + Math.abs(high.value), length - 1);
          if (start <= end) {
            const removed = sorted(expected).slice(start, end + 1);
            expect(zset.removeRanks(start, end)).toBe(removed.length);
            for (const [m] of removed) expected.delete(m);
          }
          checkStructure(zset, sorted(expected));
        } else {
          const all = sorted(expected);
          const cut = Math.min(Math.abs(low.value) * 7, all.length);
          expect(zset.removeRanks(0, cut - 1)).toBe(cut);
          for (const [m] of all.slice(0, cut)) expected.delete(m);
          checkStructure(zset, sorted(expected));
        }
      }),
      { numRuns: 300 },
    );
  });

  test("lex ranges over equal scores (a listpack walked, a skiplist searched)", () => {
    const lexBound = fc.oneof(
      fc.constant<LexBound>({ infinity: -1, value: "", exclusive: true }),
      fc.constant<LexBound>({ infinity: 1, value: "", exclusive: true }),
      fc.record({ infinity: fc.constant<0>(0), value: member, exclusive: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(member, { maxLength: 80 }), lexBound, lexBound, fc.boolean(), (members, min, max, listpack) => {
        const zset = new SortedSet(listpack);
        for (const m of members) zset.add(m, 0, 0, { "zset-max-listpack-entries": listpack ? 1000 : 0, "zset-max-listpack-value": 1000 });
        const range: LexRange = { min, max };
        const inRange = [...members].sort().filter((m) => (min.exclusive ? compareLex(m, min) > 0 : compareLex(m, min) >= 0) && (max.exclusive ? compareLex(m, max) < 0 : compareLex(m, max) <= 0));
        const expected = lexRangeEmpty(range) ? [] : inRange;
        expect(zset.countInLexRange(range)).toBe(expected.length);
        const first = zset.lexRangeFirst(range);
        const last = zset.lexRangeLast(range);
        expect(first < 0 ? undefined : zset.at(first).member).toBe(expected[0]);
        expect(last < 0 ? undefined : zset.at(last).member).toBe(expected[expected.length - 1]);
        expect(zset.removeRangeByLex(range)).toBe(expected.length);
        expect(zset.size).toBe(members.length - expected.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe("ZADD's flags (zsetAdd)", () => {
  test("NX, XX, GT, LT and INCR", () => {
    const zset = new SortedSet();
    expect(zset.add("a", 5, ZADD_XX, LIMITS)).toBe("nop");
    expect(zset.add("a", 5, ZADD_NX, LIMITS)).toBe("added");
    expect(zset.add("a", 6, ZADD_NX, LIMITS)).toBe("nop");
    expect(zset.add("a", 4, ZADD_GT, LIMITS)).toBe("nop");
    expect(zset.add("a", 5, ZADD_GT, LIMITS)).toBe("nop");
    expect(zset.add("a", 7, ZADD_GT | ZADD_XX, LIMITS)).toBe("updated");
    expect(zset.add("a", 8, ZADD_LT, LIMITS)).toBe("nop");
    expect(zset.add("a", 1, ZADD_LT, LIMITS)).toBe("updated");
    expect(zset.add("b", 1, ZADD_GT, LIMITS)).toBe("added");
    expect(zset.add("a", 2, ZADD_INCR, LIMITS)).toBe("updated");
    expect(zset.addedScore).toBe(3);
    expect(zset.add("a", 0, ZADD_INCR, LIMITS)).toBe("same");
    expect(zset.addedScore).toBe(3);
    expect(zset.add("a", -1, ZADD_INCR | ZADD_GT, LIMITS)).toBe("nop");
    expect(zset.add("a", Infinity, ZADD_INCR, LIMITS)).toBe("updated");
    expect(zset.add("a", -Infinity, ZADD_INCR, LIMITS)).toBe("nan");
    expect(zset.add("c", NaN, 0, LIMITS)).toBe("nan");
    expect(model(zset)).toEqual([["b", 1], ["a", Infinity]]);
  });
});

describe("encoding", () => {
  test("listpack until a new member passes a threshold, then skiplist for good", () => {
    const zset = new SortedSet();
    expect(zset.encoding()).toBe("listpack");
    for (const m of ["a", "b", "c", "d"]) zset.add(m, 1, 0, SMALL);
    expect(zset.encoding()).toBe("listpack");
    expect(zset.add("abcd", 1, ZADD_XX, SMALL)).toBe("nop");
    expect(zset.encoding()).toBe("listpack");
    zset.add("e", 1, 0, SMALL);
    expect(zset.encoding()).toBe("skiplist");
    zset.remove("e");
    zset.remove("d");
    expect(zset.encoding()).toBe("skiplist");
    const long = new SortedSet();
    long.add("abcd", 1, 0, SMALL);
    expect(long.encoding()).toBe("skiplist");
    const none = new SortedSet();
    none.add("a", 1, 0, { "zset-max-listpack-entries": 0, "zset-max-listpack-value": 64 });
    expect(none.encoding()).toBe("skiplist");
  });

  test("a listpack stores -0 as 0; a skiplist keeps it; ZADD INCR still reports the computed -0", () => {
    const listpack = new SortedSet();
    listpack.add("a", -0, 0, LIMITS);
    expect(Object.is(listpack.score("a"), 0)).toBe(true);
    listpack.add("b", -0, ZADD_INCR, LIMITS);
    expect(Object.is(listpack.addedScore, -0)).toBe(true);
    expect(Object.is(listpack.score("b"), 0)).toBe(true);
    const skiplist = new SortedSet(false);
    skiplist.add("a", -0, 0, LIMITS);
    expect(Object.is(skiplist.score("a"), -0)).toBe(true);
    skiplist.add("a", 0, 0, LIMITS);
    expect(Object.is(skiplist.score("a"), -0)).toBe(true);
  });

  test("fromScores: a listpack when the result is small enough, else a skiplist; null limits keep a skiplist", () => {
    const scores = new Map([["a", -0], ["b", 2]]);
    const small = SortedSet.fromScores(scores, LIMITS);
    expect(small.encoding()).toBe("listpack");
    expect(Object.is(small.score("a"), 0)).toBe(true);
    expect(SortedSet.fromScores(scores, SMALL).encoding()).toBe("listpack");
    expect(SortedSet.fromScores(new Map([["abcd", 1]]), SMALL).encoding()).toBe("skiplist");
    expect(SortedSet.fromScores(new Map([["a", 1], ["b", 1], ["c", 1], ["d", 1], ["e", 1]]), SMALL).encoding()).toBe("skiplist");
    const kept = SortedSet.fromScores(scores, null);
    expect(kept.encoding()).toBe("skiplist");
    expect(Object.is(kept.score("a"), -0)).toBe(true);
  });

  test("copy is deep and keeps the encoding", () => {
    const zset = new SortedSet();
    zset.add("a", 1, 0, LIMITS);
    zset.add("b", 2, 0, LIMITS);
    const copy = zset.copy();
    copy.add("c", 3, 0, LIMITS);
    copy.remove("a");
    expect(model(zset)).toEqual([["a", 1], ["b", 2]]);
    expect(model(copy)).toEqual([["b", 2], ["c", 3]]);
    expect(copy.encoding()).toBe("listpack");
    const big = new SortedSet(false);
    big.add("x", 1, 0, LIMITS);
    expect(big.copy().encoding()).toBe("skiplist");
  });
});

describe("random picks", () => {
  test("every member can come up, and only members", () => {
    const zset = new SortedSet(false);
    for (let i = 0; i < 20; i++) zset.add(`m${i}`, i % 3, 0, LIMITS);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(zset.random().member);
    expect(seen.size).toBe(20);
  });
});

describe("the counted B+tree", () => {
  test("many levels: random inserts, deletes and run deletions keep counts, links and first keys right", () => {
    const zset = new SortedSet(false);
    const expected = new Map<string, number>();
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 6000; i++) {
        const m = `m${Math.floor(random() * 20000)}`;
        const s = Math.floor(random() * 50);
        zset.add(m, s, 0, LIMITS);
        expected.set(m, s);
      }
      for (let i = 0; i < 3000; i++) {
        const m = `m${Math.floor(random() * 20000)}`;
        expect(zset.remove(m)).toBe(expected.delete(m));
      }
      const all = sorted(expected);
      const start = Math.floor(random() * all.length);
      const count = Math.min(Math.floor(random() * 2500), all.length - start);
      expect(zset.removeRanks(start, start + count - 1)).toBe(count);
      for (const [m] of all.slice(start, start + count)) expected.delete(m);
      checkStructure(zset, sorted(expected));
    }
    // Emptying it completely, in runs, leaves a usable tree.
    expect(zset.removeRanks(0, zset.size - 1)).toBe(expected.size);
    expect(zset.size).toBe(0);
    expect(zset.at(0).valid).toBe(false);
    zset.add("x", 1, 0, LIMITS);
    checkStructure(zset, [["x", 1]]);
  });

  test("fromSorted builds the same tree as inserting", () => {
    for (const n of [0, 1, 47, 48, 49, 3000]) {
      const scores = Array.from({ length: n }, (_, i) => Math.floor(i / 3));
      const members = Array.from({ length: n }, (_, i) => `m${String(i).padStart(5, "0")}`);
      const tree = CountedBTree.fromSorted(scores, members);
      expect(tree.length).toBe(n);
      for (let i = 0; i < n; i += 7) {
        expect(tree.at(i).member).toBe(members[i]!);
        expect(tree.rank(scores[i]!, members[i]!)).toBe(i);
      }
      expect(tree.countPrefix((s) => s < 5)).toBe(Math.min(n, 15));
    }
  });

  test("100k members: ranks and range queries stay logarithmic", () => {
    const zset = new SortedSet(false);
    const n = 100_000;
    for (let i = 0; i < n; i++) zset.add(`member:${i}`, (i * 7919) % n, 0, LIMITS);
    const start = performance.now();
    for (let i = 0; i < 10_000; i++) {
      const rank = (i * 31) % n;
      expect(zset.rank(zset.at(rank).member, false)).toBe(rank);
    }
    expect(zset.countInScoreRange({ min: 100, max: 199, minExclusive: false, maxExclusive: false })).toBe(100);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(zset.removeRanks(0, n / 2 - 1)).toBe(n / 2);
    expect(zset.at(0).score).toBe(n / 2);
  });
});
