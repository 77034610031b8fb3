/**
 * @module
 * The Redis mode's socket side: per connection a parser, a Client and an outbox. One `data` event
 * feeds the parser, runs every complete command synchronously, appends each reply to one shared
 * ReplyWriter, and sends the whole batch with one write. A protocol error is answered with Redis's
 * text and closes that connection only.
 */
import type { Socket } from "bun";
import type { ConsolaInstance } from "consola";
import { ProtocolError, RequestParser } from "../resp/parser.ts";
import { ReplyWriter } from "../resp/writer.ts";
import type { Connection, Handler } from "../tcp/handler.ts";
import { Outbox } from "../tcp/outbox.ts";
import { peerName } from "../tcp/server.ts";
import { Client } from "./client.ts";
import type { ClientHandle, Server } from "./server.ts";

/** What a Redis connection keeps in `socket.data`. */
export interface RedisConnection extends Connection {
  readonly parser: RequestParser;
  readonly client: Client;
  readonly handle: ClientHandle;
  /** No more requests are read (closing after the last reply, or shutting down). */
  closing: boolean;
  /** When the queued output went over the soft limit (unix seconds, as Redis); 0 while under it. */
  softLimitSince: number;
  /** Messages sent to this client outside its own replies (pub/sub, MONITOR, a served wait), not yet written. */
  pushes: Uint8Array[];
}

/** One client class's output limits: bytes (0 = none) and how long the soft one may be exceeded. */
export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

/** A class's limits in a `client-output-buffer-limit` setting (`class hard soft seconds ...`). */
export function outputLimit(setting: string, clientClass: "normal" | "pubsub"): OutputLimit {
  const words = setting.trim().split(/\s+/);
  const at = words.indexOf(clientClass);
  if (at < 0) return { hard: 0, soft: 0, softSeconds: 0 };
  return { hard: Number(words[at + 1]) || 0, soft: Number(words[at + 2]) || 0, softSeconds: Number(words[at + 3]) || 0 };
}

/** The `normal` class's hard limit in a `client-output-buffer-limit` setting (bytes; 0 = none). */
export function normalHardLimit(setting: string): number {
  return outputLimit(setting, "normal").hard;
}

/** The Redis application on the transport. */
export class RedisHandler implements Handler<RedisConnection> {
  /** One writer for every connection: a batch is built and sent before the next event runs. */
  private readonly reply = new ReplyWriter();
  private readonly parserLimits;
  /** The setting the limits were parsed from, so they are parsed again only when it changes. */
  private outputLimitSetting = "";
  private normalLimit: OutputLimit = { hard: 0, soft: 0, softSeconds: 0 };
  private pubsubLimit: OutputLimit = { hard: 0, soft: 0, softSeconds: 0 };
  /** Clients with messages queued by `push`, and whether their write is scheduled. */
  private readonly pushing = new Set<Socket<RedisConnection>>();
  private pushScheduled = false;

  constructor(
    private readonly server: Server,
    private readonly log: ConsolaInstance,
  ) {
    const config = server.config;
    this.parserLimits = { maxBulkLength: () => config["proto-max-bulk-len"] };
  }

  open(socket: Socket<RedisConnection>): void {
    const server = this.server;
    // A unix socket has no peer address: Redis shows both ends as `<path>:0`.
    const unix = !socket.remoteAddress;
    const address = unix ? `${server.config.unixsocket}:0` : peerName(socket);
    const localAddress = unix ? address : `${socket.localAddress}:${socket.localPort}`;
    // Bun's socket has its descriptor but does not declare it.
    const fd = (socket as unknown as { fd?: number }).fd ?? -1;
    const client = new Client(server.allocateClientId(), address, localAddress, fd, server.clock.now(), server.config.requirepass !== "");
    client.unixSocket = unix;
    const outbox = new Outbox();
    const parser = new RequestParser(this.parserLimits);
    parser.authenticated = client.authenticated;
    const handle: ClientHandle = {
      client,
      kill: (now = false) => {
        // Gone from CLIENT LIST at once, as in Redis, though the socket closes after its replies.
        server.forgetClient(handle);
        if (now) socket.terminate();
        else this.closeAfterReplies(socket);
      },
      send: (bytes) => this.push(socket, bytes),
      queryBufferBytes: () => parser.buffered,
      outputBytes: () => outbox.pending,
      resume: () => this.resume(socket),
    };
    socket.data = { outbox, parser, client, handle, closing: false, softLimitSince: 0, pushes: [] };
    server.clients.set(client.id, handle);
    server.stats.connectionsReceived++;
  }

