/**
 * Stream commands against redis-server, byte for byte, in RESP2 and RESP3: every command, option
 * and error of XADD, XTRIM, XDEL, XSETID, XRANGE, XREVRANGE, XLEN, XREAD (without blocking),
 * XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM and XINFO. Ids are explicit, so both
 * servers hold the same stream; replies that carry times (idle, delivery and seen times) or
 * generated ids go through a normaliser.
 */
import { describe, expect, test } from "bun:test";
import { useDifferential, type Step } from "../../helpers/differential.ts";

const d = useDifferential();

/** Bytes that must survive as they are: NUL, 0xff, CR LF. */
const BINARY = "\x00\xff\r\n";
const U64 = "18446744073709551615";
const OVER = "18446744073709551616";
const MAX = "9223372036854775807";

/** Replaces integers that are times (ms since the epoch, or idle ms) with `T`. */
function times(reply: string): string {
  return reply.replace(/:1\d{12}\r\n/g, ":T\r\n").replace(/(idle\r\n)(:\d+)/g, "$1:T").replace(/(\r\n\$4\r\nidle\r\n):\d+/g, "$1:T");
}

/** A step whose reply holds times. */
function timed(...args: string[]): Step {
  return { args, normalize: times };
}

/** XPENDING's extended form: the idle times (third field of each entry) become `T`. */
function pendingIdle(reply: string): string {
  return reply.replace(/(\*4\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n[^\r]*\r\n):\d+/g, "$1:T");
}

/** A generated id (`*`) becomes `ID`. */
function generatedId(reply: string): string {
  return reply.replace(/\d{13}-\d+/g, "ID").replace(/\$\d+\r\nID/g, "$ID");
}

describe("XADD, XLEN, XRANGE, XREVRANGE", () => {
  test("explicit ids, incomplete ids, ms-*, binary fields and values, the same fields compressed", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "v"],
      ["XADD", "s", "1-2", "f", "v2", "g", "w"],
      ["XADD", "s", "2", "a", "1"],
      ["XADD", "s", "2-*", "a", "2"],
      ["XADD", "s", "3-*", "a", "3"],
      ["XADD", "s", "3-*", BINARY, BINARY],
      ["XADD", "s", "5-0", "", ""],
      ["XLEN", "s"],
      ["XRANGE", "s", "-", "+"],
      ["XREVRANGE", "s", "+", "-"],
      ["XRANGE", "s", "1", "2"],
      ["XRANGE", "s", "(1-1", "(3-1"],
      ["XREVRANGE", "s", "(3-1", "(1-1"],
      ["XRANGE", "s", "2", "2"],
      ["XRANGE", "s", "-", "+", "COUNT", "2"],
      ["XRANGE", "s", "-", "+", "count", "0"],
      ["XRANGE", "s", "-", "+", "COUNT", "-5"],
      ["XRANGE", "s", "-", "+", "COUNT", "1", "COUNT", "3"],
      ["XREVRANGE", "s", "+", "-", "COUNT", "3"],
      ["XRANGE", "s", "4", "3"],
      ["XRANGE", "missing", "-", "+"],
      ["XREVRANGE", "missing", "+", "-", "COUNT", "0"],
      ["XLEN", "missing"],
      ["TYPE", "s"],
      ["OBJECT", "ENCODING", "s"],
      ["EXISTS", "s"],
    ]);
  });

  test("XADD errors and edge ids: 0-0, smaller ids, the largest id, exhausted streams, arity", async () => {
    await d.check([
      ["XADD", "s", "0-0", "f", "v"],
      ["XADD", "s", "0", "f", "v"],
      ["EXISTS", "s"],
      ["XADD", "s", "0-*", "f", "v"],
      ["XADD", "s", "0-*", "f", "v"],
      ["XADD", "s", "0-1", "f", "v"],
      ["XADD", "s", "5-5", "f", "v"],
      ["XADD", "s", "5-5", "f", "v"],
      ["XADD", "s", "5-4", "f", "v"],
      ["XADD", "s", "4-*", "f", "v"],
      ["XADD", "s", "5", "f", "v"],
      ["XADD", "s", `5-${U64}`, "f", "v"],
      ["XADD", "s", "5-*", "f", "v"],
      ["XADD", "s", `${U64}-*`, "f", "v"],
      ["XADD", "s", `${U64}-*`, "f", "v"],
      ["XADD", "s", `${U64}-${U64}`, "f", "v"],
      ["XADD", "s", "*", "f", "v"],
      ["XADD", "s", `${U64}-${U64}`, "f", "v"],
      ["XRANGE", "s", "-", "+"],
      ["XRANGE", "s", `${U64}`, "+"],
      ["XREVRANGE", "s", "+", `(${U64}-0`],
      ["XADD", "t", `${OVER}-1`, "f", "v"],
      ["XADD", "t", `1-${OVER}`, "f", "v"],
      ["XADD", "t", "-1", "f", "v"],
      ["XADD", "t", "1--1", "f", "v"],
      ["XADD", "t", "1--05", "f", "v"],
      ["XADD", "u", "+5-+7", "f", "v"],
      ["XADD", "u", " 6- 3", "f", "v"],
      ["XADD", "u", "007-0009", "f", "v"],
      ["XADD", "u", "8-", "f", "v"],
      ["XADD", "u", "-", "f", "v"],
      ["XADD", "u", "+", "f", "v"],
      ["XADD", "u", "9-*-1", "f", "v"],
      ["XADD", "u", "9-1x", "f", "v"],
      ["XADD", "u", "x", "f", "v"],
      ["XADD", "u", "10\x00junk", "f", "v"],
      ["XADD", "u", "x".repeat(200), "f", "v"],
      ["XRANGE", "t", "-", "+"],
      ["XRANGE", "u", "-", "+"],
      ["XADD", "s", "*", "f"],
      ["XADD", "s", "*", "f", "v", "g"],
      ["XADD", "s", "*"],
      ["XADD", "s"],
      ["XADD", "s", "MAXLEN", "5"],
      ["XADD", "s", "MAXLEN"],
      ["SET", "str", "x"],
      ["XADD", "str", "*", "f", "v"],
      ["XADD", "str", "1-1", "f", "v"],
      ["XLEN", "str"],
      ["XRANGE", "str", "-", "+"],
      ["XREVRANGE", "str", "+", "-"],
    ]);
  });

  test("XADD * generates increasing ids; NOMKSTREAM", async () => {
    await d.check([
      { args: ["XADD", "s", "*", "f", "v"], normalize: generatedId },
      { args: ["XADD", "s", "*", "f", "v"], normalize: generatedId },
      ["XLEN", "s"],
      ["XADD", "n", "NOMKSTREAM", "*", "f", "v"],
      ["XADD", "n", "nomkstream", "1-1", "f", "v"],
      ["EXISTS", "n"],
      ["XADD", "s", "NOMKSTREAM", "1-1", "f", "v"],
      ["XADD", "s2", "1-1", "f", "v"],
      ["XADD", "s2", "NOMKSTREAM", "2-1", "f", "v"],
      ["XADD", "s2", "NOMKSTREAM", "MAXLEN", "1", "3-1", "f", "v"],
      ["XRANGE", "s2", "-", "+"],
      ["XADD", "s2", "NOMKSTREAM", "NOMKSTREAM", "4-1", "f", "v"],
    ]);
  });

  test("XRANGE and XREVRANGE errors: bounds, exclusive bounds at the edges, COUNT", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "v"],
      ["XRANGE", "s", "x", "+"],
      ["XRANGE", "s", "-", "x"],
      ["XRANGE", "s", "(-", "+"],
      ["XRANGE", "s", "-", "(+"],
      ["XRANGE", "s", "(", "+"],
      ["XRANGE", "s", "((1", "+"],
      ["XRANGE", "s", "(0-0", "+"],
      ["XRANGE", "s", `(${U64}-${U64}`, "+"],
      ["XRANGE", "s", "-", "(0-0"],
      ["XRANGE", "s", "-", "(0"],
      ["XRANGE", "s", "-", "(1"],
      ["XRANGE", "s", "-", `(${U64}-${U64}`],
      ["XREVRANGE", "s", "(0", "-"],
      ["XREVRANGE", "s", "+", `(${U64}-${U64}`],
      ["XRANGE", "s", "-", "+", "COUNT"],
      ["XRANGE", "s", "-", "+", "COUNT", "x"],
      ["XRANGE", "s", "-", "+", "COUNT", OVER],
      ["XRANGE", "s", "-", "+", "COUNT", MAX],
      ["XRANGE", "s", "-", "+", "LIMIT", "1"],
      ["XRANGE", "s", "x", "+", "COUNT", "x"],
      ["XRANGE", "missing", "x", "+"],
      ["XRANGE", "missing", "-", "+", "COUNT", "x"],
      ["XRANGE", "s", "-"],
      ["XREVRANGE", "s"],
      ["XLEN"],
      ["XLEN", "s", "t"],
    ]);
  });
});

