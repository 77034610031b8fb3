/**
 * SORT and SORT_RO against redis-server, byte for byte in RESP2 and RESP3: every option, every
 * error, Redis's C-string and strtod corners, ties (stable order; the partial quicksort under BY
 * with LIMIT), STORE; then a fast-check property test over random lists, sets and sorted sets
 * with random options.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { partialSort, sortScore } from "../../../src/server/commands/sort.ts";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import { splitAggregate, unordered } from "./collection-replies.ts";

const d = useDifferential();

/** A step compared with its elements sorted (a hashtable set's order is its own). */
const sorted = (...args: string[]): Step => ({ args, normalize: unordered });

describe("SORT matches redis-server byte for byte", () => {
  test("numbers in lists, sets and sorted sets, ASC and DESC; a missing key", async () => {
    await d.check([
      ["RPUSH", "l", "3", "1", "2", "10", "-5", "1.5", "2"],
      ["SORT", "l"], ["SORT", "l", "DESC"], ["SORT", "l", "ASC"], ["SORT", "l", "desc", "asc"], ["SORT", "l", "asc", "DESC"],
      ["SADD", "s", "5", "-1", "30", "7"], ["SORT", "s"], ["SORT", "s", "DESC"], ["OBJECT", "ENCODING", "s"],
      ["SADD", "hs", "5", "x1", "-1"], ["SREM", "hs", "x1"], ["OBJECT", "ENCODING", "hs"], ["SORT", "hs"], ["SORT", "hs", "DESC"],
      ["ZADD", "z", "1", "30", "2", "4", "3", "-7"], ["SORT", "z"], ["SORT", "z", "DESC"],
      ["SORT", "nokey"], ["SORT", "nokey", "DESC", "ALPHA", "LIMIT", "0", "1"], ["SORT_RO", "nokey"],
      ["SORT_RO", "l"], ["SORT_RO", "z", "DESC"], ["EXISTS", "nokey"],
    ]);
  });

  test("equal numbers sort by their bytes; duplicates stay", async () => {
    await d.check([
      ["RPUSH", "l", "1.0", "1", "01", "1e0", "0x1", " 1", "+1", "1", "-0", "0", "0.0"],
      ["SORT", "l"], ["SORT", "l", "DESC"], ["SORT", "l", "LIMIT", "2", "5"],
    ]);
  });

  test("ALPHA: byte order (the C locale), binary elements, NUL bytes", async () => {
    await d.check([
      ["RPUSH", "l", "b", "B", "a", "A", "", "\xc3\xa9", "\xff", "a\x01", "_", "10", "9", "a\r\n"],
      ["SORT", "l", "ALPHA"], ["SORT", "l", "ALPHA", "DESC"], ["SORT", "l", "alpha", "limit", "3", "4"],
      ["SADD", "s", "b", "a", "\x00", "\xff", "c\r\n"], ["SORT", "s", "ALPHA"], ["SORT", "s", "ALPHA", "DESC"],
      ["ZADD", "z", "3", "a", "2", "b", "1", "c", "0", "\xff"], ["SORT", "z", "ALPHA"], ["SORT", "z", "ALPHA", "DESC"],
      // strcoll stops at a NUL byte: these compare equal when replying and keep their list order...
      ["RPUSH", "nul", "a\x00c", "a", "a\x00b", "b", "a\x00a"],
      ["SORT", "nul", "ALPHA"], ["SORT", "nul", "ALPHA", "DESC"],
      // ...while STORE compares every byte.
      ["SORT", "nul", "ALPHA", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
      ["SORT", "nul", "ALPHA", "DESC", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
    ]);
  });

  test("numeric reading is glibc's strtod; what it cannot read is an error", async () => {
    const good = ["", " 2", "\t7", "\n3", "0x10", "0X1P3", "0x1.8", "0x1p-1074", "inf", "-INF", "Infinity", "+1", ".5", "5.", "1e5", "-1E-5", "1e308", "0e-400",
      "1\x00abc", "2\x00", "\x00", "1.7976931348623158e308", "00012", "-0", "0x", "1e", "1e+"];
    const bad = ["a", "nan", "-nan", "NaN(1)", "1 ", "1e400", "-1e400", "1e-400", "1e-310", "1e-308", "4.9e-324", "0x1.8p-1074", "0x1.fffffffffffff8p1023",
      "1.7976931348623159e308", "infin", "0x", "1x", " ", "--1", "+-1", "1e5.5", "abc\x00"];
    const steps: Step[] = [];
    for (const [i, value] of [...good, ...bad].entries()) {
      steps.push(["RPUSH", `l${i}`, value, "9"], ["SORT", `l${i}`], ["SORT", `l${i}`, "DESC"]);
    }
    await d.check(steps);
  });

  test("a value that is not a number fails the whole command, and nothing is stored", async () => {
    await d.check([
      ["RPUSH", "l", "1", "two", "3"], ["SORT", "l"], ["SORT", "l", "DESC", "LIMIT", "0", "1"], ["SORT_RO", "l"],
      ["SET", "dst", "old"], ["SORT", "l", "STORE", "dst"], ["GET", "dst"],
      ["SADD", "s", "a", "b"], ["SORT", "s"], ["ZADD", "z", "1", "a"], ["SORT", "z"],
      // ALPHA or BY nosort reads no numbers.
      ["SORT", "l", "ALPHA"], ["SORT", "l", "BY", "nosort"], ["SORT", "s", "ALPHA"],
    ]);
  });

  test("LIMIT offset count: negative, zero, past the end, huge; bad numbers", async () => {
    const steps: Step[] = [["RPUSH", "l", "5", "3", "1", "4", "2"], ["ZADD", "z", "5", "a", "3", "b", "1", "c", "4", "d", "2", "e"]];
    const limits = [["0", "2"], ["1", "3"], ["-5", "2"], ["2", "-1"], ["2", "-7"], ["2", "0"], ["4", "5"], ["5", "1"], ["6", "1"], ["0", "0"],
      ["0", "9223372036854775807"], ["9223372036854775807", "1"], ["9223372036854775807", "9223372036854775807"], ["1", "9223372036854775807"],
      ["3", "9223372036854775806"], ["-9223372036854775808", "-9223372036854775808"]];
    for (const [offset, count] of limits) {
      for (const extra of [[], ["DESC"], ["BY", "nosort"], ["BY", "nosort", "DESC"], ["ALPHA", "DESC"]]) {
        steps.push(["SORT", "l", "LIMIT", offset!, count!, ...extra], ["SORT", "z", "LIMIT", offset!, count!, ...extra]);
      }
    }
    steps.push(
      ["SORT", "l", "LIMIT", "x", "1"], ["SORT", "l", "LIMIT", "1", "x"], ["SORT", "l", "LIMIT", "1.5", "1"], ["SORT", "l", "LIMIT", "9223372036854775808", "1"],
      ["SORT", "l", "LIMIT", " 1", "1"], ["SORT", "l", "LIMIT", "1"], ["SORT", "l", "LIMIT"], ["SORT", "l", "LIMIT", "0", "1", "LIMIT", "2", "2"],
      ["SORT", "nokey", "LIMIT", "x", "1"],
    );
    await d.check(steps);
  });

  test("BY a pattern: string weights, hash fields, missing keys, keys of other types", async () => {
    await d.check([
      ["RPUSH", "l", "a", "b", "c", "d", "e"],
      ["MSET", "w_a", "3", "w_b", "1", "w_c", "2", "w_d", "1"],
      ["SORT", "l", "BY", "w_*"], ["SORT", "l", "BY", "w_*", "DESC"], ["SORT", "l", "BY", "w_*", "ALPHA"], ["SORT", "l", "BY", "w_*", "ALPHA", "DESC"],
      ["HSET", "h_a", "f", "10", "g", "x"], ["HSET", "h_b", "f", "-1"], ["HSET", "h_c", "g", "1"],
      ["SORT", "l", "BY", "h_*->f"], ["SORT", "l", "BY", "h_*->f", "DESC"], ["SORT", "l", "BY", "h_*->g", "ALPHA"], ["SORT", "l", "BY", "h_*->g"],
      // A weight key of another type counts as missing; so does a string read with ->.
      ["RPUSH", "w_e", "9"], ["SORT", "l", "BY", "w_*"], ["SORT", "l", "BY", "w_*->f"], ["SORT", "l", "BY", "h_*"],
      // Prefix and suffix around the *; only the first * is replaced.
      ["MSET", "pre_a_post", "5", "pre_b_post", "4"], ["SORT", "l", "BY", "pre_*_post"], ["SET", "x_a*", "1"], ["SORT", "l", "BY", "x_**"],
      // An arrow at the very end is part of the key name.
      ["SET", "k_b->", "-3"], ["SORT", "l", "BY", "k_*->"],
      ["SET", "w_c", "notanumber"], ["SORT", "l", "BY", "w_*"], ["SORT", "l", "BY", "w_*", "ALPHA"],
      ["SORT", "l", "BY", "w_*", "LIMIT", "1", "2"],
    ]);
  });

  test("BY without a * (BY nosort): the key's own order; sticky; set order; STORE sorts a set", async () => {
    await d.check([
      ["RPUSH", "l", "3", "1", "2", "x"], ["SORT", "l", "BY", "nosort"], ["SORT", "l", "BY", "nosort", "DESC"], ["SORT", "l", "BY", "weight"],
      ["SORT", "l", "BY", "nosort", "LIMIT", "1", "2"], ["SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"],
      ["SORT", "l", "BY", "w->f"], ["SORT", "l", "BY", "a\x00*"], ["SORT", "l", "BY", "nosort", "BY", "w_*"], ["SORT", "l", "BY", "w_*", "BY", "nosort"],
      ["ZADD", "z", "3", "c", "1", "a", "2", "b", "2", "bb"], ["SORT", "z", "BY", "nosort"], ["SORT", "z", "BY", "nosort", "DESC"],
      ["SORT", "z", "BY", "nosort", "LIMIT", "1", "2"], ["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"], ["SORT", "z", "BY", "nosort", "LIMIT", "3", "5"],
      ["SORT", "z", "BY", "nosort", "GET", "#", "GET", "w_*"],
      // An intset's order is ascending, DESC does not apply to a set's own order.
      ["SADD", "i", "5", "-1", "30", "7"], ["SORT", "i", "BY", "nosort"], ["SORT", "i", "BY", "nosort", "DESC"], ["SORT", "i", "BY", "nosort", "LIMIT", "1", "2"],
      sorted("SADD", "s", "b", "c", "a"), sorted("SORT", "s", "BY", "nosort"),
      // With STORE a set is sorted ALPHA (by every byte) instead of stored in its own order.
      ["SADD", "s2", "b", "10", "a", "9", "\x00"], ["SORT", "s2", "BY", "nosort", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
      ["SORT", "s2", "BY", "nosort", "DESC", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
      ["SORT", "s2", "BY", "nosort", "LIMIT", "1", "2", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
      ["SORT", "s2", "BY", "nosort", "GET", "#", "GET", "nokey_*", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
      ["SORT", "i", "BY", "nosort", "DESC", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
    ]);
  });

  test("GET patterns: #, strings, hash fields, several, missing (null), C-string corners", async () => {
    await d.check([
      ["RPUSH", "l", "2", "1", "3"], ["MSET", "name_1", "one", "name_2", "two", "name_3", "\x00\xff\r\n"],
      ["HSET", "h_1", "f", "F1"], ["HSET", "h_3", "f", "F3", "g", "G3"],
      ["SORT", "l", "GET", "name_*"], ["SORT", "l", "GET", "#"], ["SORT", "l", "GET", "#", "GET", "name_*", "GET", "h_*->f", "GET", "h_*->g"],
      ["SORT", "l", "GET", "nosuch_*"], ["SORT", "l", "GET", "nostar"], ["SORT", "l", "GET", "#\x00x"], ["SORT", "l", "GET", "#x"], ["SORT", "l", "GET", "##"],
      ["SORT", "l", "GET", "name_*", "DESC", "LIMIT", "1", "5"], ["SORT", "l", "GET", "name_*", "LIMIT", "5", "5"],
      ["SORT", "l", "GET", "h_*->f\x00g"], ["HSET", "h_2", "f\x00g", "NUL"], ["SORT", "l", "GET", "h_*->f\x00g"],
      ["SORT", "l", "GET", "h_\x00*->f"], ["SET", "name_", "empty"], ["SORT", "l", "GET", "name_*->"], ["SORT", "l", "GET", "name_*", "BY", "nosort"],
      ["SORT", "l", "BY", "name_*", "ALPHA", "GET", "#", "GET", "name_*"], ["SORT", "l", "GET", "*"], ["SET", "1", "k1"], ["SORT", "l", "GET", "*"],
      ["SORT", "nokey", "GET", "#", "GET", "name_*"],
    ]);
  });

  test("ALPHA by weights: ties keep the list's order; BY with LIMIT sorts partially as Redis", async () => {
    const steps: Step[] = [];
    const items: string[] = [];
    for (let i = 0; i < 60; i++) items.push(`e${(i * 37) % 60}`);
    steps.push(["RPUSH", "l", ...items]);
    // Weights from a few values only, and some missing: many ties.
    for (let i = 0; i < 60; i += 2) steps.push(["SET", `w_e${i}`, String.fromCharCode(97 + (i % 3))]);
    for (let i = 0; i < 60; i += 3) steps.push(["HSET", `h_e${i}`, "f", String(i % 4)]);
    for (const by of ["w_*", "h_*->f", "nokey_*"]) {
      for (const order of ["ASC", "DESC"]) {
        steps.push(["SORT", "l", "BY", by, "ALPHA", order]);
        for (const [offset, count] of [["0", "10"], ["5", "10"], ["20", "7"], ["50", "30"], ["0", "59"], ["1", "59"], ["0", "1"], ["59", "1"], ["30", "0"]]) {
          steps.push(["SORT", "l", "BY", by, "ALPHA", order, "LIMIT", offset!, count!]);
          steps.push(["SORT", "l", "BY", by, order, "LIMIT", offset!, count!]);
          steps.push(["SORT", "l", "BY", by, "ALPHA", order, "LIMIT", offset!, count!, "GET", "#", "GET", "w_*"]);
        }
      }
    }
    // Small lists go through insertion sort.
    steps.push(["RPUSH", "small", "a", "b", "c", "d", "e", "f"], ["SORT", "small", "BY", "x_*", "ALPHA", "LIMIT", "1", "3"], ["SORT", "small", "BY", "x_*", "ALPHA", "DESC", "LIMIT", "1", "3"]);
    await d.check(steps);
  });

  test("STORE: a list of the result (or its GETs), the count; an empty result deletes the destination", async () => {
    await d.check([
      ["RPUSH", "l", "3", "1", "2"], ["SET", "name_1", "one"],
      ["SORT", "l", "STORE", "dst"], ["TYPE", "dst"], ["LRANGE", "dst", "0", "-1"], ["OBJECT", "ENCODING", "dst"],
      ["SORT", "l", "DESC", "GET", "#", "GET", "name_*", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
      ["SORT", "l", "LIMIT", "1", "1", "STORE", "dst"], ["LRANGE", "dst", "0", "-1"],
      // Replaces a key of any type and its TTL.
      ["SET", "str", "x", "EX", "100"], ["SORT", "l", "STORE", "str"], ["TTL", "str"], ["LRANGE", "str", "0", "-1"],
      ["SORT", "l", "LIMIT", "5", "1", "STORE", "dst"], ["EXISTS", "dst"], ["SORT", "nokey", "STORE", "str"], ["EXISTS", "str"],
      ["SORT", "nokey", "STORE", "neverthere"], ["EXISTS", "neverthere"],
      // Onto itself; the last STORE wins; a set and a sorted set stored.
      ["SORT", "l", "DESC", "STORE", "l"], ["LRANGE", "l", "0", "-1"], ["SORT", "l", "STORE", "a", "STORE", "b"], ["EXISTS", "a", "b"],
      ["SADD", "s", "3", "1"], ["SORT", "s", "STORE", "s"], ["TYPE", "s"], ["LRANGE", "s", "0", "-1"],
      ["ZADD", "z", "1", "b", "2", "a"], ["SORT", "z", "ALPHA", "STORE", "zd"], ["LRANGE", "zd", "0", "-1"],
      ["SORT", "l", "STORE", "\x00\xff\r\n"], ["LRANGE", "\x00\xff\r\n", "0", "-1"], ["SORT", "l", "STORE", ""], ["LLEN", ""],
    ]);
  });

  test("errors: arity, syntax (before WRONGTYPE), WRONGTYPE; SORT_RO has no STORE", async () => {
    await d.check([
      ["SORT"], ["SORT_RO"], ["SET", "str", "x"], ["HSET", "h", "f", "v"], ["RPUSH", "l", "1"],
      ["SORT", "str"], ["SORT", "h"], ["SORT_RO", "str"], ["SORT", "str", "nosuch"], ["SORT", "str", "LIMIT", "x", "1"],
      ["SORT", "l", "nosuch"], ["SORT", "l", "BY"], ["SORT", "l", "GET"], ["SORT", "l", "STORE"], ["SORT", "l", "ALPHA", "x"],
      ["SORT_RO", "l", "STORE", "dst"], ["SORT_RO", "l", "STORE"], ["EXISTS", "dst"], ["SORT_RO", "str", "STORE", "x"],
      ["sort", "l", "alpha", "Desc", "LiMiT", "0", "1", "gEt", "#", "by", "NOSORT"], ["Sort_Ro", "l", "ALPHA"],
      ["SORT", "l", "STORE", "d", "GET"],
    ]);
  });

  test("SORT converts a listpack sorted set to a skiplist (as Redis), even when it then fails", async () => {
    await d.check([
      ["ZADD", "z", "1", "a", "2", "b"], ["OBJECT", "ENCODING", "z"], ["SORT_RO", "z", "ALPHA"], ["OBJECT", "ENCODING", "z"],
      ["ZADD", "y", "1", "a"], ["SORT", "y"], ["OBJECT", "ENCODING", "y"],
      ["ZADD", "x", "1", "a"], ["SORT", "x", "nosuch"], ["OBJECT", "ENCODING", "x"],
    ]);
  });

  test("COMMAND GETKEYS: the sorted key and the last STORE destination", async () => {
    await d.check([
      ["COMMAND", "GETKEYS", "SORT", "k"], ["COMMAND", "GETKEYS", "SORT", "k", "STORE", "d"], ["COMMAND", "GETKEYS", "SORT", "k", "store", "d", "get", "x", "STORE", "e", "BY", "y"],
      ["COMMAND", "GETKEYS", "SORT", "k", "STORE", "limit", "1", "2"], ["COMMAND", "GETKEYS", "SORT", "k", "STORE"], ["COMMAND", "GETKEYS", "SORT", "k", "GET", "store", "x"],
      ["COMMAND", "GETKEYS", "SORT", "k", "LIMIT", "store", "x", "STORE", "y"], ["COMMAND", "GETKEYS", "SORT", "k", "STORE", "store", "z"],
      ["COMMAND", "GETKEYSANDFLAGS", "SORT", "k", "STORE", "d"], ["COMMAND", "GETKEYSANDFLAGS", "SORT", "k"],
      ["COMMAND", "GETKEYS", "SORT_RO", "k", "STORE", "x"], ["COMMAND", "GETKEYSANDFLAGS", "SORT_RO", "k"],
      ["COMMAND", "INFO", "sort", "sort_ro"], ["COMMAND", "DOCS", "sort_ro"],
    ]);
  });
});

describe("SORT's parts", () => {
  test("sortScore reads numbers as strtod does", () => {
    expect(sortScore("")).toBe(0);
    expect(sortScore(" 1.5")).toBe(1.5);
    expect(sortScore("0x1p3")).toBe(8);
    expect(sortScore("-inf")).toBe(-Infinity);
    expect(sortScore("1\x00z")).toBe(1);
    expect(sortScore("1e-310")).toBeUndefined();
    expect(sortScore("0x1p-1074")).toBe(5e-324);
    expect(sortScore("nan")).toBeUndefined();
    expect(sortScore("12 ")).toBeUndefined();
  });

  test("partialSort sorts the wanted window like a full sort", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 120 }), fc.nat(), fc.nat(), (values, a, b) => {
        const n = values.length;
        const left = n === 0 ? 0 : a % n;
        const right = n === 0 ? 0 : left + (b % (n - left));
        const items = [...values];
        partialSort(items, (x, y) => x - y, left, right);
        const full = [...values].sort((x, y) => x - y);
        expect(items.slice(left, right + 1)).toEqual(full.slice(left, right + 1));
        expect([...items].sort((x, y) => x - y)).toEqual(full);
      }),
    );
  });
});

describe("SORT property: random collections and options, compared with redis-server", () => {
  const members = fc.constantFrom("1", "2", "3", "10", "-1", "0", "1.5", "07", "a", "b", "B", "ab", "", "\x00", "\xff", "x\r\n", "1e3", " 4");
  const integers = fc.constantFrom("1", "2", "3", "10", "-1", "0", "-25", "100", "7", "9223372036854775807");
  const weight = fc.constantFrom("1", "2", "0", "-1", "b", "a", "", "1.5", "x\x00");
  type Kind = "list" | "intset" | "set" | "zset";

  const scenario = fc.record({
    kind: fc.constantFrom<Kind>("list", "intset", "set", "zset"),
    elements: fc.array(members, { maxLength: 50 }),
    numbers: fc.array(integers, { maxLength: 25 }),
    weights: fc.array(fc.tuple(members, weight), { maxLength: 12 }),
    fields: fc.array(fc.tuple(members, weight), { maxLength: 12 }),
    names: fc.array(fc.tuple(members, members), { maxLength: 10 }),
    by: fc.option(fc.constantFrom("w_*", "h_*->f", "nosort", "nokey_*", "w_*->f"), { nil: undefined }),
    gets: fc.array(fc.constantFrom("#", "n_*", "h_*->f", "w_*", "none"), { maxLength: 3 }),
    limit: fc.option(fc.tuple(fc.integer({ min: -2, max: 30 }), fc.integer({ min: -2, max: 30 })), { nil: undefined }),
    desc: fc.boolean(),
    alpha: fc.boolean(),
    store: fc.boolean(),
    readonly: fc.boolean(),
  });

  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

  /** The setup commands and the SORT for one scenario, and whether its order may legitimately differ. */
  function build(s: Scenario): { setup: Step[]; sortArgs: string[]; unorderedResult: boolean } {
    const setup: Step[] = [];
    const values = s.kind === "intset" ? s.numbers : s.elements;
    if (values.length > 0) {
      if (s.kind === "list") setup.push(["RPUSH", "k", ...values]);
      else if (s.kind === "zset") setup.push(["ZADD", "k", ...values.flatMap((member, i) => [String((i * 7) % 5), member])]);
      else setup.push(["SADD", "k", ...values]);
    }
    for (const [member, value] of s.weights) setup.push(["SET", `w_${member}`, value]);
    for (const [member, value] of s.fields) setup.push(["HSET", `h_${member}`, "f", value]);
    for (const [member, value] of s.names) setup.push(["SET", `n_${member}`, value]);
    const args = [s.readonly && !s.store ? "SORT_RO" : "SORT", "k"];
    if (s.by !== undefined) args.push("BY", s.by);
    if (s.limit !== undefined) args.push("LIMIT", String(s.limit[0]), String(s.limit[1]));
    for (const pattern of s.gets) args.push("GET", pattern);
    if (s.desc) args.push("DESC");
    if (s.alpha) args.push("ALPHA");
    if (s.store) args.push("STORE", "dst");
    // Where Redis reads elements in its hash order (a hashtable set, a sorted set's dict) and the
    // comparison leaves ties, or a set is returned in its own order, the order is Redis's own.
    const hashOrder = s.kind === "set" || s.kind === "zset";
    const byPattern = s.by !== undefined && s.by.includes("*");
    const nulTies = s.alpha && !s.store && !byPattern && values.some((v) => v.includes("\x00"));
    const unorderedResult = hashOrder && ((s.alpha && byPattern) || nulTies || (s.kind === "set" && s.by === "nosort" && !s.store));
    return { setup, sortArgs: args, unorderedResult };
  }

  /** With `getCount` values per element: the groups sorted, or only the count when a LIMIT window picks among ties. */
  function normalizer(getCount: number, windowed: boolean): (reply: string) => string {
    return (reply) => {
      if (reply[0] !== "*" || reply.startsWith("*-1")) return reply;
      const { header, items } = splitAggregate(reply);
      if (windowed) return header;
      const groups: string[] = [];
      const size = Math.max(1, getCount);
      for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size).join(""));
      return header + "\r\n" + groups.sort().join("");
    };
  }

  test("random SORT calls agree with redis-server (RESP2 and RESP3)", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const [redis, bunredis] = await d.connect(protocol);
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const { setup, sortArgs, unorderedResult } = build(s);
          await Promise.all([redis.call("FLUSHALL"), bunredis.call("FLUSHALL")]);
          for (const step of setup) {
            const args = step as string[];
            const [a, b] = await Promise.all([redis.call(...args), bunredis.call(...args)]);
            expect(b).toBe(a);
          }
          const windowed = unorderedResult && s.limit !== undefined;
          const normalize = unorderedResult ? normalizer(s.gets.length, windowed) : (reply: string) => reply;
          const [a, b] = await Promise.all([redis.call(...sortArgs), bunredis.call(...sortArgs)]);
          expect({ args: sortArgs, reply: normalize(b) }).toEqual({ args: sortArgs, reply: normalize(a) });
          if (s.store) {
            const [la, lb] = await Promise.all([redis.call("LRANGE", "dst", "0", "-1"), bunredis.call("LRANGE", "dst", "0", "-1")]);
            expect({ args: sortArgs, stored: normalize(lb) }).toEqual({ args: sortArgs, stored: normalize(la) });
          }
        }),
        { numRuns: 300 },
      );
    }
  }, 60_000);
});
