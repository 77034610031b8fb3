/**
 * @module
 * The set type: unique byte-string members. Redis 7.0 keeps a set of integers as an `intset`
 * (a sorted array of 64-bit integers, so SMEMBERS and SSCAN list it in ascending order) while
 * every member is an integer in canonical form and there are at most `set-max-intset-entries`
 * of them, and converts it, for good, to a `hashtable` otherwise. Both orders are visible to
 * clients, so both are kept: an intset here is a sorted array of the members' canonical strings
 * (binary search, O(n) insert and delete, as Redis's intset), a hashtable an array plus a map from
 * member to index (O(1) add, delete by moving the last member into the hole, O(1) random picks).
 */
import { RedisObject } from "../keyspace.ts";

/** Redis caps set-max-intset-entries at 2^30 (intset internals). */
const MAX_INTSET_ENTRIES = 1 << 30;

/** A Redis set. */
export class RedisSet extends RedisObject {
  override readonly type = "set";
  /** The members: ascending numerically while an intset, in no meaningful order once a hashtable. */
  private readonly list: string[] = [];
  /** Member -> index in `list`; present exactly when the set is a hashtable. */
  private positions: Map<string, number> | undefined;

  /** An empty intset (Redis's `createIntsetObject`: the start of SINTERSTORE, SUNION, SDIFF results). */
  static intset(): RedisSet {
    return new RedisSet();
  }

  /** An empty set that can hold `first` (Redis's `setTypeCreate`): an intset when it is an integer. */
  static forMember(first: string): RedisSet {
    const set = new RedisSet();
    if (!isInteger64(first)) set.positions = new Map();
    return set;
  }

  override encoding(): string {
    return this.positions === undefined ? "intset" : "hashtable";
  }

  /** Whether the set is still an intset (SSCAN then answers in one call, as Redis does). */
  get isIntset(): boolean {
    return this.positions === undefined;
  }

  get size(): number {
    return this.list.length;
  }

  /** The member at `index` (0 <= index < size), in the encoding's iteration order. */
  at(index: number): string {
    return this.list[index]!;
  }

  has(member: string): boolean {
    if (this.positions !== undefined) return this.positions.has(member);
    return isInteger64(member) && this.search(member) >= 0;
  }

  /**
   * Redis's `setTypeAdd`: adds `member`, converting an intset to a hashtable when the member is not
   * an integer or the set grows past `maxIntsetEntries`. Returns whether it was new.
   */
  add(member: string, maxIntsetEntries: number): boolean {
    const positions = this.positions;
    if (positions !== undefined) {
      if (positions.has(member)) return false;
      positions.set(member, this.list.length);
      this.list.push(member);
      return true;
    }
    if (!isInteger64(member)) {
      this.convert().set(member, this.list.length);
      this.list.push(member);
      return true;
    }
    const found = this.search(member);
    if (found >= 0) return false;
    const at = ~found;
    if (at === this.list.length) this.list.push(member);
    else this.list.splice(at, 0, member);
    if (this.list.length > Math.min(maxIntsetEntries, MAX_INTSET_ENTRIES)) this.convert();
    return true;
  }

  /** Removes `member`; returns whether it was there. */
  delete(member: string): boolean {
    const positions = this.positions;
    const list = this.list;
    if (positions === undefined) {
      if (!isInteger64(member)) return false;
      const index = this.search(member);
      if (index < 0) return false;
      list.splice(index, 1);
      return true;
    }
    const index = positions.get(member);
    if (index === undefined) return false;
    positions.delete(member);
    const last = list.pop()!;
    if (index < list.length) {
      list[index] = last;
      positions.set(last, index);
    }
    return true;
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    return this.list[Math.floor(Math.random() * this.list.length)]!;
  }

  override copy(): RedisSet {
    const copy = new RedisSet();
    for (const member of this.list) copy.list.push(member);
    if (this.positions !== undefined) copy.positions = new Map(this.positions);
    return copy;
  }

  /** Becomes a hashtable (members keep their current places); returns the new index. */
  private convert(): Map<string, number> {
    const positions = new Map<string, number>();
    const list = this.list;
    for (let i = 0; i < list.length; i++) positions.set(list[i]!, i);
    this.positions = positions;
    return positions;
  }

  /** Binary search of an intset for the integer `member`: its index, or ~(where it would go). */
  private search(member: string): number {
    const list = this.list;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = compareIntegers(list[middle]!, member);
      if (order < 0) low = middle + 1;
      else if (order > 0) high = middle - 1;
      else return middle;
    }
    return ~low;
  }
}

/**
 * Redis's `string2ll` as a test: whether `text` spells a 64-bit signed integer in canonical form
 * (no sign but `-`, no leading zeros, no `-0`), which is what an intset can hold.
 */
export function isInteger64(text: string): boolean {
  const length = text.length;
  if (length === 0 || length > 20) return false;
  const negative = text.charCodeAt(0) === 45;
  const start = negative ? 1 : 0;
  const digits = length - start;
  if (digits === 0) return false;
  const first = text.charCodeAt(start);
  if (first === 48) return length === 1;
  if (first < 49 || first > 57) return false;
  for (let i = start + 1; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (digits < 19) return true;
  if (digits > 19) return false;
  // Nineteen digits: compare with the limit as strings (same length, so lexicographic is numeric).
  return text.slice(start) <= (negative ? "9223372036854775808" : "9223372036854775807");
}

/** Numeric order of two canonical integer strings, without converting them. */
export function compareIntegers(a: string, b: string): number {
  if (a === b) return 0;
  const aNegative = a.charCodeAt(0) === 45;
  if (aNegative !== (b.charCodeAt(0) === 45)) return aNegative ? -1 : 1;
  // Same sign: more digits means larger magnitude; equal lengths compare as text. Negative flips both.
  const lessInMagnitude = a.length !== b.length ? a.length < b.length : a < b;
  return lessInMagnitude !== aNegative ? -1 : 1;
}
