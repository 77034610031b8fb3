import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ByteWriter } from "../../src/persist/bytes.ts";
import { RdbError } from "../../src/persist/errors.ts";
import { readIntset, writeIntset } from "../../src/persist/intset.ts";
import { ListpackBuilder, readListpack } from "../../src/persist/listpack.ts";
import { readZiplist, readZipmap } from "../../src/persist/ziplist.ts";

const latin1 = (text: string) => Buffer.from(text, "latin1");

/** The RdbError `read` throws, as "reason@offset". */
function failure(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof RdbError) return `${error.reason}@${error.offset}`;
    throw error;
  }
  return "no error";
}

/** A listpack built from `entries`. */
function listpack(entries: readonly string[]): Uint8Array {
  const builder = new ListpackBuilder();
  for (const entry of entries) builder.append(entry);
  return new Uint8Array(builder.finish());
}

describe("listpack", () => {
  test("reads what redis-server wrote (a list node, a hash), and builds the same bytes", () => {
    const list = latin1("\x15\x00\x00\x00\x05\x00\x81a\x02\x81b\x02\x01\x01\xdf\xff\x02\xc1,\x02\xff");
    expect(readListpack(list)).toEqual(["a", "b", "1", "-1", "300"]);
    expect(Buffer.from(listpack(["a", "b", "1", "-1", "300"])).equals(list)).toBe(true);
    const hash = latin1("%\x00\x00\x00\x06\x00\x82f1\x03\x82v1\x03\x83num\x04{\x01\x83big\x04\xf4\xff\xe7vH\x17\x00\x00\x00\x09\xff");
    expect(readListpack(hash)).toEqual(["f1", "v1", "num", "123", "big", "99999999999"]);
    expect(Buffer.from(listpack(["f1", "v1", "num", "123", "big", "99999999999"])).equals(hash)).toBe(true);
  });

  test("integers take the smallest form; other text stays text", () => {
    const cases: [string, number][] = [
      ["0", 1], ["127", 1], ["128", 2], ["-1", 2], ["4095", 2], ["-4096", 2], ["4096", 3], ["-32768", 3], ["32768", 4], ["-8388608", 4],
      ["8388608", 5], ["-2147483648", 5], ["2147483648", 9], ["9223372036854775807", 9], ["-9223372036854775808", 9],
      ["9223372036854775808", 1 + 19], ["007", 1 + 3], ["-0", 1 + 2], ["+1", 1 + 2], ["", 1], ["1 ", 1 + 2],
    ];
    for (const [text, size] of cases) {
      const blob = listpack([text]);
      // Header (6), the entry, its one-byte backlen, the end byte.
      expect({ text, size: blob.length - 6 - 1 - 1 }).toEqual({ text, size });
      expect(readListpack(blob)).toEqual([text]);
    }
  });

  test("round trip for any entries, long ones included (12 and 32-bit lengths, multi-byte backlens)", () => {
    const entry = fc.oneof(fc.string({ unit: "binary-ascii", maxLength: 80 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), fc.integer().map(String));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        expect(readListpack(listpack(entries))).toEqual(entries);
      }),
    );
    const long = ["x".repeat(63), "y".repeat(64), "z".repeat(4095), "w".repeat(4096), "v".repeat(20000), "u".repeat(127), "t".repeat(200)];
    expect(readListpack(listpack(long))).toEqual(long);
  });

  test("more than 65535 entries: the count says unknown, and reading counts them", () => {
    const entries = Array.from({ length: 70000 }, (_, i) => String(i % 100));
    const blob = listpack(entries);
    expect(Buffer.from(blob).readUInt16LE(4)).toBe(65535);
    expect(readListpack(blob).length).toBe(70000);
  });

  test("corrupt listpacks are refused with the offset", () => {
    const good = listpack(["a", "12", "hello"]);
    const mutate = (change: (bytes: Buffer) => void) => {
      const copy = Buffer.from(good);
      change(copy);
      return copy;
    };
    expect(failure(() => readListpack(good.subarray(0, 5)))).toBe("listpack too short@0");
    expect(failure(() => readListpack(mutate((b) => b.writeUInt32LE(99, 0))))).toBe("listpack size mismatch@0");
    expect(failure(() => readListpack(mutate((b) => (b[b.length - 1] = 0))))).toBe(`listpack without end byte@${good.length - 1}`);
    expect(failure(() => readListpack(mutate((b) => b.writeUInt16LE(7, 4))))).toBe("listpack count mismatch@4");
    expect(failure(() => readListpack(mutate((b) => (b[8] = 9))))).toBe("bad listpack backlen@8");
    expect(failure(() => readListpack(mutate((b) => (b[6] = 0xf5))))).toBe("bad listpack entry encoding 245@6");
    expect(failure(() => readListpack(mutate((b) => (b[11] = 0x8f))))).toBe("listpack entry past the end@11");
  });
});

/** A ziplist of raw entries (each: encoding + data, the "previous size" is added here). */
function ziplist(entries: string[], options: { count?: number; tail?: number } = {}): Uint8Array {
  let body = "";
  let previous = 0;
  let lastStart = 10;
  for (const entry of entries) {
    lastStart = 10 + body.length;
    let head = String.fromCharCode(previous);
    if (previous >= 254) {
      const size = Buffer.alloc(4);
      size.writeUInt32LE(previous);
      head = "\xfe" + size.latin1Slice();
    }
    body += head + entry;
    previous = head.length + entry.length;
  }
  const header = Buffer.alloc(10);
  header.writeUInt32LE(10 + body.length + 1, 0);
  header.writeUInt32LE(options.tail ?? lastStart, 4);
  header.writeUInt16LE(options.count ?? entries.length, 8);
  return latin1(header.latin1Slice() + body + "\xff");
}

