/**
 * The bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO) against
 * redis-server byte for byte, in RESP2 and RESP3; the string commands on values they changed;
 * their keyspace notifications; random sequences (fast-check); and, in process, that a large
 * bitmap is changed in place.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createConsola } from "consola";
import fc from "fast-check";
import { defaultConfig } from "../../../src/config.ts";
import { ReplyWriter } from "../../../src/resp/writer.ts";
import { Client } from "../../../src/server/client.ts";
import { createCommandTable } from "../../../src/server/commands/index.ts";
import { Server } from "../../../src/server/server.ts";
import { ByteString } from "../../../src/store/types/string.ts";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import type { RespConnection } from "../../helpers/resp.ts";

const MB = 1024 * 1024;
// A 2 MB string limit on both servers: the offset limit (16 Mbit) is cheap to reach from both sides.
const d = useDifferential({ server: { "proto-max-bulk-len": 2 * MB }, redisArgs: ["--proto-max-bulk-len", String(2 * MB)] });

const BIN = "k\x00\xff\r\n";
const LIMIT = String(16 * MB);
const TYPE_ERROR = ["i0", "i65", "u64", "U8", "I8", "x8", "i", "u", "", "i08", "i-1", "i+8", "i 8", "\x00", "u8x"];
/** A TTL read right after setting 100 s: 99 or 100 depending on the clock's edge. */
const ttl = (args: string[]): Step => ({ args, normalize: (reply) => reply.replace(/^:(99|100)\r\n$/, ":ttl\r\n") });

describe("SETBIT and GETBIT", () => {
  test("set, clear, read, grow; the value becomes raw", async () => {
    await d.check([
      ["SETBIT", "k", "7", "1"], ["GET", "k"], ["OBJECT", "ENCODING", "k"], ["GETBIT", "k", "7"], ["GETBIT", "k", "6"], ["GETBIT", "k", "100"],
      ["GETBIT", "none", "0"], ["SETBIT", "k", "7", "1"], ["SETBIT", "k", "7", "0"], ["SETBIT", "k", "100", "1"], ["STRLEN", "k"], ["GET", "k"],
      ["SETBIT", "k", "100", "0"], ["SETBIT", "k", "0", "0"], ["GET", "k"], ["SETBIT", BIN, "0", "1"], ["GET", BIN], ["GETBIT", BIN, "0"], ["SETBIT", "", "3", "1"], ["GET", ""],
      ["SET", "n", "12"], ["OBJECT", "ENCODING", "n"], ["GETBIT", "n", "2"], ["GETBIT", "n", "15"], ["GETBIT", "n", "16"], ["SETBIT", "n", "6", "0"], ["GET", "n"], ["OBJECT", "ENCODING", "n"],
      ["SET", "e", "abc"], ["SETBIT", "e", "1", "1"], ["OBJECT", "ENCODING", "e"], ["SET", "z", ""], ["GETBIT", "z", "0"], ["SETBIT", "z", "0", "0"], ["GET", "z"],
      ["SET", "b", "\x00\xff\r\n"], ["GETBIT", "b", "8"], ["GETBIT", "b", "15"], ["GETBIT", "b", "16"], ["SETBIT", "b", "31", "0"], ["GET", "b"],
    ]);
  });

  test("offset and value errors, in Redis's order, and the size limit", async () => {
    await d.check([
      ["SETBIT", "k", "-1", "1"], ["SETBIT", "k", "x", "1"], ["SETBIT", "k", "1.5", "1"], ["SETBIT", "k", "#1", "1"], ["SETBIT", "k", "01", "1"], ["SETBIT", "k", " 1", "1"],
      ["SETBIT", "k", "1", "2"], ["SETBIT", "k", "1", "-1"], ["SETBIT", "k", "1", "01"], ["SETBIT", "k", "1", "x"], ["SETBIT", "k", "1", ""], ["SETBIT", "k", "1", "9223372036854775808"],
      ["SETBIT", "k", "x", "x"], ["SETBIT", "k", LIMIT, "1"], ["SETBIT", "k", "4294967295", "1"], ["SETBIT", "k", "4294967296", "1"], ["SETBIT", "k", "9223372036854775807", "1"],
      ["SETBIT", "k", "9223372036854775808", "1"], ["SETBIT", "k", "-9223372036854775808", "1"], ["EXISTS", "k"], ["GETBIT", "k", "-1"], ["GETBIT", "k", LIMIT], ["GETBIT", "k", "#0"], ["GETBIT", "k", "x"],
      ["SETBIT", "k", String(16 * MB - 1), "1"], ["STRLEN", "k"], ["GETBIT", "k", String(16 * MB - 1)], ["GETBIT", "k", String(16 * MB - 2)], ["BITCOUNT", "k"],
      ["SETBIT", "k"], ["SETBIT", "k", "1"], ["SETBIT", "k", "1", "1", "1"], ["GETBIT", "k"], ["GETBIT", "k", "1", "2"], ["SETBIT"], ["GETBIT"],
    ]);
  });

  test("keep the TTL; WRONGTYPE after the argument checks", async () => {
    await d.check([
      ["SET", "t", "x", "EX", "100"], ["SETBIT", "t", "100", "1"], ttl(["TTL", "t"]), ["SETBIT", "t", "0", "1"], ttl(["TTL", "t"]),
      ["RPUSH", "l", "a"], ["SETBIT", "l", "0", "1"], ["SETBIT", "l", "-1", "1"], ["SETBIT", "l", "0", "2"], ["GETBIT", "l", "0"], ["GETBIT", "l", "-1"], ["TYPE", "l"],
    ]);
  });
});

