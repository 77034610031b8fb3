/**
 * @module
 * The keyspace: numbered databases of keys, each with an optional expiry time. This is the only
 * door to the data: every read goes through `get` (where lazy expiry happens, so an expired key is
 * never seen) and every write through `set`/`delete`/`setExpire`, so that expiry, WATCH versions,
 * notifications and persistence hang off one place. It knows nothing of sockets or RESP.
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
}

/** What a key holds: a byte string (latin1) or an object of another type. */
export type Value = string | RedisObject;

/** The TYPE name of a value. */
export function typeOf(value: Value): string {
  return typeof value === "string" ? "string" : value.type;
}

/** What the keyspace reports to the server: expired keys (for stats and notifications). */
export interface KeyspaceEvents {
  /** A key was removed because its time ran out (lazily or by the active cycle). */
  expired(db: Db, key: string): void;
}

/** One numbered database. */
export class Db {
  /** Key -> value. Iteration order is insertion order, which SCAN's cursor relies on. */
  readonly dict = new Map<string, Value>();
  /** Key -> expiry time (ms since the epoch), for keys that have one. */
  readonly expires = new Map<string, number>();
  /** Where the active expiry cycle continues in `expires`. */
  private expireCursor: Iterator<[string, number]> | undefined;

  constructor(
    readonly id: number,
    readonly clock: Clock,
    private readonly events: KeyspaceEvents,
  ) {}

  /** Live keys (keys expired but not yet reclaimed count until reclaimed, as in Redis's DBSIZE). */
  get size(): number {
    return this.dict.size;
  }

  /** The value of `key`, or undefined if absent or expired (an expired key is removed here). */
  get(key: string): Value | undefined {
    const value = this.dict.get(key);
    if (value === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return value;
  }

  /** Whether `key` exists (and is not expired). */
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Stores `value` at `key`; drops any expiry unless `keepTtl`. */
  set(key: string, value: Value, keepTtl = false): void {
    this.dict.set(key, value);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  /** Removes `key`; returns whether it existed (an expired key did not). */
  delete(key: string): boolean {
    if (this.get(key) === undefined) return false;
    this.dict.delete(key);
    this.expires.delete(key);
    return true;
  }

  /** Sets the expiry time of an existing key (ms since the epoch). */
  setExpire(key: string, when: number): void {
    this.expires.set(key, when);
  }

  /** The expiry time of `key`, or undefined when it has none. Call after `get` found the key. */
  getExpire(key: string): number | undefined {
    return this.expires.size === 0 ? undefined : this.expires.get(key);
  }

  /** Removes the expiry of `key`; returns whether it had one. */
  persist(key: string): boolean {
    return this.expires.delete(key);
  }

  /** Removes every key. */
  flush(): void {
    this.dict.clear();
    this.expires.clear();
    this.expireCursor = undefined;
  }

  /** Takes every key of `other` and gives it this one's (SWAPDB). */
  swapWith(other: Db): void {
    const dict = [...this.dict];
    const expires = [...this.expires];
    this.flush();
    for (const [key, value] of other.dict) this.dict.set(key, value);
    for (const [key, when] of other.expires) this.expires.set(key, when);
    other.flush();
    for (const [key, value] of dict) other.dict.set(key, value);
    for (const [key, when] of expires) other.expires.set(key, when);
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

  /** Removes `key` if its time has come; returns whether it did. */
  expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > this.clock.now()) return false;
    this.dict.delete(key);
    this.expires.delete(key);
    this.events.expired(this, key);
    return true;
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
      if (when <= now) {
        this.dict.delete(key);
        this.expires.delete(key);
        this.events.expired(this, key);
        removed++;
      }
    }
    return [looked, removed];
  }
}

/** The `n`th key of a map in iteration order (O(n); used only for RANDOMKEY-like picks). */
function nthKey(map: Map<string, unknown>, n: number): string {
  for (const key of map.keys()) if (n-- === 0) return key;
  throw new Error("index out of range");
}

/** Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP and acceptable share of stale keys. */
const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE = 0.25;

/** Every database, and the active expiry cycle over them. */
export class Keyspace {
  readonly dbs: Db[];

  constructor(count: number, clock: Clock, events: KeyspaceEvents) {
    this.dbs = Array.from({ length: count }, (_, id) => new Db(id, clock, events));
  }

  /**
   * Redis's slow active expiry cycle: per database, sample keys with an expiry and repeat while
   * more than a quarter of a sample had expired, within `budgetMs`. Returns keys removed.
   */
  activeExpireCycle(budgetMs: number): number {
    const start = performance.now();
    let removed = 0;
    for (const db of this.dbs) {
      if (db.expires.size === 0) continue;
      for (let iteration = 0; ; iteration++) {
        const [looked, expired] = db.expireSample(KEYS_PER_LOOP);
        removed += expired;
        if (looked === 0 || expired <= looked * ACCEPTABLE_STALE) break;
        if ((iteration & 15) === 15 && performance.now() - start > budgetMs) return removed;
      }
    }
    return removed;
  }
}
