import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { startServer } from "../../../src/lib.ts";
import { useDifferential, type Normalize, type Step } from "../../helpers/differential.ts";
import { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

const BINARY = "b\x00\xff\r\n";

/** An integer reply rounded to whole seconds (PTTL drifts by the milliseconds between servers). */
const toSeconds: Normalize = (reply) => (/^:\d+\r\n$/.test(reply) ? `:~${Math.round(Number(reply.slice(1, -2)) / 1000)}s\r\n` : reply);

/** An absolute time in seconds replaced by its distance from now (EXPIRETIME after EXPIRE). */
const fromNow = (unit: 1 | 1000): Normalize => (reply) => {
  if (!/^:\d+\r\n$/.test(reply)) return reply;
  const seconds = Number(reply.slice(1, -2)) / unit - Date.now() / 1000;
  return `:now+${Math.round(seconds)}s\r\n`;
};

/** A TTL reply as its meaning only: missing, no expiry, or some time left. */
const ttlSign: Normalize = (reply) => (reply === ":-2\r\n" || reply === ":-1\r\n" ? reply : /^:\d+\r\n$/.test(reply) ? ":ttl\r\n" : reply);

describe("EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT", () => {
  test("set a TTL, replies 1, or 0 for a missing key", async () => {
    await d.check([
      ["SET", "k", "v"], ["EXPIRE", "k", "100"], ["TTL", "k"], { args: ["PTTL", "k"], normalize: toSeconds },
      ["PEXPIRE", "k", "200000"], ["TTL", "k"], ["EXPIRE", "nokey", "100"], ["PEXPIRE", "nokey", "100"], ["EXPIREAT", "nokey", "4102444800"],
      ["EXPIREAT", "k", "4102444800"], ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"], ["PEXPIREAT", "k", "4102444800123"], ["PEXPIRETIME", "k"], ["EXPIRETIME", "k"],
      ["PEXPIREAT", "k", "4102444800499"], ["EXPIRETIME", "k"], ["PEXPIREAT", "k", "4102444800500"], ["EXPIRETIME", "k"],
      ["SET", "", "e"], ["EXPIRE", "", "50"], ["TTL", ""], ["SET", BINARY, "b"], ["expire", BINARY, "60"], ["ttl", BINARY],
    ]);
  });

  test("a time in the past deletes the key and replies 1", async () => {
    await d.check([
      ["SET", "a", "1"], ["EXPIRE", "a", "0"], ["EXISTS", "a"], ["SET", "a", "1"], ["EXPIRE", "a", "-10"], ["EXISTS", "a"],
      ["SET", "b", "1"], ["PEXPIRE", "b", "-1"], ["TTL", "b"], ["SET", "c", "1"], ["EXPIREAT", "c", "1"], ["GET", "c"],
      ["SET", "d", "1"], ["PEXPIREAT", "d", "0"], ["DBSIZE"], ["SET", "e", "1"], ["EXPIRE", "e", "-9223372036854775"], ["EXISTS", "e"],
      ["SET", "f", "1"], ["PEXPIRE", "f", "-9223372036854775808"], ["EXISTS", "f"], ["SET", "g", "1"], ["PEXPIREAT", "g", "-9223372036854775808"], ["EXISTS", "g"],
    ]);
  });

  test("NX, XX, GT, LT", async () => {
    await d.check([
      ["SET", "k", "v"],
      ["EXPIRE", "k", "100", "XX"], ["TTL", "k"], ["EXPIRE", "k", "100", "GT"], ["TTL", "k"], ["EXPIRE", "k", "100", "LT"], ["TTL", "k"],
      ["PERSIST", "k"], ["EXPIRE", "k", "100", "NX"], ["TTL", "k"], ["EXPIRE", "k", "200", "NX"], ["TTL", "k"],
      ["EXPIRE", "k", "200", "XX"], ["TTL", "k"], ["EXPIRE", "k", "100", "GT"], ["TTL", "k"], ["EXPIRE", "k", "300", "gt"], ["TTL", "k"],
      ["EXPIRE", "k", "400", "LT"], ["TTL", "k"], ["EXPIRE", "k", "250", "lt"], ["TTL", "k"], ["EXPIRE", "k", "250", "LT"],
      ["EXPIRE", "k", "500", "XX", "GT"], ["TTL", "k"], ["EXPIRE", "k", "100", "XX", "LT"], ["TTL", "k"], ["EXPIRE", "k", "100", "xx", "xx", "lt", "lt"],
      ["EXPIRE", "nokey", "100", "NX"], ["EXPIRE", "nokey", "100", "XX"],
      ["PEXPIRE", "k", "-1", "GT"], ["TTL", "k"], ["PEXPIRE", "k", "-1", "LT"], ["EXISTS", "k"],
      ["SET", "p", "v"], ["PEXPIRE", "p", "-1", "LT"], ["EXISTS", "p"], ["SET", "p", "v"], ["PEXPIRE", "p", "-1", "NX"], ["EXISTS", "p"],
      ["SET", "q", "v"], ["EXPIREAT", "q", "4102444800", "NX"], ["EXPIREAT", "q", "4102444801", "GT"], ["EXPIRETIME", "q"],
      ["PEXPIREAT", "q", "4102444800999", "LT"], ["PEXPIRETIME", "q"], ["PEXPIREAT", "q", "4102444800999", "LT"], ["PEXPIREAT", "q", "4102444800999", "GT"],
    ]);
  });

  test("option errors come before the time's", async () => {
    await d.check([
      ["SET", "k", "v"],
      ["EXPIRE", "k", "10", "foo"], ["EXPIRE", "k", "x", "foo"], ["EXPIRE", "nokey", "x", "bar"], ["EXPIRE", "k", "10", "a\r\nb"], ["EXPIRE", "k", "10", "a\x00b"],
      ["EXPIRE", "k", "10", ""], ["EXPIRE", "k", "10", "NX", "XX"], ["EXPIRE", "k", "10", "GT", "LT"], ["EXPIRE", "k", "10", "NX", "GT", "LT"],
      ["EXPIRE", "k", "10", "GT", "LT", "NX"], ["EXPIRE", "k", "10", "NX", "LT"], ["EXPIRE", "k", "10", "NX", "GT"], ["EXPIRE", "k", "10", "LT", "GT"],
      ["EXPIRE", "k", "10", "NX", "foo"], ["PEXPIRE", "k", "10", "GT", "bad"], ["EXPIREAT", "k", "x", "LT", "GT"], ["PEXPIREAT", "k", "10", "nx", "xx"],
      ["TTL", "k"],
    ]);
  });

  test("bad and overflowing times", async () => {
    await d.check([
      ["SET", "k", "v"],
      ["EXPIRE", "k", "x"], ["EXPIRE", "k", ""], ["EXPIRE", "k", "1.5"], ["EXPIRE", "k", " 1"], ["EXPIRE", "k", "01"], ["EXPIRE", "k", "+1"],
      ["EXPIRE", "k", "9223372036854775808"], ["EXPIRE", "nokey", "x"],
      ["EXPIRE", "k", "9223372036854775"], ["EXPIRE", "k", "9223372036854776"], ["EXPIRE", "k", "9223372036854775807"], ["EXPIRE", "k", "-9223372036854776"],
      ["EXPIRE", "nokey", "9223372036854775"], ["PEXPIRE", "k", "9223372036854775807"], ["PEXPIRE", "nokey", "9223372036854775807"],
      ["EXPIREAT", "k", "9223372036854775807"], ["EXPIREAT", "k", "9223372036854776"], ["EXPIREAT", "k", "-9223372036854776"],
      ["TTL", "k"], ["EXPIRE", "k"], ["PEXPIRE", "k"], ["EXPIREAT"], ["PEXPIREAT", "k"],
    ]);
  });

  test("far expiry times are exact", async () => {
    await d.check([
      ["SET", "k", "v"], ["PEXPIREAT", "k", "9223372036854775807"], ["PEXPIRETIME", "k"], ["EXPIRETIME", "k"],
      ["EXPIREAT", "k", "9223372036854775"], ["PEXPIRETIME", "k"], ["EXPIRETIME", "k"],
      ["PEXPIREAT", "k", "9007199254740993"], ["PEXPIRETIME", "k"], ["EXPIRETIME", "k"],
      ["EXPIREAT", "k", "9007199254740993"], ["PEXPIRETIME", "k"], ["PEXPIREAT", "k", "9007199254740993", "GT"], ["PEXPIREAT", "k", "9007199254740992", "LT"], ["PEXPIRETIME", "k"],
      ["RENAME", "k", "r"], ["PEXPIRETIME", "r"], ["COPY", "r", "c"], ["PEXPIRETIME", "c"], ["MOVE", "c", "1"], ["SELECT", "1"], ["PEXPIRETIME", "c"],
      ["SET", "c", "w", "KEEPTTL"], ["PEXPIRETIME", "c"], ["PERSIST", "c"], ["PEXPIRETIME", "c"],
      { args: ["TTL", "r"], normalize: ttlSign }, { args: ["PTTL", "r"], normalize: ttlSign },
    ]);
  });
});

describe("TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST", () => {
  test("-2 for a missing key, -1 without expiry", async () => {
    await d.check([
      ["TTL", "nokey"], ["PTTL", "nokey"], ["EXPIRETIME", "nokey"], ["PEXPIRETIME", "nokey"],
      ["SET", "k", "v"], ["TTL", "k"], ["PTTL", "k"], ["EXPIRETIME", "k"], ["PEXPIRETIME", "k"],
      ["TTL"], ["TTL", "a", "b"], ["PTTL"], ["EXPIRETIME", "a", "b"], ["PEXPIRETIME"],
    ]);
  });

  test("relative times round as Redis rounds", async () => {
    await d.check([
      ["SET", "k", "v"], ["PEXPIRE", "k", "100400"], ["TTL", "k"], ["PEXPIRE", "k", "100700"], ["TTL", "k"], { args: ["PTTL", "k"], normalize: toSeconds },
      { args: ["EXPIRETIME", "k"], normalize: fromNow(1) }, { args: ["PEXPIRETIME", "k"], normalize: fromNow(1000) },
    ]);
  });

  test("PERSIST", async () => {
    await d.check([
      ["PERSIST", "nokey"], ["SET", "k", "v"], ["PERSIST", "k"], ["EXPIRE", "k", "100"], ["PERSIST", "k"], ["TTL", "k"], ["PERSIST", "k"],
      ["PERSIST"], ["PERSIST", "a", "b"], ["SET", BINARY, "v"], ["PEXPIRE", BINARY, "5000"], ["persist", BINARY], ["TTL", BINARY],
    ]);
  });

  test("SET drops the TTL, KEEPTTL keeps it; expiry lives per database", async () => {
    await d.check([
      ["SET", "k", "v"], ["EXPIRE", "k", "100"], ["SET", "k", "w"], ["TTL", "k"], ["EXPIRE", "k", "100"], ["SET", "k", "x", "KEEPTTL"], ["TTL", "k"],
      ["SELECT", "5"], ["TTL", "k"], ["SET", "k", "v5"], ["EXPIRE", "k", "300"], ["TTL", "k"], ["SELECT", "0"], ["TTL", "k"],
    ]);
  });
});

describe("random sequences agree with redis-server", () => {
  const key = fc.constantFrom("a", "b", "c");
  // Times are either far enough not to run out during a test or already past: no races with the clock.
  const future = fc.integer({ min: 100_000, max: 10_000_000 });
  const past = fc.integer({ min: -10_000, max: 0 });
  const command: fc.Arbitrary<Step> = fc.oneof(
    // Writes weigh more, so that most commands meet existing keys.
    { arbitrary: fc.tuple(key, fc.string({ maxLength: 3 })).map(([k, v]): Step => ["SET", k, v]), weight: 5 },
    { arbitrary: fc.tuple(key, future).map(([k, ms]): Step => ["PSETEX", k, String(ms), "v"]), weight: 3 },
    fc.tuple(key, fc.oneof(future, past)).map(([k, ms]): Step => ["PEXPIRE", k, String(ms)]),
    fc.tuple(key, fc.oneof(future, past), fc.constantFrom("NX", "XX", "GT", "LT")).map(([k, ms, flag]): Step => ["PEXPIRE", k, String(ms), flag]),
    key.map((k): Step => ["PERSIST", k]),
    fc.array(key, { minLength: 1, maxLength: 3 }).map((keys): Step => ["EXISTS", ...keys]),
    key.map((k): Step => ({ args: ["TTL", k], normalize: ttlSign })),
    key.map((k): Step => ({ args: ["PTTL", k], normalize: ttlSign })),
    key.map((k): Step => ["TYPE", k]),
    key.map((k): Step => ["GET", k]),
    fc.array(key, { minLength: 1, maxLength: 2 }).map((keys): Step => ["DEL", ...keys]),
    fc.tuple(key, key).map(([a, b]): Step => ["RENAME", a, b]),
    fc.tuple(key, key).map(([a, b]): Step => ["RENAMENX", a, b]),
    fc.tuple(key, key, fc.boolean()).map(([a, b, replace]): Step => (replace ? ["COPY", a, b, "REPLACE"] : ["COPY", a, b])),
    fc.tuple(key, fc.constantFrom("0", "1")).map(([k, db]): Step => ["MOVE", k, db]),
    fc.constantFrom<Step>(["SELECT", "0"], ["SELECT", "1"], ["SWAPDB", "0", "1"], ["DBSIZE"]),
  );

  test("SET/PSETEX/PEXPIRE/PERSIST/EXISTS/TTL/TYPE/DEL/RENAME/COPY/MOVE", async () => {
    if (d.skip) return;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (steps) => {
        await d.check([...steps, ["SELECT", "0"], ["DBSIZE"], ["SELECT", "1"], ["DBSIZE"]]);
      }),
      { numRuns: 150 },
    );
  });
});

