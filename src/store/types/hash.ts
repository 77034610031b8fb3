/**
 * @module
 * The hash type: field -> value, both byte strings. Redis 7.0 keeps a small hash as a `listpack`
 * (fields in insertion order, a deleted field closing its gap) and converts it, for good, to a
 * `hashtable` once it has more fields than `hash-max-listpack-entries` or a field or value longer
 * than `hash-max-listpack-value`. Clients see the listpack's order (HGETALL, HSCAN in one call),
 * so it is kept exactly; the encoding is otherwise a flag, not a second structure.
 *
 * Storage is a map from field to position plus two parallel arrays (fields, values): the map
 * gives O(1) lookups, the arrays O(1) random picks (HRANDFIELD) and a stable order to scan. A
 * listpack deletes by closing the gap (O(n), as Redis's listpack does, and n is small); a
 * hashtable deletes by moving the last entry into the hole (O(1)), which `scanWindow`'s
 * downward cursor tolerates.
 */
import { RedisObject } from "../keyspace.ts";

/** The configuration a hash's encoding follows (the server's config satisfies it). */
export interface HashLimits {
  readonly "hash-max-listpack-entries": number;
  readonly "hash-max-listpack-value": number;
}

/** A Redis hash. */
export class RedisHash extends RedisObject {
  override readonly type = "hash";
  /** Field -> its index in `fieldList` and `valueList`. */
  private readonly positions = new Map<string, number>();
  private readonly fieldList: string[] = [];
  private readonly valueList: string[] = [];
  /** Still a listpack (order-preserving deletes, one-call scans); false once a hashtable. */
  private listpack = true;

  override encoding(): string {
    return this.listpack ? "listpack" : "hashtable";
  }

  /** Whether the hash is still listpack-encoded (HSCAN then answers in one call, as Redis does). */
  get isListpack(): boolean {
    return this.listpack;
  }

  /** Number of fields. */
  get size(): number {
    return this.fieldList.length;
  }

  /** The value of `field`, or undefined. */
  get(field: string): string | undefined {
    const index = this.positions.get(field);
    return index === undefined ? undefined : this.valueList[index];
  }

  has(field: string): boolean {
    return this.positions.has(field);
  }

  /** The field at `index` (0 <= index < size), in the encoding's iteration order. */
  fieldAt(index: number): string {
    return this.fieldList[index]!;
  }

  /** The value at `index` (0 <= index < size). */
  valueAt(index: number): string {
    return this.valueList[index]!;
  }

  /**
   * Redis's `hashTypeTryConversion`: a listpack becomes a hashtable when any of `texts[start..end]`
   * (fields and values about to be written) is longer than `hash-max-listpack-value`, before they
   * are written, even when the write turns out to change nothing.
   */
  convertForLengths(texts: readonly string[], start: number, end: number, limits: HashLimits): void {
    if (!this.listpack) return;
    const max = limits["hash-max-listpack-value"];
    for (let i = start; i <= end; i++) {
      if (texts[i]!.length > max) {
        this.listpack = false;
        return;
      }
    }
  }

  /**
   * Redis's `hashTypeSet`: sets `field` to `value`, converting to a hashtable when either is too
   * long for a listpack or the hash grew past the entry limit. Returns true when the field is new.
   */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (this.listpack) {
      const max = limits["hash-max-listpack-value"];
      if (field.length > max || value.length > max) this.listpack = false;
    }
    const index = this.positions.get(field);
    if (index !== undefined) {
      // An update keeps the field's place, as a listpack replaces the entry in place.
      this.valueList[index] = value;
      return false;
    }
    this.positions.set(field, this.fieldList.length);
    this.fieldList.push(field);
    this.valueList.push(value);
    if (this.listpack && this.fieldList.length > limits["hash-max-listpack-entries"]) this.listpack = false;
    return true;
  }

  /** Removes `field`; returns whether it was there. */
  delete(field: string): boolean {
    const index = this.positions.get(field);
    if (index === undefined) return false;
    this.positions.delete(field);
    const fields = this.fieldList;
    const values = this.valueList;
    if (this.listpack) {
      // A listpack closes the gap, so the others keep their order (HGETALL shows it).
      fields.splice(index, 1);
      values.splice(index, 1);
      for (let i = index; i < fields.length; i++) this.positions.set(fields[i]!, i);
      return true;
    }
    const lastField = fields.pop()!;
    const lastValue = values.pop()!;
    if (index < fields.length) {
      fields[index] = lastField;
      values[index] = lastValue;
      this.positions.set(lastField, index);
    }
    return true;
  }

  /** A uniformly random index in [0, size). */
  randomIndex(): number {
    return Math.floor(Math.random() * this.fieldList.length);
  }

  override copy(): RedisHash {
    const copy = new RedisHash();
    for (let i = 0; i < this.fieldList.length; i++) {
      copy.positions.set(this.fieldList[i]!, i);
      copy.fieldList.push(this.fieldList[i]!);
      copy.valueList.push(this.valueList[i]!);
    }
    copy.listpack = this.listpack;
    return copy;
  }
}

/**
 * One step of a scan over a collection kept in an array that only appends and deletes by moving
 * its last element into the hole (the hashtable encodings here). Returns the window of indexes
 * to examine, `from` down to `to`, and the cursor to hand back (0: the scan is complete).
 *
 * The scan walks indexes downwards, and a cursor is the lowest index already examined. Appends
 * land above every index, and a delete only moves the last element, which is either examined
 * already (it then may be seen twice) or, when the array has shrunk below the cursor, moves to a
 * lower index that is still ahead. So an element present for the whole scan is never skipped —
 * Redis's SCAN guarantee — and the cursor needs no state on the server: any cursor is valid.
 */
export function scanWindow(cursor: number, size: number, count: number): { from: number; to: number; next: number } {
  const from = cursor === 0 || cursor > size ? size - 1 : cursor - 1;
  const to = Math.max(0, from - count + 1);
  return { from, to, next: to };
}

/**
 * `count` distinct indexes of [0, size), in random order (0 < count < size): for HRANDFIELD and
 * SRANDMEMBER with a positive count. O(count) expected when count is small against size (random
 * picks, repeats thrown away), O(size) otherwise (a partial shuffle), as Redis's two strategies.
 */
export function randomDistinctIndexes(size: number, count: number): number[] {
  if (count * 3 > size) {
    const indexes = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const swap = indexes[i]!;
      indexes[i] = indexes[j]!;
      indexes[j] = swap;
    }
    indexes.length = count;
    return indexes;
  }
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(Math.random() * size));
  return [...picked];
}
