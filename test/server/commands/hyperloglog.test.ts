/**
 * HyperLogLog commands against redis-server, byte for byte in RESP2 and RESP3: the replies, and
 * the HLL values themselves (GET returns Redis's exact bytes after the same commands, cached
 * cardinality included), through the sparse-to-dense conversion, merges, corrupt and forged
 * values, notifications, WATCH and the change count; then random command sequences.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { elementPattern } from "../../../src/store/types/hyperloglog.ts";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import type { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

/** An HLL header: encoding byte, then the cached cardinality (8 bytes, little-endian). */
const header = (encoding: number, card = "\0\0\0\0\0\0\0\0") => `HYLL${String.fromCharCode(encoding)}\0\0\0${card}`;
/** A cached cardinality marked stale. */
const STALE = "\0\0\0\0\0\0\0\x80";

/** `count` elements named `prefix0`, `prefix1`, ... */
const elements = (prefix: string, count: number, from = 0) => Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);

/** PFADD of `count` elements, `batch` per command, with GET after each command. */
function addInBatches(key: string, prefix: string, count: number, batch: number): Step[] {
  const steps: Step[] = [];
  for (let from = 0; from < count; from += batch) {
    steps.push(["PFADD", key, ...elements(prefix, Math.min(batch, count - from), from)], ["GET", key]);
  }
  return steps;
}

/** The contents of a bulk reply. */
function bulkContent(reply: string): string {
  const lineEnd = reply.indexOf("\r\n");
  expect(reply[0]).toBe("$");
  return reply.slice(lineEnd + 2, lineEnd + 2 + Number(reply.slice(1, lineEnd)));
}

describe("PFADD and PFCOUNT", () => {
  test("new keys, repeated elements, the cache, and the value's bytes", async () => {
    await d.check([
      ["PFADD", "h"], ["GET", "h"], ["PFADD", "h"], ["PFCOUNT", "h"], ["GET", "h"],
      ["PFADD", "h", "a", "b", "c"], ["GET", "h"], ["PFADD", "h", "a"], ["PFADD", "h", "c", "b"], ["GET", "h"],
      ["PFCOUNT", "h"], ["GET", "h"], ["PFCOUNT", "h"], ["PFADD", "h", "a"], ["GET", "h"], ["PFADD", "h", "d"], ["GET", "h"], ["PFCOUNT", "h"],
      ["TYPE", "h"], ["OBJECT", "ENCODING", "h"], ["STRLEN", "h"], ["PFCOUNT", "nope"], ["EXISTS", "nope"],
      ["pfadd", "g", "x"], ["PfCount", "g"],
    ]);
  });

  test("binary elements: empty, NUL, 0xff, CRLF, every tail length, long", async () => {
    const odd = ["", "\x00", "\xff", "\r\n", "\x00\xff\r\n", "\xff".repeat(8), "\x00".repeat(16)];
    const lengths = Array.from({ length: 24 }, (_, n) => "abcdefghijklmnopqrstuvwxyz".slice(0, n));
    await d.check([
      ["PFADD", "h", ...odd], ["GET", "h"], ["PFCOUNT", "h"],
      ["PFADD", "h", ...lengths], ["GET", "h"], ["PFCOUNT", "h"],
      ["PFADD", "h", "x".repeat(1000), "\xfe".repeat(4097)], ["GET", "h"],
      ["PFADD", "\x00\xff\r\n", "a"], ["GET", "\x00\xff\r\n"], ["PFCOUNT", "\x00\xff\r\n"], ["PFADD", "", ""], ["PFCOUNT", ""],
    ]);
  });

  test("one element at a time through the sparse form, bytes compared all along", async () => {
    const steps: Step[] = [];
    for (let i = 0; i < 400; i++) {
      steps.push(["PFADD", "h", `one:${i}`]);
      if (i % 20 === 19) steps.push(["GET", "h"], ["PFCOUNT", "h"]);
    }
    await d.check(steps);
  });

  test("many sizes across the sparse-to-dense conversion", async () => {
    const steps: Step[] = [];
    for (const [count, batch] of [[700, 100], [1500, 250], [2500, 500], [4000, 1000], [30000, 5000]] as const) {
      const key = `h${count}`;
      steps.push(...addInBatches(key, `n${count}:`, count, batch), ["PFDEBUG", "ENCODING", key], ["PFCOUNT", key], ["GET", key], ["STRLEN", key]);
    }
    await d.check(steps);
  });

  test("hll-sparse-max-bytes decides when the sparse form gives way, to the byte", async () => {
    const steps: Step[] = [];
    for (const max of ["0", "19", "20", "21", "22", "60", "101"]) {
      steps.push(["CONFIG", "SET", "hll-sparse-max-bytes", max], ...addInBatches(`m${max}`, "e", Number(max) / 2 + 5, 1), ["PFDEBUG", "ENCODING", `m${max}`]);
    }
    steps.push(["CONFIG", "SET", "hll-sparse-max-bytes", "500"], ...addInBatches("m500", "e", 300, 30), ["PFDEBUG", "ENCODING", "m500"], ["PFCOUNT", "m500"]);
    steps.push(["CONFIG", "SET", "hll-sparse-max-bytes", "3000"]);
    await d.check(steps);
  });

  test("a key's TTL survives PFADD; an expired key is gone", async () => {
    await d.check([
      ["PFADD", "h", "a"], ["PEXPIRE", "h", "100000"], ["PFADD", "h", "b"], ["TTL", "h"], ["PFCOUNT", "h"], ["TTL", "h"],
      ["PFADD", "gone", "a"], ["PEXPIREAT", "gone", "1"], ["PFCOUNT", "gone"], ["PFADD", "gone"], ["GET", "gone"],
    ]);
  });

  test("PFCOUNT of several keys: the union, not cached", async () => {
    await d.check([
      ...addInBatches("s1", "a", 200, 200), ...addInBatches("s2", "b", 300, 300), ...addInBatches("big", "c", 5000, 5000),
      ["PFCOUNT", "s1", "s2"], ["PFCOUNT", "s1", "s1"], ["PFCOUNT", "s1", "nope"], ["PFCOUNT", "nope", "nope2"],
      ["PFCOUNT", "s1", "s2", "big"], ["PFCOUNT", "big", "big"], ["GET", "s1"], ["GET", "big"],
      ["SET", "plain", "HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff"], ["PFCOUNT", "s1", "plain"], ["OBJECT", "ENCODING", "plain"],
    ]);
  });
});

