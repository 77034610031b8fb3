/**
 * @module
 * Redis's RDB format, the pure encode/decode layer persistence and DUMP/RESTORE build on: files
 * (`RdbWriter`, `RdbReader`) and single values (`dumpValue`, `restoreValue`: a DUMP payload is a
 * value's type and serialisation, the RDB version in 2 bytes LE and a CRC64 in 8 bytes LE).
 */
import type { Value } from "../store/keyspace.ts";
import { ByteReader } from "./bytes.ts";
import { Crc64 } from "./crc64.ts";
import { DumpPayloadError, RdbError } from "./errors.ts";
import { isObjectType, RDB_VERSION } from "./rdb-format.ts";
import { ValueDecoder, type RdbLoadLimits } from "./rdb-reader.ts";

export { DumpPayloadError, RdbError } from "./errors.ts";
export { RDB_VERSION } from "./rdb-format.ts";
export { RdbReader, type RdbItem, type RdbLoadLimits, type RdbReaderOptions } from "./rdb-reader.ts";
export { dumpValue, RdbWriter, type RdbOptions } from "./rdb-writer.ts";

/** The trailer: RDB version (2 bytes) and CRC64 (8 bytes). */
const TRAILER_SIZE = 10;

/**
 * Redis's `verifyDumpPayload`: the payload ends with an RDB version this server reads and the
 * CRC64 of everything before the checksum.
 */
export function verifyDumpPayload(payload: Uint8Array): boolean {
  if (payload.length < TRAILER_SIZE) return false;
  const footer = payload.length - TRAILER_SIZE;
  const version = payload[footer]! | (payload[footer + 1]! << 8);
  if (version > RDB_VERSION) return false;
  const crc = new Crc64();
  crc.update(payload, 0, footer + 2);
  return crc.matchesLE(payload, footer + 2);
}

/**
 * The value in a DUMP payload, encoded as Redis would encode it after RESTORE with these
 * settings. Throws DumpPayloadError when the trailer is wrong, RdbError when the data is.
 */
export function restoreValue(payload: Uint8Array, config: RdbLoadLimits): Value {
  if (!verifyDumpPayload(payload)) throw new DumpPayloadError();
  const input = new ByteReader(payload, 0, payload.length - TRAILER_SIZE);
  const type = input.byte();
  if (!isObjectType(type)) throw new RdbError(`unknown type ${type}`, 0);
  const value = new ValueDecoder(input, config).object(type);
  if (value === undefined) throw new RdbError("empty key", 1);
  return value;
}
