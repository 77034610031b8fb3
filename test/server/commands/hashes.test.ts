import { describe, expect, test } from "bun:test";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import { bulkStrings, shape, unordered, unorderedPairs, unorderedScan } from "./collection-replies.ts";

const d = useDifferential();

const BINARY = ["", "\x00", "\xff", "a\r\nb", "\x00\xff\r\n", " "];

/** HSET of `n` fields f0..f(n-1) with values v0..: more than 512 makes a hashtable with either default. */
function manyFields(key: string, n: number, prefix = "f"): string[] {
  const args = ["HSET", key];
  for (let i = 0; i < n; i++) args.push(`${prefix}${i}`, `v${i}`);
  return args;
}

describe("hash commands match redis-server byte for byte", () => {
  test("HSET, HGET, HMGET, HSETNX, HMSET", async () => {
    await d.check([
      ["HSET", "h", "a", "1", "b", "2"],
      ["HSET", "h", "a", "10", "c", "3", "a", "11"],
      ["HGET", "h", "a"], ["HGET", "h", "zz"], ["HGET", "nokey", "a"],
      ["HMGET", "h", "a", "zz", "c", "a"], ["HMGET", "nokey", "a", "b"],
      ["HSETNX", "h", "a", "x"], ["HSETNX", "h", "new", "y"], ["HSETNX", "fresh", "f", "v"],
      ["HMSET", "h", "m1", "1", "m2", "2"], ["hmset", "h2", "x", "y"],
      ["HGETALL", "h"], ["HGETALL", "fresh"], ["HGETALL", "h2"],
      ["TYPE", "h"], ["OBJECT", "ENCODING", "h"],
    ]);
  });

  test("arity errors", async () => {
    await d.check([
      ["HSET"], ["HSET", "h"], ["HSET", "h", "a"], ["HSET", "h", "a", "1", "b"], ["hset", "h", "a", "1", "b", "2", "c"],
      ["HMSET", "h", "a"], ["HMSET", "h", "a", "1", "b"],
      ["HSETNX", "h", "a"], ["HSETNX", "h", "a", "1", "2"],
      ["HGET", "h"], ["HGET", "h", "a", "b"], ["HMGET", "h"], ["HDEL", "h"], ["HLEN"], ["HLEN", "h", "x"],
      ["HSTRLEN", "h"], ["HEXISTS", "h"], ["HGETALL"], ["HKEYS", "h", "x"], ["HVALS"],
      ["HINCRBY", "h", "a"], ["HINCRBYFLOAT", "h", "a", "1", "2"], ["HRANDFIELD"], ["HSCAN", "h"],
      ["EXISTS", "h"],
    ]);
  });

  test("binary and empty fields and values", async () => {
    const steps: Step[] = [];
    for (const field of BINARY) for (const value of BINARY) steps.push(["HSET", "h", field, value + field]);
    steps.push(["HGETALL", "h"], ["HKEYS", "h"], ["HVALS", "h"], ["HLEN", "h"]);
    for (const field of BINARY) steps.push(["HGET", "h", field], ["HSTRLEN", "h", field], ["HEXISTS", "h", field]);
    steps.push(["HMGET", "h", ...BINARY], ["HDEL", "h", "\x00", "\xff"], ["HGETALL", "h"], ["HSET", "\x00\xff", "", ""], ["HGETALL", "\x00\xff"]);
    await d.check(steps);
  });

  test("HDEL, HLEN, HEXISTS, HSTRLEN; an emptied hash is deleted", async () => {
    await d.check([
      ["HSET", "h", "a", "1", "b", "22", "c", "333"],
      ["HSTRLEN", "h", "c"], ["HSTRLEN", "h", "zz"], ["HSTRLEN", "nokey", "a"],
      ["HEXISTS", "h", "a"], ["HEXISTS", "h", "zz"], ["HEXISTS", "nokey", "a"],
      ["HDEL", "h", "a", "a", "zz"], ["HLEN", "h"], ["HDEL", "nokey", "a"],
      ["HDEL", "h", "b", "c", "d"], ["EXISTS", "h"], ["HLEN", "h"], ["HGETALL", "h"],
      ["HSET", "h", "x", "1"], ["HDEL", "h", "x", "x"], ["EXISTS", "h"],
    ]);
  });

  test("a listpack keeps insertion order through updates and deletes", async () => {
    await d.check([
      ["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"],
      ["HDEL", "h", "b"], ["HSET", "h", "b", "5"], ["HSET", "h", "a", "6"], ["HINCRBY", "h", "e", "7"], ["HINCRBYFLOAT", "h", "c", "0.5"],
      ["HGETALL", "h"], ["HKEYS", "h"], ["HVALS", "h"], ["HSCAN", "h", "0"], ["HRANDFIELD", "h", "10"], ["HRANDFIELD", "h", "5", "WITHVALUES"],
      ["HRANDFIELD", "h", "5", "withvalues"],
    ]);
  });

  test("encoding: listpack until more than 128 fields or a string longer than 64 bytes", async () => {
    const long = "x".repeat(65);
    const limit = "y".repeat(64);
    await d.check([
      // Redis's built-in default is 512 (its redis.conf says 128): set it, so both servers agree.
      ["CONFIG", "SET", "hash-max-listpack-entries", "128"],
      manyFields("h", 128), ["OBJECT", "ENCODING", "h"], ["HSET", "h", "f0", "again"], ["OBJECT", "ENCODING", "h"],
      ["HSET", "h", "one-more", "1"], ["OBJECT", "ENCODING", "h"], ["HDEL", "h", "one-more", "f1", "f2"], ["OBJECT", "ENCODING", "h"],
      ["HSET", "v", "a", limit, limit, "b"], ["OBJECT", "ENCODING", "v"],
      ["HSET", "v", "a", long], ["OBJECT", "ENCODING", "v"],
      ["HSET", "w", long, "1"], ["OBJECT", "ENCODING", "w"],
      // HSET converts on any long argument, even one that changes nothing.
      ["HSET", "x", "a", "1"], ["HSET", "x", "a", "1", "b", long], ["OBJECT", "ENCODING", "x"],
      // HSETNX converts only when it writes.
      ["HSET", "y", "a", "1"], ["HSETNX", "y", "a", long], ["OBJECT", "ENCODING", "y"], ["HSETNX", "y", long, "1"], ["OBJECT", "ENCODING", "y"],
      // HINCRBY writes the new number: long only past 64 digits, which a 64-bit integer never has.
      ["HSET", "z", "a", "1"], ["HINCRBYFLOAT", "z", "a", "1e60"], ["OBJECT", "ENCODING", "z"], ["HINCRBYFLOAT", "z", "a", "1e63"], ["OBJECT", "ENCODING", "z"],
      { args: ["HGETALL", "h"], normalize: unorderedPairs }, { args: ["HKEYS", "h"], normalize: unordered }, { args: ["HVALS", "h"], normalize: unordered },
      ["HLEN", "h"], ["HGET", "h", "f100"], ["HGET", "h", "f1"],
    ]);
  });

  test("encoding thresholds follow CONFIG SET", async () => {
    await d.check([
      ["CONFIG", "SET", "hash-max-listpack-entries", "2"], ["CONFIG", "SET", "hash-max-listpack-value", "3"],
      ["HSET", "a", "x", "1", "y", "2"], ["OBJECT", "ENCODING", "a"], ["HSET", "a", "z", "3"], ["OBJECT", "ENCODING", "a"],
      ["HSET", "b", "x", "123"], ["OBJECT", "ENCODING", "b"], ["HINCRBY", "b", "x", "1"], ["OBJECT", "ENCODING", "b"],
      ["HSET", "c", "x", "1"], ["HINCRBYFLOAT", "c", "x", "0.5"], ["OBJECT", "ENCODING", "c"], ["HINCRBYFLOAT", "c", "x", "0.25"], ["OBJECT", "ENCODING", "c"],
      ["CONFIG", "SET", "hash-max-listpack-entries", "0"], ["HSET", "d", "x", "1"], ["OBJECT", "ENCODING", "d"],
      ["CONFIG", "SET", "hash-max-listpack-entries", "128"], ["CONFIG", "SET", "hash-max-listpack-value", "64"],
    ]);
  });

  test("HINCRBY", async () => {
    await d.check([
      ["HINCRBY", "h", "a", "5"], ["HINCRBY", "h", "a", "-12"], ["HGET", "h", "a"], ["HINCRBY", "h", "a", "0"],
      ["HINCRBY", "h", "a", "x"], ["HINCRBY", "h", "a", "1.5"], ["HINCRBY", "h", "a", " 1"], ["HINCRBY", "h", "a", "01"], ["HINCRBY", "h", "a", ""],
      ["HINCRBY", "h", "a", "9223372036854775808"], ["HINCRBY", "nokey", "a", "x"], ["EXISTS", "nokey"],
      ["HSET", "h", "s", "abc", "f", "1.5", "sp", " 1", "z", "-0", "lead", "01", "empty", ""],
      ["HINCRBY", "h", "s", "1"], ["HINCRBY", "h", "f", "1"], ["HINCRBY", "h", "sp", "1"], ["HINCRBY", "h", "z", "1"], ["HINCRBY", "h", "lead", "1"], ["HINCRBY", "h", "empty", "1"],
      ["HSET", "h", "max", "9223372036854775807", "min", "-9223372036854775808"],
      ["HINCRBY", "h", "max", "1"], ["HINCRBY", "h", "max", "0"], ["HINCRBY", "h", "max", "-9223372036854775808"],
      ["HINCRBY", "h", "min", "-1"], ["HINCRBY", "h", "min", "9223372036854775807"], ["HINCRBY", "h", "min", "9223372036854775807"],
      ["HINCRBY", "h", "big", "9007199254740993"], ["HINCRBY", "h", "big", "9007199254740993"], ["HINCRBY", "h", "big", "-18014398509481986"],
      ["HINCRBY", "h", "near", "9223372036854775806"], ["HINCRBY", "h", "near", "1"], ["HINCRBY", "h", "near", "1"],
      ["HGETALL", "h"],
    ]);
  });

  test("HINCRBYFLOAT: long double sums, Redis's formatting, errors", async () => {
    await d.check([
      ["HINCRBYFLOAT", "h", "a", "0.1"], ["HINCRBYFLOAT", "h", "a", "0.2"], ["HINCRBYFLOAT", "h", "a", "-0.3"],
      ["HINCRBYFLOAT", "h", "b", "10.50"], ["HINCRBYFLOAT", "h", "b", "1e300"], ["HSTRLEN", "h", "b"],
      ["HINCRBYFLOAT", "h", "c", "-0.0"], ["HINCRBYFLOAT", "h", "d", "1.0e1"], ["HINCRBYFLOAT", "h", "e", "0x10"], ["HINCRBYFLOAT", "h", "f", "3"],
      ["HINCRBYFLOAT", "h", "g", "5e-324"], ["HINCRBYFLOAT", "h", "g", "1.7976931348623157e308"],
      ["HINCRBYFLOAT", "h", "x", "inf"], ["HINCRBYFLOAT", "h", "x", "-inf"], ["HINCRBYFLOAT", "h", "x", "nan"], ["HINCRBYFLOAT", "h", "x", "abc"],
      ["HINCRBYFLOAT", "h", "x", " 1"], ["HINCRBYFLOAT", "h", "x", "1e5000"], ["HINCRBYFLOAT", "h", "x", ""], ["HEXISTS", "h", "x"],
      ["HSET", "h", "s", "abc", "sp", " 1", "i", "inf", "huge", "1e4932", "int", "42"],
      ["HINCRBYFLOAT", "h", "s", "1"], ["HINCRBYFLOAT", "h", "sp", "1"], ["HINCRBYFLOAT", "h", "i", "1"],
      ["HINCRBYFLOAT", "h", "huge", "1e4932"], ["HINCRBYFLOAT", "h", "int", "0.5"], ["HINCRBYFLOAT", "nokey", "a", "inf"], ["EXISTS", "nokey"],
      { args: ["HGETALL", "h"], normalize: unorderedPairs },
    ]);
  });

  test("HRANDFIELD: deterministic cases and errors", async () => {
    await d.check([
      ["HRANDFIELD", "nokey"], ["HRANDFIELD", "nokey", "3"], ["HRANDFIELD", "nokey", "-3"], ["HRANDFIELD", "nokey", "3", "WITHVALUES"], ["HRANDFIELD", "nokey", "0"],
      ["HSET", "one", "f", "v"], ["HRANDFIELD", "one"], ["HRANDFIELD", "one", "1"], ["HRANDFIELD", "one", "-3"], ["HRANDFIELD", "one", "-3", "WITHVALUES"],
      ["HRANDFIELD", "one", "1", "WITHVALUES"], ["HRANDFIELD", "one", "0"], ["HRANDFIELD", "one", "0", "WITHVALUES"],
      ["HSET", "h", "a", "1", "b", "2", "c", "3"], ["HRANDFIELD", "h", "3"], ["HRANDFIELD", "h", "100", "WITHVALUES"],
      ["HRANDFIELD", "h", "x"], ["HRANDFIELD", "h", "1.5"], ["HRANDFIELD", "h", "-9223372036854775808"], ["HRANDFIELD", "nokey", "-9223372036854775808"],
      ["HRANDFIELD", "h", "9223372036854775808"], ["HRANDFIELD", "h", "1", "WITHVALUE"], ["HRANDFIELD", "h", "1", "WITHVALUES", "x"],
      ["HRANDFIELD", "h", "x", "WITHVALUES", "x"], ["HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"],
      ["HRANDFIELD", "h", "-4611686018427387904", "WITHVALUES"], ["HRANDFIELD", "nokey", "4611686018427387904", "WITHVALUES"],
      ["HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"], ["HRANDFIELD", "h", "9223372036854775807"],
    ]);
  });

  test("HRANDFIELD: random picks have the right shape and come from the hash", async () => {
    if (d.skip) return;
    const fields = ["a", "b", "c", "d", "e", "f", "g", "h"];
    const setup = ["HSET", "h", ...fields.flatMap((field) => [field, `v${field}`])];
    const big = manyFields("big", 600);
    for (const protocol of [2, 3] as const) {
      const steps: string[][] = [setup, big, ["HRANDFIELD", "h"], ["HRANDFIELD", "h", "3"], ["HRANDFIELD", "h", "7"], ["HRANDFIELD", "h", "-20"],
        ["HRANDFIELD", "h", "5", "WITHVALUES"], ["HRANDFIELD", "h", "-5", "WITHVALUES"], ["HRANDFIELD", "big", "50", "WITHVALUES"],
        ["HRANDFIELD", "big", "450"], ["HRANDFIELD", "big", "-300", "WITHVALUES"], ["HRANDFIELD", "big", "700", "WITHVALUES"], ["HRANDFIELD", "big"]];
      const [expected, actual] = await d.run(steps, protocol);
      for (let i = 0; i < steps.length; i++) {
        expect(shape(actual[i]!)).toBe(shape(expected[i]!));
        const key = steps[i]![1]!;
        const withValues = steps[i]!.length === 4;
        const picked = bulkStrings(actual[i]!);
        if (i < 2) continue;
        const unique = Number(steps[i]![2] ?? "-1") > 0;
        const names = withValues ? picked.filter((_, j) => j % 2 === 0) : picked;
        if (unique) expect(new Set(names).size).toBe(names.length);
        for (let j = 0; j < picked.length; j++) {
          const text = picked[j]!;
          if (withValues && j % 2 === 1) expect(text).toBe(key === "h" ? `v${picked[j - 1]}` : `v${picked[j - 1]!.slice(1)}`);
          else expect(key === "h" ? fields.includes(text) : /^f\d+$/.test(text)).toBe(true);
        }
      }
      // Whole-hash picks of a hashtable list every field once.
      expect(unorderedPairs(actual[11]!)).toBe(unorderedPairs(expected[11]!));
    }
  });

  test("HSCAN of a listpack: one call, cursor 0, MATCH and COUNT", async () => {
    await d.check([
      ["HSET", "h", "apple", "1", "banana", "2", "avocado", "3", "", "empty", "\x00a", "bin"],
      ["HSCAN", "h", "0"], ["HSCAN", "h", "0", "COUNT", "1"], ["HSCAN", "h", "0", "MATCH", "a*"], ["HSCAN", "h", "0", "match", "*an*", "count", "100"],
      ["HSCAN", "h", "0", "MATCH", "*"], ["HSCAN", "h", "0", "MATCH", ""], ["HSCAN", "h", "0", "MATCH", "?"], ["HSCAN", "h", "0", "MATCH", "\x00*"],
      ["HSCAN", "h", "0", "MATCH", "x*", "MATCH", "b*"], ["HSCAN", "h", "0", "COUNT", "5", "COUNT", "1"],
      ["HSCAN", "h", "17"], ["HSCAN", "h", ""], ["HSCAN", "h", "-1"], ["HSCAN", "h", "+5"], ["HSCAN", "h", "18446744073709551615"], ["HSCAN", "h", "5\x00x"],
      ["HSCAN", "h", " 5"], ["HSCAN", "h", "5 "], ["HSCAN", "h", "x"], ["HSCAN", "h", "+"], ["HSCAN", "h", "-"], ["HSCAN", "h", "18446744073709551616"], ["HSCAN", "h", "1.5"],
      ["HSCAN", "h", "0", "COUNT", "0"], ["HSCAN", "h", "0", "COUNT", "-1"], ["HSCAN", "h", "0", "COUNT", "x"], ["HSCAN", "h", "0", "COUNT"],
      ["HSCAN", "h", "0", "MATCH"], ["HSCAN", "h", "0", "TYPE", "string"], ["HSCAN", "h", "0", "NOVALUES"], ["HSCAN", "h", "0", "COUNT", "x", "FOO"],
      ["HSCAN", "nokey", "0"], ["HSCAN", "nokey", "0", "COUNT", "0"], ["HSCAN", "nokey", "0", "FOO"], ["HSCAN", "nokey", "x"],
    ]);
  });

  test("HSCAN of a hashtable returns every field", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const [redis, bunredis] = await d.connect(protocol);
      await redis.call("FLUSHALL");
      for (const connection of [redis, bunredis]) await connection.call(...manyFields("h", 600));
      for (const count of ["1", "7", "1000"]) {
        const collected: Record<string, string>[] = [{}, {}];
        for (const [side, connection] of [redis, bunredis].entries()) {
          let cursor = "0";
          do {
            const reply = await connection.call("HSCAN", "h", cursor, "COUNT", count, "MATCH", "f1*");
            const [next, ...elements] = bulkStrings(reply);
            cursor = next!;
            for (let i = 0; i < elements.length; i += 2) collected[side]![elements[i]!] = elements[i + 1]!;
          } while (cursor !== "0");
        }
        expect(collected[1]).toEqual(collected[0]!);
        expect(Object.keys(collected[1]!).length).toBe(111);
        expect(await bunredis.call("OBJECT", "ENCODING", "h")).toBe("$9\r\nhashtable\r\n");
      }
      expect(unorderedScan(true)(await bunredis.call("HSCAN", "h", "0", "COUNT", "1000"))).toBe(unorderedScan(true)(await redis.call("HSCAN", "h", "0", "COUNT", "1000")));
    }
  });

  test("WRONGTYPE on keys of another type; a missing key is an empty hash", async () => {
    const commands: string[][] = [
      ["HSET", "k", "a", "1"], ["HMSET", "k", "a", "1"], ["HSETNX", "k", "a", "1"], ["HGET", "k", "a"], ["HMGET", "k", "a"], ["HDEL", "k", "a"],
      ["HLEN", "k"], ["HSTRLEN", "k", "a"], ["HEXISTS", "k", "a"], ["HGETALL", "k"], ["HKEYS", "k"], ["HVALS", "k"],
      ["HINCRBY", "k", "a", "1"], ["HINCRBYFLOAT", "k", "a", "1"], ["HRANDFIELD", "k"], ["HRANDFIELD", "k", "2"], ["HRANDFIELD", "k", "2", "WITHVALUES"],
      ["HSCAN", "k", "0"], ["HSCAN", "k", "0", "COUNT", "0"],
    ];
    await d.check([["SET", "k", "v"], ...commands, ["INCRBY", "k", "x"], ["HINCRBY", "k", "a", "x"], ["HINCRBYFLOAT", "k", "a", "inf"], ["HRANDFIELD", "k", "x"], ["HSCAN", "k", "x"]]);
    await d.check([["SADD", "k", "m"], ...commands]);
    const writes = ["HSET", "HMSET", "HSETNX", "HINCRBY", "HINCRBYFLOAT"];
    await d.check(commands.filter((command) => !writes.includes(command[0]!)).concat([["EXISTS", "k"]]));
  });
});
