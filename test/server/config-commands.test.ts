import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { convertValue, defaultConfig, normalizeOutputLimits, PARAMS, rewriteConfigFile, tomlValue, type ParamName } from "../../src/config.ts";
import { startServer, type RunningServer } from "../../src/lib.ts";
import { createLogger, type LogLevelName } from "../../src/log.ts";
import { useDifferential, type Normalize, type Step } from "../helpers/differential.ts";
import { startServerProcess, tempDir } from "../helpers/process.ts";
import { RespConnection } from "../helpers/resp.ts";

const d = useDifferential({ redisArgs: ["--latency-tracking", "no"] });

const servers: RunningServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** A CONFIG GET reply with its name/value pairs sorted (Redis answers in its hash order). */
const sortedPairs: Normalize = (reply) => {
  const strings = [...reply.matchAll(/\$\d+\r\n([^\r]*)\r\n/g)].map((match) => match[1]!);
  const pairs: string[] = [];
  for (let i = 0; i < strings.length; i += 2) pairs.push(`${strings[i]}=${strings[i + 1]}`);
  return `${reply.slice(0, reply.indexOf("\r\n"))} ${pairs.sort().join(" ")}`;
};

const sorted = (...args: string[]): Step => ({ args, normalize: sortedPairs });

describe("CONFIG GET matches redis-server", () => {
  test("single parameters, Redis's formatting (bytes, yes/no, octal), case-insensitive names", async () => {
    const names = [
      "maxclients", "timeout", "hz", "databases", "requirepass", "proto-max-bulk-len", "client-query-buffer-limit", "client-output-buffer-limit",
      "slowlog-log-slower-than", "slowlog-max-len", "latency-monitor-threshold", "maxmemory", "maxmemory-policy", "save", "appendonly",
      "cluster-enabled", "latency-tracking", "shutdown-timeout", "unixsocket", "unixsocketperm", "bind", "enable-debug-command",
    ];
    await d.check([...names.map((name) => ["CONFIG", "GET", name]), ["CONFIG", "GET", "MAXCLIENTS"], ["config", "get", "Hz"], ["CONFIG", "GET", "nosuch"], ["CONFIG", "GET", ""]]);
  });

  test("several parameters, patterns, repeats", async () => {
    await d.check([
      sorted("CONFIG", "GET", "hz", "timeout"),
      sorted("CONFIG", "GET", "hz", "hz", "HZ"),
      sorted("CONFIG", "GET", "slowlog-*"),
      sorted("CONFIG", "GET", "client-*", "CLIENT-*"),
      sorted("CONFIG", "GET", "h?"),
      sorted("CONFIG", "GET", "[h]z", "tim[a-z]out"),
      sorted("CONFIG", "GET", "time*", "data*", "proto*", "latency-m*", "enable-d*", "unix*"),
      sorted("CONFIG", "GET", "nosuch*", "hz"),
      sorted("CONFIG", "GET", "SLOWLOG-*"),
      ["CONFIG", "GET"],
    ]);
  });
});

