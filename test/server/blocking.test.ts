/**
 * Blocked clients over real connections: each scenario runs against redis-server and against
 * bunredis and the replies every connection received must be equal byte for byte (RESP2 and
 * RESP3). Synchronisation is by waiting until INFO reports the expected number of blocked clients
 * (a condition, never a sleep). The bunredis here is built with CLIENT UNBLOCK wired into the
 * CLIENT container (lists/blocking.ts's spec), and its Server is at hand, so the last tests look
 * at what the blocking framework keeps.
 */
import { beforeEach, describe, expect, test } from "bun:test";
import type { CommandContext } from "../../src/server/command.ts";
import type { Client } from "../../src/server/client.ts";
import { ReplyWriter } from "../../src/resp/writer.ts";
import { useBlockingServers } from "../helpers/blocking.ts";
import { HAVE_REDIS } from "../helpers/oracle.ts";
import { encodeCommand, RespConnection } from "../helpers/resp.ts";

const servers = useBlockingServers("blocking-test");
const { connect, untilBlocked, send, same } = servers;

beforeEach(async () => {
  if (!HAVE_REDIS) return;
  servers.closeAll();
  for (const port of [servers.redisPort, servers.bunredisPort]) {
    const admin = await connect(port, 2);
    expect(await admin.call("FLUSHALL")).toBe("+OK\r\n");
    await untilBlocked(admin, 0);
  }
});

/** The bunredis Client behind a connection. */
async function clientOf(connection: RespConnection): Promise<Client> {
  const id = Number((await connection.call("CLIENT", "ID")).slice(1, -2));
  return servers.server.clients.get(id)!.client;
}

