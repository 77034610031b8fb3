/**
 * CLIENT, MONITOR and the `timeout` setting: replies compared with redis-server byte for byte (CLIENT
 * LIST/INFO by shape: same fields in the same order, well-formed values), then what only real
 * connections show (KILL, PAUSE, MONITOR, REPLY OFF/SKIP) run as the same scenario against both
 * servers, then bunredis-only behaviour (SETINFO and NO-TOUCH are Redis 7.2's, idle timeout with
 * an injected clock, ioredis and node-redis).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import IORedis from "ioredis";
import { createClient } from "redis";
import { startServer, type RunningServer } from "../../../src/lib.ts";
import { useDifferential } from "../../helpers/differential.ts";
import { tempDir } from "../../helpers/process.ts";
import { encodeCommand, RespConnection } from "../../helpers/resp.ts";
import { join } from "node:path";

const d = useDifferential();

/** CLIENT LIST fields whose values are figures of the server's own (ids, times, memory). */
const FIGURES = new Set(["id", "fd", "age", "idle", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem"]);
const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]):\d{1,5}$/;

/** The text of a bulk (`$`) or verbatim (`=`, `txt:`) reply, with its type. */
function textOf(reply: string): [type: string, text: string] {
  const body = reply.slice(reply.indexOf("\r\n") + 2, -2);
  return reply.startsWith("=") ? ["=txt", body.slice(4)] : [reply[0]!, body];
}

/**
 * A CLIENT LIST/INFO reply reduced to its shape: its type, and each line's `key=value` fields with
 * figures and addresses replaced by `#` and `ADDR` when (and only when) they are well-formed.
 */
function shape(reply: string): string {
  const [type, text] = textOf(reply);
  const lines = text.split("\n");
  expect(lines.pop()).toBe(""); // every line ends with \n
  const shaped = lines.map((line) =>
    line
      .split(" ")
      .map((field) => {
        const at = field.indexOf("=");
        const key = field.slice(0, at);
        const value = field.slice(at + 1);
        if (FIGURES.has(key) && /^\d+$/.test(value)) return `${key}=#`;
        if ((key === "addr" || key === "laddr") && ADDRESS.test(value)) return `${key}=ADDR`;
        return field;
      })
      .join(" "),
  );
  return `${type} ${shaped.join("\n")}`;
}

/** A field of a CLIENT LIST/INFO line. */
function field(reply: string, key: string): string {
  const match = textOf(reply)[1].match(new RegExp(`(?:^| )${key}=([^ \\n]*)`));
  if (!match) throw new Error(`no ${key}= in ${reply}`);
  return match[1]!;
}

/** The lines of a CLIENT LIST reply that describe client `id`. */
function lineOf(reply: string, id: string): string {
  return textOf(reply)[1].split("\n").filter((line) => line.startsWith(`id=${id} `)).join("\n");
}

const integer = (reply: string) => reply.slice(1, -2);

/**
 * Sends `commands` in one write, then an ECHO marker, and returns everything that came back before
 * the marker's reply (so commands that reply nothing can be tested without waiting).
 */
async function pipeline(connection: RespConnection, commands: string[][]): Promise<string> {
  connection.sendRaw(Buffer.concat([...commands, ["ECHO", "__end__"]].map(encodeCommand)));
  let out = "";
  for (;;) {
    const reply = await connection.read();
    if (reply === "$7\r\n__end__\r\n" || reply === "<closed>") return out;
    out += reply;
  }
}

/** Runs a scenario against redis-server and bunredis (fresh connections to `port`) and compares transcripts. */
async function sameOnBoth(scenario: (port: number) => Promise<string[]>): Promise<void> {
  if (d.skip) return;
  const [fromRedis, fromBunredis] = await Promise.all([scenario(d.redisPort), scenario(d.bunredisPort)]);
  expect(fromBunredis).toEqual(fromRedis);
}

/** Opens a connection and records it for closing at the end of the test. */
async function open(port: number, opened: RespConnection[], protocol: 2 | 3 = 2): Promise<RespConnection> {
  const connection = await RespConnection.open(port);
  opened.push(connection);
  if (protocol === 3) await connection.call("HELLO", "3");
  return connection;
}