describe("BITCOUNT", () => {
  test("whole values, byte and bit ranges, negative indexes", async () => {
    await d.check([
      ["SET", "s", "foobar"], ["BITCOUNT", "s"], ["BITCOUNT", "s", "0", "0"], ["BITCOUNT", "s", "1", "1"], ["BITCOUNT", "s", "1", "-2"], ["BITCOUNT", "s", "-3", "-1"],
      ["BITCOUNT", "s", "-1", "-3"], ["BITCOUNT", "s", "-100", "100"], ["BITCOUNT", "s", "-100", "-50"], ["BITCOUNT", "s", "5", "1"], ["BITCOUNT", "s", "10", "20"],
      ["BITCOUNT", "s", "0", "-1", "BIT"], ["BITCOUNT", "s", "5", "30", "BIT"], ["BITCOUNT", "s", "5", "30", "bit"], ["BITCOUNT", "s", "5", "30", "byte"], ["BITCOUNT", "s", "1", "1", "BYTE"],
      ["BITCOUNT", "s", "-5", "-1", "BIT"], ["BITCOUNT", "s", "3", "3", "BIT"], ["BITCOUNT", "s", "1", "6", "BIT"], ["BITCOUNT", "s", "9", "14", "BIT"], ["BITCOUNT", "s", "47", "100", "BIT"],
      ["BITCOUNT", "s", "-100", "-60", "BIT"], ["BITCOUNT", "s", "9223372036854775807", "-9223372036854775808"], ["BITCOUNT", "s", "-9223372036854775808", "9223372036854775807", "BIT"],
      ["BITCOUNT", "s", "0", "0", "bit\x00x"], ["SET", "n", "123"], ["BITCOUNT", "n"], ["BITCOUNT", "n", "1", "1"], ["SET", "e", ""], ["BITCOUNT", "e"], ["BITCOUNT", "e", "0", "-1"],
      ["BITCOUNT", "e", "0", "-1", "BIT"], ["SET", BIN, "\x00\xff\r\n\x80"], ["BITCOUNT", BIN], ["BITCOUNT", BIN, "1", "-2"], ["BITCOUNT", BIN, "7", "33", "BIT"], ["BITCOUNT", "none"],
    ]);
  });

  test("errors, and what a missing key or a negative empty range answers first", async () => {
    await d.check([
      ["BITCOUNT", "none", "a", "b"], ["BITCOUNT", "none", "1"], ["BITCOUNT", "none", "1", "2", "foo"], ["SET", "s", "foobar"], ["BITCOUNT", "s", "1"], ["BITCOUNT", "s", "a", "1"],
      ["BITCOUNT", "s", "1", "a"], ["BITCOUNT", "s", "a", "b", "foo"], ["BITCOUNT", "s", "1", "5", "foo"], ["BITCOUNT", "s", "-1", "-5", "foo"], ["BITCOUNT", "s", "1", "2", "BIT", "x"],
      ["BITCOUNT", "s", "9223372036854775808", "1"], ["BITCOUNT", "s", "1", "2", "bits"], ["BITCOUNT", "s", "1", "2", ""], ["BITCOUNT"], ["RPUSH", "l", "a"], ["BITCOUNT", "l"],
      ["BITCOUNT", "l", "a"], ["BITCOUNT", "l", "0", "1", "foo"],
    ]);
  });
});

