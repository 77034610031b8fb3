import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  cachedCardinality, countRegisters, createHll, decodeSparse, denseRegister, elementPattern, HLL_DENSE, HLL_DENSE_SIZE, HLL_REGISTERS,
  HLL_SPARSE, hllAdd, hllCount, hllEncoding, hllSet, invalidateCache, isHll, isHllText, LLONG_MIN, mergeInto, setCachedCardinality,
  sparseToDense,
} from "../../../src/store/types/hyperloglog.ts";
import { ByteString } from "../../../src/store/types/string.ts";

const MASK = (1n << 64n) - 1n;
const M = 0xc6a4a7935bd1e995n;

/** MurmurHash64A straight from its definition, on BigInts: the reference for the 32-bit version. */
function referenceHash(bytes: number[], seed: bigint): bigint {
  const length = bytes.length;
  let h = (seed ^ (BigInt(length) * M)) & MASK;
  const blocks = length - (length & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let b = 7; b >= 0; b--) k = (k << 8n) | BigInt(bytes[i + b]!);
    k = (k * M) & MASK;
    k ^= k >> 47n;
    k = (k * M) & MASK;
    h ^= k;
    h = (h * M) & MASK;
  }
  const rest = length & 7;
  if (rest !== 0) {
    for (let b = rest - 1; b >= 0; b--) h ^= BigInt(bytes[blocks + b]!) << BigInt(8 * b);
    h = (h * M) & MASK;
  }
  h ^= h >> 47n;
  h = (h * M) & MASK;
  h ^= h >> 47n;
  return h;
}

/** hllPatLen on the reference hash: [register, run length]. */
function referencePattern(bytes: number[]): [number, number] {
  const hash = referenceHash(bytes, 0xadc83b19n);
  let rest = (hash >> 14n) | (1n << 50n);
  let count = 1;
  while ((rest & 1n) === 0n) {
    count++;
    rest >>= 1n;
  }
  return [Number(hash & 0x3fffn), count];
}

/** A dense HLL with every register zero. */
function emptyDense(): ByteString {
  const bytes = new Uint8Array(HLL_DENSE_SIZE);
  bytes.set([0x48, 0x59, 0x4c, 0x4c, HLL_DENSE]);
  return new ByteString(bytes, HLL_DENSE_SIZE);
}

/** Every register of an HLL of either encoding (a copy is made dense). */
function registersOf(hll: ByteString): number[] {
  const dense = hll.copy();
  expect(sparseToDense(dense)).toBe(true);
  return Array.from({ length: HLL_REGISTERS }, (_, i) => denseRegister(dense.bytes, i));
}

/** The registers the opcodes of a sparse HLL cover, and whether each one is well formed. */
function sparseCoverage(hll: ByteString): number {
  let covered = 0;
  for (const part of decodeSparse(hll).split(" ")) {
    const [kind, numbers] = part.split(":") as [string, string];
    if (kind === "v") covered += Number(numbers.split(",")[1]);
    else covered += Number(numbers);
  }
  return covered;
}

