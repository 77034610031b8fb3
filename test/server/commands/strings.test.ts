import { afterEach, describe, expect, test } from "bun:test";
import { createConsola } from "consola";
import { defaultConfig } from "../../../src/config.ts";
import { ReplyWriter } from "../../../src/resp/writer.ts";
import { Client } from "../../../src/server/client.ts";
import { ALL_COMMANDS, createCommandTable } from "../../../src/server/commands/index.ts";
import { Server } from "../../../src/server/server.ts";
import { RedisObject } from "../../../src/store/keyspace.ts";
import { integerValue, stringEncoding } from "../../../src/store/types/string.ts";
import { useDifferential, type Step } from "../../helpers/differential.ts";

const MB = 1024 * 1024;
// A 2 MB string limit on both servers, so the size errors of APPEND, SETRANGE and LCS are cheap to reach.
const d = useDifferential({ server: { "proto-max-bulk-len": 2 * MB }, redisArgs: ["--proto-max-bulk-len", String(2 * MB)] });

const BINARY = "\x00\xff\r\n\x01bin\x7f\x80";
const has = (name: string) => ALL_COMMANDS.some((spec) => spec.name === name);

describe("GET and SET", () => {
  test("plain values, empty and binary keys and values", async () => {
    await d.check([
      ["GET", "k"], ["SET", "k", "v"], ["GET", "k"], ["set", "k", "w"], ["get", "k"], ["Set", "", ""], ["GET", ""],
      ["SET", BINARY, BINARY], ["GET", BINARY], ["SET", "k", "\r\n"], ["GET", "k"], ["SET", "n", "12345"], ["GET", "n"],
      ["SET", "n", "-9223372036854775808"], ["GET", "n"], ["SET", "k", "x".repeat(100)], ["GET", "k"],
    ]);
  });

  test("NX, XX and GET, alone and together, on present and absent keys", async () => {
    await d.check([
      ["SET", "k", "1", "NX"], ["SET", "k", "2", "NX"], ["GET", "k"], ["SET", "k", "3", "XX"], ["GET", "k"],
      ["SET", "x", "1", "XX"], ["GET", "x"], ["SET", "k", "4", "GET"], ["SET", "new", "1", "GET"], ["GET", "new"],
      ["SET", "k", "5", "NX", "GET"], ["GET", "k"], ["SET", "k2", "5", "NX", "GET"], ["GET", "k2"],
      ["SET", "k", "6", "XX", "GET"], ["SET", "k3", "6", "XX", "GET"], ["GET", "k3"],
      ["SET", "k", "7", "nx", "nx"], ["SET", "k", "8", "xx", "Xx"], ["SET", "k", "9", "get", "GET"], ["GET", "k"],
      ["SET", "k", "10", "GeT", "xX"],
    ]);
  });

  test("option conflicts and unknown options are syntax errors", async () => {
    await d.check([
      ["SET", "k", "v", "NX", "XX"], ["SET", "k", "v", "XX", "NX"], ["SET", "k", "v", "FOO"], ["SET", "k", "v", "EX"],
      ["SET", "k", "v", "PX"], ["SET", "k", "v", "EXAT"], ["SET", "k", "v", "PXAT"], ["SET", "k", "v", "EX", "10", "PX", "10"],
      ["SET", "k", "v", "PX", "10", "EX", "10"], ["SET", "k", "v", "EXAT", "10", "PXAT", "10"], ["SET", "k", "v", "EX", "10", "KEEPTTL"],
      ["SET", "k", "v", "KEEPTTL", "EX", "10"], ["SET", "k", "v", "KEEPTTL", "PXAT", "10"], ["SET", "k", "v", "PERSIST"],
      ["SET", "k", "v", "NX", "NXX"], ["SET", "k", "v", "N"], ["SET", "k", "v", ""], ["SET", "k", "v", "EX", "10", "10"],
      ["SET", "k", "v", "GET", "EX"], ["GET", "k"], ["SET", "k", "v", "\x00"], ["SET", "k", "v", "KEEPTTLX"],
    ]);
  });

  test("expire values: integers only, positive, within 64 bits once in milliseconds", async () => {
    const bad = ["0", "-1", "x", "", "1.5", "01", " 1", "+1", "1e3", "9223372036854775808", "-9223372036854775809"];
    const steps: Step[] = [];
    for (const unit of ["EX", "PX", "EXAT", "PXAT"]) for (const value of bad) steps.push(["SET", "k", "v", unit, value]);
    steps.push(
      ["SET", "k", "v", "EX", "9223372036854775"], ["SET", "k", "v", "EX", "9223372036854776"], ["SET", "k", "v", "EX", "9223372036854775807"],
      ["SET", "k", "v", "PX", "9223372036854775807"], ["SET", "k", "v", "PX", "9223372000000000000"], ["GET", "k"],
      ["SET", "k", "v", "EX", "NX"], ["SET", "k", "v", "EX", "10", "EX", "0"], ["GET", "k"],
      // Expire errors come before GET's reply and before WRONGTYPE.
      ["SET", "k", "v", "GET", "EX", "0"], ["SET", "k", "v", "EX", "0", "GET"],
    );
    await d.check(steps);
  });

  test("valid expires keep the key until its time; a time already past removes it", async () => {
    await d.check([
      ["SET", "k", "v", "EX", "100"], ["GET", "k"], ["SET", "k", "v", "PX", "100000"], ["GET", "k"], ["SET", "k", "v", "EX", "10", "EX", "20"],
      ["SET", "k", "v", "EXAT", "4000000000"], ["GET", "k"], ["SET", "k", "v", "PXAT", "4000000000000"], ["GET", "k"],
      ["SET", "k", "v", "EXAT", "1"], ["GET", "k"], ["SET", "k", "v", "PXAT", "1", "GET"], ["GET", "k"],
      ["SET", "k", "w", "EXAT", "9223372036854775"], ["GET", "k"], ["SET", "k", "w", "PXAT", "9223372036854775807"], ["GET", "k"],
      ["SET", "k", "v", "KEEPTTL"], ["SET", "k", "v", "keepttl", "KEEPTTL", "GET", "XX"], ["SET", "k", "v", "ex", "5", "nx"],
      ["SET", "k", "v", "px", "5", "XX", "GET"], ["SET", "k", "v", "Px", "5", "Px", "7"],
    ]);
  });

  test("wrong arity", async () => {
    await d.check([["GET"], ["GET", "a", "b"], ["SET"], ["SET", "k"], ["get"], ["SeT", "k"]]);
  });
});

