/**
 * @module
 * A full dump of a server's current database, read through commands, in a form two servers can
 * be compared by: every key with its type, encoding, whether it expires, and its contents (sets
 * and hashes sorted, since their order is each server's own). Property tests end with it, so a
 * sequence whose replies all matched must also have left the same data behind.
 */
import { expect } from "bun:test";
import type { RespConnection } from "./resp.ts";

/** The bulk strings of a raw reply, nested aggregates flattened. */
function bulks(reply: string): string[] {
  const out: string[] = [];
  const buf = Buffer.from(reply, "latin1");
  let at = 0;
  while (at < reply.length) {
    const lineEnd = reply.indexOf("\r\n", at);
    if (reply[at] === "$") {
      const length = Number(reply.slice(at + 1, lineEnd));
      if (length >= 0) out.push(buf.latin1Slice(lineEnd + 2, lineEnd + 2 + length));
      at = length >= 0 ? lineEnd + 2 + length + 2 : lineEnd + 2;
    } else at = lineEnd + 2;
  }
  return out;
}

/** Sorted pairs of a flat [k1, v1, k2, v2...] list. */
function sortedPairs(items: string[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < items.length; i += 2) pairs.push(JSON.stringify([items[i], items[i + 1]]));
  return pairs.sort();
}

/**
 * A stream's entries and metadata, its groups (XINFO GROUPS) and each group's pending summary
 * (XPENDING): everything but times, which differ between two servers fed the same commands.
 */
async function streamContents(connection: RespConnection, key: string): Promise<string[]> {
  const contents = [await connection.call("XRANGE", key, "-", "+"), await connection.call("XINFO", "STREAM", key)];
  const groups = await connection.call("XINFO", "GROUPS", key);
  contents.push(groups);
  // Each group has eight bulk strings (field names, its name, its last id): the name is the second.
  const strings = bulks(groups);
  for (let i = 1; i < strings.length; i += 8) contents.push(await connection.call("XPENDING", key, strings[i]!));
  return contents;
}

/**
 * One line per key of the connection's current database, sorted by key. `encodings: false` leaves
 * OBJECT ENCODING out: a reload legitimately changes some (Redis loads every short string as
 * embstr, whatever it was before the save).
 */
export async function keyspaceDump(connection: RespConnection, encodings = true): Promise<string[]> {
  const keys = bulks(await connection.call("KEYS", "*")).sort();
  const lines: string[] = [];
  for (const key of keys) {
    const type = (await connection.call("TYPE", key)).slice(1, -2);
    const encoding = encodings ? bulks(await connection.call("OBJECT", "ENCODING", key))[0] : "";
    const expires = (await connection.call("PTTL", key)) === ":-1\r\n" ? "persistent" : "volatile";
    let contents: unknown;
    if (type === "string") contents = bulks(await connection.call("GET", key));
    else if (type === "list") contents = bulks(await connection.call("LRANGE", key, "0", "-1"));
    else if (type === "set") contents = bulks(await connection.call("SMEMBERS", key)).sort();
    else if (type === "hash") contents = sortedPairs(bulks(await connection.call("HGETALL", key)));
    else if (type === "zset") contents = await connection.call("ZRANGE", key, "0", "-1", "WITHSCORES");
    else if (type === "stream") contents = await streamContents(connection, key);
    else contents = `unknown type ${type}`;
    lines.push(JSON.stringify([key, type, encoding, expires, contents]));
  }
  return lines;
}

/** Asserts that both servers' current databases hold the same keys and contents. */
export async function expectSameKeyspace(redis: RespConnection, bunredis: RespConnection): Promise<void> {
  const [expected, actual] = await Promise.all([keyspaceDump(redis), keyspaceDump(bunredis)]);
  expect(actual).toEqual(expected);
}
