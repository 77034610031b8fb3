import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { Snapshot } from "../../src/persist/snapshot.ts";
import { Keyspace, type Value } from "../../src/store/keyspace.ts";

/** A keyspace with a fixed clock and no listeners. */
function keyspace(databases = 3): Keyspace {
  return new Keyspace(databases, { now: () => 1_000_000 }, { expired: () => {} });
}

/** Every key of every database with its value and expiry, as a plain object. */
function dump(space: Keyspace): Record<string, [Value, number | bigint | undefined]> {
  const out: Record<string, [Value, number | bigint | undefined]> = {};
  for (const db of space.dbs) for (const [key, entry] of db.dict) out[`${db.id}:${key}`] = [entry.value, db.getExpireExact(key)];
  return out;
}

/** Takes a snapshot, running `between` after each small step; returns what the sink received. */
function snapshotWith(space: Keyspace, between: (step: number) => void): Record<string, [Value, number | bigint | undefined]> {
  const seen: Record<string, [Value, number | bigint | undefined]> = {};
  const snapshot = new Snapshot(space, {
    key(db, key, value, expireAt) {
      const name = `${db}:${key}`;
      if (name in seen) throw new Error(`${name} handed over twice`);
      seen[name] = [value, expireAt];
    },
  });
  // A zero budget walks 256 keys per step: many interleavings on a small keyspace.
  for (let step = 0; !snapshot.step(0); step++) between(step);
  snapshot.close();
  return seen;
}

type Operation =
  | { kind: "set"; db: number; key: string; value: string }
  | { kind: "delete"; db: number; key: string }
  | { kind: "expire"; db: number; key: string; when: number }
  | { kind: "persist"; db: number; key: string }
  | { kind: "flush"; db: number }
  | { kind: "swap"; db: number; other: number };

const key = fc.integer({ min: 0, max: 2000 }).map((n) => `k${n}`);
const db = fc.integer({ min: 0, max: 2 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("set" as const), db, key, value: fc.string({ maxLength: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("delete" as const), db, key }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("expire" as const), db, key, when: fc.integer({ min: 2_000_000, max: 3_000_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("persist" as const), db, key }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("flush" as const), db }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("swap" as const), db, other: db }) },
);

function apply(space: Keyspace, op: Operation): void {
  const target = space.dbs[op.db]!;
  if (op.kind === "set") target.set(op.key, op.value);
  else if (op.kind === "delete") target.delete(op.key);
  else if (op.kind === "expire") {
    if (target.has(op.key)) target.setExpire(op.key, op.when);
  } else if (op.kind === "persist") target.persist(op.key);
  else if (op.kind === "flush") target.flush();
  else if (op.other !== op.db) target.swapWith(space.dbs[op.other]!);
}

describe("forkless snapshot", () => {
  test("without writes it hands over every key once, with its expiry", () => {
    const space = keyspace();
    for (let i = 0; i < 1000; i++) space.dbs[i % 3]!.set(`key${i}`, `value${i}`);
    space.dbs[1]!.setExpire("key1", 5_000_000);
    space.dbs[2]!.setExpire("key2", 2n ** 60n);
    expect(snapshotWith(space, () => {})).toEqual(dump(space));
  });

  test("what it hands over is the keyspace at the start, whatever writes run meanwhile", () => {
    fc.assert(
      fc.property(fc.array(fc.array(operation, { maxLength: 30 }), { minLength: 1, maxLength: 20 }), (batches) => {
        const space = keyspace();
        for (let i = 0; i < 1500; i++) space.dbs[i % 3]!.set(`k${i}`, `v${i}`);
        for (let i = 0; i < 300; i += 7) space.dbs[i % 3]!.setExpire(`k${i}`, 4_000_000 + i);
        const before = dump(space);
        const seen = snapshotWith(space, (step) => {
          for (const op of batches[step % batches.length]!) apply(space, op);
        });
        expect(seen).toEqual(before);
        // The hooks are gone: later writes reach nothing.
        for (const database of space.dbs) expect(database.beforeWrite).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });

  test("a second snapshot cannot start while one runs", () => {
    const space = keyspace();
    const first = new Snapshot(space, { key() {} });
    expect(() => new Snapshot(space, { key() {} })).toThrow();
    first.close();
    new Snapshot(space, { key() {} }).close();
  });
});
