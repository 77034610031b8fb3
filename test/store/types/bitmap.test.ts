import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  bitCount, bitfieldUpdate, bitop, bitPosition, BITOP_AND, BITOP_NOT, BITOP_OR, BITOP_XOR, countBits, getBit, getBitfield,
  OVERFLOW_FAIL, OVERFLOW_SAT, OVERFLOW_WRAP, setBit, setBitfield, type Bits,
} from "../../../src/store/types/bitmap.ts";
import { ByteString } from "../../../src/store/types/string.ts";

/** The same bytes as a plain string and as a ByteString with spare room and an odd byte offset. */
function both(codes: number[]): [string, ByteString] {
  const text = String.fromCharCode(...codes);
  const backing = new Uint8Array(codes.length + 16);
  const bytes = backing.subarray(3, 3 + codes.length + 8);
  bytes.set(codes);
  return [text, new ByteString(bytes, codes.length)];
}

/** Bit `i` of `codes`, the slow obvious way. */
function bitOf(codes: number[], i: number): number {
  const byte = codes[Math.floor(i / 8)] ?? 0;
  return (byte >> (7 - (i % 8))) & 1;
}

/** Redis's index resolution for BITCOUNT/BITPOS, spelled out. */
function resolve(length: number, start: number, end: number, isBit: boolean): [number, number] | undefined {
  const total = isBit ? length * 8 : length;
  if (start < 0) start = Math.max(0, start + total);
  if (end < 0) end = Math.max(0, end + total);
  if (end >= total) end = total - 1;
  if (start > end) return undefined;
  return isBit ? [start, end] : [start * 8, end * 8 + 7];
}

const byteArray = (maxLength: number) => fc.array(fc.integer({ min: 0, max: 255 }), { maxLength });
/** Bytes with long runs of 0x00 and 0xff, where the word-skipping paths matter. */
const runs = fc
  .array(fc.tuple(fc.constantFrom(0, 255, 1, 128, 0x7f, 0xfe), fc.integer({ min: 1, max: 150 })), { maxLength: 5 })
  .map((parts) => parts.flatMap(([byte, count]) => Array<number>(count).fill(byte)));
const anyBytes = fc.oneof(byteArray(40), runs);