describe("SETNX, SETEX, PSETEX, GETSET, GETDEL", () => {
  test("SETNX", async () => {
    await d.check([["SETNX", "k", "1"], ["SETNX", "k", "2"], ["GET", "k"], ["SETNX", "", BINARY], ["GET", ""], ["SETNX", "k"], ["SETNX", "k", "v", "x"]]);
  });

  test("SETEX and PSETEX", async () => {
    await d.check([
      ["SETEX", "k", "100", "v"], ["GET", "k"], ["PSETEX", "k", "100000", "w"], ["GET", "k"], ["SETEX", "k", "0", "v"], ["PSETEX", "k", "0", "v"],
      ["SETEX", "k", "-5", "v"], ["PSETEX", "k", "-5", "v"], ["SETEX", "k", "x", "v"], ["PSETEX", "k", "1.5", "v"], ["SETEX", "k", "9223372036854776", "v"],
      ["PSETEX", "k", "9223372036854775807", "v"], ["SETEX", "k", "9223372036854775808", "v"], ["GET", "k"], ["SETEX", "k", "10"],
      ["PSETEX", "k", "10", "v", "x"], ["SETEX", BINARY, "100", BINARY], ["GET", BINARY],
    ]);
  });

  test("GETSET and GETDEL", async () => {
    await d.check([
      ["GETSET", "k", "1"], ["GETSET", "k", "2"], ["GET", "k"], ["GETSET", "k", ""], ["GET", "k"], ["GETDEL", "k"], ["GETDEL", "k"], ["GET", "k"],
      ["SET", BINARY, BINARY], ["GETDEL", BINARY], ["GETSET", "k"], ["GETDEL"], ["GETDEL", "a", "b"],
    ]);
  });
});

describe("GETEX", () => {
  test("options and their errors", async () => {
    await d.check([
      ["GETEX", "nokey"], ["GETEX", "nokey", "EX", "0"], ["GETEX", "nokey", "EX", "x"], ["GETEX", "nokey", "FOO"], ["GETEX", "nokey", "EX"],
      ["SET", "k", "v"], ["GETEX", "k"], ["GETEX", "k", "EX", "100"], ["GETEX", "k", "PX", "100000"], ["GETEX", "k", "EXAT", "4000000000"],
      ["GETEX", "k", "PXAT", "4000000000000"], ["GETEX", "k", "PERSIST"], ["GETEX", "k", "persist", "PERSIST"], ["GETEX", "k", "ex", "10", "EX", "20"],
      ["GETEX", "k", "EX", "0"], ["GETEX", "k", "PX", "-1"], ["GETEX", "k", "EXAT", "0"], ["GETEX", "k", "EX", "x"], ["GETEX", "k", "EX", "9223372036854776"],
      ["GETEX", "k", "PX", "9223372036854775807"], ["GETEX", "k", "PERSIST", "EX", "1"], ["GETEX", "k", "EX", "1", "PERSIST"],
      ["GETEX", "k", "EX", "1", "PX", "1"], ["GETEX", "k", "KEEPTTL"], ["GETEX", "k", "NX"], ["GETEX", "k", "XX"], ["GETEX", "k", "GET"],
      ["GETEX", "k", "EX"], ["GETEX", "k", "PERSIST", "x"], ["GET", "k"], ["GETEX"],
    ]);
  });

  test("an absolute time already past deletes the key", async () => {
    await d.check([
      ["SET", "k", "v"], ["GETEX", "k", "EXAT", "1"], ["GET", "k"], ["SET", "k", "v"], ["GETEX", "k", "PXAT", "1000"], ["GETEX", "k"],
      ["SET", BINARY, BINARY], ["GETEX", BINARY, "PX", "100000"], ["GETEX", BINARY],
    ]);
  });
});

