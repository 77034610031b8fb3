/**
 * @module
 * HyperLogLog, byte for byte as Redis 7.0 keeps it. An HLL is an ordinary string value (TYPE
 * string, GET returns its bytes), so the functions here work on a `ByteString` whose bytes they
 * change in place; a value Redis wrote (copied with GET/SET, DUMP/RESTORE) works here and back.
 *
 * Layout (offsets in bytes):
 * - 0..3 the magic `HYLL`; 4 the encoding (0 dense, 1 sparse); 5..7 unused;
 * - 8..15 the cached cardinality, a little-endian 64-bit integer whose top bit (byte 15, 0x80)
 *   set means "stale, recount";
 * - dense: 16384 registers of 6 bits from byte 16 on (12288 bytes), packed from each byte's low
 *   bits up, a register spilling into the next byte;
 * - sparse: run-length opcodes from byte 16 on, covering the 16384 registers in order:
 *   ZERO `00xxxxxx` (1..64 zero registers), XZERO `01xxxxxx yyyyyyyy` (1..16384 zero registers,
 *   14 bits big-endian) and VAL `1vvvvvxx` (1..4 registers of value 1..32).
 *
 * An element's register and value come from MurmurHash64A (seed 0xadc83b19): the low 14 bits pick
 * the register, the value is 1 + the count of zero bits above them (at most 51). A sparse HLL
 * turns dense when a value passes 32 or when it would outgrow `hll-sparse-max-bytes`. The
 * estimate is Ertl's improved estimator over the register histogram, as Redis 7.0 computes it.
 *
 * The 64-bit hash is computed on two 32-bit halves: a BigInt per element would cost more than the
 * rest of PFADD together.
 */
import { ByteString } from "./string.ts";

/** Bytes before the registers: magic, encoding, unused, cached cardinality. */
export const HLL_HEADER_SIZE = 16;
/** 2^14 registers. */
export const HLL_REGISTERS = 16384;
/** A dense HLL's exact length: the header and 16384 six-bit registers. */
export const HLL_DENSE_SIZE = HLL_HEADER_SIZE + (HLL_REGISTERS * 6) / 8;
/** The encoding byte's values. */
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
/** A register's highest value in the sparse form (a VAL opcode's 5 bits). */
const SPARSE_VAL_MAX = 32;
/** The byte of the header holding the cache's "stale" bit. */
const CACHE_FLAG_BYTE = 15;
/**
 * The estimate Redis gives when it overflows a 64-bit integer (only forged registers do): -2^63,
 * exact as a number.
 */
export const LLONG_MIN = -(2 ** 63);
/** 0.5 / ln 2: the estimator's bias correction for an infinite number of registers. */
const ALPHA_INF = 0.72134752044448170368;

/** MurmurHash64A's multiplier 0xc6a4a7935bd1e995, as halves and the low half's 16-bit halves. */
const M_LOW = 0x5bd1e995;
const M_HIGH = 0xc6a4a793;
const M_LOW_0 = 0xe995;
const M_LOW_1 = 0x5bd1;
/** The seed Redis hashes HLL elements with. */
const SEED = 0xadc83b19;

/** The high 32 bits of `a` (unsigned 32-bit) times M_LOW, exact, on 16-bit halves. */
function highOfTimesMLow(a: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const w0 = a0 * M_LOW_0;
  const t = a1 * M_LOW_0 + (w0 >>> 16);
  const u = a0 * M_LOW_1 + (t & 0xffff);
  return a1 * M_LOW_1 + (t >>> 16) + (u >>> 16);
}

/** The high half of the 64-bit `(high, low) * m mod 2^64`; the low half is `Math.imul(low, M_LOW)`. */
function highTimesM(low: number, high: number): number {
  return (highOfTimesMLow(low >>> 0) + Math.imul(high, M_LOW) + Math.imul(low, M_HIGH)) | 0;
}