describe("trimming: XADD MAXLEN|MINID, XTRIM", () => {
  /** Adds ids 1-1 .. n-1. */
  function fill(key: string, n: number, from = 1): string[][] {
    const steps: string[][] = [];
    for (let i = from; i < from + n; i++) steps.push(["XADD", key, `${i}-1`, "f", String(i)]);
    return steps;
  }

  test("exact trims: MAXLEN and MINID, with = and without, on XADD and XTRIM", async () => {
    await d.check([
      ...fill("s", 10),
      ["XTRIM", "s", "MAXLEN", "8"],
      ["XTRIM", "s", "MAXLEN", "=", "6"],
      ["XRANGE", "s", "-", "+"],
      ["XTRIM", "s", "MINID", "7"],
      ["XTRIM", "s", "MINID", "=", "8-1"],
      ["XTRIM", "s", "MINID", "8-1"],
      ["XRANGE", "s", "-", "+"],
      ["XADD", "s", "MAXLEN", "2", "11-1", "f", "v"],
      ["XADD", "s", "MINID", "11", "12-1", "f", "v"],
      ["XADD", "s", "maxlen", "=", "0", "13-1", "f", "v"],
      ["XLEN", "s"],
      ["EXISTS", "s"],
      ["XINFO", "STREAM", "s"],
      ["XTRIM", "s", "MAXLEN", "0"],
      ["XTRIM", "missing", "MAXLEN", "0"],
      ["XTRIM", "s", "MINID", U64],
      ["XINFO", "STREAM", "s"],
    ]);
  });

  test("approximate trims remove whole nodes only (default node size of 100 entries)", async () => {
    await d.check([
      ...fill("s", 350),
      ["XTRIM", "s", "MAXLEN", "~", "300"],
      ["XLEN", "s"],
      ["XTRIM", "s", "MAXLEN", "~", "120"],
      ["XLEN", "s"],
      ["XINFO", "STREAM", "s"],
      ["XTRIM", "s", "MINID", "~", "260"],
      ["XLEN", "s"],
      ["XTRIM", "s", "MINID", "~", "320"],
      ["XLEN", "s"],
      ["XRANGE", "s", "-", "+", "COUNT", "1"],
      ...fill("s", 300, 400),
      ["XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "150"],
      ["XLEN", "s"],
      ["XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "0"],
      ["XLEN", "s"],
      ["XINFO", "STREAM", "s"],
      ...fill("t", 250),
      ["XADD", "t", "MAXLEN", "~", "100", "1000-1", "f", "v"],
      ["XLEN", "t"],
      ["XADD", "t", "MINID", "~", "300", "LIMIT", "50", "1001-1", "f", "v"],
      ["XLEN", "t"],
      ["XADD", "t", "MINID", "~", "300", "LIMIT", "100", "1002-1", "f", "v"],
      ["XLEN", "t"],
    ]);
  });

  test("node limits follow stream-node-max-entries and stream-node-max-bytes (listpack sizes)", async () => {
    const steps: Step[] = [["CONFIG", "SET", "stream-node-max-entries", "7"]];
    for (let i = 1; i <= 40; i++) steps.push(["XADD", "s", `${i}-1`, "f", String(i * 997)]);
    steps.push(["XINFO", "STREAM", "s"], ["XTRIM", "s", "MAXLEN", "~", "20"], ["XLEN", "s"]);
    steps.push(["CONFIG", "SET", "stream-node-max-entries", "0"], ["CONFIG", "SET", "stream-node-max-bytes", "300"]);
    const values = ["a", "1", "-1", "127", "128", "-4096", "4095", "70000", "-8388609", "2147483648", "x".repeat(70), "x".repeat(5000), "9223372036854775807", "007", ""];
    for (let i = 0; i < 60; i++) {
      const value = values[i % values.length]!;
      steps.push(i % 3 === 0 ? ["XADD", "b", `${i + 1}-${i * 1000}`, "f", value] : ["XADD", "b", `${i + 1}-${i}`, "f", value, `g${i % 2}`, value]);
    }
    steps.push(["XINFO", "STREAM", "b"], ["XTRIM", "b", "MAXLEN", "~", "30"], ["XLEN", "b"], ["XINFO", "STREAM", "b"]);
    steps.push(["CONFIG", "SET", "stream-node-max-bytes", "0"], ["CONFIG", "SET", "stream-node-max-entries", "3"]);
    for (let i = 1; i <= 20; i++) steps.push(["XADD", "c", `${i * 1000}-${i}`, "f", "v"]);
    steps.push(["XDEL", "c", "1000-1", "2000-2", "3000-3", "5000-5"], ["XINFO", "STREAM", "c"], ["XTRIM", "c", "MINID", "~", "9000"], ["XINFO", "STREAM", "c"]);
    steps.push(["CONFIG", "SET", "stream-node-max-bytes", "4096"], ["CONFIG", "SET", "stream-node-max-entries", "100"]);
    await d.check(steps);
  });

  test("trimming errors in Redis's order", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "v"],
      ["XADD", "s", "MAXLEN", "-1", "*", "f", "v"],
      ["XADD", "s", "MAXLEN", "x", "*", "f", "v"],
      ["XADD", "s", "MAXLEN", "~", "x", "*", "f", "v"],
      ["XADD", "s", "MAXLEN", "1", "MINID", "1", "*", "f", "v"],
      ["XADD", "s", "MINID", "1", "MAXLEN", "1", "*", "f", "v"],
      ["XADD", "s", "MINID", "x", "*", "f", "v"],
      ["XADD", "s", "MINID", "-", "*", "f", "v"],
      ["XADD", "s", "LIMIT", "10", "*", "f", "v"],
      ["XADD", "s", "LIMIT", "0", "2-1", "f", "v"],
      ["XADD", "s", "LIMIT", "-1", "*", "f", "v"],
      ["XADD", "s", "LIMIT", "x", "*", "f", "v"],
      ["XADD", "s", "MAXLEN", "1", "LIMIT", "10", "*", "f", "v"],
      ["XADD", "s", "MAXLEN", "=", "1", "LIMIT", "10", "*", "f", "v"],
      ["XADD", "s", "MAXLEN", "~", "1", "LIMIT", "10", "3-1", "f", "v"],
      ["XADD", "s", "MAXLEN", "~", "*", "f", "v"],
      ["XADD", "s", "MAXLEN", "=", "*", "f", "v"],
      ["XADD", "s", "MAXLEN", "~", "~", "1", "*", "f", "v"],
      ["XTRIM", "s"],
      ["XTRIM", "s", "MAXLEN"],
      ["XTRIM", "s", "LIMIT", "1"],
      ["XTRIM", "s", "LIMIT", "0", "MAXLEN", "5"],
      ["XTRIM", "s", "MAXLEN", "5", "LIMIT", "1"],
      ["XTRIM", "s", "MAXLEN", "~", "5", "LIMIT", "1"],
      ["XTRIM", "s", "MAXLEN", "5", "x"],
      ["XTRIM", "s", "NOMKSTREAM", "MAXLEN", "5"],
      ["XTRIM", "s", "MAXLEN", "5", "MINID", "1"],
      ["XTRIM", "s", "MAXLEN", "-5"],
      ["XTRIM", "s", "MINID", "+"],
      ["XTRIM", "s", "MINID", "~", "(5"],
      ["XTRIM", "missing", "MAXLEN", "x"],
      ["SET", "str", "x"],
      ["XTRIM", "str", "MAXLEN", "1"],
      ["XTRIM", "str", "MAXLEN", "x"],
    ]);
  });
});

