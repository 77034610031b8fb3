import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { copyValue, Db, Keyspace, LruClock, RedisObject, SCAN_IDLE_MS, type KeyspaceEvents } from "../../src/store/keyspace.ts";

/** A clock tests move by hand. */
class ManualClock {
  constructor(public time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
}

function recorder(): KeyspaceEvents & { keys: string[] } {
  const keys: string[] = [];
  return { keys, expired: (_db, key) => void keys.push(key) };
}

function newDb(clock = new ManualClock()) {
  const events = recorder();
  const lru = new LruClock(clock);
  return { db: new Db(0, clock, events, lru), clock, events, lru };
}

/** Scans `db` to the end, running `between` after each step; returns every key seen. */
function scanAll(db: Db, count: number, between: (step: number) => void = () => {}): Set<string> {
  const seen = new Set<string>();
  let cursor = 0n;
  for (let step = 0; ; step++) {
    const [next, keys] = db.scan(cursor, count);
    for (const key of keys) seen.add(key);
    if (next === 0n) return seen;
    cursor = next;
    between(step);
  }
}

describe("Db: values and lazy expiry", () => {
  test("a key expires once the time is strictly past its expiry, as in Redis", () => {
    const { db, clock, events } = newDb();
    db.set("k", "v");
    db.setExpire("k", clock.time + 100);
    clock.time += 100;
    expect(db.get("k")).toBe("v");
    clock.time += 1;
    expect(db.get("k")).toBeUndefined();
    expect(db.size).toBe(0);
    expect(events.keys).toEqual(["k"]);
  });

  test("set drops the expiry unless keepTtl; persist reports whether there was one", () => {
    const { db, clock } = newDb();
    db.set("k", "v");
    db.setExpire("k", clock.time + 1000);
    db.set("k", "w", true);
    expect(db.getExpire("k")).toBe(clock.time + 1000);
    db.set("k", "x");
    expect(db.getExpire("k")).toBeUndefined();
    db.setExpire("k", clock.time + 1000);
    expect(db.persist("k")).toBe(true);
    expect(db.persist("k")).toBe(false);
  });

  test("expiry times past 2^53 ms are kept exactly, and forgotten with the key", () => {
    const { db } = newDb();
    db.set("k", "v");
    db.setExpire("k", 9223372036854775807n);
    expect(db.getExpireExact("k")).toBe(9223372036854775807n);
    expect(db.getExpire("k")).toBe(9223372036854775807);
    db.setExpire("k", 5000n * 1_000_000_000n);
    expect(db.getExpireExact("k")).toBe(5_000_000_000_000);
    db.setExpire("k", 2n ** 60n);
    db.set("k", "w");
    expect(db.getExpireExact("k")).toBeUndefined();
    db.setExpire("k", 2n ** 60n);
    db.delete("k");
    db.set("k", "again");
    db.setExpire("k", 2 ** 60);
    expect(db.getExpireExact("k")).toBe(2 ** 60);
  });

  test("delete of an expired key reports false", () => {
    const { db, clock } = newDb();
    db.set("k", "v");
    db.setExpire("k", clock.time - 1);
    expect(db.delete("k")).toBe(false);
    expect(db.size).toBe(0);
  });

  test("isExpired looks without reclaiming", () => {
    const { db, clock } = newDb();
    db.set("k", "v");
    db.setExpire("k", clock.time - 1);
    expect(db.isExpired("k")).toBe(true);
    expect(db.size).toBe(1);
  });
});

describe("Db: access times (OBJECT IDLETIME)", () => {
  test("get and set stamp the LRU clock; peek and has do not", () => {
    const { db, clock, lru } = newDb();
    db.set("k", "v");
    clock.time += 10_000;
    lru.refresh();
    expect(db.idleSeconds("k")).toBe(10);
    db.peek("k");
    db.has("k");
    expect(db.idleSeconds("k")).toBe(10);
    db.get("k");
    expect(db.idleSeconds("k")).toBe(0);
    clock.time += 3_000;
    lru.refresh();
    db.touch("k");
    expect(db.idleSeconds("k")).toBe(0);
  });

  test("an overwrite is an access; the time goes with the key's contents (SWAPDB) and with its removal", () => {
    const { db, clock, lru } = newDb();
    const other = new Db(1, clock, recorder(), lru);
    db.set("k", "v");
    db.set("gone", "v");
    clock.time += 10_000;
    lru.refresh();
    db.set("k", "w", true);
    expect(db.idleSeconds("k")).toBe(0);
    expect(db.idleSeconds("gone")).toBe(10);
    db.delete("gone");
    db.set("gone", "again");
    expect(db.idleSeconds("gone")).toBe(0);
    other.set("idle", "v");
    clock.time += 4_000;
    lru.refresh();
    db.swapWith(other);
    expect(db.idleSeconds("idle")).toBe(4);
    expect(other.idleSeconds("k")).toBe(4);
    expect(db.get("k")).toBeUndefined();
  });

  test("the LRU clock moves only when refreshed (by the cron), like Redis's", () => {
    const { db, clock, lru } = newDb();
    db.set("k", "v");
    clock.time += 5_000;
    expect(db.idleSeconds("k")).toBe(0);
    lru.refresh();
    expect(db.idleSeconds("k")).toBe(5);
  });
});

describe("Db: flush and swap", () => {
  test("swapWith exchanges keys, expiries and access times", () => {
    const clock = new ManualClock();
    const lru = new LruClock(clock);
    const events = recorder();
    const a = new Db(0, clock, events, lru);
    const b = new Db(1, clock, events, lru);
    a.set("x", "1");
    a.setExpire("x", clock.time + 1000);
    b.set("y", "2");
    b.setExpire("y", 2n ** 60n);
    a.swapWith(b);
    expect([...a.dict.keys()]).toEqual(["y"]);
    expect(a.getExpireExact("y")).toBe(2n ** 60n);
    expect([...b.dict.keys()]).toEqual(["x"]);
    expect(b.getExpire("x")).toBe(clock.time + 1000);
    expect(a.id).toBe(0);
  });

  test("flush removes everything, and a scan in flight ends", () => {
    const { db } = newDb();
    for (let i = 0; i < 100; i++) db.set(`k${i}`, "v");
    const [cursor] = db.scan(0n, 10);
    db.flush();
    expect(db.size).toBe(0);
    expect(db.scan(cursor, 10)).toEqual([0n, []]);
  });
});

describe("Db.scan", () => {
  test("returns every key once when nothing changes, and 0 at the end", () => {
    const { db } = newDb();
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
    for (const key of keys) db.set(key, "v");
    for (const count of [1, 7, 10, 999, 1000, 5000]) {
      const seen: string[] = [];
      let cursor = 0n;
      do {
        const [next, batch] = db.scan(cursor, count);
        expect(batch.length).toBeLessThanOrEqual(count);
        seen.push(...batch);
        cursor = next;
      } while (cursor !== 0n);
      expect(seen.sort()).toEqual(keys.slice().sort());
    }
  });

  test("an empty database is done at once", () => {
    expect(newDb().db.scan(0n, 10)).toEqual([0n, []]);
  });

  test("COUNT counts keys examined; the filter picks among them", () => {
    const { db } = newDb();
    for (let i = 0; i < 100; i++) db.set(`k${i}`, "v");
    const [cursor, keys] = db.scan(0n, 10, (key) => key.endsWith("5"));
    expect(cursor).not.toBe(0n);
    expect(keys).toEqual(["k5"]);
  });

  test("expired keys are reclaimed, not returned", () => {
    const { db, clock, events } = newDb();
    for (let i = 0; i < 10; i++) db.set(`k${i}`, "v");
    db.setExpire("k3", clock.time - 1);
    const [, keys] = db.scan(0n, 100);
    expect(keys).not.toContain("k3");
    expect(events.keys).toEqual(["k3"]);
  });

  test("cursors are self-sufficient: resuming without the parked iterator keeps the guarantee", () => {
    const { db } = newDb();
    for (let i = 0; i < 500; i++) db.set(`k${i}`, "v");
    const deleted = new Set<string>();
    const seen = scanAll(db, 20, (step) => {
      // Delete keys before the cursor (which moves later keys forward), then drop the iterator.
      for (let j = 0; j < 5; j++) {
        const key = `k${step * 5 + j}`;
        if (db.delete(key)) deleted.add(key);
      }
      db.pruneScans(Infinity);
    });
    for (let i = 0; i < 500; i++) if (!deleted.has(`k${i}`)) expect(seen.has(`k${i}`)).toBe(true);
  });

  test("property: keys present for a whole scan are returned, under any deletes, inserts and evictions", () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant("delete" as const), key: fc.nat(199) }),
      fc.record({ kind: fc.constant("insert" as const), key: fc.nat(399) }),
      fc.record({ kind: fc.constant("prune" as const), key: fc.constant(0) }),
      fc.record({ kind: fc.constant("expire" as const), key: fc.nat(199) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.array(operation, { maxLength: 8 }), { maxLength: 80 }), (count, rounds) => {
        const { db, clock } = newDb();
        for (let i = 0; i < 200; i++) db.set(`k${i}`, "v");
        const touched = new Set<string>();
        const seen = scanAll(db, count, (step) => {
          for (const op of rounds[step] ?? []) {
            const key = `k${op.key}`;
            if (op.kind === "delete") {
              db.delete(key);
              touched.add(key);
            } else if (op.kind === "insert") {
              db.set(key, "w");
              touched.add(key);
            } else if (op.kind === "expire") {
              // Reclaimed by the scan itself when it gets there.
              if (db.dict.has(key)) db.setExpire(key, clock.time - 1);
              touched.add(key);
            } else db.pruneScans(Infinity);
          }
        });
        for (let i = 0; i < 200; i++) {
          const key = `k${i}`;
          if (!touched.has(key) && !seen.has(key)) throw new Error(`${key} was present throughout and not returned`);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("parked iterators are bounded and pruned by age", () => {
    const { db, clock } = newDb();
    for (let i = 0; i < 100; i++) db.set(`k${i}`, "v");
    const first = db.scan(0n, 10)[0];
    // 1100 more scans park 1100 iterators; the oldest (ours) is evicted but its cursor still works.
    for (let i = 0; i < 1100; i++) db.scan(0n, 1);
    const [next, keys] = db.scan(first, 10);
    expect(keys).toEqual(Array.from({ length: 10 }, (_, i) => `k${i + 10}`));
    clock.time += SCAN_IDLE_MS + 1;
    db.pruneScans(clock.time - SCAN_IDLE_MS);
    expect(db.scan(next, 100)[1]).toEqual(Array.from({ length: 80 }, (_, i) => `k${i + 20}`));
  });
});

describe("Keyspace.activeExpireCycle", () => {
  test("reclaims expired keys no one reads, keeps the rest, in every database", () => {
    const clock = new ManualClock();
    const events = recorder();
    const keyspace = new Keyspace(4, clock, events);
    for (const db of keyspace.dbs) {
      for (let i = 0; i < 2000; i++) {
        db.set(`k${i}`, "v");
        if (i % 4 !== 0) db.setExpire(`k${i}`, clock.time + 1000);
      }
    }
    expect(keyspace.activeExpireCycle(1000)).toBe(0);
    clock.time += 2000;
    let removed = 0;
    for (let cycle = 0; cycle < 100 && removed < 4 * 1500; cycle++) removed += keyspace.activeExpireCycle(1000);
    expect(removed).toBe(4 * 1500);
    for (const db of keyspace.dbs) expect(db.size).toBe(500);
    expect(events.keys.length).toBe(4 * 1500);
  });

  test("a cycle out of time resumes with the database it stopped in", () => {
    const clock = new ManualClock();
    const keyspace = new Keyspace(2, clock, recorder());
    for (const db of keyspace.dbs) {
      for (let i = 0; i < 50_000; i++) {
        db.set(`k${i}`, "v");
        db.setExpire(`k${i}`, clock.time);
      }
    }
    clock.time += 1;
    // A zero budget stops after the first time check; both databases still progress over cycles.
    for (let cycle = 0; cycle < 20_000 && keyspace.dbs.some((db) => db.size > 0); cycle++) keyspace.activeExpireCycle(0);
    expect(keyspace.dbs.map((db) => db.size)).toEqual([0, 0]);
  });

  test("visits 16 databases per cycle, round-robin", () => {
    const clock = new ManualClock();
    const keyspace = new Keyspace(40, clock, recorder());
    for (const db of keyspace.dbs) {
      db.set("k", "v");
      db.setExpire("k", clock.time);
    }
    clock.time += 1;
    expect(keyspace.activeExpireCycle(1000)).toBe(16);
    expect(keyspace.activeExpireCycle(1000)).toBe(16);
    expect(keyspace.activeExpireCycle(1000)).toBe(8);
    expect(keyspace.dbs.every((db) => db.size === 0)).toBe(true);
  });

  test("drops SCAN iterators idle too long, in any database", () => {
    const clock = new ManualClock();
    const keyspace = new Keyspace(3, clock, recorder());
    const db = keyspace.dbs[2]!;
    for (let i = 0; i < 100; i++) db.set(`k${i}`, "v");
    const [cursor] = db.scan(0n, 10);
    keyspace.activeExpireCycle(1);
    expect(db.parkedScans).toBe(1);
    clock.time += SCAN_IDLE_MS + 1;
    keyspace.activeExpireCycle(1);
    expect(db.parkedScans).toBe(0);
    // The cursor still works, resumed by position.
    expect(db.scan(cursor, 10)[1]).toEqual(Array.from({ length: 10 }, (_, i) => `k${i + 10}`));
  });

  test("refreshes the LRU clock", () => {
    const clock = new ManualClock();
    const keyspace = new Keyspace(1, clock, recorder());
    keyspace.dbs[0]!.set("k", "v");
    clock.time += 7000;
    keyspace.activeExpireCycle(1);
    expect(keyspace.dbs[0]!.idleSeconds("k")).toBe(7);
  });
});

describe("copyValue", () => {
  class Box extends RedisObject {
    readonly type = "box";
    constructor(readonly items: string[]) {
      super();
    }
    encoding(): string {
      return "box";
    }
    copy(): Box {
      return new Box([...this.items]);
    }
  }

  test("strings are shared, objects deep-copied", () => {
    expect(copyValue("abc")).toBe("abc");
    const box = new Box(["a"]);
    const copied = copyValue(box) as Box;
    copied.items.push("b");
    expect(box.items).toEqual(["a"]);
  });
});
