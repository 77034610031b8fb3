/**
 * Pub/sub against redis-server, byte for byte in RESP2 and RESP3: (P|S)(UN)SUBSCRIBE replies,
 * message formats to channel, pattern and shard subscribers, RESP2 subscriber mode restrictions,
 * PUBSUB introspection, CLIENT LIST / INFO figures, and a slow subscriber cut off at the pubsub
 * output limit without holding up anyone else.
 */
import { describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { startServer } from "../../../src/lib.ts";
import { useDifferential } from "../../helpers/differential.ts";
import { encodeCommand, RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

type Pair = [RespConnection, RespConnection];

/** Sends `args` on both connections and expects the same `replies` replies (pushes included) from each. */
async function exchange(pair: Pair, args: string[], replies = 1): Promise<string[]> {
  for (const connection of pair) connection.sendRaw(encodeCommand(args));
  const got: string[][] = [[], []];
  for (let i = 0; i < replies; i++) {
    const [expected, actual] = await Promise.all(pair.map((connection) => connection.read()));
    got[0]!.push(expected!);
    got[1]!.push(actual!);
  }
  expect(`${args.join(" ")}: ${JSON.stringify(got[1])}`).toBe(`${args.join(" ")}: ${JSON.stringify(got[0])}`);
  return got[1]!;
}

/** Reads one message on both and expects them equal. */
async function receive(pair: Pair): Promise<string> {
  const [expected, actual] = await Promise.all(pair.map((connection) => connection.read()));
  expect(actual).toBe(expected!);
  return actual!;
}

describe("subscribing", () => {
  test("(P|S)(UN)SUBSCRIBE replies and counts, duplicates, unsubscribing from nothing", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const pair = await d.connect(protocol);
      await exchange(pair, ["UNSUBSCRIBE"]);
      await exchange(pair, ["PUNSUBSCRIBE"]);
      await exchange(pair, ["SUNSUBSCRIBE"]);
      await exchange(pair, ["UNSUBSCRIBE", "nope", "nope2"], 2);
      await exchange(pair, ["SUBSCRIBE", "a", "b", "a"], 3);
      await exchange(pair, ["PSUBSCRIBE", "a*", "b?", "a*"], 3);
      await exchange(pair, ["SSUBSCRIBE", "s1", "s2", "s1"], 3);
      await exchange(pair, ["SUBSCRIBE", "c\x00\xff\r\n"]);
      await exchange(pair, ["UNSUBSCRIBE", "a", "zz"], 2);
      await exchange(pair, ["PUNSUBSCRIBE", "b?", "nope"], 2);
      await exchange(pair, ["SUNSUBSCRIBE", "s2"]);
      // One subscription of each kind left: the mass forms list each.
      await exchange(pair, ["UNSUBSCRIBE", "b"]);
      await exchange(pair, ["UNSUBSCRIBE"]);
      await exchange(pair, ["PUNSUBSCRIBE"]);
      await exchange(pair, ["SUNSUBSCRIBE"]);
      await exchange(pair, ["PING"]);
      await exchange(pair, ["SUBSCRIBE"]);
      await exchange(pair, ["PSUBSCRIBE"]);
      await exchange(pair, ["SSUBSCRIBE"]);
      // Mass unsubscribing from a kind there is none of: a null name, and the count of the others.
      await exchange(pair, ["PSUBSCRIBE", "p*"]);
      await exchange(pair, ["SSUBSCRIBE", "s"]);
      await exchange(pair, ["UNSUBSCRIBE"]);
      await exchange(pair, ["SUBSCRIBE", "c"]);
      await exchange(pair, ["PUNSUBSCRIBE", "p*"]);
      await exchange(pair, ["PUNSUBSCRIBE"]);
      await exchange(pair, ["SUNSUBSCRIBE", "s"]);
      await exchange(pair, ["SUNSUBSCRIBE"]);
      await exchange(pair, ["UNSUBSCRIBE"]);
    }
  });

  test("RESP2 subscriber mode: only (P|S)(UN)SUBSCRIBE, PING, QUIT, RESET; PING's array; RESET leaves it", async () => {
    if (d.skip) return;
    const pair = await d.connect(2);
    await exchange(pair, ["SUBSCRIBE", "a"]);
    for (const args of [["GET", "k"], ["SET", "k", "v"], ["PUBLISH", "a", "x"], ["MULTI"], ["EXEC"], ["DISCARD"], ["CLIENT", "LIST"], ["CLIENT", "NOSUCH"], ["NOSUCH"], ["GET"], ["PING"], ["PING", "hi"], ["PING", "a", "b"], ["SELECT", "1"], ["HELLO", "3"]]) {
      await exchange(pair, args);
    }
    await exchange(pair, ["SSUBSCRIBE", "s"]);
    await exchange(pair, ["UNSUBSCRIBE", "a"]);
    await exchange(pair, ["GET", "k"]);
    await exchange(pair, ["SUNSUBSCRIBE"]);
    await exchange(pair, ["GET", "k"]);
    await exchange(pair, ["PSUBSCRIBE", "x*"]);
    await exchange(pair, ["RESET"]);
    await exchange(pair, ["GET", "k"]);
    await exchange(pair, ["PING"]);
    await exchange(pair, ["SUBSCRIBE", "a"]);
    await exchange(pair, ["QUIT"]);
    await Promise.all(pair.map((connection) => connection.untilClosed()));
  });

  test("RESP3: every command still works while subscribed; messages are pushes among the replies", async () => {
    if (d.skip) return;
    const pair = await d.connect(3);
    await exchange(pair, ["SUBSCRIBE", "a"]);
    await exchange(pair, ["PSUBSCRIBE", "*"]);
    await exchange(pair, ["SET", "k", "v"]);
    await exchange(pair, ["GET", "k"]);
    await exchange(pair, ["PING"]);
    // Its own PUBLISH: the two pushes come before the count, as Redis writes them.
    await exchange(pair, ["PUBLISH", "a", "self"], 3);
    await exchange(pair, ["MULTI"]);
    await exchange(pair, ["PUBLISH", "a", "in-exec"]);
    await exchange(pair, ["EXEC"]);
    await exchange(pair, ["SUBSCRIBE", "b"]);
  });

  test("SUBSCRIBE inside MULTI enters pub/sub mode after EXEC; SSUBSCRIBE is refused there", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const pair = await d.connect(protocol);
      await exchange(pair, ["MULTI"]);
      await exchange(pair, ["SUBSCRIBE", "a", "b"]);
      await exchange(pair, ["PSUBSCRIBE", "p*"]);
      await exchange(pair, ["SSUBSCRIBE", "s"]);
      await exchange(pair, ["EXEC"]);
      await exchange(pair, ["GET", "k"]);
      await exchange(pair, ["PING"]);
    }
  });
});