describe("XDEL, XSETID and the 7.0 metadata", () => {
  test("XDEL: tombstones, first and max deleted ids, whole nodes freed, all or nothing", async () => {
    await d.check([
      ["XADD", "s", "1-1", "a", "1"],
      ["XADD", "s", "2-1", "a", "2"],
      ["XADD", "s", "3-1", "a", "3"],
      ["XADD", "s", "4-1", "a", "4"],
      ["XDEL", "s", "2-1"],
      ["XINFO", "STREAM", "s"],
      ["XDEL", "s", "1-1", "1-1", "9-9"],
      ["XINFO", "STREAM", "s"],
      ["XDEL", "s", "2-1"],
      ["XDEL", "s", "3-1", "x"],
      ["XDEL", "s", "3", "+"],
      ["XDEL", "s", "-"],
      ["XDEL", "s", "3"],
      ["XRANGE", "s", "-", "+"],
      ["XDEL", "s", "4-1"],
      ["EXISTS", "s"],
      ["XLEN", "s"],
      ["XINFO", "STREAM", "s"],
      ["XADD", "s", "4-1", "a", "4"],
      ["XADD", "s", "5-1", "a", "5"],
      ["XINFO", "STREAM", "s"],
      ["XDEL", "missing", "1-1"],
      ["XDEL", "missing", "x"],
      ["XDEL", "s"],
      ["SET", "str", "x"],
      ["XDEL", "str", "1-1"],
    ]);
  });

  test("XSETID: last id, ENTRIESADDED, MAXDELETEDID, and its errors", async () => {
    await d.check([
      ["XSETID", "missing", "1-1"],
      ["XADD", "s", "5-1", "a", "1"],
      ["XADD", "s", "6-1", "a", "2"],
      ["XSETID", "s", "5-1"],
      ["XSETID", "s", "6-1"],
      ["XSETID", "s", "10"],
      ["XINFO", "STREAM", "s"],
      ["XADD", "s", "9-1", "a", "3"],
      ["XADD", "s", "10-*", "a", "3"],
      ["XSETID", "s", "20-1", "ENTRIESADDED", "2"],
      ["XSETID", "s", "20-1", "ENTRIESADDED", "-1"],
      ["XSETID", "s", "20-1", "ENTRIESADDED", "x"],
      ["XSETID", "s", "20-1", "ENTRIESADDED", "100", "MAXDELETEDID", "15-3"],
      ["XINFO", "STREAM", "s"],
      ["XSETID", "s", "20-1", "MAXDELETEDID", "21-0"],
      ["XSETID", "s", "20-1", "MAXDELETEDID", "x"],
      ["XSETID", "s", "20-1", "MAXDELETEDID", "0-0"],
      ["XSETID", "s", "20-1", "MAXDELETEDID"],
      ["XSETID", "s", "20-1", "FOO", "1"],
      ["XSETID", "s", "-"],
      ["XSETID", "s", "x"],
      ["XSETID", "s", `${U64}-${U64}`],
      ["XADD", "s", "*", "f", "v"],
      ["XINFO", "STREAM", "s"],
      ["XADD", "e", "1-1", "f", "v"],
      ["XDEL", "e", "1-1"],
      ["XSETID", "e", "0-5"],
      ["XSETID", "e", "0-0", "ENTRIESADDED", "0"],
      ["XINFO", "STREAM", "e"],
      ["SET", "str", "x"],
      ["XSETID", "str", "1-1"],
      ["XSETID", "s"],
    ]);
  });
});

