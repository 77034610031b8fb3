/**
 * @module
 * Configuration: one table of parameters (name, type, default, range, whether it may change at run
 * time), the `Config` object built from it, and the three ways to set a value — `redis.toml`,
 * `--name value` on the command line, and `CONFIG SET` (with Redis's parsing rules and error
 * texts) — plus how CONFIG GET shows a value and how CONFIG REWRITE writes the file back. Every
 * parameter keeps Redis's own name where Redis has one, so that a redis.conf user finds the same
 * knob here.
 */
import { parse as parseToml } from "smol-toml";
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { formatNotifyFlags, INVALID_KEYSPACE_EVENTS, parseNotifyFlags } from "./server/notifications.ts";

/** A bad file, key or value: the message names the source, key and reason, in one line. */
export class ConfigError extends Error {}

type Kind = "string" | "integer" | "bool" | "memory" | "enum";

/** A parameter's value. */
export type ParamValue = string | number | boolean;

/** How one parameter is read, checked and shown. */
export interface ParamSpec {
  readonly kind: Kind;
  readonly default: ParamValue;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** May change while the server runs (CONFIG SET). */
  readonly mutable: boolean;
  /** One line for `--help`, the README and redis.toml. */
  readonly doc: string;
  /** Shown in octal by CONFIG GET (and written as 0o... by CONFIG REWRITE), as Redis shows file modes. */
  readonly octal?: boolean;
  /**
   * Redis 7's protected configs (`enable-protected-configs no`, the default): files the server
   * writes; CONFIG SET refuses them, so a client cannot make the server write elsewhere.
   */
  readonly protected?: boolean;
  /** A secret: CONFIG SET replaces its value with "(redacted)" in the slow log and MONITOR. */
  readonly sensitive?: boolean;
  /**
   * Checks and canonicalises a converted value, given the value it replaces; throws a
   * `ConfigError` whose message is Redis's reason (CONFIG SET shows it as is).
   */
  readonly normalize?: (value: ParamValue, previous: ParamValue) => ParamValue;
  /** How CONFIG GET shows the value, when not as it is stored. */
  readonly format?: (value: ParamValue) => string;
}

const MB = 1024 * 1024;
const INT_MAX = 2_147_483_647;

/** Redis's `hz` bounds: any value is accepted and clamped into them. */
const HZ_MIN = 1;
const HZ_MAX = 500;

/** Client classes of `client-output-buffer-limit`, in the order Redis shows them. */
const OUTPUT_CLASSES = ["normal", "slave", "pubsub"] as const;

/**
 * Parses a `client-output-buffer-limit` setting (`class hard soft seconds ...`, sizes in Redis's
 * memory notation) over `previous`, as Redis does: classes not named keep their limits; `replica`
 * is `slave`. Returns the whole setting for every class, sizes in bytes.
 */
