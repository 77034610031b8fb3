/**
 * @module
 * `IdMap`: items keyed by stream id, kept in id order, for the pending entries lists (PELs) of
 * consumer groups and consumers (Redis keeps each in a radix tree keyed by the 16-byte id). What
 * they need: find by id (XACK, XCLAIM), insert anywhere but mostly at the end (XREADGROUP delivers
 * increasing ids), remove mostly near the front (acks come roughly in order), and walk a range from
 * an id (XPENDING, XAUTOCLAIM, XREADGROUP's history). A sorted array of small sorted blocks does
 * all of it in O(log n) per lookup and O(block) per change, with an O(1) path for appending.
 */
import { compareIds, type U64 } from "./stream-id.ts";

/** What an `IdMap` holds: anything that knows its own id. */
export interface Keyed {
  readonly ms: U64;
  readonly seq: U64;
}

/** Most items per block; a full block is split in two halves. */
const BLOCK = 128;

/** A position in an `IdMap` for walking it in order; invalid once the map changes. */
export interface IdMapCursor {
  block: number;
  index: number;
}

/** Items in id order, each id at most once. */
export class IdMap<T extends Keyed> {
  /** Non-empty sorted runs; every item of a block sorts before every item of the next. */
  private blocks: T[][] = [];
  private count = 0;

  /** Items held. */
  get size(): number {
    return this.count;
  }

  /** The item with this id, or undefined. */
  get(ms: U64, seq: U64): T | undefined {
    const b = this.blockFor(ms, seq);
    if (b < 0) return undefined;
    const block = this.blocks[b]!;
    const i = lowerBound(block, ms, seq);
    const item = block[i];
    return item !== undefined && item.ms === ms && item.seq === seq ? item : undefined;
  }

  /** Adds `item`; false (and nothing changes) when an item with its id is already there. */
  insert(item: T): boolean {
    const blocks = this.blocks;
    const lastBlock = blocks[blocks.length - 1];
    if (lastBlock === undefined) {
      blocks.push([item]);
      this.count++;
      return true;
    }
    const last = lastBlock[lastBlock.length - 1]!;
    const order = compareIds(item.ms, item.seq, last.ms, last.seq);
    if (order === 0) return false;
    if (order > 0) {
      // The common case: a delivery of a newer entry.
      if (lastBlock.length < BLOCK) lastBlock.push(item);
      else blocks.push([item]);
      this.count++;
      return true;
    }
    let b = this.blockFor(item.ms, item.seq);
    if (b < 0) b = 0;
    const block = blocks[b]!;
    const i = lowerBound(block, item.ms, item.seq);
    const there = block[i];
    if (there !== undefined && there.ms === item.ms && there.seq === item.seq) return false;
    block.splice(i, 0, item);
    this.count++;
    if (block.length > BLOCK) blocks.splice(b + 1, 0, block.splice(BLOCK / 2));
    return true;
  }

  /** Removes and returns the item with this id, or undefined when there is none. */
  delete(ms: U64, seq: U64): T | undefined {
    const b = this.blockFor(ms, seq);
    if (b < 0) return undefined;
    const block = this.blocks[b]!;
    const i = lowerBound(block, ms, seq);
    const item = block[i];
    if (item === undefined || item.ms !== ms || item.seq !== seq) return undefined;
    if (i === 0) block.shift();
    else block.splice(i, 1);
    this.count--;
    if (block.length === 0) this.blocks.splice(b, 1);
    return item;
  }

  /** The item with the smallest id, or undefined when empty. */
  first(): T | undefined {
    return this.blocks[0]?.[0];
  }

  /** The item with the largest id, or undefined when empty. */
  last(): T | undefined {
    const block = this.blocks[this.blocks.length - 1];
    return block?.[block.length - 1];
  }

  /** A cursor at the first item whose id is at least (ms, seq) (possibly past the end). */
  seek(ms: U64, seq: U64): IdMapCursor {
    const blocks = this.blocks;
    let b = this.blockFor(ms, seq);
    if (b < 0) return { block: 0, index: 0 };
    const index = lowerBound(blocks[b]!, ms, seq);
    if (index === blocks[b]!.length) return { block: b + 1, index: 0 };
    return { block: b, index };
  }

  /** The item at `cursor`, or undefined past the end. */
  at(cursor: IdMapCursor): T | undefined {
    return this.blocks[cursor.block]?.[cursor.index];
  }

  /** Moves `cursor` to the next item. */
  advance(cursor: IdMapCursor): void {
    if (++cursor.index >= this.blocks[cursor.block]!.length) {
      cursor.block++;
      cursor.index = 0;
    }
  }

  /** Every item in id order. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const block of this.blocks) yield* block;
  }

  /** The index of the last block whose first item is at most (ms, seq); -1 when none is. */
  private blockFor(ms: U64, seq: U64): number {
    const blocks = this.blocks;
    let lo = 0;
    let hi = blocks.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const head = blocks[mid]![0]!;
      if (compareIds(head.ms, head.seq, ms, seq) <= 0) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

/** The index of the first item of `block` whose id is at least (ms, seq). */
function lowerBound<T extends Keyed>(block: readonly T[], ms: U64, seq: U64): number {
  let lo = 0;
  let hi = block.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const item = block[mid]!;
    if (compareIds(item.ms, item.seq, ms, seq) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
