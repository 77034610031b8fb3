/**
 * @module
 * The list type: a deque of byte strings in a growable ring buffer. Pushes and pops at both ends
 * and access by index are O(1) (amortised for pushes), which is what LPUSH/RPOP/LINDEX/LSET need;
 * inserting or removing in the middle shifts the shorter side, as cheap as Redis's quicklist for
 * the O(N) commands that do it (LINSERT, LREM). A chunked list would give nothing back here: JS
 * strings are already separate heap objects, so the buffer holds one pointer per element either
 * way, and the chunks would cost O(N / chunk) index access.
 *
 * Redis 7.0 stores every list as a quicklist (listpack-encoded lists came with 7.2), so OBJECT
 * ENCODING is always `quicklist`, whatever the size or `list-max-listpack-size`.
 */
import { RedisObject } from "../keyspace.ts";

/** The smallest buffer; capacities are powers of two so that wrapping is a mask. */
const MIN_CAPACITY = 8;

/** A Redis list: byte strings in order, head (index 0, LEFT) to tail (RIGHT). */
export class List extends RedisObject {
  /** The ring; slots outside the live range hold "" so no popped string stays reachable. */
  private items: string[];
  /** Slot of index 0. */
  private head = 0;
  /** Elements held. */
  private count = 0;

  constructor(values: Iterable<string> = []) {
    super();
    const initial = Array.isArray(values) ? (values as string[]) : [...values];
    let capacity = MIN_CAPACITY;
    while (capacity < initial.length) capacity *= 2;
    this.items = new Array<string>(capacity).fill("");
    for (let i = 0; i < initial.length; i++) this.items[i] = initial[i]!;
    this.count = initial.length;
  }

  /** TYPE's name; a getter, so it costs no slot per list. */
  get type(): string {
    return "list";
  }

  /** Always `quicklist`: Redis 7.0 has no other list encoding. */
  encoding(): string {
    return "quicklist";
  }

  /** An independent copy (COPY). */
  copy(): List {
    return new List(this.toArray());
  }

  /** Elements held (LLEN). */
  get length(): number {
    return this.count;
  }

  /** The element at `index` (0 ≤ index < length). */
  at(index: number): string {
    return this.items[(this.head + index) & (this.items.length - 1)]!;
  }

  /** Replaces the element at `index` (0 ≤ index < length). */
  set(index: number, value: string): void {
    this.items[(this.head + index) & (this.items.length - 1)] = value;
  }

  /** Adds `value` before the first element (LPUSH). */
  pushHead(value: string): void {
    if (this.count === this.items.length) this.resize(this.items.length * 2);
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = value;
    this.count++;
  }

  /** Adds `value` after the last element (RPUSH). */
  pushTail(value: string): void {
    if (this.count === this.items.length) this.resize(this.items.length * 2);
    this.items[(this.head + this.count) & (this.items.length - 1)] = value;
    this.count++;
  }

  /** Removes and returns the first element, or undefined when empty (LPOP). */
  popHead(): string | undefined {
    if (this.count === 0) return undefined;
    const items = this.items;
    const value = items[this.head]!;
    items[this.head] = "";
    this.head = (this.head + 1) & (items.length - 1);
    this.count--;
    this.shrinkIfSparse();
    return value;
  }

  /** Removes and returns the last element, or undefined when empty (RPOP). */
  popTail(): string | undefined {
    if (this.count === 0) return undefined;
    const items = this.items;
    const slot = (this.head + this.count - 1) & (items.length - 1);
    const value = items[slot]!;
    items[slot] = "";
    this.count--;
    this.shrinkIfSparse();
    return value;
  }