describe("XSETID below deleted entries, 64-bit counters, MEMORY USAGE", () => {
  test("after XSETID lowered the last id below a tombstone, lookups find later entries as Redis's iterator does", async () => {
    await d.check([
      // A live 1-5 after a deleted 1-5 in the same node: XDEL, XRANGE, XREVRANGE and XCLAIM see the live one.
      ["XADD", "l", "1-1", "f", "v"], ["XADD", "l", "1-5", "f", "v"], ["XDEL", "l", "1-5"], ["XSETID", "l", "1-1"], ["XADD", "l", "1-5", "f", "w"],
      ["XRANGE", "l", "1-5", "1-5"], ["XREVRANGE", "l", "+", "1-2"], ["XGROUP", "CREATE", "l", "g", "0"],
      timed("XREADGROUP", "GROUP", "g", "c", "STREAMS", "l", ">"), ["XCLAIM", "l", "g", "d", "0", "1-5", "JUSTID"],
      timed("XREADGROUP", "GROUP", "g", "d", "STREAMS", "l", "0"), ["XDEL", "l", "1-5"], ["XDEL", "l", "1-5"], ["XRANGE", "l", "-", "+"],
      ["XCLAIM", "l", "g", "d", "0", "1-5", "JUSTID"], timed("XINFO", "STREAM", "l", "FULL"),
      // Entries below a tombstone in the middle of a node: ranges that start or end among them.
      ["XADD", "q", "1-1", "f", "v"], ["XADD", "q", "1-9", "f", "v"], ["XDEL", "q", "1-9"], ["XSETID", "q", "1-1", "MAXDELETEDID", "0-0"],
      ["XADD", "q", "1-2", "f", "a"], ["XADD", "q", "1-3", "f", "b"], ["XADD", "q", "1-4", "f", "c"], ["XADD", "q", "1-9", "f", "d"],
      ["XRANGE", "q", "1-2", "+"], ["XRANGE", "q", "1-3", "1-3"], ["XRANGE", "q", "(1-2", "1-4"], ["XRANGE", "q", "1-9", "1-9"],
      ["XREVRANGE", "q", "1-9", "1-3"], ["XREVRANGE", "q", "1-4", "-", "COUNT", "2"], ["XREVRANGE", "q", "1-8", "1-2"],
      ["XREAD", "STREAMS", "q", "1-2"], ["XREAD", "COUNT", "1", "STREAMS", "q", "1-3"], ["XDEL", "q", "1-3", "1-9", "1-9"],
      ["XRANGE", "q", "-", "+"], ["XTRIM", "q", "MINID", "1-4"], ["XINFO", "STREAM", "q", "FULL"],
      // Entries below their node's key (the tail held only tombstones): found from the node before, or from the first node.
      ["XADD", "p", "0-1", "f", "v"], ["XADD", "p", "1-1", "f", "v"], ["XADD", "p", "1-5", "f", "v"], ["XDEL", "p", "1-5", "1-1"],
      ["XSETID", "p", "0-5", "MAXDELETEDID", "0-0"], ["XADD", "p", "0-6", "f", "a"], ["XADD", "p", "0-7", "f", "b"],
      ["XRANGE", "p", "-", "+"], ["XRANGE", "p", "0-7", "0-7"], ["XREVRANGE", "p", "0-9", "-"], ["XREVRANGE", "p", "0-6", "0-6"], ["XREVRANGE", "p", "0-0", "-"],
      ["XDEL", "p", "0-6"], ["XRANGE", "p", "-", "+"], ["XINFO", "STREAM", "p", "FULL"],
      ["XADD", "o", "1-1", "f", "v"], ["XADD", "o", "1-5", "f", "v"], ["XDEL", "o", "1-5", "1-1"],
      ["XTRIM", "o", "MINID", "2"], ["XADD", "n", "1-1", "f", "v"], ["XADD", "n", "1-2", "f", "v"], ["XTRIM", "n", "MINID", "1-2"],
      ["XSETID", "n", "0-5", "MAXDELETEDID", "0-0"], ["XADD", "n", "0-6", "f", "a"], ["XADD", "n", "0-7", "f", "b"],
      ["XRANGE", "n", "0-7", "+"], ["XREVRANGE", "n", "0-6", "-"], ["XREVRANGE", "n", "+", "-"], ["XDEL", "n", "0-7", "0-6"], ["XINFO", "STREAM", "n", "FULL"],
    ]);
  });

  test("XSETID below the key of a node of tombstones: new nodes are filed before it, which stays the tail; a node of the same key is replaced", async () => {
    await d.check([
      ["CONFIG", "SET", "stream-node-max-entries", "2"],
      ["XADD", "r", "1-1", "f", "v"], ["XADD", "r", "1-5", "f", "v"], ["XDEL", "r", "1-5"], ["XSETID", "r", "1-1", "MAXDELETEDID", "0-0"],
      ["XTRIM", "r", "MINID", "1-2"], ["XSETID", "r", "0-5", "MAXDELETEDID", "0-0"],
      ["XADD", "r", "0-6", "f", "v"], ["XADD", "r", "0-7", "f", "v"], ["XADD", "r", "0-8", "f", "v"], ["XINFO", "STREAM", "r", "FULL"],
      ["XREVRANGE", "r", "+", "-"], ["XDEL", "r", "0-7"], ["XINFO", "STREAM", "r"], ["XTRIM", "r", "MAXLEN", "~", "1"], ["XINFO", "STREAM", "r", "FULL"],
      // The new entry's id is the old node's key: Redis's radix tree replaces that node, and its entries are gone (XLEN still counts them).
      ["XADD", "r", "1-1", "f", "w"], ["XLEN", "r"], ["XRANGE", "r", "-", "+"], ["XINFO", "STREAM", "r", "FULL"], ["DUMP", "r"],
      ["CONFIG", "SET", "stream-node-max-entries", "4"],
      ["XADD", "o", "1-1", "f", "v"], ["XADD", "o", "1-5", "f", "v"], ["XDEL", "o", "1-5"], ["XTRIM", "o", "MINID", "1-2"], ["XSETID", "o", "0-5", "MAXDELETEDID", "0-0"],
      ["XADD", "o", "0-6", "f", "a"], ["XADD", "o", "0-7", "f", "b"], ["XINFO", "STREAM", "o", "FULL"], ["DUMP", "o"],
      ["XADD", "o", "1-1", "f", "c"], ["XLEN", "o"], ["XRANGE", "o", "-", "+"], ["XINFO", "STREAM", "o", "FULL"], ["DUMP", "o"],
      ["CONFIG", "SET", "stream-node-max-entries", "100"],
    ]);
  });

  test("ENTRIESADDED and ENTRIESREAD stay exact above 2^53; the counters wrap as Redis's 64-bit ones do", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "v"], ["XSETID", "s", "5-5", "ENTRIESADDED", "9007199254740993"], ["XINFO", "STREAM", "s"],
      ["XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "9007199254740995"], ["XGROUP", "CREATE", "s", "h", "0", "ENTRIESREAD", MAX],
      ["XGROUP", "CREATE", "s", "i", "1-1", "ENTRIESREAD", "9223372036854775806"], ["XINFO", "GROUPS", "s"],
      ["XADD", "s", "6-1", "f", "v"], timed("XREADGROUP", "GROUP", "h", "c", "STREAMS", "s", ">"), timed("XREADGROUP", "GROUP", "i", "c", "STREAMS", "s", ">"),
      ["XINFO", "GROUPS", "s"], ["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "9007199254740997"], ["XINFO", "GROUPS", "s"],
      ["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "-2"], ["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "-1"],
      ["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "9223372036854775808"], ["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "-9223372036854775808"],
      ["XSETID", "s", "6-1", "ENTRIESADDED", MAX], ["XADD", "s", "7-1", "f", "v"], ["XINFO", "STREAM", "s"], ["XINFO", "GROUPS", "s"],
      ["XADD", "s", "8-1", "f", "v"], timed("XINFO", "STREAM", "s", "FULL"), ["XGROUP", "CREATE", "s", "j", "$"], ["XINFO", "GROUPS", "s"],
      ["XSETID", "s", "8-1", "ENTRIESADDED", "9223372036854775808"], ["XSETID", "s", "8-1", "ENTRIESADDED", "-9223372036854775808"],
      ["XSETID", "s", "8-1", "ENTRIESADDED", "18014398509481985"], ["XINFO", "STREAM", "s"], ["XDEL", "s", "7-1"], ["XINFO", "GROUPS", "s"],
      ["XADD", "e", "1-1", "f", "v"], ["XDEL", "e", "1-1"], ["XSETID", "e", "2-2", "ENTRIESADDED", "18014398509481987"],
      ["XGROUP", "CREATE", "e", "g", "0"], ["XGROUP", "CREATE", "e", "g2", "1-1"], ["XGROUP", "CREATE", "e", "g3", "2-2"], ["XINFO", "GROUPS", "e"],
      ["XADD", "e", "3-0", "f", "v"], ["XINFO", "GROUPS", "e"], ["DUMP", "e"],
    ]);
  });

  test("MEMORY USAGE is Redis's figure: preallocated and closed nodes, deletions, trims, groups and their PELs, COPY", async () => {
    const value = (i: number) => (i % 3 === 0 ? String(i * 7919) : "v".repeat(1 + (i % 5) * 30));
    const fill = (key: string, from: number, to: number): Step[] =>
      Array.from({ length: to - from + 1 }, (_, k) => ["XADD", key, `${from + k}-1`, ...(k % 9 === 4 ? ["other", value(k)] : ["f", value(k)])]);
    const usage = (key: string): Step[] => [["MEMORY", "USAGE", key], ["MEMORY", "USAGE", key, "SAMPLES", "0"], ["MEMORY", "USAGE", key, "SAMPLES", "1"]];
    const ids = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, k) => `${from + k * step}-1`);
    await d.check([
      ["XADD", "one", "1-1", "f", "v"], ...usage("one"), ["XGROUP", "CREATE", "m", "g", "$", "MKSTREAM"], ...usage("m"),
      // Many nodes: the first ones closed (shrunk to fit), the tail still in its 4 KB; a tail that outgrew it.
      ...fill("s", 1, 450), ...usage("s"), ["XADD", "s", "451-1", "f", "x".repeat(5000)], ...usage("s"), ["XADD", "s", "452-1", "f", "v"], ...usage("s"),
      // Deletions: counters whose encoding shrinks (128 -> 127 live entries) reallocate the listpack.
      ["XDEL", "s", ...ids(1, 100, 7)], ...usage("s"), ["XDEL", "s", "402-1", "403-1"], ...usage("s"), ["XDEL", "s", ...ids(404, 450, 1)], ...usage("s"),
      ["XTRIM", "s", "MAXLEN", "=", "150"], ...usage("s"), ["XTRIM", "s", "MINID", "330"], ...usage("s"), ["XTRIM", "s", "MAXLEN", "~", "20"], ...usage("s"),
      ["COPY", "s", "copy"], ...usage("copy"), ["XADD", "copy", "900-1", "f", "v"], ...usage("copy"),
      // Groups, consumers and PELs: radix trees of their ids, after reads, claims and acknowledgements.
      ...fill("g", 1, 300), ["XGROUP", "CREATE", "g", "a", "0"], ["XGROUP", "CREATE", "g", "b", "$"], ...usage("g"),
      timed("XREADGROUP", "GROUP", "a", "alice", "COUNT", "120", "STREAMS", "g", ">"), timed("XREADGROUP", "GROUP", "a", "bob", "COUNT", "70", "STREAMS", "g", ">"),
      ["XGROUP", "CREATECONSUMER", "g", "b", "carol"], ...usage("g"), ["XACK", "g", "a", ...ids(1, 190, 3)], ...usage("g"),
      ["XCLAIM", "g", "a", "dave", "0", ...ids(2, 60, 4), "JUSTID"], ...usage("g"), ["XACK", "g", "a", ...ids(1, 190, 1)], ...usage("g"),
      ["XGROUP", "DELCONSUMER", "g", "a", "alice"], ["XGROUP", "DESTROY", "g", "b"], ...usage("g"),
      // stream-node-max-bytes below 4 KB is what a new node is allocated with; 64-bit ids far apart.
      ["CONFIG", "SET", "stream-node-max-bytes", "300"], ...fill("b", 1, 40), ...usage("b"), ["XADD", "b", "18446744073709551615-5", "f", "v"], ...usage("b"),
      ["CONFIG", "SET", "stream-node-max-bytes", "4096"], ["CONFIG", "SET", "stream-node-max-entries", "10"], ...fill("t", 1, 95), ...usage("t"),
      // 128 live entries in one node: the live count's encoding shrinks at the first deletion, and the listpack with it.
      ["CONFIG", "SET", "stream-node-max-entries", "200"], ["CONFIG", "SET", "stream-node-max-bytes", "0"],
      ...Array.from({ length: 128 }, (_, i) => ["XADD", "c", `${i + 1}-1`, "f", String(i + 1)]), ...usage("c"), ["XDEL", "c", "1-1"], ...usage("c"),
      ["XDEL", "c", "2-1"], ...usage("c"), ["CONFIG", "SET", "stream-node-max-bytes", "4096"],
      ["CONFIG", "SET", "stream-node-max-entries", "100"],
    ]);
  });
});