/** Count of trailing zero bits of a non-zero 32-bit integer. */
function trailingZeros(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * Redis's `hllPatLen` for `element` (a latin1 byte string): MurmurHash64A of its bytes, then the
 * register (the low 14 bits) and the run length (1 + the zeros above them, at most 51), packed
 * as `register | count << 14` so the hot path allocates nothing.
 */
export function elementPattern(element: string): number {
  const length = element.length;
  // h = seed ^ (length * m), 64-bit.
  let high = highTimesM(length, 0);
  let low = Math.imul(length, M_LOW) ^ SEED;
  const blocksEnd = length - (length & 7);
  let i = 0;
  for (; i < blocksEnd; i += 8) {
    let kLow = element.charCodeAt(i) | (element.charCodeAt(i + 1) << 8) | (element.charCodeAt(i + 2) << 16) | (element.charCodeAt(i + 3) << 24);
    let kHigh = element.charCodeAt(i + 4) | (element.charCodeAt(i + 5) << 8) | (element.charCodeAt(i + 6) << 16) | (element.charCodeAt(i + 7) << 24);
    let next = highTimesM(kLow, kHigh);
    kLow = Math.imul(kLow, M_LOW);
    kHigh = next;
    kLow ^= kHigh >>> 15; // k ^= k >> 47
    next = highTimesM(kLow, kHigh);
    kLow = Math.imul(kLow, M_LOW);
    kHigh = next;
    low ^= kLow;
    high ^= kHigh;
    next = highTimesM(low, high);
    low = Math.imul(low, M_LOW);
    high = next;
  }
  const rest = length & 7;
  if (rest !== 0) {
    // The tail's bytes, little-endian, in the low 56 bits.
    if (rest > 6) high ^= element.charCodeAt(i + 6) << 16;
    if (rest > 5) high ^= element.charCodeAt(i + 5) << 8;
    if (rest > 4) high ^= element.charCodeAt(i + 4);
    if (rest > 3) low ^= element.charCodeAt(i + 3) << 24;
    if (rest > 2) low ^= element.charCodeAt(i + 2) << 16;
    if (rest > 1) low ^= element.charCodeAt(i + 1) << 8;
    low ^= element.charCodeAt(i);
    const next = highTimesM(low, high);
    low = Math.imul(low, M_LOW);
    high = next;
  }
  low ^= high >>> 15;
  const next = highTimesM(low, high);
  low = Math.imul(low, M_LOW);
  high = next;
  low ^= high >>> 15;
  const register = low & (HLL_REGISTERS - 1);
  // The run counts the terminating 1 bit; a 1 above bit 63 ends an all-zero run at 51.
  const above = low >>> 14;
  const count = above !== 0 ? trailingZeros(above) + 1 : high !== 0 ? trailingZeros(high) + 19 : 51;
  return register | (count << 14);
}

// ---------------------------------------------------------------------------------------------
// The header

/** A new, empty HLL as PFADD creates it: sparse, one XZERO of 16384, cached cardinality 0. */
export function createHll(): ByteString {
  const bytes = new Uint8Array(64);
  bytes.set([0x48, 0x59, 0x4c, 0x4c, HLL_SPARSE]);
  bytes[HLL_HEADER_SIZE] = 0x40 | ((HLL_REGISTERS - 1) >> 8);
  bytes[HLL_HEADER_SIZE + 1] = (HLL_REGISTERS - 1) & 0xff;
  return new ByteString(bytes, HLL_HEADER_SIZE + 2);
}

/**
 * Redis's `isHLLObjectOrReply` checks on a string's bytes: at least a header, the magic, a known
 * encoding, and a dense one of exactly the dense size. A sparse one's opcodes are checked when
 * used (a corrupt one is reported then).
 */
export function isHll(bytes: Uint8Array, length: number): boolean {
  if (length < HLL_HEADER_SIZE) return false;
  if (bytes[0] !== 0x48 || bytes[1] !== 0x59 || bytes[2] !== 0x4c || bytes[3] !== 0x4c) return false;
  const encoding = bytes[4]!;
  if (encoding > HLL_SPARSE) return false;
  return encoding !== HLL_DENSE || length === HLL_DENSE_SIZE;
}

/** `isHll` for a value still held as a latin1 string (checked before it is converted). */
export function isHllText(text: string): boolean {
  const length = text.length;
  if (length < HLL_HEADER_SIZE || !text.startsWith("HYLL")) return false;
  const encoding = text.charCodeAt(4);
  if (encoding > HLL_SPARSE) return false;
  return encoding !== HLL_DENSE || length === HLL_DENSE_SIZE;
}

/** The encoding byte: HLL_DENSE or HLL_SPARSE. */
export function hllEncoding(hll: ByteString): number {
  return hll.bytes[4]!;
}

/** The cached cardinality, or undefined when it is stale. A bigint past 2^53 (only in forged values). */
export function cachedCardinality(hll: ByteString): number | bigint | undefined {
  const bytes = hll.bytes;
  if (bytes[CACHE_FLAG_BYTE]! & 0x80) return undefined;
  const low = (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16) | (bytes[11]! << 24)) >>> 0;
  const high = (bytes[12]! | (bytes[13]! << 8) | (bytes[14]! << 16) | (bytes[15]! << 24)) >>> 0;
  if (high < 0x200000) return high * 0x100000000 + low;
  return (BigInt(high) << 32n) | BigInt(low);
}