  /** Inserts `value` so that it ends up at `index` (0 ≤ index ≤ length), shifting the shorter side. */
  insert(index: number, value: string): void {
    if (index === 0) return this.pushHead(value);
    if (index === this.count) return this.pushTail(value);
    if (this.count === this.items.length) this.resize(this.items.length * 2);
    const mask = this.items.length - 1;
    const items = this.items;
    if (index < this.count / 2) {
      // Move the first `index` elements one slot towards the front.
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < index; i++) items[(this.head + i) & mask] = items[(this.head + i + 1) & mask]!;
    } else {
      for (let i = this.count; i > index; i--) items[(this.head + i) & mask] = items[(this.head + i - 1) & mask]!;
    }
    items[(this.head + index) & mask] = value;
    this.count++;
  }

  /** Removes the element at `index` (0 ≤ index < length), shifting the shorter side. */
  removeAt(index: number): void {
    const mask = this.items.length - 1;
    const items = this.items;
    if (index < this.count / 2) {
      for (let i = index; i > 0; i--) items[(this.head + i) & mask] = items[(this.head + i - 1) & mask]!;
      items[this.head] = "";
      this.head = (this.head + 1) & mask;
    } else {
      for (let i = index; i < this.count - 1; i++) items[(this.head + i) & mask] = items[(this.head + i + 1) & mask]!;
      items[(this.head + this.count - 1) & mask] = "";
    }
    this.count--;
    this.shrinkIfSparse();
  }

  /** Keeps only indexes `start..stop` (0 ≤ start ≤ stop < length), in O(removed) (LTRIM). */
  trim(start: number, stop: number): void {
    const mask = this.items.length - 1;
    for (let i = 0; i < start; i++) this.items[(this.head + i) & mask] = "";
    for (let i = stop + 1; i < this.count; i++) this.items[(this.head + i) & mask] = "";
    this.head = (this.head + start) & mask;
    this.count = stop - start + 1;
    this.shrinkIfSparse();
  }

  /** Removes every element (LTRIM to an empty range). */
  clear(): void {
    this.items = new Array<string>(MIN_CAPACITY).fill("");
    this.head = 0;
    this.count = 0;
  }

  /**
   * Removes elements equal to `value` (LREM): the first `count` from the head when count > 0,
   * the last `-count` from the tail when count < 0, all when 0. One pass; returns how many.
   */
  removeMatches(value: string, count: number): number {
    const limit = count === 0 ? Infinity : Math.abs(count);
    const mask = this.items.length - 1;
    const items = this.items;
    const n = this.count;
    let removed = 0;
    if (count >= 0) {
      let write = 0;
      for (let read = 0; read < n; read++) {
        const item = items[(this.head + read) & mask]!;
        if (removed < limit && item === value) removed++;
        else items[(this.head + write++) & mask] = item;
      }
      for (let i = write; i < n; i++) items[(this.head + i) & mask] = "";
    } else {
      let write = n - 1;
      for (let read = n - 1; read >= 0; read--) {
        const item = items[(this.head + read) & mask]!;
        if (removed < limit && item === value) removed++;
        else items[(this.head + write--) & mask] = item;
      }
      for (let i = 0; i <= write; i++) items[(this.head + i) & mask] = "";
      this.head = (this.head + removed) & mask;
    }
    this.count = n - removed;
    this.shrinkIfSparse();
    return removed;
  }

  /** Index of the first element equal to `value`, or -1 (LINSERT's pivot). */
  indexOf(value: string): number {
    const mask = this.items.length - 1;
    for (let i = 0; i < this.count; i++) if (this.items[(this.head + i) & mask] === value) return i;
    return -1;
  }

  /** The elements, head to tail (tests, COPY, persistence). */
  toArray(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i);
    return out;
  }

  /** The ring's slot count (tests check that memory is given back). */
  get capacity(): number {
    return this.items.length;
  }

  /** Halves the ring while it is at most a quarter full, so a drained list gives memory back. */
  private shrinkIfSparse(): void {
    const capacity = this.items.length;
    if (capacity > MIN_CAPACITY && this.count <= capacity / 4) {
      let target = capacity / 2;
      while (target > MIN_CAPACITY && this.count <= target / 4) target /= 2;
      this.resize(target);
    }
  }

  /** Moves the elements into a ring of `capacity` slots, index 0 at slot 0. */
  private resize(capacity: number): void {
    const items = new Array<string>(capacity).fill("");
    for (let i = 0; i < this.count; i++) items[i] = this.at(i);
    this.items = items;
    this.head = 0;
  }
}
