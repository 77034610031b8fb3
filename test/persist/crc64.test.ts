import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { Crc64, crc64 } from "../../src/persist/crc64.ts";

/** The CRC bit by bit, straight from the definition (reflected Jones polynomial, init 0). */
function reference(bytes: Uint8Array): bigint {
  let crc = 0n;
  for (const byte of bytes) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ 0x95ac9329ac4bc9b5n : crc >> 1n;
  }
  return crc;
}

describe("crc64", () => {
  test("Redis's test vector: crc64(0, '123456789') = 0xe9c6d914c4b8d9ca", () => {
    expect(crc64(new TextEncoder().encode("123456789"))).toBe(0xe9c6d914c4b8d9can);
    expect(crc64(new Uint8Array(0))).toBe(0n);
  });

  test("equals the bitwise definition for any input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc64(bytes)).toBe(reference(bytes));
      }),
    );
  });

  test("fed in pieces, split anywhere, gives the same checksum", () => {
    const bytes = new Uint8Array(67).map((_, i) => (i * 151 + 7) & 0xff);
    const whole = crc64(bytes);
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b += 5) {
        const crc = new Crc64();
        crc.update(bytes, 0, a);
        crc.update(bytes, a, b);
        crc.update(bytes, b);
        expect(crc.value).toBe(whole);
      }
    }
  });

  test("writes and compares itself little-endian, as RDB stores it", () => {
    const crc = new Crc64();
    crc.update(new TextEncoder().encode("123456789"));
    const out = new Uint8Array(10);
    crc.writeLE(out, 1);
    expect(Buffer.from(out.subarray(1, 9)).readBigUInt64LE()).toBe(0xe9c6d914c4b8d9can);
    expect(crc.matchesLE(out, 1)).toBe(true);
    out[5]! ^= 1;
    expect(crc.matchesLE(out, 1)).toBe(false);
  });
});