describe("with an injected clock (bunredis)", () => {
  /** A clock the test moves. */
  const manualClock = () => {
    const clock = { time: Date.now(), now: () => clock.time };
    return clock;
  };

  /** Polls `probe` until it returns `expected` or the deadline passes; returns the last value. */
  async function eventually<T>(probe: () => Promise<T>, expected: T, timeoutMs = 5000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    let value = await probe();
    while (value !== expected && performance.now() < deadline) {
      await Bun.sleep(5);
      value = await probe();
    }
    return value;
  }

  test("active expiry reclaims keys no one reads", async () => {
    const clock = manualClock();
    const server = await startServer({ clock, hz: 100 });
    const connection = await RespConnection.open(server.port);
    try {
      const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
      await connection.call("MSET", ...keys.flatMap((key) => [key, "v"]));
      for (const key of keys) await connection.call("PEXPIRE", key, "1000");
      await connection.call("SET", "kept", "v");
      await connection.call("SELECT", "3");
      await connection.call("SET", "other", "v");
      await connection.call("PEXPIRE", "other", "500");
      await connection.call("SELECT", "0");
      expect(await connection.call("DBSIZE")).toBe(":1001\r\n");
      clock.time += 1000;
      // Exactly at the expiry time the keys are still live (Redis expires strictly after).
      expect(await connection.call("PTTL", "k0")).toBe(":0\r\n");
      clock.time += 1;
      expect(await eventually(() => connection.call("DBSIZE"), ":1\r\n")).toBe(":1\r\n");
      await connection.call("SELECT", "3");
      expect(await eventually(() => connection.call("DBSIZE"), ":0\r\n")).toBe(":0\r\n");
      await connection.call("SELECT", "0");
      expect(await connection.call("KEYS", "*")).toBe("*1\r\n$4\r\nkept\r\n");
    } finally {
      connection.close();
      await server.close();
    }
  });

  test("lazy expiry: an expired key is gone at its first access, TTL counts down", async () => {
    const clock = manualClock();
    const server = await startServer({ clock });
    const connection = await RespConnection.open(server.port);
    try {
      await connection.call("SET", "k", "v");
      await connection.call("EXPIRE", "k", "10");
      clock.time += 4_400;
      expect(await connection.call("TTL", "k")).toBe(":6\r\n");
      expect(await connection.call("PTTL", "k")).toBe(":5600\r\n");
      clock.time += 5_600;
      expect(await connection.call("GET", "k")).toBe("$1\r\nv\r\n");
      clock.time += 1;
      expect(await connection.call("EXISTS", "k")).toBe(":0\r\n");
      expect(await connection.call("TTL", "k")).toBe(":-2\r\n");
    } finally {
      connection.close();
      await server.close();
    }
  });

  test("OBJECT IDLETIME follows accesses, not TYPE/EXISTS/TTL/OBJECT", async () => {
    const clock = manualClock();
    const server = await startServer({ clock, hz: 100 });
    const connection = await RespConnection.open(server.port);
    try {
      await connection.call("SET", "k", "v");
      clock.time += 10_000;
      expect(await eventually(() => connection.call("OBJECT", "IDLETIME", "k"), ":10\r\n")).toBe(":10\r\n");
      for (const args of [["TYPE", "k"], ["EXISTS", "k"], ["TTL", "k"], ["OBJECT", "ENCODING", "k"], ["SCAN", "0"], ["KEYS", "*"]]) await connection.call(...args);
      expect(await connection.call("OBJECT", "IDLETIME", "k")).toBe(":10\r\n");
      await connection.call("GET", "k");
      expect(await connection.call("OBJECT", "IDLETIME", "k")).toBe(":0\r\n");
      clock.time += 5_000;
      expect(await eventually(() => connection.call("OBJECT", "IDLETIME", "k"), ":5\r\n")).toBe(":5\r\n");
      await connection.call("TOUCH", "k");
      expect(await connection.call("OBJECT", "IDLETIME", "k")).toBe(":0\r\n");
    } finally {
      connection.close();
      await server.close();
    }
  });
});