describe("MurmurHash64A and the register pattern", () => {
  test("match the 64-bit definition for byte strings of every tail length", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), (bytes) => {
        const pattern = elementPattern(String.fromCharCode(...bytes));
        expect([pattern & 0x3fff, pattern >>> 14]).toEqual(referencePattern(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  test("the elements a, b, c land where Redis puts them", () => {
    const patterns = ["a", "b", "c"].map(elementPattern).map((p) => [p & 0x3fff, p >>> 14]);
    expect(patterns.sort((x, y) => x[0]! - y[0]!)).toEqual([[8436, 1], [12711, 2], [15780, 1]]);
  });

  test("run lengths stay within 1..51", () => {
    for (let i = 0; i < 5000; i++) {
      const count = elementPattern(`e${i}`) >>> 14;
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(51);
    }
  });
});

describe("the header", () => {
  test("a new HLL is sparse, one XZERO of 16384, cached cardinality 0", () => {
    const hll = createHll();
    expect(hll.toString()).toBe("HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff");
    expect(hllEncoding(hll)).toBe(HLL_SPARSE);
    expect(cachedCardinality(hll)).toBe(0);
    expect(decodeSparse(hll)).toBe("Z:16384");
  });

  test("validity: magic, encoding, dense length", () => {
    const ok = "HYLL\x01\0\0\0\0\0\0\0\0\0\0\0";
    expect(isHllText(ok)).toBe(true);
    expect(isHllText(ok.slice(0, 15))).toBe(false);
    expect(isHllText("HYLX" + ok.slice(4))).toBe(false);
    expect(isHllText("HYLL\x02" + ok.slice(5))).toBe(false);
    expect(isHllText("HYLL\x00" + ok.slice(5))).toBe(false);
    expect(isHllText("HYLL\x00" + ok.slice(5) + "\0".repeat(12288))).toBe(true);
    const dense = emptyDense();
    expect(isHll(dense.bytes, dense.length)).toBe(true);
    expect(isHll(dense.bytes, dense.length - 1)).toBe(false);
  });

  test("the cached cardinality: little-endian, top bit marks it stale", () => {
    const hll = createHll();
    setCachedCardinality(hll, 0x123456789ab);
    expect(hll.toString().slice(8, 16)).toBe("\xab\x89\x67\x45\x23\x01\0\0");
    expect(cachedCardinality(hll)).toBe(0x123456789ab);
    invalidateCache(hll);
    expect(cachedCardinality(hll)).toBeUndefined();
    setCachedCardinality(hll, 5);
    expect(cachedCardinality(hll)).toBe(5);
    // LLONG_MIN (an overflowed estimate) is stored as Redis stores it: which reads as stale.
    setCachedCardinality(hll, LLONG_MIN);
    expect(hll.toString().slice(8, 16)).toBe("\0\0\0\0\0\0\0\x80");
    expect(cachedCardinality(hll)).toBeUndefined();
    const forged = ByteString.from("HYLL\x01\0\0\0\xff\xff\xff\xff\xff\xff\xff\x7f\x7f\xff");
    expect(cachedCardinality(forged)).toBe(9223372036854775807n);
  });
});

describe("registers", () => {
  test("dense registers read back what was written, neighbours untouched", () => {
    const hll = emptyDense();
    const expected = Array.from({ length: HLL_REGISTERS }, (_, i) => (i * 37 + 11) % 64);
    for (let i = 0; i < HLL_REGISTERS; i++) hllSet(hll, i, expected[i]!, 3000);
    expect(registersOf(hll)).toEqual(expected);
    expect(hll.toString().slice(0, 16)).toBe("HYLL\0\0\0\0\0\0\0\0\0\0\0\0");
  });

  test("hllSet only raises: 1 when it changed, 0 when not", () => {
    for (const hll of [createHll(), emptyDense()]) {
      expect(hllSet(hll, 100, 5, 3000)).toBe(1);
      expect(hllSet(hll, 100, 5, 3000)).toBe(0);
      expect(hllSet(hll, 100, 3, 3000)).toBe(0);
      expect(hllSet(hll, 100, 6, 3000)).toBe(1);
      expect(registersOf(hll)[100]).toBe(6);
    }
  });

  test("sparse and dense agree register for register, and in their estimate", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 400 }), fc.constantFrom(60, 300, 3000), (elements, sparseMax) => {
        const sparse = createHll();
        const dense = emptyDense();
        for (const element of elements) {
          const latin1 = Buffer.from(element, "utf8").toString("latin1");
          expect(hllAdd(sparse, latin1, sparseMax)).toBe(hllAdd(dense, latin1, sparseMax));
        }
        if (hllEncoding(sparse) === HLL_SPARSE) {
          expect(sparseCoverage(sparse)).toBe(HLL_REGISTERS);
          expect(sparse.length).toBeLessThanOrEqual(Math.max(sparseMax, 18));
        }
        expect(registersOf(sparse)).toEqual(registersOf(dense));
        expect(hllCount(sparse)).toBe(hllCount(dense)!);
      }),
      { numRuns: 60 },
    );
  });

  test("a sparse HLL turns dense past hll-sparse-max-bytes or for a value above 32", () => {
    const small = createHll();
    for (let i = 0; i < 50 && hllEncoding(small) === HLL_SPARSE; i++) hllAdd(small, `x${i}`, 40);
    expect(hllEncoding(small)).toBe(HLL_DENSE);
    expect(small.length).toBe(HLL_DENSE_SIZE);

    const high = createHll();
    expect(hllSet(high, 7, 32, 3000)).toBe(1);
    expect(hllEncoding(high)).toBe(HLL_SPARSE);
    expect(decodeSparse(high)).toBe("z:7 v:32,1 Z:16376");
    expect(hllSet(high, 8, 33, 3000)).toBe(1);
    expect(hllEncoding(high)).toBe(HLL_DENSE);
    expect(registersOf(high).slice(6, 10)).toEqual([0, 32, 33, 0]);
  });

  test("the sparse form splits and merges opcodes as Redis does", () => {
    const hll = createHll();
    hllSet(hll, 0, 3, 3000);
    expect(decodeSparse(hll)).toBe("v:3,1 Z:16383");
    hllSet(hll, 1, 3, 3000);
    expect(decodeSparse(hll)).toBe("v:3,2 Z:16382");
    hllSet(hll, 3, 3, 3000);
    hllSet(hll, 2, 3, 3000);
    expect(decodeSparse(hll)).toBe("v:3,4 Z:16380");
    hllSet(hll, 16383, 1, 3000);
    expect(decodeSparse(hll)).toBe("v:3,4 Z:16379 v:1,1");
    hllSet(hll, 1, 5, 3000);
    expect(decodeSparse(hll)).toBe("v:3,1 v:5,1 v:3,2 Z:16379 v:1,1");
    hllSet(hll, 100, 1, 3000);
    expect(decodeSparse(hll)).toBe("v:3,1 v:5,1 v:3,2 Z:96 v:1,1 Z:16282 v:1,1");
  });
});

