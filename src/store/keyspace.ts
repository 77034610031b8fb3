/**
 * @module
 * The keyspace: numbered databases of keys, each with an optional expiry time. This is the only
 * door to the data: every read goes through `get`/`peek` (where lazy expiry happens, so an expired
 * key is never seen) and every write through `set`/`delete`/`setExpire`, so that expiry, WATCH
 * versions, notifications and persistence hang off one place. It knows nothing of sockets or RESP.
 *
 * Besides the values it keeps what Redis keeps per key: the expiry time, the last access time (an
 * LRU clock in seconds, for OBJECT IDLETIME and a future LRU eviction) and what SCAN needs to
 * resume a scan (see `ScanCursors`).
 */

/** The time source; injected so tests can move time instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A value of a non-string type; each data type's class extends this. */
export abstract class RedisObject {
  /** The name TYPE reports. */
  abstract readonly type: string;
  /** The encoding OBJECT ENCODING reports, as Redis would for the same contents and config. */
  abstract encoding(): string;
  /** An independent deep copy (COPY): changing either afterwards must not change the other. */
  abstract copy(): RedisObject;
}

/** What a key holds: a byte string (latin1) or an object of another type. */
export type Value = string | RedisObject;

/** The TYPE name of a value. */
export function typeOf(value: Value): string {
  return typeof value === "string" ? "string" : value.type;
}

/** A copy of a value for COPY: strings are immutable and can be shared. */
export function copyValue(value: Value): Value {
  return typeof value === "string" ? value : value.copy();
}

/** What the keyspace reports to the server: expired keys (for stats and notifications), and changes. */
export interface KeyspaceEvents {
  /** A key was removed because its time ran out (lazily or by the active cycle). */
  expired(db: Db, key: string): void;
  /** A command changed `key` (`Db.keyChanged`): WATCH, keyspace notifications, the dirty count. */
  keyChanged?(db: Db, key: string, event: string, type: number): void;
  /** `set` created `key` (only while `reportNewKeys` is on): the `new` notification. */
  created?(db: Db, key: string): void;
}

/**
 * Redis's LRU clock: whole seconds, refreshed by the cron rather than read per access (reading
 * the time costs more than the rest of a lookup), so access times are as coarse as Redis's.
 */
export class LruClock {
  /** Seconds since the epoch as of the last refresh. */
  seconds: number;

  constructor(private readonly clock: Clock) {
    this.seconds = Math.floor(clock.now() / 1000);
  }

  refresh(): void {
    this.seconds = Math.floor(this.clock.now() / 1000);
  }
}

/** The largest expiry time a `number` holds exactly; later ones are kept as bigints too. */
const MAX_EXACT_TIME = Number.MAX_SAFE_INTEGER;

/**
 * Told when keys of a database may have gained data, so that clients blocked on them (BLPOP,
 * BZPOPMIN, XREAD BLOCK...) can be served. Installed on a database only while clients wait on its
 * keys, so a write pays one field check otherwise; the store knows nothing of who waits.
 */
export interface KeyListener {
  /**
   * `key` was given a value by `set` (created or replaced: a push, RENAME, COPY, MOVE, RESTORE...)
   * or removed (DEL, expiry, eviction: XREADGROUP's waiters must hear that the stream is gone).
   */
  keySet(db: Db, key: string): void;
  /** Every key may hold another value now (SWAPDB exchanged the contents). */
  contentsReplaced(db: Db): void;
}

/** A database's keys and expiry times, as `Db.contents` hands them to a snapshot. */
export interface DbContents {
  readonly dict: ReadonlyMap<string, KeyEntry>;
  readonly expires: ReadonlyMap<string, number>;
  readonly farExpires: ReadonlyMap<string, bigint>;
}

/** The exact expiry of `key` in `contents` (a bigint past 2^53 ms), or undefined. */
export function expireIn(contents: DbContents, key: string): number | bigint | undefined {
  const when = contents.expires.get(key);
  if (when === undefined || when <= MAX_EXACT_TIME) return when;
  return contents.farExpires.get(key) ?? when;
}

/**
 * What a database holds at a key: the value and its last access in LRU-clock seconds (Redis keeps
 * this in each object's header). One map lookup finds both, and a write to an existing key
 * replaces the value here without a second lookup.
 */
