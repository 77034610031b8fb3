import { test } from "bun:test";
import fc from "fast-check";
import { useDifferential } from "../../helpers/differential.ts";
import { compare, shape, unordered, unorderedScan, type Step } from "./collection-replies.ts";

const d = useDifferential();

/** Three sets, and a string key for WRONGTYPE. */
const key = fc.constantFrom("s", "s", "t", "u", "str");
const integer = fc.oneof(fc.integer({ min: -5, max: 12 }).map(String), fc.constantFrom("9223372036854775807", "-9223372036854775808"));
const member = fc.oneof(integer, fc.constantFrom("a", "b", "", "\x00\xff", "01", "-0", "1.0", "9223372036854775808"));
const count = fc.oneof(fc.integer({ min: -6, max: 6 }), fc.constant(100)).map(String);

/**
 * Commands over `member`s. With `ordered`, every set is an intset (integers only, few of them), so
 * every order is Redis's ascending one and replies compare exactly; otherwise whole-set replies
 * are compared sorted (a hashtable's order is its own). SPOP only takes whole sets, so that both
 * servers keep the same contents.
 */
function commands(members: fc.Arbitrary<string>, ordered: boolean): fc.Arbitrary<Step> {
  const all = (args: string[]): Step => (ordered ? { args } : { args, normalize: unordered });
  const keys = fc.array(key, { minLength: 1, maxLength: 3 });
  return fc.oneof<fc.Arbitrary<Step>[]>(
    fc.tuple(key, fc.array(members, { minLength: 1, maxLength: 4 })).map(([k, ms]) => ({ args: ["SADD", k, ...ms] })),
    fc.tuple(key, fc.array(members, { minLength: 1, maxLength: 3 })).map(([k, ms]) => ({ args: ["SREM", k, ...ms] })),
    key.map((k) => ({ args: ["SCARD", k] })),
    fc.tuple(key, members).map(([k, m]) => ({ args: ["SISMEMBER", k, m] })),
    fc.tuple(key, fc.array(members, { minLength: 1, maxLength: 3 })).map(([k, ms]) => ({ args: ["SMISMEMBER", k, ...ms] })),
    key.map((k) => all(["SMEMBERS", k])),
    fc.tuple(key, key, members).map(([a, b, m]) => ({ args: ["SMOVE", a, b, m] })),
    keys.map((ks) => all(["SINTER", ...ks])),
    fc.tuple(keys, fc.constantFrom([], ["LIMIT", "1"], ["LIMIT", "0"], ["LIMIT", "2"])).map(([ks, limit]) => ({ args: ["SINTERCARD", String(ks.length), ...ks, ...limit] })),
    keys.map((ks) => all(["SUNION", ...ks])),
    keys.map((ks) => all(["SDIFF", ...ks])),
    fc.tuple(key, keys).map(([dst, ks]) => ({ args: ["SINTERSTORE", dst, ...ks] })),
    fc.tuple(key, keys).map(([dst, ks]) => ({ args: ["SUNIONSTORE", dst, ...ks] })),
    fc.tuple(key, keys).map(([dst, ks]) => ({ args: ["SDIFFSTORE", dst, ...ks] })),
    key.map((k) => all(["SRANDMEMBER", k, "100"])),
    fc.tuple(key, count).map(([k, n]) => ({ args: ["SRANDMEMBER", k, n], normalize: shape })),
    key.map((k) => ({ args: ["SRANDMEMBER", k], normalize: shape })),
    key.map((k) => all(["SPOP", k, "100"])),
    key.map((k) => (ordered ? { args: ["SSCAN", k, "0", "COUNT", "1000"] } : { args: ["SSCAN", k, "0", "COUNT", "1000"], normalize: unorderedScan(false) })),
    key.map((k) => ({ args: ["OBJECT", "ENCODING", k] })),
    fc.constant({ args: ["SET", "str", "v"] }),
  );
}

test("random sequences of set commands on intsets reply exactly as redis-server", async () => {
  if (d.skip) return;
  const pairs = { 2: await d.connect(2), 3: await d.connect(3) };
  await fc.assert(
    fc.asyncProperty(fc.constantFrom<2 | 3>(2, 3), fc.array(commands(integer, true), { minLength: 1, maxLength: 40 }), (protocol, steps) =>
      compare(protocol, pairs[protocol], [], steps),
    ),
    { numRuns: 100 },
  );
});

test("random sequences of set commands across conversions to hashtable reply as redis-server", async () => {
  if (d.skip) return;
  const pairs = { 2: await d.connect(2), 3: await d.connect(3) };
  // A low intset limit makes conversions by size as common as by a string member.
  const setup = [["CONFIG", "SET", "set-max-intset-entries", "5"]];
  try {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<2 | 3>(2, 3), fc.array(commands(member, false), { minLength: 1, maxLength: 40 }), (protocol, steps) =>
        compare(protocol, pairs[protocol], setup, steps),
      ),
      { numRuns: 100 },
    );
  } finally {
    for (const connection of pairs[2]) await connection.call("CONFIG", "SET", "set-max-intset-entries", "512");
  }
});
