/**
 * @module
 * The Redis application's state and its dispatcher: configuration, the keyspace, the command
 * table, the connected clients, statistics, and `execute`, which runs one command for one client
 * (lookup, arity, authentication, run, reply, statistics). The socket side is in handler.ts.
 */
import type { ConsolaInstance } from "consola";
import type { Config } from "../config.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import { Keyspace, type Clock, type Db } from "../store/keyspace.ts";
import type { Client } from "./client.ts";
import { arityMatches, CommandTable, type CommandContext, type CommandSpec } from "./command.ts";
import { ERR_ARITY, ERR_NOAUTH, ERR_UNKNOWN_SUBCOMMAND, ReplyError, unknownCommand } from "./errors.ts";

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
  slowlogNextId = 0;
  readonly startedAt: number;
  readonly runId: string;
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
    clearTimeout(this.cron);
    this.cron = undefined;
  }

  /** Background work `hz` times a second: active expiry (a quarter of each period at most). */
  private scheduleCron(): void {
    const period = 1000 / this.config.hz;
    this.cron = setTimeout(() => {
      this.keyspace.activeExpireCycle(period / 4);
      this.scheduleCron();
    }, period);
    this.cron.unref();
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
        this.reject(reply, ERR_UNKNOWN_SUBCOMMAND(args[1]!, spec.name));
        return this.afterReply(client, reply, mark);
      }
      spec = sub;
    }
    if (!spec) {
      this.reject(reply, unknownCommand(args));
    } else if (!arityMatches(spec, args.length)) {
      this.reject(reply, ERR_ARITY(spec.name), spec);
    } else if (!client.authenticated && !spec.flags.includes("no_auth")) {
      this.reject(reply, ERR_NOAUTH, spec);
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
    client.lastCommand = spec.name;
    client.lastInteraction = this.clock.now();
    this.recordSlow(spec, client, args, micros);
    if (this.monitors.size > 0 && !spec.flags.includes("admin") && !spec.flags.includes("skip_monitor")) this.feedMonitors(client, args);
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

  private countError(text: string): void {
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
    const threshold = this.config["slowlog-log-slower-than"];
    if (threshold < 0 || micros < threshold || spec.flags.includes("skip_slowlog")) return;
    // Redis keeps at most 32 arguments and 128 bytes of each.
    const kept = args.slice(0, args.length > 32 ? 31 : 32).map((arg) => (arg.length > 128 ? `${arg.slice(0, 128)}... (${arg.length - 128} more bytes)` : arg));
    if (args.length > 32) kept.push(`... (${args.length - 31} more arguments)`);
    this.slowlog.unshift({ id: this.slowlogNextId++, time: Math.floor(this.clock.now() / 1000), durationMicros: micros, args: kept, address: client.address, clientName: client.name });
    const max = this.config["slowlog-max-len"];
    if (this.slowlog.length > max) this.slowlog.length = max;
  }

  /** MONITOR's line for one command: `+1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "v"`. */
  private feedMonitors(client: Client, args: string[]): void {
    const now = this.clock.now();
    const time = `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, "0")}`;
    const line = `+${time} [${client.db} ${client.address}] ${args.map(quoteArg).join(" ")}\r\n`;
    const bytes = Buffer.from(line, "latin1");
    for (const monitor of this.monitors) if (monitor.client !== client) monitor.send(bytes);
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
