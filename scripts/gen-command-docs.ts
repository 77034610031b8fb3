#!/usr/bin/env bun
/**
 * @module
 * Writes src/server/command-docs.json: the data Redis ships with every command that bunredis
 * cannot derive from its own command specs — COMMAND DOCS (summary, since, group, complexity,
 * history, arguments, doc flags), key specifications and command tips — asked from a real
 * redis-server 7.0.15 over RESP3. The file is committed; at run time nothing depends on Redis.
 *
 * Usage: `npx bun scripts/gen-command-docs.ts [--port PORT]` (without --port a scratch
 * redis-server is started on a free port and stopped afterwards).
 *
 * The JSON is the natural shape of the replies (maps as objects, sets and arrays as arrays); the
 * few places where RESP3's set or simple-string types matter are rules in `writeDocValue` and
 * `writeKeySpecs` (src/server/commands/introspection.ts). Before writing, every command's docs
 * are encoded back with those rules and compared with Redis's bytes, so a rule that no longer
 * fits fails here rather than at run time.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ReplyWriter } from "../src/resp/writer.ts";
import { writeCommandDocs, type CommandData, type CommandDocsFile, type DocValue } from "../src/server/commands/introspection.ts";
import { startRedisServer, type RedisServerProcess } from "../test/helpers/oracle.ts";
import { RespConnection } from "../test/helpers/resp.ts";

const OUT = join(import.meta.dir, "../src/server/command-docs.json");
const EXPECTED_VERSION = "7.0.15";

/** A RESP3 reply with its type kept: the type byte and the value. */
type Node =
  | { type: "+" | "-" | "$" | "=" | "(" | "," | "#"; value: string }
  | { type: ":"; value: number }
  | { type: "_"; value: null }
  | { type: "*" | "~" | "%"; value: Node[] };

/** Parses one RESP3 reply from `text` at `at.i` (maps as a flat key, value, ... list). */
function parse(text: string, at: { i: number }): Node {
  const end = text.indexOf("\r\n", at.i);
  const type = text[at.i]!;
  const head = text.slice(at.i + 1, end);
  at.i = end + 2;
  switch (type) {
    case "+": case "-": case "(": case ",": case "#":
      return { type, value: head };
    case ":":
      return { type, value: Number(head) };
    case "_":
      return { type, value: null };
    case "$": case "=": {
      const length = Number(head);
      const value = text.slice(at.i, at.i + length);
      at.i += length + 2;
      return { type, value };
    }
    case "*": case "~": case "%": {
      const count = Number(head) * (type === "%" ? 2 : 1);
      const items: Node[] = [];
      for (let k = 0; k < count; k++) items.push(parse(text, at));
      return { type, value: items };
    }
  }
  throw new Error(`unexpected reply type ${JSON.stringify(type)}`);
}

function parseReply(text: string): Node {
  return parse(text, { i: 0 });
}

function items(node: Node): Node[] {
  if (node.type !== "*" && node.type !== "~" && node.type !== "%") throw new Error(`expected an aggregate, got ${node.type}`);
  return node.value;
}

/** A reply as plain JSON: maps become objects (key order kept), sets and arrays arrays. */
function toJson(node: Node): DocValue {
  switch (node.type) {
    case "%": {
      const object: Record<string, DocValue> = {};
      const list = node.value;
      for (let k = 0; k < list.length; k += 2) {
        const key = list[k]!;
        if (key.type !== "$") throw new Error("map key is not a bulk string");
        if (/^\d+$/.test(key.value)) throw new Error(`integer-like map key ${key.value} would lose its order in JSON`);
        object[key.value] = toJson(list[k + 1]!);
      }
      return object;
    }
    case "*": case "~":
      return node.value.map(toJson);
    case ":":
      return node.value;
    case "$": case "+":
      return node.value;
    default:
      throw new Error(`unexpected type ${node.type} in command data`);
  }
}

