/**
 * @module
 * Clients blocked on keys (BLPOP, BLMOVE, BLMPOP; later BZPOPMIN, BZMPOP, XREAD BLOCK), as
 * Redis's blocked.c does it, generic over what the client waits for.
 *
 * How a blocking command uses it: it first tries to answer at once (some key has data). When it
 * cannot, and the client may block (`client.denyBlocking` is false: not inside MULTI/EXEC or a
 * script), it calls `server.blocking.block(ctx, request)` and writes no reply. `request` names the
 * keys (in the client's database), the timeout, and a `serve(db, key, reply)` callback: "key may
 * have data now: if you can answer from it, write your whole reply to `reply` and return true;
 * else write nothing and return false to keep waiting". `serve` may throw a `ReplyError` to answer
 * with an error (which also unblocks). It must write to the `reply` it is given, never to the
 * `ctx.reply` of the command that blocked (that writer belongs to whatever batch is being built).
 *
 * How clients are woken, without polling:
 * - Per database, `key -> waiters` in blocking order (a Set: insertion-ordered, O(1) removal).
 * - While a database has waiters, this object is its `keyListener`: every `Db.set` (a push that
 *   creates a list, RENAME, MOVE, COPY, RESTORE, SORT STORE...) and SWAPDB tell it, and a key
 *   someone waits on is queued as ready (once). Writes that add data to a key that already exists
 *   without `Db.set` (XADD to a stream) call `signalKeyReady(db, key)` themselves.
 * - After each top-level command (the handler's loop; for MULTI/EXEC that is after the whole
 *   EXEC, as in Redis), the handler calls `serveReadyKeys()`: for each ready key, in the order
 *   they became ready, its waiters are offered the key first-blocked first. A served client is
 *   removed from all its keys. Serving may make more keys ready (BLMOVE pushing to a destination
 *   another client waits on): those are served in the same call.
 * - A timeout is one timer per blocked client, cleared when it is served; on expiry the client
 *   gets its `timedOut` reply (the null array by default: lists, sorted sets, streams).
 *
 * The reply of a served client goes to its socket through its `ClientHandle.send`, encoded with
 * that client's protocol. While blocked, `client.blocked` is true and the handler runs none of
 * its input (it keeps reading it); once served, its handle's `resume()` runs in a later microtask,
 * so requests it pipelined after the blocking command are answered after the blocking reply.
 */
import { ReplyWriter } from "../resp/writer.ts";
import type { Db, KeyListener } from "../store/keyspace.ts";
import type { Client } from "./client.ts";
import type { CommandContext } from "./command.ts";
import { toFloat } from "./arguments.ts";
import { ERR_TIMEOUT_NEGATIVE, ERR_TIMEOUT_NOT_FLOAT, ERR_UNBLOCKED, ReplyError } from "./errors.ts";
import type { Server } from "./server.ts";

/** What a blocking command waits for. */
export interface BlockRequest {
  /** The keys waited on, in the client's database; the first to get data serves the client. */
  readonly keys: readonly string[];
  /** How long to wait, in milliseconds; 0 waits forever. */
  readonly timeoutMs: number;
  /**
   * Tries to answer from `key` of `db`, which may have data now. Writes the whole reply to
   * `reply` and returns true, or writes nothing and returns false to go on waiting. Throws a
   * ReplyError to answer with an error.
   */
  serve(db: Db, key: string, reply: ReplyWriter): boolean;
  /** Keys other than the ready one that `serve` may change (BLMOVE's destination). */
  readonly alsoWrites?: readonly string[];
  /** Writes the reply for a timeout (and CLIENT UNBLOCK ... TIMEOUT); default: the null array. */
  timedOut?(reply: ReplyWriter): void;
}

