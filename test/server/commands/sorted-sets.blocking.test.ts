/**
 * BZPOPMIN, BZPOPMAX and BZMPOP over real connections, against redis-server: immediate answers
 * and errors through the differential helper; blocked clients in scenarios run on both servers
 * whose every observed reply must be equal byte for byte (RESP2 and RESP3). Synchronisation is by
 * waiting until INFO reports the expected number of blocked clients (a condition, never a sleep);
 * timeouts are small and their replies awaited. The bunredis here is built in the file so that its
 * Server is at hand for the MULTI/EXEC case (`client.denyBlocking`) and the framework's state.
 */
import { describe, expect, test } from "bun:test";
import { ReplyWriter } from "../../../src/resp/writer.ts";
import { ALL_COMMANDS } from "../../../src/server/commands/index.ts";
import { SortedSet } from "../../../src/store/types/sorted-set.ts";
import { useBlockingServers } from "../../helpers/blocking.ts";
import { HAVE_REDIS } from "../../helpers/oracle.ts";
import { encodeCommand } from "../../helpers/resp.ts";

const servers = useBlockingServers("zset-blocking-test");
const { connect, untilBlocked, send, same } = servers;

/** Whether MULTI/EXEC is registered yet (the transactions group lands separately). */
const HAVE_MULTI = ALL_COMMANDS.some((spec) => spec.name === "multi");

async function check(commands: string[][]): Promise<void> {
  await same(0, async (_, admin) => {
    const seen: string[] = [];
    for (const args of commands) seen.push(await admin.call(...args));
    return seen;
  });
  // The same on a RESP3 connection (`same` gives the admin RESP2 only).
  if (!HAVE_REDIS) return;
  const observed: string[][] = [];
  for (const port of [servers.redisPort, servers.bunredisPort]) {
    const connection = await connect(port, 3);
    await connection.call("FLUSHALL");
    const seen: string[] = [];
    for (const args of commands) seen.push(await connection.call(...args));
    observed.push(seen);
  }
  expect({ protocol: 3, bunredis: observed[1] }).toEqual({ protocol: 3, bunredis: observed[0]! });
}

describe("answered at once, compared with redis-server", () => {
  test("BZPOPMIN/BZPOPMAX pop from the first key with a set, the key first; scores as doubles", async () => {
    await check([
      ["ZADD", "k2", "1", "a", "2", "b", "inf", "c", "-0", "z"], ["ZADD", "k3", "1.5", "x"],
      ["BZPOPMIN", "k1", "k2", "k3", "0"], ["BZPOPMAX", "k1", "k2", "k3", "0"], ["BZPOPMIN", "k3", "k2", "1"], ["ZRANGE", "k2", "0", "-1", "WITHSCORES"],
      ["BZPOPMIN", "k2", "0"], ["BZPOPMAX", "k2", "0.5"], ["EXISTS", "k2"], ["ZADD", "k", "1e17", "big", "-2.5", "\x00\xff\r\n"],
      ["BZPOPMAX", "k", "0"], ["BZPOPMAX", "k", "k", "0"], ["EXISTS", "k"], ["ZADD", "", "3", ""], ["BZPOPMIN", "", "0"],
    ]);
  });

  test("BZMPOP: MIN|MAX, COUNT, the first key with a set; nested pairs in both protocols", async () => {
    await check([
      ["ZADD", "b", "1", "m1", "2", "m2", "3", "m3"], ["ZADD", "c", "9", "n"],
      ["BZMPOP", "0", "3", "a", "b", "c", "MIN"], ["BZMPOP", "0", "2", "b", "c", "MAX", "COUNT", "1"], ["BZMPOP", "1", "1", "b", "min", "count", "10"],
      ["EXISTS", "b"], ["BZMPOP", "0.1", "2", "b", "c", "MAX", "COUNT", "2"], ["EXISTS", "c"],
    ]);
  });

  test("errors: timeout, numkeys, MIN|MAX, COUNT, WRONGTYPE, arity, in Redis's order", async () => {
    await check([
      ["SET", "str", "x"], ["ZADD", "z", "1", "a"],
      ["BZPOPMIN", "k", "-1"], ["BZPOPMIN", "k", "x"], ["BZPOPMIN", "k", "inf"], ["BZPOPMIN", "k", "1e400"], ["BZPOPMIN", "k", "nan"], ["BZPOPMIN", "str", "x"],
      ["BZPOPMIN", "str", "0"], ["BZPOPMAX", "str", "z", "0"], ["BZPOPMAX", "z", "str", "0"], ["BZPOPMIN", "k"], ["BZPOPMAX"],
      ["BZMPOP", "0", "0", "k", "MIN"], ["BZMPOP", "0", "-1", "k", "MIN"], ["BZMPOP", "0", "x", "k", "MIN"], ["BZMPOP", "0", "2", "k", "MIN"],
      ["BZMPOP", "0", "1", "k", "MID"], ["BZMPOP", "0", "1", "k", "MIN", "COUNT"], ["BZMPOP", "0", "1", "k", "MIN", "COUNT", "0"], ["BZMPOP", "0", "1", "k", "MIN", "COUNT", "-1"],
      ["BZMPOP", "0", "1", "k", "MIN", "COUNT", "1", "COUNT", "2"], ["BZMPOP", "0", "1", "k", "MIN", "x"], ["BZMPOP", "-1", "1", "k", "MIN"], ["BZMPOP", "x", "1", "k", "MIN"],
      ["BZMPOP", "-1", "0", "k", "MIN"], ["BZMPOP", "-1", "1", "k", "MAX", "COUNT", "0"], ["BZMPOP", "0", "1", "str", "MIN"], ["BZMPOP", "0", "2", "z", "str", "MAX"],
      ["BZMPOP", "0", "1", "k"], ["BZMPOP", "0", "1"],
      ["COMMAND", "GETKEYS", "BZMPOP", "0", "2", "a", "b", "MIN"], ["COMMAND", "GETKEYS", "BZPOPMIN", "a", "b", "0"], ["COMMAND", "INFO", "bzpopmin", "bzpopmax", "bzmpop"],
    ]);
  });
});

