/**
 * requirepass: both servers run with `requirepass secret`. Before AUTH every command but the
 * no_auth ones (AUTH, HELLO, RESET, QUIT) is refused with NOAUTH, after the unknown-command and
 * arity checks; the request parser's unauthenticated limits apply; AUTH and HELLO AUTH with wrong
 * credentials reply WRONGPASS. Compared with redis-server byte for byte, in RESP2 and RESP3.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import IORedis from "ioredis";
import { createClient } from "redis";
import { startServer, type RunningServer } from "../../src/lib.ts";
import { useDifferential } from "../helpers/differential.ts";
import { encodeCommand, RespConnection } from "../helpers/resp.ts";

const d = useDifferential({ server: { requirepass: "secret" }, redisArgs: ["--requirepass", "secret"], password: "secret" });

/** HELLO's reply with the client id (which differs between servers) blanked. */
const withoutId = (reply: string) => reply.replace(/:\d+\r\n\$4\r\nmode/, ":ID\r\n$4\r\nmode");

describe("before AUTH (compared with redis-server)", () => {
  test("NOAUTH for every command but AUTH, HELLO, RESET and QUIT; unknown and arity errors first", async () => {
    await d.check(
      [
        ["PING"],
        ["ECHO", "x"],
        ["SELECT", "1"],
        ["DBSIZE"],
        ["FLUSHALL"],
        ["GET", "k"],
        ["CLIENT", "ID"],
        ["CLIENT", "SETNAME", "x"],
        ["CLIENT", "LIST"],
        ["CLIENT", "KILL", "ID", "1"],
        ["CLIENT", "PAUSE", "10"],
        ["MONITOR"],
        ["SHUTDOWN", "NOSAVE"],
        ["NOSUCH", "a"],
        ["ECHO"],
        ["CLIENT"],
        ["CLIENT", "NOSUCH"],
        ["CLIENT", "ID", "x"],
        ["RESET"],
        ["PING"],
      ],
      [2],
    );
  });

  test("AUTH and HELLO with wrong or malformed credentials", async () => {
    await d.check(
      [
        ["AUTH", "wrong"],
        ["AUTH", "default", "wrong"],
        ["AUTH", "Default", "secret"],
        ["AUTH", "bob", "secret"],
        ["AUTH", ""],
        ["AUTH", "secret\x00"],
        ["AUTH", "SECRET"],
        ["AUTH", "a", "b", "c"],
        ["AUTH"],
        ["HELLO"],
        ["HELLO", "3"],
        ["HELLO", "2", "SETNAME", "x"],
        ["HELLO", "3", "AUTH", "default", "wrong"],
        ["HELLO", "3", "AUTH", "bob", "secret"],
        ["HELLO", "3", "AUTH", "default"],
        ["HELLO", "3", "AUTH", "default", "secret", "SETNAME", "a b"],
        ["HELLO", "4", "AUTH", "default", "secret"],
        ["HELLO", "x"],
        ["CLIENT", "GETNAME"],
        ["PING"],
      ],
      [2],
    );
  });

  test("HELLO's order as in 7.0: credentials, then the name (set even when NOAUTH follows), then NOAUTH", async () => {
    await d.check(
      [
        ["HELLO", "2", "SETNAME", "a b"],
        ["HELLO", "3", "AUTH", "default", "wrong", "SETNAME", "y"],
        ["HELLO", "3", "SETNAME", "z"],
        ["HELLO", "4", "SETNAME", "w"],
        ["AUTH", "secret"],
        ["CLIENT", "GETNAME"],
        ["RESET"],
        ["HELLO", "3", "AUTH", "default", "secret", "SETNAME", "a b"],
        ["CLIENT", "GETNAME"],
        ["PING"],
      ],
      [2],
    );
  });

  test("the parser's unauthenticated limits: at most 10 arguments and 16 KiB bulks", async () => {
    if (d.skip) return;
    for (const input of [
      encodeCommand(["ECHO", ..."123456789"]),
      encodeCommand(["ECHO", ..."1234567890"]),
      encodeCommand(["ECHO", "x".repeat(16384)]),
      encodeCommand(["ECHO", "x".repeat(16385)]),
      Buffer.from("*1\r\n$16385\r\n"),
    ]) {
      const [redis, bunredis] = await d.connect();
      redis.sendRaw(input);
      bunredis.sendRaw(input);
      const [fromRedis, fromBunredis] = await Promise.all([redis.read(), bunredis.read()]);
      expect(fromBunredis).toBe(fromRedis);
      if (fromRedis.includes("Protocol error")) {
        await Promise.all([redis.untilClosed(), bunredis.untilClosed()]);
      }
    }
  });
});