/** One blocked client. */
interface Waiter {
  readonly client: Client;
  readonly db: Db;
  readonly request: BlockRequest;
  /** The reply is dropped (CLIENT REPLY OFF, or the command after CLIENT REPLY SKIP). */
  readonly silent: boolean;
  /** When the timeout is due (ms since the epoch, `Date.now()`); 0 for none. */
  readonly deadline: number;
  timer: Timer | undefined;
}

/** setTimeout's longest delay; longer waits are re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Every client blocked on keys, the keys they wait on, and the keys ready to serve them. */
export class Blocking implements KeyListener {
  /** Per database, key -> its waiters in the order they blocked. */
  private readonly waiting = new Map<Db, Map<string, Set<Waiter>>>();
  /** Blocked clients by client id. */
  private readonly waiters = new Map<number, Waiter>();
  /** Keys that may serve waiters, in the order they became ready; each at most once. */
  private ready: { db: Db; key: string }[] = [];
  private readonly readySet = new Map<Db, Set<string>>();
  /** Blocked clients with a timeout (INFO's clients_in_timeout_table). */
  private withTimeout = 0;
  /** Where served and timed-out replies are built, one client at a time. */
  private readonly writer = new ReplyWriter(4096);
  private serving = false;

  constructor(private readonly server: Server) {}

  /** Clients blocked on keys now (INFO's blocked_clients). */
  get count(): number {
    return this.waiters.size;
  }

  /** Blocked clients that have a timeout (INFO's clients_in_timeout_table). */
  get timeoutCount(): number {
    return this.withTimeout;
  }

  /** Whether some key is ready to serve waiters: the handler then calls `serveReadyKeys`. */
  get pending(): boolean {
    return this.ready.length !== 0;
  }

  /** Whether `client` is blocked on keys (not merely held by CLIENT PAUSE). */
  isBlocked(client: Client): boolean {
    return this.waiters.has(client.id);
  }

  /** Keys `client` waits on (CLIENT LIST and tests), or undefined when it does not wait. */
  keysOf(client: Client): readonly string[] | undefined {
    return this.waiters.get(client.id)?.request.keys;
  }

  /**
   * Parks the client of `ctx` until one of `request.keys` serves it, the timeout passes, CLIENT
   * UNBLOCK, or it disconnects. The command writes no reply now.
   */
  block(ctx: CommandContext, request: BlockRequest): void {
    const { client, db } = ctx;
    if (this.waiters.has(client.id)) throw new Error(`client ${client.id} is already blocked`);
    const deadline = request.timeoutMs > 0 ? Date.now() + request.timeoutMs : 0;
    const waiter: Waiter = { client, db, request, silent: client.replyOff || client.skipThis, deadline, timer: undefined };
    let byKey = this.waiting.get(db);
    if (!byKey) {
      byKey = new Map();
      this.waiting.set(db, byKey);
    }
    for (const key of request.keys) {
      let set = byKey.get(key);
      if (!set) {
        set = new Set();
        byKey.set(key, set);
      }
      set.add(waiter);
    }
    db.keyListener = this;
    this.waiters.set(client.id, waiter);
    client.blocked = true;
    if (deadline !== 0) {
      this.withTimeout++;
      this.armTimer(waiter);
    }
  }

  /** `key` of `db` may have data for its waiters (called by the store hook, or by XADD & co). */
  signalKeyReady(db: Db, key: string): void {
    if (!this.waiting.get(db)?.has(key)) return;
    let set = this.readySet.get(db);
    if (!set) {
      set = new Set();
      this.readySet.set(db, set);
    }
    if (set.has(key)) return;
    set.add(key);
    this.ready.push({ db, key });
  }

  /** Every waited key of `db` that holds a value now is ready (SWAPDB brought new contents). */
  signalDbSwapped(db: Db): void {
    const byKey = this.waiting.get(db);
    if (!byKey) return;
    for (const key of byKey.keys()) if (db.peek(key) !== undefined) this.signalKeyReady(db, key);
  }