describe("bits", () => {
  test("getBit and setBit number bits from the top of byte 0", () => {
    const bytes = new Uint8Array(2);
    expect(setBit(bytes, 0, 1)).toBe(0);
    expect(setBit(bytes, 9, 1)).toBe(0);
    expect([...bytes]).toEqual([0x80, 0x40]);
    expect(setBit(bytes, 0, 0)).toBe(1);
    expect(getBit("\x40", 1)).toBe(1);
    expect(getBit("\x40", 100)).toBe(0);
    expect(getBit(new ByteString(bytes, 2), 9)).toBe(1);
  });

  test("countBits agrees with counting bit by bit, in both forms and at any alignment", () => {
    fc.assert(
      fc.property(anyBytes, fc.nat(), fc.nat(), (codes, a, b) => {
        if (codes.length === 0) return;
        const first = a % codes.length;
        const last = first + (b % (codes.length - first));
        let expected = 0;
        for (let i = first * 8; i < (last + 1) * 8; i++) expected += bitOf(codes, i);
        for (const source of both(codes)) expect(countBits(source, first, last)).toBe(expected);
      }),
    );
  });

  test("bitCount resolves ranges as Redis", () => {
    fc.assert(
      fc.property(anyBytes, fc.integer({ min: -300, max: 300 }), fc.integer({ min: -300, max: 300 }), fc.boolean(), (codes, start, end, isBit) => {
        let expected = 0;
        const range = resolve(codes.length, start, end, isBit);
        if (range && !(start < 0 && end < 0 && start > end)) for (let i = range[0]; i <= range[1]; i++) expected += bitOf(codes, i);
        for (const source of both(codes)) expect(bitCount(source, start, end, isBit)).toBe(expected);
      }),
    );
    expect(bitCount("foobar")).toBe(26);
    expect(bitCount("foobar", -9223372036854775808n, 9223372036854775807n)).toBe(26);
    expect(bitCount("foobar", 9223372036854775807n, 9223372036854775807n, true)).toBe(0);
  });

  test("bitPosition finds the first bit as Redis", () => {
    fc.assert(
      fc.property(
        anyBytes,
        fc.constantFrom(0, 1),
        fc.option(fc.tuple(fc.integer({ min: -300, max: 300 }), fc.option(fc.tuple(fc.integer({ min: -300, max: 300 }), fc.boolean())))),
        (codes, bit, args) => {
          const start = args?.[0];
          const end = args?.[1]?.[0] ?? undefined;
          const isBit = args?.[1]?.[1] ?? false;
          const range = resolve(codes.length, start ?? 0, end ?? codes.length - 1, isBit);
          let expected = -1;
          if (range) {
            for (let i = range[0]; i <= range[1] && expected === -1; i++) if (bitOf(codes, i) === bit) expected = i;
            if (expected === -1 && bit === 0 && end === undefined) expected = codes.length * 8;
          }
          for (const source of both(codes)) expect(bitPosition(source, bit, start, end, isBit)).toBe(expected);
        },
      ),
    );
    expect(bitPosition("\xff\xf0\x00", 1, 2, -1, true)).toBe(2);
    expect(bitPosition("\xff\xff", 0)).toBe(16);
    expect(bitPosition("\xff\xff", 0, 0, -1)).toBe(-1);
    expect(bitPosition("", 0)).toBe(-1);
  });

  test("a long run of zeros is searched and counted through the word paths", () => {
    const bytes = new Uint8Array(1 << 20);
    bytes[(1 << 20) - 5] = 0x10;
    const value = new ByteString(bytes, bytes.length);
    expect(bitPosition(value, 1)).toBe(((1 << 20) - 5) * 8 + 3);
    expect(bitCount(value)).toBe(1);
    bytes.fill(0xff);
    expect(bitPosition(value, 0)).toBe((1 << 20) * 8);
  });
});

describe("bitop", () => {
  test("pads shorter sources with zeros; the result is as long as the longest", () => {
    fc.assert(
      fc.property(fc.array(fc.option(byteArray(12)), { minLength: 1, maxLength: 4 }), fc.constantFrom(BITOP_AND, BITOP_OR, BITOP_XOR, BITOP_NOT), fc.boolean(), (inputs, op, asBytes) => {
        if (op === BITOP_NOT) inputs = inputs.slice(0, 1);
        const sources: (Bits | undefined)[] = inputs.map((codes) => (codes === null ? undefined : both(codes)[asBytes ? 1 : 0]));
        const length = Math.max(0, ...inputs.map((codes) => codes?.length ?? 0));
        const expected: number[] = [];
        for (let j = 0; j < length; j++) {
          const column = inputs.map((codes) => codes?.[j] ?? 0);
          let out = column[0]!;
          if (op === BITOP_NOT) out = ~out & 0xff;
          for (const byte of column.slice(1)) out = op === BITOP_AND ? out & byte : op === BITOP_OR ? out | byte : out ^ byte;
          expected.push(out);
        }
        expect([...bitop(op, sources)]).toEqual(expected);
      }),
    );
  });
});

