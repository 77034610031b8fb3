/**
 * @module
 * FUNCTION DUMP / RESTORE's payload, in Redis's format (an RDB fragment): for each library the
 * RDB_OPCODE_FUNCTION2 byte (245) and its code as an RDB string, then the RDB version (2 bytes,
 * little-endian) and the CRC64 of everything before it (8 bytes, little-endian). The strings are
 * written and read by the RDB codec (src/persist/), so the code is LZF-compressed as Redis does
 * and a payload from redis-server, in any string encoding, restores here.
 */
import { ByteReader } from "../../persist/bytes.ts";
import { Crc64 } from "../../persist/crc64.ts";
import { RdbError } from "../../persist/errors.ts";
import { OPCODE_FUNCTION2, OPCODE_FUNCTION_PRE_GA, RDB_VERSION } from "../../persist/rdb-format.ts";
import { ValueDecoder } from "../../persist/rdb-reader.ts";
import { verifyDumpPayload } from "../../persist/rdb.ts";
import { RdbWriter } from "../../persist/rdb-writer.ts";

export { RDB_VERSION };

/** The trailer: RDB version (2 bytes) and CRC64 (8 bytes). */
const TRAILER_SIZE = 10;

/** The payload of FUNCTION DUMP for libraries with these codes (byte strings). */
export function dumpPayload(codes: readonly string[], compression = true): Buffer {
  const writer = new RdbWriter({ compression, checksum: false });
  writer.functions(codes);
  const body = writer.take();
  const payload = Buffer.allocUnsafe(body.length + TRAILER_SIZE);
  payload.set(body);
  payload.writeUInt16LE(RDB_VERSION, body.length);
  const crc = new Crc64();
  crc.update(payload, 0, body.length + 2);
  crc.writeLE(payload, body.length + 2);
  return payload;
}

/** Why a payload cannot be restored, with Redis's text. */
export class PayloadError extends Error {}

/** Whether the payload's trailer (RDB version, CRC64) is valid (Redis's verifyDumpPayload). */
export function verifyPayload(payload: Buffer): boolean {
  return verifyDumpPayload(payload);
}

/** The library codes in a verified payload; throws PayloadError with Redis's text. */
export function readPayload(payload: Buffer): string[] {
  const input = new ByteReader(payload, 0, payload.length - TRAILER_SIZE);
  // Only strings are read: the limits that pick values' encodings do not matter here.
  const decoder = new ValueDecoder(input, { "hash-max-listpack-entries": 0, "hash-max-listpack-value": 0, "set-max-intset-entries": 0, "zset-max-listpack-entries": 0, "zset-max-listpack-value": 0 });
  const codes: string[] = [];
  while (input.remaining > 0) {
    const type = input.byte();
    if (type === OPCODE_FUNCTION_PRE_GA) throw new PayloadError("Pre-GA function format not supported");
    if (type !== OPCODE_FUNCTION2) throw new PayloadError("given type is not a function");
    try {
      codes.push(decoder.string());
    } catch (error) {
      if (error instanceof RdbError) throw new PayloadError("Failed loading library payload");
      throw error;
    }
  }
  return codes;
}
