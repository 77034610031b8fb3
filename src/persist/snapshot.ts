/**
 * @module
 * A point-in-time view of the whole keyspace, taken without fork and without stopping the server
 * (the versioned snapshotting Dragonfly uses). Redis forks and lets the kernel copy pages on
 * write; JavaScript cannot fork, so the copy-on-write is done per key:
 *
 * - At the start the snapshot keeps each database's maps (`Db.contents`). Flushing a database
 *   replaces its maps and SWAPDB exchanges them, so the kept maps still hold what must be saved,
 *   and a map's identity says which saved database a write touches.
 * - `step` walks the kept maps in slices, between event-loop turns, handing each key to the sink.
 * - While it runs, every database's `beforeWrite` hook is set: before a key is changed in any way
 *   (replaced, mutated in place, deleted, expired, evicted, its TTL changed), a key the walk has
 *   not reached is handed to the sink first, in its old state, and marked done so the walk skips
 *   it. A key created after the start is marked done without being written (it did not exist).
 *
 * The sink must serialise a key when it is handed over (the value object may change right after).
 * Keys reach it grouped by database only loosely: a write can hand over a key of any database at
 * any time, so the sink says which database each key belongs to (RDB files allow SELECTDB again).
 */
import type { Db, DbContents, KeyEntry, Keyspace, Value } from "../store/keyspace.ts";
import { expireIn } from "../store/keyspace.ts";

/** Receives the keys of a snapshot, each once, in their state at the start. */
export interface SnapshotSink {
  key(db: number, key: string, value: Value, expireAt: number | bigint | undefined): void;
}

/** One database as the snapshot saw it at the start. */
interface SavedDb {
  readonly index: number;
  readonly contents: DbContents;
  /** Keys handed over (by the walk or by a write), or created after the start: the walk skips them. */
  readonly done: Set<string>;
  /** Keys and expiring keys at the start (RDB's RESIZEDB hints). */
  readonly keys: number;
  readonly expiring: number;
}

/** A snapshot in progress; `step` until it returns true, then `close` (also to abandon it). */
export class Snapshot {
  private readonly saved: SavedDb[];
  /** Kept maps -> the saved database, for the write hook. */
  private readonly byDict = new Map<ReadonlyMap<string, KeyEntry>, SavedDb>();
  private current = 0;
  private iterator: Iterator<[string, KeyEntry]> | undefined;
  private readonly hook = (db: Db, key: string) => this.beforeWrite(db, key);
  private closed = false;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly sink: SnapshotSink,
  ) {
    this.saved = keyspace.dbs.map((db) => {
      const contents = db.contents();
      const saved = { index: db.id, contents, done: new Set<string>(), keys: contents.dict.size, expiring: contents.expires.size };
      this.byDict.set(contents.dict, saved);
      return saved;
    });
    for (const db of keyspace.dbs) {
      if (db.beforeWrite !== undefined) throw new Error("a snapshot is already being taken");
      db.beforeWrite = this.hook;
    }
  }

  /** Keys and expiring keys database `index` had at the start. */
  sizeOf(index: number): { keys: number; expiring: number } {
    const saved = this.saved[index]!;
    return { keys: saved.keys, expiring: saved.expiring };
  }

  /** Keys in all databases at the start (progress reports). */
  get totalKeys(): number {
    let total = 0;
    for (const saved of this.saved) total += saved.keys;
    return total;
  }

  /** The database the walk is in (the sink may want to group keys by it). */
  get walkingDb(): number {
    return this.saved[Math.min(this.current, this.saved.length - 1)]!.index;
  }

  /**
   * Walks on for about `budgetMs` milliseconds (checked every few hundred keys); true when every
   * key has been handed over.
   */
  step(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    while (this.current < this.saved.length) {
      const saved = this.saved[this.current]!;
      this.iterator ??= saved.contents.dict.entries();
      for (let count = 0; ; count++) {
        if ((count & 255) === 255 && performance.now() >= deadline) return false;
        const next = this.iterator.next();
        if (next.done) break;
        const [key, entry] = next.value;
        if (saved.done.has(key)) continue;
        saved.done.add(key);
        this.sink.key(saved.index, key, entry.value, expireIn(saved.contents, key));
      }
      this.iterator = undefined;
      saved.done.clear();
      this.current++;
    }
    return true;
  }

  /** Stops watching writes; the snapshot can be dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const db of this.keyspace.dbs) if (db.beforeWrite === this.hook) db.beforeWrite = undefined;
  }

  /** A write is about to change `key` of `db`: hand its old state over first, unless done. */
  private beforeWrite(db: Db, key: string): void {
    const saved = this.byDict.get(db.dict);
    // Contents made after the start (a flushed database's new maps) are not part of the snapshot,
    // and a database the walk has finished has nothing left to protect.
    if (saved === undefined || saved.index < this.current || saved.done.has(key)) return;
    saved.done.add(key);
    const entry = saved.contents.dict.get(key);
    if (entry !== undefined) this.sink.key(saved.index, key, entry.value, expireIn(saved.contents, key));
  }
}
