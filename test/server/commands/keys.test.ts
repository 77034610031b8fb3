import { describe, expect, test } from "bun:test";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

/** Parses one bulk string at `at`: [value, offset after it]. */
function readBulk(reply: string, at: number): [string, number] {
  const lineEnd = reply.indexOf("\r\n", at);
  const length = Number(reply.slice(at + 1, lineEnd));
  const start = lineEnd + 2;
  return [reply.slice(start, start + length), start + length + 2];
}

/** Parses an array of bulk strings at `at`: [values, offset after it]. */
function readBulkArray(reply: string, at: number): [string[], number] {
  const lineEnd = reply.indexOf("\r\n", at);
  const count = Number(reply.slice(at + 1, lineEnd));
  let offset = lineEnd + 2;
  const values: string[] = [];
  for (let i = 0; i < count; i++) {
    const [value, next] = readBulk(reply, offset);
    values.push(value);
    offset = next;
  }
  return [values, offset];
}

const bulkArray = (values: string[]) => `*${values.length}\r\n${values.map((v) => `$${v.length}\r\n${v}\r\n`).join("")}`;

/** KEYS's reply with its elements sorted (the servers list keys in different orders). */
const sorted = (reply: string) => (reply.startsWith("*") ? bulkArray(readBulkArray(reply, 0)[0].sort()) : reply);

/** SCAN's reply [cursor, keys] with the keys sorted. */
function sortedScan(reply: string): string {
  if (!reply.startsWith("*2\r\n")) return reply;
  const [cursor, at] = readBulk(reply, 4);
  return `*2\r\n$${cursor.length}\r\n${cursor}\r\n${sorted(reply.slice(at))}`;
}

/** SCAN's reply with both cursor and keys replaced by "done"/"more" and a sorted key list. */
const scanShape = (reply: string) => {
  if (!reply.startsWith("*2\r\n")) return reply;
  const [cursor, at] = readBulk(reply, 4);
  return `${cursor === "0" ? "done" : "more"} ${sorted(reply.slice(at))}`;
};

const keysStep = (pattern: string): Step => ({ args: ["KEYS", pattern], normalize: sorted });
const scanStep = (...args: string[]): Step => ({ args: ["SCAN", ...args], normalize: sortedScan });

const BINARY = "b\x00\xff\r\n";

describe("DEL, UNLINK, EXISTS, TYPE, TOUCH", () => {
  test("DEL and UNLINK count keys that existed, once each", async () => {
    await d.check([
      ["MSET", "a", "1", "b", "2", "c", "3", BINARY, "x", "", "empty"],
      ["DEL", "a"], ["DEL", "a"], ["DEL", "b", "b", "c", "nokey"], ["EXISTS", "a", "b", "c"],
      ["UNLINK", BINARY, ""], ["UNLINK", BINARY], ["DBSIZE"],
      ["DEL"], ["UNLINK"], ["del", "x"], ["unlink", "x"],
    ]);
  });

  test("EXISTS counts repeats and missing keys", async () => {
    await d.check([
      ["SET", "a", "1"], ["SET", "", "e"], ["SET", BINARY, "v"],
      ["EXISTS", "a"], ["EXISTS", "a", "a", "a"], ["EXISTS", "nokey"], ["EXISTS", "a", "nokey", "a", "", BINARY],
      ["EXISTS"], ["exists", "A"],
    ]);
  });

  test("TYPE", async () => {
    await d.check([["SET", "s", "v"], ["TYPE", "s"], ["TYPE", "nokey"], ["TYPE", ""], ["TYPE"], ["TYPE", "a", "b"], ["SET", "", "x"], ["TYPE", ""]]);
  });

  test("TOUCH counts existing keys", async () => {
    await d.check([["MSET", "a", "1", "b", "2"], ["TOUCH", "a"], ["TOUCH", "a", "b", "c", "a"], ["TOUCH", "nokey"], ["TOUCH"]]);
  });
});

