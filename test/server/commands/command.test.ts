import { describe, expect, test } from "bun:test";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import { HAVE_REDIS } from "../../helpers/oracle.ts";
import type { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

/** A reply parsed with its exact bytes kept: RESP type, the raw text, and children for aggregates. */
interface Node {
  type: string;
  raw: string;
  /** Simple, bulk, verbatim, number: the text. */
  text?: string;
  /** Aggregates (maps as a flat key, value, ... list). */
  items?: Node[];
}

function parseAt(buf: string, at: { i: number }): Node {
  const start = at.i;
  const end = buf.indexOf("\r\n", at.i);
  const type = buf[at.i]!;
  const head = buf.slice(at.i + 1, end);
  at.i = end + 2;
  if (type === "$" || type === "=") {
    const length = Number(head);
    if (length < 0) return { type: "nil", raw: buf.slice(start, at.i) };
    const text = buf.slice(at.i, at.i + length);
    at.i += length + 2;
    return { type, raw: buf.slice(start, at.i), text };
  }
  if (type === "*" || type === "~" || type === "%") {
    const count = Number(head);
    if (count < 0) return { type: "nil", raw: buf.slice(start, at.i) };
    const items: Node[] = [];
    for (let k = 0; k < count * (type === "%" ? 2 : 1); k++) items.push(parseAt(buf, at));
    return { type, raw: buf.slice(start, at.i), items };
  }
  return { type: type === "_" ? "nil" : type, raw: buf.slice(start, at.i), text: head };
}

function parse(reply: string): Node {
  return parseAt(reply, { i: 0 });
}

/** An array reply's elements, sorted by their bytes (for replies whose order is Redis's hash order). */
const sortedElements: (reply: string) => string = (reply) => {
  const node = parse(reply);
  if (!node.items) return reply;
  return `${node.type}${node.items.length}|${node.items.map((item) => item.raw).sort().join("|")}`;
};

/** Every command and subcommand name bunredis registers now (COMMAND LIST is generated from the table). */
async function registeredNames(connection: RespConnection): Promise<string[]> {
  return parse(await connection.call("COMMAND", "LIST")).items!.map((item) => item.text!);
}

/**
 * The registered names Redis 7.0 also has. Commands from later Redis versions (CLIENT SETINFO
 * is 7.2) have nothing to be compared with: they are printed once, not failed.
 */
async function comparableNames(redis: RespConnection, bunredis: RespConnection): Promise<string[]> {
  const known = new Set(await registeredNames(redis));
  const names = await registeredNames(bunredis);
  const newer = names.filter((name) => !known.has(name));
  if (newer.length > 0) console.warn(`registered but not in Redis 7.0 (not compared): ${newer.join(", ")}`);
  return names.filter((name) => known.has(name));
}

/** The docs map of one COMMAND DOCS reply as name -> raw bytes, with `subcommands` split out. */
function docsFields(entry: Node): { fields: Map<string, string>; subcommands: Map<string, string> } {
  const fields = new Map<string, string>();
  const subcommands = new Map<string, string>();
  const items = entry.items!;
  for (let k = 0; k < items.length; k += 2) {
    const key = items[k]!.text!;
    if (key !== "subcommands") fields.set(key, items[k + 1]!.raw);
    else {
      const subs = items[k + 1]!.items!;
      for (let j = 0; j < subs.length; j += 2) subcommands.set(subs[j]!.text!, subs[j + 1]!.raw);
    }
  }
  return { fields, subcommands };
}

const INFO_FIELDS = ["name", "arity", "flags", "first key", "last key", "step", "ACL categories", "tips", "key specs"];

describe("COMMAND INFO and DOCS agree with redis-server for every registered command", () => {
  test.skipIf(!HAVE_REDIS)("COMMAND INFO: arity, flags, key positions, categories, tips, key specs", async () => {
    const mismatches: string[] = [];
    for (const protocol of [2, 3] as const) {
      const [redis, bunredis] = await d.connect(protocol);
      const names = await comparableNames(redis, bunredis);
      expect(names.length).toBeGreaterThan(20);
      for (const name of names) {
        const [expected, actual] = await Promise.all([redis.call("COMMAND", "INFO", name), bunredis.call("COMMAND", "INFO", name)]);
        const oracle = parse(expected).items![0]!;
        const ours = parse(actual).items![0]!;
        for (let field = 1; field < 9; field++) {
          const a = oracle.items![field]!.raw;
          const b = ours.items![field]!.raw;
          if (a !== b) mismatches.push(`RESP${protocol} ${name} ${INFO_FIELDS[field]}: redis ${JSON.stringify(a)} bunredis ${JSON.stringify(b)}`);
        }
        // Subcommands: every one registered here must be exactly Redis's entry.
        const redisSubs = new Map((oracle.items![9]!.items ?? []).map((sub) => [sub.items![0]!.text!, sub.raw]));
        for (const sub of ours.items![9]!.items ?? []) {
          const subName = sub.items![0]!.text!;
          if (redisSubs.has(subName) && redisSubs.get(subName) !== sub.raw) mismatches.push(`RESP${protocol} ${subName} (as a subcommand entry of ${name}): differs from Redis's`);
        }
        if (redisSubs.size === 0 && ours.items![9]!.raw !== oracle.items![9]!.raw) mismatches.push(`RESP${protocol} ${name} subcommands: ${JSON.stringify(oracle.items![9]!.raw)} vs ${JSON.stringify(ours.items![9]!.raw)}`);
      }
    }
    if (mismatches.length > 0) throw new Error(`COMMAND INFO differs from redis-server 7.0.15 for ${mismatches.length} field(s):\n  ${mismatches.join("\n  ")}`);
  }, 60_000);

  test.skipIf(!HAVE_REDIS)("COMMAND DOCS is byte-identical (subcommands: those registered, in any order)", async () => {
    const mismatches: string[] = [];
    for (const protocol of [2, 3] as const) {
      const [redis, bunredis] = await d.connect(protocol);
      for (const name of await comparableNames(redis, bunredis)) {
        const [expected, actual] = await Promise.all([redis.call("COMMAND", "DOCS", name), bunredis.call("COMMAND", "DOCS", name)]);
        if (expected === actual) continue;
        const oracle = parse(expected).items!;
        const ours = parse(actual).items!;
        if (oracle.length !== 2 || ours.length !== 2 || oracle[0]!.raw !== ours[0]!.raw) {
          mismatches.push(`RESP${protocol} ${name}: ${JSON.stringify(expected.slice(0, 120))} vs ${JSON.stringify(actual.slice(0, 120))}`);
          continue;
        }
        const a = docsFields(oracle[1]!);
        const b = docsFields(ours[1]!);
        if ([...a.fields].join() !== [...b.fields].join()) mismatches.push(`RESP${protocol} ${name}: documentation fields differ`);
        for (const [sub, raw] of b.subcommands) if (a.subcommands.has(sub) && a.subcommands.get(sub) !== raw) mismatches.push(`RESP${protocol} ${name}: subcommand ${sub} differs`);
      }
    }
    if (mismatches.length > 0) throw new Error(`COMMAND DOCS differs from redis-server 7.0.15:\n  ${mismatches.join("\n  ")}`);
  }, 60_000);

  test.skipIf(!HAVE_REDIS)("COMMAND GETKEYS and GETKEYSANDFLAGS find the same keys as Redis for every registered command", async () => {
    const mismatches: string[] = [];
    const [redis, bunredis] = await d.connect(3);
    for (const name of await comparableNames(redis, bunredis)) {
      const info = parse(await bunredis.call("COMMAND", "INFO", name)).items![0]!;
      const arity = Number(info.items![1]!.text);
      const words = name.split("|");
      const count = Math.abs(arity);
      // Calls of the minimum size and a little longer, with words and with numbers (numkeys).
      for (const extra of arity < 0 ? [0, 1, 2, 3] : [0]) {
        for (const style of ["word", "number"]) {
          const args = [...words];
          for (let i = args.length; i < count + extra; i++) args.push(style === "word" ? `a${i}` : String(i % 3 === 0 ? 2 : i));
          for (const sub of ["GETKEYS", "GETKEYSANDFLAGS"]) {
            const [expected, actual] = await Promise.all([redis.call("COMMAND", sub, ...args), bunredis.call("COMMAND", sub, ...args)]);
            if (expected !== actual) mismatches.push(`COMMAND ${sub} ${args.join(" ")}: redis ${JSON.stringify(expected)} bunredis ${JSON.stringify(actual)}`);
          }
        }
      }
    }
    if (mismatches.length > 0) throw new Error(`key extraction differs from redis-server:\n  ${mismatches.join("\n  ")}`);
  }, 60_000);
});

describe("COMMAND subcommands match redis-server byte for byte", () => {
  test("COMMAND INFO of known, unknown and sub- commands; COMMAND DOCS", async () => {
    await d.check([
      ["COMMAND", "INFO", "get", "nosuch", "config|get", "CONFIG|GET", "config|nosuch", "get|x", "config|get|x", "Get"],
      ["COMMAND", "INFO", "command|info", "command|docs", "config|set", "slowlog|get", "memory|usage"],
      ["COMMAND", "INFO", "time", "lastsave", "info", "debug", "dbsize", "flushall"],
      ["COMMAND", "INFO", "nosuch"],
      ["command", "info", ""],
      ["COMMAND", "DOCS", "get", "nosuch", "config|get", "ping"],
      ["COMMAND", "DOCS", "nosuch"],
      ["COMMAND", "DOCS", "get", "get"],
      ["COMMAND", "DOCS", "time", "lastsave", "slowlog|get", "memory|usage", "command|getkeys"],
    ]);
  });

  test("errors and HELP", async () => {
    await d.check([
      ["COMMAND", "nosuch"],
      ["COMMAND", "COUNT", "x"],
      ["COMMAND", "HELP"],
      ["command", "help", "x"],
      ["COMMAND", "LIST", "x"],
      ["COMMAND", "LIST", "FILTERBY"],
      ["COMMAND", "LIST", "FILTERBY", "x", "y"],
      ["COMMAND", "LIST", "FILTERBY", "PATTERN", "x", "y"],
      ["COMMAND", "LIST", "FILTERBY", "MODULE", "x"],
      ["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcategory"],
      ["COMMAND", "GETKEYS"],
      ["COMMAND", "GETKEYS", "get"],
      ["COMMAND", "GETKEYSANDFLAGS", "ping"],
    ]);
  });

  test("COMMAND LIST FILTERBY PATTERN over commands implemented in full (order is Redis's hash order: sorted)", async () => {
    const sorted = (args: string[]): Step => ({ args, normalize: sortedElements });
    await d.check([
      sorted(["COMMAND", "LIST", "FILTERBY", "PATTERN", "config*"]),
      sorted(["COMMAND", "LIST", "FILTERBY", "pattern", "CONFIG|[gs]et"]),
      sorted(["COMMAND", "LIST", "FILTERBY", "PATTERN", "slowlog|*"]),
      sorted(["COMMAND", "LIST", "FILTERBY", "PATTERN", "command|*"]),
      sorted(["COMMAND", "LIST", "FILTERBY", "PATTERN", "?ime"]),
      sorted(["COMMAND", "LIST", "FILTERBY", "PATTERN", "memory|[^u]*"]),
      sorted(["COMMAND", "LIST", "FILTERBY", "PATTERN", "nosuch*"]),
    ]);
  });

  test("COMMAND GETKEYS and GETKEYSANDFLAGS", async () => {
    await d.check([
      ["COMMAND", "GETKEYS", "config", "get", "x"],
      ["COMMAND", "GETKEYS", "config", "nosuch", "x"],
      ["COMMAND", "GETKEYS", "nosuch", "x"],
      ["COMMAND", "GETKEYS", "memory", "usage", "k\x00\xff"],
      ["COMMAND", "GETKEYSANDFLAGS", "memory", "usage", "k"],
      ["COMMAND", "GETKEYS", "memory", "usage", "k", "SAMPLES", "1"],
      ["COMMAND", "GETKEYS", "MEMORY", "USAGE"],
      ["COMMAND", "GETKEYS", "time", "x"],
      ["COMMAND", "GETKEYS", "get", "a", "b"],
      ["COMMAND", "GETKEYS", "get", ""],
      ["COMMAND", "GETKEYS", "set", "k", "v", "GET"],
      ["COMMAND", "GETKEYSANDFLAGS", "set", "k", "v"],
      ["COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"],
      ["COMMAND", "GETKEYS", "mset", "a", "1", "b"],
      ["COMMAND", "GETKEYSANDFLAGS", "del", "a", "b", "c"],
    ]);
  });
});

describe("COMMAND without a subcommand and COMMAND COUNT describe what is registered", () => {
  test.skipIf(!HAVE_REDIS)("COMMAND lists every top-level command once; COUNT and LIST agree with it", async () => {
    for (const protocol of [2, 3] as const) {
      const [, bunredis] = await d.connect(protocol);
      const all = parse(await bunredis.call("COMMAND")).items!;
      const count = parse(await bunredis.call("COMMAND", "COUNT"));
      expect(Number(count.text)).toBe(all.length);
      const names = all.map((entry) => entry.items![0]!.text!);
      expect(new Set(names).size).toBe(names.length);
      const listed = await registeredNames(bunredis);
      expect(listed.filter((name) => !name.includes("|")).sort()).toEqual([...names].sort());
      for (const name of ["command", "config", "info", "slowlog", "latency", "memory", "time", "lastsave", "debug", "get", "ping"]) expect(names).toContain(name);
      // Each entry is the same as COMMAND INFO of that name.
      for (const entry of all.slice(0, 20)) {
        const info = parse(await bunredis.call("COMMAND", "INFO", entry.items![0]!.text!)).items![0]!;
        expect(info.raw).toBe(entry.raw);
      }
      // COMMAND DOCS without names documents every top-level command.
      const docs = parse(await bunredis.call("COMMAND", "DOCS")).items!;
      expect(docs.length).toBe(all.length * 2);
    }
  });

  test.skipIf(!HAVE_REDIS)("COMMAND LIST FILTERBY ACLCAT lists the registered commands of that category, as Redis does", async () => {
    const [redis, bunredis] = await d.connect(2);
    const ours = new Set(await comparableNames(redis, bunredis));
    for (const category of ["admin", "connection", "read", "dangerous", "FAST"]) {
      const [expected, actual] = await Promise.all([redis.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", category), bunredis.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", category)]);
      const fromRedis = parse(expected).items!.map((item) => item.text!).filter((name) => ours.has(name)).sort();
      expect(parse(actual).items!.map((item) => item.text!).filter((name) => ours.has(name)).sort()).toEqual(fromRedis);
    }
  });
});

