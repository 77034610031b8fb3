import { afterEach, describe, expect, test } from "bun:test";
import { createConsola } from "consola";
import { defaultConfig } from "../../../src/config.ts";
import { crc64 } from "../../../src/persist/crc64.ts";
import { ReplyWriter } from "../../../src/resp/writer.ts";
import { Client } from "../../../src/server/client.ts";
import { createCommandTable } from "../../../src/server/commands/index.ts";
import type { Propagated } from "../../../src/server/propagation.ts";
import { Server } from "../../../src/server/server.ts";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import { keyspaceDump } from "../../helpers/keyspace.ts";
import type { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

/** The contents of a bulk reply. */
function bulk(reply: string): string {
  if (!reply.startsWith("$") || reply.startsWith("$-1")) throw new Error(`not a bulk string: ${JSON.stringify(reply)}`);
  return reply.slice(reply.indexOf("\r\n") + 2, -2);
}

/** A DUMP payload around `body` (type byte and serialisation) with a correct trailer. */
function payload(body: string, version = 10): string {
  const head = Buffer.from(body + String.fromCharCode(version & 0xff, version >> 8), "latin1");
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(head));
  return head.latin1Slice() + crc.latin1Slice();
}

/** A reply that may differ by a few units (TTLs, idle times measured a moment apart). */
function near(tolerance: number): (reply: string) => string {
  return (reply) => {
    const match = /^:(\d+)\r\n$/.exec(reply);
    if (!match) return reply;
    return `:~${Math.round(Number(match[1]) / tolerance)}\r\n`;
  };
}

/** Deterministic bytes that LZF cannot shrink. */
function noise(length: number, seed = 1): string {
  let state = seed;
  let out = "";
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out += String.fromCharCode(state >>> 24);
  }
  return out;
}

/** Steps that DUMP each of `keys`. */
const dumps = (...keys: string[]): Step[] => keys.map((key) => ["DUMP", key]);

const STRINGS = [
  "", "v", "0", "1", "-1", "127", "128", "-128", "-129", "255", "32767", "32768", "-32768", "-32769", "2147483647", "2147483648",
  "-2147483648", "-2147483649", "12345678901", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "007", "-0",
  "+1", " 1", "1 ", "1.5", "a\x00b\xff\r\n", "x".repeat(20), "x".repeat(21), "ab".repeat(100), noise(21), noise(300), noise(5000),
  "hello world hello world hello world, this is a test of the compression; hello world hello world hello world",
];

describe("DUMP matches redis-server byte for byte", () => {
  test("strings: integer forms, LZF, binary, empty", async () => {
    const steps: Step[] = [];
    STRINGS.forEach((value, i) => steps.push(["SET", `s${i}`, value], ["DUMP", `s${i}`]));
    await d.check(steps);
  });

  test("strings without compression", async () => {
    const steps: Step[] = [["CONFIG", "SET", "rdbcompression", "no"]];
    STRINGS.forEach((value, i) => steps.push(["SET", `s${i}`, value], ["DUMP", `s${i}`]));
    steps.push(["CONFIG", "SET", "rdbcompression", "yes"]);
    await d.check(steps);
  });

  test("strings changed in place (SETRANGE, SETBIT, APPEND) and HyperLogLogs", async () => {
    await d.check([
      ["SETRANGE", "r", "30", "abc"], ["DUMP", "r"], ["SETBIT", "b", "100", "1"], ["DUMP", "b"], ["SET", "a", "12"], ["APPEND", "a", "3"], ["DUMP", "a"],
      ["PFADD", "h", "a", "b", "c"], ["DUMP", "h"],
    ]);
  });

  test("listpack hashes and sorted sets, intsets, lists", async () => {
    await d.check([
      ["HSET", "h", "f1", "v1", "num", "123", "big", "99999999999", "neg", "-5000", "bin", "\x00\xff\r\n", "empty", ""], ...dumps("h"),
      ["ZADD", "z", "-0", "a", "1.5", "b", "inf", "c", "0.1", "d", "12345", "e", "-inf", "f", "1e18", "g", "5e18", "h", "-3.25e-10", "i"], ...dumps("z"),
      ["SADD", "i16", "1", "2", "3", "-7"], ["SADD", "i32", "1", "70000"], ["SADD", "i64", "-1", "9223372036854775807", "5"], ...dumps("i16", "i32", "i64"),
      ["RPUSH", "l", "a", "b", "1", "-1", "300", "70000", "9999999999", "", "\x00\xff"], ...dumps("l"),
      ["HSET", "hz", "f".repeat(30), "v".repeat(40)], ...dumps("hz"),
    ]);
  });

  test("lists over several quicklist nodes, and node sizes from list-max-listpack-size", async () => {
    const values = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? String(i * 7919) : `element-${i}-${"x".repeat(i % 17)}`));
    const steps: Step[] = [["RPUSH", "l", ...values], ["DUMP", "l"], ["RPUSH", "big", "a", "x".repeat(9000), "b", "y".repeat(300)], ["DUMP", "big"]];
    for (const size of ["5", "-1", "-5"]) steps.push(["CONFIG", "SET", "list-max-listpack-size", size], ["DEL", "m"], ["RPUSH", "m", ...values.slice(0, 500)], ["DUMP", "m"]);
    steps.push(["CONFIG", "SET", "list-max-listpack-size", "-2"]);
    await d.check(steps);
  });

  test("missing keys, arity", async () => {
    await d.check([["DUMP", "nosuch"], ["DUMP"], ["DUMP", "a", "b"]]);
  });
});

/** Payloads redis-server made, by key, for the types whose DUMP bytes are its own to choose. */
async function redisPayloads(redis: RespConnection, setup: string[][], keys: string[]): Promise<Map<string, string>> {
  for (const args of setup) await redis.call(...args);
  const out = new Map<string, string>();
  for (const key of keys) out.set(key, bulk(await redis.call("DUMP", key)));
  await redis.call("FLUSHALL");
  return out;
}

