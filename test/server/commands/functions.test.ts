import { describe, expect, test } from "bun:test";
import { startServer } from "../../../src/lib.ts";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

/** FUNCTION LOAD of a library `name` whose body is `body` (after the shebang line). */
const load = (name: string, body: string, replace = false): string[] => ["FUNCTION", "LOAD", ...(replace ? ["REPLACE"] : []), `#!lua name=${name}\n${body}`];
/** Libraries survive FLUSHALL: every test starts from none. */
const FLUSH: Step = ["FUNCTION", "FLUSH"];

describe("FUNCTION LOAD", () => {
  test("metadata errors, in Redis's order", async () => {
    await d.check([
      FLUSH,
      ["FUNCTION", "LOAD", "return 1"],
      ["FUNCTION", "LOAD", "#!lua\nreturn 1"],
      ["FUNCTION", "LOAD", "#!lua name=a"],
      ["FUNCTION", "LOAD", "#!lua name=a\nreturn 1"],
      ["FUNCTION", "LOAD", "#!lua name=bad-name!\nredis.register_function('f', function() end)"],
      ["FUNCTION", "LOAD", "#!lua name=a foo=b\nredis.register_function('f', function() end)"],
      ["FUNCTION", "LOAD", "#!lua name=a name=b\nredis.register_function('f', function() end)"],
      ["FUNCTION", "LOAD", "#!js name=a\nredis.register_function('f', function() end)"],
      ["FUNCTION", "LOAD", "#!js name=bad-name\nx"],
      ["FUNCTION", "LOAD", '#!lua "name=q q"\nx'],
      ["FUNCTION", "LOAD", '#!lua "name=unbalanced\nx'],
      ["FUNCTION", "LOAD", "#!lua name=\nx"],
      ["FUNCTION", "LOAD", "#!lua NAME=upper\nredis.register_function('fu', function() return 1 end)"],
      ["FUNCTION", "LOAD", "#!LUA name=engine_case\nredis.register_function('fe', function() return 1 end)"],
      ["FUNCTION", "LOAD", "#!\nx"],
      ["FUNCTION", "LOAD", "x", "#!lua name=a\nx"],
      ["FUNCTION", "LOAD", "REPLACE", "REPLACE", "#!lua name=twice\nredis.register_function('ft', function() return 1 end)"],
      ["FUNCTION", "LOAD"],
      ["FUNCTION", "LIST", "LIBRARYNAME", "upper"],
    ]);
  });

  test("compile and registration errors", async () => {
    const cases = [
      "return +",
      "redis.register_function('f', function() return 1 end)\nredis.register_function('f', function() return 1 end)",
      "redis.call('set', 'x', 'y')",
      "redis.register_function('f')",
      "redis.register_function('f', 1)",
      "redis.register_function(1, function() end)",
      "redis.register_function({}, function() end)",
      "redis.register_function('f', function() end, 3)",
      "redis.register_function()",
      "redis.register_function('1-bad', function() end)",
      "redis.register_function('', function() end)",
      "redis.register_function{function_name='f', callback=function() end, flags={'bad'}}",
      "redis.register_function{function_name='f', callback=function() end, flags={1}}",
      "redis.register_function{function_name='f', callback=function() end, flags='no-writes'}",
      "redis.register_function{function_name='f', callback=function() end, what=1}",
      "redis.register_function{callback=function() end}",
      "redis.register_function{function_name='f'}",
      "redis.register_function{function_name={}, callback=function() end}",
      "redis.register_function{function_name='f', callback=1}",
      "redis.register_function{function_name='f', callback=function() end, description={}}",
      "redis.register_function{[1]='f'}",
      "redis.register_function(5)",
      "x = 1",
      "local y = z",
      "error('oops')",
      "redis.register_function('f', function() end)\nerror('late')",
      "local t = {} for k in next, redis do t[#t+1] = k end",
      "local s = string",
      "return KEYS",
      "redis.setresp(3)",
      "redis.log(redis.LOG_WARNING, 'loading a library')",
    ];
    await d.check([FLUSH, ...cases.map((body) => load("a", body)), ["FUNCTION", "LIST"]]);
  });

  test("what the loading code can use: redis.register_function, redis.log and the constants", async () => {
    await d.check([
      FLUSH,
      load("ok", "redis.log(redis.LOG_DEBUG, 'loading')\nlocal v = redis.REDIS_VERSION_NUM + redis.LOG_WARNING\nredis.register_function('f1', function() return 1 end)"),
      ...["setresp", "sha1hex", "error_reply", "status_reply", "set_repl", "REPL_ALL", "call", "pcall", "acl_check_cmd", "breakpoint", "debug", "replicate_commands"].map((field) =>
        load("probe", `local v = redis.${field}\nredis.register_function('p', function() return 1 end)`),
      ),
      ["FUNCTION", "LIST", "LIBRARYNAME", "ok"],
    ]);
  });

  test("REPLACE, name collisions, case of names", async () => {
    await d.check([
      FLUSH,
      load("lib", "redis.register_function('f1', function() return 'v1' end)"),
      load("lib", "redis.register_function('f1', function() return 'v2' end)"),
      ["FCALL", "f1", "0"],
      load("lib", "redis.register_function('f1', function() return 'v2' end)", true),
      ["FCALL", "f1", "0"],
      ["FCALL", "F1", "0"],
      load("other", "redis.register_function('F1', function() return 'other' end)"),
      load("other", "redis.register_function('f2', function() return 'f2' end)"),
      load("LIB", "redis.register_function('f3', function() return 'f3 in LIB' end)"),
      ["FCALL", "f3", "0"],
      load("lib", "redis.register_function('f2', function() return 'stolen' end)", true),
      ["FCALL", "f1", "0"],
      // (Two names in one library that differ only in case: redis-server 7.0.15 crashes on a later
      // REPLACE of that library, so that case is not compared.)
      load("lib", "redis.register_function('x', function() return 'lower' end)", true),
      ["FCALL", "X", "0"],
      ["FCALL", "f1", "0"],
      ["FUNCTION", "STATS"],
      load("lib", "return +", true),
      ["FCALL", "x", "0"],
      ["FUNCTION", "DELETE", "lib"],
      ["FCALL", "x", "0"],
      ["FUNCTION", "DELETE", "lib"],
      ["FUNCTION", "DELETE", "LIB"],
      ["FUNCTION", "DELETE", "Other"],
      ["FUNCTION", "DELETE"],
      ["FUNCTION", "DELETE", "a", "b"],
      ["FUNCTION", "STATS"],
    ]);
  });
});

