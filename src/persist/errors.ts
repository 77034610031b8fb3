/**
 * @module
 * Why RDB data could not be read: one error class with the byte offset where reading failed and a
 * short reason ("bad checksum", "unknown type 42", "short read"...), so that a failed load can say
 * where and why, and RESTORE can answer Redis's "Bad data format".
 */

/** RDB data that cannot be decoded. */
export class RdbError extends Error {
  constructor(
    /** What is wrong, in a few words. */
    readonly reason: string,
    /** Offset of the byte (in the file, or in the blob being decoded) where reading failed. */
    readonly offset: number,
  ) {
    super(`${reason} at offset ${offset}`);
    this.name = "RdbError";
  }

  /** The same error placed inside a larger input: a blob's offsets become the file's. */
  shifted(by: number): RdbError {
    return new RdbError(this.reason, this.offset + by);
  }
}

/** A DUMP payload whose trailer (RDB version, CRC64) is wrong: RESTORE's own error, not a data error. */
export class DumpPayloadError extends Error {
  constructor() {
    super("DUMP payload version or checksum are wrong");
    this.name = "DumpPayloadError";
  }
}
