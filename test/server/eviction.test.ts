import { describe, expect, test } from "bun:test";
import { startServerProcess } from "../helpers/process.ts";
import { useDifferential } from "../helpers/differential.ts";
import { RespConnection } from "../helpers/resp.ts";

const d = useDifferential();

/** INFO field `name` from a raw INFO reply. */
function infoField(reply: string, name: string): number {
  return Number(new RegExp(`${name}:(\\d+)`).exec(reply)![1]);
}

describe("maxmemory", () => {
  test("over the limit with noeviction: writes get Redis's OOM error, reads still work", async () => {
    await d.check([["SET", "k", "v"], ["CONFIG", "SET", "maxmemory", "1"], ["SET", "k2", "v"], ["GET", "k"], ["DEL", "k"], ["CONFIG", "SET", "maxmemory", "0"], ["SET", "k2", "v"]]);
  });

  test("volatile-* with no key that has a TTL: nothing to evict, OOM", async () => {
    await d.check([["SET", "k", "v"], ["CONFIG", "SET", "maxmemory-policy", "volatile-lru"], ["CONFIG", "SET", "maxmemory", "1"], ["SET", "k2", "v"], ["CONFIG", "SET", "maxmemory", "0"], ["CONFIG", "SET", "maxmemory-policy", "noeviction"]]);
  });

  for (const policy of ["allkeys-random", "allkeys-lru", "volatile-ttl"]) {
    test(`${policy}: writing past the limit evicts keys instead of refusing`, async () => {
      // A process of its own: memory in use is the whole process's, which other tests would move.
      const { server, port } = await startServerProcess(["--log-dir", "", "--maxmemory-policy", policy]);
      const client = await RespConnection.open(port);
      const base = infoField(await client.call("INFO", "memory"), "used_memory");
      expect(await client.call("CONFIG", "SET", "maxmemory", String(base + 4 * 1024 * 1024))).toBe("+OK\r\n");
      const value = "x".repeat(100);
      let refused = 0;
      for (let i = 0; i < 40_000; i++) {
        const reply = await client.call("SET", `key:${i}`, value, "EX", "1000");
        if (reply !== "+OK\r\n") refused++;
      }
      expect(refused).toBe(0);
      const stats = await client.call("INFO", "stats");
      expect(infoField(stats, "evicted_keys")).toBeGreaterThan(0);
      const size = Number((await client.call("DBSIZE")).slice(1, -2));
      expect(size).toBeLessThan(40_000);
      expect(size + infoField(stats, "evicted_keys")).toBe(40_000);
      client.close();
      server.kill();
      expect(await server.exited).toBe(0);
    });
  }
});