describe("FCALL and FCALL_RO", () => {
  test("keys and args, replies, errors with the function's name and line", async () => {
    await d.check([
      FLUSH,
      load(
        "calls",
        [
          "redis.register_function('set', function(keys, args) return redis.call('set', keys[1], args[1]) end)",
          "redis.register_function('echo', function(keys, args) return {#keys, #args, keys[1], args[1], args[2]} end)",
          "redis.register_function('globals', function() return KEYS end)",
          "redis.register_function('unknown', function() return redis.call('nosuch') end)",
          "redis.register_function('fails', function() error('bad') end)",
          "redis.register_function('writes', function() x = 5 end)",
          "redis.register_function('missing', function() return y end)",
          "redis.register_function('table', function() return {1, {ok = 'fine'}, {err = 'ERR inner'}} end)",
          "redis.register_function('raw', function() return redis.error_reply('MY error') end)",
          "redis.register_function('resp3', function() redis.setresp(3) return redis.call('hgetall', 'h') end)",
          "redis.register_function('float', function() return {double = 2.5} end)",
          "redis.register_function('libs', function() return {cjson.encode({1, 2}), bit.band(7, 3), struct.size('i4'), type(cmsgpack.pack)} end)",
        ].join("\n"),
      ),
      ["HSET", "h", "f", "v"],
      ["FCALL", "set", "1", "k", "v"],
      ["GET", "k"],
      ["FCALL", "echo", "2", "k1", "k2", "a1"],
      ["FCALL", "echo", "0", "a\x00\xff", "b"],
      ["FCALL", "globals", "0"],
      ["FCALL", "unknown", "0"],
      ["FCALL", "fails", "0"],
      ["FCALL", "writes", "0"],
      ["FCALL", "missing", "0"],
      ["FCALL", "table", "0"],
      ["FCALL", "raw", "0"],
      ["FCALL", "resp3", "0"],
      ["FCALL", "float", "0"],
      ["FCALL", "libs", "0"],
      ["FCALL", "nosuch", "0"],
      ["FCALL", "nosuch", "x"],
      ["FCALL", "set", "x"],
      ["FCALL", "set", "-1"],
      ["FCALL", "set", "3", "a"],
      ["FCALL", "set"],
      ["FCALL"],
    ]);
  });

  test("the runtime globals are Redis's, without KEYS, ARGV or the error handler", async () => {
    await d.check([
      FLUSH,
      load(
        "env",
        [
          "local function names(t) local r = {} for k in pairs(t) do r[#r + 1] = k end table.sort(r) return r end",
          "redis.register_function('g', function() return names(_G) end)",
          "redis.register_function('r', function() return names(redis) end)",
          "redis.register_function('reg', function() return redis.register_function end)",
        ].join("\n"),
      ),
      ["FCALL", "g", "0"],
      ["FCALL", "r", "0"],
      ["FCALL", "reg", "0"],
    ]);
  });

  test("flags: no-writes, FCALL_RO", async () => {
    await d.check([
      FLUSH,
      load(
        "flags",
        [
          "redis.register_function{function_name='ro', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}",
          "redis.register_function{function_name='ro_write', callback=function(keys) return redis.call('set', keys[1], 'x') end, flags={'no-writes'}}",
          "redis.register_function{function_name='rw', callback=function(keys) return redis.call('set', keys[1], 'y') end}",
          "redis.register_function{function_name='all', callback=function() return 1 end, flags={'allow-cross-slot-keys', 'no-cluster', 'allow-stale', 'allow-oom', 'no-writes'}, description=12}",
        ].join("\n"),
      ),
      ["SET", "k", "v"],
      ["FCALL", "ro", "1", "k"],
      ["FCALL_RO", "ro", "1", "k"],
      ["FCALL", "ro_write", "1", "k"],
      ["FCALL_RO", "ro_write", "1", "k"],
      ["FCALL", "rw", "1", "k"],
      ["FCALL_RO", "rw", "1", "k"],
      ["FCALL_RO", "nosuch", "0"],
      ["FCALL", "all", "0"],
      ["GET", "k"],
      // One function per library listed: Redis lists a library's functions in hash order.
      load("every_flag", "redis.register_function{function_name='every', callback=function() return 1 end, flags={'allow-cross-slot-keys', 'no-cluster', 'allow-stale', 'allow-oom', 'no-writes'}, description=12}"),
      ["FUNCTION", "LIST", "LIBRARYNAME", "every_flag"],
    ]);
  });
});

