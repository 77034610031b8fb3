/**
 * @module
 * The Redis application's state and its dispatcher: configuration, the keyspace, the command
 * table, the connected clients, statistics, and `execute`, which runs one command for one client
 * (lookup, arity, authentication, run, reply, statistics). The socket side is in handler.ts.
 */
import type { ConsolaInstance } from "consola";
import type { Config } from "../config.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { Keyspace, type Clock, type Db, type Value } from "../store/keyspace.ts";
import type { LogLevelName } from "../log.ts";
import { Blocking } from "./blocking.ts";
import type { Client } from "./client.ts";
import { arityMatches, CommandTable, type CommandContext, type CommandSpec } from "./command.ts";
import { ERR_ARITY, ERR_NOAUTH, ERR_UNKNOWN_SUBCOMMAND, ReplyError, unknownCommand } from "./errors.ts";
import { InstantaneousMetrics, METRIC_PERIOD_MS, usedMemory } from "./info.ts";
import { LatencyMonitor } from "./latency.ts";

/** What the server can do to a connection it does not own the socket of (CLIENT KILL, MONITOR). */
export interface ClientHandle {
  readonly client: Client;
  /** Closes the connection after what is queued for it (or at once when `now`). */
  kill(now?: boolean): void;
  /** Sends bytes to this client outside its own request/reply cycle. */
  send(bytes: Uint8Array): void;
  /** Unparsed request bytes held (CLIENT LIST's qbuf). */
  queryBufferBytes(): number;
  /** Reply bytes queued and not yet taken by the kernel (CLIENT LIST's omem). */
  outputBytes(): number;
  /**
   * Runs the client's postponed command, then the input it holds (called when a pause ends, and
   * after a blocked client was answered).
   */
  resume(): void;
}

/** Counters of one command, for INFO commandstats. */
export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/** One SLOWLOG entry. */
export interface SlowlogEntry {
  id: number;
  time: number;
  durationMicros: number;
  args: string[];
  address: string;
  clientName: string;
}

/** Server-wide counters, as INFO stats reports them. */
export class Stats {
  connectionsReceived = 0;
  commandsProcessed = 0;
  rejectedConnections = 0;
  expiredKeys = 0;
  evictedKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  errorReplies = 0;
  readonly commands = new Map<string, CommandStats>();
  /** Error replies by their code (`ERR`, `WRONGTYPE`), for INFO errorstats. */
  readonly errors = new Map<string, number>();

  /** Clears what CONFIG RESETSTAT clears. */
  reset(): void {
    this.connectionsReceived = this.commandsProcessed = this.rejectedConnections = 0;
    this.expiredKeys = this.evictedKeys = this.keyspaceHits = this.keyspaceMisses = 0;
    this.netInputBytes = this.netOutputBytes = this.errorReplies = 0;
    this.commands.clear();
    this.errors.clear();
  }
}

/** How a shutdown was asked for (SHUTDOWN's options, or a signal). */
export interface ShutdownRequest {
  /** SAVE / NOSAVE, for when persistence exists; undefined: as configured. */
  save?: boolean;
}

/** The Redis server's state, shared by every connection. */
export class Server {
  readonly keyspace: Keyspace;
  readonly stats = new Stats();
  readonly clients = new Map<number, ClientHandle>();
  /** Clients in MONITOR mode. */
  readonly monitors = new Set<ClientHandle>();
  readonly slowlog: SlowlogEntry[] = [];
  /** Clients blocked on keys (BLPOP & co), and the serving of them when keys get data. */
  readonly blocking: Blocking = new Blocking(this);
  slowlogNextId = 0;
  /** CLIENT PAUSE is in effect: the dispatcher's one check for it. */
  paused = false;
  /** Clients whose command waits for the pause to end, in the order they were held. */
  readonly postponed = new Set<ClientHandle>();
  /** The pause holds every command (ALL), not only writes (WRITE). */
  private pauseAll = false;
  /** When the pause ends (ms since the epoch, as `clock.now()`). */
  private pauseEnd = 0;
  private pauseTimer: Timer | undefined;
  private resumeTask: Timer | undefined;
  readonly startedAt: number;
  readonly runId: string;
  /** The port listened on (INFO's tcp_port); set by whoever starts the server (lib.ts). */
  tcpPort = 0;
  /** The configuration file's absolute path (INFO, CONFIG REWRITE); undefined without one. */
  configFile: string | undefined;
  /** Applies a log level to the process's logger (CONFIG SET loglevel); set by lib.ts. */
  applyLogLevel: (level: LogLevelName) => void = () => {};
  /** Unix time (s) of the last save: the start time until persistence exists (LASTSAVE). */
  lastSave: number;
  /** Changes since the last save (INFO's rdb_changes_since_last_save); persistence counts them. */
  dirty = 0;
  /** INFO replication's master_replid. */
  readonly replicationId: string;
  /** used_memory when the server was created, and the highest reading since (INFO memory). */
  readonly startupMemory: number;
  peakMemory: number;
  /** INFO's instantaneous_* rates, sampled by the cron. */
  readonly metrics = new InstantaneousMetrics();
  /** LATENCY's events. */
  readonly latency = new LatencyMonitor();
  /** Milliseconds spent in active expiry (INFO's expire_cycle_cpu_milliseconds). */
  expireCycleMillis = 0;
  /** DEBUG SET-ACTIVE-EXPIRE: whether the cron removes expired keys. */
  activeExpire = true;
  private lastMetricSample = 0;
  private nextClientId = 1;
  private cron: Timer | undefined;