describe("publishing", () => {
  test("channel, pattern and shard messages in each subscriber's protocol; PUBLISH counts", async () => {
    if (d.skip) return;
    const publisher = await d.connect(2);
    const two = await d.connect(2);
    const three = await d.connect(3);
    const patterns = await d.connect(3);
    const shard = await d.connect(2);
    await exchange(two, ["SUBSCRIBE", "news", "c\x00\xff\r\n"], 2);
    await exchange(three, ["SUBSCRIBE", "news"]);
    await exchange(patterns, ["PSUBSCRIBE", "n*s"]);
    await exchange(shard, ["SSUBSCRIBE", "news"]);
    await exchange(publisher, ["PUBLISH", "news", "hello"]);
    await receive(two);
    await receive(three);
    await receive(patterns);
    await exchange(publisher, ["PUBLISH", "c\x00\xff\r\n", "\x00binary\r\n\xff"]);
    await receive(two);
    await exchange(publisher, ["PUBLISH", "nobody", "x"]);
    await exchange(publisher, ["PUBLISH", "nes", ""]);
    await receive(patterns);
    await exchange(publisher, ["SPUBLISH", "news", "sharded"]);
    await receive(shard);
    await exchange(publisher, ["SPUBLISH", "nobody", "x"]);
    // Nothing else arrived: each subscriber's next message is the one published now.
    await exchange(publisher, ["PUBLISH", "news", "last"]);
    await receive(two);
    await receive(three);
    await receive(patterns);
    await exchange(publisher, ["PUBLISH", "news"]);
    await exchange(publisher, ["SPUBLISH", "news", "a", "b"]);
  });

  test("glob patterns: classes, escapes, ranges", async () => {
    if (d.skip) return;
    const publisher = await d.connect(2);
    const subscriber = await d.connect(2);
    await exchange(subscriber, ["PSUBSCRIBE", "h[ae]llo", "x\\*y", "r[a-c]?"], 3);
    for (const [channel, hits] of [["hello", 1], ["hallo", 1], ["hillo", 0], ["x*y", 1], ["xay", 0], ["rb1", 1], ["rd1", 0]] as const) {
      await exchange(publisher, ["PUBLISH", channel, "m"]);
      if (hits) await receive(subscriber);
    }
    await exchange(publisher, ["PUBLISH", "end", "m"]);
    await exchange(subscriber, ["PING"]);
  });
});

