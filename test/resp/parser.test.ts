import { describe, expect, test } from "bun:test";
import { ProtocolError, RequestParser, splitArgs } from "../../src/resp/parser.ts";

/** Feeds `chunks` and collects every command (and the error, if any). */
function parse(chunks: Buffer[], options: { maxBulk?: number; authenticated?: boolean } = {}): { commands: string[][]; error?: string } {
  const parser = new RequestParser({ maxBulkLength: () => options.maxBulk ?? 512 * 1024 * 1024 });
  parser.authenticated = options.authenticated ?? true;
  const commands: string[][] = [];
  try {
    for (const chunk of chunks) {
      parser.feed(chunk);
      for (let args = parser.next(); args !== null; args = parser.next()) if (args.length > 0) commands.push(args);
    }
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    return { commands, error: error.message };
  }
  return { commands };
}

const bytes = (text: string) => Buffer.from(text, "latin1");

const VALID: [string, string[][]][] = [
  ["*1\r\n$4\r\nPING\r\n", [["PING"]]],
  ["*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", [["SET", "k", ""]]],
  ["*2\r\n$4\r\nECHO\r\n$5\r\na\r\n\x00\xff\r\n", [["ECHO", "a\r\n\x00\xff"]]],
  ["*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nx\r\n", [["PING"], ["GET", "x"]]],
  ["*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n", [["PING"]]],
  ["PING\r\n", [["PING"]]],
  ["PING\n", [["PING"]]],
  ["  set  k   'a b'  \"c\\td\\x41\"\r\n", [["set", "k", "a b", "c\tdA"]]],
  ["\r\n\n*1\r\n$4\r\nPING\r\n", [["PING"]]],
];

describe("RequestParser", () => {
  test("valid requests, whole", () => {
    for (const [input, expected] of VALID) expect(parse([bytes(input)]).commands).toEqual(expected);
  });

  test("valid requests split at every byte offset, and at every pair of offsets", () => {
    for (const [input, expected] of VALID) {
      const all = bytes(input);
      for (let i = 0; i <= all.length; i++) {
        expect(parse([all.subarray(0, i), all.subarray(i)]).commands).toEqual(expected);
        for (let j = i; j <= all.length; j += 3) {
          expect(parse([all.subarray(0, i), all.subarray(i, j), all.subarray(j)]).commands).toEqual(expected);
        }
      }
    }
  });

  test("one byte at a time", () => {
    const all = bytes(VALID.map(([input]) => input).join(""));
    const expected = VALID.flatMap(([, commands]) => commands);
    expect(parse([...all].map((byte) => Buffer.of(byte))).commands).toEqual(expected);
  });

  test("a big bulk arriving in many chunks is read whole", () => {
    const value = Buffer.alloc(200_000, "v");
    value[0] = 0;
    value[199_999] = 0xff;
    const all = Buffer.concat([bytes(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${value.length}\r\n`), value, bytes("\r\n*1\r\n$4\r\nPING\r\n")]);
    for (const size of [1000, 4096, 65536, 70000]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < all.length; i += size) chunks.push(all.subarray(i, i + size));
      const { commands } = parse(chunks);
      expect(commands.length).toBe(2);
      expect(commands[0]![2]).toBe(value.latin1Slice());
      expect(commands[1]).toEqual(["PING"]);
    }
  });

  test("buffered counts what a partial command holds", () => {
    const parser = new RequestParser({ maxBulkLength: () => 1 << 30 });
    parser.feed(bytes("*2\r\n$3\r\nGET\r\n$100000\r\nabc"));
    expect(parser.next()).toBeNull();
    expect(parser.buffered).toBe(3);
  });

  const MALFORMED: [string, string, { maxBulk?: number; authenticated?: boolean }?][] = [
    ["*x\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*01\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*2147483648\r\n", "ERR Protocol error: invalid multibulk length"],
    ["*1\r\nPING\r\n", "ERR Protocol error: expected '$', got 'P'"],
    ["*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length"],
    ["*1\r\n$abc\r\n", "ERR Protocol error: invalid bulk length"],
    ["*1\r\n$2000\r\n", "ERR Protocol error: invalid bulk length", { maxBulk: 1000 }],
    ["*11\r\n", "ERR Protocol error: unauthenticated multibulk length", { authenticated: false }],
    ["*1\r\n$16385\r\n", "ERR Protocol error: unauthenticated bulk length", { authenticated: false }],
    ['SET k "abc\r\n', "ERR Protocol error: unbalanced quotes in request"],
    ["SET k 'a'b\r\n", "ERR Protocol error: unbalanced quotes in request"],
    [`*${"1".repeat(70000)}`, "ERR Protocol error: too big mbulk count string"],
    [`*1\r\n$${"1".repeat(70000)}`, "ERR Protocol error: too big bulk count string"],
    ["x".repeat(70000), "ERR Protocol error: too big inline request"],
  ];

  test("malformed requests get Redis's exact error, whole and split at every offset", () => {
    for (const [input, message, options] of MALFORMED) {
      const all = bytes(input);
      expect(parse([all], options).error).toBe(message);
      const step = all.length > 100 ? 997 : 1;
      for (let i = 0; i <= all.length; i += step) expect(parse([all.subarray(0, i), all.subarray(i)], options).error).toBe(message);
    }
  });
});

describe("splitArgs (inline commands, as redis-cli and Redis split them)", () => {
  test("quotes and escapes", () => {
    expect(splitArgs("a b  c")).toEqual(["a", "b", "c"]);
    expect(splitArgs('"a\\nb" \'c\\\'d\' ""')).toEqual(["a\nb", "c'd", ""]);
    expect(splitArgs('"\\x00\\xff\\xzz"')).toEqual(["\x00\xff\\xzz".replace("\\xzz", "xzz")]);
    expect(splitArgs("")).toEqual([]);
    expect(splitArgs('"unterminated')).toBeUndefined();
    expect(splitArgs('"a"b')).toBeUndefined();
  });
});

describe("inline commands without quotes", () => {
  test("are split as splitArgs splits them, every space byte included", () => {
    // Lines of words and Redis's space bytes (\t \v \f \r and space; \n ends the line), NUL and high bytes too.
    const alphabet = ["a", "B", "\x00", "\xff", "\\", " ", " ", "\t", "\x0b", "\x0c", "\r"];
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 2000; round++) {
      let line = "";
      for (let i = random(12); i > 0; i--) line += alphabet[random(alphabet.length)];
      const { commands } = parse([bytes(`${line}\n`)]);
      const expected = splitArgs(line.endsWith("\r") ? line.slice(0, -1) : line)!;
      expect(commands).toEqual(expected.length > 0 ? [expected] : []);
    }
  });
});
