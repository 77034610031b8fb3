/**
 * @module
 * Byte-level building blocks of the RDB codecs: `ByteWriter` appends into one growable buffer
 * (never a number[]), `ByteReader` walks a Uint8Array and turns running off its end into an
 * `RdbError` ("short read") with the offset. Byte strings (one char per byte, latin1) go in and
 * out through Buffer's latin1 paths, never through UTF-8.
 */
import { RdbError } from "./errors.ts";

/** 2^32, for splitting 64-bit numbers into halves. */
const TWO_32 = 4294967296;

/** An append-only byte buffer that doubles as it fills. */
export class ByteWriter {
  /** The storage; bytes `0..length` are written. A Buffer, for its latin1 fast path. */
  buffer: Buffer;
  length = 0;

  constructor(initialSize = 1024) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  /** The bytes written, as a view (valid until the next write or reset). */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** Forgets the contents, keeping the buffer unless it grew past `keep` bytes. */
  reset(keep = 1 << 20): void {
    this.length = 0;
    if (this.buffer.length > keep) this.buffer = Buffer.allocUnsafe(Math.min(keep, 1024));
  }

  byte(value: number): void {
    if (this.length === this.buffer.length) this.ensure(1);
    this.buffer[this.length++] = value;
  }

  bytes(source: Uint8Array): void {
    this.ensure(source.length);
    this.buffer.set(source, this.length);
    this.length += source.length;
  }

  /** A byte string, one byte per char. */
  latin1(text: string): void {
    const length = text.length;
    this.ensure(length);
    if (length < 16) {
      const buffer = this.buffer;
      let at = this.length;
      for (let i = 0; i < length; i++) buffer[at++] = text.charCodeAt(i);
    } else this.buffer.latin1Write(text, this.length, length);
    this.length += length;
  }

  uint16LE(value: number): void {
    this.ensure(2);
    this.buffer[this.length++] = value & 0xff;
    this.buffer[this.length++] = (value >>> 8) & 0xff;
  }

  uint32LE(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32LE(value >>> 0, this.length);
    this.length += 4;
  }

  uint32BE(value: number): void {
    this.ensure(4);
    this.buffer.writeUInt32BE(value >>> 0, this.length);
    this.length += 4;
  }

  /** A signed 64-bit integer, little-endian (exact for a bigint or a safe integer). */
  int64LE(value: number | bigint): void {
    this.ensure(8);
    if (typeof value === "bigint") this.buffer.writeBigInt64LE(BigInt.asIntN(64, value), this.length);
    else {
      const high = Math.floor(value / TWO_32);
      this.buffer.writeUInt32LE((value - high * TWO_32) >>> 0, this.length);
      this.buffer.writeInt32LE(high | 0, this.length + 4);
    }
    this.length += 8;
  }

  /** An unsigned 64-bit integer, big-endian (RDB's 64-bit lengths). */
  uint64BE(value: number): void {
    this.ensure(8);
    const high = Math.floor(value / TWO_32);
    this.buffer.writeUInt32BE(high >>> 0, this.length);
    this.buffer.writeUInt32BE((value - high * TWO_32) >>> 0, this.length + 4);
    this.length += 8;
  }

  float64LE(value: number): void {
    this.ensure(8);
    this.buffer.writeDoubleLE(value, this.length);
    this.length += 8;
  }
}

/** A cursor over bytes; reading past the end throws RdbError("short read"). */
export class ByteReader {
  /** The next byte to read. */
  at: number;
  readonly end: number;
  /** The same bytes as a Buffer, for latin1 slices and fixed-width numbers. */
  private readonly buffer: Buffer;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.at = start;
    this.end = end;
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left. */
  get remaining(): number {
    return this.end - this.at;
  }

  /** Throws unless `count` more bytes can be read. */
  need(count: number): void {
    if (count > this.end - this.at || count < 0) throw new RdbError("short read", this.at);
  }

  byte(): number {
    if (this.at >= this.end) throw new RdbError("short read", this.at);
    return this.bytes[this.at++]!;
  }

  /** `count` bytes, as a view. */
  take(count: number): Uint8Array {
    this.need(count);
    const slice = this.bytes.subarray(this.at, this.at + count);
    this.at += count;
    return slice;
  }

  /** `count` bytes as a byte string. */
  latin1(count: number): string {
    this.need(count);
    const start = this.at;
    this.at += count;
    return this.buffer.latin1Slice(start, start + count);
  }

  uint16LE(): number {
    this.need(2);
    const value = this.buffer.readUInt16LE(this.at);
    this.at += 2;
    return value;
  }

  int16LE(): number {
    this.need(2);
    const value = this.buffer.readInt16LE(this.at);
    this.at += 2;
    return value;
  }

  int32LE(): number {
    this.need(4);
    const value = this.buffer.readInt32LE(this.at);
    this.at += 4;
    return value;
  }

  uint32LE(): number {
    this.need(4);
    const value = this.buffer.readUInt32LE(this.at);
    this.at += 4;
    return value;
  }

  uint32BE(): number {
    this.need(4);
    const value = this.buffer.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }

  /** A signed 64-bit little-endian integer: a number when exact, else a bigint. */
  int64LE(): number | bigint {
    this.need(8);
    const low = this.buffer.readUInt32LE(this.at);
    const high = this.buffer.readInt32LE(this.at + 4);
    this.at += 8;
    // |high| < 2^21 keeps the value within ±2^53.
    if (high < 0x200000 && high >= -0x200000) return high * TWO_32 + low;
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /** An unsigned 64-bit big-endian integer: a number when exact, else a bigint. */
  uint64BE(): number | bigint {
    this.need(8);
    const high = this.buffer.readUInt32BE(this.at);
    const low = this.buffer.readUInt32BE(this.at + 4);
    this.at += 8;
    if (high < 0x200000) return high * TWO_32 + low;
    return (BigInt(high) << 32n) | BigInt(low);
  }

  float64LE(): number {
    this.need(8);
    const value = this.buffer.readDoubleLE(this.at);
    this.at += 8;
    return value;
  }
}