/**
 * Stores `cardinality` as the cached one, as a 64-bit integer: valid, except for `LLONG_MIN`,
 * whose top bit is the "stale" flag (Redis stores it all the same and recounts next time).
 */
export function setCachedCardinality(hll: ByteString, cardinality: number): void {
  const bytes = hll.bytes;
  if (cardinality < 0) {
    bytes.fill(0, 8, 15);
    bytes[CACHE_FLAG_BYTE] = 0x80;
    return;
  }
  let low = cardinality % 0x100000000;
  let high = Math.floor(cardinality / 0x100000000);
  for (let i = 8; i < 12; i++, low >>>= 8) bytes[i] = low & 0xff;
  for (let i = 12; i < 16; i++, high >>>= 8) bytes[i] = high & 0xff;
}

/** Marks the cached cardinality stale (the registers changed). */
export function invalidateCache(hll: ByteString): void {
  hll.bytes[CACHE_FLAG_BYTE]! |= 0x80;
}

// ---------------------------------------------------------------------------------------------
// Dense registers

/** Dense register `index` of `bytes` (registers from byte 16). */
export function denseRegister(bytes: Uint8Array, index: number): number {
  const bit = index * 6;
  const at = HLL_HEADER_SIZE + (bit >> 3);
  const shift = bit & 7;
  // Past the last byte reads undefined, which shifts as 0: the last register fits in its byte.
  return ((bytes[at]! >> shift) | (bytes[at + 1]! << (8 - shift))) & 63;
}

/** Sets dense register `index` of `bytes` to `value` (0..63). */
function setDenseRegister(bytes: Uint8Array, index: number, value: number): void {
  const bit = index * 6;
  const at = HLL_HEADER_SIZE + (bit >> 3);
  const shift = bit & 7;
  bytes[at] = (bytes[at]! & ~(63 << shift)) | (value << shift);
  // The last register never spills: its write past the end changes nothing (and is ignored).
  if (shift > 2) bytes[at + 1] = (bytes[at + 1]! & ~(63 >> (8 - shift))) | (value >> (8 - shift));
}

/** Raises dense register `index` to `count` if lower: 1 when it changed, else 0. */
function denseSet(bytes: Uint8Array, index: number, count: number): number {
  if (count <= denseRegister(bytes, index)) return 0;
  setDenseRegister(bytes, index, count);
  return 1;
}

