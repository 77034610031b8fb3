import { describe, test } from "bun:test";
import fc from "fast-check";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import { expectSameKeyspace } from "../../helpers/keyspace.ts";
import type { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

/** Small thresholds, so that random sequences cross from listpack to skiplist. */
const SETUP: Step[] = [["CONFIG", "SET", "zset-max-listpack-entries", "5"], ["CONFIG", "SET", "zset-max-listpack-value", "3"]];
const RESET: Step[] = [["CONFIG", "SET", "zset-max-listpack-entries", "128"], ["CONFIG", "SET", "zset-max-listpack-value", "64"]];

const keys = fc.constantFrom("k1", "k2", "k3");
const members = fc.constantFrom("a", "b", "c", "ab", "abcd", "", "\x00", "\xff", "z\r\n");
const scores = fc.constantFrom("0", "1", "2", "-1", "0.5", "-0", "inf", "-inf", "1e17", "3.3", "2");
const rank = fc.integer({ min: -6, max: 6 }).map(String);
const scoreEnd = fc.tuple(fc.constantFrom("", "("), fc.constantFrom("-inf", "+inf", "0", "1", "2", "-1", "0.5")).map(([open, value]) => open + value);
const lexEnd = fc.oneof(fc.constantFrom("-", "+"), fc.tuple(fc.constantFrom("[", "("), members).map(([open, value]) => open + value));
const limit = fc.option(fc.tuple(fc.integer({ min: -1, max: 4 }), fc.integer({ min: -1, max: 4 })).map(([offset, count]) => ["LIMIT", String(offset), String(count)]), { nil: undefined });
const withScores = fc.boolean().map((yes) => (yes ? ["WITHSCORES"] : []));
const zaddOptions = fc.subarray(["NX", "XX", "GT", "LT", "CH", "INCR"], { maxLength: 2 });

/** The bulk strings of a flat reply, in order (binary-safe: read by their lengths). */
function bulks(reply: string): string[] {
  const out: string[] = [];
  for (let at = reply.indexOf("$"); at >= 0; at = reply.indexOf("$", at)) {
    const end = reply.indexOf("\r\n", at);
    const length = Number(reply.slice(at + 1, end));
    out.push(reply.slice(end + 2, end + 2 + length));
    at = end + 4 + length;
  }
  return out;
}

/** A ZSCAN reply with its (member, score) pairs sorted: a skiplist's scan order is Redis's hash order. */
function sortedScan(reply: string): string {
  if (!reply.startsWith("*2")) return reply;
  const [cursor, ...items] = bulks(reply);
  const pairs: string[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) pairs.push(JSON.stringify([items[i], items[i + 1]]));
  return `${cursor} ${pairs.sort().join(" ")}`;
}

/** One random command over k1..k3 (any scores) or the key `lex` (score 0 only, for lex ranges). */
const command: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(keys, zaddOptions, fc.array(fc.tuple(scores, members), { minLength: 1, maxLength: 3 })).map(([k, options, pairs]) => ["ZADD", k, ...options, ...pairs.flat()]) },
  { weight: 2, arbitrary: fc.tuple(keys, scores, members).map(([k, s, m]) => ["ZINCRBY", k, s, m]) },
  { weight: 2, arbitrary: fc.tuple(keys, fc.array(members, { minLength: 1, maxLength: 3 })).map(([k, ms]) => ["ZREM", k, ...ms]) },
  fc.tuple(keys).map(([k]) => ["ZCARD", k]),
  fc.tuple(keys, members).map(([k, m]) => ["ZSCORE", k, m]),
  fc.tuple(keys, fc.array(members, { minLength: 1, maxLength: 3 })).map(([k, ms]) => ["ZMSCORE", k, ...ms]),
  fc.tuple(fc.constantFrom("ZRANK", "ZREVRANK"), keys, members).map(([name, k, m]) => [name, k, m]),
  fc.tuple(keys, scoreEnd, scoreEnd).map(([k, min, max]) => ["ZCOUNT", k, min, max]),
  { weight: 3, arbitrary: fc.tuple(keys, rank, rank, fc.boolean(), withScores).map(([k, a, b, rev, ws]) => ["ZRANGE", k, a, b, ...(rev ? ["REV"] : []), ...ws]) },
  { weight: 3, arbitrary: fc.tuple(keys, scoreEnd, scoreEnd, fc.boolean(), limit, withScores).map(([k, a, b, rev, l, ws]) => ["ZRANGE", k, a, b, "BYSCORE", ...(rev ? ["REV"] : []), ...(l ?? []), ...ws]) },
  fc.tuple(keys, scoreEnd, scoreEnd, limit).map(([k, a, b, l]) => ["ZREVRANGEBYSCORE", k, a, b, "WITHSCORES", ...(l ?? [])]),
  fc.tuple(keys, keys, rank, rank).map(([dst, src, a, b]) => ["ZRANGESTORE", dst, src, a, b]),
  fc.tuple(keys, keys, scoreEnd, scoreEnd, limit).map(([dst, src, a, b, l]) => ["ZRANGESTORE", dst, src, a, b, "BYSCORE", ...(l ?? [])]),
  fc.tuple(keys, rank, rank).map(([k, a, b]) => ["ZREMRANGEBYRANK", k, a, b]),
  fc.tuple(keys, scoreEnd, scoreEnd).map(([k, a, b]) => ["ZREMRANGEBYSCORE", k, a, b]),
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("ZPOPMIN", "ZPOPMAX"), keys, fc.option(fc.integer({ min: 0, max: 3 }).map(String), { nil: undefined })).map(([name, k, n]) => [name, k, ...(n === undefined ? [] : [n])]) },
  fc.tuple(fc.uniqueArray(keys, { minLength: 1, maxLength: 3 }), fc.constantFrom("MIN", "MAX"), fc.integer({ min: 1, max: 3 })).map(([ks, where, n]) => ["ZMPOP", String(ks.length), ...ks, where, "COUNT", String(n)]),
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom("ZUNION", "ZINTER"), fc.array(keys, { minLength: 1, maxLength: 3 }), fc.constantFrom("SUM", "MIN", "MAX"), fc.boolean()).map(([name, ks, aggregate, weights]) => [name, String(ks.length), ...ks, ...(weights ? ["WEIGHTS", ...ks.map((_, i) => ["2", "-1", "0.5"][i]!)] : []), "AGGREGATE", aggregate, "WITHSCORES"]) },
  fc.tuple(fc.array(keys, { minLength: 1, maxLength: 3 })).map(([ks]) => ["ZDIFF", String(ks.length), ...ks, "WITHSCORES"]),
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"), keys, fc.array(keys, { minLength: 1, maxLength: 3 })).map(([name, dst, ks]) => [name, dst, String(ks.length), ...ks]) },
  fc.tuple(fc.array(keys, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 3 })).map(([ks, l]) => ["ZINTERCARD", String(ks.length), ...ks, "LIMIT", String(l)]),
  fc.tuple(keys).map(([k]) => ["OBJECT", "ENCODING", k]),
  fc.tuple(keys).map(([k]) => ["ZRANDMEMBER", k, "100", "WITHSCORES"]),
  fc.tuple(keys).map(([k]): Step => ({ args: ["ZSCAN", k, "0", "COUNT", "1000"], normalize: sortedScan })),
  // The lex key: every score 0, so that lex ranges are meaningful (Redis's answer is otherwise its skiplist's shape).
  { weight: 2, arbitrary: fc.array(members, { minLength: 1, maxLength: 3 }).map((ms) => ["ZADD", "lex", ...ms.flatMap((m) => ["0", m])]) },
  fc.tuple(lexEnd, lexEnd, fc.boolean(), limit).map(([a, b, rev, l]) => ["ZRANGE", "lex", a, b, "BYLEX", ...(rev ? ["REV"] : []), ...(l ?? [])]),
  fc.tuple(lexEnd, lexEnd).map(([a, b]) => ["ZLEXCOUNT", "lex", a, b]),
  fc.tuple(lexEnd, lexEnd).map(([a, b]) => ["ZREMRANGEBYLEX", "lex", a, b]),
  fc.tuple(lexEnd, lexEnd).map(([a, b]) => ["ZRANGESTORE", "lexcopy", "lex", a, b, "BYLEX"]),
  fc.constant<Step>(["ZRANGE", "lex", "0", "-1", "WITHSCORES"]),
  fc.constant<Step>(["OBJECT", "ENCODING", "lex"]),
);

