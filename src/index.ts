#!/usr/bin/env bun
/**
 * @module
 * The command-line entry: flags and redis.toml make the configuration, then the server runs until
 * a shutdown signal. Any configuration or start-up error is one line on stderr and exit code 1.
 */
import pkg from "../package.json" with { type: "json" };
import { ConfigError, configFilePath, loadConfig, parseCommandLine, PARAMS, type CommandLine, type Config } from "./config.ts";
import { serve } from "./lib.ts";
import { createLogger, type Logger } from "./log.ts";
import { checkAof, checkRdb } from "./persist/check.ts";
import { closeOnSignals } from "./tcp/server.ts";

const USAGE = `bunredis ${pkg.version}: a Redis-compatible server on Bun, with a line-echo mode

Usage: bunredis [--config PATH] [--NAME VALUE ...]
       bunredis check-aof [--fix] FILE   check an AOF file or manifest (--fix: cut a bad tail off)
       bunredis check-rdb FILE           check an RDB file
  --config PATH   configuration file (default: ./redis.toml when it exists, else built-in defaults)
  --help          this text
  --version       the version
Every parameter can be given as --NAME VALUE (or --NAME=VALUE), over the file's value:
${Object.entries(PARAMS)
  .map(([name, spec]) => `  --${name.padEnd(22)} ${spec.doc} (default: ${JSON.stringify(spec.default)})`)
  .join("\n")}
`;

/** Prints one line and exits 1: the way every start-up failure ends. */
function fail(message: string): never {
  process.stderr.write(`bunredis: ${message}\n`);
  process.exit(1);
}

/** `check-aof` / `check-rdb`: prints the report and exits with its code. */
function check(args: string[]): never {
  const [command, ...rest] = args;
  const fix = rest[0] === "--fix";
  const file = fix ? rest[1] : rest[0];
  if (file === undefined || rest.length > (fix ? 2 : 1)) fail(`usage: bunredis ${command}${command === "check-aof" ? " [--fix]" : ""} FILE`);
  const result = command === "check-aof" ? checkAof(file, fix) : checkRdb(file);
  process.stdout.write(result.lines.join("\n") + "\n");
  process.exit(result.code);
}

function main(): void {
  const first = process.argv[2];
  if (first === "check-aof" || first === "check-rdb") check(process.argv.slice(2));
  let line: CommandLine;
  let config: Config;
  try {
    line = parseCommandLine(process.argv.slice(2));
    if (line.help) {
      process.stdout.write(USAGE);
      return;
    }
    if (line.version) {
      process.stdout.write(`bunredis ${pkg.version}\n`);
      return;
    }
    config = loadConfig(line);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  let logger: Logger;
  try {
    logger = createLogger({ level: config.loglevel, dir: config["log-dir"], name: config["log-name"] });
  } catch (error) {
    fail(`log-dir "${config["log-dir"]}": ${(error as Error).message}`);
  }
  const log = logger.tagged("main");
  log.info(`bunredis ${pkg.version} (pid ${process.pid}) starting in ${config.mode} mode`);

  let server: ReturnType<typeof serve>;
  let stopping = false;
  const exit = (code: number) => {
    log.info(code === 0 ? "bye" : `exiting with code ${code}`);
    if (code !== 0) process.exit(code);
    logger.close().finally(() => process.exit(0));
  };
  try {
    server = serve(config, logger, {
      configFile: configFilePath(line),
      // SHUTDOWN takes the same graceful path as a signal.
      onShutdown: () => {
        if (stopping) return;
        stopping = true;
        log.info("SHUTDOWN requested by a client: shutting down");
        server.close().then(() => exit(0));
      },
      // A data file that cannot be loaded stops the server, as Redis refuses to run on part of it.
      onLoaded: (error) => {
        if (error === undefined || stopping) return;
        stopping = true;
        server.close().then(() => exit(1));
      },
    });
  } catch (error) {
    const reason = (error as { code?: string }).code === "EADDRINUSE" ? "address already in use" : (error as Error).message;
    void logger.close();
    fail(`cannot listen on ${config.bind}:${config.port}${config.unixsocket ? ` or ${config.unixsocket}` : ""}: ${reason}`);
  }

  closeOnSignals(server, log, exit);
}

main();
