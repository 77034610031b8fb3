import { expect, test } from "bun:test";
import fc from "fast-check";
import { useDifferential } from "../../helpers/differential.ts";
import { expectSameKeyspace } from "../../helpers/keyspace.ts";
import type { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

/** A few keys, so commands keep meeting each other's values; one of them binary. */
const key = fc.constantFrom("a", "b", "c", "\x00\xff");

/** Byte strings of any latin1 content, short. */
const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }).map((codes) => String.fromCharCode(...codes));

/** Small decimals as a client writes them: `-3.25`, `0.1`, `7`. */
const decimal = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 3 }))
  .map(([negative, whole, fraction, digits]) => `${negative ? "-" : ""}${whole}${digits ? `.${String(fraction).padStart(3, "0").slice(0, digits)}` : ""}`);

/** Values that are integers, near-integers, floats and plain bytes. */
const value = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  decimal,
  fc.constantFrom("", "abc", "9223372036854775807", "-9223372036854775808", "9007199254740992", "007", " 1", "1e3", "\r\n"),
  bytes,
);

const smallInt = fc.integer({ min: -12, max: 12 }).map(String);
const increment = fc.oneof(smallInt, fc.constantFrom("9223372036854775807", "-9223372036854775808", "9007199254740993", "x", "1.5"));

/** SET's options, in any order, valid or not (conflicts must fail the same way on both). */
const setOptions = fc.subarray(["NX", "XX", "GET", "KEEPTTL", "EX 1000", "PX 100000", "PXAT 1", "EXAT 4000000000"]).chain((options) => fc.shuffledSubarray(options, { minLength: options.length }));

const command: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(key, value, setOptions).map(([k, v, options]) => ["SET", k, v, ...options.flatMap((option) => option.split(" "))]),
  key.map((k) => ["GET", k]),
  fc.tuple(key, value).map(([k, v]) => ["APPEND", k, v]),
  key.map((k) => ["INCR", k]),
  key.map((k) => ["DECR", k]),
  fc.tuple(key, increment).map(([k, n]) => ["INCRBY", k, n]),
  fc.tuple(key, increment).map(([k, n]) => ["DECRBY", k, n]),
  fc.tuple(key, decimal).map(([k, n]) => ["INCRBYFLOAT", k, n]),
  fc.tuple(key, fc.integer({ min: -1, max: 12 }), value).map(([k, offset, v]) => ["SETRANGE", k, String(offset), v]),
  fc.tuple(key, smallInt, smallInt).map(([k, start, end]) => ["GETRANGE", k, start, end]),
  key.map((k) => ["STRLEN", k]),
  fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 3 }).map((pairs) => ["MSET", ...pairs.flat()]),
  fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 3 }).map((pairs) => ["MSETNX", ...pairs.flat()]),
  fc.array(key, { minLength: 1, maxLength: 4 }).map((keys) => ["MGET", ...keys]),
  key.map((k) => ["GETDEL", k]),
  fc.tuple(key, value).map(([k, v]) => ["SETNX", k, v]),
  fc.tuple(key, value).map(([k, v]) => ["GETSET", k, v]),
  fc.tuple(key, fc.constantFrom([], ["PERSIST"], ["EX", "1000"], ["PXAT", "1"])).map(([k, options]) => ["GETEX", k, ...options]),
  fc.tuple(key, key, fc.constantFrom([], ["LEN"], ["IDX"], ["IDX", "WITHMATCHLEN", "MINMATCHLEN", "2"])).map(([k1, k2, options]) => ["LCS", k1, k2, ...options]),
);

test("random sequences of string commands reply exactly as redis-server", async () => {
  if (d.skip) return;
  const pairs: Record<2 | 3, [RespConnection, RespConnection]> = { 2: await d.connect(2), 3: await d.connect(3) };
  await fc.assert(
    fc.asyncProperty(fc.constantFrom<2 | 3>(2, 3), fc.array(command, { minLength: 1, maxLength: 30 }), async (protocol, commands) => {
      const [redis, bunredis] = pairs[protocol];
      await Promise.all([redis.call("FLUSHALL"), bunredis.call("FLUSHALL")]);
      const expected: string[] = [];
      const actual: string[] = [];
      for (const args of commands) {
        const [fromRedis, fromBunredis] = await Promise.all([redis.call(...args), bunredis.call(...args)]);
        expected.push(`${JSON.stringify(args)} -> ${JSON.stringify(fromRedis)}`);
        actual.push(`${JSON.stringify(args)} -> ${JSON.stringify(fromBunredis)}`);
        // Stop at the first difference: the rest of the sequence only repeats it.
        if (fromRedis !== fromBunredis) break;
      }
      expect(actual).toEqual(expected);
      await expectSameKeyspace(redis, bunredis);
    }),
    { numRuns: 150 },
  );
});
