import { describe, expect, test } from "bun:test";
import { AofEncoder, AofManifestError, AofReader, baseName, formatManifest, incrName, parseManifest } from "../../src/persist/aof.ts";

describe("AOF manifest", () => {
  test("Redis's format, both ways", () => {
    const text = "file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.2.incr.aof seq 2 type h\nfile appendonly.aof.4.incr.aof seq 4 type i\nfile appendonly.aof.5.incr.aof seq 5 type i\n";
    const files = parseManifest(text);
    expect(files).toEqual([
      { name: "appendonly.aof.3.base.rdb", seq: 3, type: "b" },
      { name: "appendonly.aof.2.incr.aof", seq: 2, type: "h" },
      { name: "appendonly.aof.4.incr.aof", seq: 4, type: "i" },
      { name: "appendonly.aof.5.incr.aof", seq: 5, type: "i" },
    ]);
    expect(formatManifest(files)).toBe(text);
    expect(baseName("appendonly.aof", 3, true)).toBe("appendonly.aof.3.base.rdb");
    expect(baseName("appendonly.aof", 3, false)).toBe("appendonly.aof.3.base.aof");
    expect(incrName("appendonly.aof", 4)).toBe("appendonly.aof.4.incr.aof");
  });

  test("names with spaces or odd bytes are quoted, and read back", () => {
    const files = [{ name: 'my file"\x01.aof.1.incr.aof', seq: 1, type: "i" as const }];
    const text = formatManifest(files);
    expect(text).toBe('file "my file\\"\\x01.aof.1.incr.aof" seq 1 type i\n');
    expect(parseManifest(text)).toEqual(files);
  });

  test("what Redis refuses is refused", () => {
    expect(() => parseManifest("file a seq 1\n")).toThrow(AofManifestError);
    expect(() => parseManifest("file a seq x type i\n")).toThrow("line 1");
    expect(() => parseManifest("file a seq 1 type z\n")).toThrow(AofManifestError);
    expect(() => parseManifest("file a seq 1 type b\nfile b seq 2 type b\n")).toThrow("duplicate base");
    expect(() => parseManifest("file a seq 2 type i\nfile b seq 1 type i\n")).toThrow("non-monotonic");
  });
});

describe("AOF command stream", () => {
  test("encoded commands read back, with SELECT when the database changes", () => {
    const encoder = new AofEncoder();
    encoder.command(0, ["SET", "k", "v"]);
    encoder.command(0, ["RPUSH", "l", "\x00\xff\r\n", ""]);
    encoder.command(3, ["DEL", "k".repeat(70_000)]);
    const bytes = Buffer.from(encoder.bytes());
    expect(bytes.subarray(0, 30).toString("latin1")).toBe("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r");
    const reader = new AofReader(bytes);
    const commands: string[][] = [];
    for (let item = reader.next(); item !== undefined; item = reader.next()) {
      if (!("args" in item)) throw new Error(JSON.stringify(item));
      commands.push(item.args);
    }
    expect(commands).toEqual([["SELECT", "0"], ["SET", "k", "v"], ["RPUSH", "l", "\x00\xff\r\n", ""], ["SELECT", "3"], ["DEL", "k".repeat(70_000)]]);
  });

  test("a file cut anywhere inside its last command reports where the last whole one ended", () => {
    const encoder = new AofEncoder();
    encoder.command(0, ["SET", "a", "1"]);
    const firstEnd = encoder.length;
    encoder.command(0, ["SET", "b", "22"]);
    const bytes = Buffer.from(encoder.bytes());
    for (let cut = firstEnd + 1; cut < bytes.length; cut++) {
      const reader = new AofReader(bytes.subarray(0, cut));
      const items = [reader.next(), reader.next(), reader.next()];
      expect(items[0]).toEqual({ args: ["SELECT", "0"], end: 23 });
      expect(items[1]).toEqual({ args: ["SET", "a", "1"], end: firstEnd });
      expect(items[2]).toEqual({ truncated: firstEnd });
    }
  });

  test("bytes that are not a command are an error with their offset", () => {
    const reader = new AofReader(Buffer.from("*1\r\n$4\r\nPING\r\nGARBAGE\r\n"));
    expect(reader.next()).toEqual({ args: ["PING"], end: 14 });
    expect(reader.next()).toEqual({ error: "Bad file format reading the append only file", offset: 14 });
  });
});