describe("XREAD without blocking", () => {
  test("several keys, ids, $, COUNT; nothing new is the null array", async () => {
    await d.check([
      ["XADD", "a", "1-1", "f", "1"],
      ["XADD", "a", "2-1", "f", "2"],
      ["XADD", "b", "1-1", "g", BINARY],
      ["XREAD", "STREAMS", "a", "b", "0", "0"],
      ["XREAD", "COUNT", "1", "STREAMS", "a", "b", "0-0", "1"],
      ["XREAD", "STREAMS", "a", "b", "1-1", "1-1"],
      ["XREAD", "STREAMS", "a", "b", "$", "$"],
      ["XREAD", "STREAMS", "a", "missing", "1", "0"],
      ["XREAD", "STREAMS", "missing", "0"],
      ["XREAD", "count", "0", "streams", "a", "0"],
      ["XREAD", "COUNT", "-1", "STREAMS", "a", "0"],
      ["XREAD", "STREAMS", "a", "a", "0", "1-1"],
      ["XREAD", "STREAMS", "a", `${U64}-${U64}`],
      ["XREAD", "STREAMS", "STREAMS", "0"],
    ]);
  });

  test("XREAD errors in Redis's order", async () => {
    await d.check([
      ["SET", "str", "x"],
      ["XADD", "a", "1-1", "f", "1"],
      ["XREAD", "STREAMS", "a"],
      ["XREAD", "STREAMS", "a", "b", "0"],
      ["XREAD", "COUNT", "x", "STREAMS", "a", "0"],
      ["XREAD", "COUNT", "1"],
      ["XREAD", "FOO", "STREAMS", "a", "0"],
      ["XREAD", "GROUP", "g", "c", "STREAMS", "a", "0"],
      ["XREAD", "NOACK", "STREAMS", "a", "0"],
      ["XREAD", "STREAMS", "a", ">"],
      ["XREAD", "STREAMS", "a", "+"],
      ["XREAD", "STREAMS", "a", "-"],
      ["XREAD", "STREAMS", "a", "x"],
      ["XREAD", "STREAMS", "str", "0"],
      ["XREAD", "STREAMS", "a", "str", "0", "0"],
      ["XREAD", "STREAMS", "str", "a", "x", "0"],
      ["XREAD", "BLOCK", "x", "STREAMS", "a", "0"],
      ["XREAD", "BLOCK", "-1", "STREAMS", "a", "0"],
      ["XREAD", "BLOCK", "1.5", "STREAMS", "a", "0"],
      ["XREAD", "BLOCK", "0", "STREAMS", "a", "0"],
      ["XREAD", "BLOCK", "10", "STREAMS", "a", "$"],
      ["XREAD", "BLOCK"],
      ["XREAD"],
      ["COMMAND", "GETKEYS", "XREAD", "COUNT", "2", "STREAMS", "a", "b", "0", "0"],
      ["COMMAND", "GETKEYS", "XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "a", "b", ">", ">"],
    ]);
  });
});

describe("consumer groups", () => {
  test("XGROUP CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP and their errors", async () => {
    await d.check([
      ["XGROUP", "CREATE", "s", "g", "$"],
      ["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
      ["XGROUP", "CREATE", "s", "g", "$"],
      ["XADD", "s", "1-1", "f", "v"],
      ["XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "0"],
      ["XGROUP", "CREATE", "s", "g3", "$", "entriesread", "-1", "MKSTREAM"],
      ["XGROUP", "CREATE", "s", "g4", "0", "ENTRIESREAD", "-2"],
      ["XGROUP", "CREATE", "s", "g4", "0", "ENTRIESREAD", "x"],
      ["XGROUP", "CREATE", "s", "g4", "0", "ENTRIESREAD"],
      ["XGROUP", "CREATE", "s", "g4", "0", "FOO"],
      ["XGROUP", "CREATE", "s", "g4", "x"],
      ["XGROUP", "CREATE", "s", "g4", "-"],
      ["XGROUP", "CREATE", "s", "g4", "1", "MKSTREAM", "MKSTREAM", "MKSTREAM", "MKSTREAM"],
      ["XINFO", "GROUPS", "s"],
      ["XGROUP", "SETID", "s", "g", "0"],
      ["XGROUP", "SETID", "s", "g", "-"],
      ["XGROUP", "SETID", "s", "g", "+", "ENTRIESREAD", "5"],
      ["XGROUP", "SETID", "s", "g2", "$"],
      ["XGROUP", "SETID", "s", "nope", "0"],
      ["XGROUP", "SETID", "missing", "g", "0"],
      ["XGROUP", "SETID", "s", "g", "x"],
      ["XGROUP", "SETID", "s", "g", "0", "MKSTREAM"],
      ["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD"],
      ["XINFO", "GROUPS", "s"],
      ["XGROUP", "CREATECONSUMER", "s", "g", "c1"],
      ["XGROUP", "CREATECONSUMER", "s", "g", "c1"],
      ["XGROUP", "CREATECONSUMER", "s", "g", BINARY],
      ["XGROUP", "CREATECONSUMER", "s", "nope", "c"],
      ["XGROUP", "CREATECONSUMER", "missing", "g", "c"],
      ["XGROUP", "CREATECONSUMER", "s", "g"],
      ["XGROUP", "DELCONSUMER", "s", "g", "c1"],
      ["XGROUP", "DELCONSUMER", "s", "g", "c1"],
      ["XGROUP", "DELCONSUMER", "s", "nope", "c1"],
      ["XGROUP", "DESTROY", "s", "g2"],
      ["XGROUP", "DESTROY", "s", "g2"],
      ["XGROUP", "DESTROY", "missing", "g2"],
      ["XGROUP", "DESTROY", "s"],
      ["XGROUP", "DESTROY", "s", "g", "x"],
      ["XGROUP", "HELP"],
      ["xgroup", "help"],
      ["XGROUP", "HELP", "x"],
      ["XGROUP", "FOO"],
      ["XGROUP", "FOO", "s", "g"],
      ["XGROUP"],
      ["SET", "str", "x"],
      ["XGROUP", "CREATE", "str", "g", "$"],
      ["XGROUP", "CREATE", "str", "g", "$", "MKSTREAM"],
      ["XGROUP", "CREATE", BINARY, BINARY, "0", "MKSTREAM"],
      ["XGROUP", "SETID", BINARY, "x\x00y", "0"],
      ["XINFO", "GROUPS", BINARY],
    ]);
  });

  test("XREADGROUP: new entries (>), history, NOACK, COUNT, several keys, consumers created", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "1"],
      ["XADD", "s", "2-1", "f", "2"],
      ["XADD", "s", "3-1", "f", "3"],
      ["XADD", "t", "1-1", "g", "1"],
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XGROUP", "CREATE", "t", "g", "$"],
      ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "t", ">", ">"],
      ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"],
      ["XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "s", "0"],
      ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "2-1"],
      ["XREADGROUP", "GROUP", "g", "carol", "STREAMS", "s", "0"],
      ["XREADGROUP", "GROUP", "g", "dave", "STREAMS", "s", ">"],
      ["XADD", "t", "2-1", "g", "2"],
      ["XREADGROUP", "GROUP", "g", "erin", "NOACK", "STREAMS", "t", ">"],
      ["XREADGROUP", "GROUP", "g", "erin", "STREAMS", "t", "0"],
      timed("XINFO", "CONSUMERS", "s", "g"),
      timed("XINFO", "CONSUMERS", "t", "g"),
      ["XINFO", "GROUPS", "s"],
      ["XPENDING", "s", "g"],
      ["XDEL", "s", "2-1"],
      ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"],
      { args: ["XPENDING", "s", "g", "-", "+", "10"], normalize: pendingIdle },
      ["XGROUP", "SETID", "s", "g", "0"],
      ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"],
      { args: ["XPENDING", "s", "g", "-", "+", "10"], normalize: pendingIdle },
      ["XINFO", "GROUPS", "s"],
      ["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", `${U64}-${U64}`],
      ["XREADGROUP", "GROUP", "g", "alice", "count", "0", "STREAMS", "s", "0"],
    ]);
  });

  test("XREADGROUP errors in Redis's order", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "1"],
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["SET", "str", "x"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s"],
      ["XREADGROUP", "STREAMS", "s", ">"],
      ["XREADGROUP", "COUNT", "1", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"],
      ["XREADGROUP", "GROUP", "nope", "c", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "missing", ">"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "str", ">"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "+"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "x"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "missing", ">", ">"],
      ["XREADGROUP", "GROUP", "g", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "x", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "c", "FOO", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS", "s", "0"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">", "x"],
      ["XREADGROUP", "GROUP", "g", "c"],
      ["XINFO", "GROUPS", "s"],
    ]);
  });

  test("XACK and XPENDING: summary, ranges, IDLE, consumer filter, errors", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "1"],
      ["XADD", "s", "2-1", "f", "2"],
      ["XADD", "s", "3-1", "f", "3"],
      ["XADD", "s", "4-1", "f", "4"],
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XPENDING", "s", "g"],
      ["XPENDING", "s", "g", "-", "+", "10"],
      ["XREADGROUP", "GROUP", "g", "b", "COUNT", "2", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", ">"],
      ["XPENDING", "s", "g"],
      { args: ["XPENDING", "s", "g", "-", "+", "10"], normalize: pendingIdle },
      { args: ["XPENDING", "s", "g", "(1-1", "+", "10"], normalize: pendingIdle },
      { args: ["XPENDING", "s", "g", "-", "(3-1", "1"], normalize: pendingIdle },
      { args: ["XPENDING", "s", "g", "-", "+", "10", "a"], normalize: pendingIdle },
      ["XPENDING", "s", "g", "-", "+", "10", "nobody"],
      ["XPENDING", "s", "g", "-", "+", "0"],
      ["XPENDING", "s", "g", "-", "+", "-1"],
      ["XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10"],
      { args: ["XPENDING", "s", "g", "IDLE", "0", "-", "+", "10", "b"], normalize: pendingIdle },
      ["XACK", "s", "g", "1-1", "9-9", "1-1"],
      ["XACK", "s", "g", "2-1", "x"],
      ["XACK", "s", "g", "2"],
      ["XACK", "s", "nope", "3-1"],
      ["XACK", "missing", "g", "3-1"],
      ["XACK", "missing", "g", "x"],
      ["XPENDING", "s", "g"],
      ["XACK", "s", "g", "3-1"],
      ["XPENDING", "s", "g"],
      ["XPENDING", "s", "g", "-"],
      ["XPENDING", "s", "g", "-", "+"],
      ["XPENDING", "s", "g", "-", "+", "x"],
      ["XPENDING", "s", "g", "x", "+", "1"],
      ["XPENDING", "s", "g", "-", "x", "1"],
      ["XPENDING", "s", "g", "(-", "+", "1"],
      ["XPENDING", "s", "g", `(${U64}-${U64}`, "+", "1"],
      ["XPENDING", "s", "g", "-", "(0-0", "1"],
      ["XPENDING", "s", "g", "IDLE", "x", "-", "+", "1"],
      ["XPENDING", "s", "g", "IDLE", "5", "-", "+"],
      ["XPENDING", "s", "g", "IDLE", "5", "-", "+", "1", "a", "b"],
      ["XPENDING", "s", "g", "-", "+", "1", "a", "b", "c", "d"],
      ["XPENDING", "s", "nope"],
      ["XPENDING", "missing", "g"],
      ["XPENDING", "missing", "g", "x", "+", "1"],
      ["SET", "str", "x"],
      ["XPENDING", "str", "g"],
      ["XACK", "str", "g", "1-1"],
      ["XACK", "s", "g"],
    ]);
  });

  test("XCLAIM: min idle, IDLE, TIME, RETRYCOUNT, FORCE, JUSTID, LASTID, deleted entries, errors", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "1"],
      ["XADD", "s", "2-1", "f", "2"],
      ["XADD", "s", "3-1", "f", "3"],
      ["XADD", "s", "4-1", "f", "4"],
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"],
      ["XCLAIM", "s", "g", "b", "0", "1-1"],
      ["XCLAIM", "s", "g", "b", "100000", "2-1"],
      ["XCLAIM", "s", "g", "b", "0", "2-1", "3-1", "JUSTID"],
      ["XCLAIM", "s", "g", "c", "0", "2-1", "RETRYCOUNT", "7", "TIME", "1000", "JUSTID"],
      ["XCLAIM", "s", "g", "c", "0", "4-1", "IDLE", "5000", "JUSTID"],
      { args: ["XPENDING", "s", "g", "-", "+", "10"], normalize: pendingIdle },
      timed("XINFO", "STREAM", "s", "FULL"),
      ["XCLAIM", "s", "g", "c", "0", "9-9"],
      ["XCLAIM", "s", "g", "c", "0", "9-9", "FORCE"],
      ["XDEL", "s", "3-1"],
      ["XCLAIM", "s", "g", "c", "0", "3-1", "1-1"],
      ["XPENDING", "s", "g"],
      ["XGROUP", "CREATE", "s", "g2", "$"],
      ["XCLAIM", "s", "g2", "d", "0", "1-1", "2-1", "FORCE", "JUSTID"],
      ["XCLAIM", "s", "g2", "d", "0", "4-1", "FORCE"],
      { args: ["XPENDING", "s", "g2", "-", "+", "10"], normalize: pendingIdle },
      ["XCLAIM", "s", "g2", "d", "0", "1-1", "LASTID", "9-9", "JUSTID"],
      ["XCLAIM", "s", "g2", "d", "0", "8-8", "LASTID", "10-10"],
      ["XINFO", "GROUPS", "s"],
      ["XCLAIM", "s", "g", "c", "x", "1-1"],
      ["XCLAIM", "s", "g", "c", "-5", "1-1", "JUSTID"],
      ["XCLAIM", "s", "g", "c", "0", "1-1", "IDLE"],
      ["XCLAIM", "s", "g", "c", "0", "1-1", "IDLE", "x"],
      ["XCLAIM", "s", "g", "c", "0", "1-1", "TIME", "x"],
      ["XCLAIM", "s", "g", "c", "0", "1-1", "RETRYCOUNT", "x"],
      ["XCLAIM", "s", "g", "c", "0", "1-1", "LASTID", "x"],
      ["XCLAIM", "s", "g", "c", "0", "1-1", "FOO"],
      ["XCLAIM", "s", "g", "c", "0", "x", "1-1"],
      ["XCLAIM", "s", "g", "c", "0", "+"],
      ["XCLAIM", "s", "nope", "c", "0", "1-1"],
      ["XCLAIM", "missing", "g", "c", "x", "1-1"],
      ["XCLAIM", "s", "g", "c", "0"],
      ["SET", "str", "x"],
      ["XCLAIM", "str", "g", "c", "0", "1-1"],
    ]);
  });

  test("XAUTOCLAIM: cursor, COUNT, JUSTID, deleted ids, min idle, errors", async () => {
    const steps: Step[] = [];
    for (let i = 1; i <= 12; i++) steps.push(["XADD", "s", `${i}-1`, "f", String(i)]);
    steps.push(
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"],
      ["XAUTOCLAIM", "s", "g", "b", "0", "0", "COUNT", "3"],
      ["XAUTOCLAIM", "s", "g", "b", "0", "4-1", "COUNT", "3", "JUSTID"],
      ["XAUTOCLAIM", "s", "g", "b", "100000", "0"],
      ["XDEL", "s", "7-1", "8-1", "10-1"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "(6-1", "COUNT", "2"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "1"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "12-1"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "13"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "-", "JUSTID", "COUNT", "100"],
      { args: ["XPENDING", "s", "g", "-", "+", "20"], normalize: pendingIdle },
      ["XPENDING", "s", "g"],
      ["XAUTOCLAIM", "s", "g", "c", "x", "0"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "x"],
      ["XAUTOCLAIM", "s", "g", "c", "0", `(${U64}-${U64}`],
      ["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "x"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "0", "FOO"],
      ["XAUTOCLAIM", "s", "nope", "c", "0", "0"],
      ["XAUTOCLAIM", "missing", "g", "c", "0", "0"],
      ["XAUTOCLAIM", "missing", "g", "c", "x", "0"],
      ["SET", "str", "x"],
      ["XAUTOCLAIM", "str", "g", "c", "0", "0"],
      ["XAUTOCLAIM", "s", "g", "c", "0"],
    );
    await d.check(steps);
  });

  test("XAUTOCLAIM looks at 10 × COUNT pending entries at most", async () => {
    const steps: Step[] = [];
    for (let i = 1; i <= 30; i++) steps.push(["XADD", "s", `${i}-1`, "f", String(i)]);
    steps.push(["XGROUP", "CREATE", "s", "g", "0"], ["XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"]);
    for (let i = 1; i <= 25; i++) steps.push(["XDEL", "s", `${i}-1`]);
    steps.push(
      ["XAUTOCLAIM", "s", "g", "b", "0", "0", "COUNT", "1"],
      ["XAUTOCLAIM", "s", "g", "b", "0", "0", "COUNT", "2"],
      ["XAUTOCLAIM", "s", "g", "b", "0", "0", "COUNT", "2"],
      ["XPENDING", "s", "g"],
    );
    await d.check(steps);
  });
});