describe("counting", () => {
  test("an empty HLL counts 0; Redis's figures for 1000 and 20000 elements", () => {
    expect(hllCount(createHll())).toBe(0);
    expect(hllCount(emptyDense())).toBe(0);
    const hll = createHll();
    for (let i = 0; i < 20000; i++) {
      hllAdd(hll, `el:${i}`, 3000);
      if (i === 999) {
        expect(hllEncoding(hll)).toBe(HLL_SPARSE);
        expect(hllCount(hll)).toBe(999);
      }
    }
    expect(hllEncoding(hll)).toBe(HLL_DENSE);
    expect(hllCount(hll)).toBe(20030);
  });

  test("the union of several HLLs counts as one holding every element", () => {
    const parts = [createHll(), createHll(), emptyDense()];
    const all = createHll();
    for (let i = 0; i < 3000; i++) {
      hllAdd(parts[i % 3]!, `u${i}`, 3000);
      hllAdd(all, `u${i}`, 3000);
    }
    const registers = new Uint8Array(HLL_REGISTERS);
    for (const part of parts) expect(mergeInto(registers, part)).toBe(true);
    expect(countRegisters(registers)).toBe(hllCount(all)!);
    expect(Array.from(registers)).toEqual(registersOf(all));
  });

  test("registers above 50 only (forged) overflow the estimate to LLONG_MIN", () => {
    const dense = emptyDense();
    dense.bytes.fill(0xff, 16);
    expect(hllCount(dense)).toBe(LLONG_MIN);
  });

  test("corrupt sparse forms: too few registers, too many, a VAL past the end", () => {
    const header = "HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80";
    for (const opcodes of ["", "\x7f", "\x5f\x3f", "\x7f\xff\x80", "\x7f\xfe\x93", "\x7f\xff\x00"]) {
      const hll = ByteString.from(header + opcodes);
      expect(hllCount(hll)).toBeUndefined();
      expect(mergeInto(new Uint8Array(HLL_REGISTERS), hll)).toBe(false);
      expect(sparseToDense(hll.copy())).toBe(false);
    }
    // Too few registers: setting one inside what the opcodes cover works, one beyond fails.
    const short = ByteString.from(header + "\x5f\x3f");
    expect(hllSet(short, 10, 2, 3000)).toBe(1);
    expect(hllSet(short, 9000, 2, 3000)).toBe(-1);
  });
});
