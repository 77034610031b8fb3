/**
 * What stream commands hand on to persistence, compared with what redis-server 7.0 writes to its
 * append-only file for the same commands: XADD with the id it generated and `~` trims made
 * exact, XREADGROUP / XCLAIM / XAUTOCLAIM as XCLAIM ... FORCE JUSTID LASTID, NOACK reads as
 * XGROUP CREATECONSUMER and XGROUP SETID ... ENTRIESREAD, blocked readers served after the
 * command that fed them. Delivery times and generated ids differ by nature and are normalised.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig, setParam } from "../../../src/config.ts";
import { createLogger } from "../../../src/log.ts";
import { CommandTable } from "../../../src/server/command.ts";
import { ALL_COMMANDS } from "../../../src/server/commands/index.ts";
import { RedisHandler } from "../../../src/server/handler.ts";
import { Server } from "../../../src/server/server.ts";
import { systemClock } from "../../../src/store/keyspace.ts";
import { listen, type TcpServer } from "../../../src/tcp/server.ts";
import { HAVE_REDIS, startRedisServer, type RedisServerProcess } from "../../helpers/oracle.ts";
import { tempDir } from "../../helpers/process.ts";
import { encodeCommand, RespConnection } from "../../helpers/resp.ts";

let redis: RedisServerProcess | undefined;
let redisDir = "";
let bunredis: { server: Server; tcp: TcpServer } | undefined;
/** What bunredis handed on, in order (databases dropped: everything runs in db 0). */
const handedOn: string[][] = [];

beforeAll(async () => {
  if (!HAVE_REDIS) return;
  redisDir = tempDir("redis-aof-");
  redis = await startRedisServer(["--appendonly", "yes", "--appendfsync", "always", "--dir", redisDir]);
  const config = defaultConfig();
  for (const [key, value] of Object.entries({ bind: "127.0.0.1", port: 0, "log-dir": "", loglevel: "warning", save: "", dir: tempDir("bunredis-aof-") })) setParam(config, key, value, "test");
  const logger = createLogger({ level: "warning", dir: "", name: "streams-propagation-test" });
  const server = new Server(config, logger.log, systemClock, new CommandTable(ALL_COMMANDS), () => {});
  server.propagation.sink = (_db, args) => handedOn.push([...args]);
  const listenOptions = { bind: "127.0.0.1", port: 0, unixsocket: "", unixsocketperm: 0, maxclients: () => 10000, shutdownTimeout: () => 1 };
  bunredis = { server, tcp: listen(listenOptions, new RedisHandler(server, logger.log), logger.log) };
});
afterAll(async () => {
  await Promise.all([redis?.stop(), bunredis?.tcp.close()]);
});

/** The commands of redis-server's incremental AOF file(s), in order, without SELECT. */
function redisAof(): string[][] {
  const dir = join(redisDir, "appendonlydir");
  const commands: string[][] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".incr.aof")).sort()) {
    const text = readFileSync(join(dir, file), "latin1");
    let at = 0;
    while (at < text.length) {
      const lineEnd = text.indexOf("\r\n", at);
      const count = Number(text.slice(at + 1, lineEnd));
      at = lineEnd + 2;
      const args: string[] = [];
      for (let i = 0; i < count; i++) {
        const headerEnd = text.indexOf("\r\n", at);
        const length = Number(text.slice(at + 1, headerEnd));
        args.push(text.slice(headerEnd + 2, headerEnd + 2 + length));
        at = headerEnd + 2 + length + 2;
      }
      if (args[0]?.toUpperCase() !== "SELECT") commands.push(args);
    }
  }
  return commands;
}

/** Delivery times (after TIME) and generated ids become placeholders. */
function normalized(commands: string[][]): string[][] {
  return commands.map((args) => args.map((arg, i) => (args[i - 1] === "TIME" ? "T" : arg.replace(/^1\d{12}-\d+$/, "ID"))));
}

/** Runs `steps` on both servers (one connection each, RESP2), then compares what each handed on. */
async function expectSameEffects(steps: string[][], blocked: (redisPort: number, bunredisPort: number) => Promise<void> = async () => {}): Promise<void> {
  if (!HAVE_REDIS) return;
  const before = redisAof().length;
  handedOn.length = 0;
  const connections = await Promise.all([RespConnection.open(redis!.port), RespConnection.open(bunredis!.tcp.port)]);
  for (const args of steps) {
    const replies = await Promise.all(connections.map((connection) => connection.call(...args)));
    expect(replies[1]!.startsWith("-")).toBe(replies[0]!.startsWith("-"));
  }
  await blocked(redis!.port, bunredis!.tcp.port);
  for (const connection of connections) connection.close();
  expect(normalized(handedOn)).toEqual(normalized(redisAof().slice(before)));
}

