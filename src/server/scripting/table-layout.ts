/**
 * @module
 * Where Lua 5.1 keeps each key of a table, so that `next` (and so `pairs`, `cjson.encode`,
 * `cmsgpack.pack`) visits keys in the order Redis's Lua visits them, and `#` finds the border
 * Redis's finds. fengari keeps a table as an insertion-ordered Map, which is a different order
 * from Lua 5.1's: its array part (keys 1..sizearray) first, then its hash part, a power-of-two
 * array of nodes in which a key sits at its hash's "main position" or, on a collision, in the
 * free node nearest the end (Brent's variation), the whole table being rebuilt (array and node
 * sizes recomputed, old nodes re-inserted last to first) when no node is free. A script that
 * returns `cjson.encode({a=1, b=2})` sees that order in its reply, and a job queue that stores
 * JSON made in Lua (BullMQ keeps each job's options so) stores it.
 *
 * A `TableLayout` replays exactly those steps for the keys it is told about, without the values:
 * a key is known by an identity (equal for keys Lua considers equal) and by what Lua 5.1 hashes
 * it by. Keys whose hash is an address in C (tables, functions) have no reproducible position in
 * Redis either; they get one from the caller that is at least stable.
 */

/** How a key's main position is found. */
export const KEY_NUMBER = 0;
/** Strings and booleans: the hash modulo the (power of two) node count. */
export const KEY_POW2 = 1;
/** Pointers: the hash modulo (node count - 1) | 1, as Lua spreads addresses. */
export const KEY_POINTER = 2;
/** One of KEY_NUMBER, KEY_POW2, KEY_POINTER. */
export type KeyKind = typeof KEY_NUMBER | typeof KEY_POW2 | typeof KEY_POINTER;

/** Lua 5.1's largest array part is 2^26 (MAXBITS). */
const MAX_BITS = 26;
const MAX_ARRAY_SIZE = 2 ** MAX_BITS;
const NO_NODE = -1;

/**
 * Redis's Lua string hash (lstring.c, with Redis's change to hash every byte rather than a
 * sample): seeded with the length, folded from the last byte to the first, 32-bit unsigned.
 */
export function luaStringHash(bytes: Uint8Array): number {
  let hash = bytes.length >>> 0;
  for (let i = bytes.length - 1; i >= 0; i--) hash = (hash ^ (((hash << 5) >>> 0) + (hash >>> 2) + bytes[i]!)) >>> 0;
  return hash;
}

// Scratch space to read a double's two 32-bit halves; it carries nothing from one call to the next.
const numberBits = new Float64Array(1);
const numberWords = new Uint32Array(numberBits.buffer);

/** Lua 5.1's hashnum before the modulo: the sum of the double's two 32-bit words (0 for ±0). */
function numberHash(value: number): number {
  if (value === 0) return 0;
  numberBits[0] = value;
  return (numberWords[0]! + numberWords[1]!) >>> 0;
}

/** The array-part index a number key would have (Lua's arrayindex), or 0 if it cannot have one. */
function arrayIndex(value: number): number {
  return Number.isInteger(value) && value >= 1 && value <= 2147483647 ? value : 0;
}

/** ceil(log2(x)) for x >= 1. */
function ceilLog2(x: number): number {
  return x <= 1 ? 0 : 32 - Math.clz32(x - 1);
}

/** Lua's luaO_fb2int: the size a constructor's "floating point byte" hint stands for. */
export function fromFloatingByte(x: number): number {
  const exponent = (x >>> 3) & 31;
  return exponent === 0 ? x : ((x & 7) + 8) * 2 ** (exponent - 1);
}

/** The node arrays of a table without a hash part: empty, so never written. */
const NO_NODES = {
  identity: [] as unknown[],
  hash: new Float64Array(0),
  kind: new Uint8Array(0),
  next: new Int32Array(0),
  live: new Uint8Array(0),
};
const NO_ARRAY = new Uint8Array(0);

/** The array and hash parts of one Lua 5.1 table, keys only. */
export class TableLayout {
  /** Size of the array part: keys 1..sizeArray live there. */
  private sizeArray = 0;
  /** Which array slots hold a value (index k - 1 for key k). */
  private arrayLive = NO_ARRAY;
  /** log2 of the node count; with `dummy` there are no nodes (Lua's shared dummynode). */
  private logSize = 0;
  private dummy = true;
  /** Node contents: identity (undefined: free), hash input and kind, chain link, whether valued. */
  private identity = NO_NODES.identity;
  private hash = NO_NODES.hash;
  private kind = NO_NODES.kind;
  private next = NO_NODES.next;
  private live = NO_NODES.live;
  /** Free nodes are searched downwards from here (Lua's lastfree). */
  private lastFree = 0;

  /** A table as `luaH_new(narray, nhash)` makes it: a constructor's size hints, or none. */
  constructor(arraySize = 0, hashSize = 0) {
    this.setArraySize(arraySize);
    this.setNodeCount(hashSize);
  }