describe("bitfields", () => {
  test("set then get gives back the value reduced to the field, at any offset and width", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.boolean(), fc.integer({ min: 0, max: 40 }), fc.bigInt({ min: -(1n << 64n), max: 1n << 64n }), (bits, signed, offset, value) => {
        if (!signed && bits === 64) return;
        const bytes = new Uint8Array(16).fill(0xa5);
        const before = [...bytes];
        const stored = signed ? BigInt.asIntN(bits, value) : BigInt.asUintN(bits, value);
        setBitfield(bytes, offset, bits, stored > -(1n << 52n) && stored < 1n << 52n ? Number(stored) : stored);
        const got = getBitfield(new ByteString(bytes, 16), offset, bits, signed);
        const expected = signed ? BigInt.asIntN(bits, value) : BigInt.asUintN(bits, value);
        expect(BigInt(got)).toBe(expected);
        // The canonical form: a number below 2^52 in magnitude, a bigint beyond.
        expect(typeof got).toBe(expected > -(1n << 52n) && expected < 1n << 52n ? "number" : "bigint");
        // Bits outside the field are untouched.
        for (let i = 0; i < 128; i++) if (i < offset || i >= offset + bits) expect(bitOf([...bytes], i)).toBe(bitOf(before, i));
      }),
    );
  });

  test("get reads zeros past the end and from a missing value", () => {
    expect(getBitfield("\xff", 4, 8, false)).toBe(0xf0);
    expect(getBitfield("\xff", 4, 8, true)).toBe(-16);
    expect(getBitfield(undefined, 0, 64, true)).toBe(0);
    expect(getBitfield("\xff\xff\xff\xff\xff\xff\xff\xff", 0, 64, true)).toBe(-1);
    expect(getBitfield("\x00\x0f\xff\xff\xff\xff\xff\xff", 0, 64, true)).toBe(2 ** 52 - 1);
    expect(getBitfield("\x00\x10\x00\x00\x00\x00\x00\x00", 0, 64, true)).toBe(2n ** 52n);
    expect(getBitfield("\xff\xf0\x00\x00\x00\x00\x00\x01", 0, 64, true)).toBe(-(2 ** 52) + 1);
    expect(getBitfield("\xff\xf0\x00\x00\x00\x00\x00\x00", 0, 64, true)).toBe(-(2n ** 52n));
    expect(getBitfield("\x80", 0, 64, true)).toBe(-9223372036854775808n);
    expect(getBitfield("\xff\xff\xff\xff\xff\xff\xff\xfe", 1, 63, false)).toBe(9223372036854775806n);
  });

  test("overflow modes at the edges of the widths", () => {
    const update = (old: number | bigint, argument: number | bigint, increment: boolean, type: string, overflow: number) =>
      bitfieldUpdate(old, argument, increment, Number(type.slice(1)), type[0] === "i", overflow);
    expect(update(255, 1, true, "u8", OVERFLOW_WRAP)).toBe(0);
    expect(update(255, 1, true, "u8", OVERFLOW_SAT)).toBe(255);
    expect(update(255, 1, true, "u8", OVERFLOW_FAIL)).toBeUndefined();
    expect(update(0, -1, true, "u8", OVERFLOW_SAT)).toBe(0);
    expect(update(0, -1, false, "u8", OVERFLOW_SAT)).toBe(255);
    expect(update(0, -1, false, "u8", OVERFLOW_WRAP)).toBe(255);
    expect(update(0, 1, true, "u1", OVERFLOW_WRAP)).toBe(1);
    expect(update(1, 1, true, "u1", OVERFLOW_WRAP)).toBe(0);
    expect(update(127, 1, true, "i8", OVERFLOW_WRAP)).toBe(-128);
    expect(update(-128, -1, true, "i8", OVERFLOW_SAT)).toBe(-128);
    // Redis's 64-bit wrap-around in the check makes these saturate upward.
    expect(update(0, -9223372036854775808n, false, "i8", OVERFLOW_SAT)).toBe(127);
    expect(update(0, -9223372036854775681n, false, "i8", OVERFLOW_SAT)).toBe(127);
    expect(update(0, -9223372036854775680n, false, "i8", OVERFLOW_SAT)).toBe(-128);
    expect(update(9223372036854775807n, 1, true, "i64", OVERFLOW_WRAP)).toBe(-9223372036854775808n);
    expect(update(9223372036854775807n, 1, true, "i64", OVERFLOW_SAT)).toBe(9223372036854775807n);
    expect(update(-9223372036854775808n, -1, true, "i64", OVERFLOW_FAIL)).toBeUndefined();
    expect(update(-9223372036854775808n, 9223372036854775807n, true, "i64", OVERFLOW_FAIL)).toBe(-1);
    expect(update(0n, -1, false, "u63", OVERFLOW_SAT)).toBe(9223372036854775807n);
    expect(update(9223372036854775807n, 9223372036854775807n, true, "u63", OVERFLOW_WRAP)).toBe(9223372036854775806n);
  });

  test("agrees with Redis's 64-bit checks, spelled out in BigInt, for every width and mode", () => {
    const value = fc.oneof(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.boolean(), value, value, fc.boolean(), fc.constantFrom(OVERFLOW_WRAP, OVERFLOW_SAT, OVERFLOW_FAIL), (bits, signed, raw, argument, increment, overflow) => {
        if (!signed && bits === 64) return;
        const stored = signed ? BigInt.asIntN(bits, BigInt(raw)) : BigInt.asUintN(bits, BigInt(raw));
        const old = canonical(stored);
        // Arguments arrive as integerValue gives them: a number within ±(2^53 - 1), else a bigint.
        const given = typeof argument === "bigint" && argument >= -(2n ** 53n) + 1n && argument <= 2n ** 53n - 1n ? Number(argument) : argument;
        const expected = reference(stored, BigInt(argument), increment, bits, signed, overflow);
        const actual = bitfieldUpdate(old, given, increment, bits, signed, overflow);
        expect(actual === undefined ? undefined : BigInt(actual)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});

/** A FieldValue's canonical form. */
function canonical(value: bigint): number | bigint {
  return value > -(1n << 52n) && value < 1n << 52n ? Number(value) : value;
}

/** Redis's checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow and the update, in wrapping 64-bit arithmetic. */
function reference(old: bigint, argument: bigint, increment: boolean, bits: number, signed: boolean, overflow: number): bigint | undefined {
  const wide = BigInt(bits);
  const s64 = (x: bigint) => BigInt.asIntN(64, x);
  let value: bigint;
  let incr: bigint;
  let code: number;
  let limit = 0n;
  if (signed) {
    value = increment ? old : argument;
    incr = increment ? argument : 0n;
    const max = bits === 64 ? (1n << 63n) - 1n : (1n << (wide - 1n)) - 1n;
    const min = -max - 1n;
    const maxIncrement = s64(BigInt.asUintN(64, max) - BigInt.asUintN(64, value));
    const minIncrement = s64(min - value);
    if (value > max || (bits !== 64 && incr > maxIncrement) || (value >= 0n && incr > 0n && incr > maxIncrement)) [code, limit] = [1, max];
    else if (value < min || (bits !== 64 && incr < minIncrement) || (value < 0n && incr < 0n && incr < minIncrement)) [code, limit] = [-1, min];
    else return value + incr;
    if (overflow === OVERFLOW_WRAP) {
      const sum = BigInt.asUintN(64, value + incr);
      limit = bits < 64 ? BigInt.asIntN(bits, sum) : BigInt.asIntN(64, sum);
    }
  } else {
    value = increment ? old : BigInt.asUintN(64, argument);
    incr = increment ? argument : 0n;
    const max = (1n << wide) - 1n;
    const maxIncrement = s64(BigInt.asUintN(64, max - value));
    const minIncrement = s64(BigInt.asUintN(64, -value));
    if (value > max || (incr > 0n && incr > maxIncrement)) [code, limit] = [1, max];
    else if (incr < 0n && incr < minIncrement) [code, limit] = [-1, 0n];
    else return value + incr;
    if (overflow === OVERFLOW_WRAP) limit = BigInt.asUintN(bits, value + incr);
  }
  expect(code).not.toBe(0);
  return overflow === OVERFLOW_FAIL ? undefined : limit;
}
