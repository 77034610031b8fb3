/**
 * @module
 * LZF, the compression RDB files and DUMP payloads use for strings. The compressor makes liblzf
 * 3.6's choices (HLOG 16, VERY_FAST: its hash, match rules, re-hashing after a match and "does it
 * fit" checks), which is what redis-server 7.0.15 as packaged here links, so a string compresses to
 * the same bytes as in its own dump. (The copy bundled in Redis's source tree also refuses a match
 * starting in the last four bytes; both decompress each other's output.) Format: `000LLLLL` and
 * L+1 literal bytes; `LLLooooo oooooooo` a back reference of L+2 bytes at distance o+1;
 * `111ooooo LLLLLLLL oooooooo` the same with length L+9.
 */

/** Bits of the hash table index (Redis's HLOG). */
const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
/** Past this, table entries are cleared instead of aged out by a base offset. */
const MAX_BASE = 0x7fffffff;

/**
 * An LZF compressor with its hash table, reused across calls (one per writer): entries hold
 * `base + position`, and each call starts past the last call's positions, so stale entries read as
 * empty without clearing 256 KB per string.
 */
export class LzfCompressor {
  private table: Int32Array | undefined;
  private base = 0;

  /**
   * Compresses `input[0..length)` into `output`, using at most `maxOutput` bytes (Redis passes
   * length - 4: compression must save at least four bytes). Returns the compressed size, or 0 when
   * it does not fit, as liblzf.
   */
  compress(input: Uint8Array, length: number, output: Uint8Array, maxOutput: number): number {
    if (length === 0 || maxOutput === 0) return 0;
    const table = (this.table ??= new Int32Array(HSIZE));
    if (this.base + length + 1 >= MAX_BASE) {
      table.fill(0);
      this.base = 0;
    }
    const base = this.base;
    this.base = base + length + 1;

    let ip = 0;
    let op = 1; // the first literal run's control byte goes at 0
    let lit = 0;
    const inEnd = length;
    const outEnd = maxOutput;
    let hval = (input[0]! << 8) | input[1]!;
    while (ip < inEnd - 2) {
      hval = ((hval << 8) | input[ip + 2]!) & 0xffffff;
      const slot = ((hval >>> (3 * 8 - HLOG)) - hval * 5) & (HSIZE - 1);
      const stored = table[slot]!;
      table[slot] = base + ip + 1;
      // A stored position from this call (stored > base), before ip, within reach, not at 0.
      const ref = stored - base - 1;
      const off = ip - ref - 1;
      if (stored > base && ref > 0 && off >= 0 && off < MAX_OFF && input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
        let len = 2;
        let maxLength = inEnd - ip - len;
        if (maxLength > MAX_REF) maxLength = MAX_REF;
        output[op - lit - 1] = lit - 1; // close the literal run
        if (lit === 0) op--; // it was empty: drop its control byte
        if (op + 3 + 1 >= outEnd) return 0;
        len = matchLength(input, ref, ip, maxLength);
        len -= 2; // the format counts a match's length from 2
        ip++;
        if (len < 7) output[op++] = (off >> 8) + (len << 5);
        else {
          output[op++] = (off >> 8) + (7 << 5);
          output[op++] = len - 7;
        }
        output[op++] = off & 0xff;
        lit = 0;
        op++; // start a new literal run
        ip += len + 1;
        if (ip >= inEnd - 2) break;
        // VERY_FAST: hash the two positions before the new ip, then go on from ip.
        ip -= 2;
        hval = (input[ip]! << 8) | input[ip + 1]!;
        hval = ((hval << 8) | input[ip + 2]!) & 0xffffff;
        table[((hval >>> (3 * 8 - HLOG)) - hval * 5) & (HSIZE - 1)] = base + ip + 1;
        ip++;
        hval = ((hval << 8) | input[ip + 2]!) & 0xffffff;
        table[((hval >>> (3 * 8 - HLOG)) - hval * 5) & (HSIZE - 1)] = base + ip + 1;
        ip++;
      } else {
        if (op >= outEnd) return 0;
        lit++;
        output[op++] = input[ip++]!;
        if (lit === MAX_LIT) {
          output[op - lit - 1] = lit - 1;
          lit = 0;
          op++;
        }
      }
    }
    if (op + 3 > outEnd) return 0;
    while (ip < inEnd) {
      lit++;
      output[op++] = input[ip++]!;
      if (lit === MAX_LIT) {
        output[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
    output[op - lit - 1] = lit - 1;
    if (lit === 0) op--;
    return op;
  }
}

/**
 * How many bytes at `ip` repeat those at `ref` (the first three are known to), as liblzf counts:
 * its unrolled first sixteen steps do not look at `maxLength`, so near the end of the input a
 * match can run up to two bytes past it, and the output must do the same to be Redis's.
 */
function matchLength(input: Uint8Array, ref: number, ip: number, maxLength: number): number {
  let len = 2;
  if (maxLength > 16) {
    for (let step = 0; step < 16; step++) {
      len++;
      if (input[ref + len] !== input[ip + len]) return len;
    }
  }
  do len++;
  while (len < maxLength && input[ref + len] === input[ip + len]);
  return len;
}

/**
 * liblzf's decompression: `input` expands to exactly `outputLength` bytes (at the start of
 * `into` when given, else of a new array), or the result is undefined (corrupt data: a run past either end, a reference before the start, a wrong length).
 */
export function lzfDecompress(input: Uint8Array, outputLength: number, into?: Uint8Array): Uint8Array | undefined {
  // A caller's scratch buffer saves an allocation per string (RDB loading); `into` must be big enough.
  const output = into ?? new Uint8Array(outputLength);
  const inEnd = input.length;
  let ip = 0;
  let op = 0;
  while (ip < inEnd) {
    let control = input[ip++]!;
    if (control < 32) {
      control++;
      if (op + control > outputLength || ip + control > inEnd) return undefined;
      // At most 32 bytes: a loop beats making a view to copy from.
      for (let i = 0; i < control; i++) output[op++] = input[ip++]!;
      continue;
    }
    let length = control >> 5;
    if (length === 7) {
      if (ip >= inEnd) return undefined;
      length += input[ip++]!;
    }
    if (ip >= inEnd) return undefined;
    const ref = op - ((control & 0x1f) << 8) - input[ip++]! - 1;
    length += 2;
    if (ref < 0 || op + length > outputLength) return undefined;
    if (length >= 16 && ref + length <= op) {
      output.copyWithin(op, ref, ref + length);
      op += length;
    } else {
      // Byte by byte: a reference may overlap what it produces (a run of one repeated byte).
      for (let i = 0; i < length; i++) output[op++] = output[ref + i]!;
    }
  }
  return op === outputLength ? output : undefined;
}
