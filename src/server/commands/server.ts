/**
 * @module
 * Server commands: databases as a whole (FLUSHALL, FLUSHDB, DBSIZE) and the server's
 * introspection — INFO, SLOWLOG, LATENCY, MEMORY, TIME, LASTSAVE, DEBUG. (CONFIG is in
 * config.ts, COMMAND in introspection.ts.)
 */
import { savePoints } from "../../config.ts";
import { systemClock } from "../../store/keyspace.ts";
import { parseInteger } from "../arguments.ts";
import { NO_KEYS, type CommandSpec } from "../command.ts";
import { ERR_DEBUG_NOT_ALLOWED, ERR_SLOWLOG_COUNT, ERR_SUBCOMMAND_SYNTAX, ERR_SYNTAX, ReplyError } from "../errors.ts";
import type { Client } from "../client.ts";
import type { Server } from "../server.ts";
import { infoText, memoryFigures } from "../info.ts";
import { keyMemoryUsage } from "../memory.ts";
import { writeHelp } from "./introspection.ts";

/** Checks FLUSHALL/FLUSHDB's optional ASYNC|SYNC (both free memory at once here). */
function checkFlushMode(args: string[]): void {
  if (args.length > 2) throw new ReplyError(ERR_SYNTAX);
  if (args.length === 2) {
    const mode = args[1]!.toLowerCase();
    if (mode !== "async" && mode !== "sync") throw new ReplyError(ERR_SYNTAX);
  }
}

/** FLUSHALL [ASYNC|SYNC] — O(N) in the number of keys. */
export const FLUSHALL = {
  name: "flushall",
  arity: -1,
  flags: ["write"],
  keys: NO_KEYS,
  categories: ["keyspace", "write", "slow", "dangerous"],
  run({ server, reply }, args) {
    checkFlushMode(args);
    for (const db of server.keyspace.dbs) {
      // Watches on keys that held a value fail their EXEC (no keyspace events, as in Redis).
      if (server.watches.active) server.watches.touchAllInDb(db);
      server.dirty += db.size;
      db.flush();
    }
    // As Redis: a background save of the old data is pointless now, and with save points the
    // (empty) dataset is saved at once; the dirty count then makes FLUSHALL reach the AOF.
    server.persistence.abortBackgroundSave();
    if (savePoints(server.config.save).length > 0) server.persistence.save();
    server.dirty++;
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** FLUSHDB [ASYNC|SYNC] — O(N) in the number of keys of the selected database. */
export const FLUSHDB = {
  name: "flushdb",
  arity: -1,
  flags: ["write"],
  keys: NO_KEYS,
  categories: ["keyspace", "write", "slow", "dangerous"],
  run({ server, db, reply }, args) {
    checkFlushMode(args);
    if (server.watches.active) server.watches.touchAllInDb(db);
    server.dirty += db.size;
    db.flush();
    // Handed on even when the database was empty (Redis's forceCommandPropagation).
    server.propagation.prevent();
    if (server.propagation.active) server.propagation.also(db.id, args);
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** DBSIZE — O(1). */
export const DBSIZE = {
  name: "dbsize",
  arity: 1,
  flags: ["readonly", "fast"],
  keys: NO_KEYS,
  categories: ["keyspace", "read", "fast"],
  run({ db, reply }) {
    reply.integer(db.size);
  },
} satisfies CommandSpec;

/** INFO [section [section ...]] — O(1) per section (keyspace: O(databases)); a verbatim string in RESP3. */
export const INFO = {
  name: "info",
  arity: -1,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow", "dangerous"],
  run({ server, reply }, args) {
    reply.verbatim(infoText(server, args.slice(1)));
  },
} satisfies CommandSpec;

/** TIME — O(1): [unix seconds, microseconds], as bulk strings. */
export const TIME = {
  name: "time",
  arity: 1,
  flags: ["loading", "stale", "fast"],
  keys: NO_KEYS,
  categories: ["fast"],
  run({ server, reply }) {
    // The system clock gives microseconds; an injected clock (tests) gives whole milliseconds.
    const micros = server.clock === systemClock ? Math.floor((performance.timeOrigin + performance.now()) * 1000) : server.clock.now() * 1000;
    reply.array(2);
    reply.bulk(String(Math.floor(micros / 1e6)));
    reply.bulk(String(micros % 1e6));
  },
} satisfies CommandSpec;

/** LASTSAVE — O(1): unix time of the last successful save (the start time until persistence exists, as Redis at start). */
export const LASTSAVE = {
  name: "lastsave",
  arity: 1,
  flags: ["loading", "stale", "fast"],
  keys: NO_KEYS,
  categories: ["admin", "fast", "dangerous"],
  run({ server, reply }) {
    reply.integer(server.lastSave);
  },
} satisfies CommandSpec;

/** SLOWLOG GET [count] — O(N) in the entries returned (default 10; -1 for all), newest first. */
export const SLOWLOG_GET = {
  name: "slowlog|get",
  arity: -2,
  flags: ["admin", "loading", "stale"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, reply }, args) {
    if (args.length > 3) throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, "slowlog"));
    let count = 10;
    if (args.length === 3) {
      count = parseInteger(args[2]!, ERR_SLOWLOG_COUNT);
      if (count < -1) throw new ReplyError(ERR_SLOWLOG_COUNT);
    }
    const entries = count === -1 ? server.slowlog : server.slowlog.slice(0, count);
    reply.array(entries.length);
    for (const entry of entries) {
      reply.array(6);
      reply.integer(entry.id);
      reply.integer(entry.time);
      reply.integer(entry.durationMicros);
      reply.bulkArray(entry.args);
      reply.bulk(entry.address);
      reply.bulk(entry.clientName);
    }
  },
} satisfies CommandSpec;

/** SLOWLOG LEN — O(1). */
export const SLOWLOG_LEN = {
  name: "slowlog|len",
  arity: 2,
  flags: ["admin", "loading", "stale"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, reply }) {
    reply.integer(server.slowlog.length);
  },
} satisfies CommandSpec;

