/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH against redis-server, byte for byte in RESP2 and RESP3:
 * queueing, refusals that abort the transaction, runtime errors that do not, and every way a
 * watched key is touched (writes from another connection, expiry, FLUSHDB, FLUSHALL, SWAPDB,
 * RENAME, MOVE...).
 */
import { describe, expect, test } from "bun:test";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import type { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential({ server: { "enable-debug-command": "yes" }, redisArgs: ["--enable-debug-command", "yes"] });

/** Waits until `connection`'s server reports `count` blocked clients (a waiter is parked). */
async function untilBlocked(connection: RespConnection, count: number): Promise<void> {
  while (!(await connection.call("INFO", "clients")).includes(`blocked_clients:${count}\r\n`));
}

/** Sends the same commands on a pair of connections and expects equal replies, in order. */
async function same(pair: [RespConnection, RespConnection], ...commands: string[][]): Promise<string[]> {
  const replies: string[] = [];
  for (const args of commands) {
    const [expected, actual] = await Promise.all([pair[0].call(...args), pair[1].call(...args)]);
    expect(`${args.join(" ")} -> ${actual}`).toBe(`${args.join(" ")} -> ${expected}`);
    replies.push(actual);
  }
  return replies;
}

describe("MULTI / EXEC / DISCARD", () => {
  test("queueing and EXEC's array of replies, runtime errors do not roll back", async () => {
    await d.check([
      ["MULTI"],
      ["SET", "a", "1"],
      ["INCR", "a"],
      ["LPUSH", "a", "x"],
      ["GET", "a"],
      ["HSET", "h", "f", "v"],
      ["INCRBYFLOAT", "a", "1.5"],
      ["EXEC"],
      ["GET", "a"],
      ["MULTI"],
      ["EXEC"],
      ["EXEC"],
      ["DISCARD"],
    ]);
  });

  test("errors: nesting, EXEC/DISCARD without MULTI, WATCH inside MULTI, arity of the commands themselves", async () => {
    await d.check([
      ["EXEC"],
      ["DISCARD"],
      ["MULTI", "x"],
      ["WATCH"],
      ["UNWATCH", "x"],
      ["MULTI"],
      ["MULTI"],
      ["WATCH", "k"],
      ["SET", "k", "v"],
      ["EXEC"],
      ["GET", "k"],
      ["MULTI"],
      ["DISCARD", "x"],
      ["SET", "k", "w"],
      ["DISCARD"],
      ["GET", "k"],
    ]);
  });

  test("EXECABORT: unknown commands, wrong arity, unknown subcommands and no_multi commands flag the transaction", async () => {
    for (const bad of [["NOSUCH", "x"], ["GET"], ["CONFIG", "NOSUCH"], ["SHUTDOWN"], ["SET", "a"]]) {
      await d.check([["MULTI"], ["SET", "k", "v"], bad, ["INCR", "n"], ["EXEC"], ["GET", "k"], ["GET", "n"], ["EXEC"]]);
    }
  });

  test("a refused EXEC discards the transaction with its reason", async () => {
    await d.check([["MULTI"], ["SET", "k", "v"], ["EXEC", "x"], ["EXEC"], ["GET", "k"], ["EXEC", "y"], ["WATCH", "k"], ["EXEC", "z"], ["MULTI"], ["EXEC"]]);
  });

  test("SELECT, blocking commands and binary data inside EXEC", async () => {
    await d.check([
      ["MULTI"],
      ["SET", "k\x00\xff\r\n", "v\x00"],
      ["SELECT", "1"],
      ["SET", "k", "db1"],
      ["BLPOP", "nolist", "0"],
      ["BRPOPLPUSH", "nolist", "dst", "0"],
      ["BLMOVE", "nolist", "dst", "LEFT", "RIGHT", "0"],
      ["BLMPOP", "0", "1", "nolist", "LEFT"],
      ["RPUSH", "l", "x"],
      ["BLPOP", "l", "0"],
      ["EXEC"],
      ["GET", "k"],
      ["SELECT", "0"],
      ["GET", "k\x00\xff\r\n"],
    ]);
  });

  test("QUIT inside MULTI runs at once; RESET ends MULTI and forgets watches", async () => {
    await d.check([["MULTI"], ["SET", "k", "v"], ["RESET"], ["EXEC"], ["GET", "k"], ["WATCH", "k"], ["RESET"], ["MULTI"], ["EXEC"]]);
    if (d.skip) return;
    const pair = await d.connect();
    await same(pair, ["MULTI"], ["SET", "q", "1"], ["QUIT"]);
    await Promise.all(pair.map((connection) => connection.untilClosed()));
  });

  test("a waiter is served after the whole EXEC, not between its commands", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const waiter = await d.connect(protocol);
      const writer = await d.connect(protocol);
      for (const connection of waiter) connection.sendRaw("*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n");
      await Promise.all(writer.map((connection) => untilBlocked(connection, 1)));
      await same(writer, ["MULTI"], ["RPUSH", "q", "a", "b"], ["LPOP", "q"], ["LLEN", "q"], ["EXEC"]);
      const [expected, actual] = await Promise.all(waiter.map((connection) => connection.read()));
      expect(actual).toBe(expected!);
      await same(writer, ["LLEN", "q"], ["DEL", "q"]);
    }
  });
});

