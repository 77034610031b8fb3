/**
 * @module
 * Blocked clients over real connections, against redis-server and against a bunredis whose
 * Server is at hand (so tests can also look at what the blocking framework keeps). A scenario
 * runs on both servers, in RESP2 and RESP3, and what every connection received must be equal byte
 * for byte. Synchronisation is by waiting until INFO reports the expected number of blocked
 * clients (a condition, never a sleep).
 */
import { afterAll, beforeAll, expect } from "bun:test";
import { defaultConfig, setParam } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { CommandTable } from "../../src/server/command.ts";
import { ALL_COMMANDS } from "../../src/server/commands/index.ts";
import { RedisHandler } from "../../src/server/handler.ts";
import { Server } from "../../src/server/server.ts";
import { systemClock } from "../../src/store/keyspace.ts";
import { listen, type TcpServer } from "../../src/tcp/server.ts";
import { HAVE_REDIS, startRedisServer, type RedisServerProcess } from "./oracle.ts";
import { encodeCommand, RespConnection } from "./resp.ts";

/** What a scenario observed, given `clients` connections in the protocol under test and an admin (RESP2). */
export type Scenario = (clients: RespConnection[], admin: RespConnection) => Promise<string[]>;

/** The two servers and the means to drive blocked clients on them. */
export interface BlockingServers {
  readonly redisPort: number;
  readonly bunredisPort: number;
  /** bunredis's Server, for looking at its state. */
  readonly server: Server;
  /** A connection (closed after the file), in `protocol`. */
  connect(port: number, protocol: 2 | 3): Promise<RespConnection>;
  /** Closes the connections opened so far. */
  closeAll(): void;
  /** Waits (by asking, not sleeping) until the server has `count` clients blocked. */
  untilBlocked(admin: RespConnection, count: number): Promise<void>;
  /** Sends a command without waiting for its reply (it blocks). */
  send(connection: RespConnection, ...args: string[]): void;
  /** Runs `scenario` on both servers, in RESP2 and RESP3, and compares what each observed. */
  same(clientCount: number, scenario: Scenario): Promise<void>;
}

/** Starts redis-server and a bunredis for this test file (nothing when the oracle is missing). */
export function useBlockingServers(name: string): BlockingServers {
  let redis: RedisServerProcess | undefined;
  let bunredis: { server: Server; tcp: TcpServer } | undefined;
  const open: RespConnection[] = [];

  beforeAll(async () => {
    if (!HAVE_REDIS) return;
    redis = await startRedisServer();
    const config = defaultConfig();
    for (const [key, value] of Object.entries({ bind: "127.0.0.1", port: 0, "log-dir": "", loglevel: "warning", save: "" })) setParam(config, key, value, "test");
    const logger = createLogger({ level: "warning", dir: "", name });
    const server = new Server(config, logger.log, systemClock, new CommandTable(ALL_COMMANDS), () => {});
    const listenOptions = { bind: "127.0.0.1", port: 0, unixsocket: "", unixsocketperm: 0, maxclients: () => 10000, shutdownTimeout: () => 1 };
    bunredis = { server, tcp: listen(listenOptions, new RedisHandler(server, logger.log), logger.log) };
  });
  afterAll(async () => {
    for (const connection of open) connection.close();
    await Promise.all([redis?.stop(), bunredis?.tcp.close()]);
  });

  const servers: BlockingServers = {
    get redisPort() {
      return redis!.port;
    },
    get bunredisPort() {
      return bunredis!.tcp.port;
    },
    get server() {
      return bunredis!.server;
    },
    async connect(port, protocol) {
      const connection = await RespConnection.open(port);
      open.push(connection);
      if (protocol === 3) await connection.call("HELLO", "3");
      return connection;
    },
    closeAll() {
      for (const connection of open.splice(0)) connection.close();
    },
    async untilBlocked(admin, count) {
      for (let tries = 0; tries < 10_000; tries++) {
        const match = /blocked_clients:(\d+)/.exec(await admin.call("INFO", "clients"));
        if (match && Number(match[1]) === count) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
      throw new Error(`never ${count} blocked clients`);
    },
    send(connection, ...args) {
      connection.sendRaw(encodeCommand(args));
    },
    async same(clientCount, scenario) {
      if (!HAVE_REDIS) return;
      for (const protocol of [2, 3] as const) {
        const observed: string[][] = [];
        for (const port of [servers.redisPort, servers.bunredisPort]) {
          const admin = await servers.connect(port, 2);
          expect(await admin.call("FLUSHALL")).toBe("+OK\r\n");
          const clients: RespConnection[] = [];
          for (let i = 0; i < clientCount; i++) clients.push(await servers.connect(port, protocol));
          observed.push(await scenario(clients, admin));
          for (const client of clients) client.close();
          await servers.untilBlocked(admin, 0);
        }
        expect({ protocol, bunredis: observed[1] }).toEqual({ protocol, bunredis: observed[0]! });
      }
    },
  };
  return servers;
}