  data(socket: Socket<RedisConnection>, chunk: Buffer): void {
    const connection = socket.data;
    if (connection.closing) return;
    const server = this.server;
    server.stats.netInputBytes += chunk.length;
    connection.parser.feed(chunk);
    // Idle time counts from the last read, as Redis's lastinteraction (the `timeout` setting).
    connection.client.lastInteraction = server.clock.now();
    this.serve(socket);
  }

  /** Runs the parsed commands (unless the client waits), sends the replies, closes if asked. */
  private serve(socket: Socket<RedisConnection>): void {
    const { parser, client } = socket.data;
    const server = this.server;
    const reply = this.reply;
    try {
      for (;;) {
        if (client.blocked) break;
        reply.protocol = client.protocol;
        const args = parser.next();
        if (args === null) break;
        if (args.length === 0) continue;
        server.execute(client, args, reply);
        parser.authenticated = client.authenticated;
        // Clients blocked on keys this command gave data are served after it, as Redis does.
        if (server.blocking.pending) server.blocking.serveReadyKeys();
        if (client.closeAfterReply) break;
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.log.info(`protocol error from client ${client.address}: ${error.message}`);
      reply.error(error.message);
      client.closeAfterReply = true;
    }
    if (parser.buffered > server.config["client-query-buffer-limit"]) {
      this.log.warn(`closing client ${client.address} that reached max query buffer length (${parser.buffered} bytes)`);
      reply.reset();
      socket.terminate();
      return;
    }
    this.flush(socket);
    if (client.closeAfterReply) this.closeAfterReplies(socket);
  }

  /**
   * Ends a wait (CLIENT PAUSE, or a blocking command that was answered): runs the held command if
   * any, then what else the client sent meanwhile.
   */
  private resume(socket: Socket<RedisConnection>): void {
    const { client, parser, closing } = socket.data;
    const args = client.postponed;
    client.blocked = false;
    client.postponed = undefined;
    if (closing) return;
    if (args) {
      this.reply.protocol = client.protocol;
      this.server.execute(client, args, this.reply);
      parser.authenticated = client.authenticated;
      if (this.server.blocking.pending) this.server.blocking.serveReadyKeys();
    }
    this.serve(socket);
  }

  /** Sends what the writer holds for this connection. */
  private flush(socket: Socket<RedisConnection>): void {
    const reply = this.reply;
    if (reply.length === 0) return;
    this.server.stats.netOutputBytes += reply.length;
    const aof = this.server.persistence.aof;
    if (aof !== undefined && aof.pending) {
      // No reply leaves before the AOF holds the writes it acknowledges. Group commit, as Redis's
      // beforeSleep: the reply waits for the end of this event-loop turn, when the AOF is written
      // (and fsynced, with appendfsync always) once for every client served in the turn.
      this.push(socket, reply.bytes());
      reply.reset();
      return;
    }
    // Messages queued for this client earlier go first, so that its output keeps its order.
    if (socket.data.pushes.length > 0) this.writePushesOf(socket);
    socket.data.outbox.writeTransient(socket, reply.buffer, reply.length);
    reply.reset();
    this.checkOutputLimit(socket);
  }

  /**
   * Closes a client whose unsent output passes its class's limits in client-output-buffer-limit
   * (Redis's checkClientOutputBufferLimits): the hard limit at once, the soft limit once it has
   * been passed for its seconds without a break. A subscriber is of the `pubsub` class, so a slow
   * one is cut off without holding up the publisher or the other subscribers.
   */
  private checkOutputLimit(socket: Socket<RedisConnection>): void {
    const setting = this.server.config["client-output-buffer-limit"];
    if (setting !== this.outputLimitSetting) {
      this.outputLimitSetting = setting;
      this.normalLimit = outputLimit(setting, "normal");
      this.pubsubLimit = outputLimit(setting, "pubsub");
    }
    const connection = socket.data;
    const limit = connection.client.subscriptions !== undefined ? this.pubsubLimit : this.normalLimit;
    const pending = connection.outbox.pending;
    let over = limit.hard > 0 && pending > limit.hard;
    if (!over && limit.soft > 0) {
      if (pending <= limit.soft) connection.softLimitSince = 0;
      else {
        // Whole seconds, as Redis's server.unixtime: over once more than softSeconds have passed.
        const now = Math.floor(this.server.clock.now() / 1000);
        if (connection.softLimitSince === 0) connection.softLimitSince = now;
        else over = now - connection.softLimitSince > limit.softSeconds;
      }
    }
    if (over) {
      this.log.warn(`closing client ${connection.client.address} for overcoming of output buffer limits (${pending} bytes queued)`);
      this.server.forgetClient(connection.handle);
      connection.outbox.clear();
      socket.terminate();
    }
  }

  /** Stops reading and closes once every queued reply is sent. */
  private closeAfterReplies(socket: Socket<RedisConnection>): void {
    // Replies still waiting for the end of the turn (group commit) go out before the close.
    if (socket.data.pushes.length > 0) this.writePushesOf(socket);
    socket.data.closing = true;
    socket.data.outbox.endWhenDrained(socket);
  }

  drain(socket: Socket<RedisConnection>): void {
    socket.data.outbox.flush(socket);
  }

  /**
   * Queues a message for a client other than the one being served. Messages are written once per
   * event-loop turn per client, after every read of that turn, as Redis writes each client's
   * buffer once per loop: 50 publishers' messages to 50 subscribers make 50 writes, not 2500.
   */
  private push(socket: Socket<RedisConnection>, bytes: Uint8Array): void {
    const pushes = socket.data.pushes;
    pushes.push(Uint8Array.prototype.slice.call(bytes));
    if (pushes.length === 1) this.pushing.add(socket);
    if (!this.pushScheduled) {
      this.pushScheduled = true;
      setImmediate(this.writePushes);
    }
  }

  /** Writes every client's queued messages, after this turn's reads (`push` schedules it). */
  private readonly writePushes = (): void => {
    this.pushScheduled = false;
    for (const socket of this.pushing) this.writePushesOf(socket);
  };

  /** Writes one client's queued messages. */
  private writePushesOf(socket: Socket<RedisConnection>): void {
    const { pushes, outbox } = socket.data;
    // A served blocked client's reply, or a notification, may tell of a write: the AOF goes first.
    const aof = this.server.persistence.aof;
    if (aof !== undefined && aof.pending) aof.flush();
    const bytes = pushes.length === 1 ? pushes[0]! : Buffer.concat(pushes);
    pushes.length = 0;
    this.pushing.delete(socket);
    outbox.write(socket, bytes);
    this.checkOutputLimit(socket);
  }

  close(socket: Socket<RedisConnection>): void {
    const { handle, outbox, pushes } = socket.data;
    outbox.clear();
    pushes.length = 0;
    this.pushing.delete(socket);
    this.server.forgetClient(handle);
  }

  reject(socket: Socket<RedisConnection>, reason: string): void {
    this.server.stats.rejectedConnections++;
    socket.write(`-ERR ${reason}\r\n`);
  }

  async shutdown(): Promise<void> {
    // Clients are no longer read: the AOF is complete, and a final save (if configured) sees everything.
    try {
      this.server.persistence.shutdown({});
    } catch (error) {
      this.log.error(`Error trying to save the DB on shutdown: ${(error as Error).message}`);
    }
    this.server.close();
  }
}
