/**
 * XREAD BLOCK and XREADGROUP BLOCK with several real clients, on redis-server and on bunredis, in
 * RESP2 and RESP3: what every connection received must be equal byte for byte. Synchronisation is
 * by waiting until INFO reports the expected number of blocked clients (a condition, never a
 * sleep); timeouts are short and their replies awaited.
 */
import { describe, expect, test } from "bun:test";
import { useBlockingServers } from "../../helpers/blocking.ts";
import { HAVE_REDIS } from "../../helpers/oracle.ts";

const servers = useBlockingServers("streams-blocking-test");
const { untilBlocked, send, same } = servers;

/** Replaces ms-since-epoch times with `T` (idle times and delivery times differ between servers). */
function times(reply: string): string {
  return reply.replace(/:1\d{12}\r\n/g, ":T\r\n").replace(/(\$4\r\nidle\r\n):\d+/g, "$1:T");
}

describe("XREAD BLOCK", () => {
  test("served by another connection's XADD; $ means entries added after the call", async () => {
    await same(1, async ([a], admin) => {
      await admin.call("XADD", "s", "1-1", "f", "old");
      send(a!, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
      await untilBlocked(admin, 1);
      const added = await admin.call("XADD", "s", "2-1", "f", "new", "g", "\x00\xff\r\n");
      return [added, await a!.read()];
    });
  });

  test("a key that does not exist yet; several keys, the first to get an entry answers", async () => {
    await same(2, async ([a, b], admin) => {
      send(a!, "XREAD", "BLOCK", "0", "STREAMS", "k1", "k2", "$", "0");
      await untilBlocked(admin, 1);
      send(b!, "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "k2", "$");
      await untilBlocked(admin, 2);
      const added = await admin.call("XADD", "k2", "5-1", "f", "v");
      const replies = [await a!.read(), await b!.read()];
      return [added, ...replies];
    });
  });

  test("an id above what is added keeps waiting; COUNT caps, 1000 by default", async () => {
    await same(2, async ([a, b], admin) => {
      send(a!, "XREAD", "BLOCK", "0", "STREAMS", "s", "10-0");
      await untilBlocked(admin, 1);
      send(b!, "XREAD", "COUNT", "2", "BLOCK", "0", "STREAMS", "s", "0");
      await untilBlocked(admin, 2);
      await admin.call("MULTI");
      for (let i = 1; i <= 5; i++) await admin.call("XADD", "s", `${i}-1`, "f", String(i));
      const exec = await admin.call("EXEC");
      const toB = await b!.read();
      await untilBlocked(admin, 1);
      const more = await admin.call("XADD", "s", "11-1", "f", "11");
      return [exec, toB, more, await a!.read()];
    });
  });

  test("timeouts answer the null array; BLOCK inside MULTI answers at once", async () => {
    await same(2, async ([a, b], admin) => {
      send(a!, "XREAD", "BLOCK", "30", "STREAMS", "s", "$");
      send(b!, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "20", "STREAMS", "s", ">");
      const first = await a!.read();
      const second = await b!.read();
      await admin.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
      send(b!, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "20", "STREAMS", "s", ">");
      const third = await b!.read();
      await a!.call("MULTI");
      await a!.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
      await a!.call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
      return [first, second, third, await a!.call("EXEC")];
    });
  });

  test("CLIENT UNBLOCK ends the wait with the null array (TIMEOUT) or an error (ERROR)", async () => {
    await same(2, async ([a, b], admin) => {
      const ids = [await a!.call("CLIENT", "ID"), await b!.call("CLIENT", "ID")].map((reply) => reply.slice(1, -2));
      send(a!, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
      send(b!, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
      await admin.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
      send(b!, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
      const groupMissing = await b!.read();
      await untilBlocked(admin, 2);
      const unblocked = [await admin.call("CLIENT", "UNBLOCK", ids[0]!), await admin.call("CLIENT", "UNBLOCK", ids[1]!, "ERROR")];
      return [groupMissing, ...unblocked, await a!.read(), await b!.read()];
    });
  });
});

describe("XREADGROUP BLOCK", () => {
  test("consumers blocked on > are served first-blocked first, each entry to one consumer", async () => {
    await same(3, async (clients, admin) => {
      await admin.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
      for (const [i, client] of clients.entries()) {
        send(client, "XREADGROUP", "GROUP", "g", `c${i}`, "COUNT", "2", "BLOCK", "0", "STREAMS", "s", ">");
        await untilBlocked(admin, i + 1);
      }
      const first = await admin.call("XADD", "s", "1-1", "f", "1");
      const toC0 = await clients[0]!.read();
      await untilBlocked(admin, 2);
      await admin.call("MULTI");
      for (let i = 2; i <= 5; i++) await admin.call("XADD", "s", `${i}-1`, "f", String(i));
      const exec = await admin.call("EXEC");
      const toC1 = await clients[1]!.read();
      const toC2 = await clients[2]!.read();
      return [first, toC0, exec, toC1, toC2, await admin.call("XPENDING", "s", "g"), await admin.call("XINFO", "GROUPS", "s")];
    });
  });

  test("NOACK and several keys; the consumer is created when first served", async () => {
    await same(2, async ([a, b], admin) => {
      await admin.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
      await admin.call("XGROUP", "CREATE", "t", "g", "$", "MKSTREAM");
      send(a!, "XREADGROUP", "GROUP", "g", "n", "NOACK", "BLOCK", "0", "STREAMS", "s", "t", ">", ">");
      await untilBlocked(admin, 1);
      send(b!, "XREADGROUP", "GROUP", "g", "m", "BLOCK", "0", "STREAMS", "t", ">");
      await untilBlocked(admin, 2);
      const consumers = await admin.call("XINFO", "CONSUMERS", "t", "g");
      const added = await admin.call("XADD", "t", "1-1", "f", "v");
      const toA = await a!.read();
      const second = await admin.call("XADD", "t", "2-1", "f", "w");
      return [consumers, added, toA, second, await b!.read(), await admin.call("XPENDING", "t", "g"), times(await admin.call("XINFO", "CONSUMERS", "t", "g"))];
    });
  });

  test("XGROUP DESTROY wakes its readers with NOGROUP; SET over the key with UNBLOCKED", async () => {
    await same(3, async ([a, b, c], admin) => {
      await admin.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
      await admin.call("XGROUP", "CREATE", "s", "h", "$");
      send(a!, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
      await untilBlocked(admin, 1);
      send(b!, "XREADGROUP", "GROUP", "h", "c", "BLOCK", "0", "STREAMS", "s", ">");
      await untilBlocked(admin, 2);
      send(c!, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
      await untilBlocked(admin, 3);
      const destroyed = await admin.call("XGROUP", "DESTROY", "s", "g");
      const toA = await a!.read();
      await untilBlocked(admin, 2);
      const set = await admin.call("SET", "s", "x");
      const toB = await b!.read();
      await untilBlocked(admin, 1);
      await admin.call("DEL", "s");
      const added = await admin.call("XADD", "s", "1-1", "f", "v");
      return [destroyed, toA, set, toB, added, await c!.read()];
    });
  });

  test("a reader of history never blocks; a read that finds entries answers at once", async () => {
    await same(1, async ([a], admin) => {
      await admin.call("XADD", "s", "1-1", "f", "v");
      await admin.call("XGROUP", "CREATE", "s", "g", "0");
      const history = await a!.call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", "0");
      const fresh = await a!.call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
      const again = await a!.call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", "0");
      return [history, fresh, again];
    });
  });

  test("bunredis keeps nothing of a served or timed-out reader", async () => {
    if (!HAVE_REDIS) return;
    const { server } = servers;
    expect(server.blocking.count).toBe(0);
    expect(server.blocking.timeoutCount).toBe(0);
  });
});
