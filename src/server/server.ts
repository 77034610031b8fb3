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
import { ERR_OOM, Evictor } from "./eviction.ts";
import { arityMatches, CommandTable, keyIndexes, type CommandContext, type CommandSpec } from "./command.ts";
import { ERR_ARITY, ERR_EXECABORT_BECAUSE, ERR_NO_MULTI, ERR_LOADING, ERR_NOAUTH, ERR_PUBSUB_CONTEXT, ERR_UNKNOWN_SUBCOMMAND, ReplyError, unknownCommand } from "./errors.ts";
import { InstantaneousMetrics, METRIC_PERIOD_MS, usedMemory } from "./info.ts";
import { LatencyMonitor } from "./latency.ts";
import { NOTIFY_EXPIRED, NOTIFY_KEY_MISS, NOTIFY_KEYEVENT, NOTIFY_KEYSPACE, NOTIFY_NEW, parseNotifyFlags } from "./notifications.ts";
import { PubSub } from "./pubsub.ts";
import { Persistence } from "./persistence.ts";
import { Propagation } from "./propagation.ts";
import { Scripting } from "./scripting/index.ts";
import { discardTransaction, queueCommand, Watches } from "./transactions.ts";

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
  /** maxmemory enforcement (eviction by policy, OOM refusals). */
  readonly evictor = new Evictor(this);
  readonly clients = new Map<number, ClientHandle>();
  /** Clients in MONITOR mode. */
  readonly monitors = new Set<ClientHandle>();
  readonly slowlog: SlowlogEntry[] = [];
  /** Clients blocked on keys (BLPOP & co), and the serving of them when keys get data. */
  readonly blocking: Blocking = new Blocking(this);
  /** What write commands hand on to persistence (their effects). */
  readonly propagation = new Propagation();
  /** Loading, saving, the AOF. */
  readonly persistence: Persistence = new Persistence(this);
  /** EVAL scripts and function libraries, with their Lua states (created on first use). */
  readonly scripting: Scripting = new Scripting(this);
  /** Channels, patterns and their subscribers; message delivery. */
  readonly pubsub: PubSub = new PubSub(this);
  /** Keys clients WATCH. */
  readonly watches = new Watches();
  /** `notify-keyspace-events` as class bits; 0 (the default) makes a notification one check. */
  notifyFlags = 0;
  /** The client whose command is running now and its reply writer (messages to itself go there). */
  runningClient: Client | undefined = undefined;
  runningReply: ReplyWriter | undefined = undefined;
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
      expired: (db, key) => {
        this.stats.expiredKeys++;
        this.keyRemoved(db, key, "expired", NOTIFY_EXPIRED);
      },
      keyChanged: (db, key, event, type) => this.keyChanged(db, key, event, type),
      created: (db, key) => this.notifyKeyspaceEvent(db, key, "new", NOTIFY_NEW),
    });
    this.applyNotifyConfig();
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
    this.persistence.close();
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
    if (handle.client.restricted) this.pubsub.unsubscribeAll(handle);
    discardTransaction(handle.client, this.watches);
  }

  /**
   * A command changed `key` of `db` (Redis's signalModifiedKey and notifyKeyspaceEvent together):
   * its watchers' EXEC will fail, the `event` notification of class `type` is published, and the
   * change counts for INFO's rdb_changes_since_last_save. Commands reach it through `Db.keyChanged`.
   */
  keyChanged(db: Db, key: string, event: string, type: number): void {
    if (this.watches.active) this.watches.touch(db, key);
    if (this.notifyFlags !== 0) this.notifyKeyspaceEvent(db, key, event, type);
    this.dirty++;
  }

  /**
   * `key` of `db` was removed by the server itself (`expired`, `evicted`): as `keyChanged`, but not
   * counted as a change to save, as in Redis (the removal is propagated as a DEL instead).
   */
  keyRemoved(db: Db, key: string, event: string, type: number): void {
    this.propagation.deleted(db.id, key);
    if (this.watches.active) this.watches.touch(db, key);
    if (this.notifyFlags !== 0) this.notifyKeyspaceEvent(db, key, event, type);
  }

  /**
   * Publishes the keyspace notification `event` of class `type` about `key` of `db` when the
   * `notify-keyspace-events` setting asks for that class: on `__keyspace@<db>__:<key>` (K) and on
   * `__keyevent@<db>__:<event>` (E), as Redis's notifyKeyspaceEvent.
   */
  notifyKeyspaceEvent(db: Db, key: string, event: string, type: number): void {
    const flags = this.notifyFlags;
    if ((flags & type) === 0 || !this.pubsub.listening) return;
    if (flags & NOTIFY_KEYSPACE) this.pubsub.publish(`__keyspace@${db.id}__:${key}`, event);
    if (flags & NOTIFY_KEYEVENT) this.pubsub.publish(`__keyevent@${db.id}__:${event}`, key);
  }

  /** Reads `notify-keyspace-events` into `notifyFlags` (at start and when CONFIG SET changes it). */
  applyNotifyConfig(): void {
    let flags = parseNotifyFlags(this.config["notify-keyspace-events"]) ?? 0;
    // Without K or E nothing is published, whatever the classes.
    if ((flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT)) === 0) flags = 0;
    this.notifyFlags = flags;
    // New keys are only looked for while someone may hear of them: `Db.set` pays nothing else.
    const reportNewKeys = (flags & NOTIFY_NEW) !== 0;
    for (const db of this.keyspace.dbs) db.reportNewKeys = reportNewKeys;
  }

  /**
   * Background work `hz` times a second: active expiry (a quarter of each period at most; none
   * while clients are paused, so the dataset stays still, as Redis does) and idle clients.
   */
  private scheduleCron(): void {
    const period = 1000 / this.config.hz;
    this.cron = setTimeout(() => {
      // Not while loading: the data is not all there (Redis does not expire while loading either).
      if (!this.paused && this.activeExpire && this.persistence.loading === undefined) this.expireCycle(period / 4);
      this.evictor.sample();
      this.persistence.cron();
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
   * keyspace_misses) as Redis's lookupKeyRead does, and announcing a miss (`keymiss`, class m).
   * Read commands call this instead of `db.get`; writes and introspection that Redis does not
   * count (OBJECT...) keep using `db.get`. Without `touch` it is Redis's LOOKUP_NOTOUCH (EXISTS,
   * TYPE, TTL): counted, but the key's access time stays.
   */
  lookupRead(db: Db, key: string, touch = true): Value | undefined {
    const value = touch ? db.get(key) : db.peek(key);
    if (value === undefined) {
      this.stats.keyspaceMisses++;
      if (this.notifyFlags !== 0) this.notifyKeyspaceEvent(db, key, "keymiss", NOTIFY_KEY_MISS);
    } else this.stats.keyspaceHits++;
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
    // EXEC counts as a write when it would run one (Redis's is_may_replicate_command).
    const writes = spec.flags.includes("write") || spec.flags.includes("may_replicate") || (spec.name === "exec" && client.multi?.writes === true);
    if (!this.pauseAll && !writes) return false;
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
        this.reject(client, reply, ERR_UNKNOWN_SUBCOMMAND(args[1]!, spec.name));
        return this.afterReply(client, reply, mark);
      }
      spec = sub;
    }
    // Set before running, as Redis does at lookup: CLIENT LIST shows itself as `cmd=client|list`.
    client.lastCommand = spec ? spec.name : "NULL";
    if (!spec) {
      this.reject(client, reply, unknownCommand(args));
    } else if (!arityMatches(spec, args.length)) {
      this.reject(client, reply, ERR_ARITY(spec.name), spec);
    } else if (!client.authenticated && !spec.flags.includes("no_auth")) {
      this.reject(client, reply, ERR_NOAUTH, spec);
    } else if (this.persistence.loading !== undefined && !client.loader && !spec.flags.includes("loading")) {
      this.reject(client, reply, ERR_LOADING, spec);
    } else if (this.config.maxmemory !== 0 && !this.evictor.makeRoom() && spec.flags.includes("denyoom")) {
      this.reject(client, reply, ERR_OOM, spec);
    } else if (client.restricted && this.refuse(client, spec, reply)) {
      // refused: not allowed inside MULTI, or in RESP2 pub/sub mode
    } else if (this.paused && this.postpone(client, spec, args)) {
      return; // runs (and replies, and moves REPLY SKIP along) when the pause ends
    } else if (client.restricted && client.multi !== undefined && !RUN_IN_MULTI.has(spec.name)) {
      queueCommand(client, spec, args);
      reply.simple("QUEUED");
    } else {
      this.run(spec, client, args, reply);
    }
    this.afterReply(client, reply, mark);
  }

  /**
   * The checks for a client in MULTI or in pub/sub mode, in Redis's order: a no_multi command
   * inside MULTI, and in RESP2 pub/sub mode anything but (un)subscribing, PING, QUIT and RESET,
   * are refused (true, with the error written).
   */
  private refuse(client: Client, spec: CommandSpec, reply: ReplyWriter): boolean {
    if (client.multi !== undefined && spec.flags.includes("no_multi")) {
      this.reject(client, reply, ERR_NO_MULTI, spec);
      return true;
    }
    if (client.subscriptions !== undefined && client.protocol === 2 && !ALLOWED_IN_PUBSUB.has(spec.name)) {
      this.reject(client, reply, ERR_PUBSUB_CONTEXT(spec.name), spec);
      return true;
    }
    return false;
  }

  /**
   * Runs `spec` for `client` without the dispatcher's checks, with statistics, slow log and
   * MONITOR: EXEC runs its queued commands through this.
   */
  call(spec: CommandSpec, client: Client, args: string[], reply: ReplyWriter): void {
    this.run(spec, client, args, reply);
  }

  private run(spec: CommandSpec, client: Client, args: string[], reply: ReplyWriter): void {
    const ctx: CommandContext = { server: this, client, db: this.keyspace.dbs[client.db]!, reply };
    const dirtyBefore = this.dirty;
    this.propagation.begin();
    const start = performance.now();
    let failed = false;
    const outerClient = this.runningClient;
    const outerReply = this.runningReply;
    this.runningClient = client;
    this.runningReply = reply;
    // A snapshot in progress must see the old state of keys this command may change in place.
    if (ctx.db.beforeWrite !== undefined && spec.flags.includes("write")) for (const index of keyIndexes(spec, args)) ctx.db.beforeWrite(ctx.db, args[index]!);
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
    this.runningClient = outerClient;
    this.runningReply = outerReply;
    this.propagation.end(ctx.db.id, args, this.dirty !== dirtyBefore);
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

  /**
   * A command refused before it ran (unknown, arity, auth...): counted as Redis counts it. Inside
   * MULTI it aborts the transaction (EXEC will answer EXECABORT); a refused EXEC ends the
   * transaction at once, answering EXECABORT with the reason (Redis's rejectCommand).
   */
  private reject(client: Client, reply: ReplyWriter, text: string, spec?: CommandSpec): void {
    if (spec) this.commandStats(spec).rejectedCalls++;
    if (client.multi !== undefined) client.multi.aborted = true;
    if (spec?.name === "exec") {
      discardTransaction(client, this.watches);
      text = ERR_EXECABORT_BECAUSE(text.startsWith("ERR ") ? text.slice(4) : text);
    }
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
   * after the command ran (so SELECT shows its new db and AUTH its redacted arguments). EVAL and
   * FCALL (skip_monitor) call it themselves before they run, so their line precedes their commands'.
   */
  feedMonitors(client: Client, args: string[], reply: ReplyWriter): void {
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

/** Commands a client in MULTI runs at once instead of queueing them. */
const RUN_IN_MULTI: ReadonlySet<string> = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

/** The only commands a RESP2 client in pub/sub mode may run. */
const ALLOWED_IN_PUBSUB: ReadonlySet<string> = new Set(["ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset"]);

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