export class KeyEntry {
  constructor(
    public value: Value,
    public lru: number,
  ) {}
}

/** One numbered database. */
export class Db {
  /** Set by the blocking framework while clients wait on keys of this database. */
  keyListener: KeyListener | undefined = undefined;
  /**
   * Called before `key` is changed in any way (its value replaced, mutated in place, removed, its
   * expiry set or cleared), while a snapshot is being taken: the snapshot writes the key's old
   * state first (copy-on-write). Writes of values in place are announced by the dispatcher, which
   * knows a command's keys; everything that goes through this class announces itself.
   */
  beforeWrite: ((db: Db, key: string) => void) | undefined = undefined;
  /** `set` reports the keys it creates (`KeyspaceEvents.created`); on only while someone wants them. */
  reportNewKeys = false;
  /**
   * Key -> value and access time. Iteration order is insertion order, which SCAN relies on.
   * Replaced by `flush` and exchanged by `swapWith`; everything else mutates it in place.
   */
  dict = new Map<string, KeyEntry>();
  /** Key -> expiry time (ms since the epoch), for keys that have one. */
  expires = new Map<string, number>();
  /** The exact expiry of keys whose time is past 2^53 ms (year 287396), which `expires` rounds. */
  private farExpires = new Map<string, bigint>();
  /** Where eviction's sampling continues in `dict` and in `expires`. */
  private sampleCursors: [Iterator<string> | undefined, Iterator<string> | undefined] = [undefined, undefined];
  /** Where the active expiry cycle continues in `expires`. */
  private expireCursor: Iterator<[string, number]> | undefined;
  /** Live SCAN iterators over `dict`. */
  private scans = new ScanCursors();
  /** Keys ever removed from `dict` (mod 2^32): how far a SCAN cursor's position may have slid. */
  private removals = 0;

  constructor(
    readonly id: number,
    readonly clock: Clock,
    private readonly events: KeyspaceEvents,
    private readonly lru: LruClock = new LruClock(clock),
    /** The keyspace's set of databases holding parked scans, which its cron prunes. */
    private readonly scanning: Set<Db> = new Set(),
  ) {}

  /** Keys, counting keys expired but not yet reclaimed, as Redis's DBSIZE does. */
  get size(): number {
    return this.dict.size;
  }