describe("FUNCTION LIST, STATS, DELETE, FLUSH, KILL, HELP", () => {
  test("LIST shapes and options (one library: Redis lists libraries and functions in hash order)", async () => {
    const code = "#!lua name=mylib\nredis.register_function{function_name='only', callback=function() return 1 end, description='the one', flags={'no-writes', 'allow-oom'}}";
    await d.check([
      FLUSH,
      ["FUNCTION", "LIST"],
      ["FUNCTION", "LOAD", code],
      ["FUNCTION", "LIST"],
      ["FUNCTION", "LIST", "WITHCODE"],
      ["FUNCTION", "LIST", "withcode", "libraryname", "my*"],
      ["FUNCTION", "LIST", "LIBRARYNAME", "MY?IB"],
      ["FUNCTION", "LIST", "LIBRARYNAME", "other*"],
      ["FUNCTION", "LIST", "x"],
      ["FUNCTION", "LIST", "libraryname"],
      ["FUNCTION", "LIST", "withcode", "withcode"],
      ["FUNCTION", "LIST", "libraryname", "a", "libraryname", "b"],
      load("plain", "redis.register_function('p', function() return 1 end)"),
      ["FUNCTION", "LIST", "LIBRARYNAME", "plain"],
    ]);
  });

  test("STATS, FLUSH, KILL, HELP", async () => {
    await d.check([
      FLUSH,
      ["FUNCTION", "STATS"],
      load("s1", "redis.register_function('a', function() return 1 end)\nredis.register_function('b', function() return 1 end)"),
      load("s2", "redis.register_function('c', function() return 1 end)"),
      ["FUNCTION", "STATS"],
      ["FUNCTION", "FLUSH", "ASYNC"],
      ["FUNCTION", "STATS"],
      ["FUNCTION", "FLUSH", "sync"],
      ["FUNCTION", "FLUSH", "x"],
      ["FUNCTION", "FLUSH", "a", "b"],
      ["FUNCTION", "STATS", "x"],
      ["FUNCTION", "KILL"],
      ["FUNCTION", "KILL", "x"],
      ["FUNCTION", "HELP"],
      ["FUNCTION", "NOSUCH"],
      ["FUNCTION"],
      ["FUNCTION", "DUMP", "x"],
    ]);
  });
});