describe("after AUTH (compared with redis-server)", () => {
  test("AUTH password and AUTH default password; a failed AUTH keeps the session; RESET logs out", async () => {
    await d.check(
      [
        ["AUTH", "secret"],
        ["PING"],
        ["AUTH", "wrong"],
        ["PING"],
        ["CLIENT", "SETNAME", "logged-in"],
        ["CLIENT", "GETNAME"],
        ["RESET"],
        ["PING"],
        ["CLIENT", "GETNAME"],
        ["AUTH", "default", "secret"],
        ["ECHO", "back"],
      ],
      [2],
    );
  });

  test("HELLO 3 AUTH logs in and switches to RESP3 at once; RESET goes back to RESP2, logged out", async () => {
    await d.check(
      [
        { args: ["HELLO", "3", "AUTH", "default", "secret", "SETNAME", "resp3"], normalize: withoutId },
        ["CLIENT", "GETNAME"],
        ["CLIENT", "GETREDIR"],
        ["CLIENT", "TRACKINGINFO"],
        ["AUTH", "wrong"],
        ["PING"],
        ["RESET"],
        ["PING"],
        ["HELLO", "3"],
        ["CLIENT", "GETNAME"],
        { args: ["HELLO", "3", "AUTH", "default", "secret"], normalize: withoutId },
        { args: ["HELLO", "2"], normalize: withoutId },
        ["ECHO", "x"],
      ],
      [2],
    );
  });

  test("after AUTH the parser's limits are the normal ones", async () => {
    if (d.skip) return;
    const [redis, bunredis] = await d.connect();
    for (const connection of [redis, bunredis]) await connection.call("AUTH", "secret");
    for (const args of [["ECHO", ..."1234567890"], ["ECHO", "x".repeat(20000)]]) {
      const [fromRedis, fromBunredis] = await Promise.all([redis.call(...args), bunredis.call(...args)]);
      expect(fromBunredis).toBe(fromRedis);
    }
  });

  test("MONITOR shows AUTH redacted and nothing of the commands refused with NOAUTH", async () => {
    if (d.skip) return;
    const transcripts = await Promise.all(
      [d.redisPort, d.bunredisPort].map(async (port) => {
        const monitor = await RespConnection.open(port);
        const client = await RespConnection.open(port);
        const marker = await RespConnection.open(port);
        await monitor.call("AUTH", "secret");
        const transcript = [await monitor.call("MONITOR")];
        for (const args of [["PING"], ["AUTH", "wrong"], ["HELLO", "2", "AUTH", "default", "secret"], ["ECHO", "in"]]) await client.call(...args);
        await marker.call("AUTH", "secret");
        await marker.call("ECHO", "__end__");
        for (;;) {
          const line = await monitor.read();
          if (line.includes("__end__")) break;
          transcript.push(line.replace(/^\+\d+\.\d+ \[0 [\d.:]+\]/, "+TIME [0 ADDR]"));
        }
        for (const connection of [monitor, client, marker]) connection.close();
        return transcript;
      }),
    );
    expect(transcripts[1]).toEqual(transcripts[0]!);
    expect(transcripts[1]).toContain('+TIME [0 ADDR] "AUTH" "(redacted)"\r\n');
  });
});

describe("client libraries with a password (bunredis)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ requirepass: "secret" });
  });
  afterAll(async () => {
    await server.close();
  });

  test("node-redis logs in from the URL; a wrong password fails with WRONGPASS", async () => {
    const client = createClient({ url: `redis://:secret@127.0.0.1:${server.port}` });
    await client.connect();
    expect(await client.ping()).toBe("PONG");
    expect((await client.clientInfo()).libName).toBe("node-redis");
    await client.close();
    const wrong = createClient({ url: `redis://:nope@127.0.0.1:${server.port}`, socket: { reconnectStrategy: false } });
    wrong.on("error", () => {});
    await expect(wrong.connect()).rejects.toThrow("WRONGPASS");
  });

  test("ioredis logs in with its password option; without one, commands get NOAUTH", async () => {
    const redis = new IORedis(server.port, "127.0.0.1", { password: "secret", enableReadyCheck: false, lazyConnect: true });
    await redis.connect();
    expect(await redis.echo("hi")).toBe("hi");
    redis.disconnect();
    const anonymous = new IORedis(server.port, "127.0.0.1", { enableReadyCheck: false, lazyConnect: true, maxRetriesPerRequest: 0 });
    anonymous.on("error", () => {});
    await anonymous.connect();
    await expect(anonymous.echo("hi")).rejects.toThrow("NOAUTH Authentication required.");
    anonymous.disconnect();
  });
});