/** Adds every dense register's value to `histogram`, 16 registers (12 bytes) at a time. */
function denseHistogram(bytes: Uint8Array, histogram: Int32Array): void {
  let r = HLL_HEADER_SIZE;
  for (let j = 0; j < HLL_REGISTERS / 16; j++, r += 12) {
    for (let k = r; k < r + 12; k += 3) {
      const b0 = bytes[k]!;
      const b1 = bytes[k + 1]!;
      const b2 = bytes[k + 2]!;
      histogram[b0 & 63]!++;
      histogram[((b0 >> 6) | (b1 << 2)) & 63]!++;
      histogram[((b1 >> 4) | (b2 << 4)) & 63]!++;
      histogram[b2 >> 2]!++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sparse opcodes

/** An XZERO's run length; a truncated one reads a 0 second byte (Redis's sds terminator). */
function xzeroLength(bytes: Uint8Array, at: number, end: number): number {
  return (((bytes[at]! & 0x3f) << 8) | (at + 1 < end ? bytes[at + 1]! : 0)) + 1;
}

/** Writes a ZERO or XZERO opcode for `length` zero registers at `at`; returns the bytes written. */
function writeZeros(bytes: Uint8Array, at: number, length: number): number {
  if (length > 64) {
    bytes[at] = ((length - 1) >> 8) | 0x40;
    bytes[at + 1] = (length - 1) & 0xff;
    return 2;
  }
  bytes[at] = length - 1;
  return 1;
}

/** A VAL opcode: `length` (1..4) registers of `value` (1..32). */
function valOpcode(value: number, length: number): number {
  return 0x80 | ((value - 1) << 2) | (length - 1);
}

/** Makes room for `extra` more bytes after the value without changing it. */
function reserve(hll: ByteString, extra: number): void {
  if (hll.bytes.length >= hll.length + extra) return;
  const bigger = new Uint8Array(Math.max(hll.length + extra, hll.bytes.length * 2));
  bigger.set(hll.bytes.subarray(0, hll.length));
  hll.bytes = bigger;
}

/**
 * Redis's `hllSparseToDense`: rewrites a sparse HLL dense (header kept, encoding changed).
 * False, changing nothing, when the opcodes do not cover exactly 16384 registers.
 */
export function sparseToDense(hll: ByteString): boolean {
  const sparse = hll.bytes;
  if (sparse[4] === HLL_DENSE) return true;
  // One spare byte, so reading "the byte after" the last register stays in bounds.
  const dense = new Uint8Array(HLL_DENSE_SIZE + 1);
  dense.set(sparse.subarray(0, HLL_HEADER_SIZE));
  dense[4] = HLL_DENSE;
  const end = hll.length;
  let index = 0;
  for (let p = HLL_HEADER_SIZE; p < end; ) {
    const op = sparse[p]!;
    if ((op & 0xc0) === 0) {
      index += (op & 0x3f) + 1;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      index += xzeroLength(sparse, p, end);
      p += 2;
    } else {
      let run = (op & 3) + 1;
      const value = ((op >> 2) & 0x1f) + 1;
      if (run + index > HLL_REGISTERS) return false;
      while (run-- > 0) setDenseRegister(dense, index++, value);
      p++;
    }
    if (index > HLL_REGISTERS) break;
  }
  if (index !== HLL_REGISTERS) return false;
  hll.bytes = dense;
  hll.length = HLL_DENSE_SIZE;
  return true;
}

/**
 * Redis's `hllSparseSet`: raises sparse register `index` to `count` if lower, splitting the opcode
 * that covers it and merging equal neighbours, in place. Promotes to dense when `count` passes 32
 * or the value would pass `sparseMaxBytes`. 1 when changed, 0 when not, -1 when corrupt.
 */
function sparseSet(hll: ByteString, index: number, count: number, sparseMaxBytes: number): number {
  if (count > SPARSE_VAL_MAX) return promote(hll, index, count);
  reserve(hll, 3);
  const bytes = hll.bytes;
  let end = hll.length;
  // Find the opcode covering `index`: `first` is the first register it covers, `prev` the one before.
  let p = HLL_HEADER_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = bytes[p]!;
    let opLength = 1;
    if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
    else if (op & 0x80) span = (op & 3) + 1;
    else {
      span = xzeroLength(bytes, p, end);
      opLength = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += opLength;
    first += span;
  }
  if (p >= end) return -1;
  const op = bytes[p]!;
  const isXzero = (op & 0xc0) === 0x40;
  const isVal = (op & 0x80) !== 0;
  let next = isXzero ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const run = span;

  if (isVal) {
    const old = ((op >> 2) & 0x1f) + 1;
    if (old >= count) return 0;
  }
  if (run === 1 && !isXzero) {
    // A single register, zero or not: the opcode becomes the new VAL.
    bytes[p] = valOpcode(count, 1);
  } else {
    // Split into [before] VAL [after]: up to XZERO VAL XZERO, 5 bytes.
    const last = first + span - 1;
    const before = index - first;
    const after = last - index;
    let newLength = 1;
    if (isVal) newLength += (before > 0 ? 1 : 0) + (after > 0 ? 1 : 0);
    else newLength += (before > 0 ? (before > 64 ? 2 : 1) : 0) + (after > 0 ? (after > 64 ? 2 : 1) : 0);
    const delta = newLength - (isXzero ? 2 : 1);
    if (delta > 0 && hll.length + delta > sparseMaxBytes) return promote(hll, index, count);
    if (delta !== 0 && next !== -1) bytes.copyWithin(next + delta, next, end);
    hll.length += delta;
    end += delta;
    let at = p;
    if (isVal) {
      const value = ((op >> 2) & 0x1f) + 1;
      if (before > 0) bytes[at++] = valOpcode(value, before);
      bytes[at++] = valOpcode(count, 1);
      if (after > 0) bytes[at++] = valOpcode(value, after);
    } else {
      if (before > 0) at += writeZeros(bytes, at, before);
      bytes[at++] = valOpcode(count, 1);
      if (after > 0) writeZeros(bytes, at, after);
    }
  }

  // Merge adjacent VALs of one value, looking at up to 5 opcodes from the one before.
  p = prev >= 0 ? prev : HLL_HEADER_SIZE;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const code = bytes[p]!;
    if ((code & 0xc0) === 0x40) {
      p += 2;
      continue;
    }
    if ((code & 0x80) === 0) {
      p++;
      continue;
    }
    if (p + 1 < end && bytes[p + 1]! & 0x80) {
      const value = ((code >> 2) & 0x1f) + 1;
      const following = bytes[p + 1]!;
      const length = (code & 3) + (following & 3) + 2;
      if (value === ((following >> 2) & 0x1f) + 1 && length <= 4) {
        bytes[p + 1] = valOpcode(value, length);
        bytes.copyWithin(p, p + 1, end);
        hll.length--;
        end--;
        // Try the merged opcode against its right neighbour too.
        continue;
      }
    }
    p++;
  }
  invalidateCache(hll);
  return 1;
}

/** Turns a sparse HLL dense and sets the register there (a promotion always changes it). */
function promote(hll: ByteString, index: number, count: number): number {
  if (!sparseToDense(hll)) return -1;
  return denseSet(hll.bytes, index, count);
}

/** Adds every sparse register's value to `histogram`; false when the opcodes cover other than 16384. */
function sparseHistogram(bytes: Uint8Array, end: number, histogram: Int32Array): boolean {
  let index = 0;
  for (let p = HLL_HEADER_SIZE; p < end; ) {
    const op = bytes[p]!;
    let run: number;
    if ((op & 0xc0) === 0) {
      run = (op & 0x3f) + 1;
      histogram[0]! += run;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      run = xzeroLength(bytes, p, end);
      histogram[0]! += run;
      p += 2;
    } else {
      run = (op & 3) + 1;
      histogram[((op >> 2) & 0x1f) + 1]! += run;
      p++;
    }
    index += run;
  }
  return index === HLL_REGISTERS;
}

// ---------------------------------------------------------------------------------------------
// Commands' building blocks

/**
 * Redis's `hllAdd`: adds `element` to the HLL. 1 when a register changed (the estimate may have),
 * 0 when not, -1 when the sparse form is corrupt. Does not touch the cache flag of a dense HLL
 * (the caller invalidates once per command).
 */
export function hllAdd(hll: ByteString, element: string, sparseMaxBytes: number): number {
  const pattern = elementPattern(element);
  return hllSet(hll, pattern & (HLL_REGISTERS - 1), pattern >>> 14, sparseMaxBytes);
}

/** Raises register `index` to `count` if lower, in either encoding: 1, 0 or -1 as `hllAdd`. */
export function hllSet(hll: ByteString, index: number, count: number, sparseMaxBytes: number): number {
  const encoding = hll.bytes[4];
  if (encoding === HLL_DENSE) return denseSet(hll.bytes, index, count);
  if (encoding === HLL_SPARSE) return sparseSet(hll, index, count, sparseMaxBytes);
  return -1;
}

/**
 * Redis's `hllMerge`: raises each of `max`'s 16384 registers to the HLL's where lower. False when
 * a sparse HLL's opcodes are corrupt (`max` is then partly updated, as in Redis).
 */
export function mergeInto(max: Uint8Array, hll: ByteString): boolean {
  const bytes = hll.bytes;
  if (bytes[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = denseRegister(bytes, i);
      if (value > max[i]!) max[i] = value;
    }
    return true;
  }
  const end = hll.length;
  let index = 0;
  for (let p = HLL_HEADER_SIZE; p < end; ) {
    const op = bytes[p]!;
    if ((op & 0xc0) === 0) {
      index += (op & 0x3f) + 1;
      p++;
    } else if ((op & 0xc0) === 0x40) {
      index += xzeroLength(bytes, p, end);
      p += 2;
    } else {
      let run = (op & 3) + 1;
      const value = ((op >> 2) & 0x1f) + 1;
      if (run + index > HLL_REGISTERS) return false;
      for (; run > 0; run--, index++) if (value > max[index]!) max[index] = value;
      p++;
    }
  }
  return index === HLL_REGISTERS;
}

/**
 * The estimate from a register histogram: Ertl's improved raw estimator ("New cardinality
 * estimation algorithms for HyperLogLog sketches", arXiv:1702.01284), as Redis's `hllCount`.
 */
function estimate(histogram: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histogram[51]!) / m);
  for (let j = 50; j >= 1; j--) {
    z += histogram[j]!;
    z *= 0.5;
  }
  z += m * sigma(histogram[0]! / m);
  const estimate = (ALPHA_INF * m * m) / z;
  // Redis rounds half away from zero (llroundl; the value is never negative). Forged registers
  // (all above 50) make z 0 and the estimate infinite: llroundl then gives LLONG_MIN on x86.
  return estimate < 2 ** 63 ? Math.round(estimate) : LLONG_MIN;
}