describe("CLIENT replies match redis-server byte for byte", () => {
  test("ID, SETNAME and GETNAME, with the name rules", async () => {
    await d.check([
      { args: ["CLIENT", "ID"], normalize: (reply) => reply.replace(/^:\d+/, ":#") },
      ["CLIENT", "GETNAME"],
      ["CLIENT", "SETNAME", "app-1~!"],
      ["client", "getname"],
      ["CLIENT", "SETNAME", "a b"],
      ["CLIENT", "SETNAME", "a\nb"],
      ["CLIENT", "SETNAME", "a\r\n"],
      ["CLIENT", "SETNAME", "\x00"],
      ["CLIENT", "SETNAME", "\xff"],
      ["CLIENT", "SETNAME", "\x7f"],
      ["CLIENT", "GETNAME"],
      ["CLIENT", "SETNAME", ""],
      ["CLIENT", "GETNAME"],
      ["CLIENT", "SETNAME"],
      ["CLIENT", "SETNAME", "a", "b"],
      ["CLIENT", "GETNAME", "x"],
      ["CLIENT", "ID", "x"],
      ["CLIENT", "INFO", "x"],
    ]);
  });

  test("the container: arity, unknown subcommands, HELP", async () => {
    // SETINFO and NO-TOUCH are Redis 7.2's (7.0 calls them unknown): tested below, bunredis only.
    await d.check([["CLIENT"], ["CLIENT", "NOSUCH"], ["client", "x".repeat(300)], ["CLIENT", "HELP"], ["client", "help", "x"]]);
  });

  test("GETREDIR, TRACKINGINFO, CACHING, UNBLOCK (no tracking, no blocked clients)", async () => {
    await d.check([
      ["CLIENT", "GETREDIR"],
      ["CLIENT", "GETREDIR", "x"],
      ["CLIENT", "TRACKINGINFO"],
      ["CLIENT", "CACHING", "yes"],
      ["CLIENT", "CACHING", "foo"],
      ["CLIENT", "CACHING"],
      ["CLIENT", "UNBLOCK", "1"],
      ["CLIENT", "UNBLOCK", "-5"],
      ["CLIENT", "UNBLOCK", "1", "TIMEOUT"],
      ["CLIENT", "UNBLOCK", "1", "error"],
      ["CLIENT", "UNBLOCK", "1", "foo"],
      ["CLIENT", "UNBLOCK", "x", "foo"],
      ["CLIENT", "UNBLOCK", "x"],
      ["CLIENT", "UNBLOCK", "9223372036854775808"],
      ["CLIENT", "UNBLOCK", "1", "timeout", "x"],
      ["CLIENT", "UNBLOCK"],
    ]);
  });

  test("LIST filters and their errors", async () => {
    await d.check([
      ["CLIENT", "LIST", "TYPE"],
      ["CLIENT", "LIST", "TYPE", "foo"],
      ["CLIENT", "LIST", "TYPE", "master"],
      ["CLIENT", "LIST", "type", "REPLICA"],
      ["CLIENT", "LIST", "TYPE", "slave"],
      ["CLIENT", "LIST", "TYPE", "pubsub"],
      ["CLIENT", "LIST", "ID"],
      ["CLIENT", "LIST", "ID", "x"],
      ["CLIENT", "LIST", "ID", "1", "x"],
      ["CLIENT", "LIST", "ID", "1.5"],
      ["CLIENT", "LIST", "ID", "0", "-1", "99999", "9223372036854775807"],
      ["CLIENT", "LIST", "ID", "99999", "TYPE", "normal"],
      ["CLIENT", "LIST", "TYPE", "normal", "ID", "1"],
      ["CLIENT", "LIST", "TYPE", "normal", "TYPE", "pubsub"],
      ["CLIENT", "LIST", "foo"],
      ["CLIENT", "LIST", "foo", "bar"],
    ]);
  });

  test("KILL's argument errors and filters that match nobody", async () => {
    await d.check([
      ["CLIENT", "KILL"],
      ["CLIENT", "KILL", "1.2.3.4:5"],
      ["CLIENT", "KILL", "id"],
      ["CLIENT", "KILL", "ID", "x"],
      ["CLIENT", "KILL", "ID", "0"],
      ["CLIENT", "KILL", "ID", "-1"],
      ["CLIENT", "KILL", "ID", "9223372036854775808"],
      ["CLIENT", "KILL", "ID", "99999"],
      ["CLIENT", "KILL", "ID", "1", "ID"],
      ["CLIENT", "KILL", "ADDR", "1.2.3.4:5"],
      ["CLIENT", "KILL", "LADDR", "1.2.3.4:5"],
      ["CLIENT", "KILL", "TYPE", "foo"],
      ["CLIENT", "KILL", "TYPE", "master"],
      ["CLIENT", "KILL", "TYPE", "replica"],
      ["CLIENT", "KILL", "type", "slave"],
      ["CLIENT", "KILL", "TYPE", "pubsub"],
      ["CLIENT", "KILL", "USER", "nouser"],
      ["CLIENT", "KILL", "USER", "Default"],
      ["CLIENT", "KILL", "SKIPME", "maybe"],
      ["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "SKIPME", "no"],
      ["CLIENT", "KILL", "MAXAGE", "1"],
      ["CLIENT", "KILL", "foo", "bar"],
      ["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "ID", "x"],
      ["CLIENT", "KILL", "ID", "99999", "TYPE", "foo"],
    ]);
  });

  test("PAUSE and UNPAUSE argument errors", async () => {
    await d.check([
      ["CLIENT", "PAUSE"],
      ["CLIENT", "PAUSE", "x"],
      ["CLIENT", "PAUSE", "-1"],
      ["CLIENT", "PAUSE", "1.5"],
      ["CLIENT", "PAUSE", "9223372036854775808"],
      ["CLIENT", "PAUSE", "x", "foo"],
      ["CLIENT", "PAUSE", "-1", "all"],
      ["CLIENT", "PAUSE", "0", "foo"],
      ["CLIENT", "PAUSE", "10", "all", "x"],
      ["CLIENT", "Pause", "10", "all", "x"],
      ["CLIENT", "UNPAUSE", "x"],
      ["CLIENT", "UNPAUSE"],
    ]);
  });

  test("REPLY and NO-EVICT argument handling", async () => {
    await d.check([
      ["CLIENT", "REPLY"],
      ["CLIENT", "REPLY", "foo"],
      ["CLIENT", "REPLY", "on", "x"],
      ["CLIENT", "REPLY", "ON"],
      ["CLIENT", "NO-EVICT"],
      ["CLIENT", "NO-EVICT", "foo"],
      ["CLIENT", "NO-EVICT", "on"],
      ["CLIENT", "NO-EVICT", "OFF"],
      ["CLIENT", "NO-EVICT", "on", "x"],
    ]);
  });

  test("MONITOR's arity", async () => {
    await d.check([["MONITOR", "x"]]);
  });

  for (const protocol of [2, 3] as const) {
    test(`INFO and LIST have Redis 7.0's fields in Redis's order (RESP${protocol})`, async () => {
      if (d.skip) return;
      const [redis, bunredis] = await d.connect(protocol);
      const both = async (...args: string[]) => Promise.all([redis.call(...args), bunredis.call(...args)]);
      const sameShape = ([fromRedis, fromBunredis]: string[]) => expect(shape(fromBunredis!)).toBe(shape(fromRedis!));

      sameShape(await both("CLIENT", "INFO"));
      await both("CLIENT", "SETNAME", "shape-test");
      await both("SELECT", "3");
      sameShape(await both("CLIENT", "INFO"));
      await both("CLIENT", "NO-EVICT", "on");
      const [redisId, bunredisId] = (await both("CLIENT", "ID")).map(integer);
      const [ownRedis, ownBunredis] = await Promise.all([redis.call("CLIENT", "LIST", "ID", redisId!), bunredis.call("CLIENT", "LIST", "ID", bunredisId!)]);
      sameShape([ownRedis!, ownBunredis!]);
      expect(field(ownBunredis!, "flags")).toBe("e");
      expect(field(ownBunredis!, "cmd")).toBe("client|list");
      expect(field(ownBunredis!, "db")).toBe("3");
      expect(field(ownBunredis!, "argv-mem")).toBe(String("CLIENTLISTID".length + bunredisId!.length));
      // In a full list (other clients too) this client's line has the same shape.
      const [allRedis, allBunredis] = await both("CLIENT", "LIST");
      expect(lineOf(allBunredis!, bunredisId!).replace(/[\d.]+:\d+/g, "ADDR").replace(/=\d+/g, "=#")).toBe(
        lineOf(allRedis!, redisId!).replace(/[\d.]+:\d+/g, "ADDR").replace(/=\d+/g, "=#"),
      );
      const [typedRedis, typedBunredis] = await both("CLIENT", "LIST", "TYPE", "normal");
      expect(lineOf(typedBunredis!, bunredisId!)).not.toBe("");
      expect(lineOf(typedRedis!, redisId!)).not.toBe("");
      await both("CLIENT", "NO-EVICT", "off");
      sameShape(await both("CLIENT", "INFO"));
    });
  }
});

describe("CLIENT REPLY OFF|SKIP|ON (pipelined, against both servers)", () => {
  for (const protocol of [2, 3] as const) {
    test(`replies are dropped exactly as redis-server drops them (RESP${protocol})`, async () => {
      await sameOnBoth(async (port) => {
        const opened: RespConnection[] = [];
        const connection = await open(port, opened, protocol);
        const transcript = [
          await pipeline(connection, [
            ["CLIENT", "REPLY", "OFF"],
            ["PING"],
            ["CLIENT", "REPLY", "SKIP"],
            ["CLIENT", "REPLY", "ON"],
            ["PING", "1"],
            ["CLIENT", "REPLY", "SKIP"],
            ["PING", "2"],
            ["PING", "3"],
            ["CLIENT", "REPLY", "SKIP"],
            ["CLIENT", "REPLY", "SKIP"],
            ["PING", "4"],
            ["PING", "5"],
            ["CLIENT", "REPLY", "SKIP"],
            ["NOSUCH"],
            ["PING", "6"],
            ["CLIENT", "REPLY", "SKIP"],
            ["CLIENT", "REPLY", "ON"],
            ["CLIENT", "REPLY", "OFF"],
            ["CLIENT", "REPLY", "foo"],
            ["ECHO"],
            ["RESET"],
            ["PING", "7"],
            ["CLIENT", "REPLY", "SKIP"],
            ["RESET"],
            ["PING", "8"],
          ]),
        ];
        for (const connection of opened) connection.close();
        return transcript;
      });
    });
  }
});

describe("CLIENT KILL with real connections (same scenario against both servers)", () => {
  test("old form by address: OK, the client closes, then No such client; killing yourself replies first", async () => {
    await sameOnBoth(async (port) => {
      const opened: RespConnection[] = [];
      const me = await open(port, opened);
      const other = await open(port, opened);
      const otherAddress = field(await other.call("CLIENT", "INFO"), "addr");
      const transcript = [await me.call("CLIENT", "KILL", otherAddress)];
      await other.untilClosed();
      transcript.push(await me.call("CLIENT", "KILL", otherAddress));
      const myAddress = field(await me.call("CLIENT", "INFO"), "addr");
      transcript.push(await me.call("CLIENT", "KILL", myAddress), await me.read());
      for (const connection of opened) connection.close();
      return transcript;
    });
  });

  test("new form by ID and ADDR: the count; the killed client is gone from CLIENT LIST at once", async () => {
    await sameOnBoth(async (port) => {
      const opened: RespConnection[] = [];
      const me = await open(port, opened);
      const [first, second] = [await open(port, opened), await open(port, opened)];
      const firstId = integer(await first.call("CLIENT", "ID"));
      const secondAddress = field(await second.call("CLIENT", "INFO"), "addr");
      const transcript = [
        await pipeline(me, [
          ["CLIENT", "KILL", "ID", firstId],
          ["CLIENT", "LIST", "ID", firstId],
          ["CLIENT", "KILL", "ID", firstId],
        ]),
        await pipeline(me, [
          ["CLIENT", "KILL", "ADDR", secondAddress, "SKIPME", "yes"],
          ["CLIENT", "KILL", "addr", secondAddress],
        ]),
      ];
      await Promise.all([first.untilClosed(), second.untilClosed()]);
      for (const connection of opened) connection.close();
      return transcript;
    });
  });

  test("SKIPME: yes (the default) spares the caller, no kills it after its reply", async () => {
    await sameOnBoth(async (port) => {
      const opened: RespConnection[] = [];
      const me = await open(port, opened);
      const myId = integer(await me.call("CLIENT", "ID"));
      const transcript = [
        await me.call("CLIENT", "KILL", "ID", myId),
        await me.call("CLIENT", "KILL", "ID", myId, "SKIPME", "YES"),
        await pipeline(me, [
          ["CLIENT", "KILL", "ID", myId, "SKIPME", "no"],
          ["PING"],
        ]),
      ];
      await me.untilClosed();
      for (const connection of opened) connection.close();
      return transcript;
    });
  });
});

describe("CLIENT PAUSE with real connections (same scenario against both servers)", () => {
  /** Re-asks CLIENT LIST until client `id` is held by the pause (each ask is one round trip). */
  async function untilHeld(asker: RespConnection, id: string): Promise<string> {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const line = await asker.call("CLIENT", "LIST", "ID", id);
      if (field(line, "flags").includes("b")) return line;
    }
    throw new Error(`client ${id} was never held`);
  }

  test("WRITE holds writes (and everything the client sent after) until UNPAUSE; reads go on", async () => {
    await sameOnBoth(async (port) => {
      const opened: RespConnection[] = [];
      const [admin, writer, reader] = [await open(port, opened), await open(port, opened), await open(port, opened)];
      const writerId = integer(await writer.call("CLIENT", "ID"));
      const transcript = [await admin.call("CLIENT", "PAUSE", "30000", "WRITE")];
      writer.sendRaw(Buffer.concat([["PING", "before"], ["FLUSHDB"], ["PING", "after"]].map(encodeCommand)));
      transcript.push(await writer.read()); // the PING before the write is answered at once
      transcript.push(await reader.call("DBSIZE"), await reader.call("PING"));
      const held = await untilHeld(admin, writerId);
      transcript.push(`flags=${field(held, "flags")} cmd=${field(held, "cmd")}`);
      // A shorter pause does not shorten the one in effect.
      transcript.push(await admin.call("CLIENT", "PAUSE", "0", "WRITE"));
      transcript.push(`flags=${field(await admin.call("CLIENT", "LIST", "ID", writerId), "flags")}`);
      transcript.push(await admin.call("CLIENT", "UNPAUSE"));
      transcript.push(await writer.read(), await writer.read());
      transcript.push(`flags=${field(await admin.call("CLIENT", "LIST", "ID", writerId), "flags")}`);
      for (const connection of opened) connection.close();
      return transcript;
    });
  });

  test("ALL holds every command of every client, the pauser's too, until the timeout", async () => {
    await sameOnBoth(async (port) => {
      const opened: RespConnection[] = [];
      const [admin, other] = [await open(port, opened), await open(port, opened, 3)];
      const transcript = [await admin.call("CLIENT", "PAUSE", "300")];
      const start = performance.now();
      // UNPAUSE is held as well: an ALL pause ends only when its time is up.
      const [fromOther, fromAdmin] = await Promise.all([other.call("PING"), pipeline(admin, [["CLIENT", "UNPAUSE"], ["ECHO", "x"]])]);
      const waited = performance.now() - start;
      transcript.push(fromOther, fromAdmin, waited >= 250 ? "waited" : `only ${Math.round(waited)} ms`);
      for (const connection of opened) connection.close();
      return transcript;
    });
  });

  test("a held client that disconnects is dropped; the others resume in order", async () => {
    await sameOnBoth(async (port) => {
      const opened: RespConnection[] = [];
      const [admin, quitter, first, second] = [await open(port, opened), await open(port, opened), await open(port, opened), await open(port, opened)];
      const ids = await Promise.all([quitter, first, second].map(async (connection) => integer(await connection.call("CLIENT", "ID"))));
      await admin.call("CLIENT", "PAUSE", "30000", "WRITE");
      quitter.sendRaw(encodeCommand(["FLUSHDB"]));
      await untilHeld(admin, ids[0]!);
      first.sendRaw(encodeCommand(["FLUSHDB"]));
      await untilHeld(admin, ids[1]!);
      second.sendRaw(encodeCommand(["FLUSHALL"]));
      await untilHeld(admin, ids[2]!);
      quitter.close();
      const transcript = [await admin.call("CLIENT", "UNPAUSE")];
      transcript.push(...(await Promise.all([first.read(), second.read()])));
      transcript.push(await admin.call("PING"));
      for (const connection of opened) connection.close();
      return transcript;
    });
  });
});

describe("MONITOR (same scenario against both servers)", () => {
  /** A MONITOR line with its time and client address blanked. */
  const blank = (line: string) => line.replace(/^\+\d{10}\.\d{6} \[(\d+) \d+\.\d+\.\d+\.\d+:\d+\]/, "+TIME [$1 ADDR]");

  for (const protocol of [2, 3] as const) {
    test(`every command others run, as it runs; AUTH redacted; admin and rejected commands not shown (RESP${protocol})`, async () => {
      await sameOnBoth(async (port) => {
        const opened: RespConnection[] = [];
        const monitor = await open(port, opened, protocol);
        const transcript = [await monitor.call("MONITOR")];
        const client = await open(port, opened);
        for (const args of [
          ["AUTH", "secret"],
          ["AUTH", "user", "secret"],
          ["AUTH", "a", "b", "c"],
          ["HELLO", "2", "AUTH", "default", "secret"],
          ["HELLO", "2", "AUTH", "default", "secret", "BADOPTION"],
          ["HELLO", "4", "AUTH", "default", "secret"],
          ["HELLO", "2", "SETNAME", "named"],
          ["ECHO", 'x\x00\xff\r\n"\\ y\x07\x08\t\x7f'],
          ["NOSUCH", "a"],
          ["ECHO"],
          ["SELECT", "3"],
          ["ping"],
          ["CLIENT", "ID"],
          ["CLIENT", "SETNAME", "bad name"],
          ["CLIENT", "GETNAME"],
          ["CLIENT", "LIST"],
          ["CLIENT", "KILL", "ID", "99999"],
          ["CLIENT", "NOSUCH"],
          ["MONITOR", "x"],
          ["DBSIZE"],
          ["FLUSHDB"],
          ["SHUTDOWN", "ABORT"],
          ["QUIT", "x"],
        ]) {
          await client.call(...args);
        }
        const marker = await open(port, opened);
        await marker.call("ECHO", "__end__");
        for (;;) {
          const line = await monitor.read();
          if (line.includes("__end__")) break;
          transcript.push(blank(line));
        }
        // The monitor's own commands: the reply, then the line. A second MONITOR is ignored
        // without a reply; RESET ends monitoring.
        transcript.push(await pipeline(monitor, [["PING", "own"], ["MONITOR"], ["RESET"]]).then((text) => text.replace(/\+\d{10}\.\d{6} \[0 [\d.:]+\]/g, "+TIME [0 ADDR]")));
        await marker.call("ECHO", "not seen");
        transcript.push(await monitor.call("PING"));
        for (const connection of opened) connection.close();
        return transcript;
      });
    });
  }

  test("lines are well-formed: seconds and microseconds", async () => {
    if (d.skip) return;
    const opened: RespConnection[] = [];
    const monitor = await open(d.bunredisPort, opened);
    await monitor.call("MONITOR");
    const client = await open(d.bunredisPort, opened);
    await client.call("PING");
    const line = await monitor.read();
    expect(line).toMatch(/^\+\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] "PING"\r\n$/);
    const seconds = Number(line.slice(1, 11));
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(60);
    for (const connection of opened) connection.close();
  });
});

