/**
 * Keyspace notifications against redis-server: for each write command of every group, a
 * subscriber listening to `__key*@*__:*` must receive exactly the messages Redis sends, byte for
 * byte and in order, in RESP2 and RESP3; plus the `notify-keyspace-events` setting itself.
 */
import { describe, expect, test } from "bun:test";
import { useDifferential } from "../../helpers/differential.ts";
import { encodeCommand, type RespConnection } from "../../helpers/resp.ts";

const d = useDifferential({ server: { "enable-debug-command": "yes" }, redisArgs: ["--enable-debug-command", "yes"] });

/**
 * One case: commands that prepare the data (their events are ignored), then the commands watched.
 * A command written `?NAME` has a random reply, which is not compared (its events are).
 */
type Case = [name: string, setup: string[][], commands: string[][]];

const SENTINEL = "__sentinel__";

/** Everything the subscriber receives up to the sentinel message, raw. */
async function drain(subscriber: RespConnection): Promise<string[]> {
  const messages: string[] = [];
  for (;;) {
    const message = await subscriber.read();
    if (message === "<closed>") throw new Error("subscriber closed");
    if (message.includes(SENTINEL)) return messages;
    messages.push(message);
  }
}

/**
 * Runs every case on both servers with `flags` set, a subscriber in `protocol` listening to every
 * keyspace channel, and compares what each case published.
 */