describe("CONFIG SET matches redis-server", () => {
  test("values in Redis's syntax; CONFIG GET shows them as Redis does", async () => {
    await d.check([
      ["CONFIG", "SET", "maxmemory", "1K"],
      ["CONFIG", "GET", "maxmemory"],
      ["CONFIG", "SET", "maxmemory", "1GB"],
      ["CONFIG", "GET", "maxmemory"],
      ["CONFIG", "SET", "maxmemory", "2mb"],
      ["CONFIG", "GET", "maxmemory"],
      ["CONFIG", "SET", "maxmemory", ""],
      ["CONFIG", "GET", "maxmemory"],
      ["CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"],
      ["CONFIG", "GET", "maxmemory-policy"],
      ["CONFIG", "SET", "maxmemory-policy", "noeviction", "maxmemory", "0"],
      ["CONFIG", "SET", "hz", "0"],
      ["CONFIG", "GET", "hz"],
      ["CONFIG", "SET", "hz", "1000"],
      ["CONFIG", "GET", "hz"],
      ["CONFIG", "SET", "HZ", "10", "Timeout", "5"],
      sorted("CONFIG", "GET", "hz", "timeout"),
      ["CONFIG", "SET", "timeout", "0"],
      ["CONFIG", "SET", "slowlog-max-len", "0"],
      ["CONFIG", "GET", "slowlog-max-len"],
      ["CONFIG", "SET", "slowlog-max-len", "128"],
      ["CONFIG", "SET", "latency-monitor-threshold", "100"],
      ["CONFIG", "GET", "latency-monitor-threshold"],
      ["CONFIG", "SET", "latency-monitor-threshold", "0"],
      ["CONFIG", "SET", "proto-max-bulk-len", "1mb"],
      ["CONFIG", "GET", "proto-max-bulk-len"],
      ["CONFIG", "SET", "proto-max-bulk-len", "512mb"],
      ["CONFIG", "SET", "requirepass", "a b\x00\xff"],
      ["CONFIG", "GET", "requirepass"],
      ["CONFIG", "SET", "requirepass", ""],
      ["CONFIG", "SET", "slowlog-log-slower-than", "9223372036854775807"],
      ["CONFIG", "SET", "slowlog-log-slower-than", "10000"],
    ]);
  });

  test("client-output-buffer-limit: classes merged, replica is slave, sizes in bytes", async () => {
    await d.check([
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 2kb 3"],
      ["CONFIG", "GET", "client-output-buffer-limit"],
      ["CONFIG", "SET", "client-output-buffer-limit", "replica 1 2 3 pubsub 4 5 6"],
      ["CONFIG", "GET", "client-output-buffer-limit"],
      ["CONFIG", "SET", "client-output-buffer-limit", "NORMAL 0 0 x"],
      ["CONFIG", "GET", "client-output-buffer-limit"],
      ["CONFIG", "SET", "client-output-buffer-limit", ""],
      ["CONFIG", "SET", "client-output-buffer-limit", "foo 1 2 3"],
      ["CONFIG", "SET", "client-output-buffer-limit", "master 1 2 3"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal x 2 3"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 1 2 -3"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 1 2"],
      ["CONFIG", "GET", "client-output-buffer-limit"],
      ["CONFIG", "SET", "client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"],
    ]);
  });

  test("errors: unknown, immutable, duplicate, unparsable, out of range; Redis's order of checks", async () => {
    await d.check([
      ["CONFIG", "SET", "nosuch", "3"],
      ["CONFIG", "SET", "databases", "3"],
      ["CONFIG", "SET", "DATABASES", "x"],
      ["CONFIG", "SET", "hz"],
      ["CONFIG", "SET", "hz", "10", "maxclients"],
      ["CONFIG", "SET", "hz", "10", "hz", "11"],
      ["CONFIG", "SET", "hz", "10", "HZ", "11"],
      ["CONFIG", "SET", "requirepass", "x", "requirepass", "y"],
      ["CONFIG", "SET", "nosuch", "x", "databases", "1"],
      ["CONFIG", "SET", "databases", "x", "nosuch", "1"],
      ["CONFIG", "SET", "hz", "x", "databases", "1"],
      ["CONFIG", "SET", "hz", "x", "nosuch", "1"],
      ["CONFIG", "SET", "maxmemory", "10xb"],
      ["CONFIG", "SET", "maxmemory", "-1"],
      ["CONFIG", "SET", "maxmemory", "1.5"],
      ["CONFIG", "SET", "maxmemory-policy", "foo"],
      ["CONFIG", "SET", "timeout", "-1"],
      ["CONFIG", "SET", "timeout", "99999999999999"],
      ["CONFIG", "SET", "timeout", "1.5"],
      ["CONFIG", "SET", "timeout", "-0"],
      ["CONFIG", "SET", "timeout", "+5"],
      ["CONFIG", "SET", "timeout", " 5"],
      ["CONFIG", "SET", "timeout", "05"],
      ["CONFIG", "SET", "TIMEOUT", "x"],
      ["CONFIG", "SET", "hz", "99999999999999999999"],
      ["CONFIG", "SET", "slowlog-log-slower-than", "-2"],
      ["CONFIG", "SET", "proto-max-bulk-len", "10"],
      ["CONFIG", "SET", "client-query-buffer-limit", "10"],
      ["CONFIG", "SET", "enable-debug-command", "yes"],
      ["CONFIG", "GET", "timeout"],
    ]);
  });

  test("all or nothing: one bad value leaves every parameter as it was", async () => {
    await d.check([
      ["CONFIG", "SET", "hz", "11", "timeout", "x"],
      ["CONFIG", "SET", "timeout", "7", "maxmemory", "1kb", "maxmemory-policy", "nope"],
      sorted("CONFIG", "GET", "hz", "timeout", "maxmemory", "maxmemory-policy"),
      ["CONFIG", "SET", "timeout", "7", "maxmemory", "1kb", "maxmemory-policy", "allkeys-lru"],
      sorted("CONFIG", "GET", "hz", "timeout", "maxmemory", "maxmemory-policy"),
      ["CONFIG", "SET", "timeout", "0", "maxmemory", "0", "maxmemory-policy", "noeviction"],
    ]);
  });

  test("Redis parameters reported but not implemented refuse to change", async () => {
    const server = await startServer();
    servers.push(server);
    const connection = await RespConnection.open(server.port);
    for (const name of ["cluster-enabled", "latency-tracking"]) {
      expect(await connection.call("CONFIG", "SET", name, "x")).toBe(`-ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config\r\n`);
    }
    // An embedded server's files go to a folder of its own, shown absolute as Redis shows dir.
    expect(await connection.call("CONFIG", "GET", "dir")).toBe(`*2\r\n$3\r\ndir\r\n$${server.config.dir.length}\r\n${server.config.dir}\r\n`);
    connection.close();
  });

  test("persistence settings: values checked and protected ones refused as Redis does", async () => {
    await d.check([
      ["CONFIG", "SET", "save", "x"],
      ["CONFIG", "SET", "save", "10"],
      ["CONFIG", "SET", "appendonly", "x"],
      ["CONFIG", "SET", "appendfsync", "x"],
      ["CONFIG", "SET", "appendfsync", "always"],
      ["CONFIG", "GET", "appendfsync"],
      ["CONFIG", "SET", "appendfsync", "everysec"],
      ["CONFIG", "SET", "rdbcompression", "maybe"],
      ["CONFIG", "SET", "dbfilename", "other.rdb"],
      ["CONFIG", "SET", "dir", "/"],
      ["CONFIG", "SET", "appenddirname", "x"],
      ["CONFIG", "SET", "auto-aof-rewrite-percentage", "-1"],
      // One at a time: with a pattern Redis lists matches in its hash table's order.
      ["CONFIG", "GET", "auto-aof-rewrite-percentage"],
      ["CONFIG", "GET", "auto-aof-rewrite-min-size"],
      ["CONFIG", "GET", "aof-load-truncated"],
      ["CONFIG", "GET", "rdbchecksum"],
      ["CONFIG", "GET", "dbfilename"],
    ]);
  });

  test("RESETSTAT, REWRITE without a file, HELP, arity", async () => {
    await d.check([["CONFIG", "RESETSTAT"], ["CONFIG", "RESETSTAT", "x"], ["CONFIG", "REWRITE"], ["CONFIG", "REWRITE", "x"], ["CONFIG", "HELP"], ["CONFIG", "HELP", "x"], ["CONFIG"], ["CONFIG", "nosuch"], ["config", "Get"]]);
  });
});

describe("CONFIG SET takes effect at once", () => {
  test("loglevel goes to the logger", async () => {
    const logger = createLogger({ level: "warning", dir: "", name: "test", console: false });
    const levels: LogLevelName[] = [];
    const setLevel = logger.setLevel;
    logger.setLevel = (level) => {
      levels.push(level);
      setLevel(level);
    };
    const server = await startServer({ logger });
    servers.push(server);
    const connection = await RespConnection.open(server.port);
    expect(await connection.call("CONFIG", "SET", "loglevel", "DEBUG")).toBe("+OK\r\n");
    expect(await connection.call("CONFIG", "GET", "loglevel")).toBe("*2\r\n$8\r\nloglevel\r\n$5\r\ndebug\r\n");
    expect(levels).toEqual(["debug"]);
    expect(logger.log.level).toBe(5);
    expect(await connection.call("CONFIG", "SET", "loglevel", "bogus")).toBe("-ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning, nothing\r\n");
    expect(levels).toEqual(["debug"]);
    connection.close();
  });

  test("loglevel changes what the running server logs", async () => {
    const dir = tempDir();
    const logger = createLogger({ level: "warning", dir, name: "level", console: false });
    const server = await startServer({ logger });
    servers.push(server);
    const protocolError = async () => {
      const bad = await RespConnection.open(server.port);
      bad.sendRaw("*1\r\n$x\r\n");
      await bad.untilClosed();
    };
    await protocolError(); // logged at info: not written at warning
    const admin = await RespConnection.open(server.port);
    expect(await admin.call("CONFIG", "SET", "loglevel", "notice")).toBe("+OK\r\n");
    await protocolError();
    await logger.flush();
    const lines = readdirSync(dir).map((file) => readFileSync(join(dir, file), "utf8")).join("").split("\n").filter((line) => line.includes("protocol error"));
    expect(lines.length).toBe(1);
    admin.close();
    await logger.close();
  });

  test("maxclients: connections past the new limit are refused", async () => {
    const server = await startServer({ loglevel: "nothing" });
    servers.push(server);
    const first = await RespConnection.open(server.port);
    expect(await first.call("CONFIG", "SET", "maxclients", "1")).toBe("+OK\r\n");
    const second = await RespConnection.open(server.port);
    expect(await second.read()).toBe("-ERR max number of clients reached\r\n");
    expect(await first.call("CONFIG", "SET", "maxclients", "10")).toBe("+OK\r\n");
    const third = await RespConnection.open(server.port);
    expect(await third.call("PING")).toBe("+PONG\r\n");
    for (const connection of [first, second, third]) connection.close();
  });

  test("requirepass: new connections must authenticate, connected ones stay authenticated (as Redis)", async () => {
    const steps = async (port: number) => {
      const admin = await RespConnection.open(port);
      const replies = [await admin.call("CONFIG", "SET", "requirepass", "s3cret"), await admin.call("PING")];
      const fresh = await RespConnection.open(port);
      replies.push(await fresh.call("PING"), await fresh.call("AUTH", "s3cret"), await fresh.call("PING"));
      replies.push(await admin.call("CONFIG", "SET", "requirepass", ""));
      const after = await RespConnection.open(port);
      replies.push(await after.call("PING"));
      for (const connection of [admin, fresh, after]) connection.close();
      return replies;
    };
    if (d.skip) return;
    expect(await steps(d.bunredisPort)).toEqual(await steps(d.redisPort));
  });

  test("hz is read by the cron each time; INFO shows the clamped value", async () => {
    await d.check([
      ["CONFIG", "SET", "hz", "100"],
      { args: ["INFO", "server"], normalize: (reply) => /\r\nhz:\d+\r\nconfigured_hz:\d+\r\n/.exec(reply)![0] },
      ["CONFIG", "SET", "hz", "0"],
      { args: ["INFO", "server"], normalize: (reply) => /\r\nhz:\d+\r\nconfigured_hz:\d+\r\n/.exec(reply)![0] },
      ["CONFIG", "SET", "hz", "10"],
    ]);
  });
});

describe("CONFIG REWRITE writes the TOML file the server started with", () => {
  const ORIGINAL = `# my settings
port = 6380   # overridden on the command line

# memory
maxmemory = "1gb" # a limit
  hz   =   10
loglevel = "notice" # how chatty
slowlog-max-len = 128

# the end
`;

  test("changed keys in place, other lines as they were, missing keys appended; the result loads back", async () => {
    const dir = tempDir();
    const path = join(dir, "bunredis.toml");
    writeFileSync(path, ORIGINAL);
    const { server, port } = await startServerProcess(["--config", path, "--log-dir", ""]);
    try {
      const connection = await RespConnection.open(port);
      const info = await connection.call("INFO", "server");
      expect(info).toContain(`\r\nconfig_file:${path}\r\n`);
      expect(await connection.call("CONFIG", "SET", "hz", "20", "maxmemory", "64mb", "loglevel", "warning", "requirepass", 'p"q\\r', "maxmemory-policy", "allkeys-lru")).toBe("+OK\r\n");
      expect(await connection.call("CONFIG", "SET", "timeout", "30", "client-output-buffer-limit", "normal 1mb 0 0")).toBe("+OK\r\n");
      expect(await connection.call("CONFIG", "REWRITE")).toBe("+OK\r\n");
      const rewritten = readFileSync(path, "utf8");
      expect(rewritten).toBe(`# my settings
port = 0   # overridden on the command line

# memory
maxmemory = "64mb" # a limit
  hz   =   20
loglevel = "warning" # how chatty
slowlog-max-len = 128

# the end
# Generated by CONFIG REWRITE
bind = "127.0.0.1"
requirepass = "p\\"q\\\\r"
maxmemory-policy = "allkeys-lru"
client-output-buffer-limit = "normal 1048576 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
timeout = 30
log-dir = ""
`);
      // Nothing changed since: a second rewrite leaves the file as it is.
      expect(await connection.call("CONFIG", "REWRITE")).toBe("+OK\r\n");
      expect(readFileSync(path, "utf8")).toBe(rewritten);
      connection.close();
    } finally {
      server.kill();
      await server.exited;
    }
    // The rewritten file is what a new server starts with.
    const again = await startServerProcess(["--config", path, "--loglevel", "notice"]); // the file says warning, which hides "listening on"
    try {
      const connection = await RespConnection.open(again.port);
      expect(await connection.call("AUTH", 'p"q\\r')).toBe("+OK\r\n");
      expect(await connection.call("CONFIG", "GET", "requirepass")).toBe('*2\r\n$11\r\nrequirepass\r\n$5\r\np"q\\r\r\n');
      expect(await connection.call("CONFIG", "GET", "maxmemory")).toBe("*2\r\n$9\r\nmaxmemory\r\n$8\r\n67108864\r\n");
      expect(await connection.call("CONFIG", "GET", "hz")).toBe("*2\r\n$2\r\nhz\r\n$2\r\n20\r\n");
      connection.close();
    } finally {
      again.server.kill();
      await again.server.exited;
    }
  });

  test("a removed file is written afresh; an unwritable folder is an error reply", async () => {
    const dir = tempDir();
    const path = join(dir, "gone.toml");
    writeFileSync(path, "hz = 15\n");
    const { server, port } = await startServerProcess(["--config", path, "--log-dir", ""]);
    try {
      const connection = await RespConnection.open(port);
      rmSync(path);
      expect(await connection.call("CONFIG", "REWRITE")).toBe("+OK\r\n");
      expect(parseToml(readFileSync(path, "utf8"))).toEqual({ hz: 15, bind: "127.0.0.1", port: 0, "log-dir": "" });
      rmSync(dir, { recursive: true });
      expect(await connection.call("CONFIG", "REWRITE")).toMatch(/^-ERR Rewriting config file: /);
      connection.close();
    } finally {
      server.kill();
      await server.exited;
    }
  });
});

describe("configuration values (unit)", () => {
  test("TOML values round-trip through convertValue for every parameter kind", () => {
    const samples: Partial<Record<ParamName, unknown>> = { maxmemory: 3 * 1024 * 1024, unixsocketperm: 0o700, requirepass: 'a"b\\c\x00\xff', hz: 42, "maxmemory-policy": "volatile-ttl", "proto-max-bulk-len": 2_000_001 };
    for (const [name, value] of Object.entries(samples) as [ParamName, string | number][]) {
      const written = tomlValue(name, value);
      const read = (parseToml(`x = ${written}`) as { x: unknown }).x;
      expect({ name, value: convertValue(name, read) }).toEqual({ name, value });
    }
    expect(tomlValue("maxmemory", 64 * 1024 * 1024)).toBe('"64mb"');
    expect(tomlValue("maxmemory", 1000)).toBe("1000");
    expect(tomlValue("unixsocketperm", 0o755)).toBe("0o755");
  });

  test("hz is clamped and client-output-buffer-limit normalised from files too", () => {
    expect(convertValue("hz", 1000)).toBe(500);
    expect(convertValue("hz", 0)).toBe(1);
    expect(normalizeOutputLimits("pubsub 1kb 2 3", PARAMS["client-output-buffer-limit"].default)).toBe("normal 0 0 0 slave 268435456 67108864 60 pubsub 1024 2 3");
  });

  test("rewriting keeps CRLF line ends and comments after values", () => {
    const dir = tempDir();
    const path = join(dir, "crlf.toml");
    writeFileSync(path, 'hz = 10 # x\r\nrequirepass = "#not a comment" # y\r\n');
    const config = { ...defaultConfig(), hz: 11, requirepass: "new" };
    rewriteConfigFile(path, config);
    expect(readFileSync(path, "utf8")).toBe('hz = 11 # x\r\nrequirepass = "new" # y\r\n');
  });
});
