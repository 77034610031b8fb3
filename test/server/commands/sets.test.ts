import { describe, expect, test } from "bun:test";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import { bulkStrings, shape, unordered, unorderedScan } from "./collection-replies.ts";

const d = useDifferential();

const BINARY = ["", "\x00", "\xff", "a\r\nb", "\x00\xff\r\n", " "];

/** SADD of `n` members with a prefix (strings: a hashtable) or none (integers: an intset up to 512). */
function manyMembers(key: string, n: number, prefix = "m"): string[] {
  const args = ["SADD", key];
  for (let i = 0; i < n; i++) args.push(`${prefix}${i}`);
  return args;
}

/** A step whose reply is compared with its elements sorted (a hashtable's order is its own). */
const sorted = (...args: string[]): Step => ({ args, normalize: unordered });

describe("set commands match redis-server byte for byte", () => {
  test("SADD, SREM, SCARD, SISMEMBER, SMISMEMBER; an emptied set is deleted", async () => {
    await d.check([
      ["SADD", "s", "a", "b", "a", "c"], ["SADD", "s", "c", "d"], ["SCARD", "s"], ["SCARD", "nokey"],
      ["SISMEMBER", "s", "a"], ["SISMEMBER", "s", "zz"], ["SISMEMBER", "nokey", "a"],
      ["SMISMEMBER", "s", "a", "zz", "d", "a"], ["SMISMEMBER", "nokey", "a", "b"],
      ["SREM", "s", "a", "a", "zz"], ["SREM", "nokey", "a"], ["SCARD", "s"],
      ["SREM", "s", "b", "c", "d", "e"], ["EXISTS", "s"], ["SCARD", "s"], sorted("SMEMBERS", "s"),
      ["TYPE", "s"], ["SADD", "t", "x"], ["TYPE", "t"],
    ]);
  });

  test("arity errors", async () => {
    await d.check([
      ["SADD", "s"], ["SREM", "s"], ["SCARD"], ["SCARD", "s", "x"], ["SISMEMBER", "s"], ["SISMEMBER", "s", "a", "b"], ["SMISMEMBER", "s"],
      ["SMEMBERS"], ["SMEMBERS", "s", "t"], ["SRANDMEMBER"], ["SPOP"], ["SMOVE", "a", "b"], ["SMOVE", "a", "b", "c", "d"],
      ["SINTER"], ["SINTERCARD", "1"], ["SINTERSTORE", "d"], ["SUNION"], ["SUNIONSTORE", "d"], ["SDIFF"], ["SDIFFSTORE", "d"], ["SSCAN", "s"],
      ["SRANDMEMBER", "s", "1", "2"], ["SPOP", "s", "1", "2"], ["SADD", "s", "1"], ["SRANDMEMBER", "s", "1", "2"], ["SPOP", "s", "1", "2"],
    ]);
  });

  test("binary and empty members", async () => {
    const steps: Step[] = [["SADD", "s", ...BINARY], ["SCARD", "s"], sorted("SMEMBERS", "s")];
    for (const member of BINARY) steps.push(["SISMEMBER", "s", member]);
    steps.push(["SMISMEMBER", "s", ...BINARY, "x"], ["SREM", "s", "\x00", "\xff"], sorted("SMEMBERS", "s"), ["SADD", "\x00\xff", ""], ["SMEMBERS", "\x00\xff"]);
    steps.push(["SADD", "t", "", "\x00"], sorted("SINTER", "s", "t"), sorted("SUNION", "s", "t"), sorted("SDIFF", "s", "t"));
    await d.check(steps);
  });

  test("intset: ascending order, canonical 64-bit integers only, up to set-max-intset-entries", async () => {
    await d.check([
      ["SADD", "i", "10", "-5", "3", "9223372036854775807", "-9223372036854775808", "0", "100", "-10", "9", "-1"],
      ["SMEMBERS", "i"], ["OBJECT", "ENCODING", "i"], ["SSCAN", "i", "0"], ["SRANDMEMBER", "i", "100"], ["SRANDMEMBER", "i", "10"],
      ["SREM", "i", "3", "-10"], ["SMEMBERS", "i"], ["SISMEMBER", "i", "03"], ["SISMEMBER", "i", "0"], ["SISMEMBER", "i", "+9"], ["SISMEMBER", "i", "-0"],
      ["SREM", "i", "09", "a"], ["SCARD", "i"],
      ["SADD", "a", "-0"], ["OBJECT", "ENCODING", "a"], ["SADD", "b", "01"], ["OBJECT", "ENCODING", "b"], ["SADD", "c", "+1"], ["OBJECT", "ENCODING", "c"],
      ["SADD", "e", "9223372036854775808"], ["OBJECT", "ENCODING", "e"], ["SADD", "f", "-9223372036854775809"], ["OBJECT", "ENCODING", "f"],
      ["SADD", "g", " 1"], ["OBJECT", "ENCODING", "g"], ["SADD", "h", "1.0"], ["OBJECT", "ENCODING", "h"], ["SADD", "j", ""], ["OBJECT", "ENCODING", "j"],
      // The first member decides how a new set starts; a later string converts for good.
      ["SADD", "k", "1", "x"], ["OBJECT", "ENCODING", "k"], ["SREM", "k", "x"], ["OBJECT", "ENCODING", "k"],
      ["SADD", "l", "x", "1"], ["SREM", "l", "x"], ["OBJECT", "ENCODING", "l"], ["SMEMBERS", "l"],
      manyMembers("m", 512, ""), ["OBJECT", "ENCODING", "m"], ["SADD", "m", "512"], ["OBJECT", "ENCODING", "m"], ["SCARD", "m"],
      ["CONFIG", "SET", "set-max-intset-entries", "2"], ["SADD", "n", "1", "2"], ["OBJECT", "ENCODING", "n"], ["SADD", "n", "3"], ["OBJECT", "ENCODING", "n"],
      ["CONFIG", "SET", "set-max-intset-entries", "0"], ["SADD", "o", "1"], ["OBJECT", "ENCODING", "o"],
      ["CONFIG", "SET", "set-max-intset-entries", "512"],
    ]);
  });

  test("SMOVE", async () => {
    await d.check([
      ["SADD", "src", "a", "1", "2"], ["SADD", "int", "5"],
      ["SMOVE", "src", "dst", "a"], ["SMEMBERS", "dst"], ["OBJECT", "ENCODING", "dst"], ["SMOVE", "src", "int", "1"], ["SMEMBERS", "int"], ["OBJECT", "ENCODING", "int"],
      ["SMOVE", "src", "int2", "2"], ["OBJECT", "ENCODING", "int2"], ["EXISTS", "src"],
      ["SMOVE", "int", "int", "5"], ["SMOVE", "int", "int", "9"], ["SMOVE", "int", "dst", "9"], ["SMOVE", "nokey", "dst", "a"],
      ["SMOVE", "dst", "int", "a"], ["OBJECT", "ENCODING", "int"], sorted("SMEMBERS", "int"), ["EXISTS", "dst"],
      ["SET", "str", "v"], ["SMOVE", "nokey", "str", "a"], ["SMOVE", "str", "int", "a"], ["SMOVE", "int", "str", "a"], ["SMOVE", "int", "str", "zz"],
      ["SMOVE", "int", "str2", "zz"], ["EXISTS", "str2"],
    ]);
  });

  test("SINTER, SINTERSTORE, SINTERCARD", async () => {
    await d.check([
      ["SADD", "a", "1", "2", "3", "4", "5"], ["SADD", "b", "2", "3", "4", "x"], ["SADD", "c", "3", "4", "5", "6"], ["SADD", "i", "4", "3", "9"],
      ["SINTER", "a", "i"], ["SINTER", "i", "a"], ["SINTER", "a", "c"], ["SINTER", "a"], ["SINTER", "a", "a"], sorted("SINTER", "b", "a"),
      ["SINTER", "a", "nokey"], ["SINTER", "nokey", "a"],
      ["SINTERSTORE", "d", "a", "c", "i"], ["SMEMBERS", "d"], ["OBJECT", "ENCODING", "d"],
      ["SINTERSTORE", "e", "a", "b"], ["OBJECT", "ENCODING", "e"], ["SMEMBERS", "e"],
      ["SINTERSTORE", "d", "a", "nokey"], ["EXISTS", "d"], ["SINTERSTORE", "d", "a", "c"], ["SINTERSTORE", "d", "i", "b", "c"], ["SMEMBERS", "d"],
      ["SINTERSTORE", "a", "a", "c"], ["SMEMBERS", "a"], ["SET", "str", "v"], ["SINTERSTORE", "str", "c", "i"], ["TYPE", "str"],
      ["SET", "str", "v"], ["SINTERSTORE", "str", "nokey"], ["EXISTS", "str"],
      ["SINTERCARD", "2", "a", "c"], ["SINTERCARD", "3", "a", "c", "i"], ["SINTERCARD", "1", "c"], ["SINTERCARD", "2", "c", "nokey"],
      ["SINTERCARD", "1", "c", "LIMIT", "2"], ["SINTERCARD", "1", "c", "limit", "0"], ["SINTERCARD", "1", "c", "LIMIT", "100"], ["SINTERCARD", "1", "c", "LIMIT", "1", "LIMIT", "3"],
      ["SINTERCARD", "0", "c"], ["SINTERCARD", "-1", "c"], ["SINTERCARD", "x", "c"], ["SINTERCARD", "3", "c", "i"], ["SINTERCARD", "9223372036854775808", "c"],
      ["SINTERCARD", "1", "c", "LIMIT"], ["SINTERCARD", "1", "c", "LIMIT", "-1"], ["SINTERCARD", "1", "c", "LIMIT", "x"], ["SINTERCARD", "1", "c", "FOO", "1"],
      ["SINTERCARD", "1", "c", "i"], ["SINTERCARD", "2", "c", "str"],
    ]);
  });

  test("SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE", async () => {
    await d.check([
      ["SADD", "a", "5", "1", "3"], ["SADD", "b", "4", "2", "3"], ["SADD", "c", "x", "3"], ["SADD", "big", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"],
      ["SUNION", "a", "b"], ["SUNION", "b", "a", "nokey"], ["SUNION", "nokey"], sorted("SUNION", "a", "c"),
      ["SDIFF", "a", "b"], ["SDIFF", "b", "a"], ["SDIFF", "a", "nokey"], ["SDIFF", "nokey", "a"], ["SDIFF", "a", "a"], ["SDIFF", "c", "a"],
      ["SDIFF", "big", "a", "b"], ["SDIFF", "a", "big"], ["SDIFF", "big", "big", "a"], ["SDIFF", "a", "b", "nokey", "c"],
      ["SUNIONSTORE", "u", "a", "b"], ["SMEMBERS", "u"], ["OBJECT", "ENCODING", "u"], ["SUNIONSTORE", "u", "a", "c"], ["OBJECT", "ENCODING", "u"], sorted("SMEMBERS", "u"),
      ["SUNIONSTORE", "u", "nokey"], ["EXISTS", "u"], ["SUNIONSTORE", "a", "a", "b"], ["SMEMBERS", "a"],
      ["SDIFFSTORE", "df", "big", "a"], ["SMEMBERS", "df"], ["OBJECT", "ENCODING", "df"], ["SDIFFSTORE", "df", "a", "a"], ["EXISTS", "df"],
      ["SDIFFSTORE", "df", "c", "a"], ["OBJECT", "ENCODING", "df"], ["SMEMBERS", "df"], ["SDIFFSTORE", "big", "big", "b"], ["SMEMBERS", "big"],
      ["SET", "str", "v"], ["SUNIONSTORE", "str", "a"], ["TYPE", "str"], ["SET", "str", "v"], ["SDIFFSTORE", "str", "nokey"], ["EXISTS", "str"],
    ]);
  });

  test("SPOP", async () => {
    await d.check([
      ["SPOP", "nokey"], ["SPOP", "nokey", "3"], ["SPOP", "nokey", "0"], ["SPOP", "nokey", "-1"], ["SPOP", "nokey", "x"],
      ["SADD", "one", "x"], ["SPOP", "one"], ["EXISTS", "one"], ["SADD", "one", "x"], ["SPOP", "one", "1"], ["EXISTS", "one"],
      ["SADD", "i", "3", "1", "2"], ["SPOP", "i", "0"], ["SPOP", "i", "3"], ["EXISTS", "i"], ["SADD", "i", "3", "1", "2"], ["SPOP", "i", "10"], ["EXISTS", "i"],
      ["SADD", "s", "b", "a"], ["SPOP", "s", "-1"], ["SPOP", "s", "x"], ["SPOP", "s", "1.5"], ["SPOP", "s", "1", "2"], ["SCARD", "s"],
      { args: ["SPOP", "s", "9223372036854775807"], normalize: unordered }, ["EXISTS", "s"],
      ["SET", "str", "v"], ["SPOP", "str"], ["SPOP", "str", "0"], ["SPOP", "str", "-1"],
    ]);
  });

  test("SPOP and SRANDMEMBER: random picks have the right shape and come from the set", async () => {
    if (d.skip) return;
    const members = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for (const protocol of [2, 3] as const) {
      const steps: string[][] = [
        ["SADD", "s", ...members], manyMembers("big", 600), ["SADD", "i", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
        ["SRANDMEMBER", "s"], ["SRANDMEMBER", "s", "3"], ["SRANDMEMBER", "s", "8"], ["SRANDMEMBER", "s", "-25"], ["SRANDMEMBER", "big", "50"], ["SRANDMEMBER", "big", "500"],
        ["SRANDMEMBER", "big", "-700"], ["SRANDMEMBER", "i", "4"], ["SRANDMEMBER", "i", "-4"],
        ["SPOP", "s"], ["SPOP", "s", "2"], ["SPOP", "s", "6"], ["SCARD", "s"], ["SPOP", "big", "10"], ["SPOP", "big", "580"], ["SCARD", "big"], ["OBJECT", "ENCODING", "big"],
        ["SPOP", "i", "2"], ["SPOP", "i", "7"], ["SCARD", "i"], ["OBJECT", "ENCODING", "i"],
      ];
      const [expected, actual] = await d.run(steps, protocol);
      for (let i = 0; i < steps.length; i++) {
        expect(shape(actual[i]!)).toBe(shape(expected[i]!));
        const [command, key, count] = steps[i]!;
        if (command !== "SRANDMEMBER" && command !== "SPOP") {
          if (command !== "SADD") expect(actual[i]).toBe(expected[i]!);
          continue;
        }
        const picked = bulkStrings(actual[i]!);
        if (count === undefined || Number(count) > 0) expect(new Set(picked).size).toBe(picked.length);
        for (const member of picked) {
          if (key === "s") expect(members).toContain(member);
          else if (key === "big") expect(member).toMatch(/^m\d+$/);
          else expect(Number(member)).toBeWithin(1, 11);
        }
      }
    }
  });

  test("SPOP of most of a set rebuilds it, encoding as Redis would", async () => {
    if (d.skip) return;
    // 600 integers make a hashtable; popping 550 keeps 50 in a new set created for its first member: an intset.
    await d.check([manyMembers("n", 600, ""), ["OBJECT", "ENCODING", "n"], { args: ["SPOP", "n", "550"], normalize: shape }, ["SCARD", "n"], ["OBJECT", "ENCODING", "n"]]);
    // Strings stay a hashtable.
    await d.check([manyMembers("n", 100), { args: ["SPOP", "n", "90"], normalize: shape }, ["SCARD", "n"], ["OBJECT", "ENCODING", "n"]]);
  });

  test("SRANDMEMBER: deterministic cases and errors", async () => {
    await d.check([
      ["SRANDMEMBER", "nokey"], ["SRANDMEMBER", "nokey", "3"], ["SRANDMEMBER", "nokey", "-3"], ["SRANDMEMBER", "nokey", "0"],
      ["SADD", "one", "x"], ["SRANDMEMBER", "one"], ["SRANDMEMBER", "one", "1"], ["SRANDMEMBER", "one", "-3"], ["SRANDMEMBER", "one", "0"],
      ["SADD", "i", "3", "1", "2"], ["SRANDMEMBER", "i", "3"], ["SRANDMEMBER", "i", "100"], ["SRANDMEMBER", "i", "9223372036854775807"],
      ["SRANDMEMBER", "i", "x"], ["SRANDMEMBER", "i", "1.5"], ["SRANDMEMBER", "i", "-9223372036854775808"], ["SRANDMEMBER", "nokey", "-9223372036854775808"],
      ["SRANDMEMBER", "i", "9223372036854775808"], ["SET", "str", "v"], ["SRANDMEMBER", "str"], ["SRANDMEMBER", "str", "1"], ["SRANDMEMBER", "str", "x"],
    ]);
  });

  test("SSCAN of an intset: one call, ascending, MATCH and COUNT; errors", async () => {
    await d.check([
      ["SADD", "i", "30", "-1", "2", "100", "12"], ["SSCAN", "i", "0"], ["SSCAN", "i", "0", "MATCH", "1*"], ["SSCAN", "i", "0", "COUNT", "1"], ["SSCAN", "i", "9"],
      ["SSCAN", "i", "0", "MATCH", "-*", "COUNT", "100"], ["SSCAN", "i", ""], ["SSCAN", "i", "-1"],
      ["SSCAN", "i", "x"], ["SSCAN", "i", " 1"], ["SSCAN", "i", "0", "COUNT", "0"], ["SSCAN", "i", "0", "COUNT", "x"], ["SSCAN", "i", "0", "MATCH"], ["SSCAN", "i", "0", "TYPE", "set"],
      ["SSCAN", "nokey", "0"], ["SSCAN", "nokey", "0", "FOO"], ["SSCAN", "nokey", "x"],
      ["SADD", "s", "apple", "avocado", "banana", ""], { args: ["SSCAN", "s", "0", "COUNT", "100"], normalize: unorderedScan(false) },
      { args: ["SSCAN", "s", "0", "MATCH", "a*", "COUNT", "100"], normalize: unorderedScan(false) },
      ["SET", "str", "v"], ["SSCAN", "str", "0"], ["SSCAN", "str", "0", "COUNT", "0"], ["SSCAN", "str", "x"],
    ]);
  });

  test("SSCAN of a hashtable returns every member", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const [redis, bunredis] = await d.connect(protocol);
      await Promise.all([redis.call("FLUSHALL"), bunredis.call("FLUSHALL")]);
      for (const connection of [redis, bunredis]) await connection.call(...manyMembers("s", 700));
      for (const count of ["1", "13", "1000"]) {
        const collected: Set<string>[] = [new Set(), new Set()];
        for (const [side, connection] of [redis, bunredis].entries()) {
          let cursor = "0";
          do {
            const [next, ...members] = bulkStrings(await connection.call("SSCAN", "s", cursor, "COUNT", count, "MATCH", "m6*"));
            cursor = next!;
            for (const member of members) collected[side]!.add(member);
          } while (cursor !== "0");
        }
        expect([...collected[1]!].sort()).toEqual([...collected[0]!].sort());
        expect(collected[1]!.size).toBe(111);
      }
    }
  });

  test("WRONGTYPE on keys of another type; a missing key is an empty set", async () => {
    const commands: string[][] = [
      ["SADD", "k", "a"], ["SREM", "k", "a"], ["SCARD", "k"], ["SISMEMBER", "k", "a"], ["SMISMEMBER", "k", "a"], ["SMEMBERS", "k"],
      ["SRANDMEMBER", "k"], ["SRANDMEMBER", "k", "2"], ["SPOP", "k"], ["SPOP", "k", "2"], ["SMOVE", "k", "other", "a"],
      ["SINTER", "k"], ["SINTER", "nokey", "k"], ["SINTERCARD", "1", "k"], ["SINTERSTORE", "d", "k"], ["SUNION", "nokey", "k"], ["SUNIONSTORE", "d", "k"],
      ["SDIFF", "nokey", "k"], ["SDIFF", "k"], ["SDIFFSTORE", "d", "nokey", "k"], ["SSCAN", "k", "0"],
    ];
    await d.check([["SET", "k", "v"], ...commands, ["EXISTS", "d"]]);
    await d.check([["HSET", "k", "f", "v"], ["SET", "d", "v"], ...commands, ["TYPE", "d"]]);
    await d.check(commands.filter((command) => command[0] !== "SADD").concat([["EXISTS", "k"], ["EXISTS", "d"]]));
  });
});