export function normalizeOutputLimits(value: ParamValue, previous: ParamValue): string {
  const words = String(value).split(/\s+/).filter((word) => word !== "");
  if (words.length % 4 !== 0) throw new ConfigError("Wrong number of arguments in buffer limit configuration.");
  const limits = new Map<string, string>();
  const old = String(previous).split(/\s+/);
  for (let i = 0; i + 3 < old.length; i += 4) limits.set(old[i]!, old.slice(i + 1, i + 4).join(" "));
  const updates = new Map<string, string>();
  for (let i = 0; i < words.length; i += 4) {
    const name = words[i]!.toLowerCase();
    const clientClass = name === "replica" ? "slave" : name;
    if (!(OUTPUT_CLASSES as readonly string[]).includes(clientClass)) throw new ConfigError("Invalid client class specified in buffer limit configuration.");
    const hard = parseMemoryLikeRedis(words[i + 1]!);
    const soft = parseMemoryLikeRedis(words[i + 2]!);
    const seconds = wholeStrtoll(words[i + 3]!);
    if (hard === undefined || soft === undefined || seconds === undefined || seconds < 0) throw new ConfigError("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    updates.set(clientClass, `${hard} ${soft} ${seconds}`);
  }
  for (const [clientClass, limit] of updates) limits.set(clientClass, limit);
  return OUTPUT_CLASSES.map((clientClass) => `${clientClass} ${limits.get(clientClass) ?? "0 0 0"}`).join(" ");
}

/**
 * Checks a `notify-keyspace-events` value. It is kept as given (every letter counts, even one
 * Redis's canonical form does not show, as `n` beside `A`); CONFIG GET shows the canonical form.
 */
function checkKeyspaceEvents(value: ParamValue): ParamValue {
  if (parseNotifyFlags(String(value)) === undefined) throw new ConfigError(INVALID_KEYSPACE_EVENTS);
  return value;
}

/** C's `strtoll(text, &end, 10)` that must consume the whole text (an empty one reads as 0). */
function wholeStrtoll(text: string): number | undefined {
  if (text === "") return 0;
  return /^[\t\n\v\f\r ]*[+-]?\d+$/.test(text) ? Number(text.trim()) : undefined;
}

/** Every parameter, by its Redis name. The order is the order of `--help` and redis.toml. */
export const PARAMS = {
  mode: { kind: "enum", values: ["redis", "echo"], default: "redis", mutable: false, doc: "what the server speaks: Redis, or line echo" },
  bind: { kind: "string", default: "0.0.0.0", mutable: false, doc: "address to listen on (IPv4 or IPv6)" },
  port: { kind: "integer", default: 6379, min: 0, max: 65535, mutable: false, doc: "TCP port; 0 picks a free port and logs it" },
  unixsocket: { kind: "string", default: "", mutable: false, doc: "path of a unix socket to listen on as well; empty: none" },
  unixsocketperm: { kind: "integer", default: 0, min: 0, max: 0o777, mutable: false, octal: true, doc: "permissions of the unix socket (octal in redis.toml as 0o700); 0: leave as created" },
  maxclients: { kind: "integer", default: 10000, min: 1, max: 1_000_000, mutable: true, doc: "most clients connected at once; more are refused" },
  "shutdown-timeout": { kind: "integer", default: 10, min: 0, max: 3600, mutable: true, doc: "seconds each client gets on shutdown to receive the replies queued for it" },
  "echo-max-line-bytes": { kind: "memory", default: 64 * MB, min: 1, mutable: true, doc: "echo mode: longest line a client may send; longer closes that client" },
  "echo-max-output-bytes": { kind: "memory", default: 64 * MB, min: 1, mutable: true, doc: "echo mode: most bytes queued for a client that does not read; more closes that client" },
  databases: { kind: "integer", default: 16, min: 1, max: 1_000_000, mutable: false, doc: "number of databases (SELECT 0 to databases-1)" },
  requirepass: { kind: "string", default: "", mutable: true, sensitive: true, doc: "password clients must give with AUTH or HELLO; empty: none" },
  maxmemory: { kind: "memory", default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "memory limit (INFO used_memory: JS heap plus buffers); past it keys are evicted by maxmemory-policy, or writes refused with OOM; 0: none" },
  "maxmemory-policy": { kind: "enum", values: ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"], default: "noeviction", mutable: true, doc: "what to do when maxmemory is reached: evict keys (which, how chosen) or refuse writes" },
  "enable-debug-command": { kind: "enum", values: ["no", "yes", "local"], default: "no", mutable: false, doc: "allow DEBUG: no, yes, or local (only from loopback and unix socket clients)" },
  "proto-max-bulk-len": { kind: "memory", default: 512 * MB, min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "longest bulk string in a request" },
  "client-query-buffer-limit": { kind: "memory", default: 1024 * MB, min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "most bytes of unparsed request a client may hold; more closes it" },
  "client-output-buffer-limit": { kind: "string", default: "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", mutable: true, normalize: normalizeOutputLimits, doc: "per class: hard limit, soft limit, soft seconds (bytes; 0 = none), as Redis" },
  "notify-keyspace-events": { kind: "string", default: "", mutable: true, normalize: checkKeyspaceEvents, format: (value) => formatNotifyFlags(parseNotifyFlags(String(value)) ?? 0), doc: "keyspace notifications to publish, as Redis's class letters (K, E, A, g, $, l, s, h, z, x, e, t, m, d, n); empty: none" },
  hz: { kind: "integer", default: 10, min: 0, max: INT_MAX, mutable: true, normalize: (value) => Math.min(HZ_MAX, Math.max(HZ_MIN, Number(value))), doc: "background tasks (active expiry, stats) per second; clamped to 1..500 as Redis does" },
  timeout: { kind: "integer", default: 0, min: 0, max: 2_147_483_647, mutable: true, doc: "close a client idle this many seconds; 0: never" },
  "slowlog-log-slower-than": { kind: "integer", default: 10000, min: -1, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "microseconds a command must take to enter the slow log; -1: off, 0: every command" },
  "slowlog-max-len": { kind: "integer", default: 128, min: 0, max: 2_147_483_647, mutable: true, doc: "entries the slow log keeps" },
  "latency-monitor-threshold": { kind: "integer", default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "milliseconds an event must take to be recorded by LATENCY; 0: off" },
  "busy-reply-threshold": { kind: "integer", default: 5000, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "milliseconds a script or function may run before it is stopped as SCRIPT KILL would (nothing else is served meanwhile); 0: never" },
  "hash-max-listpack-entries": { kind: "integer", default: 512, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a hash with more fields than this is a hashtable, else a listpack (OBJECT ENCODING)" },
  "hash-max-listpack-value": { kind: "integer", default: 64, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a hash with a field or value longer than this is a hashtable" },
  "set-max-intset-entries": { kind: "integer", default: 512, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a set of integers with more members than this is a hashtable, else an intset" },
  "zset-max-listpack-entries": { kind: "integer", default: 128, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a sorted set with more members than this is a skiplist, else a listpack" },
  "zset-max-listpack-value": { kind: "integer", default: 64, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a sorted set with a member longer than this is a skiplist" },
  "list-max-listpack-size": { kind: "integer", default: -2, min: -5, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "per list node: positive = most entries, -1..-5 = most bytes (4/8/16/32/64 KiB); a list of one node is a listpack" },
  "list-compress-depth": { kind: "integer", default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "list nodes at each end left uncompressed (accepted; lists are not compressed here)" },
  "hll-sparse-max-bytes": { kind: "memory", default: 3000, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "a HyperLogLog whose sparse form would pass this many bytes converts to the dense form" },
  "stream-node-max-bytes": { kind: "memory", default: 4096, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "most bytes of one stream node (a block of entries); 0: no limit" },
  "stream-node-max-entries": { kind: "integer", default: 100, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "most entries of one stream node; 0: no limit" },
  dir: { kind: "string", default: ".", mutable: true, protected: true, format: (value) => resolve(String(value)), doc: "folder of the RDB file and the AOF folder (CONFIG GET shows it absolute)" },
  dbfilename: { kind: "string", default: "dump.rdb", mutable: true, protected: true, doc: "name of the RDB file in dir" },
  rdbcompression: { kind: "bool", default: true, mutable: true, doc: "compress strings in RDB files and DUMP payloads with LZF, as Redis" },
  rdbchecksum: { kind: "bool", default: true, mutable: true, doc: "end RDB files and DUMP payloads with a CRC64 checksum, and check it when loading" },
  save: { kind: "string", default: "3600 1 300 100 60 10000", mutable: true, normalize: normalizeSavePoints, doc: "save points: pairs of seconds and changes; an RDB snapshot is taken when that many changes happened within that many seconds; empty: never (embedded servers default to empty)" },
  appendonly: { kind: "bool", default: false, mutable: true, doc: "log every write to the append-only file (AOF) and load it at start instead of the RDB file" },
  appendfilename: { kind: "string", default: "appendonly.aof", mutable: false, doc: "base name of the AOF files" },
  appenddirname: { kind: "string", default: "appendonlydir", mutable: false, doc: "folder in dir holding the AOF files and their manifest" },
  appendfsync: { kind: "enum", values: ["everysec", "always", "no"], default: "everysec", mutable: true, doc: "when the AOF is flushed to disk: before each reply, once a second, or when the OS likes" },
  "auto-aof-rewrite-percentage": { kind: "integer", default: 100, min: 0, max: INT_MAX, mutable: true, doc: "rewrite the AOF when it grew by this percent since the last rewrite; 0: never" },
  "auto-aof-rewrite-min-size": { kind: "memory", default: 64 * MB, min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, doc: "no automatic AOF rewrite below this size" },
  "aof-load-truncated": { kind: "bool", default: true, mutable: true, doc: "load an AOF whose last command is cut off (up to the last whole command) instead of refusing to start" },
  "aof-use-rdb-preamble": { kind: "bool", default: true, mutable: true, doc: "write the AOF base file in RDB format (faster to load), as Redis" },
  loglevel: { kind: "enum", values: ["debug", "verbose", "notice", "warning", "nothing"], default: "notice", mutable: true, doc: "least severe level logged" },
  "log-dir": { kind: "string", default: "logs", mutable: false, doc: "folder of the log files <log-name>-<YYYY-MM-DD>.log; empty: console only" },
  "log-name": { kind: "string", default: "bunredis", mutable: false, doc: "first part of the log file name" },
} as const satisfies Record<string, ParamSpec>;

/** A parameter's name. */
export type ParamName = keyof typeof PARAMS;

/**
 * Redis parameters bunredis does not implement, reported (CONFIG GET) with the value it behaves
 * as, because clients and tools read them at connect time. CONFIG SET refuses them as immutable.
 */
export const FIXED_PARAMS: Readonly<Record<string, () => string>> = {
  "cluster-enabled": () => "no",
  "latency-tracking": () => "no",
};

/** Whether `name` is a fixed, reported-only Redis parameter. */
export function isFixedParam(name: string): boolean {
  return Object.hasOwn(FIXED_PARAMS, name);
}

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

/**
 * Checks a `save` setting as Redis does: pairs of non-negative integers (seconds, changes);
 * returns it with single spaces. Empty (or "") means no save points.
 */
export function normalizeSavePoints(value: ParamValue): string {
  const words = String(value).trim().split(/\s+/).filter((word) => word !== "" && word !== '""');
  if (words.length % 2 !== 0 || words.some((word) => !/^\d+$/.test(word))) throw new ConfigError("Invalid save parameters");
  return words.join(" ");
}

/** The save points of a `save` setting: [seconds, changes] pairs. */
export function savePoints(setting: string): Array<[number, number]> {
  const words = setting === "" ? [] : setting.split(" ").map(Number);
  const points: Array<[number, number]> = [];
  for (let i = 0; i + 1 < words.length; i += 2) points.push([words[i]!, words[i + 1]!]);
  return points;
}

/** Redis's memory notation: `1024`, `64mb`, `1gb`, `100k` (k = 1000, kb = 1024). */
export function parseMemory(text: string): number | undefined {
  const match = /^(\d+)([a-z]*)$/i.exec(text.trim());
  const unit = match ? MEMORY_UNITS[match[2]!.toLowerCase()] : undefined;
  return match && unit !== undefined ? Number(match[1]) * unit : undefined;
}

/**
 * Checks and converts one raw value for `name`: a TOML value, or a string from the command line.
 * Returns the value or throws a `ConfigError` whose message is the reason alone. `previous` is
 * the value it replaces (settings that merge with the old value need it).
 */
export function convertValue(name: ParamName, raw: unknown, previous: ParamValue = PARAMS[name].default): ParamValue {
  const spec: ParamSpec = PARAMS[name];
  const value = convertRaw(spec, raw);
  return spec.normalize ? spec.normalize(value, previous) : value;
}

function convertRaw(spec: ParamSpec, raw: unknown): ParamValue {
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
    (config as Record<string, unknown>)[name] = convertValue(name, raw, config[name]);
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

/** The configuration file the command line names (`--config PATH`, else ./redis.toml when it exists). */
export function configFilePath(line: CommandLine): string | undefined {
  return line.configPath ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
}

/**
 * Builds the configuration: defaults, then the file (`--config PATH`, else ./redis.toml when it
 * exists), then the command-line overrides.
 */
export function loadConfig(line: CommandLine): Config {
  const config = defaultConfig();
  const path = configFilePath(line);
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

// ---------------------------------------------------------------------------------------------
// CONFIG GET / SET / REWRITE

/** Every name CONFIG GET knows: the parameters, then the fixed Redis ones. */
export function configNames(): string[] {
  return [...Object.keys(PARAMS), ...Object.keys(FIXED_PARAMS)];
}

/** A value as CONFIG GET shows it: sizes in bytes, booleans yes/no, modes in octal. */
export function formatParam(config: Config, name: string): string {
  if (!isParam(name)) return FIXED_PARAMS[name]?.() ?? "";
  const spec: ParamSpec = PARAMS[name];
  const value = config[name];
  if (spec.format) return spec.format(value);
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return spec.octal ? value.toString(8) : String(value);
  return value;
}

/** Redis's `string2ll` for a config value: an exact decimal integer, no sign `+`, no leading zeros. */
function parseStrictInteger(text: string): number | undefined {
  if (!/^-?(0|[1-9][0-9]{0,18})$/.test(text) || text === "-0") return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) || (BigInt(text) >= -(2n ** 63n) && BigInt(text) < 2n ** 63n) ? value : undefined;
}

/**
 * Redis's `memtoull`: digits then an optional unit (b, k, kb, m, mb, g, gb; any case). Redis
 * reads an empty number as 0 (`kb` is 0 bytes); a sign or anything else is refused.
 */
export function parseMemoryLikeRedis(text: string): number | undefined {
  const match = /^(\d*)([a-z]*)$/i.exec(text);
  const unit = match ? MEMORY_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) return undefined;
  return Number(match[1] || "0") * unit;
}

/**
 * Converts a CONFIG SET value with Redis's rules and reasons (the text after
 * "CONFIG SET failed (possibly related to argument 'x') - "), as a `ConfigError`.
 */
export function parseConfigSetValue(name: ParamName, raw: string, previous: ParamValue): ParamValue {
  const spec: ParamSpec = PARAMS[name];
  let value: ParamValue;
  switch (spec.kind) {
    case "string":
      value = raw;
      break;
    case "bool": {
      const word = raw.toLowerCase();
      if (word !== "yes" && word !== "no") throw new ConfigError("argument must be 'yes' or 'no'");
      value = word === "yes";
      break;
    }
    case "enum": {
      const word = raw.toLowerCase();
      if (!spec.values!.includes(word)) throw new ConfigError(`argument(s) must be one of the following: ${spec.values!.join(", ")}`);
      value = word;
      break;
    }
    case "integer":
    case "memory": {
      const number = spec.kind === "memory" ? parseMemoryLikeRedis(raw) : spec.octal ? parseOctal(raw) : parseStrictInteger(raw);
      if (number === undefined) {
        throw new ConfigError(spec.kind === "memory" ? "argument must be a memory value" : spec.octal ? "argument couldn't be parsed as an octal number" : "argument couldn't be parsed into an integer");
      }
      const min = spec.min ?? 0;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      // A bound of MAX_SAFE_INTEGER stands for Redis's LLONG_MAX: values past 2^53 are accepted
      // as Redis accepts them, and kept as the largest exact number (no setting means more).
      const unbounded = max === Number.MAX_SAFE_INTEGER;
      if (number < min || number > (unbounded ? LLONG_MAX : max)) throw new ConfigError(`argument must be between ${min} and ${unbounded ? "9223372036854775807" : max} inclusive`);
      value = Math.min(number, max);
      break;
    }
  }
  return spec.normalize ? spec.normalize(value, previous) : value;
}

/** 2^63 - 1 as a double (rounds up to 2^63; only compared against). */
const LLONG_MAX = 9223372036854775807;

function parseOctal(text: string): number | undefined {
  return /^[0-7]+$/.test(text) ? parseInt(text, 8) : undefined;
}

/** A value as redis.toml writes it (sizes in the largest exact unit, as Redis's rewrite does). */
export function tomlValue(name: ParamName, value: ParamValue): string {
  const spec: ParamSpec = PARAMS[name];
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (spec.octal) return `0o${value.toString(8)}`;
  if (spec.kind === "memory" && value > 0) {
    for (const [unit, size] of [["gb", 1024 ** 3], ["mb", 1024 ** 2], ["kb", 1024]] as const) {
      if (value % size === 0) return JSON.stringify(`${value / size}${unit}`);
    }
  }
  return String(value);
}

/** The signature line above the keys CONFIG REWRITE appends (Redis's marker). */
const REWRITE_SIGNATURE = "# Generated by CONFIG REWRITE";

/** A `key = value  # comment` line split around its value; undefined for any other line. */
interface KeyLine {
  key: string;
  /** Everything before the value (indentation, key, `=`, spaces). */
  before: string;
  /** Everything after the value (spaces, comment). */
  after: string;
}

/** Finds the key and the extent of its value on one TOML line (single-line values only). */
function splitKeyLine(line: string): KeyLine | undefined {
  const head = /^(\s*)([A-Za-z0-9_-]+|"[^"\\]*"|'[^']*')(\s*=\s*)/.exec(line);
  if (!head) return undefined;
  const key = head[2]!.startsWith('"') || head[2]!.startsWith("'") ? head[2]!.slice(1, -1) : head[2]!;
  const start = head[0].length;
  let end: number;
  if (line.startsWith('"""', start) || line.startsWith("'''", start)) {
    throw new ConfigError(`multi-line value of "${key}" cannot be rewritten`);
  } else if (line[start] === '"') {
    end = start + 1;
    while (end < line.length && line[end] !== '"') end += line[end] === "\\" ? 2 : 1;
    end++;
  } else if (line[start] === "'") {
    end = line.indexOf("'", start + 1) + 1;
    if (end === 0) end = line.length;
  } else {
    end = start;
    while (end < line.length && !/[\s#]/.test(line[end]!)) end++;
  }
  return { key, before: line.slice(0, start), after: line.slice(Math.min(end, line.length)) };
}

/**
 * CONFIG REWRITE: writes `config` into the TOML file at `path`, as Redis rewrites redis.conf.
 * A key in the file whose value differs from the running one gets the new value in place (its
 * comment kept); every other line stays exactly as it was; keys not in the file whose value
 * differs from the default are appended under a "# Generated by CONFIG REWRITE" line. The file
 * is replaced in one rename, so a crash leaves the old or the new file, never half of one.
 */
export function rewriteConfigFile(path: string, config: Config): void {
  // A file removed since start-up is written afresh, as Redis does.
  const exists = existsSync(path);
  const text = exists ? readFileSync(path, "utf8") : "";
  const table = parseToml(text) as Record<string, unknown>;
  const lines = text.split("\n");
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const carriage = raw.endsWith("\r") ? "\r" : "";
    const line = carriage ? raw.slice(0, -1) : raw;
    const found = splitKeyLine(line);
    if (!found || !isParam(found.key)) continue;
    const name = found.key;
    seen.add(name);
    let inFile: ParamValue | undefined;
    try {
      inFile = convertValue(name, table[name]);
    } catch {
      inFile = undefined;
    }
    if (inFile === config[name]) continue;
    lines[i] = `${found.before}${tomlValue(name, config[name])}${found.after}${carriage}`;
  }
  const appended: string[] = [];
  for (const name of Object.keys(PARAMS) as ParamName[]) {
    if (!seen.has(name) && config[name] !== PARAMS[name].default) appended.push(`${name} = ${tomlValue(name, config[name])}`);
  }
  let out = lines.join("\n");
  if (appended.length > 0) {
    if (out !== "" && !out.endsWith("\n")) out += "\n";
    if (!lines.some((line) => line.trimEnd() === REWRITE_SIGNATURE)) out += `${REWRITE_SIGNATURE}\n`;
    out += `${appended.join("\n")}\n`;
  }
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(temporary, out, { mode: exists ? statSync(path).mode & 0o777 : 0o644 });
  renameSync(temporary, path);
}

/** The absolute path of a configuration file, as INFO's config_file and CONFIG REWRITE use it. */
export function absoluteConfigPath(path: string): string {
  return resolve(path);
}