  /**
   * Records an assignment to the key: `live` says whether the value is non-nil. As in Lua 5.1 the
   * key gets a slot even when nil is assigned to a key the table did not hold (`t.x = nil` may
   * rebuild the table), and a key whose value became nil keeps its node until the next rebuild,
   * taking it back if it is set again.
   */
  set(identity: unknown, kind: KeyKind, hash: number, live: boolean): void {
    const index = kind === KEY_NUMBER ? arrayIndex(hash) : 0;
    if (index !== 0 && index <= this.sizeArray) {
      this.arrayLive[index - 1] = live ? 1 : 0;
      return;
    }
    let node = this.find(identity, kind, hash);
    if (node === NO_NODE) node = this.newKey(identity, kind, hash);
    if (node === NO_NODE) this.arrayLive[index - 1] = live ? 1 : 0;
    else this.live[node] = live ? 1 : 0;
  }

  /**
   * Grows the array part to `size` before a table constructor stores its list items (OP_SETLIST's
   * luaH_resizearray), rebuilding the hash part at its current size.
   */
  reserveArray(size: number): void {
    if (size > this.sizeArray) this.resize(size, this.dummy ? 0 : 1 << this.logSize);
  }

  /**
   * The identity of the key after `after` in traversal order (`undefined` to start), `undefined`
   * when there is none, or `null` when `after` is not in the table ("invalid key to 'next'").
   */
  nextKey(after: { identity: unknown; kind: KeyKind; hash: number } | undefined): unknown {
    let position: number;
    if (after === undefined) position = -1;
    else {
      const index = after.kind === KEY_NUMBER ? arrayIndex(after.hash) : 0;
      if (index !== 0 && index <= this.sizeArray) position = index - 1;
      else {
        const node = this.find(after.identity, after.kind, after.hash);
        if (node === NO_NODE) return null;
        position = this.sizeArray + node;
      }
    }
    for (position++; position < this.sizeArray; position++) if (this.arrayLive[position]) return position + 1;
    const nodes = this.dummy ? 0 : 1 << this.logSize;
    for (let node = position - this.sizeArray; node < nodes; node++) if (this.live[node]) return this.identity[node];
    return undefined;
  }

  /**
   * The length operator's result (luaH_getn): a border found by binary search in the array part
   * if its last slot is empty, else by doubling past it; `has(k)` says whether key k has a value.
   */
  length(has: (key: number) => boolean): number {
    let j = this.sizeArray;
    if (j > 0 && !this.arrayLive[j - 1]) {
      let i = 0;
      while (j - i > 1) {
        const middle = Math.floor((i + j) / 2);
        if (!this.arrayLive[middle - 1]) j = middle;
        else i = middle;
      }
      return i;
    }
    if (this.dummy) return j;
    let i = j;
    j++;
    while (has(j)) {
      i = j;
      j *= 2;
      if (j > 2147483647) {
        // Built to defeat the search: Lua falls back to walking from 1.
        i = 1;
        while (has(i)) i++;
        return i - 1;
      }
    }
    while (j - i > 1) {
      const middle = Math.floor((i + j) / 2);
      if (!has(middle)) j = middle;
      else i = middle;
    }
    return i;
  }

  /** The node a key hashes to with the current node count. */
  private mainPosition(kind: number, hash: number): number {
    const count = 1 << this.logSize;
    if (kind === KEY_POW2) return hash & (count - 1);
    const spread = kind === KEY_NUMBER ? numberHash(hash) : hash >>> 0;
    return spread % ((count - 1) | 1);
  }

  /** The node holding `identity` (valued or not), found along its main position's chain. */
  private find(identity: unknown, kind: KeyKind, hash: number): number {
    if (this.dummy) return NO_NODE;
    let node = this.mainPosition(kind, hash);
    do {
      if (this.identity[node] === identity) return node;
      node = this.next[node]!;
    } while (node !== NO_NODE);
    return NO_NODE;
  }

  /** The next free node below lastFree, or NO_NODE (Lua's getfreepos). */
  private freeNode(): number {
    while (this.lastFree > 0) {
      this.lastFree--;
      if (this.identity[this.lastFree] === undefined) return this.lastFree;
    }
    return NO_NODE;
  }

