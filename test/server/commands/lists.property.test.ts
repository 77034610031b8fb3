/**
 * Property-based differential test of the list commands: random sequences over three keys and a
 * few elements (the empty string and binary bytes included), sent to redis-server and bunredis,
 * every reply compared byte for byte in RESP2 and RESP3. List replies have a defined order, so
 * nothing is normalised.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { useDifferential } from "../../helpers/differential.ts";
import { expectSameKeyspace } from "../../helpers/keyspace.ts";

const d = useDifferential();

const key = fc.constantFrom("a", "b", "c");
const element = fc.constantFrom("x", "y", "z", "", "\x00\xff\r\n");
const end = fc.constantFrom("LEFT", "RIGHT", "left");
const index = fc.integer({ min: -5, max: 5 }).map(String);
const elements = fc.array(element, { minLength: 1, maxLength: 4 });

const nonBlocking: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constantFrom("LPUSH", "RPUSH", "LPUSHX", "RPUSHX"), key, elements).map(([name, k, values]) => [name, k, ...values]),
  fc.tuple(fc.constantFrom("LPOP", "RPOP"), key).map(([name, k]) => [name, k]),
  fc.tuple(fc.constantFrom("LPOP", "RPOP"), key, fc.integer({ min: -1, max: 4 })).map(([name, k, n]) => [name, k, String(n)]),
  key.map((k) => ["LLEN", k]),
  fc.tuple(key, index).map(([k, i]) => ["LINDEX", k, i]),
  fc.tuple(key, index, element).map(([k, i, v]) => ["LSET", k, i, v]),
  fc.tuple(key, index, index).map(([k, start, stop]) => ["LRANGE", k, start, stop]),
  fc.tuple(key, index, index).map(([k, start, stop]) => ["LTRIM", k, start, stop]),
  fc.tuple(key, fc.integer({ min: -2, max: 2 }), element).map(([k, n, v]) => ["LREM", k, String(n), v]),
  fc.tuple(key, fc.constantFrom("BEFORE", "AFTER"), element, element).map(([k, where, pivot, v]) => ["LINSERT", k, where, pivot, v]),
  fc
    .tuple(key, element, fc.option(fc.integer({ min: -3, max: 3 })), fc.option(fc.nat(3)), fc.option(fc.nat(4)))
    .map(([k, v, rank, count, maxlen]) => [
      "LPOS", k, v,
      ...(rank === null ? [] : ["RANK", String(rank)]),
      ...(count === null ? [] : ["COUNT", String(count)]),
      ...(maxlen === null ? [] : ["MAXLEN", String(maxlen)]),
    ]),
  fc.tuple(key, key, end, end).map(([source, destination, from, to]) => ["LMOVE", source, destination, from, to]),
  fc.tuple(key, key).map(([source, destination]) => ["RPOPLPUSH", source, destination]),
  fc
    .tuple(fc.uniqueArray(key, { minLength: 1, maxLength: 3 }), end, fc.option(fc.integer({ min: 1, max: 4 })))
    .map(([keys, where, count]) => ["LMPOP", String(keys.length), ...keys, where, ...(count === null ? [] : ["COUNT", String(count)])]),
  key.map((k) => ["SET", k, "string"]),
  key.map((k) => ["DEL", k]),
  key.map((k) => ["TYPE", k]),
);

/** Blocking forms, with a timeout too short to wait for long. */
const blocking: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.uniqueArray(key, { minLength: 1, maxLength: 3 }), fc.constantFrom("BLPOP", "BRPOP")).map(([keys, name]) => [name, ...keys, "0.001"]),
  fc.tuple(key, key, end, end).map(([source, destination, from, to]) => ["BLMOVE", source, destination, from, to, "0.001"]),
);

/** Mostly non-blocking: a wait on an empty key costs redis-server up to 100 ms to time out. */
const command = fc.oneof({ arbitrary: nonBlocking, weight: 40 }, { arbitrary: blocking, weight: 1 });

describe("random list command sequences match redis-server", () => {
  for (const protocol of [2, 3] as const) {
    test(`RESP${protocol}`, async () => {
      if (d.skip) return;
      const [redis, bunredis] = await d.connect(protocol);
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
          const steps = [["FLUSHALL"], ...commands];
          const [expected, actual] = await d.run(steps, protocol);
          for (let i = 0; i < steps.length; i++) {
            if (expected[i] !== actual[i]) expect({ step: i, command: steps[i], reply: actual[i] }).toEqual({ step: i, command: steps[i], reply: expected[i] });
          }
          await expectSameKeyspace(redis, bunredis);
        }),
        { numRuns: 80, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: true },
      );
    });
  }
});
