/**
 * Transactions and pub/sub through real client libraries (ioredis, node-redis in RESP2 and RESP3)
 * over real sockets: MULTI/EXEC pipelines, WATCH conflicts as each library reports them,
 * subscriptions with channel and pattern messages, and keyspace notifications.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import IORedis from "ioredis";
import { createClient, WatchError } from "redis";
import { startServer, type RunningServer } from "../../src/lib.ts";

let server: RunningServer;
let url: string;
beforeAll(async () => {
  server = await startServer();
  url = `redis://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
});

function ioredis(): IORedis {
  return new IORedis(server.port, "127.0.0.1", { maxRetriesPerRequest: 0 });
}

/** Resolves with the first `count` values `subscribe` hands to its callback. */
function collect<T>(count: number, subscribe: (push: (value: T) => void) => void): Promise<T[]> {
  return new Promise((resolve) => {
    const values: T[] = [];
    subscribe((value) => {
      values.push(value);
      if (values.length === count) resolve(values);
    });
  });
}

describe("ioredis", () => {
  test("MULTI/EXEC pipelines: replies, a runtime error in the middle, EXECABORT", async () => {
    const client = ioredis();
    expect(await client.multi().set("io:t", "1").incr("io:t").get("io:t").exec()).toEqual([[null, "OK"], [null, 2], [null, "2"]]);
    const results = (await client.multi().set("io:w", "v").lpush("io:w", "x").get("io:w").exec())!;
    expect(results[0]).toEqual([null, "OK"]);
    expect(String(results[1]![0])).toContain("WRONGTYPE");
    expect(results[2]).toEqual([null, "v"]);
    await expect(client.multi().set("io:a", "1").call("NOSUCH").exec()).rejects.toThrow("EXECABORT");
    expect(await client.get("io:a")).toBeNull();
    client.disconnect();
  });

  test("WATCH: a concurrent change makes EXEC return null; an untouched watch lets it through", async () => {
    const client = ioredis();
    const other = ioredis();
    await client.set("io:balance", "10");
    await client.watch("io:balance");
    await other.incrby("io:balance", 5);
    expect(await client.multi().decrby("io:balance", 3).exec()).toBeNull();
    await client.watch("io:balance");
    expect(await client.multi().decrby("io:balance", 3).exec()).toEqual([[null, 12]]);
    client.disconnect();
    other.disconnect();
  });

  test("subscribe, psubscribe, publish (binary too), unsubscribe", async () => {
    const subscriber = ioredis();
    const publisher = ioredis();
    expect(await subscriber.subscribe("io:news", "io:sport")).toBe(2);
    expect(await subscriber.psubscribe("io:*")).toBe(3);
    const messages = collect<string>(2, (push) => subscriber.on("message", (channel, message) => push(`${channel}=${message}`)));
    const patterns = collect<string>(2, (push) => subscriber.on("pmessage", (pattern, channel, message) => push(`${pattern}|${channel}=${message}`)));
    const binary = Buffer.from([0, 1, 0xff, 13, 10]);
    const buffers = collect<Buffer>(1, (push) => subscriber.on("messageBuffer", (_channel, message) => push(message)));
    expect(await publisher.publish("io:news", binary)).toBe(2);
    expect(await publisher.publish("io:sport", "goal")).toBe(2);
    expect((await buffers)[0]!.equals(binary)).toBe(true);
    expect((await messages)[1]).toBe("io:sport=goal");
    expect(await patterns).toEqual([`io:*|io:news=${binary.toString()}`, "io:*|io:sport=goal"]);
    await subscriber.unsubscribe("io:news");
    expect(await publisher.publish("io:news", "x")).toBe(1);
    subscriber.disconnect();
    publisher.disconnect();
  });

  test("keyspace notifications reach a subscriber", async () => {
    const admin = ioredis();
    const subscriber = ioredis();
    await admin.config("SET", "notify-keyspace-events", "KEA");
    await subscriber.psubscribe("__keyevent@0__:*");
    const events = collect<string>(3, (push) => subscriber.on("pmessage", (_pattern, channel, key) => push(`${channel.split(":")[1]} ${key}`)));
    await admin.set("io:n", "1");
    await admin.expire("io:n", 100);
    await admin.del("io:n");
    expect(await events).toEqual(["set io:n", "expire io:n", "del io:n"]);
    await admin.config("SET", "notify-keyspace-events", "");
    subscriber.disconnect();
    admin.disconnect();
  });
});

describe("node-redis", () => {
  for (const RESP of [2, 3] as const) {
    test(`RESP${RESP}: MULTI/EXEC, WATCH conflicts as WatchError, pub/sub`, async () => {
      const client = createClient({ url, RESP });
      await client.connect();
      const replies: unknown[] = await client.multi().set(`nr${RESP}:t`, "1").incr(`nr${RESP}:t`).get(`nr${RESP}:t`).exec();
      expect(replies).toEqual(["OK", 2, "2"]);

      const other = client.duplicate();
      await other.connect();
      await client.watch(`nr${RESP}:w`);
      await other.set(`nr${RESP}:w`, "theirs");
      await expect(client.multi().set(`nr${RESP}:w`, "mine").exec()).rejects.toBeInstanceOf(WatchError);
      expect(await client.get(`nr${RESP}:w`)).toBe("theirs");

      const subscriber = client.duplicate();
      await subscriber.connect();
      const received = collect<string>(2, (push) => {
        void subscriber.subscribe(`nr${RESP}:ch`, (message, channel) => push(`${channel}=${message}`));
        void subscriber.pSubscribe(`nr${RESP}:p*`, (message, channel) => push(`p ${channel}=${message}`));
      });
      // Both subscriptions are in place once a PING on the same connection has its answer.
      await subscriber.ping();
      expect(await client.publish(`nr${RESP}:ch`, "hello")).toBe(1);
      expect(await client.publish(`nr${RESP}:px`, "world")).toBe(1);
      expect((await received).sort()).toEqual([`nr${RESP}:ch=hello`, `p nr${RESP}:px=world`]);
      await subscriber.unsubscribe(`nr${RESP}:ch`);
      expect(await client.publish(`nr${RESP}:ch`, "again")).toBe(0);
      await Promise.all([client.quit(), other.quit(), subscriber.quit()]);
    });
  }
});