  /** KeyListener: a key was given a value. */
  keySet(db: Db, key: string): void {
    this.signalKeyReady(db, key);
  }

  /** KeyListener: SWAPDB. */
  contentsReplaced(db: Db): void {
    this.signalDbSwapped(db);
  }

  /**
   * Serves the waiters of every ready key, first-blocked first (Redis's
   * handleClientsBlockedOnKeys). Called after each top-level command; serving can make more keys
   * ready, which are served before this returns.
   */
  serveReadyKeys(): void {
    if (this.serving) return;
    this.serving = true;
    try {
      while (this.ready.length !== 0) {
        const batch = this.ready;
        this.ready = [];
        for (const { db, key } of batch) {
          this.readySet.get(db)?.delete(key);
          this.serveKey(db, key);
        }
      }
    } finally {
      this.serving = false;
    }
  }

  /** Offers `key` to its waiters in blocking order; stops at the ones there were when it began. */
  private serveKey(db: Db, key: string): void {
    const waiters = this.waiting.get(db)?.get(key);
    if (!waiters) return;
    let remaining = waiters.size;
    for (const waiter of waiters) {
      if (remaining-- === 0) break;
      if (this.tryServe(waiter, db, key)) this.finish(waiter);
    }
  }

  /** Runs a waiter's `serve`; true when it wrote its reply (an error reply included). */
  private tryServe(waiter: Waiter, db: Db, key: string): boolean {
    const writer = this.writer;
    writer.reset();
    writer.protocol = waiter.client.protocol;
    if (db.beforeWrite !== undefined) {
      // A snapshot in progress must see the old state of what serving may change in place.
      db.beforeWrite(db, key);
      for (const other of waiter.request.alsoWrites ?? []) db.beforeWrite(db, other);
    }
    // What serving changes is handed on by `serve` itself (`propagation.also`: BLPOP served is an LPOP).
    const propagation = this.server.propagation;
    propagation.begin();
    try {
      if (waiter.request.serve(db, key, writer)) return true;
      writer.reset();
      return false;
    } catch (error) {
      writer.reset();
      let text: string;
      if (error instanceof ReplyError) text = error.message;
      else {
        this.server.log.error(`serving blocked client ${waiter.client.id} failed:`, error);
        text = `ERR ${(error as Error).message ?? String(error)}`;
      }
      this.server.countError(text);
      writer.error(text);
      return true;
    } finally {
      propagation.end(db.id, [], false);
    }
  }

  /**
   * CLIENT UNBLOCK: ends the wait of client `id` with its timeout reply, or with the UNBLOCKED
   * error when `error`. False when that client is not blocked on keys.
   */
  unblockClient(id: number, error: boolean): boolean {
    const waiter = this.waiters.get(id);
    if (!waiter) return false;
    this.writer.reset();
    this.writer.protocol = waiter.client.protocol;
    if (error) {
      this.server.countError(ERR_UNBLOCKED);
      this.writer.error(ERR_UNBLOCKED);
    } else this.writeTimedOut(waiter);
    this.finish(waiter);
    return true;
  }

  /** A blocked client's connection is gone (or killed): it waits no more and nothing is sent. */
  forget(client: Client): void {
    const waiter = this.waiters.get(client.id);
    if (waiter && waiter.client === client) this.detach(waiter);
  }

  /** Stops every timer (server shutdown); the clients stay parked until their sockets close. */
  close(): void {
    for (const waiter of this.waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.timer = undefined;
    }
  }

  private armTimer(waiter: Waiter): void {
    const wait = waiter.deadline - Date.now();
    if (wait > MAX_TIMER_MS) {
      waiter.timer = setTimeout(() => this.armTimer(waiter), MAX_TIMER_MS);
    } else {
      waiter.timer = setTimeout(() => this.timeOut(waiter), Math.max(0, wait));
    }
    waiter.timer.unref();
  }