/** Every type in small and large encodings. */
const ALL_TYPES: string[][] = [
  ["SET", "string", "hello"], ["SET", "int", "123456"], ["SET", "long", "ab".repeat(200)],
  ["RPUSH", "list", "a", "1", "\x00\xff"], ["RPUSH", "biglist", ...Array.from({ length: 2000 }, (_, i) => `item${i}`)],
  ["SADD", "intset", "3", "1", "2"], ["SADD", "set", "a", "b", "\x00"], ["SADD", "bigset", ...Array.from({ length: 600 }, (_, i) => String(i))],
  ["HSET", "hash", "f", "v", "n", "1"], ["HSET", "bighash", ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat()],
  ["HSET", "longhash", "f", "v".repeat(100)],
  ["ZADD", "zset", "1", "a", "2.5", "b"], ["ZADD", "bigzset", ...Array.from({ length: 300 }, (_, i) => [String(i / 3), `m${i}`]).flat()],
  ["ZADD", "longzset", "1", "m".repeat(100)],
];
const ALL_KEYS = ["string", "int", "long", "list", "biglist", "intset", "set", "bigset", "hash", "bighash", "longhash", "zset", "bigzset", "longzset"];

describe("RESTORE", () => {
  test("payloads cross both ways: Redis's into bunredis, bunredis's into Redis, for every type", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const [redis, bunredis] = await d.connect(protocol);
      for (const args of [["FLUSHALL"], ...ALL_TYPES]) await Promise.all([redis.call(...args), bunredis.call(...args)]);
      for (const key of ALL_KEYS) {
        const [fromRedis, fromBunredis] = (await Promise.all([redis.call("DUMP", key), bunredis.call("DUMP", key)])).map(bulk);
        expect(await bunredis.call("RESTORE", `r:${key}`, "0", fromRedis!)).toBe("+OK\r\n");
        expect(await redis.call("RESTORE", `b:${key}`, "0", fromBunredis!)).toBe("+OK\r\n");
        expect(await redis.call("RESTORE", `r:${key}`, "0", fromRedis!)).toBe("+OK\r\n");
        expect(await bunredis.call("RESTORE", `b:${key}`, "0", fromBunredis!)).toBe("+OK\r\n");
      }
      // Same keys, types, encodings and contents on both sides (hashtable orders aside).
      const [expected, actual] = await Promise.all([keyspaceDump(redis), keyspaceDump(bunredis)]);
      expect(actual).toEqual(expected);
      expect(actual.length).toBe(ALL_KEYS.length * 3);
    }
  });

  test("encodings after RESTORE follow the settings as Redis's loading does", async () => {
    if (d.skip) return;
    const [redis] = await d.connect();
    const payloads = await redisPayloads(redis, ALL_TYPES, ALL_KEYS);
    const steps: Step[] = [];
    const limits = [
      ["hash-max-listpack-entries", "1"], ["hash-max-listpack-value", "3"], ["zset-max-listpack-entries", "1"], ["zset-max-listpack-value", "3"],
      ["set-max-intset-entries", "2"],
    ];
    for (const [name, value] of limits) steps.push(["CONFIG", "SET", name!, value!]);
    for (const [key, bytes] of payloads) steps.push(["RESTORE", key, "0", bytes], ["OBJECT", "ENCODING", key]);
    for (const [name, value] of [["hash-max-listpack-entries", "1000"], ["hash-max-listpack-value", "1000"], ["zset-max-listpack-entries", "1000"], ["zset-max-listpack-value", "1000"], ["set-max-intset-entries", "1000"]]) {
      steps.push(["CONFIG", "SET", name!, value!]);
    }
    for (const [key, bytes] of payloads) steps.push(["RESTORE", `x${key}`, "0", bytes], ["OBJECT", "ENCODING", `x${key}`]);
    for (const [name, value] of [["hash-max-listpack-entries", "128"], ["hash-max-listpack-value", "64"], ["zset-max-listpack-entries", "128"], ["zset-max-listpack-value", "64"], ["set-max-intset-entries", "512"]]) {
      steps.push(["CONFIG", "SET", name!, value!]);
    }
    await d.check(steps);
  });

  test("options, BUSYKEY, TTL checks, in Redis's order", async () => {
    const p = payload("\x00\x01v");
    await d.check([
      ["SET", "k", "old"],
      ["RESTORE", "k", "0", p], ["RESTORE", "k", "x", p], ["RESTORE", "k", "0", "junk"], ["RESTORE", "k", "0", p, "FOO"], ["RESTORE", "k", "0", p, "REPLACE"], ["GET", "k"],
      ["RESTORE", "n", "-1", p], ["RESTORE", "n", "x", p], ["RESTORE", "n", "1.5", p], ["RESTORE", "n", "01", p], ["RESTORE", "n", "99999999999999999999", p],
      ["RESTORE", "n", "0", p, "IDLETIME"], ["RESTORE", "n", "0", p, "IDLETIME", "-1"], ["RESTORE", "n", "0", p, "IDLETIME", "x"], ["RESTORE", "n", "0", p, "FREQ"],
      ["RESTORE", "n", "0", p, "FREQ", "256"], ["RESTORE", "n", "0", p, "FREQ", "-1"], ["RESTORE", "n", "0", p, "FREQ", "x"], ["RESTORE", "n", "0", p, "IDLETIME", "1", "FREQ", "1"],
      ["RESTORE", "n", "0", p, "FREQ", "1", "IDLETIME", "1"], ["RESTORE", "n", "0", p, "replace", "absttl", "replace"], ["GET", "n"],
      ["RESTORE", "f", "0", p, "FREQ", "255"], ["OBJECT", "FREQ", "f"], ["RESTORE", "f2", "0", p, "FREQ", "0"],
      ["RESTORE"], ["RESTORE", "k"], ["RESTORE", "k", "0"], ["EXISTS", "n", "f", "f2"],
    ]);
  });

  test("payload errors: trailer (version, checksum) and bad data", async () => {
    const good = payload("\x00\x01v");
    const flipped = good.slice(0, 1) + "\x02" + good.slice(2);
    await d.check([
      ["RESTORE", "k", "0", ""], ["RESTORE", "k", "0", "123456789"], ["RESTORE", "k", "0", flipped], ["RESTORE", "k", "0", payload("\x00\x01v", 11)],
      ["RESTORE", "k", "0", payload("\x00\x01v", 9)], ["RESTORE", "k", "0", payload("\x00\x01v", 1)], ["GET", "k"],
      ["RESTORE", "k", "0", payload("\x08\x01v")], ["RESTORE", "k", "0", payload("\x2a\x01v")], ["RESTORE", "k", "0", payload("\xfe\x01")],
      ["RESTORE", "k", "0", payload("\x00\x05v")], ["RESTORE", "k", "0", payload("\x00\xc3\x03\x05\x00ab")], ["RESTORE", "k", "0", payload("\x00\xc4")],
      // Empty containers, a truncated listpack, a listpack with a wrong size, an intset of the wrong width.
      ["RESTORE", "k", "0", payload("\x02\x00")], ["RESTORE", "k", "0", payload("\x01\x00")], ["RESTORE", "k", "0", payload("\x04\x00")],
      ["RESTORE", "k", "0", payload("\x10\x05\x08\x00\x00\x00\x00")], ["RESTORE", "k", "0", payload("\x10\x07\x09\x00\x00\x00\x00\x00\xff")],
      ["RESTORE", "k", "0", payload("\x0b\x0c\x03\x00\x00\x00\x01\x00\x00\x00\x05\x00\x00\x00")],
      // Duplicates: set members, hash fields, zset members.
      ["RESTORE", "k", "0", payload("\x02\x02\x01a\x01a")], ["RESTORE", "k", "0", payload("\x04\x02\x01a\x01v\x01a\x01w")],
      ["RESTORE", "k", "0", payload("\x05\x02\x01a" + "\x00".repeat(8) + "\x01a" + "\x00".repeat(8))],
      ["RESTORE", "k", "0", payload("\x05\x01\x01a" + "\x00\x00\x00\x00\x00\x00\xf8\x7f")],
      ["EXISTS", "k"],
    ]);
  });

  test("payloads in old encodings: ziplists, zipmap, quicklist of ziplists, plain types, text scores", async () => {
    const ziplist = (entries: string[]): string => {
      let body = "";
      let previous = 0;
      let lastStart = 10;
      for (const entry of entries) {
        lastStart = 10 + body.length;
        const integer = /^-?\d+$/.test(entry) && Math.abs(Number(entry)) < 2 ** 31;
        let encoded: string;
        if (integer && Number(entry) >= 0 && Number(entry) <= 12) encoded = String.fromCharCode(0xf1 + Number(entry));
        else if (integer) {
          const b = Buffer.alloc(4);
          b.writeInt32LE(Number(entry));
          encoded = "\xd0" + b.latin1Slice();
        } else encoded = String.fromCharCode(entry.length) + entry;
        const item = String.fromCharCode(previous) + encoded;
        previous = item.length;
        body += item;
      }
      const header = Buffer.alloc(10);
      header.writeUInt32LE(10 + body.length + 1, 0);
      header.writeUInt32LE(lastStart, 4);
      header.writeUInt16LE(entries.length, 8);
      return header.latin1Slice() + body + "\xff";
    };
    const string = (text: string): string => (text.length < 64 ? String.fromCharCode(text.length) : String.fromCharCode(0x40 | (text.length >> 8), text.length & 0xff)) + text;
    const zipmap = "\x02\x01a\x02\x00v1\x01b\x03\x01v22x\xff";
    await d.check([
      ["RESTORE", "list", "0", payload("\x0a" + string(ziplist(["a", "7", "-100000", "hello"])))], ["LRANGE", "list", "0", "-1"], ["OBJECT", "ENCODING", "list"],
      ["RESTORE", "ql", "0", payload("\x0e\x02" + string(ziplist(["a", "b"])) + string(ziplist(["3"])))], ["LRANGE", "ql", "0", "-1"],
      ["RESTORE", "zz", "0", payload("\x0c" + string(ziplist(["c", "-inf", "a", "1", "b", "2.5"])))], ["ZRANGE", "zz", "0", "-1", "WITHSCORES"], ["OBJECT", "ENCODING", "zz"],
      ["RESTORE", "hz", "0", payload("\x0d" + string(ziplist(["f", "v", "n", "12"])))], ["HGETALL", "hz"], ["OBJECT", "ENCODING", "hz"],
      ["RESTORE", "zm", "0", payload("\x09" + string(zipmap))], ["HGETALL", "zm"], ["OBJECT", "ENCODING", "zm"],
      ["RESTORE", "pl", "0", payload("\x01\x03\x01a\xc0\x05\x00")], ["LRANGE", "pl", "0", "-1"],
      ["RESTORE", "ps", "0", payload("\x02\x03\xc0\x05\x01a\xc0\x07")], ["SCARD", "ps"], ["OBJECT", "ENCODING", "ps"],
      ["RESTORE", "pi", "0", payload("\x02\x02\xc0\x05\xc0\x07")], ["SMEMBERS", "pi"], ["OBJECT", "ENCODING", "pi"],
      ["RESTORE", "zt", "0", payload("\x03\x03\x01a\x031.5\x01b\xfe\x01c\xff")], ["ZRANGE", "zt", "0", "-1", "WITHSCORES"], ["OBJECT", "ENCODING", "zt"],
      ["RESTORE", "ph", "0", payload("\x04\x01\x01f\x01v")], ["HGETALL", "ph"], ["OBJECT", "ENCODING", "ph"],
      ["RESTORE", "q2", "0", payload("\x12\x02\x01\x05plain\x02" + string("\x0b\x00\x00\x00\x01\x00\x81x\x02\xff"))], ["LRANGE", "q2", "0", "-1"],
    ]);
  });

  test("TTL: relative, absolute, in the past, with REPLACE", async () => {
    const p = payload("\x00\x01v");
    const future = String(Date.now() + 100_000_000);
    await d.check([
      ["RESTORE", "rel", "100000000", p], { args: ["PTTL", "rel"], normalize: near(10_000) },
      ["RESTORE", "abs", future, p, "ABSTTL"], { args: ["PTTL", "abs"], normalize: near(10_000) },
      ["RESTORE", "past", "1", p, "ABSTTL"], ["EXISTS", "past"],
      ["SET", "old", "x"], ["RESTORE", "old", "1", p, "ABSTTL", "REPLACE"], ["EXISTS", "old"],
      ["RESTORE", "wrap", "9223372036854775807", p], ["EXISTS", "wrap"],
      ["RESTORE", "far", "9223372036854775807", p, "ABSTTL"], ["PEXPIRETIME", "far"],
      ["SET", "keep", "x", "EX", "1000"], ["RESTORE", "keep", "0", p, "REPLACE"], ["TTL", "keep"],
    ]);
  });

  test("IDLETIME sets the access time; FREQ needs an LFU policy to show", async () => {
    const p = payload("\x00\x01v");
    await d.check([
      ["RESTORE", "a", "0", p, "IDLETIME", "1000"], { args: ["OBJECT", "IDLETIME", "a"], normalize: near(5) },
      ["RESTORE", "b", "0", p, "IDLETIME", "0"], { args: ["OBJECT", "IDLETIME", "b"], normalize: near(5) },
      ["RESTORE", "c", "0", p, "FREQ", "10"], ["OBJECT", "FREQ", "c"], { args: ["OBJECT", "IDLETIME", "c"], normalize: near(5) },
    ]);
  });

  test("RESTORE announces `restore` (and `del` for a key replaced by an expired one)", async () => {
    if (d.skip) return;
    const p = payload("\x00\x01v");
    for (const protocol of [2, 3] as const) {
      const [redisSub, bunredisSub] = await d.connect(protocol);
      const [redis, bunredis] = await d.connect(2);
      const both = (...args: string[]) => Promise.all([redis.call(...args), bunredis.call(...args)]);
      await both("FLUSHALL");
      await both("CONFIG", "SET", "notify-keyspace-events", "KEA");
      await Promise.all([redisSub.call("PSUBSCRIBE", "__key*__:*"), bunredisSub.call("PSUBSCRIBE", "__key*__:*")]);
      await both("RESTORE", "k", "0", p);
      await both("SET", "x", "1");
      await both("RESTORE", "x", "1", p, "REPLACE", "ABSTTL");
      // restore k (keyspace, keyevent), set x (two), del x (two): the expired RESTORE deleted it.
      const read = async (sub: RespConnection) => {
        const messages: string[] = [];
        for (let i = 0; i < 6; i++) messages.push(await sub.read());
        return messages;
      };
      expect(await read(bunredisSub)).toEqual(await read(redisSub));
      await both("CONFIG", "SET", "notify-keyspace-events", "");
    }
  });

  test("RESTORE wakes a client blocked on the key", async () => {
    if (d.skip) return;
    const list = payload("\x12\x01\x02" + "\x0d\x0d\x00\x00\x00\x02\x00\x81a\x02\x81b\x02\xff");
    const [redisWaiter, bunredisWaiter] = await d.connect(2);
    const [redis, bunredis] = await d.connect(2);
    for (const waiter of [redisWaiter, bunredisWaiter]) waiter.sendRaw("*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n");
    for (const connection of [redis, bunredis]) {
      while (!(await connection.call("INFO", "clients")).includes("blocked_clients:1")) await Bun.sleep(5);
    }
    expect(await bunredis.call("RESTORE", "q", "0", list)).toBe(await redis.call("RESTORE", "q", "0", list));
    expect(await bunredisWaiter.read()).toBe(await redisWaiter.read());
    expect(await bunredis.call("LRANGE", "q", "0", "-1")).toBe(await redis.call("LRANGE", "q", "0", "-1"));
  });
});

