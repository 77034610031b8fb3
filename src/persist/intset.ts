/**
 * @module
 * Redis's intset (intset.c), the blob a small set of integers is kept and saved as: the width of
 * every element (uint32 LE: 2, 4 or 8 bytes), the count (uint32 LE), then the elements in
 * ascending order, little-endian, all of the smallest width that holds the largest magnitude.
 */
import { integerValue } from "../store/types/string.ts";
import { ByteWriter } from "./bytes.ts";
import { RdbError } from "./errors.ts";

/** The intset blob of `members`: canonical 64-bit integer strings in ascending numeric order. */
export function writeIntset(out: ByteWriter, members: readonly string[]): void {
  const values = members.map((member) => {
    const value = integerValue(member);
    if (value === undefined) throw new Error(`intset member is not an integer: ${member}`);
    return value;
  });
  const first = values[0] ?? 0;
  const last = values[values.length - 1] ?? 0;
  const width = Math.max(widthOf(first), widthOf(last));
  out.uint32LE(width);
  out.uint32LE(values.length);
  for (const value of values) {
    if (width === 2) out.uint16LE(Number(value) & 0xffff);
    else if (width === 4) out.uint32LE(Number(value));
    else out.int64LE(value);
  }
}

/** The narrowest intset width for `value`. */
function widthOf(value: number | bigint): number {
  if (value >= -32768 && value <= 32767) return 2;
  if (value >= -2147483648 && value <= 2147483647) return 4;
  return 8;
}

/**
 * The members of an intset blob as decimal text, after Redis's `intsetValidateIntegrity` with the
 * deep check (a known width, a size that matches the count, ascending without repeats).
 */
export function readIntset(blob: Uint8Array): string[] {
  if (blob.length < 8) throw new RdbError("intset too short", 0);
  const view = Buffer.from(blob.buffer, blob.byteOffset, blob.length);
  const width = view.readUInt32LE(0);
  if (width !== 2 && width !== 4 && width !== 8) throw new RdbError(`bad intset encoding ${width}`, 0);
  const count = view.readUInt32LE(4);
  if (8 + count * width !== blob.length) throw new RdbError("intset size mismatch", 4);
  const members: string[] = new Array<string>(count);
  let previous: number | bigint | undefined;
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width;
    const value: number | bigint = width === 2 ? view.readInt16LE(at) : width === 4 ? view.readInt32LE(at) : view.readBigInt64LE(at);
    if (previous !== undefined && value <= previous) throw new RdbError("intset not in ascending order", at);
    previous = value;
    members[i] = String(value);
  }
  return members;
}