  private timeOut(waiter: Waiter): void {
    waiter.timer = undefined;
    if (this.waiters.get(waiter.client.id) !== waiter) return;
    this.writer.reset();
    this.writer.protocol = waiter.client.protocol;
    this.writeTimedOut(waiter);
    this.finish(waiter);
  }

  private writeTimedOut(waiter: Waiter): void {
    if (waiter.request.timedOut) waiter.request.timedOut(this.writer);
    else this.writer.nullArray();
  }

  /** Unblocks `waiter`, sends what the writer holds to it, and lets it run its pipelined input. */
  private finish(waiter: Waiter): void {
    this.detach(waiter);
    const writer = this.writer;
    const handle = this.server.clients.get(waiter.client.id);
    if (handle && handle.client === waiter.client) {
      if (!waiter.silent && writer.length !== 0) {
        this.server.stats.netOutputBytes += writer.length;
        handle.send(writer.bytes());
      }
      // Not now: the caller may be in the middle of another client's batch (the shared writer).
      queueMicrotask(() => {
        if (this.server.clients.get(waiter.client.id) === handle && !waiter.client.blocked) handle.resume();
      });
    }
    writer.reset();
  }

  /** Removes `waiter` from every key and timer; its client no longer counts as blocked. */
  private detach(waiter: Waiter): void {
    this.waiters.delete(waiter.client.id);
    waiter.client.blocked = false;
    if (waiter.deadline !== 0) this.withTimeout--;
    clearTimeout(waiter.timer);
    waiter.timer = undefined;
    const byKey = this.waiting.get(waiter.db);
    if (!byKey) return;
    for (const key of waiter.request.keys) {
      const set = byKey.get(key);
      if (!set) continue;
      set.delete(waiter);
      if (set.size === 0) byKey.delete(key);
    }
    if (byKey.size === 0) {
      this.waiting.delete(waiter.db);
      // No one waits on this database now: writes to it stop paying for the listener.
      if (waiter.db.keyListener === this) waiter.db.keyListener = undefined;
    }
  }
}

/**
 * A blocking command's timeout argument, as Redis's getTimeoutFromObjectOrReply reads seconds: a
 * long double (strtold's syntax), times 1000, truncated to whole milliseconds; 0 waits forever,
 * and so does anything under a millisecond (0.0001, -0.0001), as in Redis. Milliseconds that
 * overflow a 64-bit integer (inf, 1e30) come out negative on Redis's x86 builds: "negative" here.
 */
export function parseTimeout(text: string): number {
  const seconds = toFloat(text);
  if (seconds === undefined || outsideLongDouble(text, seconds)) throw new ReplyError(ERR_TIMEOUT_NOT_FLOAT);
  const ms = Math.trunc(seconds * 1000);
  // 2^63 is what values just under it (fine for Redis's long double) round to in a double.
  if (!Number.isFinite(ms) || ms > 2 ** 63 || ms < 0) throw new ReplyError(ERR_TIMEOUT_NEGATIVE);
  return ms === 0 ? 0 : ms;
}

/**
 * Whether a decimal `text` overflows or underflows a long double (strtold's ERANGE, which Redis
 * rejects as not a float) though the double it parsed to is infinite or zero only because doubles
 * are narrower: 1e400 is a fine long double, 1e5000 is not.
 */
function outsideLongDouble(text: string, value: number): boolean {
  if (Number.isFinite(value) && value !== 0) return false;
  const match = /^[+-]?0*(\d*?)(?:\.(0*)(\d*))?e([+-]?\d+)$/i.exec(text);
  if (!match) return false;
  const [, whole = "", zeros = "", fraction = "", exponentText = "0"] = match;
  if (whole === "" && fraction.replace(/0/g, "") === "") return false; // a true zero
  // The decimal exponent of the leading significant digit.
  const exponent = Number(exponentText) + (whole !== "" ? whole.length - 1 : -(zeros.length + 1));
  return exponent > 4931 || exponent < -4950;
}