  constructor(
    readonly config: Config,
    readonly log: ConsolaInstance,
    readonly clock: Clock,
    readonly commands: CommandTable,
    /** Starts the graceful shutdown (SHUTDOWN); the transport's close. */
    readonly shutdown: (request: ShutdownRequest) => void,
  ) {
    this.keyspace = new Keyspace(config.databases, clock, {
      expired: () => {
        this.stats.expiredKeys++;
      },
    });
    this.startedAt = clock.now();
    this.runId = [...crypto.getRandomValues(new Uint8Array(20))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    this.replicationId = [...crypto.getRandomValues(new Uint8Array(20))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    this.lastSave = Math.floor(this.startedAt / 1000);
    this.startupMemory = this.peakMemory = usedMemory();
    this.scheduleCron();
  }

  /** Database `index`. */
  db(index: number): Db {
    return this.keyspace.dbs[index]!;
  }

  /** A fresh client id (CLIENT ID); ids are never reused. */
  allocateClientId(): number {
    return this.nextClientId++;
  }

  /** Stops background work; the server can then be dropped. */
  close(): void {
    this.blocking.close();
    clearTimeout(this.cron);
    clearTimeout(this.pauseTimer);
    clearTimeout(this.resumeTask);
    this.cron = this.pauseTimer = this.resumeTask = undefined;
  }

  /** Forgets a connection that is closing or closed (it is then in no list or count). */
  forgetClient(handle: ClientHandle): void {
    this.clients.delete(handle.client.id);
    this.monitors.delete(handle);
    this.postponed.delete(handle);
    this.blocking.forget(handle.client);
  }

  /**
   * Background work `hz` times a second: active expiry (a quarter of each period at most; none
   * while clients are paused, so the dataset stays still, as Redis does) and idle clients.
   */
  private scheduleCron(): void {
    const period = 1000 / this.config.hz;
    this.cron = setTimeout(() => {
      if (!this.paused && this.activeExpire) this.expireCycle(period / 4);
      if (this.config.timeout > 0) this.closeIdleClients(this.config.timeout * 1000);
      if (performance.now() - this.lastMetricSample >= METRIC_PERIOD_MS) this.sampleMetrics();
      this.scheduleCron();
    }, period);
    this.cron.unref();
  }

  /** One active expiry cycle, timed for INFO and the latency monitor (`expire-cycle`). */
  private expireCycle(budgetMs: number): void {
    const start = performance.now();
    this.keyspace.activeExpireCycle(budgetMs);
    const elapsed = performance.now() - start;
    this.expireCycleMillis += elapsed;
    this.latencyEvent("expire-cycle", elapsed);
  }

  /** INFO's instantaneous rates and memory peak, every 100 ms as Redis samples them. */
  private sampleMetrics(): void {
    this.lastMetricSample = performance.now();
    this.metrics.sample(this.lastMetricSample, this.stats.commandsProcessed, this.stats.netInputBytes, this.stats.netOutputBytes);
    const used = usedMemory();
    if (used > this.peakMemory) this.peakMemory = used;
  }

  /** Records `event` in the latency monitor when it took at least `latency-monitor-threshold` ms. */
  latencyEvent(event: string, milliseconds: number): void {
    const threshold = this.config["latency-monitor-threshold"];
    const whole = Math.floor(milliseconds);
    if (threshold > 0 && whole >= threshold) this.latency.add(event, whole, Math.floor(this.clock.now() / 1000));
  }

  /**
   * Reads `key` for a read command, counting a keyspace hit or miss (INFO's keyspace_hits and
   * keyspace_misses) as Redis's lookupKeyRead does. Read commands call this instead of `db.get`;
   * writes and introspection that Redis does not count (OBJECT, TTL's...) keep using `db.get`.
   */
  lookupRead(db: Db, key: string): Value | undefined {
    const value = db.get(key);
    if (value === undefined) this.stats.keyspaceMisses++;
    else this.stats.keyspaceHits++;
    return value;
  }

  /**
   * Closes normal clients idle for longer than `limitMs` (the `timeout` setting). As Redis's
   * clientsCronHandleTimeout, clients in MONITOR and clients waiting (blocked, paused) are exempt.
   */
  private closeIdleClients(limitMs: number): void {
    const now = this.clock.now();
    for (const handle of this.clients.values()) {
      const client = handle.client;
      if (client.monitor || client.blocked || now - client.lastInteraction <= limitMs) continue;
      this.log.debug(`closing idle client ${client.address}`);
      handle.kill();
    }
  }

  /**
   * CLIENT PAUSE: holds commands (every command when `all`, else writes) until `end` (ms since
   * the epoch, as `clock.now()`) or CLIENT UNPAUSE. A pause in effect is only ever extended and
   * widened, never shortened or narrowed, as in Redis.
   */
  pause(end: number, all: boolean): void {
    if (this.paused) {
      this.pauseAll ||= all;
      this.pauseEnd = Math.max(this.pauseEnd, end);
    } else {
      this.paused = true;
      this.pauseAll = all;
      this.pauseEnd = end;
    }
    this.schedulePauseEnd();
  }

  /** Ends the pause; the held commands run in a later turn, in the order they were held. */
  unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    // Not now: UNPAUSE runs inside another client's batch, whose replies are still being built.
    this.resumeTask ??= setTimeout(() => {
      this.resumeTask = undefined;
      const waiting = [...this.postponed];
      this.postponed.clear();
      for (const handle of waiting) handle.resume();
    }, 0);
  }

  private schedulePauseEnd(): void {
    clearTimeout(this.pauseTimer);
    const wait = this.pauseEnd - this.clock.now();
    if (wait <= 0) return this.unpause();
    // setTimeout keeps at most 2^31-1 ms; a longer pause is re-armed when that fires.
    this.pauseTimer = setTimeout(() => this.schedulePauseEnd(), Math.min(wait, 2 ** 31 - 1));
    this.pauseTimer.unref();
  }

  /** Holds `args` back if the pause covers it (every command, or writes); true when held. */
  private postpone(client: Client, spec: CommandSpec, args: string[]): boolean {
    if (!this.pauseAll && !spec.flags.includes("write") && !spec.flags.includes("may_replicate")) return false;
    const handle = this.clients.get(client.id);
    if (!handle) return false;
    client.blocked = true;
    client.postponed = args;
    this.postponed.add(handle);
    return true;
  }

  /**
   * Runs one command for `client`, writing its reply (or error) to `reply`: the whole dispatch
   * (lookup, arity, authentication, run, statistics, slow log, reply modes) in one place.
   */
  execute(client: Client, args: string[], reply: ReplyWriter): void {
    let spec = this.commands.lookup(args[0]!);
    const mark = reply.length;
    if (spec?.subcommands && args.length >= 2) {
      const sub = spec.subcommands[args[1]!.toLowerCase()];
      if (!sub) {
        client.lastCommand = "NULL";
        this.reject(reply, ERR_UNKNOWN_SUBCOMMAND(args[1]!, spec.name));
        return this.afterReply(client, reply, mark);
      }
      spec = sub;
    }
    // Set before running, as Redis does at lookup: CLIENT LIST shows itself as `cmd=client|list`.
    client.lastCommand = spec ? spec.name : "NULL";
    if (!spec) {
      this.reject(reply, unknownCommand(args));
    } else if (!arityMatches(spec, args.length)) {
      this.reject(reply, ERR_ARITY(spec.name), spec);
    } else if (!client.authenticated && !spec.flags.includes("no_auth")) {
      this.reject(reply, ERR_NOAUTH, spec);
    } else if (this.paused && this.postpone(client, spec, args)) {
      return; // runs (and replies, and moves REPLY SKIP along) when the pause ends
    } else {
      this.run(spec, client, args, reply);
    }
    this.afterReply(client, reply, mark);
  }

  private run(spec: CommandSpec, client: Client, args: string[], reply: ReplyWriter): void {
    const ctx: CommandContext = { server: this, client, db: this.keyspace.dbs[client.db]!, reply };
    const start = performance.now();
    let failed = false;
    try {
      spec.run!(ctx, args);
    } catch (error) {
      failed = true;
      if (error instanceof ReplyError) {
        this.countError(error.message);
        reply.error(error.message);
      } else {
        this.log.error(`command ${spec.name} failed:`, error);
        const text = `ERR ${(error as Error).message ?? String(error)}`;
        this.countError(text);
        reply.error(text);
      }
    }
    const micros = Math.round((performance.now() - start) * 1000);
    const stats = this.commandStats(spec);
    stats.calls++;
    stats.usec += micros;
    if (failed) stats.failedCalls++;
    this.stats.commandsProcessed++;
    this.recordSlow(spec, client, args, micros);
    if (this.monitors.size > 0 && !spec.flags.includes("admin") && !spec.flags.includes("skip_monitor")) this.feedMonitors(client, args, reply);
  }

  /** Drops the reply of a client in CLIENT REPLY OFF/SKIP, and moves SKIP along. */
  private afterReply(client: Client, reply: ReplyWriter, mark: number): void {
    if (client.replyOff || client.skipThis) reply.length = mark;
    if (client.skipThis) client.skipThis = false;
    if (client.skipNext) {
      client.skipThis = true;
      client.skipNext = false;
    }
  }

  /** A command refused before it ran (unknown, arity, auth): counted as Redis counts it. */
  private reject(reply: ReplyWriter, text: string, spec?: CommandSpec): void {
    if (spec) this.commandStats(spec).rejectedCalls++;
    this.countError(text);
    reply.error(text);
  }

  /** Counts an error reply (INFO's total_error_replies and errorstats); also for replies sent outside a command. */
  countError(text: string): void {
    this.stats.errorReplies++;
    const space = text.indexOf(" ");
    const code = space < 0 ? text : text.slice(0, space);
    this.stats.errors.set(code, (this.stats.errors.get(code) ?? 0) + 1);
  }

  /** The counters of `spec`, created on first use. */
  commandStats(spec: CommandSpec): CommandStats {
    let stats = this.stats.commands.get(spec.name);
    if (!stats) {
      stats = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.stats.commands.set(spec.name, stats);
    }
    return stats;
  }

  private recordSlow(spec: CommandSpec, client: Client, args: string[], micros: number): void {
    // Commands slower than latency-monitor-threshold are LATENCY's `command` events (off by default: one compare).
    const latencyThreshold = this.config["latency-monitor-threshold"];
    if (latencyThreshold > 0 && micros >= latencyThreshold * 1000 && !spec.flags.includes("skip_slowlog")) {
      this.latencyEvent(spec.flags.includes("fast") ? "fast-command" : "command", micros / 1000);
    }
    const threshold = this.config["slowlog-log-slower-than"];
    if (threshold < 0 || micros < threshold || spec.flags.includes("skip_slowlog") || this.config["slowlog-max-len"] === 0) return;
    // Redis keeps at most 32 arguments and 128 bytes of each.
    const kept = args.slice(0, args.length > 32 ? 31 : 32).map((arg) => (arg.length > 128 ? `${arg.slice(0, 128)}... (${arg.length - 128} more bytes)` : arg));
    if (args.length > 32) kept.push(`... (${args.length - 31} more arguments)`);
    this.slowlog.unshift({ id: this.slowlogNextId++, time: Math.floor(this.clock.now() / 1000), durationMicros: micros, args: kept, address: client.address, clientName: client.name });
    const max = this.config["slowlog-max-len"];
    if (this.slowlog.length > max) this.slowlog.length = max;
  }

  /**
   * MONITOR's line for one command: `+1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "v"`, sent
   * after the command ran (so SELECT shows its new db and AUTH its redacted arguments).
   */
  private feedMonitors(client: Client, args: string[], reply: ReplyWriter): void {
    const now = this.clock.now();
    const time = `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, "0")}`;
    const from = client.unixSocket ? `unix:${this.config.unixsocket}` : client.address;
    const line = `+${time} [${client.db} ${from}] ${args.map(quoteArg).join(" ")}\r\n`;
    let bytes: Buffer | undefined;
    for (const monitor of this.monitors) {
      if (monitor.client.replyOff) continue;
      // A monitor's own command: its line follows its reply, which is still in the writer.
      if (monitor.client === client) reply.raw(line);
      else monitor.send((bytes ??= Buffer.from(line, "latin1")));
    }
  }
}

/** Redis's `sdscatrepr`: a double-quoted string with C escapes for non-printable bytes. */
export function quoteArg(arg: string): string {
  let out = '"';
  for (let i = 0; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    if (c === 0x5c) out += "\\\\";
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x07) out += "\\a";
    else if (c === 0x08) out += "\\b";
    else if (c >= 0x20 && c < 0x7f) out += arg[i];
    else out += `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return `${out}"`;
}