describe.skipIf(!HAVE_REDIS)("redis-cli against bunredis", () => {
  async function cli(port: number, args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number }> {
    const proc = Bun.spawn(["redis-cli", "-p", String(port), ...args], { stdin: input === undefined ? "ignore" : "pipe", stdout: "pipe", stderr: "pipe" });
    if (input !== undefined) {
      proc.stdin!.write(input);
      await proc.stdin!.end();
    }
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { stdout, stderr, code };
  }

  test("starts without errors (it reads COMMAND DOCS first) and runs commands", async () => {
    expect(await cli(d.bunredisPort, ["PING"])).toEqual({ stdout: "PONG\n", stderr: "", code: 0 });
    expect(await cli(d.bunredisPort, [], "PING\n")).toEqual({ stdout: "PONG\n", stderr: "", code: 0 });
  });

  test("--no-raw output of COMMAND COUNT, COMMAND INFO and COMMAND DOCS", async () => {
    const count = await cli(d.bunredisPort, ["--no-raw", "COMMAND", "COUNT"]);
    expect(count.stdout).toMatch(/^\(integer\) \d+\n$/);
    for (const args of [["COMMAND", "INFO", "get", "config|get", "nosuch"], ["COMMAND", "DOCS", "get"], ["COMMAND", "GETKEYSANDFLAGS", "memory", "usage", "k"], ["CONFIG", "GET", "maxmemory"]]) {
      const [ours, theirs] = await Promise.all([cli(d.bunredisPort, ["--no-raw", ...args]), cli(d.redisPort, ["--no-raw", ...args])]);
      expect(ours).toEqual(theirs);
    }
  });
});
