/**
 * @module
 * MULTI/EXEC and WATCH, as Redis's multi.c: a client's queue of commands (`Transaction`) and the
 * registry of watched keys (`Watches`).
 *
 * The dispatcher queues the commands of a client in MULTI (server.ts); a command refused while
 * queueing (unknown, arity, auth, not allowed in MULTI) aborts the transaction, and EXEC then
 * answers EXECABORT. EXEC runs the queue with no other client in between, blocking commands
 * answering at once (`client.denyBlocking`); errors of single commands do not undo the others.
 *
 * WATCH: per database, key -> the watches on it, in the order they were made. Every write goes
 * through `Server.keyChanged` (Redis's signalModifiedKey), which marks the watchers of that key
 * dirty (`client.dirtyCas`), so their EXEC fails with a null array; so do expiry and eviction
 * of a watched key, and FLUSHDB / FLUSHALL / SWAPDB for watched keys that held a value (Redis's
 * touchAllWatchedKeysInDb). A key that had already expired (but was not yet removed) when it was
 * watched counts as absent: its removal is no change, but a new value is; and EXEC fails when a
 * watched key expired in the meantime, even if nothing removed it yet (Redis 7.0's rules).
 */
import type { Db } from "../store/keyspace.ts";
import type { Client } from "./client.ts";
import type { CommandSpec } from "./command.ts";

/** A command waiting in a MULTI queue. */
export interface QueuedCommand {
  readonly spec: CommandSpec;
  readonly args: string[];
}

/** An open MULTI. */
export class Transaction {
  readonly commands: QueuedCommand[] = [];
  /** A command was refused while queueing (Redis's CLIENT_DIRTY_EXEC): EXEC answers EXECABORT. */
  aborted = false;
  /** Bytes of the queued arguments (CLIENT LIST's multi-mem). */
  bytes = 0;
  /** Some queued command writes: EXEC is then held by CLIENT PAUSE WRITE, as a write. */
  writes = false;
}

/** One key one client watches. */
export interface WatchedKey {
  readonly client: Client;
  readonly db: Db;
  readonly key: string;
  /** The key had expired (logically absent) when watched. */
  expired: boolean;
}

/** Whether the value of `key` in `db` is past its time but still stored (Redis's keyIsExpired). */
function keyIsExpired(db: Db, key: string): boolean {
  return db.dict.has(key) && db.isExpired(key);
}

/** Keeps `client.restricted` (the dispatcher's one check) in step with MULTI and subscriptions. */
export function updateRestricted(client: Client): void {
  client.restricted = client.multi !== undefined || client.subscriptions !== undefined;
}

/** Starts MULTI for `client`. */
export function beginTransaction(client: Client): void {
  client.multi = new Transaction();
  client.restricted = true;
}

/**
 * Adds a command to the open MULTI of `client`. Nothing is kept once EXEC is bound to fail
 * (aborted, or a watched key changed), as Redis: CLIENT LIST's `multi=` stops growing.
 */
export function queueCommand(client: Client, spec: CommandSpec, args: string[]): void {
  const transaction = client.multi!;
  if (transaction.aborted || client.dirtyCas) return;
  transaction.commands.push({ spec, args });
  for (const arg of args) transaction.bytes += arg.length;
  if (spec.flags.includes("write") || spec.flags.includes("may_replicate")) transaction.writes = true;
}

/** The registry of watched keys, for every client of one server. */
export class Watches {
  /** Per database, key -> its watches in the order they were made. */
  private readonly byDb = new Map<Db, Map<string, Set<WatchedKey>>>();

  /** Whether any key is watched: writes pay this one check otherwise. */
  get active(): boolean {
    return this.byDb.size !== 0;
  }

  /** WATCH: `client` watches `key` of `db` (once, however often it asks). */
  watch(client: Client, db: Db, key: string): void {
    for (const watched of client.watched) if (watched.db === db && watched.key === key) return;
    let byKey = this.byDb.get(db);
    if (!byKey) {
      byKey = new Map();
      this.byDb.set(db, byKey);
    }
    let watches = byKey.get(key);
    if (!watches) {
      watches = new Set();
      byKey.set(key, watches);
    }
    const watched: WatchedKey = { client, db, key, expired: keyIsExpired(db, key) };
    watches.add(watched);
    client.watched.push(watched);
  }

  /** Forgets every key `client` watches (its dirty mark is the caller's to clear). */
  unwatchAll(client: Client): void {
    if (client.watched.length === 0) return;
    for (const watched of client.watched) {
      const byKey = this.byDb.get(watched.db)!;
      const watches = byKey.get(watched.key)!;
      watches.delete(watched);
      if (watches.size !== 0) continue;
      byKey.delete(watched.key);
      if (byKey.size === 0) this.byDb.delete(watched.db);
    }
    client.watched = [];
  }

  /**
   * `key` of `db` changed (Redis's touchWatchedKey): its watchers get dirty and stop watching. A
   * watch made on an already-expired key is not dirtied by that key's removal; as in Redis 7.0,
   * meeting such a watch while the key holds a value ends the walk over the key's watchers.
   */
  touch(db: Db, key: string): void {
    const watches = this.byDb.get(db)?.get(key);
    if (!watches) return;
    for (const watched of [...watches]) {
      if (watched.expired) {
        if (!db.dict.has(key)) {
          watched.expired = false;
          continue;
        }
        break;
      }
      watched.client.dirtyCas = true;
      // A dirty client's EXEC fails whatever happens next: no need to watch anything more.
      this.unwatchAll(watched.client);
    }
  }

  /**
   * FLUSHDB, FLUSHALL (`replacedWith` undefined) and SWAPDB (the database whose contents `emptied`
   * is about to take): watchers of keys that hold a value in either get dirty (Redis's
   * touchAllWatchedKeysInDb). Call before the contents change.
   */
  touchAllInDb(emptied: Db, replacedWith?: Db): void {
    const byKey = this.byDb.get(emptied);
    if (!byKey) return;
    for (const [key, watches] of byKey) {
      const existsInEmptied = emptied.dict.has(key);
      const existsInReplacement = replacedWith !== undefined && replacedWith.dict.has(key);
      if (!existsInEmptied && !existsInReplacement) continue;
      for (const watched of watches) {
        if (watched.expired) {
          if (!existsInReplacement) {
            // The expired key goes: no logical change.
            watched.expired = false;
            continue;
          }
          if (keyIsExpired(replacedWith!, key)) continue;
        } else if (!existsInEmptied && keyIsExpired(replacedWith!, key)) {
          // An absent key replaced by an expired one: still absent.
          watched.expired = true;
          continue;
        }
        watched.client.dirtyCas = true;
      }
    }
  }

  /** Whether a key `client` watches has expired since it was watched (EXEC then fails). */
  watchedKeyExpired(client: Client): boolean {
    for (const watched of client.watched) if (!watched.expired && keyIsExpired(watched.db, watched.key)) return true;
    return false;
  }
}

/** Ends the MULTI of `client` (EXEC, DISCARD, RESET, an aborted EXEC) and its watches. */
export function discardTransaction(client: Client, watches: Watches): void {
  client.multi = undefined;
  client.dirtyCas = false;
  watches.unwatchAll(client);
  updateRestricted(client);
}
