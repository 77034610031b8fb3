import { describe, expect, test } from "bun:test";
import { LineBuffer } from "../../src/tcp/echo.ts";

/** Feeds `chunks` to a fresh LineBuffer; returns what it emitted and whether it accepted all. */
function run(chunks: Uint8Array[], max = 1 << 20): { out: Buffer; pieces: number; ok: boolean } {
  const emitted: Uint8Array[] = [];
  const lines = new LineBuffer(max, (bytes) => emitted.push(bytes));
  let ok = true;
  for (const chunk of chunks) ok &&= lines.push(chunk);
  return { out: Buffer.concat(emitted), pieces: emitted.length, ok };
}

const INPUT = Buffer.from("hello\r\n\n\x00bin\xff\xfe\x80ary\nlast line\nunfinished", "latin1");
const COMPLETE = INPUT.subarray(0, INPUT.lastIndexOf(10) + 1);

describe("LineBuffer", () => {
  test("one chunk: every complete line in one emit, the tail held back", () => {
    const { out, pieces } = run([INPUT]);
    expect(out).toEqual(COMPLETE);
    expect(pieces).toBe(1);
  });

  test("split at every byte offset gives the same bytes", () => {
    for (let i = 0; i <= INPUT.length; i++) {
      const { out, ok } = run([INPUT.subarray(0, i), INPUT.subarray(i)]);
      expect(ok).toBe(true);
      expect(out).toEqual(COMPLETE);
    }
  });

  test("split at every pair of offsets gives the same bytes", () => {
    for (let i = 0; i <= INPUT.length; i++) {
      for (let j = i; j <= INPUT.length; j++) {
        const { out } = run([INPUT.subarray(0, i), INPUT.subarray(i, j), INPUT.subarray(j)]);
        expect(out).toEqual(COMPLETE);
      }
    }
  });

  test("one byte per chunk", () => {
    const chunks = [...INPUT].map((byte) => Uint8Array.of(byte));
    expect(run(chunks).out).toEqual(COMPLETE);
  });

  test("nothing is emitted until a newline arrives", () => {
    expect(run([Buffer.from("abc"), Buffer.from("def")]).pieces).toBe(0);
  });

  test("a line of exactly the limit passes; one byte more fails", () => {
    expect(run([Buffer.from("12345\n")], 5).ok).toBe(true);
    expect(run([Buffer.from("123456\n")], 5).ok).toBe(false);
  });

  test("the limit holds for partial lines, lines across chunks and lines inside a long chunk", () => {
    expect(run([Buffer.from("123456")], 5).ok).toBe(false); // unfinished, already too long
    expect(run([Buffer.from("123"), Buffer.from("456\n")], 5).ok).toBe(false); // completed across chunks
    expect(run([Buffer.from("1\n123456\n12\n")], 5).ok).toBe(false); // in the middle of a chunk
    expect(run([Buffer.from("1\n12345\n12\n")], 5).ok).toBe(true);
    expect(run([Buffer.from("1\n12345\n123456")], 5).ok).toBe(false); // the tail
  });
});