  /** The value of `key`, or undefined if absent or expired; counts as an access (LRU). */
  get(key: string): Value | undefined {
    const entry = this.dict.get(key);
    if (entry === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    // Writing only when the second changed keeps the common case a read.
    const now = this.lru.seconds;
    if (entry.lru !== now) entry.lru = now;
    return entry.value;
  }

  /**
   * Like `get` without counting as an access (Redis's LOOKUP_NOTOUCH: TYPE, EXISTS, TTL, OBJECT
   * and SCAN do not change a key's idle time). An expired key is still removed.
   */
  peek(key: string): Value | undefined {
    const entry = this.dict.get(key);
    if (entry === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return entry.value;
  }

  /** Whether `key` exists (and is not expired); not an access. */
  has(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /** Stores `value` at `key`; drops any expiry unless `keepTtl`. Counts as an access. */
  set(key: string, value: Value, keepTtl = false): void {
    if (this.beforeWrite !== undefined) this.beforeWrite(this, key);
    const entry = this.dict.get(key);
    if (entry !== undefined) {
      entry.value = value;
      entry.lru = this.lru.seconds;
    } else {
      if (this.reportNewKeys) this.events.created?.(this, key);
      this.dict.set(key, new KeyEntry(value, this.lru.seconds));
    }
    if (!keepTtl && this.expires.size !== 0 && this.expires.delete(key) && this.farExpires.size !== 0) this.farExpires.delete(key);
    if (this.keyListener !== undefined) this.keyListener.keySet(this, key);
  }

  /**
   * A command changed `key` (Redis's signalModifiedKey + notifyKeyspaceEvent): `event` is the
   * notification's name (`set`, `lpush`, `del`...), `type` its class bit. Write commands call it
   * where Redis does; the server behind `KeyspaceEvents` does the rest (WATCH, notifications).
   */
  keyChanged(key: string, event: string, type: number): void {
    this.events.keyChanged?.(this, key, event, type);
  }

  /** Removes `key`; returns whether it existed (an expired key did not). */
  delete(key: string): boolean {
    if (this.peek(key) === undefined) return false;
    this.remove(key);
    return true;
  }

  /** Removes a key known to be in `dict`, with everything kept about it. */
  private remove(key: string): void {
    if (this.beforeWrite !== undefined) this.beforeWrite(this, key);
    this.dict.delete(key);
    if (this.keyListener !== undefined) this.keyListener.keySet(this, key);
    this.removals = (this.removals + 1) >>> 0;
    if (this.expires.size !== 0 && this.expires.delete(key) && this.farExpires.size !== 0) this.farExpires.delete(key);
  }

  /** Sets the expiry time of an existing key (ms since the epoch; a bigint for exact far times). */
  setExpire(key: string, when: number | bigint): void {
    if (this.beforeWrite !== undefined) this.beforeWrite(this, key);
    if (typeof when === "bigint") {
      const rounded = Number(when);
      if (rounded > MAX_EXACT_TIME) {
        this.expires.set(key, rounded);
        this.farExpires.set(key, when);
        return;
      }
      when = rounded;
    }
    this.expires.set(key, when);
    if (this.farExpires.size !== 0) this.farExpires.delete(key);
  }

  /** The expiry time of `key`, or undefined when it has none (a far one rounded). Call after `get` found the key. */
  getExpire(key: string): number | undefined {
    return this.expires.size === 0 ? undefined : this.expires.get(key);
  }

  /** The exact expiry time of `key` (a bigint past 2^53), or undefined when it has none. */
  getExpireExact(key: string): number | bigint | undefined {
    if (this.expires.size === 0) return undefined;
    const when = this.expires.get(key);
    if (when === undefined || when <= MAX_EXACT_TIME) return when;
    return this.farExpires.get(key) ?? when;
  }

  /** Removes the expiry of `key`; returns whether it had one. */
  persist(key: string): boolean {
    if (this.beforeWrite !== undefined && this.expires.has(key)) this.beforeWrite(this, key);
    if (!this.expires.delete(key)) return false;
    if (this.farExpires.size !== 0) this.farExpires.delete(key);
    return true;
  }

  /** Marks `key` as accessed now (TOUCH); the caller found it with `peek` or `get`. */
  touch(key: string): void {
    const entry = this.dict.get(key);
    if (entry !== undefined) entry.lru = this.lru.seconds;
  }

  /** Makes `key` look last accessed `seconds` ago (RESTORE IDLETIME, an RDB file's IDLE record). */
  setIdleSeconds(key: string, seconds: number): void {
    const entry = this.dict.get(key);
    if (entry !== undefined) entry.lru = this.lru.seconds - seconds;
  }

  /** Seconds since `key` was last accessed, on the LRU clock as Redis's OBJECT IDLETIME reports it. */
  idleSeconds(key: string): number {
    const entry = this.dict.get(key);
    return entry === undefined ? 0 : Math.max(0, this.lru.seconds - entry.lru);
  }

  /**
   * What a snapshot needs to read this database as it is now, later: its maps. `flush` replaces
   * them rather than clearing them, and SWAPDB exchanges them, so a snapshot that keeps these
   * references still sees what it must save, and the maps' identity says which contents a write
   * touches.
   */
  contents(): DbContents {
    return { dict: this.dict, expires: this.expires, farExpires: this.farExpires };
  }

  /** Removes every key. The maps are replaced, not cleared: a snapshot may still be reading them. */
  flush(): void {
    this.removals = (this.removals + this.dict.size) >>> 0;
    this.dict = new Map();
    this.expires = new Map();
    this.farExpires = new Map();
    this.expireCursor = undefined;
    this.sampleCursors = [undefined, undefined];
    this.scans.clear();
    this.scanning.delete(this);
    this.keyListener?.contentsReplaced(this);
  }

  /** Takes every key of `other` and gives it this one's (SWAPDB), in O(1) as Redis does. */
  swapWith(other: Db): void {
    [this.dict, other.dict] = [other.dict, this.dict];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.farExpires, other.farExpires] = [other.farExpires, this.farExpires];
    [this.scans, other.scans] = [other.scans, this.scans];
    [this.removals, other.removals] = [other.removals, this.removals];
    this.expireCursor = other.expireCursor = undefined;
    this.sampleCursors = [undefined, undefined];
    other.sampleCursors = [undefined, undefined];
    for (const db of [this, other]) {
      if (db.scans.size === 0) db.scanning.delete(db);
      else db.scanning.add(db);
    }
    // Clients blocked on keys stay with their database number, as in Redis: they may be served now.
    this.keyListener?.contentsReplaced(this);
    other.keyListener?.contentsReplaced(other);
  }

  /** A random live key, or undefined when the database is empty. */
  randomKey(): string | undefined {
    // Expired keys met on the way are reclaimed; give up on lazy expiry after many tries, as Redis does.
    for (let tries = 0; this.dict.size > 0; tries++) {
      const key = nthKey(this.dict, Math.floor(Math.random() * this.dict.size));
      if (tries > 100 || !this.expireIfNeeded(key)) return key;
    }
    return undefined;
  }

  /** Whether `key`'s time has come, without removing it (KEYS lists around such keys, as Redis does). */
  isExpired(key: string): boolean {
    if (this.expires.size === 0) return false;
    const when = this.expires.get(key);
    return when !== undefined && when < this.clock.now();
  }

  /**
   * Up to `count` keys (only keys with an expiry when `volatile`), continuing where the last call
   * stopped: eviction's sample. Redis samples random buckets; a rolling walk costs O(count) and
   * reaches every key in turn.
   */
  sampleKeys(count: number, volatile: boolean): string[] {
    const source = volatile ? this.expires : this.dict;
    const which = volatile ? 1 : 0;
    const keys: string[] = [];
    if (source.size === 0) return keys;
    for (let wrapped = false; keys.length < count; ) {
      const cursor = (this.sampleCursors[which] ??= source.keys());
      const next = cursor.next();
      if (next.done) {
        this.sampleCursors[which] = undefined;
        if (wrapped) break;
        wrapped = true;
        continue;
      }
      keys.push(next.value);
    }
    return keys;
  }

  /** Removes `key` if its time has come; returns whether it did. */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    // Redis expires a key once the time is strictly past its expiry (`now > when`).
    if (when === undefined || when >= this.clock.now()) return false;
    this.remove(key);
    this.events.expired(this, key);
    return true;
  }

  /**
   * One SCAN step over `dict` (see `ScanCursors` for the cursor and its guarantee): examines up
   * to `count` keys after `cursor` (0 starts a scan), reclaims expired ones, and returns the next
   * cursor (0 when the scan is complete) with the live keys `accept` takes.
   */
  scan(cursor: bigint, count: number, accept?: (key: string, value: Value) => boolean): [bigint, string[]] {
    const scans = this.scans;
    // Keys this step reclaims move the next key forward too, so the new cursor counts them as
    // removals after its issue: it records the counter as it was before the step.
    const removals = this.removals;
    const state = scans.resume(cursor, this.dict, removals, this.clock.now());
    const keys: string[] = [];
    let examined = 0;
    for (; examined < count; examined++) {
      let key = state.pending;
      if (key !== undefined) state.pending = undefined;
      else {
        const next = state.iterator.next();
        if (next.done) return [0n, keys];
        key = next.value;
      }
      const value = this.peek(key);
      if (value !== undefined && (!accept || accept(key, value))) keys.push(key);
    }
    // Look one key ahead so that a scan ending exactly at a batch boundary returns 0 now.
    const next = state.iterator.next();
    if (next.done) return [0n, keys];
    state.pending = next.value;
    this.scanning.add(this);
    return [scans.park(state, examined, removals, this.clock.now()), keys];
  }

  /**
   * One step of Redis's active expiry: look at up to `sample` keys with an expiry, continuing where
   * the last step stopped, and remove those whose time has come. Returns [looked at, removed].
   */
  expireSample(sample: number): [number, number] {
    let looked = 0;
    let removed = 0;
    const now = this.clock.now();
    while (looked < sample && this.expires.size > 0) {
      this.expireCursor ??= this.expires.entries();
      const next = this.expireCursor.next();
      if (next.done) {
        this.expireCursor = undefined;
        if (looked > 0) break; // wrapped around: the next step starts again at the beginning
        continue;
      }
      looked++;
      const [key, when] = next.value;
      if (when < now) {
        this.remove(key);
        this.events.expired(this, key);
        removed++;
      }
    }
    return [looked, removed];
  }

  /** SCAN iterators parked now (for tests and introspection). */
  get parkedScans(): number {
    return this.scans.size;
  }

  /** Drops SCAN iterators unused since `before` (ms), so that abandoned scans pin no memory. */
  pruneScans(before: number): void {
    this.scans.prune(before);
    if (this.scans.size === 0) this.scanning.delete(this);
  }
}

/** The `n`th key of a map in iteration order (O(n); used only for RANDOMKEY-like picks). */
function nthKey(map: Map<string, unknown>, n: number): string {
  for (const key of map.keys()) if (n-- === 0) return key;
  throw new Error("index out of range");
}

/** Where one scan stands: a live iterator over `dict` and the key it read ahead. */
interface ScanState {
  iterator: Iterator<string>;
  /** A key taken from the iterator but not yet examined (the look-ahead). */
  pending: string | undefined;
  /** Lower bound of the index in `dict` of the next key to examine, as of this step's start. */
  position: number;
  /** When it was parked (ms), for pruning. */
  parkedAt: number;
}

/** Most parked scans per database; the least recently parked go first. */
const MAX_PARKED_SCANS = 1024;
/** Parked scans unused this long are dropped by the cron (their iterators pin old hash tables). */
export const SCAN_IDLE_MS = 30_000;
/** Cursor layout, high to low: position (28 bits), removal counter (28 bits), nonce (8 bits). */
const POSITION_SHIFT = 36n;
const REMOVALS_SHIFT = 8n;
const FIELD_MASK = 0xfffffff;
const NONCES = 255;

/**
 * SCAN cursors over a JS `Map`, keeping Redis's guarantee (a key present for the whole scan is
 * returned at least once) at O(COUNT) per call.
 *
 * A cursor carries a lower bound of the index of the next key in the map's insertion order, and
 * the database's removal counter (mod 2^28) when it was issued. New keys are only ever appended
 * and each removal moves later keys towards the front by one place at most, so resuming at
 * `position - (removals now - removals then)` can repeat keys but never skips one that was present
 * all along. That makes every cursor self-sufficient: it still works when the machinery below has
 * forgotten it, and a made-up one is answered (as a restart, or as done when past the end).
 * Lowering either field keeps a cursor safe, which is how cursors are made unique (below).
 *
 * Resuming by position walks the map from the start, O(position); so each cursor handed out also
 * parks the live `Map` iterator under its number, and the next call continues it in O(COUNT).
 * JS Map iterators stay valid across deletes and inserts (deleted entries are skipped, new ones
 * visited), which is exactly the guarantee. Parked iterators are bounded in number and age: an
 * iterator keeps the map's old storage alive while the map churns, so an abandoned scan must not
 * keep its iterator for long; losing one only costs the slower resume, never correctness.
 *
 * A rotating nonce (the low 8 bits) and, when that is not enough, stepping down to the next free
 * value keep apart the cursors of scans parked at the same time. One case is left: a scan whose
 * iterator was dropped, whose cursor is later issued again to another scan at the same bound
 * position after a multiple of 255 scan steps without a single removal in between, might continue
 * that other scan's iterator, which can be ahead of its own.
 */
class ScanCursors {
  /** Parked scans by cursor, least recently parked first. */
  private readonly parked = new Map<bigint, ScanState>();
  private nonce = 0;