describe("MGET, MSET, MSETNX", () => {
  test("MGET", async () => {
    await d.check([["MSET", "a", "1", "b", "", BINARY, BINARY], ["MGET", "a", "b", "c", BINARY, "a"], ["MGET", "none"], ["MGET"]]);
  });

  test("MSET", async () => {
    await d.check([
      ["MSET", "a", "1", "b", "2"], ["MGET", "a", "b"], ["MSET", "a", "1", "a", "2"], ["GET", "a"], ["MSET", "a"], ["MSET", "a", "1", "b"],
      ["MSET"], ["mset", "a", "1", "b", "2", "c"], ["MGET", "a", "b", "c"],
    ]);
  });

  test("MSETNX", async () => {
    await d.check([
      ["MSETNX", "a", "1", "b", "2"], ["MSETNX", "b", "3", "c", "4"], ["MGET", "a", "b", "c"], ["MSETNX", "c", "1", "c", "2"], ["GET", "c"],
      ["MSETNX", "a"], ["MSETNX", "x", "1", "y"], ["MSETNX"], ["MGET", "x", "y"],
    ]);
  });
});

describe("INCR, DECR, INCRBY, DECRBY", () => {
  test("counting from nothing, and arity", async () => {
    await d.check([
      ["INCR", "k"], ["INCR", "k"], ["DECR", "k"], ["DECR", "d"], ["INCRBY", "k", "10"], ["DECRBY", "k", "3"], ["INCRBY", "k", "-100"],
      ["DECRBY", "k", "-100"], ["INCRBY", "k", "0"], ["GET", "k"], ["INCR", BINARY], ["GET", BINARY], ["INCR"], ["INCR", "a", "b"],
      ["INCRBY", "k"], ["DECRBY", "k", "1", "2"], ["DECR"],
    ]);
  });

  test("values that are not integers", async () => {
    const bad = ["007", " 1", "1 ", "+1", "-0", "", "1.0", "0x10", "1e3", "abc", "\x001", "1\x00", "-", "9223372036854775808", "-9223372036854775809", "12345678901234567890", "99999999999999999999"];
    const steps: Step[] = [];
    for (const value of bad) steps.push(["SET", "k", value], ["INCR", "k"], ["DECRBY", "k", "1"], ["GET", "k"], ["INCRBY", "n", value], ["DECRBY", "n", value]);
    await d.check(steps);
  });

  test("the 64-bit limits", async () => {
    await d.check([
      ["SET", "k", "9223372036854775806"], ["INCR", "k"], ["INCR", "k"], ["GET", "k"], ["INCRBY", "k", "0"], ["DECR", "k"], ["INCRBY", "k", "-9223372036854775808"],
      ["SET", "k", "-9223372036854775807"], ["DECR", "k"], ["DECR", "k"], ["DECRBY", "k", "1"], ["INCRBY", "k", "9223372036854775807"], ["INCRBY", "k", "-1"],
      ["SET", "k", "5"], ["DECRBY", "k", "-9223372036854775808"], ["INCRBY", "k", "-9223372036854775808"], ["INCRBY", "k", "9223372036854775807"],
      ["INCRBY", "k", "9223372036854775802"], ["INCRBY", "k", "9223372036854775803"], ["DECRBY", "k", "9223372036854775807"],
      ["SET", "k", "0"], ["DECRBY", "k", "9223372036854775807"], ["DECR", "k"], ["DECR", "k"], ["GET", "k"],
      ["SET", "k", "-1"], ["INCRBY", "k", "-9223372036854775807"], ["INCRBY", "k", "-1"], ["SET", "k", "1"], ["INCRBY", "k", "9223372036854775807"],
    ]);
  });

  test("across ±2^53, where doubles stop being exact", async () => {
    await d.check([
      ["SET", "k", "9007199254740990"], ["INCR", "k"], ["INCR", "k"], ["INCR", "k"], ["INCR", "k"], ["INCRBY", "k", "9007199254740993"],
      ["DECRBY", "k", "9007199254740993"], ["DECR", "k"], ["DECR", "k"], ["DECR", "k"], ["GET", "k"],
      ["SET", "k", "-9007199254740990"], ["DECR", "k"], ["DECR", "k"], ["DECR", "k"], ["INCRBY", "k", "-9007199254740993"], ["INCRBY", "k", "9007199254740993"],
      ["INCR", "k"], ["INCR", "k"], ["GET", "k"], ["SET", "k", "4611686018427387904"], ["INCRBY", "k", "4611686018427387903"], ["INCR", "k"],
      ["INCRBY", "n", "999999999999999"], ["INCRBY", "n", "999999999999999"], ["INCRBY", "n", "9999999999999999"], ["DECRBY", "n", "99999999999999999"],
    ]);
  });
});