describe("BITPOS", () => {
  test("set and clear bits, with and without a range, bytes and bits", async () => {
    await d.check([
      ["SET", "p", "\xff\xf0\x00"], ["BITPOS", "p", "0"], ["BITPOS", "p", "1"], ["BITPOS", "p", "0", "1"], ["BITPOS", "p", "1", "2"], ["BITPOS", "p", "0", "0", "0"],
      ["BITPOS", "p", "0", "0", "-1"], ["BITPOS", "p", "1", "2", "-1"], ["BITPOS", "p", "0", "2", "-1", "BIT"], ["BITPOS", "p", "0", "7", "15", "BIT"], ["BITPOS", "p", "1", "7", "15", "bit"],
      ["BITPOS", "p", "1", "13", "15", "BIT"], ["BITPOS", "p", "0", "-1", "-1", "BIT"], ["BITPOS", "p", "1", "-100", "-200"], ["BITPOS", "p", "0", "5", "2"], ["BITPOS", "p", "0", "100"],
      ["BITPOS", "p", "1", "-1"], ["BITPOS", "p", "0", "-1"], ["BITPOS", "p", "1", "0", "0", "BYTE"], ["BITPOS", "p", "0", "3", "5", "BIT"], ["BITPOS", "p", "0", "9223372036854775807"],
      ["BITPOS", "p", "1", "-9223372036854775808", "9223372036854775807", "BIT"],
      ["SET", "f", "\xff\xff"], ["BITPOS", "f", "0"], ["BITPOS", "f", "0", "0"], ["BITPOS", "f", "0", "0", "-1"], ["BITPOS", "f", "0", "0", "-1", "BIT"], ["BITPOS", "f", "0", "1", "1", "byte"],
      ["BITPOS", "f", "1"], ["BITPOS", "f", "0", "2"], ["SET", "z", "\x00\x00\x00"], ["BITPOS", "z", "1"], ["BITPOS", "z", "0"], ["BITPOS", "z", "1", "0", "-1", "BIT"],
      ["SET", "e", ""], ["BITPOS", "e", "0"], ["BITPOS", "e", "1"], ["BITPOS", "e", "0", "0"], ["SET", "n", "0"], ["BITPOS", "n", "1"], ["BITPOS", "n", "0"],
      ["SET", BIN, "\x00\x00\x01\r\n"], ["BITPOS", BIN, "1"], ["BITPOS", BIN, "1", "3"], ["BITPOS", BIN, "0", "1", "2", "BIT"], ["BITPOS", "none", "0"], ["BITPOS", "none", "1"],
    ]);
  });

  test("errors in Redis's order", async () => {
    await d.check([
      ["BITPOS", "none", "1", "a"], ["BITPOS", "none", "0", "1", "2", "foo"], ["BITPOS", "none", "2"], ["BITPOS", "none", "x"], ["SET", "f", "\xff"], ["BITPOS", "f", "2"],
      ["BITPOS", "f", "-1"], ["BITPOS", "f", "x"], ["BITPOS", "f", "01"], ["BITPOS", "f", "1", "a"], ["BITPOS", "f", "1", "0", "a"], ["BITPOS", "f", "1", "0", "1", "foo"],
      ["BITPOS", "f", "1", "0", "a", "foo"], ["BITPOS", "f", "1", "a", "1", "foo"], ["BITPOS", "f", "1", "0", "1", "BIT", "x"], ["BITPOS", "f", "0", "1", "BYTE"],
      ["BITPOS", "f", "1", "0", "1", "bit\x00"], ["BITPOS", "f"], ["BITPOS"], ["RPUSH", "l", "a"], ["BITPOS", "l", "1"], ["BITPOS", "l", "2"], ["BITPOS", "l", "1", "x"],
    ]);
  });
});

describe("BITOP", () => {
  test("AND, OR, XOR, NOT: zero-padded, as long as the longest, stored raw without a TTL", async () => {
    await d.check([
      ["SET", "a", "foobar"], ["SET", "b", "abcdef"], ["SET", "c", "\x00\xff"], ["BITOP", "AND", "d", "a", "b"], ["GET", "d"], ["OBJECT", "ENCODING", "d"],
      ["BITOP", "or", "d", "a", "c"], ["GET", "d"], ["BITOP", "Xor", "d", "a", "b", "c"], ["GET", "d"], ["BITOP", "NOT", "d", "c"], ["GET", "d"], ["BITOP", "not", "d", "a"], ["GET", "d"],
      ["BITOP", "AND", "d", "a", "none"], ["GET", "d"], ["BITOP", "AND", "d", "c", "a"], ["GET", "d"], ["BITOP", "OR", "d", "none", "c"], ["GET", "d"], ["BITOP", "XOR", "d", "c", "c"], ["GET", "d"],
      ["BITOP", "OR", "d", "none"], ["EXISTS", "d"], ["BITOP", "AND", "x", "none", "none2"], ["EXISTS", "x"], ["SET", "e", ""], ["BITOP", "OR", "d", "e"], ["EXISTS", "d"],
      ["SET", "t", "x", "EX", "100"], ["BITOP", "OR", "t", "a"], ["TTL", "t"], ["BITOP", "XOR", "a", "a", "b"], ["GET", "a"], ["BITOP", "AND", "a", "a"], ["GET", "a"],
      ["SET", "n", "123"], ["BITOP", "NOT", "d", "n"], ["GET", "d"], ["BITOP", "OR", BIN, "c", "n"], ["GET", BIN], ["BITOP", "NOT", "", BIN], ["GET", ""], ["OBJECT", "ENCODING", ""],
      ["BITOP", "and\x00x", "d", "a"], ["GET", "d"],
    ]);
  });

  test("errors and WRONGTYPE", async () => {
    await d.check([
      ["SET", "a", "foo"], ["BITOP", "NOT", "d", "a", "b"], ["BITOP", "NOT", "d"], ["BITOP", "FOO", "d", "a"], ["BITOP", "AND", "d"], ["BITOP", "AN", "d", "a"], ["BITOP", "ANDx", "d", "a"],
      ["BITOP", "", "d", "a"], ["BITOP"], ["RPUSH", "l", "x"], ["BITOP", "OR", "d", "a", "l"], ["BITOP", "NOT", "d", "l"], ["BITOP", "FOO", "d", "l"], ["EXISTS", "d"],
      ["BITOP", "OR", "l", "a"], ["TYPE", "l"], ["GET", "l"], ["RPUSH", "m", "x"], ["BITOP", "AND", "m", "none"], ["EXISTS", "m"],
    ]);
  });
});