describe("introspection", () => {
  /** Sorts the elements of a flat array reply of bulk strings, whose order is Redis's hash order. */
  const sorted = (reply: string) => {
    const match = /^\*(\d+)\r\n/.exec(reply);
    if (!match) return reply;
    const items = reply.slice(match[0].length).split(/(?=\$\d+\r\n)/).sort();
    return match[0] + items.join("");
  };

  test("PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARDCHANNELS / SHARDNUMSUB / HELP and errors", async () => {
    if (d.skip) return;
    const a = await d.connect(2);
    const b = await d.connect(3);
    await exchange(a, ["SUBSCRIBE", "news", "sport"], 2);
    await exchange(b, ["SUBSCRIBE", "news"]);
    await exchange(b, ["PSUBSCRIBE", "n*", "s*"], 2);
    await exchange(a, ["SSUBSCRIBE", "shard1", "shard2"], 2);
    await d.check([
      { args: ["PUBSUB", "CHANNELS"], normalize: sorted },
      ["PUBSUB", "CHANNELS", "n*"],
      ["PUBSUB", "CHANNELS", "zz*"],
      ["PUBSUB", "CHANNELS", "a", "b"],
      ["PUBSUB", "NUMSUB"],
      ["PUBSUB", "NUMSUB", "news", "sport", "none"],
      ["PUBSUB", "NUMPAT"],
      ["PUBSUB", "NUMPAT", "x"],
      { args: ["PUBSUB", "SHARDCHANNELS"], normalize: sorted },
      ["PUBSUB", "SHARDCHANNELS", "*1"],
      ["PUBSUB", "SHARDCHANNELS", "a", "b"],
      ["PUBSUB", "SHARDNUMSUB", "shard1", "news"],
      ["PUBSUB", "SHARDNUMSUB"],
      ["PUBSUB", "HELP"],
      ["PUBSUB", "help", "x"],
      ["PUBSUB"],
      ["PUBSUB", "NOSUCH"],
    ]);
  });

  test("CLIENT LIST (flags P, sub/psub/ssub), CLIENT LIST TYPE pubsub, CLIENT KILL TYPE pubsub, INFO stats", async () => {
    if (d.skip) return;
    const subscriber = await d.connect(2);
    const other = await d.connect(2);
    await exchange(subscriber, ["CLIENT", "SETNAME", "sub1"]);
    await exchange(subscriber, ["SUBSCRIBE", "a", "b"], 2);
    await exchange(subscriber, ["PSUBSCRIBE", "p*"]);
    await exchange(subscriber, ["SSUBSCRIBE", "s"]);
    const fields = (text: string) => {
      const line = text.split("\n").find((entry) => entry.includes("name=sub1"));
      return line && / flags=(\S+) db=\d+ (sub=\d+ psub=\d+ ssub=\d+ multi=-?\d+)/.exec(line)!.slice(1).join(" ");
    };
    for (const args of [["CLIENT", "LIST"], ["CLIENT", "LIST", "TYPE", "pubsub"], ["CLIENT", "LIST", "TYPE", "normal"]]) {
      const lists = await Promise.all(other.map((connection) => connection.call(...args)));
      expect(fields(lists[1]!)).toBe(fields(lists[0]!));
    }
    const stats = (text: string) => /pubsub_channels:\d+\r\npubsub_patterns:\d+\r\npubsubshard_channels:\d+/.exec(text)?.[0];
    const infos = await Promise.all(other.map((connection) => connection.call("INFO", "stats")));
    expect(stats(infos[1]!)).toBe(stats(infos[0]!));
    await exchange(other, ["CLIENT", "KILL", "TYPE", "pubsub"]);
    await Promise.all(subscriber.map((connection) => connection.untilClosed()));
    await exchange(other, ["PUBSUB", "NUMSUB", "a"]);
    await exchange(other, ["PUBSUB", "NUMPAT"]);
  });
});