/** Runs `steps` on both servers over the given connections, from empty databases; throws at the first difference. */
async function compare(connections: [RespConnection, RespConnection], steps: Step[], protocol: number): Promise<void> {
  const [redis, bunredis] = connections;
  await Promise.all([redis.call("FLUSHALL"), bunredis.call("FLUSHALL")]);
  for (const step of steps) {
    const args = Array.isArray(step) ? step : step.args;
    const normalize = Array.isArray(step) ? (reply: string) => reply : step.normalize;
    const [expected, actual] = await Promise.all([redis.call(...args), bunredis.call(...args)]);
    if (normalize(expected) !== normalize(actual)) {
      throw new Error(`RESP${protocol} ${JSON.stringify(args)}:\n  redis:    ${JSON.stringify(expected)}\n  bunredis: ${JSON.stringify(actual)}`);
    }
  }
  await expectSameKeyspace(redis, bunredis);
}

/** Bulk data for the large-set property: many members over few scores (ties), or spread scores. */
const bulkFill = fc.tuple(keys, fc.integer({ min: 100, max: 400 }), fc.constantFrom(3, 1000)).map(([k, n, spread]): Step => {
  const args = ["ZADD", k];
  for (let i = 0; i < n; i++) args.push(String((i * 7919) % spread), `m${(i * 104729) % 1000}`);
  return args;
});
const wideRank = fc.integer({ min: -450, max: 450 }).map(String);
const wideScore = fc.tuple(fc.constantFrom("", "("), fc.integer({ min: -5, max: 1005 })).map(([open, value]) => open + value);
const wideLimit = fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: -1, max: 120 })).map(([offset, count]) => ["LIMIT", String(offset), String(count)]);