/** A deterministic generator (mulberry32), so a failure names the same inputs every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A float as a client might write one: integers, decimals of many lengths, exponents, hex. */
function floatText(next: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(next() * 10)).join("");
  const sign = next() < 0.3 ? "-" : "";
  const kind = Math.floor(next() * 6);
  if (kind === 0) return sign + String(Math.floor(next() * 1000));
  if (kind === 1) return `${sign}${Math.floor(next() * 100)}.${digits(1 + Math.floor(next() * 3))}`;
  if (kind === 2) return `${sign}${digits(1 + Math.floor(next() * 6))}.${digits(1 + Math.floor(next() * 20))}`;
  if (kind === 3) return `${sign}${1 + Math.floor(next() * 9)}.${digits(Math.floor(next() * 8))}e${Math.floor(next() * 60) - 30}`;
  if (kind === 4) return `${sign}0.${digits(Math.floor(next() * 5))}${1 + Math.floor(next() * 9)}`;
  return `${sign}0x${Math.floor(next() * 4096).toString(16)}.${Math.floor(next() * 256).toString(16)}p${Math.floor(next() * 40) - 20}`;
}

describe("INCRBYFLOAT", () => {
  test("formats as %.17Lf without trailing zeros", async () => {
    const pairs: [string, string][] = [
      ["10.50", "0.1"], ["10", "5.0e3"], ["0", "1e300"], ["0", "1e-20"], ["0.1", "0.2"], ["1", "1e400"], ["0", "1e4932"], ["3", "-3"], ["-0", "0"],
      ["0", "-0"], ["1", "-1.5"], ["1.5", "0.5"], ["0", "123456789012345678901234567890"], ["0", "3.0000000000000000001"], ["0", "1.23456789012345678e-5"],
      ["0", "-1e-18"], ["0", "-1e-17"], ["0", "1e-17"], ["0", "5e-18"], ["0", "+1"], ["0", "1E2"], ["007", "1"], ["1", "0x10"], ["1", "0x1p-3"], ["1", ".5"],
      ["1", "5."], ["0", "1e-4950"], ["0", "2e-4951"], ["0", "0.000003814697265625"], ["1", "0.000011444091796875"], ["0", "0x1p-57"], ["0", "0X1.8P-57"],
      ["1.7976931348623157e308", "1e308"], ["9223372036854775807", "1"], ["-9223372036854775808", "-1"], ["0", "18446744073709551615"],
      ["0", "1.1897314953572317650e4932"], ["1e4932", "1e4932"], ["0", "0e99999999999"], ["0", "0.0e-99999"], ["1", "1e-99999999999999999999"],
      ["0", "00000000000000000000000000000000000000001.5"], ["0.1", "-0.1"], ["2.5", "0"], ["0", "1" + "0".repeat(400)], ["0", "0." + "0".repeat(300) + "1"],
    ];
    const steps: Step[] = [];
    for (const [value, increment] of pairs) steps.push(["SET", "k", value], ["INCRBYFLOAT", "k", increment]);
    steps.push(["INCRBYFLOAT", "new", "2.5"], ["INCRBYFLOAT", "new", "-2.5"], ["GET", "new"], ["INCRBYFLOAT", "new2", "-0"], ["GET", "new2"]);
    await d.check(steps);
  });

  test("invalid floats, NaN and infinity", async () => {
    const bad = ["1e4933", "-1e4933", "1e-5000", "nan", "NaN", "-nan", " 1", "1 ", "1e", "1e+", ".", "", "abc", "0x", "0x.p1", "1.2.3", "--1", "+-1", "1_0", "\x001", "1\x00", "infinit", "0x1p", "1e5x", "\t1"];
    const steps: Step[] = [["SET", "k", "1"]];
    for (const value of bad) steps.push(["INCRBYFLOAT", "k", value], ["SET", "v", value], ["INCRBYFLOAT", "v", "1"]);
    steps.push(
      ["INCRBYFLOAT", "k", "inf"], ["INCRBYFLOAT", "k", "-inf"], ["INCRBYFLOAT", "k", "INFINITY"], ["INCRBYFLOAT", "k", "+Infinity"], ["SET", "v", "inf"],
      ["INCRBYFLOAT", "v", "1"], ["SET", "v", "1.18973149535723176e4932"], ["INCRBYFLOAT", "v", "1.18973149535723176e4932"], ["GET", "k"],
      ["SET", "v", "1".repeat(5119)], ["INCRBYFLOAT", "v", "0"], ["SET", "v", "1".repeat(5120)], ["INCRBYFLOAT", "v", "0"], ["INCRBYFLOAT", "k", "1".repeat(5120)],
      ["INCRBYFLOAT", "k"], ["INCRBYFLOAT", "k", "1", "2"],
    );
    await d.check(steps);
  });

  test("matches Redis's long double on random decimals, sums and chains", async () => {
    const next = random(20240607);
    const steps: Step[] = [];
    for (let i = 0; i < 150; i++) steps.push(["SET", "k", floatText(next)], ["INCRBYFLOAT", "k", floatText(next)]);
    for (let i = 0; i < 100; i++) steps.push(["INCRBYFLOAT", "chain", floatText(next)]);
    await d.check(steps);
  });
});