describe("a slow subscriber", () => {
  /** A subscriber that stops reading once subscribed, and the promise of its connection's end. */
  async function stalledSubscriber(port: number, channel: string): Promise<{ socket: Socket; closed: Promise<void> }> {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.on("error", () => {});
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(encodeCommand(["SUBSCRIBE", channel]));
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    socket.pause();
    return { socket, closed };
  }

  test("is cut off at the pubsub hard limit; other subscribers and the publisher are unaffected", async () => {
    if (d.skip) return;
    const publisher = await d.connect(2);
    await exchange(publisher, ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 262144 0 0"]);
    const stalled = await Promise.all([d.redisPort, d.bunredisPort].map((port) => stalledSubscriber(port, "feed")));
    const reader = await d.connect(3);
    await exchange(reader, ["SUBSCRIBE", "feed"]);
    const payload = "x".repeat(64 * 1024);
    const rounds = 400; // 25 MB: far beyond what the kernel buffers for the stalled socket
    const counts: number[][] = [[], []];
    for (let i = 0; i < rounds; i++) {
      const replies = await Promise.all(publisher.map((connection) => connection.call("PUBLISH", "feed", `${i}:${payload}`)));
      replies.forEach((reply, side) => counts[side]!.push(Number(reply.slice(1, -2))));
      const messages = await Promise.all(reader.map((connection) => connection.read()));
      for (const message of messages) expect(message).toContain(`${i}:`);
    }
    for (const side of [0, 1]) {
      // Both subscribers got the first messages; the stalled one stopped counting once cut off.
      expect(counts[side]![0]).toBe(2);
      expect(counts[side]![rounds - 1]).toBe(1);
    }
    await exchange(publisher, ["PUBSUB", "NUMSUB", "feed"]);
    // Each stalled subscriber's connection was closed by its server.
    for (const { socket, closed } of stalled) {
      socket.on("data", () => {});
      socket.resume();
      await closed;
    }
    await exchange(publisher, ["CONFIG", "SET", "client-output-buffer-limit", "pubsub 33554432 8388608 60"]);
  }, 30_000);

  test("is cut off once over the soft limit for longer than its seconds (bunredis, injected clock)", async () => {
    let now = Date.now();
    const server = await startServer({ clock: { now: () => now }, "client-output-buffer-limit": "pubsub 0 262144 2" });
    try {
      const { socket, closed } = await stalledSubscriber(server.port, "feed");
      const publisher = await RespConnection.open(server.port);
      const payload = "x".repeat(64 * 1024);
      // Far over the soft limit (the kernel takes a few MB first), but for no time yet.
      for (let i = 0; i < 200; i++) expect(await publisher.call("PUBLISH", "feed", payload)).toBe(":1\r\n");
      now += 2000;
      expect(await publisher.call("PUBLISH", "feed", payload)).toBe(":1\r\n");
      now += 1000;
      expect(await publisher.call("PUBLISH", "feed", payload)).toBe(":1\r\n");
      expect(await publisher.call("PUBLISH", "feed", payload)).toBe(":0\r\n");
      socket.on("data", () => {});
      socket.resume();
      await closed;
      publisher.close();
    } finally {
      await server.close();
    }
  });
});
