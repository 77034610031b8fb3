import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { LzfCompressor, lzfDecompress } from "../../src/persist/lzf.ts";

const latin1 = (text: string) => Buffer.from(text, "latin1");

/** Compresses as Redis's rdbSaveLzfStringObject does: at most length - 4 bytes out. */
function compress(compressor: LzfCompressor, input: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(input.length + 2);
  const size = compressor.compress(input, input.length, out, input.length - 4);
  return size === 0 ? undefined : out.subarray(0, size);
}

/** Strings and what redis-server 7.0.15 (liblzf 3.6) compressed them to in DUMP payloads. */
const REDIS_SAMPLES: [string, string][] = [
  ["a".repeat(50), "\x01aa\xe0%\x00\x01aa"],
  [
    "hello world hello world hello world, this is a test of the compression; hello world hello world hello world",
    "\x0chello world h\xe0\x0d\x0b\x06, this  \x02\x08a test of \x11\x0de compression;\xe0\x0f;\xe0\x01\x17\x01ld",
  ],
];

describe("LZF", () => {
  test("compresses as redis-server does, and decompresses what it wrote", () => {
    const compressor = new LzfCompressor();
    for (const [plain, compressed] of REDIS_SAMPLES) {
      expect(Buffer.from(compress(compressor, latin1(plain))!).latin1Slice()).toBe(compressed);
      expect(Buffer.from(lzfDecompress(latin1(compressed), plain.length)!).latin1Slice()).toBe(plain);
    }
  });

  test("round trip: anything that compresses decompresses to itself, whatever came before", () => {
    const compressor = new LzfCompressor();
    const repetitive = fc.array(fc.constantFrom("ab", "abc", "\x00", "\xff\xfe", "hello ", "x"), { maxLength: 400 }).map((parts) => latin1(parts.join("")));
    fc.assert(
      fc.property(fc.oneof(repetitive, fc.uint8Array({ maxLength: 2000 })), (input) => {
        const compressed = compress(compressor, input);
        if (compressed === undefined) return;
        expect(compressed.length).toBeLessThanOrEqual(input.length - 4);
        expect(Buffer.from(lzfDecompress(compressed, input.length)!).equals(Buffer.from(input))).toBe(true);
      }),
    );
  });

  test("a compressor reused across strings gives what a fresh one gives", () => {
    const reused = new LzfCompressor();
    const inputs = Array.from({ length: 50 }, (_, i) => latin1(`${"pattern-".repeat(i % 7)}${i}${"zz".repeat(i)}`));
    for (const input of inputs) {
      const a = compress(reused, input);
      const b = compress(new LzfCompressor(), input);
      expect(a === undefined ? undefined : Buffer.from(a).latin1Slice()).toBe(b === undefined ? undefined : Buffer.from(b).latin1Slice());
    }
  });

  test("gives up (0) when the output would not save four bytes", () => {
    const compressor = new LzfCompressor();
    const noise = new Uint8Array(100).map((_, i) => (i * 197 + 13) & 0xff);
    expect(compress(compressor, noise)).toBeUndefined();
    expect(compressor.compress(new Uint8Array(0), 0, new Uint8Array(4), 4)).toBe(0);
  });

  test("corrupt input decompresses to nothing", () => {
    expect(lzfDecompress(latin1("\x01aa"), 3)).toBeUndefined(); // too short
    expect(lzfDecompress(latin1("\x01aa"), 1)).toBeUndefined(); // too long
    expect(lzfDecompress(latin1("\x05ab"), 6)).toBeUndefined(); // literal past the input
    expect(lzfDecompress(latin1("\x00a\x20\x05"), 4)).toBeUndefined(); // reference before the start
    expect(lzfDecompress(latin1("\x00a\xe0"), 12)).toBeUndefined(); // long reference cut short
    expect(lzfDecompress(latin1("\x00a\x20"), 4)).toBeUndefined(); // reference without its offset
    expect(Buffer.from(lzfDecompress(latin1("\x00a\xe0\x00\x00"), 10)!).latin1Slice()).toBe("a".repeat(10));
  });
});
