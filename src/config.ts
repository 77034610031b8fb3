/**
 * @module
 * Configuration: one table of parameters (name, type, default, range, whether it may change at run
 * time), the `Config` object built from it, and the three ways to set a value — `redis.toml`,
 * `--name value` on the command line, and (later) `CONFIG SET`. Every parameter keeps Redis's own
 * name where Redis has one, so that a redis.conf user finds the same knob here.
 */
import { parse as parseToml } from "smol-toml";
import { existsSync, readFileSync } from "node:fs";

/** A bad file, key or value: the message names the source, key and reason, in one line. */
export class ConfigError extends Error {}

type Kind = "string" | "integer" | "bool" | "memory" | "enum";

/** How one parameter is read, checked and shown. */
export interface ParamSpec {
  readonly kind: Kind;
  readonly default: string | number | boolean;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** May change while the server runs (CONFIG SET). */
  readonly mutable: boolean;
  /** One line for `--help`, the README and redis.toml. */
  readonly doc: string;
}

const MB = 1024 * 1024;

/** Every parameter, by its Redis name. The order is the order of `--help` and redis.toml. */
export const PARAMS = {
  mode: { kind: "enum", values: ["redis", "echo"], default: "redis", mutable: false, doc: "what the server speaks: Redis, or line echo" },
  bind: { kind: "string", default: "0.0.0.0", mutable: false, doc: "address to listen on (IPv4 or IPv6)" },
  port: { kind: "integer", default: 6379, min: 0, max: 65535, mutable: false, doc: "TCP port; 0 picks a free port and logs it" },
  unixsocket: { kind: "string", default: "", mutable: false, doc: "path of a unix socket to listen on as well; empty: none" },
  unixsocketperm: { kind: "integer", default: 0, min: 0, max: 0o777, mutable: false, doc: "permissions of the unix socket (octal in redis.toml as 0o700); 0: leave as created" },
  maxclients: { kind: "integer", default: 10000, min: 1, max: 1_000_000, mutable: true, doc: "most clients connected at once; more are refused" },
  "shutdown-timeout": { kind: "integer", default: 10, min: 0, max: 3600, mutable: true, doc: "seconds each client gets on shutdown to receive the replies queued for it" },
  "echo-max-line-bytes": { kind: "memory", default: 64 * MB, min: 1, mutable: true, doc: "echo mode: longest line a client may send; longer closes that client" },
  "echo-max-output-bytes": { kind: "memory", default: 64 * MB, min: 1, mutable: true, doc: "echo mode: most bytes queued for a client that does not read; more closes that client" },
  databases: { kind: "integer", default: 16, min: 1, max: 1_000_000, mutable: false, doc: "number of databases (SELECT 0 to databases-1)" },
  requirepass: { kind: "string", default: "", mutable: true, doc: "password clients must give with AUTH or HELLO; empty: none" },
  "proto-max-bulk-len": { kind: "memory", default: 512 * MB, min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "longest bulk string in a request" },
  "client-query-buffer-limit": { kind: "memory", default: 1024 * MB, min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "most bytes of unparsed request a client may hold; more closes it" },
  "client-output-buffer-limit": { kind: "string", default: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", mutable: true, doc: "per class: hard limit, soft limit, soft seconds (bytes; 0 = none), as Redis" },
  hz: { kind: "integer", default: 10, min: 1, max: 500, mutable: true, doc: "background tasks (active expiry, stats) per second" },
  timeout: { kind: "integer", default: 0, min: 0, max: 2_147_483_647, mutable: true, doc: "close a client idle this many seconds; 0: never" },
  "slowlog-log-slower-than": { kind: "integer", default: 10000, min: -1, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "microseconds a command must take to enter the slow log; -1: off, 0: every command" },
  "slowlog-max-len": { kind: "integer", default: 128, min: 0, max: 2_147_483_647, mutable: true, doc: "entries the slow log keeps" },
  "latency-monitor-threshold": { kind: "integer", default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "milliseconds an event must take to be recorded by LATENCY; 0: off" },
  "hash-max-listpack-entries": { kind: "integer", default: 128, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a hash with more fields than this is a hashtable, else a listpack (OBJECT ENCODING)" },
  "hash-max-listpack-value": { kind: "integer", default: 64, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a hash with a field or value longer than this is a hashtable" },
  "set-max-intset-entries": { kind: "integer", default: 512, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a set of integers with more members than this is a hashtable, else an intset" },
  "zset-max-listpack-entries": { kind: "integer", default: 128, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a sorted set with more members than this is a skiplist, else a listpack" },
  "zset-max-listpack-value": { kind: "integer", default: 64, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a sorted set with a member longer than this is a skiplist" },
  "list-max-listpack-size": { kind: "integer", default: -2, min: -5, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "per list node: positive = most entries, -1..-5 = most bytes (4/8/16/32/64 KiB); a list of one node is a listpack" },
  "list-compress-depth": { kind: "integer", default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "list nodes at each end left uncompressed (accepted; lists are not compressed here)" },
  loglevel: { kind: "enum", values: ["debug", "verbose", "notice", "warning", "nothing"], default: "notice", mutable: true, doc: "least severe level logged" },
  "log-dir": { kind: "string", default: "logs", mutable: false, doc: "folder of the log files <log-name>-<YYYY-MM-DD>.log; empty: console only" },
  "log-name": { kind: "string", default: "bunredis", mutable: false, doc: "first part of the log file name" },
} as const satisfies Record<string, ParamSpec>;

/** A parameter's name. */
export type ParamName = keyof typeof PARAMS;

type ValueOf<S extends ParamSpec> = S["kind"] extends "integer" | "memory" ? number : S["kind"] extends "bool" ? boolean : S extends { values: readonly (infer V)[] } ? V : string;

/** The whole configuration, one field per parameter, under the parameter's name. */
export type Config = { -readonly [K in ParamName]: ValueOf<(typeof PARAMS)[K]> };

/** A fresh configuration holding every default. */
export function defaultConfig(): Config {
  const config: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(PARAMS)) config[name] = spec.default;
  return config as Config;
}

/** Whether `name` is a parameter. */
export function isParam(name: string): name is ParamName {
  return Object.hasOwn(PARAMS, name);
}

const MEMORY_UNITS: Record<string, number> = { "": 1, b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };

/** Redis's memory notation: `1024`, `64mb`, `1gb`, `100k` (k = 1000, kb = 1024). */
export function parseMemory(text: string): number | undefined {
  const match = /^(\d+)([a-z]*)$/i.exec(text.trim());
  const unit = match ? MEMORY_UNITS[match[2]!.toLowerCase()] : undefined;
  return match && unit !== undefined ? Number(match[1]) * unit : undefined;
}

/**
 * Checks and converts one raw value for `name`: a TOML value, or a string from the command line
 * or CONFIG SET. Returns the value or throws a `ConfigError` whose message is the reason alone.
 */
export function convertValue(name: ParamName, raw: unknown): string | number | boolean {
  const spec: ParamSpec = PARAMS[name];
  switch (spec.kind) {
    case "string":
      if (typeof raw !== "string") throw new ConfigError("must be a string");
      return raw;
    case "enum": {
      const value = typeof raw === "string" ? raw.toLowerCase() : undefined;
      if (value === undefined || !spec.values!.includes(value)) throw new ConfigError(`must be one of ${spec.values!.join(", ")}`);
      return value;
    }
    case "bool":
      if (typeof raw === "boolean") return raw;
      if (raw === "yes" || raw === "true") return true;
      if (raw === "no" || raw === "false") return false;
      throw new ConfigError("must be yes or no");
    case "integer":
    case "memory": {
      const value =
        typeof raw === "number" || typeof raw === "bigint" ? Number(raw)
        : typeof raw !== "string" ? undefined
        : spec.kind === "memory" ? parseMemory(raw)
        : /^-?\d+$/.test(raw.trim()) ? Number(raw) : undefined;
      const min = spec.min ?? 0;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      const what = spec.kind === "memory" ? "a size in bytes (like 1024 or 64mb)" : "an integer";
      if (value === undefined || !Number.isSafeInteger(value) || value < min || value > max) {
        throw new ConfigError(`must be ${what} from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      }
      return value;
    }
  }
}

/** Sets one parameter from a raw value; `source` names where the value came from, for the error. */
export function setParam(config: Config, name: string, raw: unknown, source: string): void {
  if (!isParam(name)) throw new ConfigError(`${source}: unknown key "${name}"`);
  try {
    (config as Record<string, unknown>)[name] = convertValue(name, raw);
  } catch (error) {
    throw new ConfigError(`${source}: key "${name}": ${(error as Error).message}`);
  }
}

/** What the command line asked for, apart from parameters. */
export interface CommandLine {
  configPath?: string;
  help: boolean;
  version: boolean;
  /** `--name value` pairs in order, applied over the file. */
  overrides: [string, string][];
}

/** Splits argv (without the runtime and script) into flags and `--name value` overrides. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const line: CommandLine = { help: false, version: false, overrides: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") line.help = true;
    else if (arg === "--version" || arg === "-v") line.version = true;
    else if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new ConfigError(`command line: --${name} needs a value`);
      if (name === "config") line.configPath = value;
      else line.overrides.push([name, value]);
    } else throw new ConfigError(`command line: unexpected argument "${arg}" (see --help)`);
  }
  return line;
}

/** The file read when no `--config` is given. */
export const DEFAULT_CONFIG_FILE = "redis.toml";

/**
 * Builds the configuration: defaults, then the file (`--config PATH`, else ./redis.toml when it
 * exists), then the command-line overrides.
 */
export function loadConfig(line: CommandLine): Config {
  const config = defaultConfig();
  const path = line.configPath ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (path !== undefined) {
    let table: Record<string, unknown>;
    try {
      table = parseToml(readFileSync(path, "utf8"));
    } catch (error) {
      const reason = (error as Error).message.split("\n")[0];
      throw new ConfigError(`${path}: ${reason}`);
    }
    for (const [name, raw] of Object.entries(table)) setParam(config, name, raw, path);
  }
  for (const [name, raw] of line.overrides) setParam(config, name, raw, "command line");
  return config;
}