describe("bunredis only", () => {
  let server: RunningServer;
  let now = Date.now();
  const opened: RespConnection[] = [];
  beforeAll(async () => {
    server = await startServer({ timeout: 1, clock: { now: () => now } });
  });
  afterAll(async () => {
    for (const connection of opened) connection.close();
    await server.close();
  });

  test("CLIENT SETINFO (Redis 7.2): validation, then lib-name/lib-ver on the CLIENT LIST/INFO line", async () => {
    const connection = await open(server.port, opened);
    const before = await connection.call("CLIENT", "INFO");
    expect(textOf(before)[1]).not.toContain("lib-name");
    expect(await connection.call("CLIENT", "SETINFO", "LIB-NAME", "mylib(tag_v1.0)")).toBe("+OK\r\n");
    expect(await connection.call("client", "setinfo", "lib-ver", "1.2.3")).toBe("+OK\r\n");
    expect(await connection.call("CLIENT", "SETINFO", "lib-colour", "x")).toBe("-ERR Unrecognized option 'lib-colour'\r\n");
    expect(await connection.call("CLIENT", "SETINFO", "Lib-Name", "a b")).toBe("-ERR Lib-Name cannot contain spaces, newlines or special characters.\r\n");
    expect(await connection.call("CLIENT", "SETINFO", "lib-ver", "\xff")).toBe("-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n");
    expect(await connection.call("CLIENT", "SETINFO", "lib-ver")).toBe("-ERR wrong number of arguments for 'client|setinfo' command\r\n");
    expect(await connection.call("CLIENT", "SETINFO", "lib-ver", "1", "2")).toBe("-ERR wrong number of arguments for 'client|setinfo' command\r\n");
    const info = textOf(await connection.call("CLIENT", "INFO"))[1];
    expect(info).toEndWith(" resp=2 lib-name=mylib(tag_v1.0) lib-ver=1.2.3\n");
    const id = integer(await connection.call("CLIENT", "ID"));
    expect(lineOf(await connection.call("CLIENT", "LIST"), id)).toEndWith(" lib-name=mylib(tag_v1.0) lib-ver=1.2.3");
    // Not cleared by RESET; an empty value clears.
    await connection.call("RESET");
    expect(textOf(await connection.call("CLIENT", "INFO"))[1]).toContain(" lib-name=mylib(tag_v1.0) lib-ver=1.2.3\n");
    await connection.call("CLIENT", "SETINFO", "lib-name", "");
    expect(textOf(await connection.call("CLIENT", "INFO"))[1]).toContain(" lib-name= lib-ver=1.2.3\n");
  });

  test("CLIENT NO-TOUCH (Redis 7.2): ON|OFF, the T flag, cleared by RESET; NO-EVICT survives RESET (as in 7.0)", async () => {
    const connection = await open(server.port, opened);
    expect(await connection.call("CLIENT", "NO-TOUCH", "on")).toBe("+OK\r\n");
    expect(await connection.call("CLIENT", "NO-EVICT", "on")).toBe("+OK\r\n");
    expect(field(await connection.call("CLIENT", "INFO"), "flags")).toBe("eT");
    expect(await connection.call("CLIENT", "NO-TOUCH", "maybe")).toBe("-ERR syntax error\r\n");
    await connection.call("RESET");
    expect(field(await connection.call("CLIENT", "INFO"), "flags")).toBe("e");
    expect(await connection.call("CLIENT", "NO-TOUCH", "OFF")).toBe("+OK\r\n");
  });

  test("CLIENT KILL by LADDR, USER and TYPE kills every other client; the MONITOR flag and type", async () => {
    const killer = await RespConnection.open(server.port);
    opened.push(killer);
    const others = await Promise.all([0, 1, 2].map(() => open(server.port, opened)));
    await others[0]!.call("MONITOR");
    expect(field(await killer.call("CLIENT", "LIST", "ID", integer(await killer.call("CLIENT", "ID"))), "flags")).toBe("N");
    const monitorLine = (await killer.call("CLIENT", "LIST", "TYPE", "normal")).split("\n").find((line) => line.includes("cmd=monitor"));
    expect(monitorLine).toContain(" flags=O ");
    const laddr = field(await killer.call("CLIENT", "INFO"), "laddr");
    const live = Number(integer(await killer.call("CLIENT", "KILL", "LADDR", laddr)));
    expect(live).toBeGreaterThanOrEqual(3);
    await Promise.all(others.map((connection) => connection.untilClosed()));
    const more = await Promise.all([0, 1].map(() => open(server.port, opened)));
    expect(await killer.call("CLIENT", "KILL", "USER", "default")).toBe(":2\r\n");
    await Promise.all(more.map((connection) => connection.untilClosed()));
    const last = await open(server.port, opened);
    expect(await killer.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")).toBe(":1\r\n");
    await last.untilClosed();
    expect(killer.closed).toBe(false);
  });

  test("timeout: an idle client is closed by the cron; busy, monitoring and paused clients are not", async () => {
    const connect = () => open(server.port, opened);
    const [idle, busy, monitor, held, admin] = await Promise.all([connect(), connect(), connect(), connect(), connect()]);
    await Promise.all([idle, busy, monitor, admin].map((connection) => connection.call("PING")));
    const heldId = integer(await held.call("CLIENT", "ID"));
    await monitor.call("MONITOR");
    await admin.call("CLIENT", "PAUSE", "30000", "WRITE");
    held.sendRaw(encodeCommand(["FLUSHDB"]));
    while (field(await admin.call("CLIENT", "LIST", "ID", heldId), "flags") !== "b");
    // Time passes (the injected clock): idle for 0.6 s, then busy talks, then 0.6 s more.
    now += 600;
    await busy.call("PING");
    await admin.call("PING");
    now += 600;
    await idle.untilClosed();
    expect(await busy.call("PING")).toBe("+PONG\r\n");
    expect(field(await admin.call("CLIENT", "LIST", "ID", heldId), "flags")).toBe("b");
    expect(await admin.call("CLIENT", "UNPAUSE")).toBe("+OK\r\n");
    expect(await held.read()).toBe("+OK\r\n");
    expect(monitor.closed).toBe(false);
    expect(await monitor.read()).toMatch(/"PING"/);
  });

  test("unix socket clients: addr and laddr are <path>:0, the U flag, MONITOR shows unix:<path>, KILL ADDR", async () => {
    const path = join(tempDir(), "bunredis.sock");
    const unixServer = await startServer({ unixsocket: path });
    const monitor = await RespConnection.open(unixServer.port);
    const client = createClient({ socket: { path, tls: false, reconnectStrategy: false } });
    try {
      await monitor.call("MONITOR");
      await client.connect();
      const info = await client.clientInfo();
      expect([info.addr, info.laddr, info.flags]).toEqual([`${path}:0`, `${path}:0`, "U"]);
      await client.sendCommand(["ECHO", "over unix"]);
      for (;;) {
        const line = await monitor.read();
        expect(line).toContain(` [0 unix:${path}] `);
        if (line.includes('"over unix"')) break;
      }
      const killed = new Promise((resolve) => client.once("error", resolve));
      expect(await monitor.call("CLIENT", "KILL", "ADDR", `${path}:0`)).toBe(":1\r\n");
      await killed;
    } finally {
      if (client.isOpen) client.destroy();
      monitor.close();
      await unixServer.close();
    }
  });

  test("ioredis: connectionName, CLIENT SETNAME/GETNAME/LIST/INFO, and its CLIENT SETINFO on connect", async () => {
    const redis = new IORedis(server.port, "127.0.0.1", { connectionName: "io-app", lazyConnect: true, enableReadyCheck: false });
    await redis.connect();
    try {
      expect(await redis.client("GETNAME")).toBe("io-app");
      expect(await redis.client("SETNAME", "io-renamed")).toBe("OK");
      expect(await redis.client("GETNAME")).toBe("io-renamed");
      const id = await redis.client("ID");
      const list = (await redis.client("LIST")) as string;
      const line = list.split("\n").find((entry) => entry.startsWith(`id=${id} `))!;
      expect(line).toContain(" name=io-renamed ");
      expect(line).toContain(" lib-name=ioredis ");
      expect(line).toMatch(/ lib-ver=\d+\.\d+\.\d+/);
      expect((await redis.client("INFO")) as string).toContain(`id=${id} `);
      await expect(redis.client("SETNAME", "bad name")).rejects.toThrow("Client names cannot contain spaces");
    } finally {
      redis.disconnect();
    }
  });

  test("node-redis: CLIENT SETNAME/GETNAME/ID/INFO/LIST, and its CLIENT SETINFO on connect", async () => {
    const client = createClient({ url: `redis://127.0.0.1:${server.port}` });
    await client.connect();
    try {
      expect(await client.clientSetName("node-app")).toBe("OK");
      expect(await client.clientGetName()).toBe("node-app");
      const id = await client.clientId();
      const info = await client.clientInfo();
      expect(info.id).toBe(id);
      expect(info.name).toBe("node-app");
      expect(info.libName).toBe("node-redis");
      expect(info.libVer).toMatch(/^\d+\.\d+\.\d+/);
      expect(info.cmd).toBe("client|info");
      expect(info.resp).toBe(2);
      const list = await client.clientList();
      const mine = list.find((entry) => entry.id === id)!;
      expect(mine.name).toBe("node-app");
      expect(mine.libName).toBe("node-redis");
      expect(Number.isInteger(mine.totMem)).toBe(true);
    } finally {
      await client.close();
    }
  });
});