describe("APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE", () => {
  test("APPEND and STRLEN", async () => {
    await d.check([
      ["STRLEN", "k"], ["APPEND", "k", "ab"], ["APPEND", "k", "cd"], ["GET", "k"], ["STRLEN", "k"], ["APPEND", "k", ""], ["APPEND", "e", ""], ["GET", "e"],
      ["STRLEN", "e"], ["APPEND", BINARY, BINARY], ["APPEND", BINARY, BINARY], ["GET", BINARY], ["STRLEN", BINARY], ["SET", "n", "-12"], ["APPEND", "n", "3"],
      ["INCR", "n"], ["STRLEN", "n"], ["APPEND", "k"], ["STRLEN"], ["STRLEN", "a", "b"],
    ]);
  });

  test("GETRANGE and SUBSTR", async () => {
    const ranges = [
      ["0", "3"], ["-3", "-1"], ["0", "-1"], ["10", "100"], ["5", "3"], ["-1", "-5"], ["-100", "-50"], ["-100", "5"], ["20", "30"], ["0", "0"], ["-1", "-1"],
      ["11", "11"], ["10", "10"], ["3", "-100"], ["9223372036854775807", "-9223372036854775808"], ["-9223372036854775808", "9223372036854775807"],
      ["-9223372036854775807", "-9223372036854775808"], ["-9223372036854775808", "-9223372036854775807"], ["9007199254740993", "9007199254740992"],
      ["x", "1"], ["1", "x"], ["0", "9223372036854775808"], ["01", "2"],
    ];
    const steps: Step[] = [["SET", "s", "Hello World"], ["SET", "e", ""], ["SET", "i", "-12345"], ["SET", "b", BINARY]];
    for (const [start, end] of ranges) {
      for (const key of ["s", "e", "i", "b", "none"]) steps.push(["GETRANGE", key, start!, end!]);
      steps.push(["SUBSTR", "s", start!, end!]);
    }
    steps.push(["GETRANGE", "s", "0"], ["SUBSTR", "s", "0", "1", "2"]);
    await d.check(steps);
  });

  test("SETRANGE", async () => {
    await d.check([
      ["SETRANGE", "n", "0", ""], ["SETRANGE", "n", "5", ""], ["GET", "n"], ["SETRANGE", "n", "-1", ""], ["SETRANGE", "n", "-1", "x"], ["SETRANGE", "n", "x", "x"],
      ["SETRANGE", "n", "2", "ab"], ["GET", "n"], ["SETRANGE", "n", "0", "Z"], ["SETRANGE", "n", "4", "cdef"], ["GET", "n"], ["SETRANGE", "n", "10", BINARY], ["GET", "n"],
      ["SETRANGE", "n", "100", ""], ["SETRANGE", "n", "9223372036854775807", ""], ["SETRANGE", "n", "9223372036854775807", "x"],
      ["SETRANGE", "n", "9223372036854775808", "x"], ["SETRANGE", "n", "-9223372036854775808", "x"], ["SETRANGE", "n", String(2 * MB), "x"],
      ["SETRANGE", "n", String(2 * MB - 1), "xy"], ["SETRANGE", "m", String(2 * MB), "x"], ["SETRANGE", "m", String(2 * MB - 1), "x"], ["STRLEN", "m"],
      ["SETRANGE", "i", "0", "1"], ["SET", "i", "12345"], ["SETRANGE", "i", "1", "9"], ["INCR", "i"], ["SETRANGE", "i", "0", "-"], ["GET", "i"],
      ["SETRANGE", "n", "0"], ["SETRANGE", "n", "0", "a", "b"],
    ]);
  });

  test("values of a megabyte, and the proto-max-bulk-len limit", async () => {
    const big = "x".repeat(MB - 3) + BINARY.slice(0, 3);
    await d.check([
      ["SET", "big", big], ["STRLEN", "big"], ["GET", "big"], ["APPEND", "big", big], ["STRLEN", "big"], ["GETRANGE", "big", String(MB - 5), String(MB + 2)],
      ["SETRANGE", "big", String(MB), "abc"], ["GETRANGE", "big", String(MB - 2), String(MB + 4)], ["APPEND", "big", "1"], ["SETRANGE", "big", String(2 * MB - 1), "12"],
      ["GETRANGE", "big", "-3", "-1"], ["STRLEN", "big"], ["MSET", "a", big, "b", big], ["MGET", "a", "b"], ["GETSET", "a", "small"], ["GETDEL", "b"],
      ["SET", "c", big, "GET"], ["SET", "c", big, "GET"], ["LCS", "c", "c", "LEN"], ["APPEND", "c", big], ["APPEND", "c", "x".repeat(MB)],
      ["APPEND", "c", "x".repeat(MB + 3)], ["STRLEN", "c"],
    ]);
  });
});