  /** Scans parked now. */
  get size(): number {
    return this.parked.size;
  }

  /** The state to continue `cursor` from: a parked iterator, or a fresh one walked to the cursor's position. */
  resume(cursor: bigint, dict: Map<string, KeyEntry>, removals: number, now: number): ScanState {
    if (cursor === 0n) return { iterator: dict.keys(), pending: undefined, position: 0, parkedAt: now };
    const position = resumePosition(cursor, removals);
    const state = this.parked.get(cursor);
    if (state) {
      this.parked.delete(cursor);
      state.position = position;
      return state;
    }
    const iterator = dict.keys();
    if (position >= dict.size) return { iterator: emptyIterator(), pending: undefined, position, parkedAt: now };
    for (let i = 0; i < position; i++) iterator.next();
    return { iterator, pending: undefined, position, parkedAt: now };
  }

  /** Parks `state` after `examined` more keys, counting removals from `removals` on; returns its cursor. */
  park(state: ScanState, examined: number, removals: number, now: number): bigint {
    const position = Math.min(state.position + examined, FIELD_MASK);
    this.nonce = (this.nonce % NONCES) + 1;
    let cursor = (BigInt(position) << POSITION_SHIFT) | (BigInt(removals & FIELD_MASK) << REMOVALS_SHIFT) | BigInt(this.nonce);
    // Taken by another parked scan: a lower cursor (an earlier nonce, removal count or position) is
    // just as safe. Positions are at least 1 here, so this stays far above 0.
    while (this.parked.has(cursor)) cursor--;
    state.parkedAt = now;
    this.parked.set(cursor, state);
    if (this.parked.size > MAX_PARKED_SCANS) this.parked.delete(this.parked.keys().next().value!);
    return cursor;
  }

