/**
 * The consumer-group workload of issue 6, through ioredis against bunredis: a producer adds
 * 100,000 entries (pipelined) while three consumers of one group read them with XREADGROUP
 * (COUNT batches, BLOCK) and acknowledge them. One consumer "dies": after its first batches it
 * keeps reading but stops acknowledging, then stops. Another consumer takes its pending entries
 * over with XAUTOCLAIM (min-idle 0, so no waiting) and acknowledges them. Nothing may be lost, and
 * nothing may be delivered again once acknowledged.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import IORedis from "ioredis";
import { startServer, type RunningServer } from "../../../src/lib.ts";

const TOTAL = 100_000;
const BATCH = 500;

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

/** A connection to the server under test. */
async function connect(): Promise<IORedis> {
  const client = new IORedis(server.port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  return client;
}

/** XREADGROUP's reply for one stream as [id, fields][] (empty on a timeout). */
type Entries = [string, string[]][];
function entriesOf(reply: unknown): Entries {
  if (reply === null) return [];
  return (reply as [string, Entries][])[0]![1];
}

test("three consumers read 100,000 entries; a dead consumer's entries are claimed; nothing lost or redelivered", async () => {
  const admin = await connect();
  await admin.xgroup("CREATE", "jobs", "workers", "$", "MKSTREAM");
  const acked = new Set<string>();
  /** Every delivery, to check that no acknowledged entry comes again. */
  let deliveries = 0;
  let producing = true;

  const producer = (async () => {
    const client = await connect();
    for (let sent = 0; sent < TOTAL; sent += 1000) {
      const pipeline = client.pipeline();
      for (let i = sent; i < sent + 1000; i++) pipeline.xadd("jobs", "*", "n", String(i));
      await pipeline.exec();
    }
    producing = false;
    client.disconnect();
  })();

  /** Reads and acknowledges until the producer is done and nothing new comes; `dieAfter` stops acking. */
  async function consume(name: string, dieAfter: number): Promise<{ read: number; unacked: string[] }> {
    const client = await connect();
    let read = 0;
    const unacked: string[] = [];
    for (;;) {
      const entries = entriesOf(await client.xreadgroup("GROUP", "workers", name, "COUNT", BATCH, "BLOCK", 50, "STREAMS", "jobs", ">"));
      if (entries.length === 0) {
        if (!producing) break;
        continue;
      }
      deliveries += entries.length;
      const ids = entries.map(([id]) => id);
      for (const id of ids) if (acked.has(id)) throw new Error(`${id} delivered again after its ack`);
      read += ids.length;
      if (read > dieAfter) {
        // This consumer has died: what it read stays pending, and it reads no more.
        unacked.push(...ids);
        break;
      }
      expect(await client.xack("jobs", "workers", ...ids)).toBe(ids.length);
      for (const id of ids) acked.add(id);
    }
    client.disconnect();
    return { read, unacked };
  }

  const [, first, second, dead] = await Promise.all([producer, consume("alice", Infinity), consume("bob", Infinity), consume("carol", 2000)]);
  expect(dead.unacked.length).toBeGreaterThan(0);
  expect(first.read + second.read + dead.read).toBe(TOTAL);
  expect(deliveries).toBe(TOTAL);

  // carol's entries are still pending, in her name.
  const summary = (await admin.xpending("jobs", "workers")) as [number, string, string, [string, string][]];
  expect(summary[0]).toBe(dead.unacked.length);
  expect(summary[3]).toEqual([["carol", String(dead.unacked.length)]]);

  // alice takes them over, 100 at a time, and acknowledges them.
  const claimer = await connect();
  let cursor = "0-0";
  let claimed = 0;
  do {
    const [next, entries, deleted] = (await claimer.xautoclaim("jobs", "workers", "alice", 0, cursor, "COUNT", 100)) as [string, Entries, string[]];
    expect(deleted).toEqual([]);
    const ids = entries.map(([id]) => id);
    for (const id of ids) {
      if (acked.has(id)) throw new Error(`${id} claimed after its ack`);
      expect(dead.unacked).toContain(id);
    }
    if (ids.length > 0) expect(await claimer.xack("jobs", "workers", ...ids)).toBe(ids.length);
    for (const id of ids) acked.add(id);
    claimed += ids.length;
    cursor = next;
  } while (cursor !== "0-0");
  expect(claimed).toBe(dead.unacked.length);

  // Every entry was acknowledged exactly once; nothing is pending; the group has read everything.
  expect(acked.size).toBe(TOTAL);
  expect(await admin.xlen("jobs")).toBe(TOTAL);
  expect(await admin.xpending("jobs", "workers")).toEqual([0, null, null, null]);
  const [group] = (await admin.xinfo("GROUPS", "jobs")) as unknown[][];
  expect(group).toEqual(["name", "workers", "consumers", 3, "pending", 0, "last-delivered-id", (await admin.xrevrange("jobs", "+", "-", "COUNT", 1))[0]![0], "entries-read", TOTAL, "lag", 0]);
  // Nothing new: one more read by anyone returns nothing.
  expect(await claimer.xreadgroup("GROUP", "workers", "bob", "COUNT", 10, "STREAMS", "jobs", ">")).toBeNull();
  claimer.disconnect();
  admin.disconnect();
}, 30_000);

test("idle times come from the server's clock: XAUTOCLAIM and XCLAIM claim once min-idle has passed", async () => {
  let now = 1_700_000_000_000;
  const clocked = await startServer({ clock: { now: () => now } });
  const client = new IORedis(clocked.port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  try {
    expect(await client.xadd("s", "*", "f", "1")).toBe(`${now}-0`);
    expect(await client.xadd("s", "*", "f", "2")).toBe(`${now}-1`);
    await client.xgroup("CREATE", "s", "g", "0");
    await client.xreadgroup("GROUP", "g", "dead", "STREAMS", "s", ">");
    now += 30_000;
    expect(await client.xautoclaim("s", "g", "alive", 60_000, "0", "JUSTID")).toEqual(["0-0", [], []]);
    expect(await client.xpending("s", "g", "-", "+", 10)).toEqual([
      [`${now - 30_000}-0`, "dead", 30_000, 1],
      [`${now - 30_000}-1`, "dead", 30_000, 1],
    ]);
    now += 30_000;
    expect(await client.xautoclaim("s", "g", "alive", 60_000, "0", "COUNT", 1, "JUSTID")).toEqual([`${now - 60_000}-1`, [`${now - 60_000}-0`], []]);
    expect(await client.xclaim("s", "g", "alive", 60_000, `${now - 60_000}-1`, "JUSTID")).toEqual([`${now - 60_000}-1`]);
    now += 5;
    expect(await client.xpending("s", "g", "IDLE", 5, "-", "+", 10, "alive")).toEqual([
      // JUSTID claims do not count as deliveries.
      [`${now - 60_005}-0`, "alive", 5, 1],
      [`${now - 60_005}-1`, "alive", 5, 1],
    ]);
    expect(await client.xinfo("CONSUMERS", "s", "g")).toEqual([
      ["name", "alive", "pending", 2, "idle", 5],
      ["name", "dead", "pending", 0, "idle", 60_005],
    ]);
  } finally {
    client.disconnect();
    await clocked.close();
  }
});
