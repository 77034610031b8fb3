import { describe, test } from "bun:test";
import { useDifferential } from "../../helpers/differential.ts";

const d = useDifferential();

/** Bytes that must survive as they are: NUL, 0xff, CR LF, and the empty string. */
const BINARY = "\x00\xff\r\n";
const MAX = "9223372036854775807";
const MIN = "-9223372036854775808";
const OVER = "9223372036854775808";

describe("list commands match redis-server byte for byte (RESP2 and RESP3)", () => {
  test("LPUSH, RPUSH, LPUSHX, RPUSHX", async () => {
    await d.check([
      ["LPUSH", "l", "a", "b", "c"],
      ["RPUSH", "l", "d", "e"],
      ["LRANGE", "l", "0", "-1"],
      ["LPUSHX", "l", "x"],
      ["RPUSHX", "l", "y", "z"],
      ["LPUSHX", "missing", "x"],
      ["RPUSHX", "missing", "x"],
      ["EXISTS", "missing"],
      ["LRANGE", "l", "0", "-1"],
      ["lpush", BINARY, BINARY, ""],
      ["LRANGE", BINARY, "0", "-1"],
      ["RPUSH", "", ""],
      ["LLEN", ""],
      ["LPUSH", "l"],
      ["RPUSH"],
      ["LPUSHX", "l"],
      ["RPUSHX", "l"],
      ["TYPE", "l"],
      ["OBJECT", "ENCODING", "l"],
    ]);
  });

  test("LPOP and RPOP, with and without a count", async () => {
    await d.check([
      ["RPUSH", "l", "a", "b", "c", "d", "e"],
      ["LPOP", "l"],
      ["RPOP", "l"],
      ["LPOP", "l", "0"],
      ["LPOP", "l", "2"],
      ["RPOP", "l", "1"],
      ["EXISTS", "l"],
      ["LPOP", "l"],
      ["RPOP", "l"],
      ["LPOP", "l", "0"],
      ["RPOP", "l", "3"],
      ["LPOP", "l", "-1"],
      ["RPOP", "l", "x"],
      ["LPOP", "l", OVER],
      ["LPOP", "l", MAX],
      ["RPUSH", "m", "a", "b"],
      ["RPOP", "m", "10"],
      ["EXISTS", "m"],
      ["LPOP", "m", "1", "2"],
      ["RPOP", "m", "1", "2"],
      ["LPOP"],
      ["RPUSH", BINARY, BINARY, ""],
      ["RPOP", BINARY],
      ["LPOP", BINARY, "5"],
    ]);
  });

  test("LLEN, LINDEX, LSET", async () => {
    await d.check([
      ["RPUSH", "l", "a", "b", "c"],
      ["LLEN", "l"],
      ["LLEN", "missing"],
      ["LINDEX", "l", "0"],
      ["LINDEX", "l", "-1"],
      ["LINDEX", "l", "-3"],
      ["LINDEX", "l", "-4"],
      ["LINDEX", "l", "3"],
      ["LINDEX", "l", MAX],
      ["LINDEX", "l", MIN],
      ["LINDEX", "l", OVER],
      ["LINDEX", "l", "x"],
      ["LINDEX", "l", "1.5"],
      ["LINDEX", "missing", "x"],
      ["LINDEX", "missing", "0"],
      ["LSET", "l", "0", "A"],
      ["LSET", "l", "-1", "C"],
      ["LSET", "l", "-4", "x"],
      ["LSET", "l", "3", "x"],
      ["LSET", "l", "x", "x"],
      ["LSET", "l", OVER, "x"],
      ["LSET", "missing", "0", "x"],
      ["LSET", "missing", "x", "x"],
      ["LSET", "l", "1", BINARY],
      ["LRANGE", "l", "0", "-1"],
      ["LLEN"],
      ["LLEN", "a", "b"],
      ["LINDEX", "l"],
      ["LSET", "l", "0"],
    ]);
  });

  test("LRANGE and LTRIM ranges", async () => {
    const ranges: [string, string][] = [["0", "-1"], ["-100", "100"], ["3", "1"], ["-1", "-2"], ["5", "10"], ["-3", "-2"], ["2", "2"], [MIN, MAX], ["0", "0"], ["-1", "-1"], ["4", "4"], ["1", "-1"], ["0", MIN]];
    const steps: string[][] = [];
    for (const [start, stop] of ranges) steps.push(["RPUSH", "l", "a", "b", "c", "d", "e"], ["LRANGE", "l", start, stop], ["LTRIM", "l", start, stop], ["LRANGE", "l", "0", "-1"], ["DEL", "l"]);
    await d.check([
      ...steps,
      ["LRANGE", "missing", "0", "-1"],
      ["LTRIM", "missing", "0", "-1"],
      ["LRANGE", "missing", "x", "1"],
      ["LRANGE", "l", "0", "x"],
      ["LTRIM", "missing", "x", "1"],
      ["LTRIM", "l", "0", OVER],
      ["RPUSH", "l", "a"],
      ["LTRIM", "l", "1", "0"],
      ["EXISTS", "l"],
      ["LRANGE", "l", "0"],
      ["LTRIM", "l", "0"],
    ]);
  });

  test("LREM", async () => {
    await d.check([
      ["RPUSH", "l", "a", "b", "a", "c", "a", "a", BINARY],
      ["LREM", "l", "2", "a"],
      ["LRANGE", "l", "0", "-1"],
      ["LREM", "l", "-1", "a"],
      ["LRANGE", "l", "0", "-1"],
      ["LREM", "l", "0", "a"],
      ["LREM", "l", "0", "zz"],
      ["LREM", "l", "1", BINARY],
      ["LREM", "l", MIN, "b"],
      ["LREM", "l", MAX, "c"],
      ["EXISTS", "l"],
      ["LREM", "missing", "0", "a"],
      ["LREM", "missing", "x", "a"],
      ["LREM", "l", OVER, "a"],
      ["LREM", "l", "0"],
    ]);
  });

  test("LINSERT", async () => {
    await d.check([
      ["RPUSH", "l", "a", "b", "c"],
      ["LINSERT", "l", "BEFORE", "a", "x"],
      ["LINSERT", "l", "after", "c", "y"],
      ["LINSERT", "l", "AfTeR", "b", BINARY],
      ["LINSERT", "l", "before", "zz", "q"],
      ["LRANGE", "l", "0", "-1"],
      ["LINSERT", "missing", "before", "a", "b"],
      ["LINSERT", "missing", "middle", "a", "b"],
      ["LINSERT", "l", "middle", "a", "b"],
      ["EXISTS", "missing"],
      ["LINSERT", "l", "before", "a"],
      ["LINSERT", "l", "before", "a", "b", "c"],
    ]);
  });

  test("LPOS with RANK, COUNT and MAXLEN", async () => {
    await d.check([
      ["RPUSH", "l", "a", "b", "c", "a", "b", "c", "a"],
      ["LPOS", "l", "a"],
      ["LPOS", "l", "c"],
      ["LPOS", "l", "zz"],
      ["LPOS", "l", "a", "RANK", "2"],
      ["LPOS", "l", "a", "RANK", "3"],
      ["LPOS", "l", "a", "RANK", "4"],
      ["LPOS", "l", "a", "RANK", "-1"],
      ["LPOS", "l", "a", "RANK", "-3"],
      ["LPOS", "l", "a", "RANK", "-4"],
      ["LPOS", "l", "a", "RANK", "0"],
      ["LPOS", "l", "a", "RANK", MAX],
      ["LPOS", "l", "a", "RANK", MIN],
      ["LPOS", "l", "a", "RANK", "-9223372036854775807"],
      ["LPOS", "l", "a", "RANK", MIN, "COUNT", "1"],
      ["LPOS", "l", "a", "RANK", MIN, "COUNT", "1", "MAXLEN", "3"],
      ["LPOS", "l", "a", "RANK", OVER],
      ["LPOS", "l", "a", "RANK", "x"],
      ["LPOS", "l", "a", "COUNT", "0"],
      ["LPOS", "l", "a", "COUNT", "2"],
      ["LPOS", "l", "a", "COUNT", "10"],
      ["LPOS", "l", "zz", "COUNT", "2"],
      ["LPOS", "l", "a", "COUNT", "-1"],
      ["LPOS", "l", "a", "COUNT", "x"],
      ["LPOS", "l", "a", "COUNT", OVER],
      ["LPOS", "l", "a", "MAXLEN", "1"],
      ["LPOS", "l", "a", "MAXLEN", "3", "COUNT", "0"],
      ["LPOS", "l", "a", "MAXLEN", "0", "COUNT", "0"],
      ["LPOS", "l", "a", "MAXLEN", "-1"],
      ["LPOS", "l", "a", "MAXLEN", "x"],
      ["LPOS", "l", "a", "RANK", "-2", "COUNT", "1", "MAXLEN", "3"],
      ["LPOS", "l", "a", "RANK", "-2", "MAXLEN", "5"],
      ["LPOS", "l", "a", "RANK", "2", "COUNT", "0"],
      ["LPOS", "l", "a", "count", "1", "COUNT", "2", "rank", "1", "RANK", "-1"],
      ["LPOS", "l", "a", "RANK"],
      ["LPOS", "l", "a", "FOO", "1"],
      ["LPOS", "l", "a", "COUNT", "1", "FOO"],
      ["LPOS", "missing", "a"],
      ["LPOS", "missing", "a", "COUNT", "1"],
      ["LPOS", "missing", "a", "RANK", "0"],
      ["LPOS", "missing", "a", "FOO"],
      ["LPOS", "l"],
    ]);
  });

  test("LMOVE and RPOPLPUSH", async () => {
    await d.check([
      ["RPUSH", "src", "a", "b", "c"],
      ["LMOVE", "src", "dst", "LEFT", "RIGHT"],
      ["LMOVE", "src", "dst", "right", "left"],
      ["LMOVE", "src", "dst", "LEFT", "LEFT"],
      ["EXISTS", "src"],
      ["LRANGE", "dst", "0", "-1"],
      ["LMOVE", "src", "dst", "LEFT", "RIGHT"],
      ["LMOVE", "dst", "dst", "LEFT", "RIGHT"],
      ["LMOVE", "dst", "dst", "RIGHT", "RIGHT"],
      ["LRANGE", "dst", "0", "-1"],
      ["LMOVE", "dst", "dst", "UP", "LEFT"],
      ["LMOVE", "dst", "dst", "LEFT", "DOWN"],
      ["LMOVE", "missing", "dst", "UP", "LEFT"],
      ["RPOPLPUSH", "dst", "other"],
      ["RPOPLPUSH", "dst", "other"],
      ["RPOPLPUSH", "dst", "other"],
      ["RPOPLPUSH", "dst", "other"],
      ["LRANGE", "other", "0", "-1"],
      ["EXISTS", "dst"],
      ["RPUSH", "one", "x"],
      ["RPOPLPUSH", "one", "one"],
      ["LRANGE", "one", "0", "-1"],
      ["RPUSH", BINARY, BINARY],
      ["LMOVE", BINARY, "", "LEFT", "LEFT"],
      ["LRANGE", "", "0", "-1"],
      ["RPOPLPUSH", "one"],
      ["LMOVE", "one", "two", "LEFT"],
    ]);
  });

  test("LMPOP", async () => {
    await d.check([
      ["RPUSH", "l", "a", "b", "c", "d", "e"],
      ["RPUSH", "m", "x"],
      ["LMPOP", "2", "missing", "l", "LEFT"],
      ["LMPOP", "2", "missing", "l", "RIGHT", "COUNT", "2"],
      ["LMPOP", "1", "l", "left", "count", "100"],
      ["LMPOP", "1", "l", "LEFT"],
      ["LMPOP", "3", "l", "missing", "m", "RIGHT", "COUNT", "5"],
      ["EXISTS", "m"],
      ["LMPOP", "0", "l", "LEFT"],
      ["LMPOP", "-1", "l", "LEFT"],
      ["LMPOP", "x", "l", "LEFT"],
      ["LMPOP", "2", "l", "LEFT"],
      ["LMPOP", MAX, "l", "LEFT"],
      ["LMPOP", "1", "l", "MIDDLE"],
      ["LMPOP", "1", "l", "LEFT", "COUNT", "0"],
      ["LMPOP", "1", "l", "LEFT", "COUNT", "-1"],
      ["LMPOP", "1", "l", "LEFT", "COUNT", "x"],
      ["LMPOP", "1", "l", "LEFT", "COUNT", OVER],
      ["LMPOP", "1", "l", "LEFT", "COUNT"],
      ["LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2"],
      ["LMPOP", "1", "l", "LEFT", "FOO"],
      ["LMPOP", "1", "l"],
      ["LMPOP", "1"],
      ["RPUSH", BINARY, "", BINARY],
      ["LMPOP", "1", BINARY, "RIGHT", "COUNT", "2"],
    ]);
  });

  test("WRONGTYPE for every command on a string key", async () => {
    await d.check([
      ["SET", "s", "x"],
      ["LPUSH", "s", "a"],
      ["RPUSH", "s", "a"],
      ["LPUSHX", "s", "a"],
      ["RPUSHX", "s", "a"],
      ["LPOP", "s"],
      ["RPOP", "s", "0"],
      ["LPOP", "s", "-1"],
      ["LLEN", "s"],
      ["LINDEX", "s", "0"],
      ["LINDEX", "s", "x"],
      ["LSET", "s", "0", "a"],
      ["LSET", "s", "x", "a"],
      ["LRANGE", "s", "0", "-1"],
      ["LRANGE", "s", "x", "-1"],
      ["LTRIM", "s", "0", "-1"],
      ["LREM", "s", "0", "a"],
      ["LINSERT", "s", "before", "a", "b"],
      ["LINSERT", "s", "middle", "a", "b"],
      ["LPOS", "s", "a"],
      ["LPOS", "s", "a", "RANK", "0"],
      ["RPUSH", "l", "a"],
      ["LMOVE", "s", "l", "LEFT", "LEFT"],
      ["LMOVE", "l", "s", "LEFT", "LEFT"],
      ["LMOVE", "missing", "s", "LEFT", "LEFT"],
      ["RPOPLPUSH", "l", "s"],
      ["LRANGE", "l", "0", "-1"],
      ["LMPOP", "2", "missing", "s", "LEFT"],
      ["LMPOP", "2", "l", "s", "LEFT"],
      ["LMPOP", "1", "s", "LEFT", "COUNT", "0"],
      ["BLPOP", "s", "0"],
      ["BLPOP", "missing", "s", "0"],
      ["BRPOP", "l", "s", "0"],
      ["BLMOVE", "s", "l", "LEFT", "LEFT", "0"],
      ["BRPOPLPUSH", "s", "l", "0"],
      ["BLMPOP", "0", "2", "missing", "s", "LEFT"],
      ["GET", "s"],
    ]);
  });

  test("blocking commands answer at once when a list has data", async () => {
    await d.check([
      ["RPUSH", "a", "1", "2", "3"],
      ["RPUSH", "b", "x"],
      ["BLPOP", "missing", "a", "b", "0"],
      ["BRPOP", "missing", "a", "b", "0"],
      ["BLPOP", "b", "a", "0.5"],
      ["EXISTS", "b"],
      ["BLMOVE", "a", "c", "LEFT", "RIGHT", "0"],
      ["BRPOPLPUSH", "c", "a", "0"],
      ["RPUSH", "m", "1", "2", "3"],
      ["BLMPOP", "0", "2", "missing", "m", "RIGHT", "COUNT", "2"],
      ["BLMPOP", "0", "1", "m", "LEFT"],
      ["EXISTS", "m"],
      ["RPUSH", BINARY, ""],
      ["BLPOP", BINARY, "0"],
    ]);
  });

  test("blocking commands' argument errors", async () => {
    await d.check([
      ["BLPOP", "k", "x"],
      ["BLPOP", "k", "-1"],
      ["BLPOP", "k", "-0.5"],
      ["BLPOP", "k", "inf"],
      ["BLPOP", "k", "-inf"],
      ["BLPOP", "k", "nan"],
      ["BLPOP", "k", "1e30"],
      ["BLPOP", "k", "1e400"],
      ["BLPOP", "k", "1e5000"],
      ["BLPOP", "k", MAX],
      ["BLPOP", "k", " 1"],
      ["BLPOP", "k", "1 "],
      ["BLPOP", "k", ""],
      ["BRPOP", "k", "x"],
      ["BLPOP", "k"],
      ["BRPOP"],
      ["BLMOVE", "a", "b", "LEFT", "RIGHT", "x"],
      ["BLMOVE", "a", "b", "LEFT", "RIGHT", "-1"],
      ["BLMOVE", "a", "b", "FOO", "RIGHT", "x"],
      ["BLMOVE", "a", "b", "LEFT", "FOO", "x"],
      ["BLMOVE", "a", "b", "LEFT", "RIGHT"],
      ["BRPOPLPUSH", "a", "b", "x"],
      ["BRPOPLPUSH", "a", "b", "-1"],
      ["BRPOPLPUSH", "a", "b"],
      ["BLMPOP", "x", "1", "k", "LEFT"],
      ["BLMPOP", "-1", "1", "k", "LEFT"],
      ["BLMPOP", "x", "0", "k", "LEFT"],
      ["BLMPOP", "x", "1", "k", "FOO"],
      ["BLMPOP", "x", "1", "k", "LEFT", "COUNT", "0"],
      ["BLMPOP", "0", "0", "k", "LEFT"],
      ["BLMPOP", "0", "2", "k", "LEFT"],
      ["BLMPOP", "0", "1", "k", "LEFT", "COUNT"],
      ["BLMPOP", "0", "1", "k", "LEFT", "COUNT", "-5"],
      ["BLMPOP", "0", "1", "k", "LEFT", "FOO"],
      ["BLMPOP", "0", "1", "k"],
    ]);
  });

  test("blocking commands time out with the null array", async () => {
    await d.check([
      ["BLPOP", "k", "0.01"],
      ["BRPOP", "k", "j", "0.01"],
      ["BLMOVE", "k", "d", "LEFT", "RIGHT", "0.01"],
      ["BRPOPLPUSH", "k", "d", "0.01"],
      ["BLMPOP", "0.01", "2", "k", "j", "LEFT", "COUNT", "3"],
      ["BLPOP", "k", "0x0.1p-4"],
      ["EXISTS", "k", "d"],
    ]);
  });

  test("COMMAND GETKEYS finds LMPOP's and BLMPOP's keys", async () => {
    await d.check([
      ["COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"],
      ["COMMAND", "GETKEYS", "BLMPOP", "0", "3", "a", "b", "c", "RIGHT", "COUNT", "2"],
      ["COMMAND", "GETKEYS", "BLPOP", "a", "b", "0"],
      ["COMMAND", "GETKEYS", "BLMOVE", "a", "b", "LEFT", "LEFT", "0"],
    ]);
  });
});