  /** Drops scans parked before `before` (ms). */
  prune(before: number): void {
    for (const [cursor, state] of this.parked) {
      if (state.parkedAt >= before) break;
      this.parked.delete(cursor);
    }
  }

  clear(): void {
    this.parked.clear();
  }
}

/** The lowest index the key a cursor points at can have now. */
function resumePosition(cursor: bigint, removals: number): number {
  const position = Number(cursor >> POSITION_SHIFT);
  const snapshot = Number((cursor >> REMOVALS_SHIFT) & BigInt(FIELD_MASK));
  const removedSince = (removals - snapshot) & FIELD_MASK;
  return Math.max(0, position - removedSince);
}

function emptyIterator(): Iterator<string> {
  return [][Symbol.iterator]();
}

/** Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP and acceptable share of stale keys. */
const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE = 0.25;
/** Redis's CRON_DBS_PER_CALL: databases one cycle visits, unless the last one ran out of time. */
const DBS_PER_CALL = 16;

/** Every database, and the background upkeep over them. */
export class Keyspace {
  readonly dbs: Db[];
  /** The LRU clock every database stamps accesses with. */
  readonly lru: LruClock;
  /** Databases holding parked scans. */
  private readonly scanning = new Set<Db>();
  /** The database the next active expiry cycle starts with (a cycle cut short resumes there). */
  private nextDb = 0;
  /** Whether the last cycle ran out of time (the next one then visits every database, as Redis). */
  private timedOut = false;

