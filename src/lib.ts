/**
 * @module
 * The library entry: start a server inside any Bun program (a test suite, say) in one line, and
 * close it leaving nothing behind.
 *
 * ```ts
 * const server = await startServer(); // Redis mode, 127.0.0.1, a free port
 * // ... connect to server.port ...
 * await server.close();
 * ```
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { absoluteConfigPath, defaultConfig, setParam, type Config } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import { EchoHandler } from "./tcp/echo.ts";
import { listen, type TcpServer } from "./tcp/server.ts";
import { systemClock, type Clock } from "./store/keyspace.ts";
import { createCommandTable } from "./server/commands/index.ts";
import { RedisHandler } from "./server/handler.ts";
import { Server, type ShutdownRequest } from "./server/server.ts";

/** Parameters by their Redis names (`{ port: 0, "shutdown-timeout": 1 }`), plus an optional logger and clock. */
export type ServerOptions = Partial<Config> & { logger?: Logger; clock?: Clock };

/** A running server. */
export interface RunningServer {
  readonly port: number;
  readonly config: Config;
  /** Connections open now. */
  readonly connections: number;
  /** Graceful shutdown (as on SIGTERM); resolves when every socket, timer and file is closed. */
  close(): Promise<void>;
}

/** How the application around the listener is built and told about a SHUTDOWN command. */
export interface ServeOptions {
  clock?: Clock;
  /** The configuration file the config came from, if any (INFO's config_file, CONFIG REWRITE). */
  configFile?: string;
  /** Called when a client runs SHUTDOWN: the caller closes the listener (and may exit). */
  onShutdown(request: ShutdownRequest): void;
  /**
   * Called once the data files are loaded (clients get -LOADING until then), with the error if
   * they could not be: the server must then not go on with a partial dataset.
   */
  onLoaded?(error: Error | undefined): void;
}

/** Listens with `config`, serving the mode it names; the caller owns the logger. */
export function serve(config: Config, logger: Logger, options: ServeOptions): TcpServer {
  const listenOptions = {
    bind: config.bind,
    port: config.port,
    unixsocket: config.unixsocket,
    unixsocketperm: config.unixsocketperm,
    maxclients: () => config.maxclients,
    shutdownTimeout: () => config["shutdown-timeout"],
  };
  const tcpLog = logger.tagged("tcp");
  if (config.mode === "echo") {
    const limits = { maxLineBytes: () => config["echo-max-line-bytes"], maxOutputBytes: () => config["echo-max-output-bytes"] };
    return listen(listenOptions, new EchoHandler(limits, logger.tagged("echo")), tcpLog);
  }
  const log = logger.tagged("redis");
  const server = new Server(config, log, options.clock ?? systemClock, createCommandTable(), options.onShutdown);
  server.configFile = options.configFile === undefined ? undefined : absoluteConfigPath(options.configFile);
  server.applyLogLevel = logger.setLevel;
  try {
    const tcp = listen(listenOptions, new RedisHandler(server, log), tcpLog);
    server.tcpPort = tcp.port;
    server.persistence.start().then(
      () => options.onLoaded?.(undefined),
      (error: Error) => {
        log.error(error.message);
        options.onLoaded?.(error);
      },
    );
    return tcp;
  } catch (error) {
    server.close();
    throw error;
  }
}

/**
 * Starts a server. Defaults differ from the command line's where embedding wants it: bind
 * 127.0.0.1, port 0 (a free one), no log file, warnings only, no save points, and unless `dir` is
 * given a fresh temporary folder for data files (removed on close), so that an embedded server
 * neither loads nor leaves a dump.rdb in the working directory.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = defaultConfig();
  const { logger: given, clock, ...params } = options;
  const scratch = params.dir === undefined ? mkdtempSync(join(tmpdir(), "bunredis-")) : undefined;
  const embedded: Partial<Config> = { bind: "127.0.0.1", port: 0, "log-dir": "", loglevel: "warning", save: "", ...(scratch ? { dir: scratch } : {}) };
  for (const [name, value] of Object.entries({ ...embedded, ...params })) setParam(config, name, value, "startServer");
  const logger = given ?? createLogger({ level: config.loglevel, dir: config["log-dir"], name: config["log-name"] });
  let server: TcpServer;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= server
      .close()
      .then(() => (given ? undefined : logger.close()))
      .then(() => (scratch ? rmSync(scratch, { recursive: true, force: true }) : undefined));
    return closing;
  };
  let loaded!: (error: Error | undefined) => void;
  const loading = new Promise<Error | undefined>((resolve) => (loaded = resolve));
  try {
    server = serve(config, logger, { clock, onShutdown: () => void close(), onLoaded: (error) => loaded(error) });
  } catch (error) {
    if (!given) await logger.close();
    throw error;
  }
  const loadError = config.mode === "redis" ? await loading : undefined;
  if (loadError !== undefined) {
    await close();
    throw loadError;
  }
  return {
    port: server.port,
    config,
    get connections() {
      return server.connections;
    },
    close,
  };
}
