/**
 * @module
 * FUNCTION DUMP / RESTORE's payload, in Redis's format (an RDB fragment): for each library the
 * RDB_OPCODE_FUNCTION2 byte (245) and its code as an RDB string, then the RDB version (2 bytes,
 * little-endian) and a CRC64 (Jones polynomial, as Redis's crc64.c) of everything before it
 * (8 bytes, little-endian). Reading accepts every RDB string encoding Redis writes, LZF-compressed
 * ones included, so a payload from redis-server restores here. Writing stores the code
 * uncompressed (Redis compresses strings over 20 bytes with LZF): redis-server restores it, but
 * the bytes differ from Redis's own dump of the same libraries.
 */

/** RDB_OPCODE_FUNCTION2: a library, as Redis 7.0 writes it. */
const OPCODE_FUNCTION = 245;
/** RDB_OPCODE_FUNCTION_PRE_GA: the 7.0 release candidates' format, which Redis refuses too. */
const OPCODE_FUNCTION_PRE_GA = 246;
/** The RDB version Redis 7.0 writes (and the newest it reads). */
export const RDB_VERSION = 10;

/** The reflected Jones polynomial of Redis's crc64. */
const POLYNOMIAL = 0x95ac9329ac4bc9b5n;

/** The 256-entry table of the reflected CRC64, computed once per call site (it is small). */
function crcTable(): bigint[] {
  const table: bigint[] = [];
  for (let byte = 0; byte < 256; byte++) {
    let crc = BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLYNOMIAL : crc >> 1n;
    table.push(crc);
  }
  return table;
}

/** Redis's crc64(0, bytes): CRC-64/Jones, reflected, no final xor. */
export function crc64(bytes: Uint8Array, table: bigint[] = crcTable()): bigint {
  let crc = 0n;
  for (const byte of bytes) crc = table[Number((crc ^ BigInt(byte)) & 0xffn)]! ^ (crc >> 8n);
  return crc;
}

/** An RDB length: 6-bit, 14-bit, 32-bit or 64-bit form. */
function writeLength(out: number[], length: number): void {
  if (length < 1 << 6) out.push(length);
  else if (length < 1 << 14) out.push(0x40 | (length >> 8), length & 0xff);
  else if (length <= 0xffffffff) out.push(0x80, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
  else {
    out.push(0x81);
    const big = BigInt(length);
    for (let i = 7; i >= 0; i--) out.push(Number((big >> BigInt(8 * i)) & 0xffn));
  }
}

/** The payload of FUNCTION DUMP for libraries with these codes (byte strings). */
export function dumpPayload(codes: readonly string[]): Buffer {
  const out: number[] = [];
  for (const code of codes) {
    out.push(OPCODE_FUNCTION);
    writeLength(out, code.length);
    for (let i = 0; i < code.length; i++) out.push(code.charCodeAt(i));
  }
  out.push(RDB_VERSION & 0xff, RDB_VERSION >> 8);
  const body = Buffer.from(out);
  const crc = crc64(body);
  const trailer = Buffer.alloc(8);
  trailer.writeBigUInt64LE(crc);
  return Buffer.concat([body, trailer]);
}

/** Why a payload cannot be restored, with Redis's text. */
export class PayloadError extends Error {}

/** liblzf's decompression (Redis's RDB_ENC_LZF strings). */
export function lzfDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const output = new Uint8Array(outputLength);
  let inAt = 0;
  let outAt = 0;
  while (inAt < input.length) {
    let control = input[inAt++]!;
    if (control < 32) {
      control++;
      if (outAt + control > outputLength || inAt + control > input.length) throw new PayloadError("Invalid LZF compressed string");
      output.set(input.subarray(inAt, inAt + control), outAt);
      inAt += control;
      outAt += control;
    } else {
      let length = control >> 5;
      if (length === 7) length += input[inAt++]!;
      const back = outAt - ((control & 0x1f) << 8) - input[inAt++]! - 1;
      length += 2;
      if (back < 0 || outAt + length > outputLength) throw new PayloadError("Invalid LZF compressed string");
      for (let i = 0; i < length; i++) output[outAt++] = output[back + i]!;
    }
  }
  if (outAt !== outputLength) throw new PayloadError("Invalid LZF compressed string");
  return output;
}

/** A reader over a payload's body. */
class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new PayloadError("failed to read type");
    return this.bytes[this.at++]!;
  }

  take(length: number): Uint8Array {
    if (this.at + length > this.bytes.length) throw new PayloadError("Failed loading library payload");
    const slice = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return slice;
  }

  /** An RDB length, or an encoding (`encoded`) for strings stored specially. */
  length(): { value: number; encoded: boolean } {
    const first = this.byte();
    const kind = first >> 6;
    if (kind === 0) return { value: first & 0x3f, encoded: false };
    if (kind === 1) return { value: ((first & 0x3f) << 8) | this.byte(), encoded: false };
    if (kind === 3) return { value: first & 0x3f, encoded: true };
    if (first === 0x80) return { value: Buffer.from(this.take(4)).readUInt32BE(0), encoded: false };
    if (first === 0x81) return { value: Number(Buffer.from(this.take(8)).readBigUInt64BE(0)), encoded: false };
    throw new PayloadError("Failed loading library payload");
  }

  /** An RDB string (raw, integer-encoded or LZF-compressed) as a byte string. */
  string(): string {
    const { value, encoded } = this.length();
    if (!encoded) return Buffer.from(this.take(value)).toString("latin1");
    if (value === 0) return String(Buffer.from(this.take(1)).readInt8(0));
    if (value === 1) return String(Buffer.from(this.take(2)).readInt16LE(0));
    if (value === 2) return String(Buffer.from(this.take(4)).readInt32LE(0));
    if (value === 3) {
      const compressed = this.length().value;
      const length = this.length().value;
      return Buffer.from(lzfDecompress(this.take(compressed), length)).toString("latin1");
    }
    throw new PayloadError("Failed loading library payload");
  }

  get done(): boolean {
    return this.at >= this.bytes.length;
  }
}

/** Whether the payload's trailer (RDB version, CRC64) is valid (Redis's verifyDumpPayload). */
export function verifyPayload(payload: Buffer): boolean {
  if (payload.length < 10) return false;
  const footer = payload.length - 10;
  const version = payload.readUInt16LE(footer);
  if (version > RDB_VERSION) return false;
  const crc = payload.readBigUInt64LE(footer + 2);
  // A zero checksum means "not computed", which Redis accepts.
  return crc === 0n || crc === crc64(payload.subarray(0, footer + 2));
}

/** The library codes in a verified payload; throws PayloadError with Redis's text. */
export function readPayload(payload: Buffer): string[] {
  const reader = new Reader(payload.subarray(0, payload.length - 10));
  const codes: string[] = [];
  while (!reader.done) {
    const type = reader.byte();
    if (type === OPCODE_FUNCTION_PRE_GA) throw new PayloadError("Pre-GA function format not supported");
    if (type !== OPCODE_FUNCTION) throw new PayloadError("given type is not a function");
    codes.push(reader.string());
  }
  return codes;
}
