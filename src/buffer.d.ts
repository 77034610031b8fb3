/**
 * @module
 * Buffer's latin1 fast paths, which Bun provides (as Node does) but the type definitions omit. Keys
 * and values are byte strings, and these read and write them without a UTF-8 step or an
 * encoding-name lookup.
 */
declare global {
  interface Buffer {
    /** Writes `text` (one byte per char) at `offset`; returns the bytes written. */
    latin1Write(text: string, offset?: number, length?: number): number;
    /** Reads bytes `start..end` as a byte string. */
    latin1Slice(start?: number, end?: number): string;
  }
}
export {};
