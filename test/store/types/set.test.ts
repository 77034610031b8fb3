import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { RedisSet, compareIntegers, isInteger64 } from "../../../src/store/types/set.ts";
import { scanWindow } from "../../../src/store/types/hash.ts";

/** The set's members in iteration order. */
function members(set: RedisSet): string[] {
  return Array.from({ length: set.size }, (_, i) => set.at(i));
}

/** Canonical 64-bit integers, small ones and ones at the edges. */
const integer = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  fc.constantFrom("9223372036854775807", "-9223372036854775808", "9007199254740993", "-9007199254740993"),
);

/** The reference: Redis's string2ll, by way of BigInt. */
function referenceIsInteger(text: string): boolean {
  if (!/^-?(0|[1-9][0-9]*)$/.test(text) || text === "-0") return false;
  const value = BigInt(text);
  return value >= -(2n ** 63n) && value < 2n ** 63n;
}

describe("isInteger64 and compareIntegers", () => {
  test("edge cases", () => {
    for (const text of ["0", "1", "-1", "10", "9223372036854775807", "-9223372036854775808", "1234567890123456789"]) expect(isInteger64(text)).toBe(true);
    for (const text of ["", "-", "-0", "01", "+1", " 1", "1 ", "1.0", "1e3", "9223372036854775808", "-9223372036854775809", "99999999999999999999", "0x1", "\x001"]) {
      expect(isInteger64(text)).toBe(false);
    }
  });

  test("agree with a BigInt reference", () => {
    const text = fc.oneof(integer, fc.string({ maxLength: 21 }), fc.stringMatching(/^-?[0-9]{1,21}$/));
    fc.assert(fc.property(text, (t) => expect(isInteger64(t)).toBe(referenceIsInteger(t))));
    fc.assert(
      fc.property(integer, integer, (a, b) => {
        const expected = BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
        expect(compareIntegers(a, b)).toBe(expected);
      }),
    );
  });
});

describe("RedisSet", () => {
  test("an intset lists its members in ascending numeric order", () => {
    const set = RedisSet.intset();
    for (const member of ["10", "-5", "3", "9223372036854775807", "-9223372036854775808", "0", "100", "-10", "9"]) expect(set.add(member, 512)).toBe(true);
    expect(set.add("3", 512)).toBe(false);
    expect(set.type).toBe("set");
    expect(set.encoding()).toBe("intset");
    expect(members(set)).toEqual(["-9223372036854775808", "-10", "-5", "0", "3", "9", "10", "100", "9223372036854775807"]);
    expect(set.delete("3")).toBe(true);
    expect(set.delete("3")).toBe(false);
    expect(set.delete("03")).toBe(false);
    expect(set.has("03")).toBe(false);
    expect(set.has("-5")).toBe(true);
    expect(members(set)).toEqual(["-9223372036854775808", "-10", "-5", "0", "9", "10", "100", "9223372036854775807"]);
  });

  test("forMember starts an intset for an integer, a hashtable for anything else", () => {
    expect(RedisSet.forMember("12").encoding()).toBe("intset");
    for (const first of ["a", "-0", "01", "", "9223372036854775808"]) expect(RedisSet.forMember(first).encoding()).toBe("hashtable");
  });

  test("converts for a non-integer member or past set-max-intset-entries, and stays a hashtable", () => {
    const byMember = RedisSet.intset();
    byMember.add("1", 512);
    byMember.add("x", 512);
    expect(byMember.encoding()).toBe("hashtable");
    byMember.delete("x");
    expect(byMember.encoding()).toBe("hashtable");
    expect(members(byMember)).toEqual(["1"]);
    const bySize = RedisSet.intset();
    bySize.add("1", 2);
    bySize.add("2", 2);
    expect(bySize.encoding()).toBe("intset");
    bySize.add("2", 2);
    expect(bySize.encoding()).toBe("intset");
    bySize.add("3", 2);
    expect(bySize.encoding()).toBe("hashtable");
    const none = RedisSet.intset();
    none.add("1", 0);
    expect(none.encoding()).toBe("hashtable");
  });

  test("behaves as a set through any sequence of adds and deletes, in either encoding", () => {
    const member = fc.oneof(fc.integer({ min: -8, max: 8 }).map(String), fc.constantFrom("a", "", "\x00", "01", "-0"));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), member), { maxLength: 80 }), fc.integer({ min: 0, max: 10 }), (operations, max) => {
        const set = RedisSet.intset();
        const model = new Set<string>();
        let converted = false;
        for (const [add, m] of operations) {
          if (add) {
            expect(set.add(m, max)).toBe(!model.has(m));
            model.add(m);
            if (!referenceIsInteger(m) || model.size > max) converted = true;
          } else {
            expect(set.delete(m)).toBe(model.delete(m));
          }
          expect(set.encoding()).toBe(converted ? "hashtable" : "intset");
        }
        expect(set.size).toBe(model.size);
        for (const m of model) expect(set.has(m)).toBe(true);
        const listed = members(set);
        expect(new Set(listed)).toEqual(model);
        if (!converted) expect(listed).toEqual([...model].sort((a, b) => compareIntegers(a, b)));
      }),
    );
  });

  test("random picks a member", () => {
    const set = RedisSet.forMember("a");
    for (const m of ["a", "b", "c"]) set.add(m, 512);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(set.random());
    expect([...seen].sort()).toEqual(["a", "b", "c"]);
  });

  test("copy is deep and keeps the encoding", () => {
    const ints = RedisSet.intset();
    ints.add("2", 512);
    ints.add("1", 512);
    const intsCopy = ints.copy();
    intsCopy.add("0", 512);
    expect(members(ints)).toEqual(["1", "2"]);
    expect(members(intsCopy)).toEqual(["0", "1", "2"]);
    expect(intsCopy.encoding()).toBe("intset");
    const strings = RedisSet.forMember("a");
    strings.add("a", 512);
    strings.add("b", 512);
    const stringsCopy = strings.copy();
    stringsCopy.delete("a");
    expect(strings.has("a")).toBe(true);
    expect(stringsCopy.has("a")).toBe(false);
    expect(stringsCopy.has("b")).toBe(true);
    expect(stringsCopy.encoding()).toBe("hashtable");
  });

  test("a hashtable scan returns every member present throughout, whatever changes between calls", () => {
    const change = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 79 }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 9 }), fc.array(fc.array(change, { maxLength: 4 }), { maxLength: 40 }), (initial, count, changes) => {
        const set = RedisSet.forMember("m0");
        for (let i = 0; i < initial; i++) set.add(`m${i}`, 512);
        const everPresent = new Set(members(set));
        const seen = new Set<string>();
        let cursor = 0;
        let call = 0;
        do {
          const window = scanWindow(cursor, set.size, count);
          for (let i = window.from; i >= window.to; i--) seen.add(set.at(i));
          cursor = window.next;
          for (const [add, n] of changes[call++] ?? []) {
            if (add) set.add(`m${n}`, 512);
            else if (set.delete(`m${n}`)) everPresent.delete(`m${n}`);
          }
        } while (cursor !== 0 && set.size > 0);
        for (const member of everPresent) expect(seen.has(member)).toBe(true);
      }),
    );
  });
});