describe("XINFO", () => {
  test("STREAM (plain and FULL with COUNT), GROUPS, CONSUMERS, HELP and errors", async () => {
    const steps: Step[] = [["XADD", "s", "1-1", "f", "1", "g", "2"]];
    for (let i = 2; i <= 15; i++) steps.push(["XADD", "s", `${i}-1`, "f", String(i)]);
    steps.push(
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XGROUP", "CREATE", "s", "a", "$"],
      ["XGROUP", "CREATE", "s", BINARY, "5"],
      ["XREADGROUP", "GROUP", "g", "zed", "COUNT", "12", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "amy", "COUNT", "1", "STREAMS", "s", ">"],
      ["XINFO", "STREAM", "s"],
      timed("XINFO", "STREAM", "s", "FULL"),
      timed("XINFO", "STREAM", "s", "full", "count", "2"),
      timed("XINFO", "STREAM", "s", "FULL", "COUNT", "0"),
      timed("XINFO", "STREAM", "s", "FULL", "COUNT", "-1"),
      ["XINFO", "STREAM", "s", "FULL", "COUNT", "x"],
      ["XINFO", "STREAM", "s", "FULL", "COUNT"],
      ["XINFO", "STREAM", "s", "FULL", "FOO", "1"],
      ["XINFO", "STREAM", "s", "FOO"],
      ["XINFO", "GROUPS", "s"],
      timed("XINFO", "CONSUMERS", "s", "g"),
      ["XINFO", "CONSUMERS", "s", "a"],
      ["XINFO", "CONSUMERS", "s", "nope"],
      ["XINFO", "CONSUMERS", "missing", "g"],
      ["XINFO", "GROUPS", "missing"],
      ["XINFO", "STREAM", "missing"],
      ["XINFO", "STREAM", "missing", "FOO"],
      ["XINFO", "HELP"],
      ["XINFO", "help", "x"],
      ["XINFO", "GROUPS", "s", "x"],
      ["XINFO", "CONSUMERS", "s"],
      ["XINFO", "FOO", "s"],
      ["XINFO"],
      ["SET", "str", "x"],
      ["XINFO", "STREAM", "str"],
      ["XINFO", "GROUPS", "str"],
      ["XGROUP", "CREATE", "e", "g", "$", "MKSTREAM"],
      ["XINFO", "STREAM", "e"],
      timed("XINFO", "STREAM", "e", "FULL"),
      ["XINFO", "GROUPS", "e"],
    );
    await d.check(steps);
  });

  test("entries-read and lag through deletions, trims and SETID (Redis 7.0's estimates)", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "1"],
      ["XADD", "s", "2-1", "f", "2"],
      ["XADD", "s", "3-1", "f", "3"],
      ["XADD", "s", "4-1", "f", "4"],
      ["XGROUP", "CREATE", "s", "g1", "0"],
      ["XGROUP", "CREATE", "s", "g2", "2-1"],
      ["XGROUP", "CREATE", "s", "g3", "$"],
      ["XGROUP", "CREATE", "s", "g4", "9-9"],
      ["XGROUP", "CREATE", "s", "g5", "0", "ENTRIESREAD", "3"],
      ["XINFO", "GROUPS", "s"],
      ["XREADGROUP", "GROUP", "g1", "c", "COUNT", "1", "STREAMS", "s", ">"],
      ["XINFO", "GROUPS", "s"],
      ["XDEL", "s", "3-1"],
      ["XINFO", "GROUPS", "s"],
      ["XREADGROUP", "GROUP", "g1", "c", "COUNT", "1", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g2", "c", "STREAMS", "s", ">"],
      ["XINFO", "GROUPS", "s"],
      ["XADD", "s", "5-1", "f", "5"],
      ["XREADGROUP", "GROUP", "g1", "c", "STREAMS", "s", ">"],
      ["XINFO", "GROUPS", "s"],
      ["XDEL", "s", "1-1"],
      ["XINFO", "GROUPS", "s"],
      ["XTRIM", "s", "MAXLEN", "1"],
      ["XINFO", "GROUPS", "s"],
      ["XINFO", "STREAM", "s"],
      ["XGROUP", "SETID", "s", "g1", "0"],
      ["XINFO", "GROUPS", "s"],
      ["XGROUP", "SETID", "s", "g1", "0", "ENTRIESREAD", "2"],
      ["XINFO", "GROUPS", "s"],
      ["XDEL", "s", "5-1"],
      ["XINFO", "GROUPS", "s"],
      ["XADD", "s", "6-1", "f", "6"],
      ["XREADGROUP", "GROUP", "g5", "c", "STREAMS", "s", ">"],
      ["XINFO", "GROUPS", "s"],
      ["XSETID", "s", "7-1", "ENTRIESADDED", "99", "MAXDELETEDID", "6-5"],
      ["XINFO", "GROUPS", "s"],
    ]);
  });
});

