/**
 * Persistence with real processes: bunredis restarted on its own files, redis-server loading
 * bunredis's files and the reverse, bad files, and crashes (SIGKILL) under load.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HAVE_REDIS, startRedisServer, type RedisServerProcess } from "../helpers/oracle.ts";
import { spawnServer, startServerProcess, tempDir, type ServerProcess } from "../helpers/process.ts";
import { keyspaceDump } from "../helpers/keyspace.ts";
import { RespConnection } from "../helpers/resp.ts";

const running: Array<ServerProcess | RedisServerProcess> = [];
const connections: RespConnection[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  for (const server of running.splice(0)) {
    if ("stop" in server) await server.stop();
    else {
      server.kill("SIGKILL");
      await server.exited;
    }
  }
});

/** Starts bunredis in `dir` with `args`; resolves once it has loaded its data. */
async function bunredis(dir: string, args: string[] = []): Promise<{ server: ServerProcess; connection: RespConnection; port: number }> {
  const { server, port } = await startServerProcess(["--dir", dir, "--save", "", "--log-dir", "", "--loglevel", "verbose", ...args], { cwd: dir });
  running.push(server);
  await server.waitFor(/Ready to accept connections/);
  const connection = await RespConnection.open(port);
  connections.push(connection);
  return { server, connection, port };
}

/** Starts redis-server with its files in `dir`. */
async function redis(dir: string, args: string[] = []): Promise<RespConnection> {
  const server = await startRedisServer(["--dir", dir, ...args]);
  running.push(server);
  const connection = await RespConnection.open(server.port);
  connections.push(connection);
  return connection;
}

/** Stops the redis-server started last, gracefully (it finishes its AOF). */
async function stopRedis(connection: RespConnection): Promise<void> {
  const server = running.pop() as RedisServerProcess;
  connection.sendRaw("*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n");
  await server.proc.exited;
}

/** Kills a server the hard way (no chance to write anything more) and waits for it to go. */
async function crash(server: ServerProcess): Promise<void> {
  server.kill("SIGKILL");
  await server.exited;
  running.splice(running.indexOf(server), 1);
}

/**
 * Every key of databases 0 and 3 (the ones the workload uses). Encodings are compared between
 * servers that loaded the same files, not across a reload (which changes some, in Redis too).
 */
async function dumpAll(connection: RespConnection, encodings = false): Promise<string[]> {
  const lines: string[] = [];
  for (const db of ["0", "3"]) {
    await connection.call("SELECT", db);
    lines.push(`db ${db}`, ...(await keyspaceDump(connection, encodings)));
  }
  await connection.call("SELECT", "0");
  return lines;
}