/** Commands for large sets (several levels of the tree): ranges, ranks, counts and removals. */
const bigCommand: fc.Arbitrary<Step> = fc.oneof(
  fc.tuple(keys, wideRank, wideRank, fc.boolean()).map(([k, a, b, rev]) => ["ZRANGE", k, a, b, ...(rev ? ["REV"] : []), "WITHSCORES"]),
  fc.tuple(keys, wideScore, wideScore, fc.boolean(), wideLimit).map(([k, a, b, rev, l]) => ["ZRANGE", k, a, b, "BYSCORE", ...(rev ? ["REV"] : []), ...l]),
  fc.tuple(keys, wideScore, wideScore).map(([k, a, b]) => ["ZCOUNT", k, a, b]),
  fc.tuple(keys, fc.integer({ min: 0, max: 1000 })).map(([k, m]) => ["ZRANK", k, `m${m}`]),
  fc.tuple(keys, fc.integer({ min: 0, max: 1000 })).map(([k, m]) => ["ZREVRANK", k, `m${m}`]),
  fc.tuple(keys, wideRank, wideRank).map(([k, a, b]) => ["ZREMRANGEBYRANK", k, a, b]),
  fc.tuple(keys, wideScore, wideScore).map(([k, a, b]) => ["ZREMRANGEBYSCORE", k, a, b]),
  fc.tuple(keys, fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 20 })).map(([k, ms]) => ["ZREM", k, ...ms.map((m) => `m${m}`)]),
  fc.tuple(keys, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -3, max: 1003 })).map(([k, m, sc]) => ["ZADD", k, String(sc), `m${m}`]),
  fc.tuple(fc.constantFrom("ZPOPMIN", "ZPOPMAX"), keys, fc.integer({ min: 0, max: 150 })).map(([name, k, n]) => [name, k, String(n)]),
  fc.tuple(fc.constantFrom("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"), keys, keys, keys).map(([name, d, a, b]) => [name, d, "2", a, b]),
  fc.tuple(keys, keys, wideRank, wideRank).map(([d, src, a, b]) => ["ZRANGESTORE", d, src, a, b]),
  fc.tuple(keys).map(([k]) => ["ZCARD", k]),
  fc.tuple(keys).map(([k]) => ["OBJECT", "ENCODING", k]),
  fc.tuple(keys).map(([k]): Step => ({ args: ["ZSCAN", k, "0", "COUNT", "1000"], normalize: sortedScan })),
  fc.tuple(keys).map(([k]) => ["ZRANDMEMBER", k, "1000", "WITHSCORES"]),
);

describe("random sorted-set command sequences match redis-server", () => {
  test("every reply, byte for byte, in RESP2 and RESP3", async () => {
    if (d.skip) return;
    // One pair of connections per protocol for the whole run: fresh ones per sequence would pile up.
    const resp2 = await d.connect(2);
    const resp3 = await d.connect(3);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (sequence) => {
          await compare(resp2, [...SETUP, ...sequence], 2);
          await compare(resp3, [...SETUP, ...sequence], 3);
        }),
        { numRuns: 150 },
      );
    } finally {
      await compare(resp2, RESET, 2);
    }
  });

  test("large sets: ranges, ranks and removals across many tree nodes", async () => {
    if (d.skip) return;
    const resp2 = await d.connect(2);
    const resp3 = await d.connect(3);
    await fc.assert(
      fc.asyncProperty(fc.array(bulkFill, { minLength: 1, maxLength: 3 }), fc.array(bigCommand, { minLength: 5, maxLength: 30 }), async (fills, sequence) => {
        await compare(resp2, [...fills, ...sequence], 2);
        await compare(resp3, [...fills, ...sequence], 3);
      }),
      { numRuns: 40 },
    );
  });
});
