/**
 * @module
 * Redis's listpack (listpack.c), the blob in which Redis 7.0 keeps small hashes, small sorted sets
 * and list nodes, and writes them to RDB as they are. Layout: total bytes (uint32 LE), entry count
 * (uint16 LE, 65535 = too many to count), the entries, 0xFF. An entry is its encoding, its data
 * and a "backlen" (the entry's size in 1-5 bytes of 7 bits, read backwards). A string that spells
 * a 64-bit integer is stored as the smallest integer form (7-bit unsigned, 13, 16, 24, 32 or 64-bit
 * signed), as Redis's `lpAppend` does, so a listpack built here has Redis's exact bytes.
 */
import { integerValue } from "../store/types/string.ts";
import { ByteWriter } from "./bytes.ts";
import { RdbError } from "./errors.ts";

const HEADER_SIZE = 6;
const EOF = 0xff;
/** The count field's "unknown" value. */
const COUNT_UNKNOWN = 65535;

/** Builds one listpack at a time, entry by entry; reuse it with `reset`. */
export class ListpackBuilder {
  private readonly out = new ByteWriter(256);
  private count = 0;

  constructor() {
    this.reset();
  }

  /** Starts an empty listpack. */
  reset(): void {
    this.out.reset(1 << 16);
    this.out.ensure(HEADER_SIZE);
    this.out.length = HEADER_SIZE;
    this.count = 0;
  }

  /** Entries so far. */
  get entries(): number {
    return this.count;
  }

  /** The size the listpack has now, header and end byte included (Redis's `lpBytes`). */
  get size(): number {
    return this.out.length + 1;
  }

  /** Appends a byte string, as an integer entry when it spells one. */
  append(text: string): void {
    const number = text.length <= 20 ? integerValue(text) : undefined;
    if (number !== undefined) this.appendInteger(number);
    else this.appendString(text);
  }

  /** Appends an integer entry (a number must be a safe integer; a bigint within 64 bits). */
  appendInteger(value: number | bigint): void {
    if (typeof value === "bigint" && value >= -2147483648n && value <= 2147483647n) return this.appendInteger(Number(value));
    const out = this.out;
    this.count++;
    if (typeof value === "bigint") {
      out.byte(0xf4);
      out.int64LE(value);
      out.byte(9);
      return;
    }
    if (value >= 0 && value <= 127) {
      out.byte(value);
      out.byte(1);
    } else if (value >= -4096 && value <= 4095) {
      const bits = value < 0 ? value + 8192 : value;
      out.byte(0xc0 | (bits >> 8));
      out.byte(bits & 0xff);
      out.byte(2);
    } else if (value >= -32768 && value <= 32767) {
      out.byte(0xf1);
      out.uint16LE(value & 0xffff);
      out.byte(3);
    } else if (value >= -8388608 && value <= 8388607) {
      const bits = value & 0xffffff;
      out.byte(0xf2);
      out.byte(bits & 0xff);
      out.byte((bits >> 8) & 0xff);
      out.byte(bits >> 16);
      out.byte(4);
    } else if (value >= -2147483648 && value <= 2147483647) {
      out.byte(0xf3);
      out.uint32LE(value);
      out.byte(5);
    } else {
      out.byte(0xf4);
      out.int64LE(value);
      out.byte(9);
    }
  }

  /** Appends a string entry as it is (no integer form). */
  appendString(text: string): void {
    const out = this.out;
    const length = text.length;
    this.count++;
    let size: number;
    if (length < 64) {
      out.byte(0x80 | length);
      size = 1 + length;
    } else if (length < 4096) {
      out.byte(0xe0 | (length >> 8));
      out.byte(length & 0xff);
      size = 2 + length;
    } else {
      out.byte(0xf0);
      out.uint32LE(length);
      size = 5 + length;
    }
    out.latin1(text);
    writeBacklen(out, size);
  }

  /** Closes the listpack: its bytes, a view valid until the next `reset` or append. */
  finish(): Uint8Array {
    const out = this.out;
    out.byte(EOF);
    const buffer = out.buffer;
    buffer.writeUInt32LE(out.length, 0);
    buffer.writeUInt16LE(Math.min(this.count, COUNT_UNKNOWN), 4);
    return out.view();
  }
}