/** Ertl's σ(x) series, summed until it stops changing. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

/** Ertl's τ(x) series, summed until it stops changing. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (previous !== z);
  return z / 3;
}

/**
 * The estimated cardinality of one HLL (not using the cache), or undefined when its sparse form is
 * corrupt. Past 2^53 only for forged registers (see `LLONG_MIN`).
 */
export function hllCount(hll: ByteString): number | undefined {
  const histogram = new Int32Array(64);
  if (hll.bytes[4] === HLL_DENSE) denseHistogram(hll.bytes, histogram);
  else if (!sparseHistogram(hll.bytes, hll.length, histogram)) return undefined;
  return estimate(histogram);
}

/** The estimated cardinality of registers held one per byte (the union PFCOUNT builds). */
export function countRegisters(registers: Uint8Array): number {
  const histogram = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) histogram[registers[i]! & 63]!++;
  return estimate(histogram);
}

/** PFDEBUG DECODE: the sparse opcodes as `Z:<n>`, `z:<n>`, `v:<value>,<n>`, space-separated. */
export function decodeSparse(hll: ByteString): string {
  const bytes = hll.bytes;
  const end = hll.length;
  const parts: string[] = [];
  for (let p = HLL_HEADER_SIZE; p < end; ) {
    const op = bytes[p]!;
    if ((op & 0xc0) === 0) {
      parts.push(`z:${(op & 0x3f) + 1}`);
      p++;
    } else if ((op & 0xc0) === 0x40) {
      parts.push(`Z:${xzeroLength(bytes, p, end)}`);
      p += 2;
    } else {
      parts.push(`v:${((op >> 2) & 0x1f) + 1},${(op & 3) + 1}`);
      p++;
    }
  }
  return parts.join(" ");
}