describe("RANDOMKEY", () => {
  test("nil when empty, the key when only one, an error with arguments", async () => {
    await d.check([["RANDOMKEY"], ["SET", BINARY, "v"], ["RANDOMKEY"], ["RANDOMKEY", "x"], ["DEL", BINARY], ["RANDOMKEY"]]);
  });

  test("returns one of the keys", async () => {
    if (d.skip) return;
    const [, bunredis] = await d.connect();
    await bunredis.call("MSET", "a", "1", "b", "2", "c", "3");
    for (let i = 0; i < 20; i++) expect(["$1\r\na\r\n", "$1\r\nb\r\n", "$1\r\nc\r\n"]).toContain(await bunredis.call("RANDOMKEY"));
  });
});

describe("RENAME and RENAMENX", () => {
  test("rename moves the value and its TTL, replacing the destination", async () => {
    await d.check([
      ["SET", "a", "1"], ["SET", "b", "2"], ["EXPIRE", "a", "100"],
      ["RENAME", "a", "b"], ["GET", "a"], ["GET", "b"], ["TTL", "b"], ["TTL", "a"],
      ["SET", "c", "3"], ["EXPIRE", "c", "50"], ["RENAME", "b", "c"], ["TTL", "c"],
      ["SET", "d", "4"], ["RENAME", "d", "c"], ["TTL", "c"], ["GET", "c"],
      ["RENAME", BINARY, "x"], ["SET", BINARY, "bin"], ["RENAME", BINARY, ""], ["GET", ""], ["EXISTS", BINARY],
    ]);
  });

  test("errors and renaming a key to itself", async () => {
    await d.check([
      ["RENAME", "nokey", "x"], ["RENAME", "nokey", "nokey"], ["RENAMENX", "nokey", "x"], ["RENAMENX", "nokey", "nokey"],
      ["SET", "a", "1"], ["EXPIRE", "a", "100"], ["RENAME", "a", "a"], ["TTL", "a"], ["RENAMENX", "a", "a"], ["GET", "a"],
      ["RENAME", "a"], ["RENAME", "a", "b", "c"], ["RENAMENX", "a"],
    ]);
  });

  test("RENAMENX refuses an existing destination", async () => {
    await d.check([
      ["MSET", "a", "1", "b", "2"], ["RENAMENX", "a", "b"], ["GET", "a"], ["GET", "b"],
      ["RENAMENX", "a", "c"], ["GET", "c"], ["EXISTS", "a"], ["PEXPIRE", "c", "100000"], ["RENAMENX", "c", "d"], ["TTL", "d"],
    ]);
  });
});

describe("COPY", () => {
  test("copies the value and the TTL, within and across databases", async () => {
    await d.check([
      ["SET", "a", "1"], ["EXPIRE", "a", "100"],
      ["COPY", "a", "b"], ["GET", "b"], ["TTL", "b"], ["COPY", "a", "b"], ["COPY", "a", "b", "REPLACE"],
      ["SET", "c", "3"], ["COPY", "c", "b", "replace"], ["TTL", "b"], ["GET", "b"],
      ["COPY", "a", "a", "DB", "1"], ["SELECT", "1"], ["GET", "a"], ["TTL", "a"], ["SELECT", "0"],
      ["COPY", "a", "a", "DB", "1"], ["COPY", "c", "a", "db", "1", "REPLACE"], ["SELECT", "1"], ["GET", "a"], ["TTL", "a"],
      ["SELECT", "0"], ["COPY", "nokey", "x"], ["COPY", "nokey", "x", "DB", "2"], ["EXISTS", "x"],
      ["COPY", BINARY, ""], ["SET", BINARY, "bin"], ["COPY", BINARY, ""], ["GET", ""],
      ["COPY", "a", "z", "REPLACE", "REPLACE", "DB", "3", "DB", "2"], ["SELECT", "2"], ["GET", "z"],
    ]);
  });

  test("errors, in Redis's order", async () => {
    await d.check([
      ["SET", "k", "v"],
      ["COPY", "k", "k"], ["COPY", "k", "k", "DB", "0"], ["COPY", "nokey", "nokey"], ["COPY", "k", "k", "REPLACE"],
      ["COPY", "k", "k2", "DB"], ["COPY", "k", "k2", "DB", "x"], ["COPY", "k", "k2", "DB", "16"], ["COPY", "k", "k2", "DB", "-1"],
      ["COPY", "k", "k2", "DB", "99999999999"], ["COPY", "k", "k2", "DB", "-99999999999"], ["COPY", "k", "k2", "DB", "99999999999999999999"],
      ["COPY", "k", "k2", "DB", "01"], ["COPY", "k", "k2", "FOO"], ["COPY", "nokey", "k2", "DB", "16"], ["COPY", "k", "k", "DB", "16"],
      ["COPY", "k", "k2", "REPLACE", "x"], ["COPY", "k"], ["COPY"],
    ]);
  });
});