describe("LCS", () => {
  test("the subsequence, LEN, IDX, MINMATCHLEN, WITHMATCHLEN", async () => {
    const options = [[], ["LEN"], ["IDX"], ["IDX", "WITHMATCHLEN"], ["IDX", "MINMATCHLEN", "4"], ["IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"], ["idx", "minmatchlen", "0"],
      ["IDX", "MINMATCHLEN", "-5"], ["IDX", "MINMATCHLEN", "9223372036854775807"], ["WITHMATCHLEN"], ["LEN", "WITHMATCHLEN", "MINMATCHLEN", "3"], ["IDX", "IDX"],
      ["LEN", "LEN"], ["MINMATCHLEN", "2"], ["IDX", "MINMATCHLEN", "2", "MINMATCHLEN", "1"]];
    const steps: Step[] = [["MSET", "a", "ohmytext", "b", "mynewtext", "c", "", "d", BINARY + "abc" + BINARY, "e", "xabc\x00\xffcb", "f", "aaaa", "g", "aa"]];
    for (const [x, y] of [["a", "b"], ["b", "a"], ["a", "a"], ["a", "c"], ["c", "c"], ["none", "a"], ["none", "other"], ["d", "e"], ["f", "g"], ["g", "f"]]) {
      for (const option of options) steps.push(["LCS", x!, y!, ...option]);
    }
    await d.check(steps);
  });

  test("errors, checked in Redis's order", async () => {
    await d.check([
      ["MSET", "a", "ohmytext", "b", "mynewtext"], ["LCS", "a", "b", "LEN", "IDX"], ["LCS", "a", "b", "IDX", "LEN"], ["LCS", "a", "b", "FOO"],
      ["LCS", "a", "b", "MINMATCHLEN"], ["LCS", "a", "b", "MINMATCHLEN", "x"], ["LCS", "a", "b", "MINMATCHLEN", "1.5"], ["LCS", "a", "b", "LEN", "FOO", "IDX"],
      ["LCS", "a", "b", "LEN", "IDX", "FOO"], ["LCS", "none", "none2", "LEN", "IDX"], ["LCS", "a"], ["LCS"],
    ]);
  });

  test("longer strings, and the transient memory limit", async () => {
    const next = random(7);
    const text = (n: number) => Array.from({ length: n }, () => "acgt"[Math.floor(next() * 4)]).join("");
    await d.check([
      ["MSET", "x", text(700), "y", text(690), "big", "z".repeat(800)], ["LCS", "x", "y"], ["LCS", "x", "y", "IDX", "MINMATCHLEN", "3", "WITHMATCHLEN"],
      ["LCS", "x", "y", "LEN"], ["LCS", "x", "big", "LEN"], ["LCS", "big", "big", "LEN"], ["LCS", "big", "none"],
    ]);
  });
});

/** A bunredis server in this process, with a clock the test moves and direct access to the store. */
function inProcess() {
  const clock = { time: 1_700_000_000_000, now: () => clock.time };
  const server = new Server(defaultConfig(), createConsola({ level: -999 }), clock, createCommandTable(), () => {});
  const client = new Client(1, "test:1", "test:0", 0, clock.time, false);
  const reply = new ReplyWriter();
  const call = (...args: string[]) => {
    reply.reset();
    reply.protocol = client.protocol;
    server.execute(client, args, reply);
    return reply.bytes().latin1Slice(0, reply.length);
  };
  return { server, db: server.db(0), clock, client, call };
}

/** A value of another type, for the WRONGTYPE paths before the list commands exist. */
class OtherType extends RedisObject {
  readonly type = "list";
  encoding(): string {
    return "listpack";
  }
  copy(): OtherType {
    return new OtherType();
  }
}

const local: ReturnType<typeof inProcess>[] = [];
afterEach(() => {
  for (const each of local.splice(0)) each.server.close();
});
function server() {
  const each = inProcess();
  local.push(each);
  return each;
}