/**
 * PFSELFTEST: Redis's self-test of the register layout (random values written and read back)
 * and of the estimate (10 million distinct elements added to a dense and a sparse HLL, which
 * must agree and stay within 6 standard errors at each power of ten). Undefined when it passes,
 * else the failure's message (`TESTFAILED ...`).
 */
export function selfTest(sparseMaxBytes: number): string | undefined {
  const dense = new Uint8Array(HLL_DENSE_SIZE + 1);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < 1000; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = (Math.random() * 64) | 0;
      expected[i] = value;
      setDenseRegister(dense, i, value);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = denseRegister(dense, i);
      if (value !== expected[i]) return `TESTFAILED Register ${i} should be ${expected[i]} but is ${value}`;
    }
  }

  dense.fill(0);
  dense.set([0x48, 0x59, 0x4c, 0x4c, HLL_DENSE]);
  const denseHll = new ByteString(dense, HLL_DENSE_SIZE);
  const sparseHll = createHll();
  const relativeError = 1.04 / Math.sqrt(HLL_REGISTERS);
  // The elements are the 8 little-endian bytes of j ^ seed, as in Redis.
  const seedLow = (Math.random() * 0x100000000) >>> 0;
  const seedHigh = (Math.random() * 0x100000000) >>> 0;
  const high = String.fromCharCode(seedHigh & 0xff, (seedHigh >>> 8) & 0xff, (seedHigh >>> 16) & 0xff, seedHigh >>> 24);
  let checkpoint = 1;
  for (let j = 1; j <= 10_000_000; j++) {
    const low = (j ^ seedLow) >>> 0;
    const element = String.fromCharCode(low & 0xff, (low >>> 8) & 0xff, (low >>> 16) & 0xff, low >>> 24) + high;
    hllAdd(denseHll, element, sparseMaxBytes);
    hllAdd(sparseHll, element, sparseMaxBytes);
    if (j !== checkpoint) continue;
    if (j < Math.floor(sparseMaxBytes / 2) && hllEncoding(sparseHll) !== HLL_SPARSE) return "TESTFAILED sparse encoding not used";
    // A dense HLL always counts (only a sparse one can be corrupt).
    const count = hllCount(denseHll)!;
    if (count !== hllCount(sparseHll)) return "TESTFAILED dense/sparse disagree";
    const maxError = j === 10 ? 1 : Math.ceil(relativeError * 6 * checkpoint);
    const error = Math.abs(checkpoint - count);
    if (error > maxError) return `TESTFAILED Too big error. card:${checkpoint} abserr:${error}`;
    checkpoint *= 10;
  }
  return undefined;
}
