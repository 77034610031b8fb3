/**
 * Real client libraries against bunredis over real sockets: each connects the way it does in
 * production (Bun's RedisClient with HELLO 3, ioredis, node-redis with CLIENT SETINFO, redis-cli
 * both as arguments, as piped inline commands and with --pipe mass insertion).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import IORedis from "ioredis";
import { createClient } from "redis";
import { startServer, type RunningServer } from "../../src/lib.ts";
import { HAVE_REDIS } from "../helpers/oracle.ts";

let server: RunningServer;
let url: string;
beforeAll(async () => {
  server = await startServer();
  url = `redis://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
});

describe("Bun RedisClient (RESP3)", () => {
  test("strings, binary values, counters, expiry", async () => {
    const client = new RedisClient(url);
    await client.connect();
    await client.set("bun:k", "v1");
    expect(await client.get("bun:k")).toBe("v1");
    expect(await client.incr("bun:n")).toBe(1);
    expect(await client.incrby("bun:n", 41)).toBe(42);
    expect(await client.send("PING", [])).toBe("PONG");
    await client.expire("bun:k", 100);
    expect(await client.ttl("bun:k")).toBeGreaterThan(90);
    expect(await client.del("bun:k")).toBe(1);
    expect(await client.get("bun:k")).toBeNull();
    client.close();
  });
});

describe("ioredis", () => {
  test("commands, pipelines and binary data", async () => {
    const client = new IORedis(server.port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    expect(await client.set("io:k", "hello", "EX", 100)).toBe("OK");
    expect(await client.get("io:k")).toBe("hello");
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10]);
    await client.set("io:bin", binary);
    expect((await client.getBuffer("io:bin"))!.equals(binary)).toBe(true);
    const results = await client.pipeline().set("io:a", "1").incr("io:a").get("io:a").exec();
    expect(results).toEqual([[null, "OK"], [null, 2], [null, "2"]]);
    await expect(client.incr("io:k")).rejects.toThrow("ERR value is not an integer or out of range");
    expect(await client.mget("io:a", "io:missing")).toEqual(["2", null]);
    client.disconnect();
  });
});

describe("node-redis", () => {
  test("RESP2 client with its connection handshake", async () => {
    const client = createClient({ url });
    await client.connect();
    expect(await client.set("nr:k", "v")).toBe("OK");
    expect(await client.get("nr:k")).toBe("v");
    expect(await client.incrBy("nr:n", 5)).toBe(5);
    expect(await client.exists(["nr:k", "nr:n", "nr:none"])).toBe(2);
    await expect(client.sendCommand(["NOSUCH"])).rejects.toThrow("ERR unknown command 'NOSUCH'");
    await client.quit();
  });

  test("RESP3 client", async () => {
    const client = createClient({ url, RESP: 3 });
    await client.connect();
    expect(await client.set("nr3:k", "v")).toBe("OK");
    expect(await client.get("nr3:k")).toBe("v");
    await client.quit();
  });
});

describe.skipIf(!HAVE_REDIS)("redis-cli", () => {
  async function cli(args: string[], input?: string): Promise<{ stdout: string; code: number }> {
    const proc = Bun.spawn(["redis-cli", "-p", String(server.port), ...args], { stdin: input === undefined ? "ignore" : "pipe", stdout: "pipe", stderr: "pipe" });
    if (input !== undefined) {
      proc.stdin!.write(input);
      await proc.stdin!.end();
    }
    const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    return { stdout, code };
  }

  test("commands as arguments", async () => {
    expect((await cli(["SET", "cli:k", "a b"])).stdout).toBe("OK\n");
    expect((await cli(["GET", "cli:k"])).stdout).toBe("a b\n");
    expect((await cli(["--no-raw", "INCR", "cli:n"])).stdout).toBe("(integer) 1\n");
  });

  test("inline commands piped in, as typed at the prompt", async () => {
    const { stdout, code } = await cli([], 'SET cli:q "quoted value"\nGET cli:q\nPING\n');
    expect(code).toBe(0);
    expect(stdout).toBe("OK\nquoted value\nPONG\n");
  });

  test("--pipe mass insertion of 10,000 commands", async () => {
    let input = "";
    for (let i = 0; i < 10_000; i++) input += `*3\r\n$3\r\nSET\r\n$${`mass:${i}`.length}\r\nmass:${i}\r\n$${String(i).length}\r\n${i}\r\n`;
    const { stdout, code } = await cli(["--pipe"], input);
    expect(code).toBe(0);
    expect(stdout).toContain("errors: 0, replies: 10000");
    expect((await cli(["GET", "mass:9999"])).stdout).toBe("9999\n");
  });
});