/** Redis's `lpEncodeBacklen`: an entry's size, 7 bits per byte, readable from its last byte backwards. */
function writeBacklen(out: ByteWriter, size: number): void {
  if (size <= 127) out.byte(size);
  else if (size < 16383) {
    out.byte(size >> 7);
    out.byte((size & 127) | 128);
  } else if (size < 2097151) {
    out.byte(size >> 14);
    out.byte(((size >> 7) & 127) | 128);
    out.byte((size & 127) | 128);
  } else if (size < 268435455) {
    out.byte(size >> 21);
    out.byte(((size >> 14) & 127) | 128);
    out.byte(((size >> 7) & 127) | 128);
    out.byte((size & 127) | 128);
  } else {
    out.byte(Math.floor(size / 2 ** 28));
    out.byte(((size >> 21) & 127) | 128);
    out.byte(((size >> 14) & 127) | 128);
    out.byte(((size >> 7) & 127) | 128);
    out.byte((size & 127) | 128);
  }
}

/** Bytes `writeBacklen` uses for an entry of `size` bytes. */
function backlenSize(size: number): number {
  return size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
}

/**
 * The entries of a listpack blob, integers as their decimal text, after checking its structure as
 * Redis's `lpValidateIntegrity` does (sizes, end byte, each entry's bounds and backlen, the
 * count). Throws RdbError with an offset within the blob.
 */
export function readListpack(blob: Uint8Array): string[] {
  const length = blob.length;
  if (length < HEADER_SIZE + 1) throw new RdbError("listpack too short", 0);
  const view = Buffer.from(blob.buffer, blob.byteOffset, length);
  if (view.readUInt32LE(0) !== length) throw new RdbError("listpack size mismatch", 0);
  if (blob[length - 1] !== EOF) throw new RdbError("listpack without end byte", length - 1);
  const declared = view.readUInt16LE(4);
  const entries: string[] = [];
  const end = length - 1;
  let at = HEADER_SIZE;
  while (at < end) {
    const start = at;
    const first = blob[at]!;
    let text: string;
    let size: number;
    if ((first & 0x80) === 0) {
      text = String(first);
      size = 1;
    } else if ((first & 0xc0) === 0x80) {
      const textLength = first & 0x3f;
      size = 1 + textLength;
      if (start + size > end) throw new RdbError("listpack entry past the end", start);
      text = view.latin1Slice(start + 1, start + size);
    } else if ((first & 0xe0) === 0xc0) {
      if (start + 2 > end) throw new RdbError("listpack entry past the end", start);
      const bits = ((first & 0x1f) << 8) | blob[start + 1]!;
      text = String(bits >= 4096 ? bits - 8192 : bits);
      size = 2;
    } else if ((first & 0xf0) === 0xe0) {
      if (start + 2 > end) throw new RdbError("listpack entry past the end", start);
      const textLength = ((first & 0x0f) << 8) | blob[start + 1]!;
      size = 2 + textLength;
      if (start + size > end) throw new RdbError("listpack entry past the end", start);
      text = view.latin1Slice(start + 2, start + size);
    } else if (first === 0xf0) {
      if (start + 5 > end) throw new RdbError("listpack entry past the end", start);
      const textLength = view.readUInt32LE(start + 1);
      size = 5 + textLength;
      if (start + size > end) throw new RdbError("listpack entry past the end", start);
      text = view.latin1Slice(start + 5, start + size);
    } else if (first >= 0xf1 && first <= 0xf4) {
      size = first === 0xf1 ? 3 : first === 0xf2 ? 4 : first === 0xf3 ? 5 : 9;
      if (start + size > end) throw new RdbError("listpack entry past the end", start);
      if (first === 0xf1) text = String(view.readInt16LE(start + 1));
      else if (first === 0xf2) text = String(view.readIntLE(start + 1, 3));
      else if (first === 0xf3) text = String(view.readInt32LE(start + 1));
      else text = String(view.readBigInt64LE(start + 1));
    } else throw new RdbError(`bad listpack entry encoding ${first}`, start);
    at = start + size;
    const backlen = backlenSize(size);
    if (at + backlen > end) throw new RdbError("listpack entry past the end", start);
    if (decodeBacklen(blob, at + backlen - 1) !== size) throw new RdbError("bad listpack backlen", at);
    at += backlen;
    entries.push(text);
  }
  if (declared !== COUNT_UNKNOWN && declared !== entries.length) throw new RdbError("listpack count mismatch", 4);
  return entries;
}

/** Redis's `lpDecodeBacklen`: the size whose backlen ends at `last`. */
function decodeBacklen(blob: Uint8Array, last: number): number {
  let value = 0;
  let shift = 0;
  for (let at = last; at >= 0; at--) {
    const byte = blob[at]!;
    value += (byte & 127) * 2 ** shift;
    if ((byte & 128) === 0) return value;
    shift += 7;
    if (shift > 28) return -1;
  }
  return -1;
}
