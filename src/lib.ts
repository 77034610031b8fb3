/**
 * @module
 * The library entry: start a server inside any Bun program (a test suite, say) in one line, and
 * close it leaving nothing behind.
 *
 * ```ts
 * const server = await startServer({ mode: "echo" }); // 127.0.0.1, a free port
 * // ... connect to server.port ...
 * await server.close();
 * ```
 */
import { defaultConfig, setParam, type Config } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import { EchoHandler } from "./tcp/echo.ts";
import { listen, type TcpServer } from "./tcp/server.ts";

/** Parameters by their Redis names (`{ port: 0, "shutdown-timeout": 1 }`), plus an optional logger. */
export type ServerOptions = Partial<Config> & { logger?: Logger };

/** A running server. */
export interface RunningServer {
  readonly port: number;
  readonly config: Config;
  /** Connections open now. */
  readonly connections: number;
  /** Graceful shutdown (as on SIGTERM); resolves when every socket, timer and file is closed. */
  close(): Promise<void>;
}

/** Listens with `config`, serving the mode it names; the caller owns the logger. */
export function serve(config: Config, logger: Logger): TcpServer {
  const log = logger.log.withTag("tcp");
  const handler = new EchoHandler(
    { maxLineBytes: () => config["echo-max-line-bytes"], maxOutputBytes: () => config["echo-max-output-bytes"] },
    logger.log.withTag("echo"),
  );
  return listen(
    {
      bind: config.bind,
      port: config.port,
      unixsocket: config.unixsocket,
      unixsocketperm: config.unixsocketperm,
      maxclients: () => config.maxclients,
      shutdownTimeout: () => config["shutdown-timeout"],
    },
    handler,
    log,
  );
}

/**
 * Starts a server. Defaults differ from the command line's where embedding wants it: bind
 * 127.0.0.1, port 0 (a free one), no log file, warnings only.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = defaultConfig();
  const embedded: Partial<Config> = { bind: "127.0.0.1", port: 0, "log-dir": "", loglevel: "warning" };
  const { logger: given, ...params } = options;
  for (const [name, value] of Object.entries({ ...embedded, ...params })) setParam(config, name, value, "startServer");
  const logger = given ?? createLogger({ level: config.loglevel, dir: config["log-dir"], name: config["log-name"] });
  let server: TcpServer;
  try {
    server = serve(config, logger);
  } catch (error) {
    if (!given) await logger.close();
    throw error;
  }
  return {
    port: server.port,
    config,
    get connections() {
      return server.connections;
    },
    async close() {
      await server.close();
      if (!given) await logger.close();
    },
  };
}