/** A bunredis server in this process with a clock the test sets, and what it propagates. */
function inProcess() {
  const clock = { time: 1_700_000_000_000, now: () => clock.time };
  const server = new Server(defaultConfig(), createConsola({ level: -999 }), clock, createCommandTable(), () => {});
  const propagated: Propagated[] = [];
  server.propagation.sink = (db, args) => propagated.push({ db, args });
  const client = new Client(1, "test:1", "test:0", 0, clock.time, false);
  const reply = new ReplyWriter();
  const call = (...args: string[]) => {
    reply.reset();
    server.execute(client, args, reply);
    return reply.bytes().latin1Slice(0, reply.length);
  };
  return { server, clock, call, propagated };
}

const local: ReturnType<typeof inProcess>[] = [];
afterEach(() => {
  for (const each of local.splice(0)) each.server.close();
});

describe("RESTORE's propagation", () => {
  test("a relative TTL is handed on as an absolute one with ABSTTL; an expired one with REPLACE as DEL", () => {
    const each = inProcess();
    local.push(each);
    const p = payload("\x00\x01v");
    expect(each.call("RESTORE", "k", "5000", p, "REPLACE")).toBe("+OK\r\n");
    expect(each.call("RESTORE", "a", String(each.clock.time + 10), p, "ABSTTL")).toBe("+OK\r\n");
    expect(each.call("RESTORE", "n", "0", p)).toBe("+OK\r\n");
    expect(each.call("RESTORE", "k", "1", p, "ABSTTL", "REPLACE")).toBe("+OK\r\n");
    expect(each.call("RESTORE", "gone", "1", p, "ABSTTL")).toBe("+OK\r\n");
    expect(each.propagated.map((command) => command.args)).toEqual([
      ["RESTORE", "k", String(each.clock.time + 5000), p, "REPLACE", "ABSTTL"],
      ["RESTORE", "a", String(each.clock.time + 10), p, "ABSTTL"],
      ["RESTORE", "n", "0", p],
      ["DEL", "k"],
    ]);
  });

  test("IDLETIME shows in OBJECT IDLETIME, wrapping as Redis's 24-bit LRU clock does", () => {
    const each = inProcess();
    local.push(each);
    const p = payload("\x00\x01v");
    each.call("RESTORE", "a", "0", p, "IDLETIME", "1234");
    expect(each.call("OBJECT", "IDLETIME", "a")).toBe(":1234\r\n");
    // 2^24 - 1 seconds is a whole turn of the clock.
    each.call("RESTORE", "b", "0", p, "IDLETIME", String(2 ** 24 - 1 + 10));
    expect(each.call("OBJECT", "IDLETIME", "b")).toBe(":10\r\n");
  });
});