describe("keyspace integration", () => {
  test("COPY, RENAME, DEL, TYPE, SCAN TYPE, OBJECT ENCODING, WATCH", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "v"],
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
      ["COPY", "s", "t"],
      ["XADD", "t", "2-1", "f", "v"],
      ["XACK", "t", "g", "1-1"],
      ["XLEN", "s"],
      ["XPENDING", "s", "g"],
      ["XPENDING", "t", "g"],
      ["RENAME", "t", "u"],
      ["TYPE", "u"],
      ["SCAN", "0", "TYPE", "stream", "MATCH", "u"],
      ["OBJECT", "ENCODING", "u"],
      ["DEL", "u"],
      ["EXISTS", "u"],
      ["SET", "str", "x"],
      ["XRANGE", "str", "-", "+"],
      ["XINFO", "STREAM", "str"],
    ]);
  });
});

describe("keyspace notifications and WATCH, as Redis 7.0 signals them", () => {
  test("xadd, xtrim, xdel, xsetid, xgroup-* and consumer creation by reads and claims", async () => {
    if (d.skip) return;
    const [redisConfig, bunredisConfig] = await d.connect(2);
    for (const connection of [redisConfig, bunredisConfig]) await connection.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
    try {
      const steps = [
        ["XADD", "s", "1-1", "f", "v"], ["XADD", "s", "MAXLEN", "1", "2-1", "f", "v"], ["XADD", "s", "MAXLEN", "5", "3-1", "f", "v"],
        ["XTRIM", "s", "MAXLEN", "1"], ["XTRIM", "s", "MAXLEN", "1"], ["XDEL", "s", "3-1"], ["XDEL", "s", "3-1"], ["XADD", "s", "4-1", "f", "v"],
        ["XSETID", "s", "9-9"], ["XGROUP", "CREATE", "s", "g", "0"], ["XGROUP", "CREATE", "m", "g", "$", "MKSTREAM"],
        ["XGROUP", "CREATECONSUMER", "s", "g", "c"], ["XGROUP", "CREATECONSUMER", "s", "g", "c"], ["XREADGROUP", "GROUP", "g", "r", "STREAMS", "s", ">"],
        ["XREADGROUP", "GROUP", "g", "r", "STREAMS", "s", ">"], ["XREADGROUP", "GROUP", "g", "q", "STREAMS", "s", "0"], ["XACK", "s", "g", "4-1"],
        ["XREADGROUP", "GROUP", "g", "r", "STREAMS", "s", "0"], ["XGROUP", "SETID", "s", "g", "0"], ["XREADGROUP", "GROUP", "g", "r", "STREAMS", "s", ">"],
        ["XCLAIM", "s", "g", "k", "0", "4-1"], ["XAUTOCLAIM", "s", "g", "l", "0", "0"], ["XGROUP", "DELCONSUMER", "s", "g", "k"],
        ["XGROUP", "DELCONSUMER", "s", "g", "k"], ["XGROUP", "DESTROY", "s", "g"], ["XGROUP", "DESTROY", "s", "g"], ["XRANGE", "missing", "-", "+"],
      ];
      const observed: string[][] = [];
      for (const index of [0, 1]) {
        const subscriber = (await d.connect(2))[index]!;
        const client = (await d.connect(2))[index]!;
        await subscriber.call("PSUBSCRIBE", "__key*@0__:*");
        for (const args of steps) await client.call(...args);
        const seen: string[] = [];
        subscriber.sendRaw("*1\r\n$4\r\nPING\r\n");
        for (;;) {
          const message = await subscriber.read();
          if (message.includes("pong")) break;
          seen.push(message);
        }
        observed.push(seen);
      }
      expect(observed[0]!.length).toBeGreaterThan(30);
      expect(observed[1]).toEqual(observed[0]!);
    } finally {
      for (const connection of [redisConfig, bunredisConfig]) await connection.call("CONFIG", "SET", "notify-keyspace-events", "");
    }
  });

  test("WATCH: XADD, XDEL, XTRIM and a stream created by XGROUP CREATE MKSTREAM touch the key; group changes do not", async () => {
    if (d.skip) return;
    const cases: string[][][] = [
      [["XADD", "s", "2-1", "f", "v"]], [["XDEL", "s", "1-1"]], [["XTRIM", "s", "MAXLEN", "0"]], [["XGROUP", "CREATE", "n", "g", "$", "MKSTREAM"]],
      [["XGROUP", "CREATE", "s", "h", "$"]], [["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"]], [["XSETID", "s", "5-5"]],
      [["XGROUP", "SETID", "s", "g", "0"]], [["XGROUP", "CREATECONSUMER", "s", "g", "x"]], [["XTRIM", "s", "MAXLEN", "5"]],
    ];
    for (const changes of cases) {
      const key = changes[0]![0] === "XGROUP" && changes[0]![1] === "CREATE" && changes[0]![2] === "n" ? "n" : "s";
      await d.check([["XADD", "s", "1-1", "f", "v"], ["XGROUP", "CREATE", "s", "g", "0"], ["WATCH", key], ...changes, ["MULTI"], ["PING"], ["EXEC"]], [2]);
    }
  });
});