describe("MOVE and SWAPDB", () => {
  test("MOVE moves a key with its TTL unless the target has it", async () => {
    await d.check([
      ["SET", "a", "1"], ["PEXPIRE", "a", "100000"], ["MOVE", "a", "1"], ["EXISTS", "a"], ["SELECT", "1"], ["GET", "a"], ["TTL", "a"],
      ["SET", "b", "in1"], ["SELECT", "0"], ["SET", "b", "in0"], ["MOVE", "b", "1"], ["GET", "b"], ["MOVE", "nokey", "1"],
      ["SET", BINARY, "v"], ["MOVE", BINARY, "15"], ["SELECT", "15"], ["GET", BINARY], ["TTL", BINARY],
    ]);
  });

  test("MOVE errors", async () => {
    await d.check([
      ["SET", "k", "v"], ["MOVE", "k", "0"], ["MOVE", "nokey", "0"], ["MOVE", "k", "16"], ["MOVE", "k", "-1"], ["MOVE", "k", "x"],
      ["MOVE", "k", "99999999999"], ["MOVE", "k", "99999999999999999999"], ["MOVE", "k", "01"], ["MOVE", "k", ""], ["MOVE", "k"], ["MOVE", "k", "1", "2"],
      ["SELECT", "3"], ["SET", "k", "v3"], ["MOVE", "k", "3"], ["MOVE", "k", "0"], ["GET", "k"],
    ]);
  });

  test("SWAPDB exchanges whole databases, TTLs included", async () => {
    await d.check([
      ["SET", "a", "db0"], ["EXPIRE", "a", "100"], ["SELECT", "1"], ["SET", "b", "db1"], ["SELECT", "0"],
      ["SWAPDB", "0", "1"], ["GET", "a"], ["GET", "b"], ["DBSIZE"], ["SELECT", "1"], ["GET", "a"], ["TTL", "a"], ["DBSIZE"],
      ["SWAPDB", "1", "1"], ["GET", "a"], ["SWAPDB", "15", "1"], ["DBSIZE"], ["SELECT", "15"], ["TTL", "a"], ["KEYS", "*"],
    ]);
  });

  test("SWAPDB errors", async () => {
    await d.check([
      ["SWAPDB", "x", "1"], ["SWAPDB", "1", "x"], ["SWAPDB", "x", "y"], ["SWAPDB", "1", "16"], ["SWAPDB", "16", "1"], ["SWAPDB", "-1", "0"],
      ["SWAPDB", "99999999999", "1"], ["SWAPDB", "1", "99999999999"], ["SWAPDB", "-1", "x"], ["SWAPDB", "0", "0"], ["SWAPDB", "0"], ["SWAPDB", "0", "1", "2"],
    ]);
  });
});