/** Values of every listpack encoding: integers of each width, integer-like strings, binary, long. */
const STREAM_VALUES = [
  "0", "127", "128", "-1", "4095", "-4096", "4096", "32767", "-32768", "8388607", "-8388608", "2147483647", "-2147483649", "9223372036854775807",
  "-9223372036854775808", "9223372036854775808", "-0", "007", "1.5", "", "\x00\xff\r\n", "v".repeat(63), "w".repeat(64), "x".repeat(4095), "y".repeat(4096),
];

/** XADDs of one stream: shared fields (SAMEFIELDS), other fields, the values above, ids far apart. */
function streamEntries(key: string): string[][] {
  const steps: string[][] = [];
  STREAM_VALUES.forEach((value, i) => steps.push(["XADD", key, `${1000 + i}-${i % 3}`, "field", value, "n", String(i)]));
  steps.push(["XADD", key, "2000-0", "other", "1", "\x00bin\xff", "2"], ["XADD", key, "2000-5", "field", "a"], ["XADD", key, "2000-6", "field", "a", "n", "b"]);
  steps.push(["XADD", key, "9007199254740993-0", "big", "1"], ["XADD", key, "18446744073709551615-18446744073709551614", "last", "1"]);
  return steps;
}

/** XINFO STREAM FULL with the idle-independent parts only (7.0 prints absolute times, equal for equal payloads). */
const full = (key: string): string[] => ["XINFO", "STREAM", key, "FULL"];

