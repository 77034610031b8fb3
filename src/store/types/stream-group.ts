/**
 * @module
 * A stream's consumer groups, as Redis 7.0 keeps them (streamCG, streamConsumer, streamNACK).
 *
 * Layout, for whoever serialises them:
 * - `ConsumerGroup`: `name`, the last delivered id (`lastMs`, `lastSeq`), `entriesRead` (the read
 *   counter; `INVALID_ENTRIES_READ` when unknown), `pel` (every pending entry of the group, by id)
 *   and `consumers` (by name, in creation order: sort the names for Redis's byte order).
 * - `Consumer`: `name`, `seenTime` (ms), `pel` (its own pending entries: the same objects as in
 *   the group's PEL, not copies).
 * - `PendingEntry` (a NACK): its id, `consumer`, `deliveryTime` (ms) and `deliveryCount`.
 */
import { IdMap } from "./stream-pel.ts";
import type { U64 } from "./stream-id.ts";

/** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const INVALID_ENTRIES_READ = -1;

/** An entry delivered to a consumer and not yet acknowledged (Redis's streamNACK). */
export class PendingEntry {
  constructor(
    readonly ms: U64,
    readonly seq: U64,
    /** Who has it; undefined only for a moment while XCLAIM FORCE creates it. */
    public consumer: Consumer | undefined,
    /** When it was last delivered (ms since the epoch). */
    public deliveryTime: number,
    /** How many times it was delivered. */
    public deliveryCount: number,
  ) {}
}

/** A consumer of a group. */
export class Consumer {
  /** Its pending entries (shared with the group's PEL). */
  readonly pel = new IdMap<PendingEntry>();

  constructor(
    readonly name: string,
    /** When it was last seen by a command (ms since the epoch). */
    public seenTime: number,
  ) {}
}

/** A consumer group. */
export class ConsumerGroup {
  /** Every pending entry of the group, by id. */
  readonly pel = new IdMap<PendingEntry>();
  /** Consumers by name, in creation order. */
  readonly consumers = new Map<string, Consumer>();

  constructor(
    readonly name: string,
    /** The last id delivered to the group. */
    public lastMs: U64,
    public lastSeq: U64,
    /** Entries read by the group (its logical position; a signed 64-bit counter), or INVALID_ENTRIES_READ. */
    public entriesRead: number | bigint,
  ) {}

  /** Creates consumer `name` seen at `now`; undefined when it exists already. */
  createConsumer(name: string, now: number): Consumer | undefined {
    if (this.consumers.has(name)) return undefined;
    const consumer = new Consumer(name, now);
    this.consumers.set(name, consumer);
    return consumer;
  }

  /** Removes a consumer and its pending entries from the group's PEL; returns how many it had. */
  deleteConsumer(consumer: Consumer): number {
    const pending = consumer.pel.size;
    for (const entry of consumer.pel) this.pel.delete(entry.ms, entry.seq);
    this.consumers.delete(consumer.name);
    return pending;
  }

  /** Removes a pending entry from the group and its consumer (XACK); false when it is not pending. */
  acknowledge(ms: U64, seq: U64): boolean {
    const entry = this.pel.delete(ms, seq);
    if (entry === undefined) return false;
    entry.consumer?.pel.delete(ms, seq);
    return true;
  }

  /** Consumers in Redis's order (their names' bytes). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** An independent copy (COPY): consumers and PELs rebuilt, sharing nothing. */
  copy(): ConsumerGroup {
    const copy = new ConsumerGroup(this.name, this.lastMs, this.lastSeq, this.entriesRead);
    const consumers = new Map<Consumer, Consumer>();
    for (const consumer of this.consumers.values()) {
      const clone = new Consumer(consumer.name, consumer.seenTime);
      consumers.set(consumer, clone);
      copy.consumers.set(clone.name, clone);
    }
    for (const entry of this.pel) {
      const owner = entry.consumer === undefined ? undefined : consumers.get(entry.consumer);
      const clone = new PendingEntry(entry.ms, entry.seq, owner, entry.deliveryTime, entry.deliveryCount);
      copy.pel.insert(clone);
      owner?.pel.insert(clone);
    }
    return copy;
  }
}