describe("blocked clients, compared with redis-server", () => {
  test("BZPOPMIN is served by another connection's ZADD", async () => {
    await same(1, async ([a], admin) => {
      send(a!, "BZPOPMIN", "k", "0");
      await untilBlocked(admin, 1);
      const added = await admin.call("ZADD", "k", "2", "b", "1", "a");
      return [added, await a!.read(), await admin.call("ZRANGE", "k", "0", "-1", "WITHSCORES")];
    });
  });

  test("BZPOPMAX and BZMPOP served; an emptied key is deleted", async () => {
    await same(2, async ([a, b], admin) => {
      send(a!, "BZPOPMAX", "k", "0");
      await untilBlocked(admin, 1);
      send(b!, "BZMPOP", "0", "1", "k", "MAX", "COUNT", "5");
      await untilBlocked(admin, 2);
      const added = await admin.call("ZADD", "k", "1", "a", "2.5", "b", "3", "c");
      return [added, await a!.read(), await b!.read(), await admin.call("EXISTS", "k")];
    });
  });

  test("several clients are served first-blocked first, each while members last", async () => {
    await same(3, async (clients, admin) => {
      const commands = [["BZPOPMIN", "k", "0"], ["BZPOPMAX", "k", "0"], ["BZMPOP", "0", "1", "k", "MIN", "COUNT", "2"]];
      for (const [i, command] of commands.entries()) {
        send(clients[i]!, ...command);
        await untilBlocked(admin, i + 1);
      }
      const added = await admin.call("ZADD", "k", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
      const replies = await Promise.all(clients.map((client) => client.read()));
      return [added, ...replies, await admin.call("ZRANGE", "k", "0", "-1")];
    });
  });

  test("only as many clients as members are served; the rest wait for the next ZADD", async () => {
    await same(2, async ([a, b], admin) => {
      send(a!, "BZPOPMIN", "k", "0");
      await untilBlocked(admin, 1);
      send(b!, "BZPOPMIN", "k", "0");
      await untilBlocked(admin, 2);
      const first = await admin.call("ZADD", "k", "1", "x");
      const toA = await a!.read();
      await untilBlocked(admin, 1);
      const second = await admin.call("ZADD", "k", "2", "y", "3", "z");
      return [first, toA, second, await b!.read(), await admin.call("ZRANGE", "k", "0", "-1")];
    });
  });

  test("a client blocked on several keys is served by the first that gets a set", async () => {
    await same(1, async ([a], admin) => {
      send(a!, "BZPOPMIN", "k1", "k2", "k3", "0");
      await untilBlocked(admin, 1);
      const added = await admin.call("ZADD", "k3", "1", "x");
      const reply = await a!.read();
      await untilBlocked(admin, 0);
      return [added, reply, await admin.call("ZADD", "k1", "1", "y"), await admin.call("ZCARD", "k1")];
    });
  });

  test("timeouts: the null array after the given seconds", async () => {
    await same(3, async ([a, b, c]) => {
      send(a!, "BZPOPMIN", "k", "0.05");
      send(b!, "BZPOPMAX", "k1", "k2", "0.02");
      send(c!, "BZMPOP", "0.03", "2", "k", "k1", "MIN", "COUNT", "3");
      return [await a!.read(), await b!.read(), await c!.read()];
    });
  });

  test("a client that disconnects while blocked is not served; the next one is", async () => {
    await same(2, async ([a, b], admin) => {
      send(a!, "BZPOPMIN", "k", "0");
      await untilBlocked(admin, 1);
      send(b!, "BZMPOP", "0", "1", "k", "MIN");
      await untilBlocked(admin, 2);
      a!.close();
      await untilBlocked(admin, 1);
      const added = await admin.call("ZADD", "k", "1", "m1", "2", "m2");
      return [added, await b!.read(), await admin.call("ZRANGE", "k", "0", "-1")];
    });
  });

  test("ZUNIONSTORE, ZRANGESTORE, COPY and RENAME onto a waited key serve the client", async () => {
    await same(1, async ([a], admin) => {
      const seen: string[] = [await admin.call("ZADD", "src", "1", "a", "2", "b")];
      for (const write of [["ZUNIONSTORE", "k", "1", "src"], ["ZRANGESTORE", "k", "src", "1", "1"], ["COPY", "src", "k"], ["RENAME", "src", "k"]]) {
        send(a!, "BZPOPMAX", "k", "0");
        await untilBlocked(admin, 1);
        seen.push(await admin.call(...write), await a!.read(), await admin.call("DEL", "k"));
      }
      return seen;
    });
  });

  test("a key given another type does not serve the client; a sorted set later does", async () => {
    await same(1, async ([a], admin) => {
      send(a!, "BZPOPMIN", "k", "0");
      await untilBlocked(admin, 1);
      const pushed = await admin.call("RPUSH", "k", "v");
      const type = await admin.call("TYPE", "k");
      await untilBlocked(admin, 1);
      const deleted = await admin.call("DEL", "k");
      const added = await admin.call("ZADD", "k", "1", "m");
      return [pushed, type, deleted, added, await a!.read()];
    });
  });

  test("ZADD and ZINCRBY growing a set in place wake waiters that a set does not serve (BLPOP), harmlessly", async () => {
    await same(1, async ([a], admin) => {
      send(a!, "BLPOP", "k", "0");
      await untilBlocked(admin, 1);
      const seen = [await admin.call("ZADD", "k", "1", "a"), await admin.call("ZADD", "k", "2", "b"), await admin.call("ZINCRBY", "k", "1", "c")];
      await untilBlocked(admin, 1);
      seen.push(await admin.call("DEL", "k"), await admin.call("RPUSH", "k", "v"), await a!.read());
      return seen;
    });
  });

  test("a client blocked in another database is served only by a write there", async () => {
    await same(1, async ([a], admin) => {
      await a!.call("SELECT", "3");
      send(a!, "BZPOPMIN", "k", "0");
      await untilBlocked(admin, 1);
      const seen = [await admin.call("ZADD", "k", "1", "db0")];
      await untilBlocked(admin, 1);
      seen.push(await admin.call("SELECT", "3"), await admin.call("ZADD", "k", "2", "db3"), await a!.read(), await admin.call("SELECT", "0"), await admin.call("ZCARD", "k"));
      return seen;
    });
  });

  test("commands pipelined after a blocking pop wait for its reply", async () => {
    await same(1, async ([a], admin) => {
      a!.sendRaw(Buffer.concat([encodeCommand(["BZPOPMIN", "k", "0"]), encodeCommand(["PING"]), encodeCommand(["ZADD", "k", "5", "again"]), encodeCommand(["BZMPOP", "0", "1", "k", "MAX"])]));
      const first = a!.read();
      await untilBlocked(admin, 1);
      const added = await admin.call("ZADD", "k", "1", "v");
      return [added, await first, await a!.read(), await a!.read(), await a!.read()];
    });
  });

  test("CLIENT UNBLOCK with TIMEOUT and ERROR", async () => {
    await same(1, async ([a], admin) => {
      const id = (await a!.call("CLIENT", "ID")).slice(1, -2);
      send(a!, "BZPOPMIN", "k", "0");
      await untilBlocked(admin, 1);
      const seen = [await admin.call("CLIENT", "UNBLOCK", id, "TIMEOUT"), await a!.read()];
      send(a!, "BZMPOP", "0", "1", "k", "MIN");
      await untilBlocked(admin, 1);
      seen.push(await admin.call("CLIENT", "UNBLOCK", id, "ERROR"), await a!.read());
      return seen;
    });
  });

  test.skipIf(!HAVE_MULTI)("inside MULTI/EXEC they answer at once: the null array when nothing is there", async () => {
    await same(1, async ([a]) => {
      const seen: string[] = [];
      for (const args of [["MULTI"], ["BZPOPMIN", "k", "0"], ["BZPOPMAX", "k", "k2", "0"], ["BZMPOP", "0", "1", "k", "MIN"], ["ZADD", "k", "1", "a", "2", "b", "3", "c"],
        ["BZPOPMIN", "k", "0"], ["BZMPOP", "0", "1", "k", "MAX", "COUNT", "5"], ["BZPOPMAX", "k", "0"], ["EXEC"]]) {
        seen.push(await a!.call(...args));
      }
      return seen;
    });
  });
});

describe("the blocking pops in bunredis's framework", () => {
  test("a client that may not block (inside MULTI/EXEC, a script) answers as Redis does there", async () => {
    if (!HAVE_REDIS) return;
    const server = servers.server;
    const connection = await connect(servers.bunredisPort, 2);
    const id = Number((await connection.call("CLIENT", "ID")).slice(1, -2));
    const client = server.clients.get(id)!.client;
    const writer = new ReplyWriter();
    const replies: string[] = [];
    client.denyBlocking = true;
    try {
      for (const args of [["BZPOPMIN", "k", "0"], ["BZPOPMAX", "k", "k2", "0"], ["BZMPOP", "0", "1", "k", "MIN"], ["BZPOPMIN", "k", "-1"], ["ZADD", "k", "1", "a"], ["BZPOPMAX", "k", "0"]]) {
        writer.reset();
        server.execute(client, args, writer);
        replies.push(writer.bytes().latin1Slice(0, writer.length));
      }
    } finally {
      client.denyBlocking = false;
    }
    expect(replies).toEqual(["*-1\r\n", "*-1\r\n", "*-1\r\n", "-ERR timeout is negative\r\n", ":1\r\n", "*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n"]);
    expect(server.blocking.count).toBe(0);
  });

  test("ZADD and ZINCRBY on an existing set signal the key ready (no Db.set happens)", async () => {
    if (!HAVE_REDIS) return;
    const server = servers.server;
    const db = server.db(7);
    const connection = await connect(servers.bunredisPort, 2);
    const admin = await connect(servers.bunredisPort, 2);
    await admin.call("SELECT", "7");
    await admin.call("ZADD", "k", "1", "a");
    const id = Number((await connection.call("CLIENT", "ID")).slice(1, -2));
    const client = server.clients.get(id)!.client;
    const offered: number[] = [];
    const ctx = { server, client, db, reply: new ReplyWriter() };
    // A waiter on a key that already holds a set: only an in-place write can tell it anything.
    server.blocking.block(ctx, {
      keys: ["k"],
      timeoutMs: 0,
      serve(db, key, reply) {
        const value = db.get(key);
        const size = value instanceof SortedSet ? value.size : 0;
        offered.push(size);
        if (size < 3) return false;
        reply.integer(size);
        return true;
      },
    });
    await admin.call("ZADD", "k", "2", "b");
    await admin.call("ZADD", "k", "XX", "5", "b");
    await admin.call("ZINCRBY", "k", "1", "c");
    expect(await connection.read()).toBe(":3\r\n");
    // Offered after the new member b and after c; an update that adds nothing does not signal.
    expect(offered).toEqual([2, 3]);
    expect(server.blocking.count).toBe(0);
  });

  test("served and timed-out clients leave no waiters, timers or listeners", async () => {
    if (!HAVE_REDIS) return;
    const { server, bunredisPort: port } = servers;
    const admin = await connect(port, 2);
    await admin.call("FLUSHALL");
    const [a, b] = [await connect(port, 3), await connect(port, 2)];
    send(a, "BZPOPMIN", "k1", "k2", "100");
    send(b, "BZMPOP", "0.01", "1", "k3", "MAX");
    await untilBlocked(admin, 2);
    expect(server.blocking.timeoutCount).toBe(2);
    expect(await b.read()).toBe("*-1\r\n");
    await admin.call("ZADD", "k2", "1.5", "m");
    expect(await a.read()).toBe("*3\r\n$2\r\nk2\r\n$1\r\nm\r\n,1.5\r\n");
    await untilBlocked(admin, 0);
    expect(server.blocking.count).toBe(0);
    expect(server.blocking.timeoutCount).toBe(0);
    expect(server.db(0).keyListener).toBeUndefined();
  });
});