describe("what stream commands hand on matches redis-server's AOF", () => {
  test("XADD: generated ids, <ms>-*, ~ trims made exact, exact trims as sent; XTRIM likewise", async () => {
    const steps: string[][] = [["FLUSHALL"]];
    for (let i = 1; i <= 250; i++) steps.push(["XADD", "s", `${i}-1`, "f", String(i)]);
    steps.push(
      ["XADD", "s", "*", "f", "v"],
      ["XADD", "s", "MAXLEN", "~", "120", "*", "f", "v"],
      ["XADD", "t", "5-*", "f", "v"],
      ["XADD", "t", "5-*", "f", "v"],
      ["XADD", "t", "MINID", "~", "6", "6-*", "f", "v"],
      ["XADD", "t", "MAXLEN", "=", "1", "7-1", "f", "v"],
      ["XADD", "s", "MINID", "~", "200", "LIMIT", "100", "*", "f", "v"],
      ["XTRIM", "s", "MAXLEN", "~", "10"],
      ["XTRIM", "s", "MAXLEN", "~", "10"],
      ["XTRIM", "s", "MAXLEN", "5"],
      ["XTRIM", "s", "MAXLEN", "5"],
      ["XDEL", "s", "1-1", "9-9"],
      ["XSETID", "t", "99-1"],
      ["XADD", "x", "NOMKSTREAM", "*", "f", "v"],
    );
    await expectSameEffects(steps);
  });

  test("consumer groups: XREADGROUP as XCLAIMs, NOACK as CREATECONSUMER and SETID, history not at all", async () => {
    const steps: string[][] = [["FLUSHALL"]];
    for (let i = 1; i <= 5; i++) steps.push(["XADD", "s", `${i}-1`, "f", String(i)]);
    steps.push(
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XGROUP", "CREATE", "s", "h", "0", "ENTRIESREAD", "0"],
      ["XREADGROUP", "GROUP", "g", "a", "COUNT", "1", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "b", "COUNT", "2", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "g", "b", "STREAMS", "s", "0"],
      ["XREADGROUP", "GROUP", "h", "n", "NOACK", "COUNT", "3", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "h", "n", "NOACK", "STREAMS", "s", ">"],
      ["XREADGROUP", "GROUP", "h", "n", "STREAMS", "s", ">"],
      ["XACK", "s", "g", "1-1", "9-9"],
      ["XACK", "s", "g", "9-9"],
      ["XGROUP", "CREATECONSUMER", "s", "g", "z"],
      ["XGROUP", "DELCONSUMER", "s", "g", "z"],
      ["XGROUP", "SETID", "s", "g", "2-1", "ENTRIESREAD", "2"],
      ["XGROUP", "DESTROY", "s", "h"],
    );
    await expectSameEffects(steps);
  });

  test("XCLAIM and XAUTOCLAIM: each claim, dropped deleted entries, LASTID alone as SETID", async () => {
    const steps: string[][] = [["FLUSHALL"]];
    for (let i = 1; i <= 6; i++) steps.push(["XADD", "s", `${i}-1`, "f", String(i)]);
    steps.push(
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"],
      ["XCLAIM", "s", "g", "b", "0", "1-1", "2-1", "RETRYCOUNT", "4", "TIME", "1234"],
      ["XCLAIM", "s", "g", "b", "0", "3-1", "JUSTID", "LASTID", "9-1"],
      ["XCLAIM", "s", "g", "b", "0", "99-1", "LASTID", "10-1"],
      ["XCLAIM", "s", "g", "b", "100000", "4-1"],
      ["XDEL", "s", "5-1"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "3"],
      ["XAUTOCLAIM", "s", "g", "c", "0", "0", "JUSTID"],
      ["XAUTOCLAIM", "s", "g", "c", "100000", "0"],
    );
    await expectSameEffects(steps);
  });

  test("a blocked XREADGROUP served by XADD hands on its XCLAIM after the XADD", async () => {
    await expectSameEffects([["FLUSHALL"], ["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"]], async (redisPort, bunredisPort) => {
      for (const port of [redisPort, bunredisPort]) {
        const reader = await RespConnection.open(port);
        const writer = await RespConnection.open(port);
        reader.sendRaw(encodeCommand(["XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"]));
        for (let tries = 0; !/blocked_clients:1/.test(await writer.call("INFO", "clients")); tries++) {
          if (tries > 10_000) throw new Error("never blocked");
          await new Promise((resolve) => setImmediate(resolve));
        }
        await writer.call("XADD", "s", "1-1", "f", "v");
        await reader.read();
        reader.close();
        writer.close();
      }
    });
  });
});
