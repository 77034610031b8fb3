import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { RedisHash, randomDistinctIndexes, scanWindow, type HashLimits } from "../../../src/store/types/hash.ts";

const LIMITS: HashLimits = { "hash-max-listpack-entries": 128, "hash-max-listpack-value": 64 };

/** The hash's entries in iteration order. */
function entries(hash: RedisHash): [string, string][] {
  return Array.from({ length: hash.size }, (_, i) => [hash.fieldAt(i), hash.valueAt(i)]);
}

describe("RedisHash", () => {
  test("a new hash is an empty listpack of type hash", () => {
    const hash = new RedisHash();
    expect(hash.type).toBe("hash");
    expect(hash.encoding()).toBe("listpack");
    expect(hash.size).toBe(0);
    expect(hash.get("a")).toBeUndefined();
  });

  test("set, get, has, delete; updates keep their place and deletes close the gap in a listpack", () => {
    const hash = new RedisHash();
    expect(hash.set("a", "1", LIMITS)).toBe(true);
    expect(hash.set("b", "2", LIMITS)).toBe(true);
    expect(hash.set("c", "3", LIMITS)).toBe(true);
    expect(hash.set("a", "4", LIMITS)).toBe(false);
    expect(entries(hash)).toEqual([["a", "4"], ["b", "2"], ["c", "3"]]);
    expect(hash.delete("b")).toBe(true);
    expect(hash.delete("b")).toBe(false);
    hash.set("b", "5", LIMITS);
    expect(entries(hash)).toEqual([["a", "4"], ["c", "3"], ["b", "5"]]);
    expect(hash.has("c")).toBe(true);
    expect(hash.get("b")).toBe("5");
    expect(hash.encoding()).toBe("listpack");
  });

  test("binary fields and values are kept as they are", () => {
    const hash = new RedisHash();
    for (const text of ["", "\x00", "\xff", "\r\n"]) hash.set(text, text + text, LIMITS);
    expect(entries(hash)).toEqual([["", ""], ["\x00", "\x00\x00"], ["\xff", "\xff\xff"], ["\r\n", "\r\n\r\n"]]);
  });

  test("converts to a hashtable past the entry limit, and stays one", () => {
    const hash = new RedisHash();
    const limits = { "hash-max-listpack-entries": 3, "hash-max-listpack-value": 64 };
    for (const field of ["a", "b", "c"]) hash.set(field, "v", limits);
    expect(hash.encoding()).toBe("listpack");
    hash.set("d", "v", limits);
    expect(hash.encoding()).toBe("hashtable");
    hash.delete("d");
    hash.delete("c");
    expect(hash.encoding()).toBe("hashtable");
    expect(hash.isListpack).toBe(false);
  });

  test("converts when a field or value is longer than the value limit", () => {
    const byValue = new RedisHash();
    byValue.set("a", "x".repeat(64), LIMITS);
    expect(byValue.encoding()).toBe("listpack");
    byValue.set("a", "x".repeat(65), LIMITS);
    expect(byValue.encoding()).toBe("hashtable");
    const byField = new RedisHash();
    byField.set("f".repeat(65), "1", LIMITS);
    expect(byField.encoding()).toBe("hashtable");
  });

  test("convertForLengths looks only at the given arguments", () => {
    const hash = new RedisHash();
    const args = ["HSET", "key".repeat(30), "a", "1"];
    hash.convertForLengths(args, 2, 3, LIMITS);
    expect(hash.encoding()).toBe("listpack");
    hash.convertForLengths(["HSET", "k", "a", "y".repeat(65)], 2, 3, LIMITS);
    expect(hash.encoding()).toBe("hashtable");
  });

  test("behaves as a map through any sequence of sets and deletes, in either encoding", () => {
    const operation = fc.tuple(fc.boolean(), fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "", "\x00"), fc.constantFrom("1", "2", "x".repeat(70)));
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), fc.integer({ min: 0, max: 6 }), (operations, maxEntries) => {
        const limits = { "hash-max-listpack-entries": maxEntries, "hash-max-listpack-value": 64 };
        const hash = new RedisHash();
        const model = new Map<string, string>();
        let converted = false;
        for (const [isSet, field, value] of operations) {
          if (isSet) {
            expect(hash.set(field, value, limits)).toBe(!model.has(field));
            model.set(field, value);
            if (value.length > 64 || model.size > maxEntries) converted = true;
          } else {
            expect(hash.delete(field)).toBe(model.delete(field));
          }
          expect(hash.encoding()).toBe(converted ? "hashtable" : "listpack");
        }
        expect(hash.size).toBe(model.size);
        for (const [field, value] of model) expect(hash.get(field)).toBe(value);
        // A listpack lists in insertion order, as the model (a Map) does.
        if (!converted) expect(entries(hash)).toEqual([...model]);
        else expect(new Map(entries(hash))).toEqual(model);
      }),
    );
  });

  test("copy is deep and keeps the encoding", () => {
    const hash = new RedisHash();
    hash.set("a", "1", LIMITS);
    hash.set("b", "x".repeat(65), LIMITS);
    const copy = hash.copy();
    expect(copy.encoding()).toBe("hashtable");
    copy.set("c", "3", LIMITS);
    copy.delete("a");
    expect(entries(hash)).toEqual([["a", "1"], ["b", "x".repeat(65)]]);
    expect(copy.get("c")).toBe("3");
    const small = new RedisHash();
    small.set("a", "1", LIMITS);
    expect(small.copy().encoding()).toBe("listpack");
  });

  test("randomIndex stays in range", () => {
    const hash = new RedisHash();
    for (let i = 0; i < 5; i++) hash.set(`f${i}`, "v", LIMITS);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(hash.randomIndex());
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe("scanWindow", () => {
  test("walks down from the top, a cursor being the lowest index examined", () => {
    expect(scanWindow(0, 10, 3)).toEqual({ from: 9, to: 7, next: 7 });
    expect(scanWindow(7, 10, 3)).toEqual({ from: 6, to: 4, next: 4 });
    expect(scanWindow(4, 10, 3)).toEqual({ from: 3, to: 1, next: 1 });
    expect(scanWindow(1, 10, 3)).toEqual({ from: 0, to: 0, next: 0 });
    // A cursor past the end (the collection shrank, or a made-up one) starts from the top.
    expect(scanWindow(1e19, 10, 100)).toEqual({ from: 9, to: 0, next: 0 });
  });

  test("a hashtable scan returns every field present throughout, whatever changes between calls", () => {
    const change = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 79 }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 9 }), fc.array(fc.array(change, { maxLength: 4 }), { maxLength: 40 }), (initial, count, changes) => {
        const limits = { "hash-max-listpack-entries": 0, "hash-max-listpack-value": 64 };
        const hash = new RedisHash();
        for (let i = 0; i < initial; i++) hash.set(`f${i}`, "v", limits);
        const everPresent = new Set(Array.from({ length: initial }, (_, i) => `f${i}`));
        const seen = new Set<string>();
        let cursor = 0;
        let call = 0;
        do {
          const window = scanWindow(cursor, hash.size, count);
          for (let i = window.from; i >= window.to; i--) seen.add(hash.fieldAt(i));
          cursor = window.next;
          for (const [add, n] of changes[call++] ?? []) {
            if (add) hash.set(`f${n}`, "v", limits);
            else if (hash.delete(`f${n}`)) everPresent.delete(`f${n}`);
          }
        } while (cursor !== 0 && hash.size > 0);
        for (const field of everPresent) expect(seen.has(field)).toBe(true);
      }),
    );
  });
});

describe("randomDistinctIndexes", () => {
  test("distinct indexes in range, with either strategy", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 1, max: 199 }), (size, wanted) => {
        const count = Math.min(wanted, size - 1);
        const picked = randomDistinctIndexes(size, count);
        expect(picked.length).toBe(count);
        expect(new Set(picked).size).toBe(count);
        for (const index of picked) expect(index >= 0 && index < size && Number.isInteger(index)).toBe(true);
      }),
    );
  });
});