describe("blocked clients, compared with redis-server", () => {
  test("BLPOP is served by a later LPUSH", async () => {
    await same(1, async ([a], admin) => {
      send(a!, "BLPOP", "k", "0");
      await untilBlocked(admin, 1);
      const pushed = await admin.call("LPUSH", "k", "v");
      return [pushed, await a!.read(), await admin.call("EXISTS", "k")];
    });
  });

  test("three blocked clients are served first-blocked first", async () => {
    await same(3, async (clients, admin) => {
      for (let i = 0; i < clients.length; i++) {
        send(clients[i]!, i === 1 ? "BRPOP" : "BLPOP", "k", "0");
        await untilBlocked(admin, i + 1);
      }
      const pushed = await admin.call("RPUSH", "k", "1", "2", "3", "4");
      const replies = await Promise.all(clients.map((client) => client.read()));
      return [pushed, ...replies, await admin.call("LRANGE", "k", "0", "-1")];
    });
  });

  test("only as many clients as elements are served; the rest wait for the next push", async () => {
    await same(2, async ([a, b], admin) => {
      send(a!, "BLPOP", "k", "0");
      await untilBlocked(admin, 1);
      send(b!, "BLPOP", "k", "0");
      await untilBlocked(admin, 2);
      const first = await admin.call("RPUSH", "k", "x");
      const toA = await a!.read();
      await untilBlocked(admin, 1);
      const second = await admin.call("RPUSH", "k", "y", "z");
      return [first, toA, second, await b!.read(), await admin.call("LRANGE", "k", "0", "-1")];
    });
  });

  test("a client blocked on several keys is served by the first that gets data", async () => {
    await same(1, async ([a], admin) => {
      send(a!, "BLPOP", "k1", "k2", "k3", "0");
      await untilBlocked(admin, 1);
      const pushed = await admin.call("RPUSH", "k3", "x");
      const reply = await a!.read();
      await untilBlocked(admin, 0);
      return [pushed, reply, await admin.call("RPUSH", "k1", "y"), await admin.call("LLEN", "k1")];
    });
  });

  test("timeouts: the null array after the given seconds", async () => {
    await same(2, async ([a, b]) => {
      send(a!, "BLPOP", "k", "0.05");
      send(b!, "BLMOVE", "k", "d", "LEFT", "RIGHT", "0.02");
      return [await a!.read(), await b!.read()];
    });
  });

  test("BLMOVE moves into its destination, which serves the next waiter", async () => {
    await same(3, async ([a, b, c], admin) => {
      send(a!, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
      await untilBlocked(admin, 1);
      send(b!, "BRPOPLPUSH", "dst", "final", "0");
      await untilBlocked(admin, 2);
      send(c!, "BLPOP", "final", "0");
      await untilBlocked(admin, 3);
      const pushed = await admin.call("RPUSH", "src", "v1", "v2");
      return [pushed, await a!.read(), await b!.read(), await c!.read(), await admin.call("LRANGE", "src", "0", "-1"), await admin.call("EXISTS", "dst", "final")];
    });
  });

  test("BLMOVE served into a destination of another type answers WRONGTYPE and moves nothing", async () => {
    await same(1, async ([a], admin) => {
      await admin.call("SET", "dst", "string");
      send(a!, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
      await untilBlocked(admin, 1);
      const pushed = await admin.call("RPUSH", "src", "v");
      return [pushed, await a!.read(), await admin.call("LRANGE", "src", "0", "-1")];
    });
  });

  test("BLMPOP is served with up to COUNT elements", async () => {
    await same(2, async ([a, b], admin) => {
      send(a!, "BLMPOP", "0", "2", "x", "y", "RIGHT", "COUNT", "2");
      await untilBlocked(admin, 1);
      send(b!, "BLMPOP", "0", "1", "y", "LEFT", "COUNT", "10");
      await untilBlocked(admin, 2);
      const pushed = await admin.call("RPUSH", "y", "1", "2", "3", "4", "5");
      return [pushed, await a!.read(), await b!.read(), await admin.call("EXISTS", "y")];
    });
  });

  test("commands pipelined after a blocking one wait for its reply", async () => {
    await same(1, async ([a], admin) => {
      a!.sendRaw(Buffer.concat([encodeCommand(["BLPOP", "k", "0"]), encodeCommand(["PING"]), encodeCommand(["RPUSH", "k", "again"]), encodeCommand(["LLEN", "k"])]));
      const first = a!.read();
      await untilBlocked(admin, 1);
      // Nothing may have been answered yet: the first reply to arrive must be BLPOP's.
      const pushed = await admin.call("LPUSH", "k", "v");
      return [pushed, await first, await a!.read(), await a!.read(), await a!.read()];
    });
  });

  test("a client that blocks again from its pipeline waits again", async () => {
    await same(1, async ([a], admin) => {
      a!.sendRaw(Buffer.concat([encodeCommand(["BLPOP", "k", "0"]), encodeCommand(["BLPOP", "j", "0"]), encodeCommand(["ECHO", "done"])]));
      await untilBlocked(admin, 1);
      await admin.call("RPUSH", "k", "1");
      const first = await a!.read();
      await untilBlocked(admin, 1);
      await admin.call("RPUSH", "j", "2");
      return [first, await a!.read(), await a!.read()];
    });
  });

  test("a key given another type does not wake the client; a list later does", async () => {
    await same(1, async ([a], admin) => {
      send(a!, "BLPOP", "k", "0");
      await untilBlocked(admin, 1);
      const set = await admin.call("SET", "k", "string");
      await admin.call("DEL", "k");
      const info = await admin.call("LLEN", "k");
      await untilBlocked(admin, 1);
      const pushed = await admin.call("RPUSH", "k", "v");
      return [set, info, pushed, await a!.read()];
    });
  });

  test("RENAME, MOVE, COPY and SWAPDB onto a waited key wake the client", async () => {
    await same(1, async ([a], admin) => {
      const seen: string[] = [];
      send(a!, "BLPOP", "k", "0");
      await untilBlocked(admin, 1);
      seen.push(await admin.call("RPUSH", "tmp", "renamed"), await admin.call("RENAME", "tmp", "k"), await a!.read());
      send(a!, "BLPOP", "k", "0");
      await untilBlocked(admin, 1);
      seen.push(await admin.call("SELECT", "1"), await admin.call("RPUSH", "k", "moved"), await admin.call("MOVE", "k", "0"), await a!.read());
      send(a!, "BLPOP", "k", "0");
      await untilBlocked(admin, 1);
      seen.push(await admin.call("RPUSH", "c", "copied"), await admin.call("COPY", "c", "k", "DB", "0"), await a!.read());
      send(a!, "BLPOP", "k", "0");
      await untilBlocked(admin, 1);
      seen.push(await admin.call("RPUSH", "k", "swapped"), await admin.call("SWAPDB", "0", "1"), await a!.read());
      return seen;
    });
  });

  test("a client that disconnects while blocked leaves nothing behind", async () => {
    await same(2, async ([a, b], admin) => {
      send(a!, "BLPOP", "k", "0");
      await untilBlocked(admin, 1);
      send(b!, "BLPOP", "k", "0");
      await untilBlocked(admin, 2);
      a!.close();
      await untilBlocked(admin, 1);
      const pushed = await admin.call("RPUSH", "k", "v1", "v2");
      return [pushed, await b!.read(), await admin.call("LRANGE", "k", "0", "-1")];
    });
  });

  test("CLIENT UNBLOCK with TIMEOUT and ERROR", async () => {
    await same(1, async ([a], admin) => {
      const id = (await a!.call("CLIENT", "ID")).slice(1, -2);
      const seen = [await admin.call("CLIENT", "UNBLOCK", id)];
      send(a!, "BLPOP", "k", "0");
      await untilBlocked(admin, 1);
      seen.push(await admin.call("CLIENT", "UNBLOCK", id, "TIMEOUT"), await a!.read());
      send(a!, "BLMOVE", "k", "d", "LEFT", "LEFT", "0");
      await untilBlocked(admin, 1);
      seen.push(await admin.call("CLIENT", "UNBLOCK", id, "error"), await a!.read());
      send(a!, "BLMPOP", "0", "1", "k", "LEFT");
      await untilBlocked(admin, 1);
      seen.push(await admin.call("CLIENT", "UNBLOCK", id), await a!.read(), await admin.call("CLIENT", "UNBLOCK", id));
      seen.push(
        await admin.call("CLIENT", "UNBLOCK", "x"),
        await admin.call("CLIENT", "UNBLOCK", "x", "FOO"),
        await admin.call("CLIENT", "UNBLOCK", "x", "error"),
        await admin.call("CLIENT", "UNBLOCK", "1", "error", "x"),
        await admin.call("CLIENT", "UNBLOCK", "-1"),
        await admin.call("CLIENT", "UNBLOCK"),
      );
      return seen;
    });
  });
});

describe("the blocking framework's state (bunredis only)", () => {
  test("served, timed-out, unblocked and disconnected clients leave no waiters, timers or listeners", async () => {
    if (!HAVE_REDIS) return;
    const { server, bunredisPort: port } = servers;
    const admin = await connect(port, 2);
    const [a, b, c] = [await connect(port, 2), await connect(port, 3), await connect(port, 2)];
    send(a, "BLPOP", "k1", "k2", "0");
    send(b, "BLMOVE", "k2", "d", "LEFT", "LEFT", "100");
    send(c, "BLMPOP", "0", "1", "k3", "LEFT");
    await untilBlocked(admin, 3);
    expect(server.blocking.count).toBe(3);
    expect(server.blocking.timeoutCount).toBe(1);
    expect(server.db(0).keyListener).toBe(server.blocking);
    await admin.call("RPUSH", "k2", "x", "y");
    expect(await a.read()).toBe("*2\r\n$2\r\nk2\r\n$1\r\nx\r\n");
    expect(await b.read()).toBe("$1\r\ny\r\n");
    expect(server.blocking.timeoutCount).toBe(0);
    c.close();
    await untilBlocked(admin, 0);
    expect(server.blocking.count).toBe(0);
    expect(server.db(0).keyListener).toBeUndefined();
    expect(server.blocking.pending).toBe(false);
  });

  test("a served reply is encoded in the blocked client's protocol, not the writer's", async () => {
    if (!HAVE_REDIS) return;
    const admin = await connect(servers.bunredisPort, 2);
    const resp3 = await connect(servers.bunredisPort, 3);
    send(resp3, "BLMPOP", "0", "1", "k", "LEFT");
    await untilBlocked(admin, 1);
    await admin.call("RPUSH", "k", "v");
    expect(await resp3.read()).toBe("*2\r\n$1\r\nk\r\n*1\r\n$1\r\nv\r\n");
    send(resp3, "BLPOP", "k", "0.01");
    expect(await resp3.read()).toBe("_\r\n");
  });

  test("a client that may not block (inside MULTI/EXEC) answers as on a timeout", async () => {
    if (!HAVE_REDIS) return;
    const server = servers.server;
    const replies: string[] = [];
    // The Client of a connection, driven through the dispatcher as EXEC will drive it.
    const client = await clientOf(await connect(servers.bunredisPort, 2));
    const writer = new ReplyWriter();
    client.denyBlocking = true;
    try {
      for (const args of [["BLPOP", "k", "0"], ["BRPOP", "k", "0"], ["BLMOVE", "k", "d", "LEFT", "LEFT", "0"], ["BRPOPLPUSH", "k", "d", "0"], ["BLMPOP", "0", "1", "k", "LEFT"], ["BLPOP", "k", "-1"]]) {
        writer.reset();
        server.execute(client, args, writer);
        replies.push(writer.bytes().latin1Slice(0, writer.length));
      }
    } finally {
      client.denyBlocking = false;
    }
    // As redis-server answers them inside MULTI/EXEC.
    expect(replies).toEqual(["*-1\r\n", "*-1\r\n", "$-1\r\n", "$-1\r\n", "*-1\r\n", "-ERR timeout is negative\r\n"]);
    expect(server.blocking.count).toBe(0);
  });

  test("the generic API: a custom request is served by its callback, first-blocked first", async () => {
    if (!HAVE_REDIS) return;
    const server = servers.server;
    const db = server.db(5);
    const connections = [await connect(servers.bunredisPort, 2), await connect(servers.bunredisPort, 2)];
    const clients = [await clientOf(connections[0]!), await clientOf(connections[1]!)];
    const served: string[] = [];
    for (const [i, client] of clients.entries()) {
      const ctx = { server, client, db, reply: undefined } as unknown as CommandContext;
      server.blocking.block(ctx, {
        keys: ["custom"],
        timeoutMs: 0,
        serve(db, key, reply) {
          if (db.get(key) !== "go") return false;
          served.push(`client ${i}`);
          reply.simple("SERVED");
          return true;
        },
      });
    }
    expect(clients.every((client) => client.blocked)).toBe(true);
    db.set("custom", "wait");
    server.blocking.serveReadyKeys();
    expect(served).toEqual([]);
    db.set("custom", "go");
    expect(server.blocking.pending).toBe(true);
    server.blocking.serveReadyKeys();
    expect(served).toEqual(["client 0", "client 1"]);
    expect(await Promise.all(connections.map((connection) => connection.read()))).toEqual(["+SERVED\r\n", "+SERVED\r\n"]);
    expect(clients.some((client) => client.blocked)).toBe(false);
    expect(db.keyListener).toBeUndefined();
  });
});
