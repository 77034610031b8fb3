/**
 * @module
 * Normalisers for differential tests of hash and set replies whose order Redis leaves unspecified
 * (a hashtable's iteration order, random picks): they rewrite a raw RESP reply so that two
 * replies with the same elements in another order compare equal, or keep only its shape.
 */
import { expect } from "bun:test";
import { expectSameKeyspace } from "../../helpers/keyspace.ts";
import { replyEnd, type RespConnection } from "../../helpers/resp.ts";

/** The header line of an aggregate reply and the raw bytes of each element (a map counts keys and values). */
export function splitAggregate(reply: string): { header: string; items: string[] } {
  const lineEnd = reply.indexOf("\r\n");
  const header = reply.slice(0, lineEnd);
  const type = header[0];
  if (type !== "*" && type !== "~" && type !== "%") return { header, items: [] };
  let count = Number(header.slice(1));
  if (type === "%") count *= 2;
  const buf = Buffer.from(reply, "latin1");
  const items: string[] = [];
  let at = lineEnd + 2;
  for (let i = 0; i < count; i++) {
    const end = replyEnd(buf, at);
    items.push(reply.slice(at, end));
    at = end;
  }
  return { header, items };
}

function isAggregate(reply: string): boolean {
  return reply[0] === "*" || reply[0] === "~" || reply[0] === "%";
}

/** The elements of an array or set reply sorted (errors and scalars unchanged). */
export function unordered(reply: string): string {
  if (!isAggregate(reply) || reply.startsWith("*-1")) return reply;
  const { header, items } = splitAggregate(reply);
  return header + "\r\n" + items.sort().join("");
}

/**
 * Field/value pairs sorted: a flat array or map of pairs (HGETALL, HRANDFIELD WITHVALUES in
 * RESP2), or an array of two-element arrays (HRANDFIELD WITHVALUES in RESP3).
 */
export function unorderedPairs(reply: string): string {
  if (!isAggregate(reply)) return reply;
  const { header, items } = splitAggregate(reply);
  if (items.length > 0 && items[0]!.startsWith("*2\r\n")) return header + "\r\n" + items.sort().join("");
  const pairs: string[] = [];
  for (let i = 0; i < items.length; i += 2) pairs.push(items[i]! + items[i + 1]!);
  return header + "\r\n" + pairs.sort().join("");
}

/** A complete SCAN-family reply (cursor 0) with its elements (or pairs, with `pairs`) sorted. */
export function unorderedScan(pairs: boolean): (reply: string) => string {
  return (reply) => {
    if (reply[0] !== "*") return reply;
    const { header, items } = splitAggregate(reply);
    return header + "\r\n" + items[0]! + (pairs ? unorderedPairs(items[1]!) : unordered(items[1]!));
  };
}

/** Only the shape of a reply: its type and element count (for random picks). */
export function shape(reply: string): string {
  if (reply[0] === "$") return reply.startsWith("$-1") ? "$-1" : "$bulk";
  return reply.slice(0, reply.indexOf("\r\n"));
}

/** The bulk strings of a reply, nested aggregates flattened (to check picks are members). */
export function bulkStrings(reply: string): string[] {
  const out: string[] = [];
  const buf = Buffer.from(reply, "latin1");
  let at = 0;
  while (at < reply.length) {
    const lineEnd = reply.indexOf("\r\n", at);
    const type = reply[at];
    if (type === "$") {
      const length = Number(reply.slice(at + 1, lineEnd));
      if (length >= 0) out.push(buf.latin1Slice(lineEnd + 2, lineEnd + 2 + length));
      at = length >= 0 ? lineEnd + 2 + length + 2 : lineEnd + 2;
    } else {
      at = lineEnd + 2;
    }
  }
  return out;
}

/** One step of a random sequence: a command, and how to normalise its reply where order is Redis's own. */
export type Step = { args: string[]; normalize?: (reply: string) => string };

/** Sends a sequence to both servers in one protocol and compares every reply (normalised where asked). */
export async function compare(protocol: 2 | 3, connections: [RespConnection, RespConnection], setup: string[][], steps: Step[]): Promise<void> {
  const [redis, bunredis] = connections;
  for (const args of [["FLUSHALL"], ...setup]) await Promise.all([redis.call(...args), bunredis.call(...args)]);
  const expected: string[] = [];
  const actual: string[] = [];
  for (const { args, normalize = (reply: string) => reply } of steps) {
    const [fromRedis, fromBunredis] = (await Promise.all([redis.call(...args), bunredis.call(...args)])).map(normalize);
    expected.push(`RESP${protocol} ${JSON.stringify(args)} -> ${JSON.stringify(fromRedis)}`);
    actual.push(`RESP${protocol} ${JSON.stringify(args)} -> ${JSON.stringify(fromBunredis)}`);
    if (fromRedis !== fromBunredis) break;
  }
  expect(actual).toEqual(expected);
  await expectSameKeyspace(redis, bunredis);
}