describe("streams: DUMP matches redis-server byte for byte", () => {
  test("entries of every encoding, SAMEFIELDS and not, 64-bit ids, a negative seq delta", async () => {
    await d.check([...streamEntries("s"), ["DUMP", "s"], ["XADD", "d", "5-3", "f", "1"], ["XADD", "d", "6-0", "f", "2"], ["XADD", "d", "7-1", "g", "3"], ["DUMP", "d"]]);
  });

  test("without compression; many nodes by entries and by bytes; approximate trimming", async () => {
    const many = Array.from({ length: 250 }, (_, i) => ["XADD", "many", `${i + 1}-0`, "f", `value-${i}`, "g", String(i * 1000)]);
    await d.check([
      ["CONFIG", "SET", "rdbcompression", "no"], ...streamEntries("s"), ["DUMP", "s"], ["CONFIG", "SET", "rdbcompression", "yes"],
      ...many, ["DUMP", "many"], ["XTRIM", "many", "MAXLEN", "~", "120"], ["XLEN", "many"], ["DUMP", "many"],
      ["CONFIG", "SET", "stream-node-max-entries", "7"], ...many.slice(0, 40).map((args) => args.map((arg) => (arg === "many" ? "seven" : arg))), ["DUMP", "seven"],
      ["CONFIG", "SET", "stream-node-max-entries", "0"], ["CONFIG", "SET", "stream-node-max-bytes", "300"],
      ...many.slice(0, 40).map((args) => args.map((arg) => (arg === "many" ? "bytes" : arg))), ["DUMP", "bytes"],
      ["CONFIG", "SET", "stream-node-max-entries", "100"], ["CONFIG", "SET", "stream-node-max-bytes", "4096"],
    ]);
  });

  test("empty streams (all entries deleted, MKSTREAM), XSETID's ids and counters, tombstones of empty values", async () => {
    await d.check([
      ["XADD", "e", "1-1", "f", "v"], ["XADD", "e", "1-2", "f", "v"], ["XDEL", "e", "1-1", "1-2"], ["DUMP", "e"],
      ["XGROUP", "CREATE", "m", "g", "$", "MKSTREAM"], ["DUMP", "m"],
      ["XADD", "x", "5-5", "f", "v"], ["XSETID", "x", "18446744073709551615-18446744073709551615", "ENTRIESADDED", "9007199254740991", "MAXDELETEDID", "9-9"], ["DUMP", "x"],
      ["XADD", "t", "1-1", "f", ""], ["XADD", "t", "1-2", "f", ""], ["XADD", "t", "1-3", "f", ""], ["XDEL", "t", "1-2"], ["DUMP", "t"],
    ]);
  });

  test("tombstones keep their strings: XDEL, exact trims inside a node, SAMEFIELDS or not, integers, binary values", async () => {
    const tombs = Array.from({ length: 40 }, (_, i) => ["XADD", "t", `${i + 1}-${i % 4}`, ...(i % 5 === 0 ? ["other", String(i * 1000)] : ["f", STREAM_VALUES[i % STREAM_VALUES.length]!, "n", String(-i)])]);
    await d.check([
      ...tombs, ["XDEL", "t", "1-0", "2-1", "6-1", "7-2", "20-3", "40-3"], ["DUMP", "t"], ["XTRIM", "t", "MAXLEN", "=", "25"], ["DUMP", "t"],
      ["XTRIM", "t", "MINID", "30-0"], ["DUMP", "t"], ["CONFIG", "SET", "rdbcompression", "no"], ["DUMP", "t"], ["CONFIG", "SET", "rdbcompression", "yes"],
      ...streamEntries("s"), ["XDEL", "s", "1000-0", "1003-0", "2000-0", "2000-6", "9007199254740993-0"], ["DUMP", "s"],
      // Entries after a tombstone with a larger id (XSETID), and entries below their node's key.
      ["XADD", "l", "1-1", "f", "v"], ["XADD", "l", "1-5", "f", "gone"], ["XDEL", "l", "1-5"], ["XSETID", "l", "1-1"], ["XADD", "l", "1-3", "f", "w"],
      ["XADD", "l", "1-5", "g", "x"], ["XDEL", "l", "1-3"], ["DUMP", "l"],
      ["XADD", "b", "5-1", "f", "v"], ["XADD", "b", "5-2", "f", "v"], ["XDEL", "b", "5-1", "5-2"], ["XSETID", "b", "0-1", "MAXDELETEDID", "0-0"], ["XADD", "b", "0-2", "f", "w"],
      ["XADD", "b", "0-3", "f", "x"], ["XDEL", "b", "0-2"], ["DUMP", "b"],
    ]);
  });

  test("consumer groups without consumers: names in byte order, ids, entries-read", async () => {
    await d.check([
      ...streamEntries("s"), ["XGROUP", "CREATE", "s", "zeta", "0"], ["XGROUP", "CREATE", "s", "alpha", "$"], ["XGROUP", "CREATE", "s", "123", "1005-0", "ENTRIESREAD", "3"],
      ["XGROUP", "CREATE", "s", "\x00\xff", "18446744073709551615-18446744073709551614"], ["XGROUP", "SETID", "s", "alpha", "1000", "ENTRIESREAD", "9007199254740991"],
      ["DUMP", "s"],
    ]);
  });
});

