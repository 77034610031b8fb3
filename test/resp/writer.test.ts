import { describe, expect, test } from "bun:test";
import { formatDouble, ReplyWriter } from "../../src/resp/writer.ts";

function written(protocol: 2 | 3, build: (writer: ReplyWriter) => void): string {
  const writer = new ReplyWriter(16);
  writer.protocol = protocol;
  build(writer);
  return writer.bytes().latin1Slice();
}

describe("ReplyWriter", () => {
  test("each reply type in RESP2 and RESP3", () => {
    const all = (w: ReplyWriter) => {
      w.simple("OK");
      w.error("ERR bad\nthing");
      w.integer(-42);
      w.bulk("a\x00\xff");
      w.null();
      w.nullArray();
      w.map(1);
      w.set(2);
      w.push(3);
      w.double(1.5);
      w.boolean(true);
      w.verbatim("hi");
      w.bigNumber(12345678901234567890n);
    };
    expect(written(2, all)).toBe("+OK\r\n-ERR bad thing\r\n:-42\r\n$3\r\na\x00\xff\r\n$-1\r\n*-1\r\n*2\r\n*2\r\n*3\r\n$3\r\n1.5\r\n:1\r\n$2\r\nhi\r\n$20\r\n12345678901234567890\r\n");
    expect(written(3, all)).toBe("+OK\r\n-ERR bad thing\r\n:-42\r\n$3\r\na\x00\xff\r\n_\r\n_\r\n%1\r\n~2\r\n>3\r\n,1.5\r\n#t\r\n=6\r\ntxt:hi\r\n(12345678901234567890\r\n");
  });

  test("integers and lengths of every size", () => {
    const values = [0, 1, 9, 10, 11, 99, 100, 101, 999999, 1000000, 12345678901, 2 ** 53 - 1, -1, -10, -(2 ** 53) + 1];
    expect(written(2, (w) => values.forEach((n) => w.integer(n)))).toBe(values.map((n) => `:${n}\r\n`).join(""));
    expect(written(2, (w) => w.integer(-(2n ** 63n)))).toBe(":-9223372036854775808\r\n");
    for (const length of [0, 9, 10, 123, 10000]) expect(written(2, (w) => w.bulk("x".repeat(length)))).toBe(`$${length}\r\n${"x".repeat(length)}\r\n`);
    expect(written(2, (w) => w.array(1234))).toBe("*1234\r\n");
  });

  test("grows past its initial size and resets", () => {
    const writer = new ReplyWriter(4);
    const big = "x".repeat(100_000);
    writer.bulk(big);
    expect(writer.length).toBe("$100000\r\n".length + 100_000 + 2);
    writer.reset();
    expect(writer.length).toBe(0);
  });
});

describe("formatDouble (Redis 7.0: %.17g, inf/-inf)", () => {
  test("as C's printf %.17g", () => {
    const cases: [number, string][] = [
      [0, "0"], [-0, "-0"], [1, "1"], [-2.5, "-2.5"], [1.1, "1.1000000000000001"], [0.1, "0.10000000000000001"],
      [1e17, "1e+17"], [1e16, "10000000000000000"], [123456789012345680000, "1.2345678901234568e+20"],
      [0.0001, "0.0001"], [0.00001, "1.0000000000000001e-05"], [Infinity, "inf"], [-Infinity, "-inf"], [3.14159, "3.1415899999999999"],
    ];
    for (const [value, text] of cases) expect(formatDouble(value)).toBe(text);
  });
});