/**
 * Elements that set chosen registers to chosen values: for registers 0..11 and 16378..16383 and
 * run lengths 1..4, the first of `t0`, `t1`, ... that hashes there. With them a test can build
 * any arrangement of sparse opcodes at the start and the end of the register range.
 */
const PLACED: ReadonlyMap<string, string> = (() => {
  const wanted = new Set<string>();
  for (const register of [...Array(12).keys(), ...Array.from({ length: 6 }, (_, i) => 16378 + i)]) {
    for (let count = 1; count <= 4; count++) wanted.add(`${register}:${count}`);
  }
  const found = new Map<string, string>();
  for (let i = 0; found.size < wanted.size; i++) {
    const pattern = elementPattern(`t${i}`);
    const slot = `${pattern & 0x3fff}:${pattern >>> 14}`;
    if (wanted.has(slot) && !found.has(slot)) found.set(slot, `t${i}`);
  }
  return found;
})();
const placed = (register: number, count: number) => PLACED.get(`${register}:${count}`)!;

describe("the sparse opcodes, register by register", () => {
  test("a VAL split in three merges with the VAL after it (the fourth opcode looked at)", async () => {
    // Registers 1..5 at 2 make "v:2,4 v:2,1"; raising register 2 splits the first VAL in three,
    // and the last piece (v:2,2) merges with the v:2,1 after it.
    await d.check([
      ["PFADD", "h", ...[1, 2, 3, 4, 5].map((r) => placed(r, 2))], ["PFDEBUG", "DECODE", "h"],
      ["PFADD", "h", placed(2, 4)], ["PFDEBUG", "DECODE", "h"], ["GET", "h"],
    ]);
  });

  test("random raises of the first and last registers split and merge opcodes as Redis does", async () => {
    if (d.skip) return;
    const registers = fc.oneof(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 16378, max: 16383 }));
    const add = fc.array(fc.tuple(registers, fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 3 });
    const [redis, bunredis] = await d.connect(2);
    await fc.assert(
      fc.asyncProperty(fc.array(add, { minLength: 1, maxLength: 30 }), async (adds) => {
        await Promise.all([redis.call("DEL", "h"), bunredis.call("DEL", "h")]);
        for (const picks of adds) {
          for (const args of [["PFADD", "h", ...picks.map(([r, c]) => placed(r, c))], ["GET", "h"]]) {
            const [fromRedis, fromBunredis] = await Promise.all([redis.call(...args), bunredis.call(...args)]);
            expect(`${JSON.stringify(picks)} ${args[0]} -> ${JSON.stringify(fromBunredis)}`).toBe(`${JSON.stringify(picks)} ${args[0]} -> ${JSON.stringify(fromRedis)}`);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("PFMERGE", () => {
  test("sparse inputs give a sparse result, a dense one a dense result", async () => {
    await d.check([
      ...addInBatches("s1", "a", 100, 100), ...addInBatches("s2", "b", 150, 150), ...addInBatches("big", "c", 4000, 4000),
      ["PFMERGE", "m1", "s1", "s2"], ["GET", "m1"], ["PFDEBUG", "ENCODING", "m1"], ["PFCOUNT", "m1"], ["PFCOUNT", "s1", "s2"],
      ["PFMERGE", "m2", "s1", "big"], ["GET", "m2"], ["PFDEBUG", "ENCODING", "m2"], ["PFCOUNT", "m2"],
      ["PFMERGE", "s1", "s2"], ["GET", "s1"], ["PFCOUNT", "s1"],
      ["PFMERGE", "s2", "s2", "s2"], ["GET", "s2"],
      ["PFMERGE", "big", "s2"], ["GET", "big"],
    ]);
  });

  test("missing sources, no sources, an existing destination with a TTL", async () => {
    await d.check([
      ["PFMERGE", "e", "nope", "nope2"], ["GET", "e"], ["PFMERGE", "f"], ["GET", "f"], ["PFCOUNT", "f"], ["PFMERGE", "f"], ["GET", "f"],
      ["PFADD", "d", "x", "y"], ["PFCOUNT", "d"], ["PEXPIRE", "d", "100000"], ["PFMERGE", "d", "nope"], ["GET", "d"], ["TTL", "d"],
    ]);
  });

  test("merged sparse HLLs too big for the sparse form turn dense", async () => {
    await d.check([
      ...addInBatches("a", "x", 900, 900), ...addInBatches("b", "y", 900, 900), ["PFDEBUG", "ENCODING", "a"],
      ["PFMERGE", "m", "a", "b"], ["PFDEBUG", "ENCODING", "m"], ["GET", "m"], ["PFCOUNT", "m"],
      ["CONFIG", "SET", "hll-sparse-max-bytes", "200"], ["PFMERGE", "n", "a"], ["PFDEBUG", "ENCODING", "n"], ["GET", "n"],
      ["CONFIG", "SET", "hll-sparse-max-bytes", "3000"],
    ]);
  });
});

describe("PFDEBUG", () => {
  test("GETREG, DECODE, ENCODING, TODENSE on sparse and dense values", async () => {
    await d.check([
      ["PFADD", "h", "a", "b", "c", "d", "e"], ["PFDEBUG", "DECODE", "h"], ["PFDEBUG", "ENCODING", "h"], ["PFDEBUG", "GETREG", "h"],
      ["PFDEBUG", "ENCODING", "h"], ["GET", "h"], ["PFDEBUG", "DECODE", "h"], ["PFDEBUG", "TODENSE", "h"],
      ["PFADD", "g", "a"], ["pfdebug", "todense", "g"], ["PFDEBUG", "TODENSE", "g"], ["GET", "g"], ["PFDEBUG", "encoding", "g"],
      ["PFADD", "k"], ["PFDEBUG", "DECODE", "k"], ["PFDEBUG", "GetReg", "k"],
    ]);
  });

  test("errors: missing key, unknown subcommand (after the key), arity, not an HLL", async () => {
    await d.check([
      ["PFDEBUG", "GETREG", "nope"], ["PFDEBUG", "NOSUCH", "nope"], ["PFADD", "h", "a"], ["PFDEBUG", "NOSUCH", "h"], ["PFDEBUG", "x\r\ny", "h"],
      ["PFDEBUG", "GETREG"], ["PFDEBUG", "GETREG", "h", "extra"], ["PFDEBUG"],
      ["SET", "s", "text"], ["PFDEBUG", "ENCODING", "s"], ["RPUSH", "l", "x"], ["PFDEBUG", "ENCODING", "l"],
    ]);
  });
});

describe("errors", () => {
  test("wrong types: another type, a string that is no HLL", async () => {
    await d.check([
      ["RPUSH", "l", "x"], ["HSET", "hash", "f", "v"], ["SET", "s", "hello"], ["SET", "n", "12345678901234567890"],
      ["PFADD", "l", "a"], ["PFADD", "l"], ["PFCOUNT", "l"], ["PFCOUNT", "hash", "l"], ["PFCOUNT", "nope", "hash"], ["PFMERGE", "l", "nope"], ["PFMERGE", "nope", "l"],
      ["PFADD", "s", "a"], ["PFCOUNT", "s"], ["PFCOUNT", "nope", "s"], ["PFMERGE", "s"], ["PFMERGE", "x", "s"], ["EXISTS", "x"], ["PFCOUNT", "n"],
      ["PFADD", "h", "a"], ["APPEND", "h", "x"], ["PFCOUNT", "h"], ["OBJECT", "ENCODING", "s"],
    ]);
  });

  test("arity", async () => {
    await d.check([["PFADD"], ["PFCOUNT"], ["PFMERGE"], ["PFSELFTEST", "x"], ["pfdebug", "a"]]);
  });

  test("malformed headers: short, bad magic, unknown encoding, dense of the wrong length", async () => {
    const steps: Step[] = [];
    const values = [
      "", "HYLL", header(1).slice(0, 15), `HYLX${header(1).slice(4)}\x7f\xff`, `${header(2)}\x7f\xff`, `${header(255)}\x7f\xff`,
      header(0), `${header(0)}${"\0".repeat(12287)}`, `${header(0)}${"\0".repeat(12289)}`,
    ];
    values.forEach((value, i) => steps.push(["SET", `v${i}`, value], ["PFADD", `v${i}`, "a"], ["PFCOUNT", `v${i}`], ["PFCOUNT", `v${i}`, "nope"], ["PFMERGE", "dst", `v${i}`], ["PFDEBUG", "ENCODING", `v${i}`]));
    await d.check(steps);
  });

  test("corrupt sparse opcodes: INVALIDOBJ where Redis notices, the cache where it does not", async () => {
    const corrupt = {
      empty: header(1, STALE),
      truncatedXzero: `${header(1, STALE)}\x7f`,
      tooFew: `${header(1, STALE)}\x5f\x3f`,
      tooMany: `${header(1, STALE)}\x7f\xff\x80`,
      tooManyZeros: `${header(1, STALE)}\x7f\xff\x00`,
      valPastEnd: `${header(1, STALE)}\x7f\xfe\x93`,
      cachedButEmpty: header(1, "\x03\0\0\0\0\0\0\0"),
    };
    const steps: Step[] = [];
    for (const [key, value] of Object.entries(corrupt)) {
      steps.push(
        ["SET", key, value], ["PFCOUNT", key], ["PFCOUNT", key, "nope"], ["PFDEBUG", "DECODE", key], ["PFMERGE", `m-${key}`, key], ["EXISTS", `m-${key}`],
        ["PFADD", key, "a", "b", "c"], ["GET", key], ["PFADD", key], ["PFDEBUG", "TODENSE", key], ["PFDEBUG", "GETREG", key], ["GET", key],
        ["SET", key, value], ["CONFIG", "SET", "hll-sparse-max-bytes", "18"], ["PFADD", key, "q"], ["GET", key], ["CONFIG", "SET", "hll-sparse-max-bytes", "3000"],
      );
    }
    await d.check(steps);
  });

  test("forged values: registers above 50, huge cached cardinalities", async () => {
    const allOnes = `${header(0, STALE)}${"\xff".repeat(12288)}`;
    const all51 = `${header(0, STALE)}${"\xf3\x3c\xcf".repeat(4096)}`;
    const half51 = `${header(0, STALE)}${"\xf3\x3c\xcf".repeat(2048)}${"\0".repeat(6144)}`;
    await d.check([
      ["SET", "ones", allOnes], ["PFCOUNT", "ones"], ["GET", "ones"], ["PFCOUNT", "ones"], ["PFCOUNT", "ones", "nope"],
      ["SET", "f51", all51], ["PFCOUNT", "f51"], ["PFCOUNT", "f51", "ones"], ["SET", "half", half51], ["PFCOUNT", "half"], ["GET", "half"],
      ["PFMERGE", "m", "half", "ones"], ["PFCOUNT", "m"], ["PFADD", "half", "a", "b"], ["PFCOUNT", "half"],
      ["SET", "max", `${header(1, "\xff\xff\xff\xff\xff\xff\xff\x7f")}\x7f\xff`], ["PFCOUNT", "max"],
      ["SET", "big", `${header(1, "\x01\x02\x03\x04\x05\x06\x27\x00")}\x7f\xff`], ["PFCOUNT", "big"], ["PFADD", "big", "a"], ["PFCOUNT", "big"], ["GET", "big"],
      ["SET", "unused", `HYLL\x01\x07\x08\x09${STALE}\x7f\xff`], ["PFDEBUG", "TODENSE", "unused"], ["PFCOUNT", "unused"], ["GETRANGE", "unused", "0", "15"],
    ]);
  });
});

describe("values copied between servers", () => {
  test("an HLL written by SET with Redis's GET bytes counts, grows and merges identically", async () => {
    if (d.skip) return;
    const [redis] = await d.connect(2);
    const values: string[] = [];
    for (const [count, extra] of [[1, []], [40, []], [900, []], [6000, []], [300, ["PFCOUNT"]]] as const) {
      await redis.call("DEL", "src");
      for (let from = 0; from < count; from += 1000) await redis.call("PFADD", "src", ...elements("copy", Math.min(1000, count - from), from));
      for (const command of extra) await redis.call(command, "src");
      values.push(bulkContent(await redis.call("GET", "src")));
    }
    const steps: Step[] = [];
    values.forEach((value, i) => {
      const key = `c${i}`;
      steps.push(
        ["SET", key, value], ["OBJECT", "ENCODING", key], ["PFCOUNT", key, "nope"], ["OBJECT", "ENCODING", key], ["PFCOUNT", key], ["OBJECT", "ENCODING", key],
        ["GET", key], ["PFADD", key, ...elements("more", 50)], ["GET", key], ["PFCOUNT", key], ["PFMERGE", `m${i}`, key, "c0"], ["GET", `m${i}`],
      );
    });
    await d.check(steps);
  });
});

describe("side effects", () => {
  test("keyspace notifications: PFADD and PFMERGE announce pfadd, PFCOUNT and PFDEBUG nothing", async () => {
    if (d.skip) return;
    const commands = [
      ["PFADD", "h", "a"], ["PFADD", "h", "a"], ["PFADD", "h"], ["PFCOUNT", "h"], ["PFCOUNT", "h"], ["PFMERGE", "m", "h"], ["PFMERGE", "m"],
      ["PFDEBUG", "TODENSE", "m"], ["PFADD", "new"], ["PFADD", "h", "b"],
    ];
    for (const protocol of [2, 3] as const) {
      const subscribers = await d.connect(protocol);
      const writers = await d.connect(2);
      const received: string[][] = [];
      for (const i of [0, 1]) {
        const [subscriber, writer] = [subscribers[i]!, writers[i]!];
        await writer.call("FLUSHALL");
        await writer.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
        await subscriber.call("PSUBSCRIBE", "__key*@*__:*");
        for (const args of commands) await writer.call(...args);
        // A message of our own marks the end of what the commands published.
        await writer.call("PUBLISH", "__keyspace@0__:sentinel", "sentinel");
        const messages: string[] = [];
        for (let message = await subscriber.read(); !message.includes("sentinel"); message = await subscriber.read()) messages.push(message);
        received.push(messages);
        await writer.call("CONFIG", "SET", "notify-keyspace-events", "");
      }
      expect(received[1]).toEqual(received[0]!);
      // pfadd on keyspace and keyevent channels, for the five commands that changed something.
      expect(received[0]!.length).toBe(10);
    }
  });

  test("WATCH: PFCOUNT refreshing the cache is a change; a cached PFCOUNT and a no-op PFADD are not", async () => {
    if (d.skip) return;
    const [watcherA, watcherB] = await d.connect(2);
    const [otherA, otherB] = await d.connect(2);
    const replies: string[][] = [[], []];
    for (const [i, watcher, other] of [[0, watcherA, otherA], [1, watcherB, otherB]] as const) {
      for (const interference of [["PFCOUNT", "h"], ["PFCOUNT", "h"], ["PFADD", "h", "a"], ["PFADD", "h", "z"], ["PFMERGE", "h"], ["PFDEBUG", "TODENSE", "h"]]) {
        await other.call("PFADD", "h", "a");
        await watcher.call("WATCH", "h");
        await other.call(...interference);
        await watcher.call("MULTI");
        await watcher.call("PING");
        replies[i]!.push(`${interference.join(" ")} -> ${await watcher.call("EXEC")}`);
      }
    }
    expect(replies[1]).toEqual(replies[0]!);
  });

  test("changes counted (rdb_changes_since_last_save) as Redis counts them", async () => {
    if (d.skip) return;
    const commands = [
      ["PFADD", "h", "a", "b", "c", "d"], ["PFADD", "h", "a"], ["PFCOUNT", "h"], ["PFCOUNT", "h"], ["PFCOUNT", "h", "x"], ["PFMERGE", "m", "h"],
      ["PFDEBUG", "GETREG", "m"], ["PFDEBUG", "TODENSE", "h"], ["PFDEBUG", "ENCODING", "h"], ["PFADD", "new"],
    ];
    const changes = (info: string) => Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
    const steps: Step[] = commands.flatMap((args) => [args, ["INFO", "persistence"]]);
    const [redis, bunredis] = await d.run([["INFO", "persistence"], ...steps]);
    const deltas = (replies: string[]) => replies.filter((_, i) => i % 2 === 0).map((info, i, all) => (i === 0 ? 0 : changes(info) - changes(all[i - 1]!))).slice(1);
    expect(deltas(bunredis)).toEqual(deltas(redis));
  });

  test("PFSELFTEST passes", async () => {
    await d.check([["PFSELFTEST"]], [2]);
  });
});

/** A few keys, so merges and counts keep meeting each other's values. */
const key = fc.constantFrom("a", "b", "c", "\x00\xff");
/** Elements from a pool small enough to repeat, large enough to fill registers. */
const element = fc.oneof(fc.integer({ min: 0, max: 5000 }).map((n) => `e${n}`), fc.constantFrom("", "\x00", "\xff\r\n"));

const command: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(key, fc.array(element, { maxLength: 8 })).map(([k, els]) => ["PFADD", k, ...els]) },
  { weight: 2, arbitrary: fc.tuple(key, fc.integer({ min: 0, max: 20000 }), fc.integer({ min: 1, max: 800 })).map(([k, from, n]) => ["PFADD", k, ...elements("bulk", n, from)]) },
  { weight: 3, arbitrary: fc.array(key, { minLength: 1, maxLength: 3 }).map((keys) => ["PFCOUNT", ...keys]) },
  { weight: 2, arbitrary: fc.array(key, { minLength: 1, maxLength: 3 }).map((keys) => ["PFMERGE", ...keys]) },
  { weight: 2, arbitrary: key.map((k) => ["GET", k]) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("ENCODING", "DECODE", "TODENSE"), key).map(([sub, k]) => ["PFDEBUG", sub, k]) },
  { weight: 1, arbitrary: fc.constantFrom("100", "600", "3000").map((max) => ["CONFIG", "SET", "hll-sparse-max-bytes", max]) },
  { weight: 1, arbitrary: key.map((k) => ["DEL", k]) },
  { weight: 1, arbitrary: fc.tuple(key, fc.constantFrom("x", "HYLL")).map(([k, v]) => ["APPEND", k, v]) },
);

test("random sequences of HyperLogLog commands reply, and leave values, exactly as redis-server", async () => {
  if (d.skip) return;
  const pairs: Record<2 | 3, [RespConnection, RespConnection]> = { 2: await d.connect(2), 3: await d.connect(3) };
  await fc.assert(
    fc.asyncProperty(fc.constantFrom<2 | 3>(2, 3), fc.array(command, { minLength: 1, maxLength: 25 }), async (protocol, commands) => {
      const [redis, bunredis] = pairs[protocol];
      for (const connection of [redis, bunredis]) {
        await connection.call("FLUSHALL");
        await connection.call("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
      }
      const expected: string[] = [];
      const actual: string[] = [];
      // Every value is read back at the end too, so a difference in bytes shows even when no GET was drawn.
      for (const args of [...commands, ...["a", "b", "c", "\x00\xff"].map((k) => ["GET", k])]) {
        const [fromRedis, fromBunredis] = await Promise.all([redis.call(...args), bunredis.call(...args)]);
        expected.push(`${JSON.stringify(args.slice(0, 4))} -> ${JSON.stringify(fromRedis)}`);
        actual.push(`${JSON.stringify(args.slice(0, 4))} -> ${JSON.stringify(fromBunredis)}`);
        // Stop at the first difference: the rest of the sequence only repeats it.
        if (fromRedis !== fromBunredis) break;
      }
      expect(actual).toEqual(expected);
    }),
    { numRuns: 60 },
  );
  for (const connection of pairs[2]) await connection.call("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
});