async function compare(cases: Case[], flags: string, protocol: 2 | 3): Promise<void> {
  if (d.skip) return;
  const [subscriberA, subscriberB] = await d.connect(protocol);
  const [commandsA, commandsB] = await d.connect(2);
  for (const connection of [commandsA!, commandsB!]) {
    expect(await connection.call("CONFIG", "SET", "notify-keyspace-events", flags)).toBe("+OK\r\n");
    expect(await connection.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")).toBe("+OK\r\n");
  }
  for (const subscriber of [subscriberA!, subscriberB!]) {
    await subscriber.call("PSUBSCRIBE", "__key*@*__:*");
    await subscriber.call("SUBSCRIBE", SENTINEL);
  }
  const mismatches: string[] = [];
  try {
    for (const [name, setup, commands] of cases) {
      const results: string[][] = [];
      for (const [commander, subscriber] of [[commandsA!, subscriberA!], [commandsB!, subscriberB!]] as const) {
        await commander.call("FLUSHALL");
        await commander.call("SELECT", "0");
        for (const args of setup) await commander.call(...args);
        await commander.call("PUBLISH", SENTINEL, "setup");
        await drain(subscriber);
        const replies: string[] = [];
        for (const [name, ...rest] of commands) {
          const random = name!.startsWith("?");
          const reply = await commander.call(random ? name!.slice(1) : name!, ...rest);
          replies.push(random ? "(random)" : reply);
        }
        await commander.call("PUBLISH", SENTINEL, "done");
        results.push([...replies.map((reply) => `reply ${reply}`), ...(await drain(subscriber))]);
      }
      const [expected, actual] = results;
      if (JSON.stringify(expected) !== JSON.stringify(actual)) {
        mismatches.push(`${name} (RESP${protocol}, ${flags}):\n    redis:    ${JSON.stringify(expected)}\n    bunredis: ${JSON.stringify(actual)}`);
      }
    }
  } finally {
    for (const connection of [commandsA!, commandsB!]) {
      await connection.call("CONFIG", "SET", "notify-keyspace-events", "");
      await connection.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
    }
  }
  if (mismatches.length > 0) throw new Error(`notifications differ from redis-server:\n  ${mismatches.join("\n  ")}`);
}

const BIN = "k\x00\xff\r\n";

const STRINGS: Case[] = [
  ["SET new and existing", [["SET", "old", "1"]], [["SET", "k", "v"], ["SET", "old", "2"], ["SET", BIN, "v"]]],
  ["SET options", [["SET", "old", "1"]], [["SET", "k", "v", "EX", "100"], ["SET", "k", "v", "NX"], ["SET", "k", "w", "XX", "GET"], ["SET", "nope", "v", "XX"], ["SET", "k", "v", "KEEPTTL"], ["SET", "old", "v", "PXAT", "1"]]],
  ["SETNX SETEX PSETEX GETSET", [], [["SETNX", "a", "1"], ["SETNX", "a", "2"], ["SETEX", "b", "100", "v"], ["PSETEX", "c", "100000", "v"], ["GETSET", "a", "3"], ["GETSET", "d", "1"]]],
  ["GETDEL GETEX", [["SET", "a", "1"], ["SET", "b", "1"], ["SET", "c", "1", "EX", "100"]], [["GETDEL", "a"], ["GETDEL", "a"], ["GETEX", "b", "EX", "100"], ["GETEX", "b", "PERSIST"], ["GETEX", "b", "PERSIST"], ["GETEX", "c"], ["GETEX", "c", "PXAT", "1"], ["GETEX", "nope", "EX", "1"]]],
  ["MSET MSETNX", [["SET", "b", "0"]], [["MSET", "a", "1", "b", "2"], ["MSETNX", "b", "1", "c", "1"], ["MSETNX", "c", "1", "d", "1"]]],
  ["counters", [["SET", "f", "1.5"]], [["INCR", "n"], ["DECR", "n"], ["INCRBY", "n", "5"], ["DECRBY", "n", "2"], ["INCRBYFLOAT", "f", "1"], ["INCRBYFLOAT", "g", "2"], ["INCR", "f"]]],
  ["APPEND SETRANGE", [["SET", "a", "x"]], [["APPEND", "a", "y"], ["APPEND", "b", ""], ["APPEND", "a", ""], ["SETRANGE", "a", "1", "zz"], ["SETRANGE", "a", "0", ""], ["SETRANGE", "c", "2", "x"], ["SETRANGE", "d", "0", ""]]],
];

const KEYS: Case[] = [
  ["DEL UNLINK", [["SET", "a", "1"], ["SET", "b", "1"], ["RPUSH", "l", "x"]], [["DEL", "a", "nope", "l"], ["UNLINK", "b", "a"]]],
  ["EXPIRE family, PERSIST", [["SET", "a", "1"], ["SET", "b", "1"], ["SET", "c", "1"]], [["EXPIRE", "a", "100"], ["PEXPIRE", "a", "100000", "NX"], ["EXPIREAT", "a", "99999999999", "GT"], ["PEXPIREAT", "b", "99999999999999"], ["PERSIST", "a"], ["PERSIST", "a"], ["EXPIRE", "c", "-1"], ["EXPIRE", "nope", "10"], ["PEXPIREAT", "b", "1"]]],
  ["RENAME RENAMENX", [["SET", "a", "1"], ["SET", "b", "2"], ["SET", "c", "3"]], [["RENAME", "a", "x"], ["RENAME", "x", "b"], ["RENAME", "b", "b"], ["RENAMENX", "b", "c"], ["RENAMENX", "b", "y"], ["RENAMENX", "y", "y"]]],
  ["MOVE", [["SET", "a", "1"], ["SET", "b", "1"], ["SELECT", "2"], ["SET", "b", "2"], ["SELECT", "0"]], [["MOVE", "a", "2"], ["MOVE", "b", "2"], ["MOVE", "nope", "2"]]],
  ["COPY", [["SET", "a", "1"], ["SET", "b", "2"], ["SADD", "s", "m"]], [["COPY", "a", "c"], ["COPY", "a", "b"], ["COPY", "a", "b", "REPLACE"], ["COPY", "s", "s2", "DB", "3"], ["COPY", "nope", "x"]]],
  ["FLUSHDB FLUSHALL SWAPDB emit nothing", [["SET", "a", "1"], ["SELECT", "1"], ["SET", "b", "1"], ["SELECT", "0"]], [["SWAPDB", "0", "1"], ["FLUSHDB"], ["FLUSHALL"]]],
  ["expired (lazy)", [["SET", "a", "1", "PX", "1"], ["SET", "b", "1", "PX", "1"], ["RPUSH", "l", "x"], ["PEXPIRE", "l", "1"], ["DEBUG", "SLEEP", "0.01"]], [["GET", "a"], ["EXISTS", "b"], ["LPUSH", "l", "y"], ["SET", "b", "2"]]],
];

const LISTS: Case[] = [
  ["pushes", [["RPUSH", "l", "a"]], [["LPUSH", "l", "x", "y"], ["RPUSH", "m", "z"], ["LPUSHX", "l", "w"], ["RPUSHX", "l", "w"], ["LPUSHX", "nope", "w"], ["RPUSHX", "nope", "w"]]],
  ["pops", [["RPUSH", "l", "a", "b", "c", "d"], ["RPUSH", "m", "a"]], [["LPOP", "l"], ["RPOP", "l"], ["LPOP", "l", "0"], ["RPOP", "l", "5"], ["LPOP", "l"], ["LPOP", "m", "1"]]],
  ["LSET LTRIM LREM LINSERT", [["RPUSH", "l", "a", "b", "a", "c"], ["RPUSH", "m", "a"]], [["LSET", "l", "0", "z"], ["LTRIM", "l", "0", "-1"], ["LTRIM", "l", "1", "-1"], ["LREM", "l", "0", "nope"], ["LREM", "l", "1", "a"], ["LINSERT", "l", "BEFORE", "c", "q"], ["LINSERT", "l", "AFTER", "nope", "q"], ["LTRIM", "m", "5", "6"], ["LREM", "l", "0", "q"], ["LREM", "l", "0", "c"], ["LREM", "l", "0", "b"]]],
  ["LMOVE RPOPLPUSH LMPOP", [["RPUSH", "l", "a", "b", "c"], ["RPUSH", "one", "x"]], [["LMOVE", "l", "m", "LEFT", "RIGHT"], ["RPOPLPUSH", "l", "l"], ["LMOVE", "one", "one", "LEFT", "LEFT"], ["RPOPLPUSH", "one", "m"], ["LMPOP", "2", "nope", "l", "LEFT", "COUNT", "5"], ["LMPOP", "1", "m", "RIGHT"]]],
  ["blocking forms that answer at once", [["RPUSH", "l", "a", "b"], ["RPUSH", "m", "c"]], [["BLPOP", "nope", "l", "0"], ["BRPOP", "l", "0"], ["BLMOVE", "m", "n", "RIGHT", "LEFT", "0"], ["BRPOPLPUSH", "n", "o", "0"], ["BLMPOP", "0", "1", "o", "LEFT", "COUNT", "3"]]],
];

const HASHES: Case[] = [
  ["HSET HMSET HSETNX", [["HSET", "h", "a", "1"]], [["HSET", "h", "a", "2", "b", "3"], ["HSET", "g", "a", "1"], ["HMSET", "h", "c", "1"], ["HSETNX", "h", "a", "9"], ["HSETNX", "h", "z", "9"], ["HSETNX", "i", "z", "9"]]],
  ["HDEL HINCRBY HINCRBYFLOAT", [["HSET", "h", "a", "1", "b", "2"]], [["HDEL", "h", "nope"], ["HDEL", "h", "a"], ["HINCRBY", "h", "n", "5"], ["HINCRBYFLOAT", "h", "f", "1.5"], ["HINCRBY", "g", "n", "1"], ["HDEL", "h", "b", "n", "f"], ["HDEL", "g", "n"]]],
];

const SETS: Case[] = [
  ["SADD SREM", [["SADD", "s", "a"]], [["SADD", "s", "a"], ["SADD", "s", "b", "c"], ["SADD", "t", "1"], ["SREM", "s", "nope"], ["SREM", "s", "a", "b"], ["SREM", "s", "c"]]],
  ["SPOP", [["SADD", "s", "a", "b", "c", "d", "e", "f"], ["SADD", "t", "x"], ["SADD", "u", "1", "2"]], [["SPOP", "s", "0"], ["?SPOP", "s", "1"], ["?SPOP", "s", "4"], ["?SPOP", "s"], ["SPOP", "t"], ["SPOP", "u", "5"], ["SPOP", "nope"], ["SPOP", "nope", "2"]]],
  ["SMOVE", [["SADD", "s", "a", "b"], ["SADD", "t", "b"]], [["SMOVE", "s", "t", "a"], ["SMOVE", "s", "t", "nope"], ["SMOVE", "s", "t", "b"], ["SMOVE", "t", "t", "a"], ["SMOVE", "t", "u", "a"]]],
  ["store forms", [["SADD", "s", "a", "b"], ["SADD", "t", "b", "c"], ["SET", "dst", "x"]], [["SINTERSTORE", "dst", "s", "t"], ["SUNIONSTORE", "dst", "s", "t"], ["SDIFFSTORE", "dst", "s", "t"], ["SINTERSTORE", "dst", "s", "nope"], ["SDIFFSTORE", "d2", "s", "s"], ["SUNIONSTORE", "d3", "nope"], ["SINTERSTORE", "e", "s", "t"]]],
];

const SORT: Case[] = [
  ["SORT STORE", [["RPUSH", "l", "3", "1", "2"], ["SET", "dst", "x"]], [["SORT", "l", "STORE", "dst"], ["SORT", "nope", "STORE", "dst"], ["SORT", "nope", "STORE", "dst"], ["SORT", "l", "LIMIT", "0", "1", "STORE", "d2"]]],
];

const SORTED_SETS: Case[] = [
  ["ZADD ZINCRBY", [["ZADD", "z", "1", "a"]], [["ZADD", "z", "1", "a"], ["ZADD", "z", "2", "a"], ["ZADD", "z", "CH", "3", "b"], ["ZADD", "y", "1", "a"], ["ZADD", "z", "XX", "1", "nope"], ["ZADD", "z", "NX", "5", "a"], ["ZADD", "z", "INCR", "1", "a"], ["ZINCRBY", "z", "2", "c"], ["ZINCRBY", "x", "2", "c"], ["ZADD", "z", "GT", "0", "a"]]],
  ["ZREM and ranges", [["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"], ["ZADD", "y", "1", "a"]], [["ZREM", "z", "nope"], ["ZREM", "z", "a"], ["ZREMRANGEBYRANK", "z", "0", "0"], ["ZREMRANGEBYRANK", "z", "10", "20"], ["ZREMRANGEBYSCORE", "z", "3", "3"], ["ZREMRANGEBYSCORE", "z", "9", "10"], ["ZREMRANGEBYLEX", "y", "-", "+"], ["ZREMRANGEBYLEX", "z", "[x", "+"], ["ZREM", "z", "d", "e"]]],
  ["pops", [["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZADD", "y", "1", "a"]], [["ZPOPMIN", "z"], ["ZPOPMAX", "z", "0"], ["ZPOPMAX", "z", "1"], ["ZPOPMIN", "nope"], ["ZMPOP", "2", "nope", "y", "MIN"], ["ZPOPMIN", "z", "5"]]],
  ["store forms", [["ZADD", "z", "1", "a", "2", "b"], ["ZADD", "y", "3", "b"], ["SET", "dst", "x"]], [["ZUNIONSTORE", "dst", "2", "z", "y"], ["ZINTERSTORE", "dst", "2", "z", "y"], ["ZDIFFSTORE", "dst", "2", "z", "y"], ["ZINTERSTORE", "dst", "2", "z", "nope"], ["ZDIFFSTORE", "d2", "1", "nope"], ["ZRANGESTORE", "r", "z", "0", "-1"], ["ZRANGESTORE", "r", "z", "5", "6"], ["ZRANGESTORE", "r2", "z", "5", "6"]]],
];

describe("keyspace notifications match redis-server byte for byte", () => {
  const groups: [string, Case[]][] = [["strings", STRINGS], ["keys", KEYS], ["lists", LISTS], ["hashes", HASHES], ["sets", SETS], ["sorted sets", SORTED_SETS], ["sort", SORT]];
  for (const [group, cases] of groups) {
    test(`${group}: KEA, and AKEnm (new keys and misses too), RESP2 and RESP3 subscribers`, async () => {
      await compare(cases, "KEA", 2);
      await compare(cases, "AKEnm", 3);
    });
  }

  test("class filters: only some classes, only K, only E, and none", async () => {
    const cases = [...STRINGS.slice(0, 2), ...KEYS.slice(0, 2), ...LISTS.slice(0, 1), ...KEYS.slice(-1)];
    for (const flags of ["K$", "Eg", "Kl", "Ex", "Ksn", "Em", "K", "E", "A"]) await compare(cases, flags, 2);
  });
});

/** Waits until `connection`'s server reports `count` blocked clients (a waiter is parked). */
async function untilBlocked(connection: RespConnection, count: number): Promise<void> {
  while (!(await connection.call("INFO", "clients")).includes(`blocked_clients:${count}\r\n`));
}

describe("clients blocked on keys, served by a write", () => {
  test("BLPOP, BLMOVE, BLMPOP and BZPOPMIN waiters: the pops they are served with are announced", async () => {
    if (d.skip) return;
    const waits: [string[], string[]][] = [
      [["BLPOP", "l", "0"], ["RPUSH", "l", "a"]],
      [["BRPOP", "l", "0"], ["RPUSH", "l", "a", "b"]],
      [["BLMOVE", "l", "m", "LEFT", "RIGHT", "0"], ["LPUSH", "l", "a"]],
      [["BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "5"], ["RPUSH", "l", "a", "b"]],
      [["BZPOPMIN", "z", "0"], ["ZADD", "z", "1", "a"]],
      [["BZPOPMAX", "z", "0"], ["ZADD", "z", "1", "a", "2", "b"]],
    ];
    const subscribers = await d.connect(2);
    const waiters = await d.connect(3);
    const writers = await d.connect(2);
    for (const connection of writers) await connection.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
    for (const subscriber of subscribers) {
      await subscriber.call("PSUBSCRIBE", "__key*@*__:*");
      await subscriber.call("SUBSCRIBE", SENTINEL);
    }
    try {
      for (const [wait, write] of waits) {
        const results: string[][] = [];
        for (const side of [0, 1]) {
          waiters[side]!.sendRaw(encodeCommand(wait));
          await untilBlocked(writers[side]!, 1);
          const written = await writers[side]!.call(...write);
          const served = await waiters[side]!.read();
          await writers[side]!.call("PUBLISH", SENTINEL, "done");
          results.push([written, served, ...(await drain(subscribers[side]!))]);
          await writers[side]!.call("FLUSHALL");
          await writers[side]!.call("PUBLISH", SENTINEL, "flushed");
          await drain(subscribers[side]!);
        }
        expect(`${wait.join(" ")}: ${JSON.stringify(results[1])}`).toBe(`${wait.join(" ")}: ${JSON.stringify(results[0])}`);
      }
    } finally {
      for (const connection of writers) await connection.call("CONFIG", "SET", "notify-keyspace-events", "");
    }
  });
});

describe("notify-keyspace-events", () => {
  test("CONFIG SET / GET: canonical form, invalid letters, all or nothing", async () => {
    const steps: string[][] = [];
    for (const value of ["KEA", "An", "AnK", "g$lshzxetd", "g$lshzxetdn", "Kx", "nm", "mK", "E", "Ex", "ndtexz", "mEKnd$", "lsh", "AKEm", "KA$", "xyz", "K ", ""]) {
      steps.push(["CONFIG", "SET", "notify-keyspace-events", value], ["CONFIG", "GET", "notify-keyspace-events"]);
    }
    steps.push(["CONFIG", "SET", "notify-keyspace-events", "KEA", "maxmemory", "x"], ["CONFIG", "GET", "notify-keyspace-events"]);
    await d.check(steps);
  });

  test("a RESP3 client subscribed to its own keys gets the pushes among its replies", async () => {
    await d.check([
      ["CONFIG", "SET", "notify-keyspace-events", "KEA"],
      ["SUBSCRIBE", "__keyspace@0__:k", "__keyevent@0__:del"],
      ["SET", "k", "v"],
      ["LPUSH", "l", "a"],
      ["DEL", "k", "l"],
      ["MULTI"],
      ["SET", "k", "2"],
      ["DEL", "k"],
      ["EXEC"],
      ["CONFIG", "SET", "notify-keyspace-events", ""],
    ], [3]);
  });
});
