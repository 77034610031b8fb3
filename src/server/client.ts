/**
 * @module
 * A connected Redis client's session state: selected database, protocol version, authentication,
 * name, reply mode, and what CLIENT LIST and INFO report about it. The socket and its buffers are
 * the handler's; this is what commands may read and change.
 */
import type { Subscriptions } from "./pubsub.ts";
import type { Transaction, WatchedKey } from "./transactions.ts";

/** One client session. */
export class Client {
  /** Selected database index. */
  db = 0;
  /** RESP version, changed by HELLO. */
  protocol: 2 | 3 = 2;
  authenticated: boolean;
  name = "";
  libName = "";
  libVersion = "";
  /** CLIENT REPLY OFF: replies are dropped until CLIENT REPLY ON. */
  replyOff = false;
  /** CLIENT REPLY SKIP was just run: the next command's reply is dropped. */
  skipNext = false;
  /** The reply of the command running now is dropped (the one after CLIENT REPLY SKIP). */
  skipThis = false;
  /** CLIENT NO-EVICT / NO-TOUCH. */
  noEvict = false;
  noTouch = false;
  /** Receives MONITOR's stream of commands. */
  monitor = false;
  /** Close once the replies written so far are sent (QUIT, CLIENT KILL of itself, errors). */
  closeAfterReply = false;
  /** Connected through the unix socket (CLIENT LIST's `U` flag, MONITOR's `unix:` address). */
  unixSocket = false;
  /**
   * The client waits (CLIENT PAUSE; later blocking commands): the handler keeps reading its input
   * but runs none of it until the client is resumed.
   */
  blocked = false;
  /**
   * Blocking commands may not block now (inside MULTI/EXEC or a script): they answer as if their
   * timeout had passed at once. Set by whoever runs such a batch.
   */
  denyBlocking = false;
  /** The client that replays the AOF at start-up: not refused while loading, as Redis's fake client. */
  loader = false;
  /**
   * MULTI is open or the client is subscribed (pub/sub): the dispatcher looks closer at each of its
   * commands (to queue it, or refuse it). Every other client costs the dispatcher this one check.
   */
  restricted = false;
  /** The open MULTI: commands queued for EXEC (transactions.ts). */
  multi: Transaction | undefined = undefined;
  /** WATCHed keys, in the order watched (transactions.ts). */
  watched: WatchedKey[] = [];
  /** A watched key was touched: the next EXEC fails (CLIENT LIST's `d`). */
  dirtyCas = false;
  /** Channels, patterns and shard channels subscribed to; undefined when none (pubsub.ts). */
  subscriptions: Subscriptions | undefined = undefined;
  /** The command CLIENT PAUSE held back; it runs first when the pause ends. */
  postponed: string[] | undefined;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  lastInteraction: number;
  /** Name of the last command run, for CLIENT LIST's `cmd=`. */
  lastCommand = "NULL";

  constructor(
    readonly id: number,
    /** `ip:port` of the peer, or a unix socket's path. */
    readonly address: string,
    /** `ip:port` of this end. */
    readonly localAddress: string,
    readonly fd: number,
    now: number,
    requiresAuth: boolean,
  ) {
    this.createdAt = now;
    this.lastInteraction = now;
    this.authenticated = !requiresAuth;
  }
}