/** SLOWLOG RESET — O(N) in the entries: empties the slow log (ids keep counting). */
export const SLOWLOG_RESET = {
  name: "slowlog|reset",
  arity: 2,
  flags: ["admin", "loading", "stale"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, reply }) {
    server.slowlog.length = 0;
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** SLOWLOG HELP — O(1). */
export const SLOWLOG_HELP = {
  name: "slowlog|help",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow"],
  run({ reply }) {
    writeHelp(reply, "SLOWLOG", [
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
    ]);
  },
} satisfies CommandSpec;

/** SLOWLOG subcommand — the container. */
export const SLOWLOG = {
  name: "slowlog",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  subcommands: { get: SLOWLOG_GET, len: SLOWLOG_LEN, reset: SLOWLOG_RESET, help: SLOWLOG_HELP },
} satisfies CommandSpec;

/** The flags and categories every LATENCY subcommand but HELP has. */
const LATENCY_ADMIN = { flags: ["admin", "noscript", "loading", "stale"], keys: NO_KEYS, categories: ["admin", "slow", "dangerous"] } as const;

/** LATENCY LATEST — O(N) in the event classes: [event, time, latest ms, max ms] each. */
export const LATENCY_LATEST = {
  name: "latency|latest",
  arity: 2,
  ...LATENCY_ADMIN,
  run({ server, reply }) {
    const rows = server.latency.latest();
    reply.array(rows.length);
    for (const [event, time, latest, max] of rows) {
      reply.array(4);
      reply.bulk(event);
      reply.integer(time);
      reply.integer(latest);
      reply.integer(max);
    }
  },
} satisfies CommandSpec;

/** LATENCY HISTORY event — O(N) in the samples (at most 160): [time, ms] each, oldest first. */
export const LATENCY_HISTORY = {
  name: "latency|history",
  arity: 3,
  ...LATENCY_ADMIN,
  run({ server, reply }, args) {
    const samples = server.latency.history(args[2]!);
    reply.array(samples.length);
    for (const sample of samples) {
      reply.array(2);
      reply.integer(sample.time);
      reply.integer(sample.latency);
    }
  },
} satisfies CommandSpec;

/** LATENCY RESET [event [event ...]] — O(N) in the event classes: how many were reset. */
export const LATENCY_RESET = {
  name: "latency|reset",
  arity: -2,
  ...LATENCY_ADMIN,
  run({ server, reply }, args) {
    reply.integer(server.latency.reset(args.slice(2)));
  },
} satisfies CommandSpec;

/**
 * LATENCY HISTOGRAM [command ...] — per-command latency histograms need latency tracking, which
 * this server does not do (CONFIG GET latency-tracking says no), so the map is empty, as
 * Redis's is with tracking off.
 */
export const LATENCY_HISTOGRAM = {
  name: "latency|histogram",
  arity: -2,
  ...LATENCY_ADMIN,
  run({ reply }) {
    reply.map(0);
  },
} satisfies CommandSpec;

/** LATENCY HELP — O(1); DOCTOR and GRAPH are not implemented, so not listed. */
export const LATENCY_HELP = {
  name: "latency|help",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow"],
  run({ reply }) {
    writeHelp(reply, "LATENCY", [
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
      "    If no commands are specified then all histograms are replied.",
    ]);
  },
} satisfies CommandSpec;

/** LATENCY subcommand — the container. */
export const LATENCY = {
  name: "latency",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  subcommands: { latest: LATENCY_LATEST, history: LATENCY_HISTORY, reset: LATENCY_RESET, histogram: LATENCY_HISTOGRAM, help: LATENCY_HELP },
} satisfies CommandSpec;


/** MEMORY USAGE key [SAMPLES count] — O(N) in the samples: the estimated bytes of a key and its value. */
export const MEMORY_USAGE = {
  name: "memory|usage",
  arity: -3,
  flags: ["readonly"],
  keys: { first: 2, last: 2, step: 1 },
  categories: ["read", "slow"],
  run({ db, reply }, args) {
    let samples = 5;
    for (let i = 3; i < args.length; i++) {
      if (args[i]!.toLowerCase() !== "samples" || i + 1 >= args.length) throw new ReplyError(ERR_SYNTAX);
      samples = parseInteger(args[++i]!);
      if (samples < 0) throw new ReplyError(ERR_SYNTAX);
      if (samples === 0) samples = Number.MAX_SAFE_INTEGER;
    }
    // As Redis (dictFind): a key whose time ran out but that is not reclaimed yet still has a size.
    const entry = db.dict.get(args[2]!);
    if (entry === undefined) reply.null();
    else reply.integer(keyMemoryUsage(args[2]!, entry.value, samples));
  },
} satisfies CommandSpec;

/** MEMORY STATS — O(databases): the memory figures of INFO memory, as a map. */
export const MEMORY_STATS = {
  name: "memory|stats",
  arity: 2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  run({ server, reply }) {
    const memory = memoryFigures(server);
    const databases = server.keyspace.dbs.filter((db) => db.size > 0);
    let keys = 0;
    for (const db of databases) keys += db.size;
    const sinceStartup = memory.used - memory.startup;
    // Redis computes the percentages and ratios in C floats.
    const float = (value: number) => reply.double(Math.fround(Number.isFinite(value) ? value : 0));
    reply.map(27 + databases.length);
    const integer = (name: string, value: number) => {
      reply.bulk(name);
      reply.integer(value);
    };
    integer("peak.allocated", memory.peak);
    integer("total.allocated", memory.used);
    integer("startup.allocated", memory.startup);
    integer("replication.backlog", 0);
    integer("clients.slaves", 0);
    integer("clients.normal", memory.clients);
    integer("cluster.links", 0);
    integer("aof.buffer", 0);
    integer("lua.caches", 0);
    integer("functions.caches", 0);
    for (const db of databases) {
      reply.bulk(`db.${db.id}`);
      reply.map(3);
      integer("overhead.hashtable.main", memory.databases.get(db.id)?.[0] ?? 0);
      integer("overhead.hashtable.expires", memory.databases.get(db.id)?.[1] ?? 0);
      integer("overhead.hashtable.slot-to-keys", 0);
    }
    integer("overhead.total", memory.overhead);
    integer("keys.count", keys);
    integer("keys.bytes-per-key", keys > 0 ? Math.floor(sinceStartup / keys) : 0);
    integer("dataset.bytes", memory.dataset);
    reply.bulk("dataset.percentage");
    float(sinceStartup > 0 ? (memory.dataset * 100) / sinceStartup : 0);
    reply.bulk("peak.percentage");
    float(memory.peak > 0 ? (memory.used * 100) / memory.peak : 0);
    integer("allocator.allocated", memory.allocated);
    integer("allocator.active", memory.active);
    integer("allocator.resident", memory.rss);
    reply.bulk("allocator-fragmentation.ratio");
    float(memory.active / memory.allocated);
    integer("allocator-fragmentation.bytes", memory.active - memory.allocated);
    reply.bulk("allocator-rss.ratio");
    float(memory.rss / memory.active);
    integer("allocator-rss.bytes", memory.rss - memory.active);
    reply.bulk("rss-overhead.ratio");
    float(1);
    integer("rss-overhead.bytes", 0);
    reply.bulk("fragmentation");
    float(memory.rss / memory.used);
    integer("fragmentation.bytes", memory.rss - memory.used);
  },
} satisfies CommandSpec;

/** The data MEMORY DOCTOR needs before it reports anything (Redis's threshold). */
const DOCTOR_MINIMUM = 5 * 1024 * 1024;

/** Whether the keys' estimated size (MEMORY USAGE's) stays under `limit`; stops as soon as it does not. */
function datasetBelow(server: Server, limit: number): boolean {
  let total = 0;
  for (const db of server.keyspace.dbs) {
    for (const [key, entry] of db.dict) {
      total += keyMemoryUsage(key, entry.value, 5);
      if (total >= limit) return false;
    }
  }
  return true;
}

/** MEMORY DOCTOR — O(keys) up to 5 MB of them: Redis's report for an (almost) empty instance, or its findings. */
export const MEMORY_DOCTOR = {
  name: "memory|doctor",
  arity: 2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  run({ server, reply }) {
    const memory = memoryFigures(server);
    // Redis's detector needs 5 MB of data to say anything; so does this one. The heap figures
    // include garbage not yet collected, so the data is measured key by key (at most ~110k keys).
    if (datasetBelow(server, DOCTOR_MINIMUM)) {
      reply.verbatim(
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n",
      );
      return;
    }
    const issues: string[] = [];
    if (memory.peak > memory.used * 1.5) {
      issues.push(" * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n");
    }
    if (issues.length === 0) reply.verbatim("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n");
    else reply.verbatim(`Sam, I detected a few issues in this Redis instance memory implants:\n\n${issues.join("")}I'm here to keep you safe, Sam. I want to help you.\n`);
  },
} satisfies CommandSpec;

/** MEMORY MALLOC-STATS — O(1): the allocator (JavaScriptCore's heap) has no such report. */
export const MEMORY_MALLOC_STATS = {
  name: "memory|malloc-stats",
  arity: 2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  run({ reply }) {
    reply.verbatim("Stats not supported for the current allocator");
  },
} satisfies CommandSpec;

/** MEMORY PURGE — runs a full garbage collection, the heap's way of giving memory back. */
export const MEMORY_PURGE = {
  name: "memory|purge",
  arity: 2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  run({ reply }) {
    Bun.gc(true);
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** MEMORY HELP — O(1). */
export const MEMORY_HELP = {
  name: "memory|help",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow"],
  run({ reply }) {
    writeHelp(reply, "MEMORY", [
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
    ]);
  },
} satisfies CommandSpec;

/** MEMORY subcommand — the container. */
export const MEMORY = {
  name: "memory",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  subcommands: { usage: MEMORY_USAGE, stats: MEMORY_STATS, doctor: MEMORY_DOCTOR, "malloc-stats": MEMORY_MALLOC_STATS, purge: MEMORY_PURGE, help: MEMORY_HELP },
} satisfies CommandSpec;

/** Whether a client connects from this machine (loopback or the unix socket), for `enable-debug-command local`. */
function isLocal(client: Client): boolean {
  return client.unixSocket || client.address.startsWith("127.0.0.1:") || client.address.startsWith("[::1]:");
}

/** C's `strtod(text, NULL)`: the leading decimal number, 0 when there is none. */
function strtod(text: string): number {
  const match = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(text);
  return match ? Number(match[0]) : 0;
}

/** C's `atoi`: the leading integer, 0 when there is none. */
function atoi(text: string): number {
  const match = /^\s*[+-]?\d+/.exec(text);
  return match ? Number(match[0]) : 0;
}

/**
 * DEBUG RELOAD | SLEEP seconds | SET-ACTIVE-EXPIRE 0|1 | HELP — refused unless `enable-debug-command`
 * allows it (off by default, as in Redis 7.0). SLEEP blocks the whole server, as Redis does.
 */
export const DEBUG = {
  name: "debug",
  arity: -2,
  flags: ["admin", "noscript", "loading", "stale", "protected"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, client, reply }, args) {
    const allowed = server.config["enable-debug-command"];
    if (allowed === "no" || (allowed === "local" && !isLocal(client))) throw new ReplyError(ERR_DEBUG_NOT_ALLOWED);
    const sub = args[1]!.toLowerCase();
    if (sub === "help" && args.length === 2) {
      writeHelp(reply, "DEBUG", [
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "RELOAD",
        "    Save the RDB on disk and reload it back to memory.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
      ]);
    } else if (sub === "reload" && args.length === 2) {
      try {
        server.persistence.reload();
      } catch (error) {
        server.log.warn(`DEBUG RELOAD failed: ${(error as Error).message}`);
        throw new ReplyError("ERR Error trying to load the RDB dump, check server logs.");
      }
      reply.simple("OK");
    } else if (sub === "sleep" && args.length === 3) {
      const milliseconds = strtod(args[2]!) * 1000;
      if (milliseconds > 0) Bun.sleepSync(milliseconds);
      reply.simple("OK");
    } else if (sub === "set-active-expire" && args.length === 3) {
      server.activeExpire = atoi(args[2]!) !== 0;
      reply.simple("OK");
    } else throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, "debug"));
  },
} satisfies CommandSpec;

/** The server group. */
export const SERVER_COMMANDS: CommandSpec[] = [FLUSHALL, FLUSHDB, DBSIZE, INFO, TIME, LASTSAVE, SLOWLOG, LATENCY, MEMORY, DEBUG];