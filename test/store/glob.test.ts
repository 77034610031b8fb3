import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { globMatch } from "../../src/store/glob.ts";
import { useDifferential } from "../helpers/differential.ts";

describe("globMatch: Redis's stringmatchlen", () => {
  const cases: [pattern: string, subject: string, matches: boolean][] = [
    ["*", "anything", true],
    ["*", "", false], // only the empty pattern matches an empty subject; KEYS special-cases "*"
    ["", "", true],
    ["", "a", false],
    ["**", "abc", true],
    ["a*", "a", true],
    ["a**", "a", true],
    ["*a", "a", true],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "aXXbYY", false],
    ["?", "a", true],
    ["?", "", false],
    ["?", "ab", false],
    ["a?c", "abc", true],
    ["a\\*c", "a*c", true],
    ["a\\*c", "abc", false],
    ["\\", "\\", true], // a trailing backslash is itself
    ["a\\", "a\\", true],
    ["[abc]", "b", true],
    ["[abc]", "d", false],
    ["[^abc]", "d", true],
    ["[^abc]", "a", false],
    ["[!a]", "!", true], // only ^ negates
    ["[!a]", "b", false],
    ["[a-c]", "b", true],
    ["[c-a]", "b", true], // ends in either order
    ["[a-c]", "d", false],
    ["[a-]", "]", true], // "a-]" is the range a..]
    ["[a-", "a", true], // unclosed: the class ends with the pattern
    ["[]", "a", false],
    ["[]]", "]", false], // "[]" is an empty class, then a literal "]"
    ["[^]", "x", true],
    ["[\\]]", "]", true],
    ["[\\", "\\", true],
    ["[a\\", "a", true],
    ["[-]", "-", true],
    ["[a-\xff]", "\x00", true], // signed chars: \xff is -1, so this is -1..97
    ["[a-\xff]", "b", false],
    ["[a-\xff]", "\xff", true],
    ["[a-\xff]", "\x80", false],
    ["[\x80-\xff]", "\x90", true],
    ["[\x80-\xff]", "a", false],
    ["h\r\n*", "h\r\nllo", true],
    ["*\x00*", "a\x00b", true],
    ["a*", "b", false],
  ];
  for (const [pattern, subject, matches] of cases) {
    test(`${JSON.stringify(pattern)} ${matches ? "matches" : "does not match"} ${JSON.stringify(subject)}`, () => {
      expect(globMatch(pattern, subject)).toBe(matches);
    });
  }

  test("nocase folds ASCII letters", () => {
    expect(globMatch("HeLLo*", "hello world", true)).toBe(true);
    expect(globMatch("[A-C]x", "bX", true)).toBe(true);
    expect(globMatch("HeLLo*", "hello world")).toBe(false);
  });

  test("more than 1000 nested stars never match; pathological patterns finish fast", () => {
    const subject = "a".repeat(3000);
    expect(globMatch("a*".repeat(900), subject)).toBe(true);
    expect(globMatch("a*".repeat(1100), subject)).toBe(false);
    const start = performance.now();
    expect(globMatch(`${"*a".repeat(40)}b`, "a".repeat(5000))).toBe(false);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe("globMatch agrees with redis-server's KEYS on random patterns", () => {
  const d = useDifferential();
  const bytes = ["a", "b", "c", "-", "^", "!", "]", "[", "*", "?", "\\", "\x00", "\xff", "\x80", "\n"];
  const keyBytes = fc.constantFrom(...bytes.filter((b) => b !== "*" && b !== "?"), "a", "b");
  const patternBytes = fc.constantFrom(...bytes, "*", "a", "[", "]");

  test("KEYS over a fixed key set, many patterns", async () => {
    if (d.skip) return;
    const keys = fc.sample(fc.array(keyBytes, { minLength: 0, maxLength: 6 }).map((chars) => chars.join("")), { numRuns: 60, seed: 7 });
    const unique = [...new Set(keys)];
    const [redis] = await d.connect();
    await redis.call("MSET", ...unique.flatMap((key) => [key, "v"]));
    const patterns = fc.sample(fc.array(patternBytes, { minLength: 0, maxLength: 7 }).map((chars) => chars.join("")), { numRuns: 400, seed: 11 });
    const mismatches: string[] = [];
    for (const pattern of patterns) {
      const reply = await redis.call("KEYS", pattern);
      const fromRedis = parseBulkArray(reply).sort();
      // KEYS's "*" shortcut aside, the matcher alone decides.
      const ours = unique.filter((key) => pattern === "*" || globMatch(pattern, key)).sort();
      if (JSON.stringify(ours) !== JSON.stringify(fromRedis)) mismatches.push(`${JSON.stringify(pattern)}: redis ${JSON.stringify(fromRedis)} ours ${JSON.stringify(ours)}`);
    }
    expect(mismatches).toEqual([]);
  });
});

/** The elements of a RESP array of bulk strings. */
function parseBulkArray(reply: string): string[] {
  let at = reply.indexOf("\r\n") + 2;
  const count = Number(reply.slice(1, at - 2));
  const values: string[] = [];
  for (let i = 0; i < count; i++) {
    const lineEnd = reply.indexOf("\r\n", at);
    const length = Number(reply.slice(at + 1, lineEnd));
    values.push(reply.slice(lineEnd + 2, lineEnd + 2 + length));
    at = lineEnd + 4 + length;
  }
  return values;
}