/** Tips and key specs of one COMMAND INFO entry, and of its subcommands (by full name). */
function collectInfo(entry: Node, into: Record<string, CommandData>): void {
  const fields = items(entry);
  const name = (fields[0] as { value: string }).value;
  const tips = items(fields[7]!).map((tip) => (tip as { value: string }).value);
  const keySpecs = toJson(fields[8]!) as unknown as CommandData["key_specs"];
  into[name] = { tips, key_specs: keySpecs, docs: {} };
  for (const sub of items(fields[9]!)) collectInfo(sub, into);
}

/** The docs of one command (and its subcommands, by full name), without the `subcommands` field. */
function collectDocs(name: string, docs: Node, into: Record<string, CommandData>): void {
  const list = items(docs);
  const object: Record<string, DocValue> = {};
  for (let k = 0; k < list.length; k += 2) {
    const key = (list[k] as { value: string }).value;
    const value = list[k + 1]!;
    if (key === "subcommands") {
      const subs = items(value);
      for (let j = 0; j < subs.length; j += 2) collectDocs((subs[j] as { value: string }).value, subs[j + 1]!, into);
    } else object[key] = toJson(value);
  }
  const data = into[name];
  if (!data) throw new Error(`COMMAND DOCS names ${name}, which COMMAND INFO does not`);
  data.docs = object;
}

/** The subcommand names of a container, in the order a DOCS reply lists them. */
function subcommandOrder(docs: Node): string[] {
  const list = items(docs);
  for (let k = 0; k < list.length; k += 2) {
    if ((list[k] as { value: string }).value !== "subcommands") continue;
    const subs = items(list[k + 1]!);
    const names: string[] = [];
    for (let j = 0; j < subs.length; j += 2) names.push((subs[j] as { value: string }).value);
    return names;
  }
  return [];
}

async function main(): Promise<void> {
  const at = process.argv.indexOf("--port");
  let redis: RedisServerProcess | undefined;
  const port = at >= 0 ? Number(process.argv[at + 1]) : (redis = await startRedisServer()).port;
  const connection = await RespConnection.open(port);
  try {
    await connection.call("HELLO", "3");
    const info = await connection.call("INFO", "server");
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1];
    if (version !== EXPECTED_VERSION) throw new Error(`redis-server is ${version}; the data must come from ${EXPECTED_VERSION}`);

    const commands: Record<string, CommandData> = {};
    for (const entry of items(parseReply(await connection.call("COMMAND")))) collectInfo(entry, commands);
    const allDocs = items(parseReply(await connection.call("COMMAND", "DOCS")));
    for (let k = 0; k < allDocs.length; k += 2) collectDocs((allDocs[k] as { value: string }).value, allDocs[k + 1]!, commands);

    const sorted: Record<string, CommandData> = {};
    for (const name of Object.keys(commands).sort()) sorted[name] = commands[name]!;
    const file: CommandDocsFile = { redis_version: EXPECTED_VERSION, commands: sorted };

    // Round trip: encode each top-level command's docs with the run-time encoder, compare bytes.
    const writer = new ReplyWriter();
    writer.protocol = 3;
    let checked = 0;
    for (const name of Object.keys(sorted)) {
      if (name.includes("|")) continue;
      const raw = await connection.call("COMMAND", "DOCS", name);
      const order = subcommandOrder(items(parseReply(raw))[1]!);
      writer.reset();
      writer.map(1);
      writeCommandDocs(writer, file, name, order);
      const ours = writer.bytes().latin1Slice();
      if (ours !== raw) throw new Error(`re-encoded COMMAND DOCS ${name} differs from redis-server:\n  redis: ${JSON.stringify(raw.slice(0, 400))}\n  ours:  ${JSON.stringify(ours.slice(0, 400))}`);
      checked++;
    }

    const lines = Object.entries(sorted).map(([name, data]) => `    ${JSON.stringify(name)}: ${JSON.stringify(data)}`);
    const text = `{\n  "redis_version": ${JSON.stringify(EXPECTED_VERSION)},\n  "commands": {\n${lines.join(",\n")}\n  }\n}\n`;
    writeFileSync(OUT, text);
    process.stdout.write(`wrote ${OUT}: ${Object.keys(sorted).length} commands and subcommands (${checked} round-trip checked)\n`);
  } finally {
    connection.close();
    await redis?.stop();
  }
}

await main();