describe("BITFIELD and BITFIELD_RO", () => {
  test("GET, SET, INCRBY at byte and odd offsets, signed and unsigned, #N offsets", async () => {
    await d.check([
      ["BITFIELD", "k", "SET", "i8", "0", "100", "GET", "i8", "0", "INCRBY", "i8", "0", "100", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "100", "GET", "u8", "0"],
      ["GET", "k"], ["OBJECT", "ENCODING", "k"],
      ["BITFIELD", "k", "GET", "u4", "0", "GET", "u4", "4", "GET", "i4", "4", "GET", "u1", "7", "GET", "i1", "7", "GET", "u63", "0", "GET", "i64", "0", "GET", "u8", "100"],
      ["BITFIELD", "k", "SET", "u1", "#3", "1", "GET", "u8", "0"], ["BITFIELD", "k", "SET", "u8", "#1", "255", "GET", "u8", "#1", "GET", "i16", "#0", "GET", "u8", "#2"],
      ["BITFIELD", "g", "SET", "i37", "3", "-12345678901", "GET", "i37", "3", "GET", "u33", "3", "INCRBY", "i37", "3", "68719476735", "GET", "u63", "5", "GET", "i13", "#2"], ["GET", "g"],
      ["BITFIELD", "g", "SET", "u32", "9", "4294967295", "GET", "i32", "9", "INCRBY", "u32", "9", "1", "INCRBY", "i32", "9", "-2147483649", "GET", "u32", "9"],
      ["BITFIELD", "k", "get", "i8", "0", "set", "i8", "0", "1", "incrby", "i8", "0", "1", "overflow", "wrap", "Get", "u2", "6"],
      ["BITFIELD", "k", "GET\x00x", "i8\x00zz", "0", "OVERFLOW", "sat\x00", "INCRBY", "u2", "0", "9"], ["BITFIELD", "k", "GET", "u8", "#2305843009213693953"],
      ["BITFIELD", "none"], ["EXISTS", "none"], ["BITFIELD", "none", "GET", "i64", "0", "OVERFLOW", "FAIL"], ["EXISTS", "none"],
      ["BITFIELD", "new", "OVERFLOW", "FAIL", "SET", "u1", "0", "2"], ["EXISTS", "new"], ["GET", "new"], ["BITFIELD", "new2", "SET", "u8", "#2305843009213693953", "7"], ["STRLEN", "new2"],
      ["SET", "n", "5"], ["BITFIELD", "n", "OVERFLOW", "FAIL", "SET", "u8", "0", "300"], ["GET", "n"], ["OBJECT", "ENCODING", "n"], ["BITFIELD", "n", "GET", "u8", "0"],
      ["SET", "t", "x", "EX", "100"], ["BITFIELD", "t", "SET", "u8", "8", "1"], ttl(["TTL", "t"]), ["BITFIELD", BIN, "INCRBY", "u2", "100", "1"], ["GET", BIN],
    ]);
  });

  test("overflow at the edges of i64, u63, i8 and u1", async () => {
    const steps: string[][] = [
      ["BITFIELD", "a", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "-1", "INCRBY", "i64", "0", "-9223372036854775808",
        "INCRBY", "i64", "0", "-9223372036854775808", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "-1", "INCRBY", "i64", "0", "9223372036854775807", "SET", "i64", "0", "-9223372036854775808", "GET", "i64", "0"],
      ["BITFIELD", "a", "OVERFLOW", "WRAP", "SET", "i64", "3", "-1", "INCRBY", "i64", "3", "-9223372036854775808", "INCRBY", "i64", "3", "-1", "GET", "u63", "4"],
      ["BITFIELD", "b", "SET", "u63", "1", "9223372036854775807", "GET", "u63", "1", "INCRBY", "u63", "1", "1", "OVERFLOW", "SAT", "INCRBY", "u63", "1", "-1", "SET", "u63", "1", "-1",
        "INCRBY", "u63", "1", "9223372036854775807", "OVERFLOW", "WRAP", "SET", "u63", "1", "-1", "GET", "u63", "1", "INCRBY", "u63", "1", "9223372036854775807", "INCRBY", "u63", "1", "-9223372036854775808",
        "OVERFLOW", "FAIL", "INCRBY", "u63", "1", "-9223372036854775808", "SET", "u63", "1", "-9223372036854775808", "INCRBY", "u63", "1", "1"],
    ];
    for (const mode of ["WRAP", "SAT", "FAIL"]) {
      steps.push(
        ["BITFIELD", "c", "OVERFLOW", mode, "SET", "i8", "0", "127", "INCRBY", "i8", "0", "1", "SET", "i8", "0", "-128", "INCRBY", "i8", "0", "-1", "SET", "i8", "0", "128", "SET", "i8", "0", "-129",
          "SET", "i8", "0", "-9223372036854775808", "GET", "i8", "0", "SET", "i8", "0", "-9223372036854775681", "GET", "i8", "0", "SET", "i8", "0", "-9223372036854775680", "GET", "i8", "0",
          "SET", "i8", "0", "9223372036854775807", "GET", "i8", "0", "INCRBY", "i8", "0", "9223372036854775807", "INCRBY", "i8", "0", "-9223372036854775808"],
        ["BITFIELD", "u", "OVERFLOW", mode, "INCRBY", "u1", "5", "1", "INCRBY", "u1", "5", "1", "INCRBY", "u1", "5", "-1", "INCRBY", "u1", "5", "-1", "SET", "u1", "5", "2", "SET", "u1", "5", "-1",
          "GET", "u1", "5", "SET", "i1", "5", "1", "SET", "i1", "5", "-1", "INCRBY", "i1", "5", "-1", "GET", "i1", "5", "SET", "u8", "9", "-1", "GET", "u8", "9", "SET", "u8", "9", "256", "GET", "u8", "9",
          "INCRBY", "u8", "9", "-9223372036854775808", "INCRBY", "u8", "9", "9223372036854775807", "SET", "u8", "9", "-9223372036854775808", "GET", "u8", "9"],
        ["GET", "c"], ["GET", "u"],
      );
    }
    await d.check(steps);
  });

  test("argument errors, in Redis's order, before anything is read or written", async () => {
    const steps: string[][] = [];
    for (const type of TYPE_ERROR) steps.push(["BITFIELD", "k", "GET", type, "0"]);
    steps.push(
      ["BITFIELD", "k", "GET", "i8", "-1"], ["BITFIELD", "k", "GET", "i8", "#-1"], ["BITFIELD", "k", "GET", "i8", "#"], ["BITFIELD", "k", "GET", "i8", "#+1"], ["BITFIELD", "k", "GET", "u8", "#-0"],
      ["BITFIELD", "k", "GET", "i8", "# 1"], ["BITFIELD", "k", "GET", "i8", "##1"], ["BITFIELD", "k", "GET", "i8", "x"], ["BITFIELD", "k", "GET", "i8", "1.0"], ["BITFIELD", "k", "GET", "i8", LIMIT],
      ["BITFIELD", "k", "GET", "i8", String(16 * MB - 1)], ["BITFIELD", "k", "GET", "i8", "#2097151"], ["BITFIELD", "k", "GET", "i8", "#2097152"], ["BITFIELD", "k", "GET", "i64", "#9223372036854775807"],
      ["BITFIELD", "k", "GET", "i64", "#144115188075855872"], ["BITFIELD", "k", "GET", "i8", "#1152921504606846976"], ["BITFIELD", "k", "GET", "i8", "4294967296"],
      ["BITFIELD", "k", "OVERFLOW", "foo"], ["BITFIELD", "k", "OVERFLOW", "SATX"], ["BITFIELD", "k", "OVERFLOW"], ["BITFIELD", "k", "foo"], ["BITFIELD", "k", "GET", "i8"], ["BITFIELD", "k", "GET"],
      ["BITFIELD", "k", "SET", "i8", "0"], ["BITFIELD", "k", "INCRBY", "i8", "0"], ["BITFIELD", "k", "SET", "i8", "0", "x"], ["BITFIELD", "k", "SET", "i8", "0", "9223372036854775808"],
      ["BITFIELD", "k", "INCRBY", "i8", "0", "1.5"], ["BITFIELD", "k", "SET", "i8", "0", "1", "GET", "x8", "0"], ["BITFIELD", "k", "SET", "i8", "0", "1", "OVERFLOW", "x"],
      ["BITFIELD", "k", "SET", "i8", "0", "1", "GET", "i8", "0", "extra"], ["BITFIELD", "k", "SET", "x", "y", "z", "SET", "i8", "0", "1"], ["BITFIELD", "k", "SET", "i8", "x", "y"], ["EXISTS", "k"],
      ["BITFIELD"], ["BITFIELD_RO"],
    );
    await d.check(steps);
  });

  test("BITFIELD_RO reads, and refuses writes after checking every argument", async () => {
    await d.check([
      ["SET", "k", "\x12\x34\x56"], ["BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i12", "4", "get", "u4", "#5", "GET", "i64", "#1"], ["BITFIELD_RO", "k"], ["BITFIELD_RO", "none", "GET", "u8", "0"],
      ["BITFIELD_RO", "k", "OVERFLOW", "SAT"], ["BITFIELD_RO", "k", "OVERFLOW", "foo"], ["BITFIELD_RO", "k", "GET", "u8", "0", "SET", "i8", "0", "1"], ["BITFIELD_RO", "k", "SET", "i8", "0", "x"],
      ["BITFIELD_RO", "k", "INCRBY", "i8", "0", "1", "GET", "i9", "0"], ["BITFIELD_RO", "k", "INCRBY", "i8", "0", "1", "GET", "i65", "0"], ["BITFIELD_RO", "none", "SET", "i8", "0", "1"],
      ["EXISTS", "none"], ["GET", "k"], ["BITFIELD_RO", "k", "GET", "u8"], ["RPUSH", "l", "a"], ["BITFIELD_RO", "l", "GET", "u8", "0"], ["BITFIELD_RO", "l", "SET", "u8", "0", "1"], ["BITFIELD_RO", "l"],
      ["BITFIELD", "l"], ["BITFIELD", "l", "GET", "u8", "0"], ["BITFIELD", "l", "SET", "u8", "0", "1"], ["BITFIELD", "l", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1"], ["BITFIELD", "l", "GET", "u64", "0"],
    ]);
  });
});

describe("string commands on values the bit commands wrote", () => {
  test("GET, STRLEN, APPEND, SETRANGE, GETRANGE, OBJECT ENCODING, COPY, INCR", async () => {
    await d.check([
      ["SETBIT", "s", "10", "1"], ["GET", "s"], ["STRLEN", "s"], ["APPEND", "s", "xyz"], ["GET", "s"], ["OBJECT", "ENCODING", "s"], ["SETRANGE", "s", "1", "ab"], ["GET", "s"],
      ["SETRANGE", "s", "10", "q\x00\xff"], ["GET", "s"], ["GETRANGE", "s", "1", "3"], ["GETRANGE", "s", "-3", "-1"], ["GETRANGE", "s", "0", "-1"], ["GETRANGE", "s", "-100", "-50"],
      ["GETRANGE", "s", "5", "2"], ["SUBSTR", "s", "0", "2"], ["COPY", "s", "s2"], ["SETBIT", "s2", "0", "1"], ["GET", "s"], ["GET", "s2"], ["OBJECT", "ENCODING", "s2"],
      ["MGET", "s", "s2", "none"], ["LCS", "s", "s2"], ["INCR", "s"], ["GETSET", "s", "v"], ["OBJECT", "ENCODING", "s"], ["BITCOUNT", "s"],
      ["SET", "i", "10"], ["SETBIT", "i", "7", "0"], ["GET", "i"], ["INCR", "i"], ["SET", "i2", "10"], ["SETBIT", "i2", "7", "1"], ["INCR", "i2"], ["OBJECT", "ENCODING", "i2"],
      ["BITFIELD", "f", "SET", "u16", "0", "12851"], ["GET", "f"], ["INCRBY", "f", "5"], ["GET", "f"], ["APPEND", "f", "0"], ["INCR", "f"], ["GETDEL", "f"], ["EXISTS", "f"],
      ["BITOP", "OR", "o", "s2"], ["APPEND", "o", "!"], ["GETRANGE", "o", "-2", "-1"], ["STRLEN", "o"], ["INCRBYFLOAT", "o", "1"],
    ]);
    // A copy and its source never share bytes, whichever way the value became bytes.
    const copies: string[][] = [];
    for (const make of [["SETBIT", "x", "0", "1"], ["SETRANGE", "x", "1", "B"], ["APPEND", "x", "!"], ["BITFIELD", "x", "SET", "u8", "0", "65"], ["BITOP", "OR", "x", "x"]]) {
      copies.push(["SET", "x", "abc"], make, ["COPY", "x", "y", "REPLACE"], ["SETBIT", "y", "7", "1"], ["SETRANGE", "y", "1", "Z"], ["SETBIT", "x", "6", "1"], ["GET", "x"], ["GET", "y"]);
    }
    await d.check(copies);
  });

  test("APPEND and SETRANGE make the value raw as Redis does; the size limit still holds", async () => {
    await d.check([
      ["SET", "a", "1"], ["APPEND", "a", ""], ["OBJECT", "ENCODING", "a"], ["APPEND", "new", ""], ["EXISTS", "new"], ["OBJECT", "ENCODING", "new"], ["APPEND", "new2", "12"],
      ["OBJECT", "ENCODING", "new2"], ["APPEND", "new2", "3"], ["OBJECT", "ENCODING", "new2"], ["GET", "new2"], ["SET", "b", "x".repeat(50)], ["APPEND", "b", "y"], ["OBJECT", "ENCODING", "b"],
      ["SETRANGE", "nr", "3", "ab"], ["OBJECT", "ENCODING", "nr"], ["GET", "nr"], ["SET", "c", "abc"], ["SETRANGE", "c", "0", ""], ["OBJECT", "ENCODING", "c"], ["SETRANGE", "c", "1", "X"],
      ["OBJECT", "ENCODING", "c"], ["GET", "c"], ["SET", "d", "12"], ["SETRANGE", "d", "0", "3"], ["OBJECT", "ENCODING", "d"], ["INCR", "d"], ["OBJECT", "ENCODING", "d"],
      ["SETBIT", "big", String(16 * MB - 9), "1"], ["APPEND", "big", "x"], ["APPEND", "big", "xy"], ["STRLEN", "big"], ["SETRANGE", "big", String(2 * MB - 1), "z"], ["SETRANGE", "big", String(2 * MB - 1), "zz"],
      ["GETRANGE", "big", "-3", "-1"], ["SET", "t", "x", "EX", "100"], ["APPEND", "t", "y"], ["SETRANGE", "t", "5", "z"], ttl(["TTL", "t"]), ["GET", "t"],
      ["APPEND", BIN, "\x00"], ["APPEND", BIN, "\xff\r\n"], ["GET", BIN], ["SETRANGE", BIN, "1", "\r\n"], ["GET", BIN], ["STRLEN", BIN],
    ]);
  });
});

describe("keyspace notifications", () => {
  const SENTINEL = "__sentinel__";

  /** The messages `subscriber` received up to the sentinel. */
  async function drain(subscriber: RespConnection): Promise<string[]> {
    const messages: string[] = [];
    for (let message = await subscriber.read(); !message.includes(SENTINEL); message = await subscriber.read()) messages.push(message);
    return messages;
  }

  test("setbit, setrange, append, BITOP's set and del, BITFIELD's setbit only when something changed", async () => {
    if (d.skip) return;
    const commands: string[][] = [
      ["SETBIT", "a", "3", "1"], ["SETBIT", "a", "3", "1"], ["SETBIT", "a", "3", "0"], ["SETBIT", "a", "20", "0"], ["SETBIT", "a", "20", "0"], ["GETBIT", "a", "1"], ["GETBIT", "none", "1"],
      ["BITFIELD", "a", "GET", "u8", "0"], ["BITFIELD", "a", "SET", "u8", "0", "0"], ["BITFIELD", "a", "SET", "u8", "0", "1", "SET", "u8", "8", "1", "INCRBY", "u4", "0", "0"],
      ["BITFIELD", "b", "OVERFLOW", "FAIL", "SET", "u1", "0", "2"], ["BITFIELD", "c", "SET", "u1", "0", "0"], ["BITFIELD", "a", "OVERFLOW", "FAIL", "SET", "u8", "100", "999"],
      ["BITOP", "OR", "d", "a", "none"], ["BITOP", "AND", "d", "none"], ["BITOP", "AND", "d", "none"], ["SETRANGE", "a", "1", "x"], ["SETRANGE", "a", "1", ""], ["APPEND", "a", "y"],
      ["APPEND", "e", "z"], ["SETRANGE", "f", "2", "x"], ["BITCOUNT", "a"], ["BITPOS", "a", "1"],
    ];
    for (const flags of ["KEA", "AKEnm"]) {
      const subscribers = await d.connect(3);
      const commanders = await d.connect(2);
      const results: string[][] = [];
      for (const side of [0, 1]) {
        const [subscriber, commander] = [subscribers[side]!, commanders[side]!];
        await commander.call("FLUSHALL");
        await commander.call("CONFIG", "SET", "notify-keyspace-events", flags);
        await subscriber.call("PSUBSCRIBE", "__key*@*__:*");
        await subscriber.call("SUBSCRIBE", SENTINEL);
        const seen: string[] = [];
        for (const args of commands) {
          seen.push(`${JSON.stringify(args)} -> ${JSON.stringify(await commander.call(...args))}`);
          await commander.call("PUBLISH", SENTINEL, "step");
          seen.push(...(await drain(subscriber)).map((message) => JSON.stringify(message)));
        }
        await commander.call("CONFIG", "SET", "notify-keyspace-events", "");
        results.push(seen);
      }
      expect(results[1]).toEqual(results[0]!);
    }
  });
});

describe("random sequences against redis-server", () => {
  const key = fc.constantFrom("a", "b", "c", "\x00\xff");
  const small = fc.integer({ min: -12, max: 40 }).map(String);
  const offset = fc.oneof(fc.integer({ min: 0, max: 90 }).map(String), fc.constantFrom("-1", "x", "#3"));
  const type = fc.oneof(fc.tuple(fc.constantFrom("i", "u"), fc.integer({ min: 1, max: 64 })).map(([sign, bits]) => `${sign}${bits}`), fc.constantFrom("u64", "i0"));
  const fieldOffset = fc.oneof(fc.integer({ min: 0, max: 70 }).map(String), fc.integer({ min: 0, max: 6 }).map((n) => `#${n}`));
  const number = fc.oneof(fc.integer({ min: -300, max: 300 }).map(String), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map(String), fc.constantFrom("9223372036854775807", "-9223372036854775808"));
  const operation = fc.oneof(
    fc.tuple(type, fieldOffset).map(([t, o]) => ["GET", t, o]),
    fc.tuple(fc.constantFrom("SET", "INCRBY"), type, fieldOffset, number).map((op) => [...op]),
    fc.constantFrom("WRAP", "SAT", "FAIL").map((mode) => ["OVERFLOW", mode]),
  );
  const unit = fc.constantFrom<string[]>([], ["BIT"], ["BYTE"]);
  const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }).map((codes) => String.fromCharCode(...codes));
  const command: fc.Arbitrary<string[]> = fc.oneof(
    fc.tuple(key, offset, fc.constantFrom("0", "1")).map(([k, o, v]) => ["SETBIT", k, o, v]),
    fc.tuple(key, offset).map(([k, o]) => ["GETBIT", k, o]),
    key.map((k) => ["BITCOUNT", k]),
    fc.tuple(key, small, small, unit).map(([k, s, e, u]) => ["BITCOUNT", k, s, e, ...u]),
    fc.tuple(key, fc.constantFrom("0", "1"), fc.option(fc.tuple(small, fc.option(fc.tuple(small, unit))))).map(([k, bit, range]) => [
      "BITPOS", k, bit, ...(range ? [range[0], ...(range[1] ? [range[1][0], ...range[1][1]] : [])] : []),
    ]),
    fc.tuple(fc.constantFrom("AND", "OR", "XOR", "NOT"), key, fc.array(key, { minLength: 1, maxLength: 3 })).map(([op, dest, sources]) => ["BITOP", op, dest, ...(op === "NOT" ? sources.slice(0, 1) : sources)]),
    fc.tuple(fc.constantFrom("BITFIELD", "BITFIELD_RO"), key, fc.array(operation, { maxLength: 4 })).map(([name, k, ops]) => [name, k, ...ops.flat()]),
    fc.tuple(key, small, small).map(([k, s, e]) => ["GETRANGE", k, s, e]),
    fc.tuple(key, fc.integer({ min: 0, max: 12 }), bytes).map(([k, o, v]) => ["SETRANGE", k, String(o), v]),
    fc.tuple(key, bytes).map(([k, v]) => ["APPEND", k, v]),
    fc.tuple(key, bytes).map(([k, v]) => ["SET", k, v]),
    key.map((k) => ["GET", k]),
    key.map((k) => ["OBJECT", "ENCODING", k]),
  );

  test("bit and string commands on a few keys reply exactly as redis-server", async () => {
    if (d.skip) return;
    const pairs: Record<2 | 3, [RespConnection, RespConnection]> = { 2: await d.connect(2), 3: await d.connect(3) };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<2 | 3>(2, 3), fc.array(command, { minLength: 1, maxLength: 25 }), async (protocol, commands) => {
        const [redis, bunredis] = pairs[protocol];
        await Promise.all([redis.call("FLUSHALL"), bunredis.call("FLUSHALL")]);
        const expected: string[] = [];
        const actual: string[] = [];
        for (const args of commands) {
          const [fromRedis, fromBunredis] = await Promise.all([redis.call(...args), bunredis.call(...args)]);
          expected.push(`${JSON.stringify(args)} -> ${JSON.stringify(fromRedis)}`);
          actual.push(`${JSON.stringify(args)} -> ${JSON.stringify(fromBunredis)}`);
          if (fromRedis !== fromBunredis) break;
        }
        expect(actual).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

/** A bunredis server in this process, with direct access to the store. */
function inProcess() {
  const server = new Server(defaultConfig(), createConsola({ level: -999 }), { now: () => 1_700_000_000_000 }, createCommandTable(), () => {});
  const client = new Client(1, "test:1", "test:0", 0, 1_700_000_000_000, false);
  const reply = new ReplyWriter();
  const call = (...args: string[]) => {
    reply.reset();
    reply.protocol = client.protocol;
    server.execute(client, args, reply);
    return reply.bytes().latin1Slice(0, reply.length);
  };
  return { server, db: server.db(0), call };
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

describe("in place, seen in the store", () => {
  test("SETBIT at a 64 MB offset, then many more: the same ByteString, grown amortised", () => {
    const { db, call } = server();
    const top = 2 ** 29;
    expect(call("SETBIT", "k", String(top), "1")).toBe(":0\r\n");
    const value = db.peek("k");
    expect(value).toBeInstanceOf(ByteString);
    const bytes = (value as ByteString).bytes;
    for (let i = 0; i < 10_000; i++) call("SETBIT", "k", String((i * 7919 * 8 + i) % top), "1");
    expect(db.peek("k")).toBe(value!);
    expect((value as ByteString).bytes).toBe(bytes);
    // Growing bit by bit past the end reallocates only now and then.
    const buffers = new Set<Uint8Array>();
    for (let i = 1; i <= 10_000; i++) {
      call("SETBIT", "k", String(top + i * 8), "1");
      buffers.add((value as ByteString).bytes);
    }
    expect(db.peek("k")).toBe(value!);
    expect(buffers.size).toBeLessThanOrEqual(2);
    expect(call("STRLEN", "k")).toBe(`:${top / 8 + 10_001}\r\n`);
    expect(call("BITPOS", "k", "1", String(top / 8))).toBe(`:${top}\r\n`);
    expect(call("GETBIT", "k", String(top + 80_000))).toBe(":1\r\n");
    // SETRANGE, APPEND and BITFIELD write into the same bytes too.
    call("SETRANGE", "k", "5", "abc");
    call("APPEND", "k", "tail");
    call("BITFIELD", "k", "SET", "u8", "0", "255", "INCRBY", "i64", "#3", "5");
    expect(db.peek("k")).toBe(value!);
    expect(call("GETRANGE", "k", "-4", "-1")).toBe("$4\r\ntail\r\n");
  });

  test("a plain string is converted once, keeping its TTL; a read converts nothing", () => {
    const { db, call } = server();
    call("SET", "k", "hello", "PX", "100000");
    call("GETBIT", "k", "3");
    call("BITCOUNT", "k", "0", "-1", "BIT");
    call("BITFIELD", "k", "GET", "u8", "0");
    expect(typeof db.peek("k")).toBe("string");
    call("SETBIT", "k", "0", "0");
    const value = db.peek("k");
    expect(value).toBeInstanceOf(ByteString);
    expect(db.getExpire("k")).toBe(1_700_000_100_000);
    call("SETBIT", "k", "1", "0");
    call("SETRANGE", "k", "0", "J");
    expect(db.peek("k")).toBe(value!);
    expect(call("GET", "k")).toBe("$5\r\nJello\r\n");
  });

  test("the change count: unchanged bits count nothing, BITFIELD counts each changed field", () => {
    const { server: bunredis, call } = server();
    const dirty = () => bunredis.dirty;
    let before = dirty();
    call("SETBIT", "k", "9", "1");
    expect(dirty() - before).toBe(1);
    before = dirty();
    call("SETBIT", "k", "9", "1");
    call("BITFIELD", "k", "SET", "u8", "0", "0", "GET", "u8", "8");
    expect(dirty()).toBe(before);
    call("BITFIELD", "k", "SET", "u4", "0", "1", "SET", "u4", "4", "1", "INCRBY", "u8", "8", "0", "OVERFLOW", "FAIL", "INCRBY", "u8", "8", "255");
    expect(dirty() - before).toBe(2);
  });
});