describe("WRONGTYPE", () => {
  // Each command against a key holding a list, compared with redis-server (where RPUSH makes the list).
  const commands = [
    ["GET", "l"], ["SET", "l", "v", "GET"], ["SET", "l", "v", "NX", "GET"], ["SET", "l", "v", "XX", "GET"], ["SET", "l", "v", "GET", "EX", "0"],
    ["SET", "l", "v", "NX"], ["SETNX", "l", "v"], ["GETSET", "l", "v"], ["GETDEL", "l"], ["GETEX", "l"], ["GETEX", "l", "PERSIST"], ["GETEX", "l", "EX", "x"],
    ["GETEX", "l", "FOO"], ["MGET", "l", "x", "l"], ["MSETNX", "x", "1", "l", "v"], ["APPEND", "l", "x"], ["STRLEN", "l"], ["INCR", "l"], ["DECR", "l"],
    ["INCRBY", "l", "1"], ["INCRBY", "l", "x"], ["DECRBY", "l", "1"], ["INCRBYFLOAT", "l", "1"], ["INCRBYFLOAT", "l", "x"], ["GETRANGE", "l", "0", "1"],
    ["GETRANGE", "l", "x", "1"], ["SUBSTR", "l", "0", "1"], ["SETRANGE", "l", "0", "x"], ["SETRANGE", "l", "0", ""], ["SETRANGE", "l", "-1", "x"],
    ["LCS", "l", "x"], ["LCS", "x", "l", "FOO"], ["LCS", "l", "l", "LEN", "IDX"], ["SET", "l", "v"], ["GET", "l"],
  ];

  test("on every string command, byte for byte as redis-server", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const [redis] = await d.connect(protocol);
      await redis.call("FLUSHALL");
      await redis.call("RPUSH", "l", "a");
      const bunredis = server();
      bunredis.client.protocol = protocol;
      bunredis.db.set("l", new OtherType());
      for (const args of commands) {
        expect(`${args.join(" ")} -> ${bunredis.call(...args)}`).toBe(`${args.join(" ")} -> ${await redis.call(...args)}`);
      }
    }
  });
});

