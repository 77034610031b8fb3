/**
 * @module
 * Redis's CRC-64 (crc64.c: the Jones polynomial 0xad93d23594c935a9, reflected, initial value 0,
 * no final xor), which ends RDB files and DUMP payloads. The 64-bit register is kept as two 32-bit
 * halves in plain numbers, and eight bytes are folded per step with slicing-by-8 tables: a BigInt
 * per byte would make saving a large dataset crawl. crc64("123456789") = 0xe9c6d914c4b8d9ca.
 */

/** The reflected polynomial, as halves. */
const POLY_LOW = 0xac4bc9b5;
const POLY_HIGH = 0x95ac9329;

/**
 * Slicing-by-8 tables, low and high halves: table k (entries k*256..k*256+255) is the CRC of a
 * byte followed by k zero bytes. Computed once; never written after.
 */
const TABLE_LOW = new Uint32Array(8 * 256);
const TABLE_HIGH = new Uint32Array(8 * 256);

for (let byte = 0; byte < 256; byte++) {
  let low = byte;
  let high = 0;
  for (let bit = 0; bit < 8; bit++) {
    const carry = low & 1;
    low = ((low >>> 1) | ((high & 1) << 31)) >>> 0;
    high = high >>> 1;
    if (carry) {
      low = (low ^ POLY_LOW) >>> 0;
      high = (high ^ POLY_HIGH) >>> 0;
    }
  }
  TABLE_LOW[byte] = low;
  TABLE_HIGH[byte] = high;
}
for (let k = 1; k < 8; k++) {
  for (let byte = 0; byte < 256; byte++) {
    const previousLow = TABLE_LOW[(k - 1) * 256 + byte]!;
    const previousHigh = TABLE_HIGH[(k - 1) * 256 + byte]!;
    const index = previousLow & 0xff;
    TABLE_LOW[k * 256 + byte] = (TABLE_LOW[index]! ^ ((previousLow >>> 8) | (previousHigh << 24))) >>> 0;
    TABLE_HIGH[k * 256 + byte] = (TABLE_HIGH[index]! ^ (previousHigh >>> 8)) >>> 0;
  }
}

/** A running CRC-64, fed in pieces (a file written or read in chunks). */
export class Crc64 {
  /** The register's low and high 32 bits. */
  private low = 0;
  private high = 0;

  /** Folds `bytes[start..end)` into the checksum. */
  update(bytes: Uint8Array, start = 0, end = bytes.length): void {
    let low = this.low;
    let high = this.high;
    let at = start;
    const T_LOW = TABLE_LOW;
    const T_HIGH = TABLE_HIGH;
    // Eight bytes at a time: xor them into the register, then one lookup per byte of it.
    for (const last = end - 8; at <= last; at += 8) {
      const a = low ^ (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24));
      const b = high ^ (bytes[at + 4]! | (bytes[at + 5]! << 8) | (bytes[at + 6]! << 16) | (bytes[at + 7]! << 24));
      const i7 = 7 * 256 + (a & 0xff);
      const i6 = 6 * 256 + ((a >>> 8) & 0xff);
      const i5 = 5 * 256 + ((a >>> 16) & 0xff);
      const i4 = 4 * 256 + (a >>> 24);
      const i3 = 3 * 256 + (b & 0xff);
      const i2 = 2 * 256 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      low = T_LOW[i7]! ^ T_LOW[i6]! ^ T_LOW[i5]! ^ T_LOW[i4]! ^ T_LOW[i3]! ^ T_LOW[i2]! ^ T_LOW[i1]! ^ T_LOW[i0]!;
      high = T_HIGH[i7]! ^ T_HIGH[i6]! ^ T_HIGH[i5]! ^ T_HIGH[i4]! ^ T_HIGH[i3]! ^ T_HIGH[i2]! ^ T_HIGH[i1]! ^ T_HIGH[i0]!;
    }
    for (; at < end; at++) {
      const index = (low ^ bytes[at]!) & 0xff;
      low = T_LOW[index]! ^ ((low >>> 8) | (high << 24));
      high = T_HIGH[index]! ^ (high >>> 8);
    }
    this.low = low >>> 0;
    this.high = high >>> 0;
  }

  /** The checksum so far. */
  get value(): bigint {
    return (BigInt(this.high) << 32n) | BigInt(this.low);
  }

  /** Writes the checksum little-endian (as RDB stores it) at `target[offset..offset+8)`. */
  writeLE(target: Uint8Array, offset: number): void {
    const { low, high } = this;
    target[offset] = low & 0xff;
    target[offset + 1] = (low >>> 8) & 0xff;
    target[offset + 2] = (low >>> 16) & 0xff;
    target[offset + 3] = low >>> 24;
    target[offset + 4] = high & 0xff;
    target[offset + 5] = (high >>> 8) & 0xff;
    target[offset + 6] = (high >>> 16) & 0xff;
    target[offset + 7] = high >>> 24;
  }

  /** Whether the eight little-endian bytes at `bytes[offset..]` are this checksum. */
  matchesLE(bytes: Uint8Array, offset: number): boolean {
    const low = (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
    const high = (bytes[offset + 4]! | (bytes[offset + 5]! << 8) | (bytes[offset + 6]! << 16) | (bytes[offset + 7]! << 24)) >>> 0;
    return low === this.low && high === this.high;
  }
}

/** Redis's crc64(0, bytes). */
export function crc64(bytes: Uint8Array): bigint {
  const crc = new Crc64();
  crc.update(bytes);
  return crc.value;
}