describe("ziplist", () => {
  test("every encoding: 6, 14 and 32-bit string lengths, 8/16/24/32/64-bit integers, 0..12 in the byte", () => {
    const int = (width: number, value: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(value);
      return b.subarray(0, width).latin1Slice();
    };
    const long = "L".repeat(300);
    const entries = [
      "\x05hello", "\x40\x00", `\x41\x2c${long}`, `\x80\x00\x00\x00\x03abc`, `\xfe${int(1, -5n)}`, `\xc0${int(2, -30000n)}`, `\xf0${int(3, 8000000n)}`,
      `\xd0${int(4, -2000000000n)}`, `\xe0${int(8, -9223372036854775808n)}`, "\xf1", "\xfd", "\x00",
    ];
    expect(readZiplist(ziplist(entries))).toEqual(["hello", "", long, "abc", "-5", "-30000", "8000000", "-2000000000", "-9223372036854775808", "0", "12", ""]);
    expect(readZiplist(ziplist(entries, { count: 65535 })).length).toBe(12);
    expect(readZiplist(ziplist([]))).toEqual([]);
  });

  test("corrupt ziplists are refused", () => {
    const good = ziplist(["\x01a", "\xf2"]);
    const mutate = (change: (bytes: Buffer) => void) => {
      const copy = Buffer.from(good);
      change(copy);
      return copy;
    };
    expect(failure(() => readZiplist(good.subarray(0, 8)))).toBe("ziplist too short@0");
    expect(failure(() => readZiplist(mutate((b) => b.writeUInt32LE(3, 0))))).toBe("ziplist size mismatch@0");
    expect(failure(() => readZiplist(ziplist(["\x01a"], { count: 2 })))).toBe("ziplist count mismatch@8");
    expect(failure(() => readZiplist(ziplist(["\x01a"], { tail: 11 })))).toBe("ziplist tail offset mismatch@4");
    expect(failure(() => readZiplist(mutate((b) => (b[13] = 7))))).toBe("ziplist prevlen mismatch@13");
    expect(failure(() => readZiplist(mutate((b) => (b[14] = 0xf0))))).toBe("ziplist entry past the end@13");
    expect(failure(() => readZiplist(mutate((b) => (b[11] = 9))))).toBe("ziplist entry past the end@10");
    expect(failure(() => readZiplist(mutate((b) => (b[14] = 0xff))))).toBe("bad ziplist entry encoding 255@13");
  });
});

describe("zipmap", () => {
  test("pairs with free bytes and long lengths", () => {
    const long = "k".repeat(300);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(300);
    const blob = latin1(`\x03\x01a\x02\x00v1\x01b\x03\x02v22xx\xfe${size.latin1Slice()}${long}\x00\x00\xff`);
    expect(readZipmap(blob)).toEqual(["a", "v1", "b", "v22", long, ""]);
  });

  test("corrupt zipmaps are refused", () => {
    expect(failure(() => readZipmap(latin1("\x01")))).toBe("zipmap too short@0");
    expect(failure(() => readZipmap(latin1("\x01\x05ab")))).toBe("zipmap entry past the end@1");
    expect(failure(() => readZipmap(latin1("\x01\x01a\xff")))).toBe("zipmap key without a value@1");
    expect(failure(() => readZipmap(latin1("\x02\x01a\x01\x00b\xff")))).toBe("zipmap count mismatch@0");
    expect(failure(() => readZipmap(latin1("\x01\x01a\x01\x00b\xffx")))).toBe("zipmap has bytes after its end@7");
  });
});

describe("intset", () => {
  const build = (members: string[]) => {
    const out = new ByteWriter();
    writeIntset(out, members);
    return new Uint8Array(out.view());
  };

  test("Redis's bytes: the narrowest width for the extremes, ascending, little-endian", () => {
    const fromRedis = latin1("\x04\x00\x00\x00\x04\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00p\x11\x01\x00");
    expect(readIntset(fromRedis)).toEqual(["1", "2", "3", "70000"]);
    expect(Buffer.from(build(["1", "2", "3", "70000"])).equals(fromRedis)).toBe(true);
    expect(build(["-32768", "32767"]).length).toBe(8 + 2 * 2);
    expect(build(["-32769", "5"]).length).toBe(8 + 2 * 4);
    expect(build(["1", "2147483648"]).length).toBe(8 + 2 * 8);
    const wide = ["-9223372036854775808", "-1", "0", "9223372036854775807"];
    expect(readIntset(build(wide))).toEqual(wide);
  });

  test("corrupt intsets are refused", () => {
    expect(failure(() => readIntset(latin1("\x02\x00\x00")))).toBe("intset too short@0");
    expect(failure(() => readIntset(latin1("\x03\x00\x00\x00\x00\x00\x00\x00")))).toBe("bad intset encoding 3@0");
    expect(failure(() => readIntset(latin1("\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00")))).toBe("intset size mismatch@4");
    expect(failure(() => readIntset(latin1("\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x01\x00")))).toBe("intset not in ascending order@10");
    expect(failure(() => readIntset(latin1("\x02\x00\x00\x00\x02\x00\x00\x00\x05\x00\x05\x00")))).toBe("intset not in ascending order@10");
  });
});
