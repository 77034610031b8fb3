/**
 * @module
 * `maxmemory` enforcement, as Redis's `performEvictions`: before a command runs, while the memory
 * in use is over the limit, keys chosen by `maxmemory-policy` are removed; when nothing may be
 * removed (`noeviction`, or no volatile key left for a volatile-* policy) commands that may grow
 * memory are refused with OOM.
 *
 * Memory in use is the JS heap's live bytes plus external buffers (INFO's used_memory). Reading
 * it costs a system call, so it is sampled by the cron; between samples each eviction subtracts
 * the evicted key's size (Redis's estimate, or the measured average per key if larger), and a
 * sample over the limit first forces a full collection, so that garbage is not mistaken for data
 * (which would evict far too much). Eviction is therefore as exact as those figures: keys are
 * removed in the right order, but the amount is approximate, where Redis counts every allocation.
 */
import type { Db } from "../store/keyspace.ts";
import { NOTIFY_EVICTED } from "./notifications.ts";
import { usedMemory } from "./info.ts";
import { keyMemoryUsage } from "./memory.ts";
import type { Server } from "./server.ts";

/** The OOM reply, in Redis's words. */
export const ERR_OOM = "OOM command not allowed when used memory > 'maxmemory'.";

/** Keys looked at per eviction, per database (Redis's maxmemory-samples default). */
const SAMPLES = 5;

/** Tracks memory in use against `maxmemory` and evicts by policy. */
export class Evictor {
  /** Memory in use as of the last sample, less what was evicted since; -1 before the first. */
  private used = -1;
  /**
   * Bytes a key takes on average, as last measured: Redis's accounting undercounts what the JS
   * heap keeps per key, so an eviction is taken to free at least this much.
   */
  private averageKeyBytes = 0;

  constructor(private readonly server: Server) {}

  /** Re-reads memory in use (from the cron); collects garbage first when over the limit. */
  sample(): void {
    const max = this.server.config.maxmemory;
    if (max === 0) return;
    this.used = usedMemory();
    if (this.used > max) {
      Bun.gc(true);
      this.used = usedMemory();
    }
    let keys = 0;
    for (const db of this.server.keyspace.dbs) keys += db.size;
    this.averageKeyBytes = keys === 0 ? 0 : Math.max(0, this.used - this.server.startupMemory) / keys;
  }

  /**
   * Evicts until memory in use is under `maxmemory`. Returns false when it stays over (nothing
   * may be evicted): commands flagged denyoom are then refused.
   */
  makeRoom(): boolean {
    const server = this.server;
    const max = server.config.maxmemory;
    if (this.used < 0) this.sample(); // maxmemory was just set (CONFIG SET) or the cron has not run yet
    if (this.used <= max) return true;
    const policy = server.config["maxmemory-policy"];
    if (policy === "noeviction") return false;
    const volatile = policy.startsWith("volatile-");
    while (this.used > max) {
      const victim = this.choose(policy, volatile);
      if (victim === undefined) return false;
      const [db, key] = victim;
      const value = db.peek(key);
      if (value === undefined) continue;
      this.used -= Math.max(keyMemoryUsage(key, value, SAMPLES), this.averageKeyBytes);
      db.delete(key);
      server.stats.evictedKeys++;
      // WATCH and the `evicted` notification, as Redis's performEvictions.
      server.keyRemoved(db, key, "evicted", NOTIFY_EVICTED);
    }
    return true;
  }

  /**
   * The best key to evict among a sample from every database: the longest idle (lru, and lfu,
   * which is approximated by idle time here), the nearest expiry (ttl), or the first (random).
   */
  private choose(policy: string, volatile: boolean): [Db, string] | undefined {
    let best: [Db, string] | undefined;
    let bestScore = -Infinity;
    for (const db of this.server.keyspace.dbs) {
      for (const key of db.sampleKeys(SAMPLES, volatile)) {
        const score = policy.endsWith("-random") ? 0 : policy === "volatile-ttl" ? -(db.getExpire(key) ?? Infinity) : db.idleSeconds(key);
        if (best === undefined || score > bestScore) {
          best = [db, key];
          bestScore = score;
          if (policy.endsWith("-random")) return best;
        }
      }
    }
    return best;
  }
}