describe("WATCH", () => {
  test("a change from another connection makes EXEC fail; an untouched watch lets it run", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const a = await d.connect(protocol);
      const b = await d.connect(protocol);
      await same(a, ["SET", "k", "1"], ["WATCH", "k", "other"], ["WATCH", "k"]);
      await same(b, ["INCR", "k"]);
      await same(a, ["MULTI"], ["SET", "k", "mine"], ["EXEC"], ["GET", "k"]);
      await same(a, ["WATCH", "k"], ["MULTI"], ["SET", "k", "mine"], ["EXEC"], ["GET", "k"]);
      // UNWATCH forgets a change already seen.
      await same(a, ["WATCH", "k"]);
      await same(b, ["SET", "k", "theirs"]);
      await same(a, ["UNWATCH"], ["MULTI"], ["GET", "k"], ["EXEC"]);
      // A write that changes nothing still counts; a read does not.
      await same(a, ["WATCH", "k", "s"]);
      await same(b, ["GET", "k"], ["EXISTS", "k"], ["SREM", "s", "x"]);
      await same(a, ["MULTI"], ["PING"], ["EXEC"]);
      await same(a, ["WATCH", "k"]);
      await same(b, ["SET", "k", "theirs"]);
      await same(a, ["MULTI"], ["PING"], ["EXEC"]);
      await same(a, ["DEL", "k", "s"]);
    }
  });

  /** Watches `key` on `a`, runs `touch` on `b`, and compares what EXEC answers. */
  async function touched(setup: string[][], key: string, touch: string[][]): Promise<void> {
    if (d.skip) return;
    const a = await d.connect();
    const b = await d.connect();
    await same(a, ["FLUSHALL"], ...setup, ["WATCH", key]);
    await same(b, ...touch);
    await same(a, ["MULTI"], ["PING"], ["EXEC"]);
  }

  test("every kind of write invalidates, in every group", async () => {
    await touched([["SET", "k", "1"]], "k", [["APPEND", "k", "x"]]);
    await touched([["SET", "k", "1"]], "k", [["EXPIRE", "k", "100"]]);
    await touched([["SET", "k", "1"], ["EXPIRE", "k", "100"]], "k", [["PERSIST", "k"]]);
    await touched([["SET", "k", "1"]], "k", [["DEL", "k"]]);
    await touched([["SET", "k", "1"]], "k", [["UNLINK", "k"]]);
    await touched([["SET", "k", "1"]], "k", [["RENAME", "k", "k2"]]);
    await touched([["SET", "k", "1"]], "k2", [["RENAME", "k", "k2"]]);
    await touched([["SET", "k", "1"]], "k", [["MOVE", "k", "1"]]);
    await touched([["SET", "k", "1"]], "k2", [["COPY", "k", "k2"]]);
    await touched([], "l", [["RPUSH", "l", "a"]]);
    await touched([["RPUSH", "l", "a", "b"]], "l", [["LPOP", "l"]]);
    await touched([["RPUSH", "l", "a"]], "l2", [["LMOVE", "l", "l2", "LEFT", "RIGHT"]]);
    await touched([], "h", [["HSET", "h", "f", "v"]]);
    await touched([["HSET", "h", "f", "v"]], "h", [["HDEL", "h", "f"]]);
    await touched([], "s", [["SADD", "s", "m"]]);
    await touched([["SADD", "s", "m"]], "d", [["SUNIONSTORE", "d", "s"]]);
    await touched([], "z", [["ZADD", "z", "1", "m"]]);
    await touched([["ZADD", "z", "1", "m"]], "z", [["ZINCRBY", "z", "1", "m"]]);
    await touched([["ZADD", "z", "1", "m"]], "z", [["ZPOPMIN", "z"]]);
    await touched([["SET", "n", "1"]], "n", [["INCRBY", "n", "5"]]);
  });

  test("writes that change nothing do not invalidate", async () => {
    await touched([["SET", "k", "1"]], "k", [["SETNX", "k", "2"]]);
    await touched([], "k", [["SET", "k", "v", "XX"]]);
    await touched([], "l", [["LPUSHX", "l", "a"]]);
    await touched([["SADD", "s", "m"]], "s", [["SADD", "s", "m"]]);
    await touched([["SADD", "s", "m"]], "s", [["SREM", "s", "nope"]]);
    await touched([], "z", [["ZADD", "z", "XX", "1", "m"]]);
    await touched([], "k", [["DEL", "k"]]);
  });

  test("FLUSHDB, FLUSHALL and SWAPDB invalidate watches on keys that held a value", async () => {
    await touched([["SET", "k", "1"]], "k", [["FLUSHDB"]]);
    await touched([], "k", [["FLUSHDB"]]);
    await touched([["SET", "k", "1"]], "k", [["FLUSHALL"]]);
    await touched([], "k", [["FLUSHALL"]]);
    await touched([["SET", "k", "1"]], "k", [["SWAPDB", "0", "1"]]);
    await touched([["SELECT", "1"], ["SET", "k", "1"], ["SELECT", "0"]], "k", [["SWAPDB", "0", "1"]]);
    await touched([["SELECT", "1"], ["SET", "other", "1"], ["SELECT", "0"]], "k", [["SWAPDB", "0", "1"]]);
    await touched([["SELECT", "1"], ["SET", "k", "1"], ["SELECT", "0"]], "k", [["SELECT", "1"], ["FLUSHDB"]]);
  });

  test("a watched key in another database is another key", async () => {
    await touched([["SELECT", "1"]], "k", [["SET", "k", "v"]]);
    await touched([], "k", [["SELECT", "1"], ["SET", "k", "v"]]);
  });

  test("expiry: a watched key that expires makes EXEC fail, lazily removed or not; a key already expired when watched does not", async () => {
    const steps: Step[] = [
      ["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
      // Keys watched while alive get 100 ms, so that a loaded machine still watches them in time.
      ["SET", "k", "v", "PX", "100"],
      ["WATCH", "k"],
      ["DEBUG", "SLEEP", "0.15"],
      ["MULTI"],
      ["PING"],
      ["EXEC"],
      ["SET", "k2", "v", "PX", "100"],
      ["WATCH", "k2"],
      ["DEBUG", "SLEEP", "0.15"],
      ["GET", "k2"],
      ["MULTI"],
      ["PING"],
      ["EXEC"],
      ["SET", "k3", "v", "PX", "1"],
      ["DEBUG", "SLEEP", "0.01"],
      ["WATCH", "k3"],
      ["MULTI"],
      ["PING"],
      ["EXEC"],
      ["SET", "k4", "v", "PX", "1"],
      ["DEBUG", "SLEEP", "0.01"],
      ["WATCH", "k4"],
      ["GET", "k4"],
      ["MULTI"],
      ["PING"],
      ["EXEC"],
      ["SET", "k5", "v", "PX", "1"],
      ["DEBUG", "SLEEP", "0.01"],
      ["WATCH", "k5"],
      ["SET", "k5", "new"],
      ["MULTI"],
      ["PING"],
      ["EXEC"],
      ["SET", "k6", "v", "PX", "1"],
      ["DEBUG", "SLEEP", "0.01"],
      ["WATCH", "k6"],
      ["FLUSHDB"],
      ["MULTI"],
      ["PING"],
      ["EXEC"],
      ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
    ];
    await d.check(steps);
  });

  test("CLIENT LIST shows MULTI (x, multi=, nothing queued once EXEC must fail) and a dirty watch (d)", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const a = await d.connect(protocol);
      const b = await d.connect(protocol);
      const name = `txclient${protocol}`;
      /** The flags and multi= of the client named `name`, as each server lists it; expects them equal. */
      const listed = async (expected?: string) => {
        const lists = await Promise.all(b.map((connection) => connection.call("CLIENT", "LIST")));
        const [fromRedis, fromBunredis] = lists.map((text) => {
          const line = text.split("\n").find((entry) => entry.includes(` name=${name} `))!;
          return / flags=(\S+) .* multi=(-?\d+) /.exec(line)!.slice(1).join(" ");
        });
        expect(fromBunredis).toBe(fromRedis!);
        if (expected !== undefined) expect(fromBunredis).toBe(expected);
      };
      await same(a, ["CLIENT", "SETNAME", name], ["WATCH", "k"], ["MULTI"], ["SET", "x", "1"], ["GET", "x"]);
      await same(b, ["SET", "k", "2"]);
      await listed("xd 2");
      await same(a, ["EXEC"]);
      await listed("N -1");
      // Dirty before MULTI: nothing is queued any more.
      await same(a, ["WATCH", "k"]);
      await same(b, ["SET", "k", "3"]);
      await same(a, ["MULTI"], ["SET", "x", "1"], ["GET", "x"]);
      await listed();
      await same(a, ["EXEC"]);
      // Aborted by a refused command: likewise.
      await same(a, ["MULTI"], ["SET", "x", "1"], ["NOSUCH"], ["SET", "y", "1"]);
      await listed();
      await same(a, ["EXEC"]);
    }
  });
});