  /**
   * Places a key that is in neither part (Lua's newkey, with the rebuild when full) and returns
   * its node, or NO_NODE if the rebuild made room for it in the array part.
   */
  private newKey(identity: unknown, kind: KeyKind, hash: number): number {
    let main = this.dummy ? NO_NODE : this.mainPosition(kind, hash);
    if (main === NO_NODE || this.live[main]) {
      const free = this.freeNode();
      if (free === NO_NODE) {
        this.rehash(kind, hash);
        const index = kind === KEY_NUMBER ? arrayIndex(hash) : 0;
        return index !== 0 && index <= this.sizeArray ? NO_NODE : this.newKey(identity, kind, hash);
      }
      const colliding = this.mainPosition(this.kind[main]!, this.hash[main]!);
      if (colliding !== main) {
        // The occupant is not in its own main position: it moves to the free node.
        let previous = colliding;
        while (this.next[previous] !== main) previous = this.next[previous]!;
        this.next[previous] = free;
        this.copyNode(main, free);
        this.next[main] = NO_NODE;
        this.live[main] = 0;
      } else {
        // The occupant belongs there: the new key takes the free node, chained after it.
        this.next[free] = this.next[main]!;
        this.next[main] = free;
        main = free;
      }
    }
    this.identity[main] = identity;
    this.kind[main] = kind;
    this.hash[main] = hash;
    this.live[main] = 1;
    return main;
  }

  private copyNode(from: number, to: number): void {
    this.identity[to] = this.identity[from];
    this.kind[to] = this.kind[from]!;
    this.hash[to] = this.hash[from]!;
    this.next[to] = this.next[from]!;
    this.live[to] = this.live[from]!;
  }

  /** Lua's rehash: counts the valued keys (and the one being added) and resizes both parts. */
  private rehash(extraKind: KeyKind, extraHash: number): void {
    const counts = new Array<number>(MAX_BITS + 1).fill(0);
    let arrayCandidates = 0;
    let total = 0;
    const count = (key: number) => {
      const index = arrayIndex(key);
      if (index === 0 || index > MAX_ARRAY_SIZE) return;
      counts[ceilLog2(index)]!++;
      arrayCandidates++;
    };
    for (let i = 0; i < this.sizeArray; i++) {
      if (!this.arrayLive[i]) continue;
      counts[ceilLog2(i + 1)]!++;
      arrayCandidates++;
      total++;
    }
    const nodes = this.dummy ? 0 : 1 << this.logSize;
    for (let node = 0; node < nodes; node++) {
      if (!this.live[node]) continue;
      total++;
      if (this.kind[node] === KEY_NUMBER) count(this.hash[node]!);
    }
    if (extraKind === KEY_NUMBER) count(extraHash);
    total++;
    // computesizes: the largest power of two n such that more than half of 1..n are used.
    let size = 0;
    let inArray = 0;
    let below = 0;
    for (let bits = 0, power = 1; power / 2 < arrayCandidates; bits++, power *= 2) {
      if (counts[bits]! > 0) {
        below += counts[bits]!;
        if (below > power / 2) {
          size = power;
          inArray = below;
        }
      }
      if (below === arrayCandidates) break;
    }
    this.resize(size, total - inArray);
  }

  /** Lua's resize: new array size, a fresh node part, then the displaced keys re-inserted. */
  private resize(arraySize: number, hashSize: number): void {
    const oldArraySize = this.sizeArray;
    const oldArrayLive = this.arrayLive;
    const oldNodes = this.dummy ? 0 : 1 << this.logSize;
    const oldIdentity = this.identity;
    const oldHash = this.hash;
    const oldKind = this.kind;
    const oldLive = this.live;
    if (arraySize > oldArraySize) this.setArraySize(arraySize);
    this.setNodeCount(hashSize);
    if (arraySize < oldArraySize) {
      this.sizeArray = arraySize;
      this.arrayLive = oldArrayLive.slice(0, arraySize);
      for (let i = arraySize; i < oldArraySize; i++) if (oldArrayLive[i]) this.set(i + 1, KEY_NUMBER, i + 1, true);
    }
    for (let node = oldNodes - 1; node >= 0; node--) if (oldLive[node]) this.set(oldIdentity[node], oldKind[node] as KeyKind, oldHash[node]!, true);
  }

  private setArraySize(size: number): void {
    if (size > this.arrayLive.length) {
      const grown = new Uint8Array(size);
      grown.set(this.arrayLive.subarray(0, this.sizeArray));
      this.arrayLive = grown;
    }
    this.sizeArray = size;
  }

  /** A fresh, empty node part for `size` keys (rounded up to a power of two; none for 0). */
  private setNodeCount(size: number): void {
    this.dummy = size === 0;
    this.logSize = size === 0 ? 0 : ceilLog2(size);
    const count = size === 0 ? 0 : 1 << this.logSize;
    this.lastFree = count;
    if (count === 0) {
      // Most tables (KEYS, ARGV, replies) never hash a key: they share the empty arrays.
      this.identity = NO_NODES.identity;
      this.hash = NO_NODES.hash;
      this.kind = NO_NODES.kind;
      this.next = NO_NODES.next;
      this.live = NO_NODES.live;
      return;
    }
    this.identity = new Array<unknown>(count).fill(undefined);
    this.hash = new Float64Array(count);
    this.kind = new Uint8Array(count);
    this.next = new Int32Array(count).fill(NO_NODE);
    this.live = new Uint8Array(count);
  }
}
