/**
 * @module
 * Memory estimates in Redis's own accounting (jemalloc size classes, sds headers, robj and dict
 * entries), so that MEMORY USAGE shows figures comparable with Redis's, and eviction can tell
 * roughly how much removing a key gives back.
 */
import type { RedisObject, Value } from "../store/keyspace.ts";
import { toInteger } from "./arguments.ts";

/** jemalloc's size class for an allocation of `size` bytes (what Redis's zmalloc_size reports). */
export function allocationSize(size: number): number {
  if (size <= 8) return 8;
  if (size <= 128) return Math.ceil(size / 16) * 16;
  // Four classes per doubling above 128 bytes.
  const step = 2 ** Math.floor(Math.log2(size - 1)) / 4;
  return Math.ceil(size / step) * step;
}

/** Header bytes of an sds string of `length` bytes; keys (`compact`) may use the 1-byte type. */
function sdsHeader(length: number, compact: boolean): number {
  if (compact && length > 0 && length < 32) return 1;
  if (length < 256) return 3;
  if (length < 65536) return 5;
  return length < 2 ** 32 ? 9 : 17;
}

/** Redis's object header (robj) and hash table entry sizes. */
const OBJECT_HEADER = 16;
const DICT_ENTRY = 24;

/** Redis's accounting of a string value: integer-encoded, embedded (≤ 44 bytes) or raw. */
function stringBytes(value: string): number {
  if (value.length <= 20 && toInteger(value) !== undefined) return OBJECT_HEADER;
  if (value.length <= 44) return allocationSize(OBJECT_HEADER + 3 + value.length + 1);
  return OBJECT_HEADER + allocationSize(sdsHeader(value.length, false) + value.length + 1);
}

/** A value that can size itself (a data type may implement this; `samples` bounds the elements looked at). */
interface SizedValue {
  memoryUsage(samples: number): number;
}

function isSized(value: RedisObject): value is RedisObject & SizedValue {
  return typeof (value as Partial<SizedValue>).memoryUsage === "function";
}

/**
 * MEMORY USAGE's estimate for one key, in Redis's own accounting so that tools comparing keys
 * (or comparing with Redis) see familiar figures: the key's string, the value (header plus its
 * bytes, rounded up to the allocator's size classes) and the hash table entry. A data type
 * that implements `memoryUsage(samples)` sizes its own values; otherwise only its header counts.
 */
export function keyMemoryUsage(key: string, value: Value, samples: number): number {
  const valueBytes = typeof value === "string" ? stringBytes(value) : isSized(value) ? value.memoryUsage(samples) : OBJECT_HEADER;
  return valueBytes + allocationSize(sdsHeader(key.length, true) + key.length + 1) + DICT_ENTRY;
}