describe("FUNCTION DUMP and RESTORE", () => {
  test("a dump restores, with each policy, and collisions refuse it", async () => {
    if (d.skip) return;
    for (const [redis, bunredis] of [await d.connect(2), await d.connect(3)]) {
      for (const connection of [redis!, bunredis!]) {
        await connection.call("FUNCTION", "FLUSH");
        await connection.call("FUNCTION", "LOAD", "#!lua name=one\nredis.register_function('f1', function() return 'one' end)");
        await connection.call("FUNCTION", "LOAD", "#!lua name=two\nredis.register_function('f2', function() return 'two' end)");
      }
      // Each server restores its own dump: the libraries must come back the same.
      const dumps = await Promise.all([redis!.call("FUNCTION", "DUMP"), bunredis!.call("FUNCTION", "DUMP")]);
      const payloads = dumps.map((reply) => {
        const bytes = Buffer.from(reply, "latin1");
        const newline = bytes.indexOf("\r\n");
        return bytes.subarray(newline + 2, bytes.length - 2).toString("latin1");
      });
      // With two colliding libraries Redis names the first in its hash order: let only one collide.
      const steps = (payload: string): Step[] => [
        ["FUNCTION", "DELETE", "two"],
        ["FUNCTION", "RESTORE", payload],
        ["FUNCTION", "RESTORE", payload, "APPEND"],
        ["FUNCTION", "RESTORE", payload, "REPLACE"],
        ["FCALL", "f1", "0"],
        ["FUNCTION", "FLUSH"],
        ["FUNCTION", "RESTORE", payload],
        ["FCALL", "f2", "0"],
        ["FUNCTION", "LOAD", "REPLACE", "#!lua name=one\nredis.register_function('f1', function() return 'changed' end)"],
        ["FUNCTION", "RESTORE", payload, "FLUSH"],
        ["FCALL", "f1", "0"],
        ["FUNCTION", "DELETE", "one"],
        ["FUNCTION", "LOAD", "#!lua name=three\nredis.register_function('f1', function() return 'three' end)"],
        ["FUNCTION", "RESTORE", payload, "REPLACE"],
        ["FCALL", "f1", "0"],
        ["FUNCTION", "RESTORE", payload, "bad"],
        ["FUNCTION", "RESTORE", payload, "FLUSH", "x"],
        ["FUNCTION", "RESTORE", "not a payload"],
        ["FUNCTION", "RESTORE", ""],
        ["FUNCTION", "RESTORE", `${payload.slice(0, -1)}x`],
        ["FUNCTION", "STATS"],
      ];
      for (const [index, connection] of [redis!, bunredis!].entries()) {
        const [fromRedis, fromBunredis] = await Promise.all([run(redis!, steps(payloads[index]!)), run(bunredis!, steps(payloads[index]!))]);
        expect(fromBunredis).toEqual(fromRedis);
        void connection;
      }
    }
  });

  test("a dump from redis-server restores here, and one from here restores on redis-server", async () => {
    if (d.skip) return;
    const [redis, bunredis] = await d.connect();
    const code = `#!lua name=cross\nredis.register_function('cross', function() return '${"long enough to be compressed by Redis ".repeat(5)}' end)`;
    for (const connection of [redis, bunredis]) {
      await connection.call("FUNCTION", "FLUSH");
      await connection.call("FUNCTION", "LOAD", code);
    }
    const payload = async (connection: RespConnection) => {
      const bytes = Buffer.from(await connection.call("FUNCTION", "DUMP"), "latin1");
      return bytes.subarray(bytes.indexOf("\r\n") + 2, bytes.length - 2).toString("latin1");
    };
    const [fromRedis, fromBunredis] = await Promise.all([payload(redis), payload(bunredis)]);
    for (const connection of [redis, bunredis]) await connection.call("FUNCTION", "FLUSH");
    expect(await bunredis.call("FUNCTION", "RESTORE", fromRedis)).toBe("+OK\r\n");
    expect(await redis.call("FUNCTION", "RESTORE", fromBunredis)).toBe("+OK\r\n");
    const lists = await Promise.all([redis.call("FUNCTION", "LIST", "WITHCODE"), bunredis.call("FUNCTION", "LIST", "WITHCODE")]);
    expect(lists[1]).toBe(lists[0]!);
  });
});

/** The replies of `steps` on one connection. */
async function run(connection: RespConnection, steps: Step[]): Promise<string[]> {
  const replies: string[] = [];
  for (const step of steps) replies.push(await connection.call(...(Array.isArray(step) ? step : step.args)));
  return replies;
}

describe("functions against bunredis alone", () => {
  test("a library whose loading code runs too long is refused", async () => {
    const server = await startServer();
    const client = await RespConnection.open(server.port);
    try {
      const reply = await client.call("FUNCTION", "LOAD", "#!lua name=slow\nwhile true do end");
      expect(reply).toBe("-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n");
      expect(await client.call("FUNCTION", "STATS")).toBe("*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:0\r\n$15\r\nfunctions_count\r\n:0\r\n");
    } finally {
      client.close();
      await server.close();
    }
  });

  test("a function running past busy-reply-threshold is stopped; FUNCTION KILL finds nothing running after", async () => {
    const server = await startServer({ "busy-reply-threshold": 100 });
    const client = await RespConnection.open(server.port);
    try {
      await client.call("FUNCTION", "LOAD", "#!lua name=loop\nredis.register_function('spin', function() while true do end end)");
      expect(await client.call("FCALL", "spin", "0")).toBe("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n");
      expect(await client.call("FUNCTION", "KILL")).toBe("-NOTBUSY No scripts in execution right now.\r\n");
    } finally {
      client.close();
      await server.close();
    }
  });
});
