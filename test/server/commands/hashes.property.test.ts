import { test } from "bun:test";
import fc from "fast-check";
import { useDifferential } from "../../helpers/differential.ts";
import { compare, shape, unordered, unorderedPairs, unorderedScan, type Step } from "./collection-replies.ts";

const d = useDifferential();

/** Two hashes, and a string key for WRONGTYPE. */
const key = fc.constantFrom("h", "h", "g", "str");
const field = fc.constantFrom("a", "b", "c", "d", "", "\x00\xff", "1", "a\r\n");
/** Short values: integers, floats, bytes; `long` adds a 65-byte one that converts a listpack. */
const shortValue = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.constantFrom("1.5", "-0.25", "", "x", "9223372036854775807", "-9223372036854775808", " 1", "1e3", "007", "\xff"),
);
const longValue = fc.constantFrom("v".repeat(65), "w".repeat(200));
const increment = fc.oneof(fc.integer({ min: -12, max: 12 }).map(String), fc.constantFrom("9223372036854775807", "-9223372036854775808", "x", "1.5"));
const floatIncrement = fc.oneof(fc.constantFrom("0.1", "-1.5", "3", "1e3", "0", "inf", "x"), fc.integer({ min: -99, max: 99 }).map((n) => `${n / 8}`));
/** 1e4000 makes a 4001-byte value, which turns a listpack into a hashtable (whose order is its own). */
const hugeFloatIncrement = fc.oneof(floatIncrement, fc.constant("1e4000"));
const count = fc.oneof(fc.integer({ min: -6, max: 6 }), fc.constant(100)).map(String);

function commands(value: fc.Arbitrary<string>, ordered: boolean): fc.Arbitrary<Step> {
  // A hashtable's order is its own: with long values the whole-hash replies are compared sorted.
  const all = (args: string[], pairs: boolean): Step => (ordered ? { args } : { args, normalize: pairs ? unorderedPairs : unordered });
  return fc.oneof<fc.Arbitrary<Step>[]>(
    fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 3 }).map((pairs) => ({ args: ["HSET", "h", ...pairs.flat()] })),
    fc.tuple(key, field, value).map(([k, f, v]) => ({ args: ["HSET", k, f, v] })),
    fc.tuple(key, field, value).map(([k, f, v]) => ({ args: ["HSETNX", k, f, v] })),
    fc.tuple(key, field, value).map(([k, f, v]) => ({ args: ["HMSET", k, f, v] })),
    fc.tuple(key, field).map(([k, f]) => ({ args: ["HGET", k, f] })),
    fc.tuple(key, fc.array(field, { minLength: 1, maxLength: 3 })).map(([k, fs]) => ({ args: ["HMGET", k, ...fs] })),
    fc.tuple(key, fc.array(field, { minLength: 1, maxLength: 3 })).map(([k, fs]) => ({ args: ["HDEL", k, ...fs] })),
    key.map((k) => ({ args: ["HLEN", k] })),
    fc.tuple(key, field).map(([k, f]) => ({ args: ["HSTRLEN", k, f] })),
    fc.tuple(key, field).map(([k, f]) => ({ args: ["HEXISTS", k, f] })),
    key.map((k) => all(["HGETALL", k], true)),
    key.map((k) => all(["HKEYS", k], false)),
    key.map((k) => all(["HVALS", k], false)),
    fc.tuple(key, field, increment).map(([k, f, n]) => ({ args: ["HINCRBY", k, f, n] })),
    fc.tuple(key, field, ordered ? floatIncrement : hugeFloatIncrement).map(([k, f, n]) => ({ args: ["HINCRBYFLOAT", k, f, n] })),
    // Whole-hash picks are deterministic for a listpack; the others only by shape.
    key.map((k) => all(["HRANDFIELD", k, "100", "WITHVALUES"], true)),
    fc.tuple(key, count, fc.boolean()).map(([k, n, withValues]) => ({ args: ["HRANDFIELD", k, n, ...(withValues ? ["WITHVALUES"] : [])], normalize: shape })),
    key.map((k) => ({ args: ["HRANDFIELD", k], normalize: shape })),
    key.map((k) => (ordered ? { args: ["HSCAN", k, "0", "COUNT", "1000"] } : { args: ["HSCAN", k, "0", "COUNT", "1000"], normalize: unorderedScan(true) })),
    key.map((k) => ({ args: ["OBJECT", "ENCODING", k] })),
    key.map((k) => ({ args: ["EXISTS", k] })),
    fc.constant({ args: ["SET", "str", "v"] }),
  );
}

test("random sequences of hash commands on listpacks reply exactly as redis-server", async () => {
  if (d.skip) return;
  const pairs = { 2: await d.connect(2), 3: await d.connect(3) };
  await fc.assert(
    fc.asyncProperty(fc.constantFrom<2 | 3>(2, 3), fc.array(commands(shortValue, true), { minLength: 1, maxLength: 40 }), (protocol, steps) =>
      compare(protocol, pairs[protocol], [], steps),
    ),
    { numRuns: 100 },
  );
});

test("random sequences of hash commands across conversions to hashtable reply as redis-server", async () => {
  if (d.skip) return;
  const pairs = { 2: await d.connect(2), 3: await d.connect(3) };
  // A low entry limit makes conversions by size as common as by length.
  const setup = [["CONFIG", "SET", "hash-max-listpack-entries", "4"]];
  try {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<2 | 3>(2, 3), fc.array(commands(fc.oneof(shortValue, longValue), false), { minLength: 1, maxLength: 40 }), (protocol, steps) =>
        compare(protocol, pairs[protocol], setup, steps),
      ),
      { numRuns: 100 },
    );
  } finally {
    for (const connection of pairs[2]) await connection.call("CONFIG", "SET", "hash-max-listpack-entries", "128");
  }
});
