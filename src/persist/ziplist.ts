/**
 * @module
 * Readers for the two blob formats older Redis versions wrote and Redis 7.0 still loads (and
 * converts on load): the ziplist (ziplist.c; lists, hashes and sorted sets before 7.0) and the
 * zipmap (zipmap.c; hashes before 2.6). Nothing writes them any more, so only decoding lives here,
 * with the structural checks Redis makes before trusting one.
 *
 * Ziplist: total bytes (uint32 LE), offset of the last entry (uint32 LE), entry count (uint16 LE,
 * 65535 = unknown), entries, 0xFF. An entry: the previous entry's size (1 byte, or 0xFE and 4
 * bytes LE), an encoding (string lengths of 6, 14 or 32 bits, integers of 8, 16, 24, 32 or 64
 * bits, or 0..12 inside the encoding byte), the data.
 *
 * Zipmap: a count byte (254+ = unknown), then per pair a length, the key, a length, a "free" byte,
 * the value and that many unused bytes; lengths are one byte below 254, else 254 and 4 bytes LE;
 * 0xFF ends it.
 */
import { RdbError } from "./errors.ts";

const ZIPLIST_HEADER_SIZE = 10;
const END = 0xff;

/**
 * The entries of a ziplist blob, integers as decimal text, after checking its structure (sizes,
 * end byte, each entry's bounds and its "previous size", the tail offset and the count).
 */
export function readZiplist(blob: Uint8Array): string[] {
  const length = blob.length;
  if (length < ZIPLIST_HEADER_SIZE + 1) throw new RdbError("ziplist too short", 0);
  const view = Buffer.from(blob.buffer, blob.byteOffset, length);
  if (view.readUInt32LE(0) !== length) throw new RdbError("ziplist size mismatch", 0);
  if (blob[length - 1] !== END) throw new RdbError("ziplist without end byte", length - 1);
  const tail = view.readUInt32LE(4);
  const declared = view.readUInt16LE(8);
  const end = length - 1;
  const entries: string[] = [];
  let at = ZIPLIST_HEADER_SIZE;
  let previousSize = 0;
  let lastStart = ZIPLIST_HEADER_SIZE;
  while (at < end) {
    const start = at;
    let prevlen = blob[at++]!;
    if (prevlen === 254) {
      if (at + 4 > end) throw new RdbError("ziplist entry past the end", start);
      prevlen = view.readUInt32LE(at);
      at += 4;
    } else if (prevlen === END) throw new RdbError("bad ziplist prevlen", start);
    if (prevlen !== previousSize) throw new RdbError("ziplist prevlen mismatch", start);
    if (at >= end) throw new RdbError("ziplist entry past the end", start);
    const encoding = blob[at++]!;
    let text: string;
    const kind = encoding >> 6;
    if (kind !== 3) {
      let textLength: number;
      if (kind === 0) textLength = encoding & 0x3f;
      else if (kind === 1) {
        if (at >= end) throw new RdbError("ziplist entry past the end", start);
        textLength = ((encoding & 0x3f) << 8) | blob[at++]!;
      } else {
        if (encoding !== 0x80 || at + 4 > end) throw new RdbError("bad ziplist entry encoding", start);
        textLength = view.readUInt32BE(at);
        at += 4;
      }
      if (at + textLength > end) throw new RdbError("ziplist entry past the end", start);
      text = view.latin1Slice(at, at + textLength);
      at += textLength;
    } else {
      const width = integerWidth(encoding);
      if (width < 0) throw new RdbError(`bad ziplist entry encoding ${encoding}`, start);
      if (at + width > end) throw new RdbError("ziplist entry past the end", start);
      if (width === 0) text = String((encoding & 0x0f) - 1);
      else if (width === 8) text = String(view.readBigInt64LE(at));
      else text = String(view.readIntLE(at, width));
      at += width;
    }
    entries.push(text);
    previousSize = at - start;
    lastStart = start;
  }
  if (tail !== lastStart) throw new RdbError("ziplist tail offset mismatch", 4);
  if (declared !== 65535 && declared !== entries.length) throw new RdbError("ziplist count mismatch", 8);
  return entries;
}

/** Bytes of an integer entry's data by its encoding byte (0: the value is in the byte), -1 if invalid. */
function integerWidth(encoding: number): number {
  switch (encoding) {
    case 0xc0:
      return 2;
    case 0xd0:
      return 4;
    case 0xe0:
      return 8;
    case 0xf0:
      return 3;
    case 0xfe:
      return 1;
    default:
      return encoding >= 0xf1 && encoding <= 0xfd ? 0 : -1;
  }
}

/** The field/value pairs of a zipmap blob, in order (flattened: field, value, field, value...). */
export function readZipmap(blob: Uint8Array): string[] {
  const length = blob.length;
  if (length < 2) throw new RdbError("zipmap too short", 0);
  const view = Buffer.from(blob.buffer, blob.byteOffset, length);
  const out: string[] = [];
  let at = 1;
  const readLength = (): number => {
    if (at >= length) throw new RdbError("zipmap entry past the end", at);
    const first = blob[at++]!;
    if (first < 254) return first;
    if (first === END) return -1;
    if (at + 4 > length) throw new RdbError("zipmap entry past the end", at);
    const value = view.readUInt32LE(at);
    at += 4;
    return value;
  };
  for (;;) {
    const start = at;
    const keyLength = readLength();
    if (keyLength < 0) break;
    if (at + keyLength > length) throw new RdbError("zipmap entry past the end", start);
    const key = view.latin1Slice(at, at + keyLength);
    at += keyLength;
    const valueLength = readLength();
    if (valueLength < 0) throw new RdbError("zipmap key without a value", start);
    if (at >= length) throw new RdbError("zipmap entry past the end", start);
    const free = blob[at++]!;
    if (at + valueLength + free > length) throw new RdbError("zipmap entry past the end", start);
    out.push(key, view.latin1Slice(at, at + valueLength));
    at += valueLength + free;
  }
  if (at !== length) throw new RdbError("zipmap has bytes after its end", at);
  const declared = blob[0]!;
  if (declared < 254 && declared !== out.length / 2) throw new RdbError("zipmap count mismatch", 0);
  return out;
}