/** A node key (id 0-1) as an RDB string. */
const NODE_KEY = "\x10" + "\x00".repeat(15) + "\x01";
/** Its listpack as an RDB string: master (1 live, 0 deleted, field "f", 0), one SAMEFIELDS entry 0-1 with value "v". */
const NODE = "\x1d" + "\x1d\x00\x00\x00\x0a\x00" + "\x01\x01\x00\x01\x01\x01\x81f\x02\x00\x01" + "\x02\x01\x00\x01\x00\x01\x81v\x02\x04\x01" + "\xff";
/** After the length, in RDB_TYPE_STREAM_LISTPACKS_2: last id 0-1, first id 0-1, max deleted id 0-0, entries added 1. */
const V2_METADATA = "\x00\x01\x00\x01\x00\x00\x01";

/** Streams of several shapes, built by the same commands on both servers. */
const STREAM_SHAPES: string[][] = [
  ...streamEntries("plain"),
  ["XADD", "groups", "1-1", "a", "1"], ["XADD", "groups", "1-2", "a", "2"], ["XADD", "groups", "2-1", "b", "3"], ["XADD", "groups", "3-0", "a", "4"],
  ["XGROUP", "CREATE", "groups", "g1", "0"], ["XGROUP", "CREATE", "groups", "g2", "0"], ["XGROUP", "CREATE", "groups", "idle", "$"],
  ["XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "groups", ">"], ["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "1", "STREAMS", "groups", ">"],
  ["XREADGROUP", "GROUP", "g2", "carol", "STREAMS", "groups", ">"], ["XCLAIM", "groups", "g2", "dave", "0", "2-1", "TIME", "1600000000000", "RETRYCOUNT", "7"],
  ["XGROUP", "CREATECONSUMER", "groups", "g1", "nobody"], ["XACK", "groups", "g2", "1-1"],
  ...Array.from({ length: 30 }, (_, i) => ["XADD", "tombs", `${i + 1}-0`, "f", `v${i}`, ...(i % 4 === 0 ? ["extra", "x"] : [])]),
  ["XDEL", "tombs", "2-0", "3-0", "5-0", "17-0", "30-0"], ["XGROUP", "CREATE", "tombs", "g", "0"], ["XREADGROUP", "GROUP", "g", "c", "COUNT", "3", "STREAMS", "tombs", ">"],
  ["XADD", "huge", "18446744073709551615-18446744073709551613", "f", "v"], ["XADD", "huge", "18446744073709551615-18446744073709551614", "f", "w"],
  ["XGROUP", "CREATE", "huge", "g", "0"], ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "huge", ">"],
  ...Array.from({ length: 260 }, (_, i) => ["XADD", "nodes", `${i + 1}-0`, "f", String(i)]), ["XTRIM", "nodes", "MINID", "50"],
  ["XADD", "empty", "1-1", "f", "v"], ["XDEL", "empty", "1-1"], ["XGROUP", "CREATE", "empty", "g", "$"],
  ["XADD", "setid", "5-5", "f", "v"], ["XSETID", "setid", "10-0", "ENTRIESADDED", "9007199254740993", "MAXDELETEDID", "7-7"],
];
const STREAM_KEYS = ["plain", "groups", "tombs", "huge", "nodes", "empty", "setid"];

/** What must match after payloads crossed: entries, metadata, groups, consumers, PELs (times included: the same payload carries them). */
const streamChecks = (key: string): Step[] => [
  ["XRANGE", key, "-", "+"], ["XINFO", "STREAM", key], full(key), ["XINFO", "GROUPS", key], ["OBJECT", "ENCODING", key], ["TYPE", key],
];

