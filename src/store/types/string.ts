/**
 * @module
 * The string type's own knowledge: how a stored byte string reads as a 64-bit integer (Redis's
 * `string2ll`, used for INCR-family values and arguments alike) and which encoding Redis would
 * report for it. Values stay plain JS strings: every command group tests `typeof value ===
 * "string"`, so a wrapper object would have to be unwrapped everywhere; the price is the two
 * encoding cases `stringEncoding` cannot see (documented there).
 */

import { RedisObject, type Value } from "../keyspace.ts";

/** 2^63 - 1 and -2^63: the range of Redis's `long long`. */
export const LLONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;

/**
 * Redis's `string2ll`: the integer `text` spells exactly (no spaces, no `+`, no leading zeros,
 * no `-0`, within 64 bits), or undefined. A number within ±(2^53 - 1), a bigint beyond, so
 * callers stay on numbers on the common path and are exact at the edges.
 */
export function integerValue(text: string): number | bigint | undefined {
  const length = text.length;
  if (length === 0 || length > 20) return undefined;
  const negative = text.charCodeAt(0) === 45;
  if (negative && length === 1) return undefined;
  let i = negative ? 1 : 0;
  const first = text.charCodeAt(i);
  // A leading zero is only allowed as the whole string "0" ("-0" and "007" are not integers).
  if (first === 48) return length === 1 ? 0 : undefined;
  if (first < 49 || first > 57) return undefined;
  if (length - i <= 15) {
    // 15 digits cannot leave the safe range, so plain arithmetic is exact.
    let value = 0;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
      value = value * 10 + (c - 48);
    }
    return negative ? -value : value;
  }
  for (let j = i + 1; j < length; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) return undefined;
  }
  const big = BigInt(text);
  if (big > LLONG_MAX || big < LLONG_MIN) return undefined;
  return big <= 9007199254740991n && big >= -9007199254740991n ? Number(big) : big;
}

/** Redis's string encodings, as OBJECT ENCODING names them. */
export type StringEncoding = "int" | "embstr" | "raw";

/**
 * The encoding Redis reports for a string written by SET, MSET, GETSET, SETEX and the INCR
 * family: `int` for a canonical 64-bit integer, `embstr` up to 44 bytes, else `raw`. Redis also
 * remembers how a value was made, which a plain string cannot: a value grown by APPEND on an
 * existing key or by SETRANGE is `raw` even when short, and an INCRBYFLOAT result is `embstr`
 * even when it spells an integer; for those this answers from the contents.
 */
export function stringEncoding(value: string): StringEncoding {
  if (value.length <= 20 && integerValue(value) !== undefined) return "int";
  return value.length <= 44 ? "embstr" : "raw";
}

/**
 * A string value kept as bytes that change in place (SETBIT, SETRANGE, BITFIELD, PFADD): those
 * commands would otherwise copy the whole value per call, which is O(n) for a 64 MB bitmap. The
 * commands that mutate bytes turn a plain string into one of these; every other reader sees its
 * contents through `stringContent`, so the two forms are the same string to a client. `bytes` may
 * be longer than the value (room to grow); the value is its first `length` bytes.
 */
export class ByteString extends RedisObject {
  readonly type = "string";

  constructor(
    public bytes: Uint8Array,
    public length: number,
  ) {
    super();
  }

  /** The bytes of a latin1 string, as a value that can change in place. */
  static from(text: string): ByteString {
    // A plain Uint8Array: a Buffer's slice() would share memory, and `copy` must not.
    const bytes = new Uint8Array(text.length);
    Buffer.from(bytes.buffer).latin1Write(text);
    return new ByteString(bytes, text.length);
  }

  /** Redis reports a value changed in place as `raw`, whatever its size. */
  encoding(): StringEncoding {
    return "raw";
  }

  copy(): ByteString {
    return new ByteString(Uint8Array.prototype.slice.call(this.bytes, 0, this.length), this.length);
  }

  /** Makes the value at least `length` bytes long, zero-filled, with room to grow amortised. */
  grow(length: number): void {
    if (length <= this.length) return;
    if (length > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(length, Math.min(this.bytes.length * 2, length + 1024 * 1024)));
      bigger.set(this.bytes.subarray(0, this.length));
      this.bytes = bigger;
    } else this.bytes.fill(0, this.length, length);
    this.length = length;
  }

  /** Bytes held (MEMORY USAGE): the object and sds headers and the buffer with its spare room. */
  memoryUsage(): number {
    return 16 + 9 + this.bytes.length;
  }

  /** The contents as a latin1 string (a copy). */
  override toString(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.length).toString("latin1");
  }
}

/**
 * A short string Redis would report as `embstr` whatever its contents: INCRBYFLOAT makes its
 * result this way even when it spells an integer, which a plain string (reported by contents,
 * see `stringEncoding`) cannot show. Immutable, like a plain string.
 */
export class EmbeddedString extends RedisObject {
  readonly type = "string";

  constructor(readonly text: string) {
    super();
  }

  encoding(): StringEncoding {
    return "embstr";
  }

  copy(): EmbeddedString {
    return this;
  }
}

/** The contents of a string value in any form, or undefined for a value of another type. */
export function stringContent(value: Value): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof ByteString) return value.toString();
  return value instanceof EmbeddedString ? value.text : undefined;
}
