/**
 * RDB files between redis-server and bunredis, both ways: a file Redis saved is decoded here and
 * must give what Redis itself serves (contents, expiry times, and the encodings Redis has after
 * DEBUG RELOAD); a file written here must load into redis-server with the same contents.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig, setParam } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { RdbReader, RdbWriter } from "../../src/persist/rdb.ts";
import { createCommandTable } from "../../src/server/commands/index.ts";
import { RedisHandler } from "../../src/server/handler.ts";
import { Server } from "../../src/server/server.ts";
import { systemClock } from "../../src/store/keyspace.ts";
import { listen, type TcpServer } from "../../src/tcp/server.ts";
import { keyspaceDump } from "../helpers/keyspace.ts";
import { HAVE_REDIS, startRedisServer, type RedisServerProcess } from "../helpers/oracle.ts";
import { tempDir } from "../helpers/process.ts";
import { RespConnection } from "../helpers/resp.ts";

/** Databases the data set uses. */
const DATABASES = [0, 1, 3];

const FUNCTION_CODE = "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 'from the library' end)";

/** Every type in each encoding, integers of every width, binary data, expiries, history-dependent encodings. */
function dataSet(): string[][] {
  const far = String(Date.now() + 10 * 365 * 86400 * 1000);
  return [
    ["SELECT", "0"],
    ["SET", "empty", ""], ["SET", "word", "hello"], ["SET", "bin\x00key\xff", "\x00\x01\xff\r\n"], ["SET", "long", "compressible ".repeat(100)],
    ["SET", "noise", Array.from({ length: 500 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join("")],
    ...["0", "-1", "127", "-128", "128", "32767", "-32769", "2147483647", "-2147483649", "9223372036854775807", "-9223372036854775808", "0123", "1e5"].map((n, i) => ["SET", `int${i}`, n]),
    ["SETRANGE", "ranged", "10", "abc"], ["PFADD", "hll", "a", "b", "c"],
    ["RPUSH", "list", "a", "1", "-2", "70000", "9999999999", "", "\x00\xff"], ["RPUSH", "biglist", ...Array.from({ length: 3000 }, (_, i) => `item-${i}-${"x".repeat(i % 30)}`)],
    ["RPUSH", "hugeitem", "small", "y".repeat(20000), "small2"],
    ["SADD", "set16", "1", "2", "-3"], ["SADD", "set32", "100000", "-1"], ["SADD", "set64", "9223372036854775807", "-9223372036854775808"],
    ["SADD", "strset", "a", "b", "\x00"], ["SADD", "bigintset", ...Array.from({ length: 700 }, (_, i) => String(i * 3))],
    ["SADD", "shrunkset", "1", "2", "x"], ["SREM", "shrunkset", "x"],
    ["HSET", "hash", "f", "v", "n", "12", "neg", "-40000", "bin\x00", "\xff"], ["HSET", "bighash", ...Array.from({ length: 200 }, (_, i) => [`field${i}`, `value${i}`]).flat()],
    ["HSET", "longvalue", "f", "v".repeat(100)], ["HSET", "shrunkhash", ...Array.from({ length: 200 }, (_, i) => [`f${i}`, "v"]).flat()],
    ["HDEL", "shrunkhash", ...Array.from({ length: 197 }, (_, i) => `f${i}`)],
    ["ZADD", "zset", "1", "a", "-2.5", "b", "inf", "c", "-inf", "d", "1e18", "e", "0.1", "f", "-0", "g"],
    ["ZADD", "bigzset", ...Array.from({ length: 300 }, (_, i) => [String(i / 7), `member${i}`]).flat()], ["ZADD", "longmember", "1", "m".repeat(100)],
    ["ZADD", "shrunkzset", ...Array.from({ length: 200 }, (_, i) => [String(i), `m${i}`]).flat()], ["ZREMRANGEBYRANK", "shrunkzset", "0", "194"],
    ["SET", "expiring", "v", "PXAT", far], ["HSET", "expiringhash", "f", "v"], ["PEXPIREAT", "expiringhash", far],
    ...streams(),
    ["SELECT", "1"], ["SET", "in db 1", "one"], ["RPUSH", "list1", "x"], ["SET", "soon", "v", "EX", "100000"],
    ["SELECT", "3"], ["ZADD", "z3", "3", "three"], ["SET", "expires far", "v", "PXAT", "9007199254740993000"],
    ["SELECT", "0"],
    ["FUNCTION", "LOAD", FUNCTION_CODE],
  ];
}

/**
 * Streams of several shapes: entries of every listpack encoding, groups with consumers and pending
 * entries, tombstones inside nodes, all entries deleted, MKSTREAM, 64-bit ids, many nodes, XSETID.
 */
function streams(): string[][] {
  const values = ["0", "-1", "300", "70000", "9999999999", "9223372036854775807", "-0", "", "\x00\xff\r\n", "v".repeat(100)];
  return [
    ...values.map((value, i) => ["XADD", "s:plain", `${i + 1}-${i}`, "field", value, ...(i % 3 === 0 ? ["more", String(i)] : [])]),
    ...Array.from({ length: 6 }, (_, i) => ["XADD", "s:groups", `${100 + i}-0`, "f", String(i)]),
    ["XGROUP", "CREATE", "s:groups", "g1", "0"], ["XGROUP", "CREATE", "s:groups", "g2", "0"], ["XGROUP", "CREATE", "s:groups", "0", "$"],
    ["XREADGROUP", "GROUP", "g1", "bob", "COUNT", "2", "STREAMS", "s:groups", ">"], ["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "s:groups", ">"],
    ["XREADGROUP", "GROUP", "g2", "carol", "STREAMS", "s:groups", ">"], ["XCLAIM", "s:groups", "g2", "dave", "0", "103-0", "TIME", "1600000000000", "RETRYCOUNT", "9"],
    ["XACK", "s:groups", "g2", "100-0"], ["XGROUP", "CREATECONSUMER", "s:groups", "g1", "idle"],
    ...Array.from({ length: 40 }, (_, i) => ["XADD", "s:tombs", `${i + 1}-1`, i % 5 === 0 ? "g" : "f", `v${i}`]),
    ["XDEL", "s:tombs", "2-1", "3-1", "11-1", "40-1"], ["XGROUP", "CREATE", "s:tombs", "g", "0"], ["XREADGROUP", "GROUP", "g", "c", "COUNT", "5", "STREAMS", "s:tombs", ">"],
    ["XADD", "s:empty", "5-1", "f", "v"], ["XADD", "s:empty", "5-2", "f", "v"], ["XDEL", "s:empty", "5-1", "5-2"],
    ["XGROUP", "CREATE", "s:mkstream", "g", "$", "MKSTREAM"],
    ["XADD", "s:huge", "18446744073709551615-18446744073709551613", "f", "v"], ["XADD", "s:huge", "18446744073709551615-18446744073709551614", "f", "w"],
    ["XGROUP", "CREATE", "s:huge", "g", "0"], ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s:huge", ">"],
    ...Array.from({ length: 250 }, (_, i) => ["XADD", "s:nodes", `${i + 1}-0`, "f", `value ${i}`, "n", String(i)]), ["XTRIM", "s:nodes", "MINID", "130"],
    ["XADD", "s:setid", "5-5", "f", "v"], ["XSETID", "s:setid", "10-0", "ENTRIESADDED", "7", "MAXDELETEDID", "6-0"],
  ];
}

/** Stream keys of `streams()` without tombstones: their DUMP bytes can be Redis's exactly. */
const STREAMS_WITHOUT_TOMBSTONES = ["s:plain", "s:groups", "s:empty", "s:mkstream", "s:huge", "s:setid"];

/** Commands on the loaded streams whose replies must match: ids continue, groups read, claim, trim. */
const STREAM_FOLLOW_UPS: string[][] = [
  ["XADD", "s:plain", "11-*", "f", "v"], ["XADD", "s:plain", "10-0", "f", "v"], ["XADD", "s:huge", "18446744073709551615-*", "f", "v"], ["XADD", "s:huge", "*", "f", "v"],
  ["XADD", "s:empty", "5-*", "f", "v"], ["XADD", "s:setid", "10-*", "f", "v"], ["XADD", "s:mkstream", "1-1", "f", "v"],
  ["XREADGROUP", "GROUP", "g1", "bob", "STREAMS", "s:groups", "0"], ["XREADGROUP", "GROUP", "g1", "erin", "STREAMS", "s:groups", ">"],
  ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s:tombs", ">"], ["XREADGROUP", "GROUP", "g", "d", "STREAMS", "s:mkstream", ">"],
  ["XPENDING", "s:groups", "g1"], ["XPENDING", "s:groups", "g2"], ["XCLAIM", "s:groups", "g1", "zed", "0", "100-0", "101-0", "JUSTID"],
  ["XAUTOCLAIM", "s:groups", "g2", "zed", "0", "0", "JUSTID"], ["XACK", "s:groups", "g1", "100-0", "102-0"], ["XINFO", "GROUPS", "s:groups"],
  ["XINFO", "GROUPS", "s:tombs"], ["XINFO", "GROUPS", "s:setid"], ["XDEL", "s:tombs", "4-1", "5-1"], ["XTRIM", "s:nodes", "MAXLEN", "~", "50"],
  ["XINFO", "STREAM", "s:nodes"], ["XINFO", "STREAM", "s:tombs"], ["XRANGE", "s:tombs", "-", "+", "COUNT", "4"], ["XREVRANGE", "s:huge", "+", "-"],
];

/** The replies of the follow-ups on each connection (database 0). */
async function followUps(...connections: RespConnection[]): Promise<string[][]> {
  const replies: string[][] = [];
  for (const connection of connections) {
    const each: string[] = [];
    for (const args of STREAM_FOLLOW_UPS) each.push(await connection.call(...args));
    replies.push(each);
  }
  return replies;
}

/** A bunredis server in this process, whose Server is at hand. */
function bunredis(): { server: Server; tcp: TcpServer } {
  const config = defaultConfig();
  for (const [key, value] of Object.entries({ bind: "127.0.0.1", port: 0, "log-dir": "", loglevel: "warning", databases: 16, save: "" })) setParam(config, key, value, "test");
  const logger = createLogger({ level: "warning", dir: "", name: "rdb-interop" });
  const server = new Server(config, logger.log, systemClock, createCommandTable(), () => {});
  const listenOptions = { bind: "127.0.0.1", port: 0, unixsocket: "", unixsocketperm: 0, maxclients: () => 10000, shutdownTimeout: () => 1 };
  return { server, tcp: listen(listenOptions, new RedisHandler(server, logger.log), logger.log) };
}

/** Loads an RDB file into `server` as a loader would: keys, expiry times, idle times, libraries. */
function load(server: Server, bytes: Uint8Array): { expireAt: Map<string, number | bigint>; functions: string[] } {
  const reader = new RdbReader(bytes, { checksum: true, config: server.config });
  const expireAt = new Map<string, number | bigint>();
  const functions: string[] = [];
  let db = server.db(0);
  for (let item = reader.next(); item !== undefined; item = reader.next()) {
    if (item.kind === "selectDb") db = server.db(item.index);
    else if (item.kind === "function") {
      functions.push(item.code);
      server.scripting.libraries.load(item.code, false);
    } else if (item.kind === "key") {
      db.set(item.key, item.value);
      if (item.expireAt !== undefined) {
        db.setExpire(item.key, item.expireAt);
        expireAt.set(`${db.id}:${item.key}`, item.expireAt);
      }
      if (item.idle !== undefined) db.setIdleSeconds(item.key, item.idle);
    }
  }
  return { expireAt, functions };
}

/** Every database's keyspace dump, with the exact expiry time of each volatile key. */
async function everything(connection: RespConnection, withEncoding = true): Promise<string[]> {
  const lines: string[] = [];
  for (const db of DATABASES) {
    await connection.call("SELECT", String(db));
    for (const line of await keyspaceDump(connection)) {
      const [key, type, encoding, expires, contents] = JSON.parse(line) as [string, string, string, string, unknown];
      const when = expires === "volatile" ? await connection.call("PEXPIRETIME", key) : "";
      // Delivery and seen times come from the file on both sides: the full view is comparable.
      const full = type === "stream" ? await connection.call("XINFO", "STREAM", key, "FULL") : "";
      lines.push(JSON.stringify([db, key, type, withEncoding ? encoding : "-", when, contents, full]));
    }
  }
  await connection.call("SELECT", "0");
  return lines;
}

/** The library codes a server has. */
async function libraryCodes(connection: RespConnection): Promise<string[]> {
  const reply = await connection.call("FUNCTION", "LIST", "WITHCODE");
  const codes: string[] = [];
  for (let at = reply.indexOf("library_code"); at >= 0; at = reply.indexOf("library_code", at + 1)) {
    const header = reply.indexOf("\r\n", at + 14);
    const length = Number(reply.slice(at + 15, header));
    codes.push(reply.slice(header + 2, header + 2 + length));
  }
  return codes;
}

const started: { stop(): Promise<void> | void }[] = [];
afterAll(async () => {
  for (const each of started.splice(0)) await each.stop();
});

async function redisWith(args: string[]): Promise<{ redis: RedisServerProcess; connection: RespConnection }> {
  const redis = await startRedisServer(["--enable-debug-command", "yes", ...args]);
  const connection = await RespConnection.open(redis.port);
  started.push({ stop: () => connection.close() }, redis);
  return { redis, connection };
}

function inProcess(): { server: Server; port: number } {
  const { server, tcp } = bunredis();
  started.push({ stop: () => tcp.close() });
  return { server, port: tcp.port };
}

describe("redis-server's dump.rdb, decoded here", () => {
  for (const [label, args] of [["defaults", []], ["rdbcompression no", ["--rdbcompression", "no"]], ["rdbchecksum no", ["--rdbchecksum", "no"]]] as const) {
    test(`matches what Redis serves, and its encodings after DEBUG RELOAD (${label})`, async () => {
      if (!HAVE_REDIS) return;
      const dir = tempDir("rdb-interop-");
      const { connection: redis } = await redisWith(["--dir", dir, "--dbfilename", "dump.rdb", ...args]);
      for (const command of dataSet()) await redis.call(...command);
      expect(await redis.call("SAVE")).toBe("+OK\r\n");
      const file = readFileSync(join(dir, "dump.rdb"));
      if (label === "rdbchecksum no") expect(file.subarray(file.length - 8).equals(Buffer.alloc(8))).toBe(true);

      const { server, port } = inProcess();
      const loaded = load(server, file);
      const here = await RespConnection.open(port);
      started.push({ stop: () => here.close() });

      expect(await redis.call("DEBUG", "RELOAD")).toBe("+OK\r\n");
      const [expected, actual] = await Promise.all([everything(redis), everything(here)]);
      expect(actual).toEqual(expected);
      expect(actual.length).toBeGreaterThan(40);
      // Expiry times straight from the reader, against Redis's PEXPIRETIME.
      for (const [name, when] of loaded.expireAt) {
        const [db, key] = [name.slice(0, name.indexOf(":")), name.slice(name.indexOf(":") + 1)];
        await redis.call("SELECT", db);
        expect(`:${when}\r\n`).toBe(await redis.call("PEXPIRETIME", key));
      }
      await redis.call("SELECT", "0");
      expect(loaded.functions).toEqual([FUNCTION_CODE]);
      expect(await libraryCodes(here)).toEqual(await libraryCodes(redis));
      expect(await here.call("FCALL", "myfunc", "0")).toBe(await redis.call("FCALL", "myfunc", "0"));
      // Streams without tombstones dump to Redis's bytes; all of them go on behaving alike.
      await here.call("CONFIG", "SET", "rdbcompression", label === "rdbcompression no" ? "no" : "yes");
      for (const key of STREAMS_WITHOUT_TOMBSTONES) expect(await here.call("DUMP", key)).toBe(await redis.call("DUMP", key));
      const [fromRedis, fromHere] = await followUps(redis, here);
      expect(fromHere).toEqual(fromRedis!);
    });
  }
});

describe("a file written here, loaded by redis-server", () => {
  for (const [label, options] of [["defaults", { compression: true, checksum: true }], ["no compression, no checksum", { compression: false, checksum: false }]] as const) {
    test(`holds the same data (${label})`, async () => {
      if (!HAVE_REDIS) return;
      const { server, port } = inProcess();
      const here = await RespConnection.open(port);
      started.push({ stop: () => here.close() });
      for (const command of dataSet()) await here.call(...command);

      const writer = new RdbWriter(options);
      const chunks: Uint8Array[] = [];
      writer.header([["redis-ver", "7.0.15"], ["redis-bits", 64], ["ctime", Math.floor(Date.now() / 1000)], ["used-mem", 1 << 20], ["aof-base", 0]]);
      writer.functions(server.scripting.libraries.all().map((library) => library.code));
      for (const db of server.keyspace.dbs) {
        if (db.size === 0) continue;
        writer.selectDb(db.id, db.size, db.expires.size);
        for (const [key, entry] of db.dict) {
          writer.key(key, entry.value, db.getExpireExact(key));
          if (writer.pending > 4096) chunks.push(writer.take());
        }
      }
      writer.finish();
      chunks.push(writer.take());
      const dir = tempDir("rdb-interop-");
      writeFileSync(join(dir, "x.rdb"), Buffer.concat(chunks));

      const { connection: redis } = await redisWith(["--dir", dir, "--dbfilename", "x.rdb"]);
      // Contents and expiry times as this server holds them; encodings as Redis gives them on loading,
      // which a second bunredis loading the same file must give too.
      expect(await everything(redis, false)).toEqual(await everything(here, false));
      const second = inProcess();
      load(second.server, readFileSync(join(dir, "x.rdb")));
      const reloaded = await RespConnection.open(second.port);
      started.push({ stop: () => reloaded.close() });
      expect(await everything(reloaded)).toEqual(await everything(redis));
      expect(await libraryCodes(redis)).toEqual([FUNCTION_CODE]);
      // And Redis's own save of it loads here again.
      expect(await redis.call("DEBUG", "RELOAD")).toBe("+OK\r\n");
      expect(await everything(reloaded)).toEqual(await everything(redis));
      const [fromRedis, fromReloaded] = await followUps(redis, reloaded);
      expect(fromReloaded).toEqual(fromRedis!);
    });
  }
});
