/**
 * A Redlock-style lock (single instance) under contention: 20 ioredis clients take the lock with
 * `SET key token NX PX 1000` and release it with a compare-and-delete made of WATCH, GET, MULTI,
 * DEL, EXEC (as a Lua script would do it). An in-test counter of holders must never exceed one,
 * and a release with a stale token must never delete someone else's lock.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import IORedis from "ioredis";
import { startServer, type RunningServer } from "../../src/lib.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const LOCK = "redlock:resource";
const CLIENTS = 20;
const ROUNDS = 5;

/** Compare-and-delete: deletes the lock only if it still holds `token`; true when it did. */
async function release(client: IORedis, token: string): Promise<boolean> {
  await client.watch(LOCK);
  if ((await client.get(LOCK)) !== token) {
    await client.unwatch();
    return false;
  }
  const result = await client.multi().del(LOCK).exec();
  return result !== null && result[0]![1] === 1;
}

test("20 clients contending for one lock: never two holders, every release is the holder's", async () => {
  const clients = Array.from({ length: CLIENTS }, () => new IORedis(server.port, "127.0.0.1", { maxRetriesPerRequest: 0 }));
  let holders = 0;
  let maxHolders = 0;
  let acquisitions = 0;
  let staleReleases = 0;

  async function worker(client: IORedis, id: number): Promise<void> {
    for (let round = 0; round < ROUNDS; round++) {
      const token = `${id}:${round}:${Math.random()}`;
      // Spin until acquired; each failed try is a round trip, so the others make progress.
      while ((await client.set(LOCK, token, "PX", 1000, "NX")) !== "OK");
      holders++;
      acquisitions++;
      maxHolders = Math.max(maxHolders, holders);
      // The critical section spans a few round trips, during which others keep trying.
      expect(await client.get(LOCK)).toBe(token);
      await client.incr("redlock:work");
      holders--;
      expect(await release(client, token)).toBe(true);
      // Releasing again with the now-stale token must not touch whoever holds the lock next.
      if (!(await release(client, token))) staleReleases++;
    }
  }

  await Promise.all(clients.map((client, id) => worker(client, id)));
  expect(maxHolders).toBe(1);
  expect(acquisitions).toBe(CLIENTS * ROUNDS);
  expect(staleReleases).toBe(CLIENTS * ROUNDS);
  expect(await clients[0]!.get("redlock:work")).toBe(String(CLIENTS * ROUNDS));
  expect(await clients[0]!.exists(LOCK)).toBe(0);
  for (const client of clients) client.disconnect();
}, 30_000);

test("the compare-and-delete fails (EXEC null) when the lock changes hands between GET and EXEC", async () => {
  const [holder, thief] = [new IORedis(server.port, "127.0.0.1"), new IORedis(server.port, "127.0.0.1")];
  expect(await holder.set(LOCK, "mine", "PX", 1000, "NX")).toBe("OK");
  await holder.watch(LOCK);
  expect(await holder.get(LOCK)).toBe("mine");
  // The lock expires and another client takes it before the holder's EXEC.
  await thief.del(LOCK);
  expect(await thief.set(LOCK, "theirs", "PX", 1000, "NX")).toBe("OK");
  expect(await holder.multi().del(LOCK).exec()).toBeNull();
  expect(await thief.get(LOCK)).toBe("theirs");
  holder.disconnect();
  thief.disconnect();
});