/** Writes a little of every type, with expiries, several databases, and commands whose effect differs from their text. */
async function workload(connection: RespConnection): Promise<void> {
  const commands: string[][] = [
    ["SET", "string", "hello\x00\xff"],
    ["SET", "counter", "10"],
    ["INCRBY", "counter", "5"],
    ["INCRBYFLOAT", "float", "1.5"],
    ["SET", "volatile", "v", "EX", "1000"],
    ["SETEX", "volatile2", "2000", "v"],
    ["SET", "big", "x".repeat(5000)],
    ["RPUSH", "list", "a", "b", "c", "1", "2"],
    ["LPOP", "list"],
    ["HSET", "hash", "f1", "v1", "f2", "2"],
    ["HINCRBYFLOAT", "hash", "f2", "0.25"],
    ["SADD", "set", "x", "y", "z", "w"],
    ["SADD", "intset", "1", "2", "3"],
    ["SPOP", "set"],
    ["ZADD", "zset", "1", "one", "2.5", "two", "-3", "three"],
    ["EXPIRE", "list", "5000"],
    ["SETBIT", "bitmap", "100000", "1"],
    ["PFADD", "hll", "a", "b", "c", "d"],
    ["GEOADD", "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
    ["XADD", "stream", "1-1", "field", "value", "other", "1"],
    ["XADD", "stream", "2-5", "field", "value2"],
    ["XADD", "stream", "3-0", "x", "y"],
    ["XDEL", "stream", "2-5"],
    ["XGROUP", "CREATE", "stream", "group", "0"],
    ["XREADGROUP", "GROUP", "group", "consumer", "COUNT", "1", "STREAMS", "stream", ">"],
    ["XGROUP", "CREATECONSUMER", "stream", "group", "idle-consumer"],
    ["MULTI"],
    ["INCR", "tx:a"],
    ["INCR", "tx:b"],
    ["EXEC"],
    ["EVAL", "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCR', KEYS[2])", "2", "lua:s", "lua:n", "from-lua"],
    ["SELECT", "3"],
    ["SET", "in-db-3", "yes"],
    ["RPUSH", "list3", "q"],
    ["SELECT", "0"],
  ];
  for (const args of commands) await connection.call(...args);
  const hashtable: string[] = ["HSET", "bighash"];
  for (let i = 0; i < 600; i++) hashtable.push(`field${i}`, `value${i}`);
  await connection.call(...hashtable);
  const quicklist: string[] = ["RPUSH", "biglist"];
  for (let i = 0; i < 2000; i++) quicklist.push(`element-${i}`);
  await connection.call(...quicklist);
  const skiplist: string[] = ["ZADD", "bigzset"];
  for (let i = 0; i < 300; i++) skiplist.push(String(i / 7), `member${i}`);
  await connection.call(...skiplist);
}

describe("AOF", () => {
  test("every acknowledged write survives SIGKILL and restart; redis-server loads the same folder alike", async () => {
    const dir = tempDir();
    const first = await bunredis(dir, ["--appendonly", "yes"]);
    await workload(first.connection);
    const before = await dumpAll(first.connection);
    await crash(first.server);

    const second = await bunredis(dir, ["--appendonly", "yes"]);
    expect(await dumpAll(second.connection)).toEqual(before);
    const loaded = await dumpAll(second.connection, true);
    await crash(second.server);
    if (!HAVE_REDIS) return;
    const oracle = await redis(dir, ["--appendonly", "yes"]);
    // Both loaded the same folder: encodings included.
    expect(await dumpAll(oracle, true)).toEqual(loaded);
  });

  test("bunredis loads an AOF folder written by redis-server, base and increments", async () => {
    if (!HAVE_REDIS) return;
    const dir = tempDir();
    const oracle = await redis(dir, ["--appendonly", "yes"]);
    await workload(oracle);
    // A rewrite makes an RDB base; what follows goes to a new increment.
    await oracle.call("BGREWRITEAOF");
    await until(async () => (await oracle.call("INFO", "persistence")).includes("aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0"));
    await oracle.call("RPUSH", "after-rewrite", "1");
    const before = await dumpAll(oracle);
    await stopRedis(oracle);
    const { connection } = await bunredis(dir, ["--appendonly", "yes"]);
    expect(await dumpAll(connection)).toEqual(before);
  });

  test("BGREWRITEAOF writes a new base from a snapshot while writes go on; nothing is lost", async () => {
    const dir = tempDir();
    const first = await bunredis(dir, ["--appendonly", "yes"]);
    await workload(first.connection);
    for (let i = 0; i < 200; i++) await first.connection.call("SET", `pre:${i}`, String(i));
    expect(await first.connection.call("BGREWRITEAOF")).toBe("+Background append only file rewriting started\r\n");
    // Writes while the rewrite runs land in the new increment.
    for (let i = 0; i < 200; i++) await first.connection.call("INCR", `pre:${i}`);
    await until(async () => (await first.connection.call("INFO", "persistence")).includes("aof_rewrite_in_progress:0"));
    const files = readdirSync(join(dir, "appendonlydir")).sort();
    expect(files).toEqual(["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"]);
    const before = await dumpAll(first.connection);
    await crash(first.server);
    const second = await bunredis(dir, ["--appendonly", "yes"]);
    expect(await dumpAll(second.connection)).toEqual(before);
  });

  test("CONFIG SET appendonly yes starts an AOF holding the dataset as it is, then every write", async () => {
    const dir = tempDir();
    const first = await bunredis(dir);
    await workload(first.connection);
    expect(await first.connection.call("CONFIG", "SET", "appendonly", "yes")).toBe("+OK\r\n");
    await first.connection.call("SET", "after", "turning-on");
    await until(async () => (await first.connection.call("INFO", "persistence")).includes("aof_rewrite_in_progress:0"));
    expect(await first.connection.call("INFO", "persistence")).toContain("aof_enabled:1");
    const before = await dumpAll(first.connection);
    await crash(first.server);
    const second = await bunredis(dir, ["--appendonly", "yes"]);
    expect(await dumpAll(second.connection)).toEqual(before);
    expect(await second.connection.call("CONFIG", "SET", "appendonly", "no")).toBe("+OK\r\n");
    expect(await second.connection.call("INFO", "persistence")).toContain("aof_enabled:0");
  });

  test("aof-use-rdb-preamble no: the base is RESTORE commands, replayed alike by bunredis and redis-server", async () => {
    const dir = tempDir();
    const first = await bunredis(dir, ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"]);
    await workload(first.connection);
    await first.connection.call("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
    await first.connection.call("BGREWRITEAOF");
    await until(async () => (await first.connection.call("INFO", "persistence")).includes("aof_rewrite_in_progress:0"));
    const base = join(dir, "appendonlydir", "appendonly.aof.2.base.aof");
    expect(readFileSync(base, "latin1")).toStartWith("*2\r\n$6\r\nSELECT\r\n");
    expect(readFileSync(base, "latin1")).toContain("$7\r\nRESTORE\r\n");
    const before = await dumpAll(first.connection);
    await crash(first.server);
    const second = await bunredis(dir, ["--appendonly", "yes"]);
    expect(await dumpAll(second.connection)).toEqual(before);
    expect(await second.connection.call("FCALL", "f", "0")).toBe(":1\r\n");
    await crash(second.server);
    if (!HAVE_REDIS) return;
    const oracle = await redis(dir, ["--appendonly", "yes"]);
    expect(await dumpAll(oracle)).toEqual(before);
  });

  test("a cut-off last command: loaded up to the last whole one with aof-load-truncated, refused without", async () => {
    const dir = tempDir();
    const first = await bunredis(dir, ["--appendonly", "yes"]);
    await first.connection.call("SET", "kept", "1");
    await crash(first.server);
    const incr = join(dir, "appendonlydir", "appendonly.aof.1.incr.aof");
    const whole = statSync(incr).size;
    appendFileSync(incr, "*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$1");

    const refused = spawnServer(["--port", "0", "--dir", dir, "--appendonly", "yes", "--aof-load-truncated", "no", "--save", "", "--log-dir", ""], { cwd: dir });
    expect(await refused.exited).toBe(1);
    expect(refused.text()).toContain(`appendonly.aof.1.incr.aof at offset ${whole}`);

    const { server, connection } = await bunredis(dir, ["--appendonly", "yes"]);
    expect(await connection.call("GET", "kept")).toBe("$1\r\n1\r\n");
    expect(await connection.call("EXISTS", "lost")).toBe(":0\r\n");
    expect(server.text()).toContain(`loaded up to offset ${whole}`);
    expect(statSync(incr).size).toBe(whole);
  });

  test("check-aof reports a damaged tail and --fix cuts it off", async () => {
    const dir = tempDir();
    const first = await bunredis(dir, ["--appendonly", "yes"]);
    await first.connection.call("SET", "kept", "1");
    await crash(first.server);
    const manifest = join(dir, "appendonlydir", "appendonly.aof.manifest");
    const valid = spawnServer(["check-aof", manifest]);
    expect(await valid.exited).toBe(0);
    expect(valid.text()).toContain("All AOF files and manifest are valid");

    const incr = join(dir, "appendonlydir", "appendonly.aof.1.incr.aof");
    const whole = statSync(incr).size;
    appendFileSync(incr, "*2\r\n$3\r\nDEL\r\n$4\r\nke");
    const invalid = spawnServer(["check-aof", manifest]);
    expect(await invalid.exited).toBe(1);
    expect(invalid.text()).toContain(`ok_up_to=${whole}`);
    expect(invalid.text()).toContain("Use the --fix option");
    expect(statSync(incr).size).toBeGreaterThan(whole);
    const fixed = spawnServer(["check-aof", "--fix", manifest]);
    expect(await fixed.exited).toBe(0);
    expect(statSync(incr).size).toBe(whole);
    const { connection } = await bunredis(dir, ["--appendonly", "yes", "--aof-load-truncated", "no"]);
    expect(await connection.call("GET", "kept")).toBe("$1\r\n1\r\n");
  });

  test("a transaction cut off before its EXEC is dropped whole", async () => {
    const dir = tempDir();
    const first = await bunredis(dir, ["--appendonly", "yes"]);
    await first.connection.call("SET", "before", "1");
    await crash(first.server);
    const incr = join(dir, "appendonlydir", "appendonly.aof.1.incr.aof");
    appendFileSync(incr, "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1\r\n1\r\n");
    const { connection } = await bunredis(dir, ["--appendonly", "yes"]);
    expect(await connection.call("GET", "before")).toBe("$1\r\n1\r\n");
    expect(await connection.call("EXISTS", "half")).toBe(":0\r\n");
  });

  test("20 crashes under load with appendfsync always: acknowledged writes are there, transactions all or nothing", async () => {
    const dir = tempDir();
    const clients = 20;
    const acknowledged = new Array<number>(clients).fill(0);
    let random = 12345;
    const next = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 20; round++) {
      const { server, connection, port } = await bunredis(dir, ["--appendonly", "yes", "--appendfsync", "always"]);
      // What was acknowledged before the last crash is there (a write may also have landed
      // without its acknowledgement reaching the client: at most one more).
      for (let i = 0; i < clients; i++) {
        const raw = await connection.call("GET", `counter:${i}`);
        const value = Number(raw.split("\r\n")[1] ?? 0);
        expect(value).toBeGreaterThanOrEqual(acknowledged[i]!);
        expect(value).toBeLessThanOrEqual(acknowledged[i]! + 1);
        acknowledged[i] = value;
        const pair = [await connection.call("GET", `pair:${i}:a`), await connection.call("GET", `pair:${i}:b`)];
        expect(pair[0]).toBe(pair[1]!);
      }
      const workers = await Promise.all(Array.from({ length: clients }, () => RespConnection.open(port)));
      connections.push(...workers);
      let stop = false;
      const loads = workers.map(async (worker, i) => {
        while (!stop) {
          try {
            const reply = await worker.call("INCR", `counter:${i}`);
            // Only a whole integer reply is an acknowledgement (the crash may cut one short).
            if (!/^:\d+\r\n$/.test(reply)) return;
            acknowledged[i] = Number(reply.slice(1, -2));
            await worker.call("MULTI");
            await worker.call("INCR", `pair:${i}:a`);
            await worker.call("INCR", `pair:${i}:b`);
            await worker.call("EXEC");
          } catch {
            return;
          }
        }
      });
      // Crash at a random moment once some writes are flowing.
      await until(async () => acknowledged.reduce((a, b) => a + b, 0) > round * 40 + 20);
      await Bun.sleep(Math.floor(next() * 50));
      stop = true;
      await crash(server);
      await Promise.all(loads);
    }
  }, 120_000);
});

describe("RDB", () => {
  test("SAVE and restart; redis-server loads the file alike, and bunredis loads redis-server's", async () => {
    const dir = tempDir();
    const first = await bunredis(dir);
    await workload(first.connection);
    expect(await first.connection.call("SAVE")).toBe("+OK\r\n");
    const checked = spawnServer(["check-rdb", join(dir, "dump.rdb")]);
    expect(await checked.exited).toBe(0);
    expect(checked.text()).toContain("RDB looks OK");
    const before = await dumpAll(first.connection);
    await crash(first.server);
    const second = await bunredis(dir);
    expect(await dumpAll(second.connection)).toEqual(before);
    expect(second.server.text()).toMatch(/DB loaded from disk: [\d.]+ seconds \(\d+ keys\)/);
    const loaded = await dumpAll(second.connection, true);
    await crash(second.server);
    if (!HAVE_REDIS) return;

    // Both loaded the same file: encodings included.
    const oracle = await redis(dir, ["--enable-debug-command", "yes"]);
    expect(await dumpAll(oracle, true)).toEqual(loaded);
    await oracle.call("SET", "written-by", "redis");
    expect(await oracle.call("SAVE")).toBe("+OK\r\n");
    const third = await bunredis(dir);
    expect(await oracle.call("DEBUG", "RELOAD")).toBe("+OK\r\n");
    expect(await dumpAll(third.connection, true)).toEqual(await dumpAll(oracle, true));
  });

  test("BGSAVE saves the dataset as of the command, whatever writes follow it", async () => {
    const dir = tempDir();
    const { server, connection } = await bunredis(dir);
    for (let i = 0; i < 3; i++) {
      const args = ["MSET"];
      for (let j = 0; j < 1000; j++) args.push(`key:${i * 1000 + j}`, `value:${i * 1000 + j}`);
      await connection.call(...args);
    }
    await connection.call("RPUSH", "list", "a", "b");
    const before = await dumpAll(connection);
    // The writes are sent with the BGSAVE in one go: they run right after it starts, before the
    // walk's first slice, so each must hand its key's old state to the snapshot first.
    const writes = ["*1\r\n$6\r\nBGSAVE\r\n"];
    for (let i = 0; i < 3000; i += 7) writes.push(`*3\r\n$3\r\nSET\r\n$${`key:${i}`.length}\r\nkey:${i}\r\n$7\r\nchanged\r\n`, `*2\r\n$3\r\nDEL\r\n$${`key:${i + 1}`.length}\r\nkey:${i + 1}\r\n`);
    writes.push("*3\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n$1\r\nc\r\n", "*3\r\n$3\r\nSET\r\n$3\r\nnew\r\n$1\r\n1\r\n");
    connection.sendRaw(writes.join(""));
    expect(await connection.read()).toBe("+Background saving started\r\n");
    for (let i = 1; i < writes.length; i++) await connection.read();
    await until(async () => (await connection.call("INFO", "persistence")).includes("rdb_bgsave_in_progress:0"));
    expect(await connection.call("INFO", "persistence")).toContain("rdb_last_bgsave_status:ok");
    await crash(server);
    const reloaded = await bunredis(dir);
    expect(await dumpAll(reloaded.connection)).toEqual(before);
  });

  test("a corrupt RDB file stops start-up with its name, the offset and the reason", async () => {
    const dir = tempDir();
    const first = await bunredis(dir);
    await workload(first.connection);
    await first.connection.call("SAVE");
    await crash(first.server);
    const path = join(dir, "dump.rdb");
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(path, bytes);
    const refused = spawnServer(["--port", "0", "--dir", dir, "--save", "", "--log-dir", ""], { cwd: dir });
    expect(await refused.exited).toBe(1);
    expect(refused.text()).toMatch(/Bad RDB file .*dump\.rdb at offset \d+: /);
    const checked = spawnServer(["check-rdb", path]);
    expect(await checked.exited).toBe(1);
    expect(checked.text()).toMatch(/RDB ERROR DETECTED[\s\S]*\[offset \d+\]/);
    // The file is left as it was: nothing saved over it.
    expect(readFileSync(path)).toEqual(bytes);
  });

  test("shutdown saves with save points, SHUTDOWN NOSAVE does not, SHUTDOWN SAVE does without them", async () => {
    const dir = tempDir();
    const withPoints = await bunredis(dir, ["--save", "3600 1"]);
    await withPoints.connection.call("SET", "k", "1");
    withPoints.server.kill("SIGTERM");
    expect(await withPoints.server.exited).toBe(0);
    running.splice(running.indexOf(withPoints.server), 1);
    expect(existsSync(join(dir, "dump.rdb"))).toBe(true);

    const again = await bunredis(dir);
    expect(await again.connection.call("GET", "k")).toBe("$1\r\n1\r\n");
    await again.connection.call("SET", "k", "2");
    again.connection.sendRaw("*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n");
    expect(await again.server.exited).toBe(0);
    running.splice(running.indexOf(again.server), 1);

    const third = await bunredis(dir);
    expect(await third.connection.call("GET", "k")).toBe("$1\r\n1\r\n");
    await third.connection.call("SET", "k", "3");
    third.connection.sendRaw("*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n");
    expect(await third.server.exited).toBe(0);
    running.splice(running.indexOf(third.server), 1);
    const fourth = await bunredis(dir);
    expect(await fourth.connection.call("GET", "k")).toBe("$1\r\n3\r\n");
  });
});

/** Polls `check` (a server's INFO, say) until true; fails after 20 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in 20 s");
    await Bun.sleep(10);
  }
}