describe("TTLs and statistics, seen in the store", () => {
  test("SET's expire options set the absolute time; SET without KEEPTTL clears it", () => {
    const { db, clock, call } = server();
    const now = clock.time;
    expect(call("SET", "k", "v", "EX", "10")).toBe("+OK\r\n");
    expect(db.getExpire("k")).toBe(now + 10_000);
    call("SET", "k", "v", "PX", "1500");
    expect(db.getExpire("k")).toBe(now + 1500);
    call("SET", "k", "v", "EXAT", "1800000000");
    expect(db.getExpire("k")).toBe(1_800_000_000_000);
    call("SET", "k", "v", "PXAT", "1800000000123");
    expect(db.getExpire("k")).toBe(1_800_000_000_123);
    call("SET", "k", "w", "KEEPTTL");
    expect(db.getExpire("k")).toBe(1_800_000_000_123);
    call("SET", "k", "w", "XX", "GET");
    expect(db.getExpire("k")).toBeUndefined();
    call("SET", "k", "v", "EX", "9000000000000");
    expect(db.getExpire("k")).toBe(now + 9_000_000_000_000_000);
    // Times past 2^53 ms stay exact (the store keeps them as bigints).
    call("SET", "k", "v", "PXAT", "9223372036854775807");
    expect(db.getExpireExact("k")).toBe(9223372036854775807n);
    call("SET", "k", "v", "EX", "9223372036854");
    expect(db.getExpireExact("k")).toBe(9223372036854000n + BigInt(now));
    call("GETEX", "k", "EXAT", "9223372036854775");
    expect(db.getExpireExact("k")).toBe(9223372036854775000n);
  });

  test("in-place writes keep the TTL, whole-value writes drop it", () => {
    const { db, clock, call } = server();
    const at = clock.time + 60_000;
    const keeps = [["INCR", "k"], ["DECRBY", "k", "2"], ["INCRBYFLOAT", "k", "1.5"], ["APPEND", "k", "0"], ["SETRANGE", "k", "0", "1"], ["SET", "k", "2", "KEEPTTL"], ["GETEX", "k"], ["SETNX", "k", "x"]];
    for (const args of keeps) {
      call("SET", "k", "1", "PXAT", String(at));
      call(...args);
      expect([args, db.getExpire("k")]).toEqual([args, at]);
    }
    for (const args of [["SET", "k", "1"], ["GETSET", "k", "2"], ["MSET", "k", "3"], ["SETEX", "k", "5", "x"], ["GETEX", "k", "PERSIST"]]) {
      call("SET", "k", "1", "PXAT", String(at));
      call(...args);
      expect([args, db.getExpire("k")]).toEqual([args, args[0] === "SETEX" ? clock.time + 5000 : undefined]);
    }
  });

  test("SETEX, PSETEX and GETEX set expiry; time passing removes the key", () => {
    const { db, clock, call } = server();
    call("SETEX", "a", "2", "v");
    call("PSETEX", "b", "2500", "v");
    expect([db.getExpire("a"), db.getExpire("b")]).toEqual([clock.time + 2000, clock.time + 2500]);
    call("SET", "c", "v");
    expect(call("GETEX", "c", "PX", "100")).toBe("$1\r\nv\r\n");
    expect(db.getExpire("c")).toBe(clock.time + 100);
    call("GETEX", "c", "EXAT", "1800000000");
    expect(db.getExpire("c")).toBe(1_800_000_000_000);
    call("GETEX", "c", "EX", "1");
    expect(db.getExpire("c")).toBe(clock.time + 1000);
    clock.time += 2001;
    expect(call("MGET", "a", "b", "c")).toBe("*3\r\n$-1\r\n$1\r\nv\r\n$-1\r\n");
    expect(call("GET", "b")).toBe("$1\r\nv\r\n");
    clock.time += 500;
    expect(call("GET", "b")).toBe("$-1\r\n");
    expect(db.size).toBe(0);
  });

  test("a past time on SET expires the key (counted); on GETEX it deletes it (not counted)", () => {
    const { server: redis, db, call } = server();
    call("SET", "k", "v", "EXAT", "1");
    expect(call("GET", "k")).toBe("$-1\r\n");
    expect(redis.stats.expiredKeys).toBe(1);
    call("SET", "k", "v");
    expect(call("GETEX", "k", "PXAT", "1")).toBe("$1\r\nv\r\n");
    expect(db.dict.has("k")).toBe(false);
    expect(redis.stats.expiredKeys).toBe(1);
  });

  test("read lookups count keyspace hits and misses, write lookups do not", () => {
    const { server: redis, call } = server();
    call("SET", "a", "1");
    for (const args of [["GET", "a"], ["GET", "x"], ["MGET", "a", "x", "a"], ["STRLEN", "a"], ["GETRANGE", "x", "0", "1"], ["LCS", "a", "x"], ["GETEX", "a"], ["SET", "a", "2", "GET"], ["GETSET", "a", "3"], ["GETDEL", "x"]]) call(...args);
    expect([redis.stats.keyspaceHits, redis.stats.keyspaceMisses]).toEqual([8, 5]);
    for (const args of [["INCR", "a"], ["APPEND", "a", "1"], ["SETRANGE", "a", "0", "1"], ["INCRBYFLOAT", "a", "1"], ["SETNX", "a", "1"], ["SET", "a", "1", "NX"], ["MSETNX", "a", "1"]]) call(...args);
    expect([redis.stats.keyspaceHits, redis.stats.keyspaceMisses]).toEqual([8, 5]);
  });

  test.skipIf(!has("pttl"))("TTL replies agree with redis-server", async () => {
    const ttl = { normalize: (reply: string) => (/^:\d+\r\n$/.test(reply) && Number(reply.slice(1)) > 0 ? ":positive\r\n" : reply) };
    await d.check([
      ["SET", "k", "v", "EX", "100"], { args: ["PTTL", "k"], ...ttl }, ["SET", "k", "v", "KEEPTTL"], { args: ["PTTL", "k"], ...ttl }, ["SET", "k", "v"], ["PTTL", "k"],
      ["SETEX", "k", "10", "v"], { args: ["PTTL", "k"], ...ttl }, ["GETEX", "k", "PERSIST"], ["PTTL", "k"],
      ["GETEX", "k", "PXAT", "4000000000000"], { args: ["PTTL", "k"], ...ttl }, ["APPEND", "k", "x"], { args: ["PTTL", "k"], ...ttl }, ["GETSET", "k", "1"], ["PTTL", "k"],
    ]);
  });
});

describe("the string type's helpers", () => {
  test("integerValue follows string2ll", () => {
    const cases: [string, number | bigint | undefined][] = [
      ["0", 0], ["-1", -1], ["9007199254740991", 9007199254740991], ["9007199254740992", 9007199254740992n], ["-9007199254740992", -9007199254740992n],
      ["9223372036854775807", 9223372036854775807n], ["-9223372036854775808", -9223372036854775808n], ["9223372036854775808", undefined],
      ["123456789012345", 123456789012345], ["1234567890123456", 1234567890123456], ["-0", undefined], ["007", undefined], ["+1", undefined],
      ["", undefined], ["-", undefined], [" 1", undefined], ["1a", undefined], ["12345678901234567a", undefined], ["000000000000000000001", undefined],
    ];
    for (const [text, expected] of cases) expect([text, integerValue(text)]).toEqual([text, expected]);
  });

  test("stringEncoding answers as Redis does for SET's values", () => {
    expect(["1", "-9223372036854775808", "9223372036854775808", "01", "x".repeat(44), "x".repeat(45)].map(stringEncoding)).toEqual(["int", "int", "embstr", "embstr", "embstr", "raw"]);
  });
});