describe("introspection", () => {
  test("COMMAND INFO and COMMAND DOCS of every stream command; MEMORY USAGE answers", async () => {
    // Containers list their subcommands in Redis's per-process dict order: each is asked for by name.
    const names = [
      "xadd", "xtrim", "xdel", "xsetid", "xrange", "xrevrange", "xlen", "xread", "xreadgroup", "xack", "xpending", "xclaim", "xautoclaim",
      "xgroup|create", "xgroup|setid", "xgroup|destroy", "xgroup|createconsumer", "xgroup|delconsumer", "xgroup|help",
      "xinfo|stream", "xinfo|groups", "xinfo|consumers", "xinfo|help",
    ];
    const steps: Step[] = [];
    for (const name of names) steps.push(["COMMAND", "INFO", name], ["COMMAND", "DOCS", name]);
    steps.push(["COMMAND", "GETKEYS", "XINFO", "STREAM", "s"], ["COMMAND", "GETKEYS", "XGROUP", "CREATE", "s", "g", "$"], ["COMMAND", "GETKEYS", "XADD", "s", "*", "f", "v"]);
    steps.push(["XADD", "s", "1-1", "f", "v"], { args: ["MEMORY", "USAGE", "s"], normalize: (reply) => reply.replace(/^:\d+/, ":N") }, ["MEMORY", "USAGE", "missing"]);
    await d.check(steps);
  });
});

describe("inside scripts and transactions", () => {
  test("BLOCK is refused in scripts; reads and writes run; MULTI queues them", async () => {
    await d.check([
      ["XADD", "s", "1-1", "f", "v"],
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["EVAL", "return redis.call('XREAD', 'BLOCK', '0', 'STREAMS', KEYS[1], '$')", "1", "s"],
      ["EVAL", "return redis.call('xreadgroup', 'GROUP', 'g', 'c', 'BLOCK', '10', 'STREAMS', KEYS[1], '>')", "1", "s"],
      ["EVAL", "return redis.call('XREAD', 'STREAMS', KEYS[1], '0')", "1", "s"],
      ["EVAL", "return redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', KEYS[1], '>')", "1", "s"],
      ["EVAL", "return redis.call('XADD', KEYS[1], '2-1', 'f', 'w')", "1", "s"],
      ["EVAL", "return redis.call('XINFO', 'STREAM', KEYS[1])", "1", "s"],
      ["MULTI"],
      ["XADD", "s", "3-1", "f", "x"],
      ["XREAD", "BLOCK", "0", "STREAMS", "s", "$"],
      ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"],
      ["XLEN", "s"],
      ["EXEC"],
    ]);
  });
});