describe("streams: RESTORE", () => {
  test("payloads cross both ways and give the same streams (RESP2 and RESP3)", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const [redis, bunredis] = await d.connect(protocol);
      for (const args of [["FLUSHALL"], ...STREAM_SHAPES]) await Promise.all([redis.call(...args), bunredis.call(...args)]);
      const payloads = new Map<string, string>();
      for (const key of STREAM_KEYS) {
        const [fromRedis, fromBunredis] = (await Promise.all([redis.call("DUMP", key), bunredis.call("DUMP", key)])).map(bulk);
        payloads.set(key, fromRedis!);
        for (const connection of [redis, bunredis]) {
          expect(await connection.call("RESTORE", `r:${key}`, "0", fromRedis!)).toBe("+OK\r\n");
          expect(await connection.call("RESTORE", `b:${key}`, "0", fromBunredis!)).toBe("+OK\r\n");
        }
      }
      for (const key of STREAM_KEYS) {
        // The same payload in both servers: the same stream, delivery and seen times included.
        for (const step of [...streamChecks(`r:${key}`), ...streamChecks(`b:${key}`)]) {
          const args = step as string[];
          const [expected, actual] = await Promise.all([redis.call(...args), bunredis.call(...args)]);
          if (actual !== expected) throw new Error(`RESP${protocol} ${JSON.stringify(args)}:\n  redis:    ${JSON.stringify(expected)}\n  bunredis: ${JSON.stringify(actual)}`);
        }
        // bunredis's own payload gives back the stream it was made from.
        expect(await bunredis.call(...full(`b:${key}`))).toBe(await bunredis.call(...full(key)));
        // Redis's payload restored here dumps to the same bytes, tombstones included.
        expect(bulk(await bunredis.call("DUMP", `r:${key}`))).toBe(payloads.get(key)!);
      }
    }
  });

  test("restored streams keep working: XADD continues the ids, groups read, claim and acknowledge", async () => {
    if (d.skip) return;
    const [redis] = await d.connect();
    const payloads = await redisPayloads(redis, STREAM_SHAPES, STREAM_KEYS);
    // Idle times: XINFO CONSUMERS's `idle` field, XPENDING's third element.
    const idle = (reply: string) => reply.replace(/idle\r\n:\d+\r\n/g, "idle\r\n:~\r\n").replace(/:\d+\r\n(?=:\d+\r\n)/g, ":~\r\n");
    const steps: Step[] = [];
    for (const [key, bytes] of payloads) steps.push(["RESTORE", key, "0", bytes]);
    steps.push(
      ["XADD", "groups", "*", "new", "1"].map((arg) => (arg === "*" ? "3-*" : arg)), ["XADD", "groups", "3-0", "dup", "1"], ["XADD", "huge", "*", "f", "v"],
      ["XADD", "huge", "18446744073709551615-*", "f", "v"], ["XADD", "setid", "10-*", "f", "v"], ["XADD", "empty", "2-*", "f", "v"], ["XADD", "nodes", "300-*", "f", "v"],
      ["XREADGROUP", "GROUP", "g1", "bob", "STREAMS", "groups", "0"], ["XREADGROUP", "GROUP", "g1", "erin", "STREAMS", "groups", ">"],
      ["XREADGROUP", "GROUP", "idle", "x", "STREAMS", "groups", ">"], ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "tombs", ">"],
      ["XPENDING", "groups", "g1"], ["XPENDING", "groups", "g2"], { args: ["XPENDING", "groups", "g2", "-", "+", "10"], normalize: idle },
      ["XCLAIM", "groups", "g1", "zed", "0", "1-1", "1-2", "JUSTID"], ["XAUTOCLAIM", "groups", "g2", "zed", "0", "0", "JUSTID"], ["XACK", "groups", "g1", "1-1", "2-1"],
      ["XINFO", "GROUPS", "groups"], { args: ["XINFO", "CONSUMERS", "groups", "g1"], normalize: idle }, ["XINFO", "GROUPS", "tombs"], ["XINFO", "GROUPS", "setid"],
      ["XGROUP", "CREATE", "setid", "late", "0"], ["XINFO", "GROUPS", "setid"], ["XINFO", "STREAM", "empty"], ["XLEN", "nodes"], ["XTRIM", "nodes", "MAXLEN", "~", "100"],
      ["XINFO", "STREAM", "nodes"], ["XDEL", "tombs", "4-0", "6-0"], ["XINFO", "STREAM", "tombs"], ["XRANGE", "tombs", "-", "+", "COUNT", "3"], ["XREVRANGE", "huge", "+", "-"],
    );
    await d.check(steps);
  });

  test("XSETID below tombstones: entries below a tombstone, nodes Redis files out of creation order", async () => {
    if (d.skip) return;
    const [redis] = await d.connect();
    const setup = [
      ["XADD", "l", "1-1", "f", "v"], ["XADD", "l", "1-5", "f", "v"], ["XDEL", "l", "1-5"], ["XSETID", "l", "1-1", "MAXDELETEDID", "0-0"], ["XADD", "l", "1-3", "f", "w"],
      // A node of tombstones only, then a last id below its key: the new nodes sort before it.
      ["CONFIG", "SET", "stream-node-max-entries", "2"], ["XADD", "r", "1-1", "f", "v"], ["XADD", "r", "1-5", "f", "v"], ["XDEL", "r", "1-5"],
      ["XSETID", "r", "1-1", "MAXDELETEDID", "0-0"], ["XTRIM", "r", "MINID", "1-2"], ["XSETID", "r", "0-5", "MAXDELETEDID", "0-0"],
      ["XADD", "r", "0-6", "f", "v"], ["XADD", "r", "0-7", "f", "v"], ["XADD", "r", "0-8", "f", "v"], ["CONFIG", "SET", "stream-node-max-entries", "100"],
    ];
    const payloads = await redisPayloads(redis, setup, ["l", "r"]);
    const steps: Step[] = [["CONFIG", "SET", "stream-node-max-entries", "2"]];
    for (const [key, bytes] of payloads) steps.push(["RESTORE", key, "0", bytes], full(key), ["XRANGE", key, "-", "+"]);
    steps.push(
      ["XADD", "l", "1-4", "f", "x"], ["XADD", "l", "1-5", "f", "y"], full("l"), ["XRANGE", "l", "-", "+"],
      ["XREVRANGE", "r", "+", "-"], ["XRANGE", "r", "0-7", "+", "COUNT", "1"],
      ["CONFIG", "SET", "stream-node-max-entries", "100"],
    );
    await d.check(steps);
  });

  test("MEMORY USAGE of a restored stream is Redis's (listpacks loaded at their exact size), and stays so as it grows", async () => {
    if (d.skip) return;
    const [redis] = await d.connect();
    const payloads = await redisPayloads(redis, STREAM_SHAPES, STREAM_KEYS);
    const steps: Step[] = [];
    for (const [key, bytes] of payloads) {
      steps.push(["RESTORE", key, "0", bytes], ["MEMORY", "USAGE", key], ["MEMORY", "USAGE", key, "SAMPLES", "0"]);
      steps.push(["XADD", key, "18446744073709551615-18446744073709551615", "f", "v".repeat(300)], ["MEMORY", "USAGE", key, "SAMPLES", "0"]);
    }
    await d.check(steps);
  });

  test("a stream with tombstones reloads with the node sizes it had: later XADDs open nodes and ~ trims cut where Redis does", async () => {
    if (d.skip) return;
    const entries = (key: string, from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ["XADD", key, `${from + i}-0`, "f", "x".repeat(20 + ((from + i) % 7) * 9)]);
    const setup = [["CONFIG", "SET", "stream-node-max-bytes", "1000"], ...entries("s", 1, 60), ["XDEL", "s", "3-0", "4-0", "9-0", "15-0", "58-0", "59-0"], ["XTRIM", "s", "MINID", "21"]];
    const steps: Step[] = [...setup];
    // Each server reloads its own payload: a node's size after reloading decides where the next entries go.
    for (const step of [["DUMP", "s"], ["MEMORY", "USAGE", "s"], ["XINFO", "STREAM", "s"]]) steps.push(step);
    await d.check(steps);
    for (const protocol of [2, 3] as const) {
      const [redis, bunredis] = await d.connect(protocol);
      for (const connection of [redis, bunredis]) {
        await connection.call("FLUSHALL");
        for (const args of setup) await connection.call(...args);
        const payload = bulk(await connection.call("DUMP", "s"));
        expect(await connection.call("RESTORE", "s", "0", payload, "REPLACE")).toBe("+OK\r\n");
      }
      const after: string[][] = [
        ...entries("s", 61, 40), ["XINFO", "STREAM", "s"], ["XTRIM", "s", "MAXLEN", "~", "50"], ["XLEN", "s"], ["XADD", "s", "MAXLEN", "~", "30", "200-0", "f", "v"],
        ["XINFO", "STREAM", "s"], ["MEMORY", "USAGE", "s"], ["DUMP", "s"], ["CONFIG", "SET", "stream-node-max-bytes", "4096"],
      ];
      for (const args of after) {
        const [expected, actual] = await Promise.all([redis.call(...args), bunredis.call(...args)]);
        if (actual !== expected) throw new Error(`RESP${protocol} ${JSON.stringify(args)}:\n  redis:    ${JSON.stringify(expected)}\n  bunredis: ${JSON.stringify(actual)}`);
      }
    }
  });

  test("corrupt stream payloads: Bad data format (what Redis refuses without deep sanitization)", async () => {
    const stream = (body: string) => payload("\x13" + body);
    const withNode = (groups: string) => stream("\x01" + NODE_KEY + NODE + "\x01" + V2_METADATA + groups);
    const id = NODE_KEY.slice(1);
    const time = "\x00".repeat(8);
    if (!d.skip) expect((await d.run([["RESTORE", "ok", "0", withNode("\x00")]]))[0]).toEqual(["+OK\r\n"]);
    await d.check([
      ["RESTORE", "ok", "0", withNode("\x00")], ["XRANGE", "ok", "-", "+"],
      // A node key of 15 bytes; an empty listpack; a listpack whose header size is wrong; entries but no nodes.
      ["RESTORE", "k", "0", stream("\x01\x0f" + "\x00".repeat(15) + NODE + "\x01" + V2_METADATA + "\x00")],
      ["RESTORE", "k", "0", stream("\x01" + NODE_KEY + "\x07\x07\x00\x00\x00\x00\x00\xff" + "\x00" + V2_METADATA + "\x00")],
      ["RESTORE", "k", "0", stream("\x01" + NODE_KEY + "\x1d\x1c" + NODE.slice(2) + "\x01" + V2_METADATA + "\x00")],
      ["RESTORE", "k", "0", stream("\x00\x01" + V2_METADATA + "\x00")],
      // Two groups of one name; a PEL id twice; a consumer owning an id not pending; two consumers of one name.
      ["RESTORE", "k", "0", withNode("\x02" + "\x01g\x00\x00\x00\x00\x00".repeat(2))],
      ["RESTORE", "k", "0", withNode("\x01\x01g\x00\x00\x00\x02" + (id + time + "\x01").repeat(2) + "\x00")],
      ["RESTORE", "k", "0", withNode("\x01\x01g\x00\x00\x00\x00\x01\x01c" + time + "\x01" + id)],
      ["RESTORE", "k", "0", withNode("\x01\x01g\x00\x00\x00\x00\x02" + ("\x01c" + time + "\x00").repeat(2))],
      // Cut short: before the groups, inside the first node.
      ["RESTORE", "k", "0", stream("\x01" + NODE_KEY + NODE + "\x01" + V2_METADATA)], ["RESTORE", "k", "0", stream("\x01" + NODE_KEY + NODE.slice(0, 10))],
      ["EXISTS", "k"],
    ]);
  });

  test("RDB_TYPE_STREAM_LISTPACKS (6.x) payloads: first id, entries added and groups' read counters derived as Redis does", async () => {
    const id = NODE_KEY.slice(1);
    const le64 = (n: number) => {
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64LE(BigInt(n));
      return bytes.latin1Slice();
    };
    // One node, length 1, last id 0-1; group g at 0-1 with 0-1 pending (delivered at 1000, twice) to consumer c (seen at 2000); group h at 0-0.
    const groups = "\x02" + "\x01g\x00\x01\x01" + id + le64(1000) + "\x02" + "\x01\x01c" + le64(2000) + "\x01" + id + "\x01h\x00\x00\x00\x00";
    const node = payload("\x0f\x01" + NODE_KEY + NODE + "\x01\x00\x01" + groups);
    // No node, length 0, last id 5-5, group g at 0-0.
    const empty = payload("\x0f\x00\x00\x05\x05\x01\x01g\x00\x00\x00\x00");
    if (!d.skip) expect((await d.run([["RESTORE", "old", "0", node], ["RESTORE", "none", "0", empty]]))[0]).toEqual(["+OK\r\n", "+OK\r\n"]);
    await d.check([
      ["RESTORE", "old", "0", node], full("old"), ["XINFO", "GROUPS", "old"], ["XADD", "old", "7-*", "f", "w"], ["XINFO", "GROUPS", "old"], ["DUMP", "old"],
      ["RESTORE", "none", "0", empty], full("none"), ["XINFO", "GROUPS", "none"], ["XADD", "none", "6-*", "f", "v"], full("none"), ["DUMP", "none"],
    ]);
  });
});