describe("KEYS", () => {
  test("glob patterns over a mixed key set", async () => {
    const keys = ["a", "b", "ab", "abc", "aXc", "a*c", "a?c", "a[c", "a]c", "a\\c", "", "-", "^", "!", "]", "\x00", "\xff", "\x80", "h\r\nllo", "hello", "hallo", "hxllo", "hllo", "heeeello"];
    const patterns = [
      "*", "**", "?", "??", "???", "*?", "a*", "*c", "a*c", "a?c", "a\\*c", "a\\?c", "a[bX]c", "a[^bX]c", "a[!X]c", "a[a-z]c", "a[z-a]c",
      "[a-\xff]", "[\xff-a]", "[\x80-\xff]", "[\\", "[a\\", "[a-", "[]", "[]]", "[^]", "[!]", "\\", "a\\", "[-]", "[--a]", "a[\\]]c", "a[\\[]c",
      "a\\\\c", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo", "h\r\n*", "*\x00*", "", "[", "[^", "a[", "*[", "*a*b*c*", "h*l*o", "*e*e*e*",
    ];
    const steps: Step[] = [["MSET", ...keys.flatMap((key) => [key, "v"])], ...patterns.map(keysStep), ["KEYS"], ["KEYS", "a", "b"]];
    await d.check(steps);
  });

  test("KEYS in other databases and with expired keys set aside", async () => {
    await d.check([["SET", "x", "1"], ["SELECT", "2"], keysStep("*"), ["SET", "y", "2"], ["SET", "z", "3"], ["PEXPIRE", "z", "0"], keysStep("*"), ["SELECT", "0"], keysStep("*")]);
  });

  test("abusive patterns give up like Redis", async () => {
    const key = "a".repeat(3000);
    const manyStars = "a*".repeat(1100);
    await d.check([["SET", key, "v"], keysStep(manyStars), keysStep("a*".repeat(900)), keysStep(`${"*a".repeat(30)}b`), keysStep("*".repeat(5000))]);
  });
});

describe("SCAN", () => {
  test("a small database comes back whole, with MATCH, COUNT and TYPE", async () => {
    const keys = ["a", "b", "ab", "user:1", "user:2", "user:10", "", BINARY];
    await d.check([
      scanStep("0"), ["MSET", ...keys.flatMap((key) => [key, "v"])],
      scanStep("0", "COUNT", "1000"), scanStep("0", "count", "1000", "MATCH", "user:*"), scanStep("0", "MATCH", "*", "COUNT", "100"),
      scanStep("0", "MATCH", "a*", "COUNT", "100"), scanStep("0", "TYPE", "string", "COUNT", "100"), scanStep("0", "TYPE", "STRING", "COUNT", "100"),
      scanStep("0", "TYPE", "list", "COUNT", "100"), scanStep("0", "TYPE", "nosuchtype", "COUNT", "100"), scanStep("0", "TYPE", "none", "COUNT", "100"),
      scanStep("0", "MATCH", "x", "MATCH", "user:1*", "COUNT", "100", "TYPE", "x", "TYPE", "string"),
      scanStep("", "COUNT", "100"), scanStep("00", "COUNT", "100"), scanStep("+0", "COUNT", "100"), scanStep("-0", "COUNT", "100"), scanStep("0\x001", "COUNT", "100"),
    ]);
  });

  test("cursor and option errors", async () => {
    await d.check([
      ["SET", "k", "v"],
      ["SCAN", "x"], ["SCAN", " 0"], ["SCAN", "0 "], ["SCAN", "+"], ["SCAN", "-"], ["SCAN", "0x10"], ["SCAN", "1.5"], ["SCAN", "18446744073709551616"],
      ["SCAN", "-18446744073709551616"], ["SCAN", "99999999999999999999999"],
      ["SCAN", "0", "COUNT", "0"], ["SCAN", "0", "COUNT", "-1"], ["SCAN", "0", "COUNT", "x"], ["SCAN", "0", "COUNT"], ["SCAN", "0", "MATCH"],
      ["SCAN", "0", "TYPE"], ["SCAN", "0", "FOO", "bar"], ["SCAN", "0", "FOO"], ["SCAN", "0", "COUNT", "9223372036854775808"], ["SCAN", "x", "COUNT", "0"],
      ["SCAN", "0", "COUNT", "0", "FOO"], ["SCAN", "0", "COUNT", "10", "MATCH"], ["SCAN"],
    ]);
  });

  test("any unsigned 64-bit cursor is accepted (what it resumes is the server's business)", async () => {
    const accepted = (reply: string) => (reply.startsWith("*2\r\n$") ? "accepted" : reply);
    await d.check([["SET", "k", "v"], { args: ["SCAN", "18446744073709551615"], normalize: accepted }, { args: ["SCAN", "-1"], normalize: accepted }, { args: ["SCAN", "-18446744073709551615"], normalize: accepted }]);
  });

  test("scanning to the end returns every key, in any number of calls", async () => {
    if (d.skip) return;
    const [redis, bunredis] = await d.connect(3);
    const keys = Array.from({ length: 300 }, (_, i) => `key:${i}`);
    for (const connection of [redis, bunredis]) await connection.call("MSET", ...keys.flatMap((key) => [key, "v"]));
    const scanAll = async (connection: RespConnection, ...options: string[]) => {
      const seen = new Set<string>();
      let cursor = "0";
      do {
        const reply = await connection.call("SCAN", cursor, ...options);
        const [next, at] = readBulk(reply, 4);
        for (const key of readBulkArray(reply, at)[0]) seen.add(key);
        cursor = next;
      } while (cursor !== "0");
      return [...seen].sort();
    };
    expect(await scanAll(bunredis)).toEqual(await scanAll(redis));
    expect(await scanAll(bunredis, "COUNT", "7", "MATCH", "key:1*")).toEqual(await scanAll(redis, "COUNT", "7", "MATCH", "key:1*"));
    expect(await scanAll(bunredis, "COUNT", "1")).toEqual(keys.slice().sort());
  });

  test("a scan whose COUNT covers the database is done in one call (as Redis's is for small tables)", async () => {
    await d.check([["MSET", "a", "1", "b", "2"], { args: ["SCAN", "0", "COUNT", "3"], normalize: scanShape }, { args: ["SCAN", "0"], normalize: scanShape }]);
  });

  test("bunredis looks one key ahead, so a scan ending on a batch boundary says 0 at once", async () => {
    if (d.skip) return;
    const [, bunredis] = await d.connect();
    await bunredis.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4");
    const first = await bunredis.call("SCAN", "0", "COUNT", "2");
    expect(scanShape(first)).toBe(`more ${bulkArray(["a", "b"])}`);
    expect(scanShape(await bunredis.call("SCAN", readBulk(first, 4)[0], "COUNT", "2"))).toBe(`done ${bulkArray(["c", "d"])}`);
  });
});

describe("SCAN guarantee (bunredis)", () => {
  /** Scans to the end while `between` changes the database after each call; returns the keys seen. */
  async function scanWhile(connection: RespConnection, count: number, between: (step: number) => Promise<void>): Promise<Set<string>> {
    const seen = new Set<string>();
    let cursor = "0";
    for (let step = 0; ; step++) {
      const reply = await connection.call("SCAN", cursor, "COUNT", String(count));
      const [next, at] = readBulk(reply, 4);
      for (const key of readBulkArray(reply, at)[0]) seen.add(key);
      if (next === "0") return seen;
      cursor = next;
      await between(step);
    }
  }

  async function fill(connection: RespConnection, n: number): Promise<string[]> {
    const keys = Array.from({ length: n }, (_, i) => `k${i}`);
    await connection.call("MSET", ...keys.flatMap((key) => [key, "v"]));
    return keys;
  }

  test("every key present throughout is returned while keys are deleted and added", async () => {
    if (d.skip) return;
    const connection = await RespConnection.open(d.bunredisPort);
    try {
      const keys = await fill(connection, 2000);
      const deleted = new Set<string>();
      let added = 0;
      const seen = await scanWhile(connection, 37, async (step) => {
        // Delete keys on both sides of the cursor, mostly before it, and add new ones.
        const victims = [keys[(step * 53) % keys.length]!, keys[(step * 7) % keys.length]!, keys[keys.length - 1 - step]!];
        for (const victim of victims) deleted.add(victim);
        await connection.call("DEL", ...victims);
        await connection.call("SET", `new${added++}`, "v");
        if (step % 5 === 0) await connection.call("SET", victims[0]!, "back");
      });
      const missing = keys.filter((key) => !deleted.has(key) && !seen.has(key));
      expect(missing).toEqual([]);
    } finally {
      connection.close();
    }
  });

  test("the guarantee holds when the scan's iterator was evicted (cursor resumed by position)", async () => {
    if (d.skip) return;
    const connection = await RespConnection.open(d.bunredisPort);
    const other = await RespConnection.open(d.bunredisPort);
    try {
      const keys = await fill(connection, 3000);
      const deleted = new Set<string>();
      const seen = await scanWhile(connection, 50, async (step) => {
        const victims = Array.from({ length: 10 }, (_, i) => keys[(step * 97 + i * 13) % keys.length]!);
        for (const victim of victims) deleted.add(victim);
        await connection.call("DEL", ...victims);
        // More parked scans than the database keeps: ours is evicted every other step.
        if (step % 2 === 0) for (let i = 0; i < 1030; i++) other.sendRaw(`*4\r\n$4\r\nSCAN\r\n$1\r\n0\r\n$5\r\nCOUNT\r\n$1\r\n1\r\n`);
        if (step % 2 === 0) for (let i = 0; i < 1030; i++) await other.read();
      });
      expect(keys.filter((key) => !deleted.has(key) && !seen.has(key))).toEqual([]);
    } finally {
      connection.close();
      other.close();
    }
  });

  test("a made-up cursor is answered, not an error", async () => {
    if (d.skip) return;
    const connection = await RespConnection.open(d.bunredisPort);
    try {
      await fill(connection, 100);
      const reply = await connection.call("SCAN", "12345", "COUNT", "1000");
      expect(reply.startsWith("*2\r\n$1\r\n0\r\n*100\r\n")).toBe(true);
    } finally {
      connection.close();
    }
  });
});

describe("OBJECT", () => {
  test("ENCODING and REFCOUNT of strings", async () => {
    const values = ["0", "1", "100", "9999", "10000", "-1", "-0", "01", "+1", " 1", "abc", "", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
      "-9223372036854775809", "12345678901234567890", "x".repeat(44), "x".repeat(45), "1".repeat(21), BINARY];
    const steps: Step[] = values.flatMap((value) => [["SET", "k", value], ["OBJECT", "ENCODING", "k"], ["OBJECT", "REFCOUNT", "k"]]);
    await d.check([...steps, ["OBJECT", "ENCODING", "nokey"], ["OBJECT", "REFCOUNT", "nokey"], ["object", "encoding", "k"]]);
  });

  test("IDLETIME right after an access, FREQ without an LFU policy", async () => {
    await d.check([
      ["SET", "k", "v"], ["OBJECT", "IDLETIME", "k"], ["OBJECT", "IDLETIME", "nokey"],
      ["OBJECT", "FREQ", "k"], ["OBJECT", "FREQ", "nokey"],
    ]);
  });

  test("HELP, unknown subcommands and arity", async () => {
    await d.check([
      ["OBJECT", "HELP"], ["object", "help"], ["OBJECT", "HELP", "x"], ["OBJECT"], ["OBJECT", "FOO"], ["OBJECT", "FOO", "k"],
      ["OBJECT", "ENCODING"], ["OBJECT", "ENCODING", "k", "x"], ["OBJECT", "IDLETIME"], ["OBJECT", "REFCOUNT", "a", "b"], ["OBJECT", "FREQ"],
    ]);
  });
});

describe("introspection", () => {
  // OBJECT's subcommands one by one: Redis lists a container's subcommands in random (dict) order.
  const names = ["del", "unlink", "exists", "type", "touch", "randomkey", "keys", "scan", "rename", "renamenx", "copy", "move", "swapdb",
    "object|encoding", "object|freq", "object|help", "object|idletime", "object|refcount",
    "expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime", "pexpiretime", "persist"];

  test("COMMAND INFO and COMMAND DOCS of this group match Redis's (names, arity, flags, keys, categories)", async () => {
    await d.check([["COMMAND", "INFO", ...names], ...names.map((name) => ["COMMAND", "DOCS", name])]);
  });
});