  constructor(count: number, private readonly clock: Clock, events: KeyspaceEvents) {
    this.lru = new LruClock(clock);
    this.dbs = Array.from({ length: count }, (_, id) => new Db(id, clock, events, this.lru, this.scanning));
  }

  /**
   * The keyspace's share of Redis's serverCron, run `hz` times a second: refreshes the LRU clock,
   * drops abandoned SCAN iterators, and runs Redis's slow active expiry cycle: per database,
   * sample keys with an expiry and repeat while more than a quarter of a sample had expired,
   * within `budgetMs`. Like Redis it visits 16 databases per cycle round-robin, resuming where the
   * last cycle stopped (so one database full of expired keys cannot starve the others), and all of
   * them after a cycle that ran out of time. Returns keys removed.
   */
  activeExpireCycle(budgetMs: number): number {
    this.lru.refresh();
    const start = performance.now();
    const pruneBefore = this.clock.now() - SCAN_IDLE_MS;
    for (const db of this.scanning) db.pruneScans(pruneBefore);
    const dbs = this.dbs;
    const visits = this.timedOut ? dbs.length : Math.min(DBS_PER_CALL, dbs.length);
    this.timedOut = false;
    let removed = 0;
    for (let visited = 0; visited < visits; visited++) {
      const db = dbs[this.nextDb]!;
      this.nextDb = (this.nextDb + 1) % dbs.length;
      if (db.expires.size === 0) continue;
      for (let iteration = 0; ; iteration++) {
        const [looked, expired] = db.expireSample(KEYS_PER_LOOP);
        removed += expired;
        if (looked === 0 || expired <= looked * ACCEPTABLE_STALE) break;
        if ((iteration & 15) === 15 && performance.now() - start > budgetMs) {
          // Out of time: the next cycle goes on with this database.
          this.nextDb = db.id;
          this.timedOut = true;
          return removed;
        }
      }
    }
    return removed;
  }
}
