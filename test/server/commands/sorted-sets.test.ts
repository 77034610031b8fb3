import { describe, expect, test } from "bun:test";
import { startServer } from "../../../src/lib.ts";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

const BINARY = "\x00\xff\r\n\x01bin\x7f\x80";
const LONG = "m".repeat(65);
/** A command written as words (no spaces inside arguments). */
const c = (line: string): string[] => line.split(" ");
const steps = (...lines: (string | string[])[]): Step[] => lines.map((line) => (typeof line === "string" ? c(line) : line));
/** Resets the encoding thresholds both servers may have been given by an earlier test. */
const DEFAULT_LIMITS = steps("CONFIG SET zset-max-listpack-entries 128", "CONFIG SET zset-max-listpack-value 64");

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
  for (let i = 0; i + 1 < items.length; i += 2) pairs.push(`${items[i]}=${items[i + 1]}`);
  return `${cursor} ${pairs.sort().join(" ")}`;
}

describe("ZADD and ZINCRBY", () => {
  test("adding, updating, CH, and the reply counts", async () => {
    await d.check(steps(
      "ZADD k 1 a", "ZADD k 2 b 3 c", "ZADD k 1 a", "ZADD k 5 a", "ZADD k CH 5 a 6 b 7 d", "ZADD k ch 1 a 1 a 2 a",
      "ZRANGE k 0 -1 WITHSCORES", "ZCARD k", "zadd k 1 x", "ZaDd k Ch 9 x", "ZSCORE k x", "TYPE k", "OBJECT ENCODING k",
    ));
  });

  test("NX, XX, GT, LT and their combinations", async () => {
    await d.check(steps(
      "ZADD k 10 a 20 b", "ZADD k NX 1 a 1 c", "ZADD k XX 2 a 2 d", "ZADD k XX CH 3 a 3 d", "ZADD k GT 1 a", "ZADD k GT CH 5 a",
      "ZADD k LT CH 9 a", "ZADD k LT CH 4 a", "ZADD k GT 7 new", "ZADD k LT 7 new2", "ZADD k XX GT CH 100 a 1 b 5 nope",
      "ZADD k XX LT CH 0 a 50 b", "ZRANGE k 0 -1 WITHSCORES", "ZADD nokey XX 1 a", "EXISTS nokey", "ZADD nokey2 NX 1 a", "ZRANGE nokey2 0 -1",
      "ZADD k nx nx 1 z", "ZADD k gt gt 1 z", "ZADD k ch ch 2 z", "ZRANGE k 0 -1 WITHSCORES",
    ));
  });

  test("INCR and ZINCRBY reply the new score, or null when nothing was done", async () => {
    await d.check(steps(
      "ZINCRBY k 1 a", "ZINCRBY k 1.5 a", "ZINCRBY k -10 a", "ZADD k INCR 2 a", "ZADD k INCR 2 b", "ZADD k NX INCR 1 a",
      "ZADD k XX INCR 1 a", "ZADD k XX INCR 1 nope", "ZADD k GT INCR -1 a", "ZADD k GT INCR 1 a", "ZADD k LT INCR 1 a", "ZADD k LT INCR -1 a",
      "ZADD k INCR 0 a", "ZADD k CH INCR 0.1 a", "ZINCRBY k inf a", "ZINCRBY k -inf a", "ZINCRBY k inf b", "ZINCRBY k 1 b", "ZSCORE k a",
      "ZADD nokey XX INCR 1 a", "EXISTS nokey", "ZINCRBY k 1e308 c", "ZINCRBY k 1e308 c", "ZINCRBY k 0.1 d", "ZINCRBY k 0.2 d",
      "ZRANGE k 0 -1 WITHSCORES",
    ));
  });

  test("option and argument errors, checked before anything changes", async () => {
    await d.check(steps(
      "ZADD k", "ZADD k 1", "ZADD k 1 a 2", "ZADD k NX", "ZADD k NX XX 1 a", "ZADD k XX NX 1 a", "ZADD k GT LT 1 a", "ZADD k GT NX 1 a",
      "ZADD k LT NX 1 a", "ZADD k INCR 1 a 2 b", "ZADD k INCR GT LT 1 a", "ZADD k NX XX GT 1 a 2", "ZADD k x a", "ZADD k 1 a x b",
      "ZADD k 1 a nan b", "EXISTS k", "ZADD k FOO 1 a", "ZADD k 1 a 2 b 3", "ZINCRBY k", "ZINCRBY k 1", "ZINCRBY k 1 a b",
      "ZINCRBY k x a", "ZINCRBY k nx 1", "ZINCRBY k 1 nx", "ZINCRBY k incr a", "ZINCRBY k nan a", "ZSCORE k nx",
      "ZADD k 1 a", "ZINCRBY k -inf a", "ZADD k INCR -inf a", "ZADD k inf a", "ZINCRBY k -inf a", "ZSCORE k a",
    ));
  });

  test("scores: every float form Redis reads, and what it refuses", async () => {
    const forms = ["0", "-0", "1.5", ".5", "5.", "-.5", "+5", "1e5", "1E-5", "1e+5", "0x10", "0X1p3", "0x1.8p1", "-0x.8", "inf", "-inf", "+inf",
      "INF", "Infinity", "-infinity", "1e308", "1e-310", "4.9e-324", "1.7976931348623157e308", "123456789012345678901234567890",
      "0.1", "3.14159265358979323846", "-1e-320", "0e-999", "007", "-007.50", "1.0000000000000002"];
    const bad = ["", " 1", "1 ", "1\x00", "nan", "-nan", "NaN", "1e", "1e+", "0x", "0xg", "e5", ".", "-", "+", "1.2.3", "2e308", "-2e308", "1e-400",
      "0x1p99999", "0x1p-99999", "1,5", "1_000", "infinit", "infinityy", "inf ", "\t1", "١"];
    const list: Step[] = [];
    forms.forEach((form, i) => list.push(["ZADD", "k", form, `m${i}`], ["ZSCORE", "k", `m${i}`]));
    for (const form of bad) list.push(["ZADD", "k", form, "bad"], ["ZINCRBY", "k", form, "bad"]);
    list.push(["ZRANGE", "k", "0", "-1", "WITHSCORES"], ["ZCARD", "k"]);
    await d.check(list);
  });

  test("empty and binary members", async () => {
    await d.check([
      ["ZADD", BINARY, "1", BINARY, "2", "", "3", "\r\n", "0", "\x00"], ["ZRANGE", BINARY, "0", "-1", "WITHSCORES"], ["ZSCORE", BINARY, ""],
      ["ZRANK", BINARY, "\r\n"], ["ZREM", BINARY, "\x00"], ["ZRANGE", BINARY, "0", "-1"], ["ZADD", "", "1", ""], ["ZRANGE", "", "0", "-1"],
      ["ZADD", "b", "0", "a", "0", "a\x00", "0", "\xff", "0", "\x7f", "0", "\x80", "0", "A", "0", "ab", "0", ""], ["ZRANGE", "b", "0", "-1"],
      ["ZRANGEBYLEX", "b", "[a", "[\xff"], ["ZRANGEBYLEX", "b", "(a", "+"], ["ZRANGEBYLEX", "b", "-", "(\x80"], ["ZLEXCOUNT", "b", "[", "[a\x00"],
    ]);
  });
});

describe("scores as Redis prints and stores them", () => {
  test("17 significant digits, inf, and doubles in RESP3", async () => {
    await d.check(steps(
      "ZADD k 1.1 a 0.1 b 1e17 c 1e-5 d 123456789.123 e -1.5e-10 f 2.5 g 1e16 h 0.3 i", "ZRANGE k 0 -1 WITHSCORES", "ZSCORE k a",
      "ZMSCORE k a b c nope", "ZINCRBY k 0.2 b", "ZADD k inf pinf -inf ninf", "ZRANGE k 0 -1 WITHSCORES", "ZPOPMAX k", "ZPOPMIN k 2",
      "ZSCAN k 0", "ZRANDMEMBER k 100 WITHSCORES",
      "ZADD big 1e17 a 4611686018427387904 b 4611686018427388928 c -4611686018427387904 d 123456789012345678 e 9007199254740993 f -1e17 g 1e15 h",
      "ZSCAN big 0", "ZRANGE big 0 -1 WITHSCORES",
    ));
    await d.check([["ZADD", "big", "1e17", "a", "4611686018427387904", "b", "4611686018427388928", "c", "1", LONG, "-1e17", "g", "9007199254740993", "f"], { args: ["ZSCAN", "big", "0", "COUNT", "100"], normalize: sortedScan }]);
  });

  test("-0 is kept by a skiplist and read back as 0 from a listpack", async () => {
    await d.check([
      ...steps("ZADD lp -0 a 0 b", "ZSCORE lp a", "ZADD lp INCR -0 c", "ZINCRBY lp -0 d", "ZRANGE lp 0 -1 WITHSCORES", "ZSCAN lp 0"),
      ["ZADD", "sl", "-0", LONG], ...steps("ZADD sl -0 a 0 b", "ZSCORE sl a", "ZINCRBY sl -0 a", "ZINCRBY sl 0 b", "ZADD sl 0 a", "ZSCORE sl a"),
      ...steps("ZRANGE sl 0 -1 WITHSCORES"), { args: c("ZSCAN sl 0"), normalize: sortedScan }, ...steps("ZRANGEBYSCORE sl -0 0", "ZRANGEBYSCORE sl (-0 0", "ZCOUNT sl 0 -0"),
      ...steps("ZUNION 1 sl WITHSCORES", "ZUNIONSTORE u 1 sl", "ZRANGE u 0 -1 WITHSCORES", "OBJECT ENCODING u", "ZRANGESTORE r sl 0 -1"),
      ...steps("ZRANGE r 0 -1 WITHSCORES", "OBJECT ENCODING r", "ZUNION 2 sl sl WEIGHTS -1 1 WITHSCORES", "ZINTER 2 sl lp AGGREGATE MIN WITHSCORES"),
      ...steps("ZPOPMIN sl 2", "ZRANDMEMBER sl 10 WITHSCORES"),
    ]);
  });
});

describe("reading: ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT", () => {
  test("answers on present and missing keys and members", async () => {
    await d.check(steps(
      "ZADD k 1 a 2 b 3 c 3 d", "ZCARD k", "ZCARD nokey", "ZSCORE k a", "ZSCORE k nope", "ZSCORE nokey a", "ZMSCORE k a nope d",
      "ZMSCORE nokey a b", "ZRANK k a", "ZRANK k d", "ZRANK k nope", "ZRANK nokey a", "ZREVRANK k a", "ZREVRANK k d", "ZREVRANK nokey a",
      "ZCOUNT k 1 3", "ZCOUNT k (1 3", "ZCOUNT k (1 (3", "ZCOUNT k -inf +inf", "ZCOUNT k 3 1", "ZCOUNT k (3 3", "ZCOUNT nokey 0 1",
      "ZADD l 0 a 0 b 0 c 0 d", "ZLEXCOUNT l - +", "ZLEXCOUNT l [b [c", "ZLEXCOUNT l (b [c", "ZLEXCOUNT l (b (c", "ZLEXCOUNT l + -",
      "ZLEXCOUNT l - -", "ZLEXCOUNT l [c [b", "ZLEXCOUNT l [b [b", "ZLEXCOUNT l (b [b", "ZLEXCOUNT nokey - +",
    ));
  });

  test("arity, range syntax and WRONGTYPE (range errors come first)", async () => {
    await d.check(steps(
      "SET str x", "ZCARD", "ZCARD a b", "ZSCORE k", "ZMSCORE k", "ZRANK k", "ZRANK k a WITHSCORE", "ZREVRANK k a b", "ZCOUNT k 1",
      "ZLEXCOUNT k -", "ZCARD str", "ZSCORE str a", "ZMSCORE str a", "ZRANK str a", "ZREVRANK str a", "ZCOUNT str 0 1", "ZLEXCOUNT str - +",
      "ZCOUNT k x 1", "ZCOUNT k 1 x", "ZCOUNT str x 1", "ZCOUNT k nan 1", "ZCOUNT k ((1 2", "ZLEXCOUNT k a +", "ZLEXCOUNT str a +",
      "ZLEXCOUNT k +a -", "ZLEXCOUNT k -a +", "ZLEXCOUNT k [a a",
    ));
    await d.check([["ZLEXCOUNT", "k", "", "+"], ["ZCOUNT", "k", "", ""], ["ZLEXCOUNT", "k", "-\x00x", "+\x00y"]]);
  });
});

describe("ZRANGE and the older range commands", () => {
  const data = steps("ZADD k 1 a 2 b 3 c 4 d 5 e 5 f 6 g", "ZADD l 0 a 0 b 0 c 0 d 0 e 0 f 0 g");

  test("by rank, forwards and in reverse, with every kind of index", async () => {
    const list: Step[] = [...data];
    for (const [start, end] of [["0", "-1"], ["0", "0"], ["2", "4"], ["-3", "-1"], ["-100", "100"], ["5", "2"], ["7", "10"], ["-1", "-2"],
      ["-9223372036854775808", "9223372036854775807"], ["9223372036854775807", "9223372036854775807"], ["1", "-7"], ["0", "-8"]]) {
      list.push(["ZRANGE", "k", start!, end!], ["ZRANGE", "k", start!, end!, "REV", "WITHSCORES"], ["ZREVRANGE", "k", start!, end!, "WITHSCORES"]);
    }
    list.push(...steps("ZRANGE nokey 0 -1", "ZREVRANGE nokey 0 -1 WITHSCORES", "ZRANGE k 0 -1 withscores rev", "ZRANGE k 0 -1 LIMIT 0 -1"));
    await d.check(list);
  });

  test("by score: open and closed ends, infinities, LIMIT, REV", async () => {
    await d.check([...data, ...steps(
      "ZRANGE k 2 5 BYSCORE", "ZRANGE k (2 5 BYSCORE WITHSCORES", "ZRANGE k 2 (5 BYSCORE", "ZRANGE k (2 (5 BYSCORE", "ZRANGE k -inf +inf BYSCORE",
      "ZRANGE k (-inf (+inf BYSCORE", "ZRANGE k 5 2 BYSCORE REV WITHSCORES", "ZRANGE k 2 5 BYSCORE REV", "ZRANGE k (5 (2 BYSCORE REV",
      "ZRANGE k 1 6 BYSCORE LIMIT 1 3", "ZRANGE k 6 1 BYSCORE REV LIMIT 1 3 WITHSCORES", "ZRANGE k 1 6 BYSCORE LIMIT 0 0", "ZRANGE k 1 6 BYSCORE LIMIT 0 -5",
      "ZRANGE k 1 6 BYSCORE LIMIT -1 2", "ZRANGE k 1 6 BYSCORE LIMIT 6 10", "ZRANGE k 1 6 BYSCORE LIMIT 7 10", "ZRANGE k 1 6 BYSCORE LIMIT 100 1",
      "ZRANGE k 5 5 BYSCORE", "ZRANGE k (5 5 BYSCORE", "ZRANGE k 7 8 BYSCORE", "ZRANGE k 0 0.5 BYSCORE", "ZRANGE k 1e999 -1e999 BYSCORE REV",
      "ZRANGEBYSCORE k 2 5", "ZRANGEBYSCORE k 2 5 WITHSCORES LIMIT 1 2", "ZRANGEBYSCORE k 2 5 LIMIT 1 2 WITHSCORES", "ZRANGEBYSCORE k -inf inf LIMIT 2 -1",
      "ZREVRANGEBYSCORE k 5 2", "ZREVRANGEBYSCORE k 5 2 WITHSCORES LIMIT 1 2", "ZREVRANGEBYSCORE k +inf -inf LIMIT 0 3", "ZREVRANGEBYSCORE k 2 5",
      "ZRANGEBYSCORE nokey 0 1", "ZRANGE k 0x1 0x3 BYSCORE", "ZRANGE k 1e0 5E-0 BYSCORE", "ZRANGE k .5 5. BYSCORE",
      "ZRANGE k 1 6 BYSCORE LIMIT 1 9223372036854775807", "ZRANGE k 1 6 BYSCORE LIMIT 9223372036854775807 1",
    )]);
  });

  test("by score: range ends as strtod reads them (spaces, NUL, empty)", async () => {
    await d.check([
      ...data, ["ZRANGE", "k", " 2", "5", "BYSCORE"], ["ZRANGE", "k", "2 ", "5", "BYSCORE"], ["ZRANGE", "k", "(", "3", "BYSCORE"], ["ZRANGE", "k", "", "3", "BYSCORE"],
      ["ZRANGE", "k", "2\x00junk", "(4\x00x", "BYSCORE"], ["ZRANGE", "k", "\x00", "9", "BYSCORE"], ["ZRANGE", "k", "( 2", "\t5", "BYSCORE"],
      ["ZRANGE", "k", "infinity", "-INF", "BYSCORE", "REV"], ["ZRANGE", "k", "nan", "1", "BYSCORE"], ["ZRANGE", "k", "1", "(nan", "BYSCORE"],
      ["ZRANGE", "k", "nan(123)", "1", "BYSCORE"], ["ZRANGE", "k", "1e", "2", "BYSCORE"], ["ZRANGE", "k", "0x", "2", "BYSCORE"], ["ZRANGE", "k", "((1", "2", "BYSCORE"],
      ["ZRANGE", "k", "[1", "2", "BYSCORE"], ["ZRANGE", "k", "-", "2", "BYSCORE"], ["ZRANGE", "k", "1e400", "2", "BYSCORE"], ["ZCOUNT", "k", "-1e400", "1e-400"],
      ["ZRANGE", "k", " ", "2", "BYSCORE"], ["ZRANGE", "k", "+", "2", "BYSCORE"], ["ZRANGE", "k", "1.5.", "2", "BYSCORE"], ["ZCOUNT", "k", "0x1p1", "0x1.4p2"],
    ]);
  });

  test("by lex: [ ( - + ends, LIMIT, REV", async () => {
    await d.check([...data, ...steps(
      "ZRANGE l [b [e BYLEX", "ZRANGE l (b [e BYLEX", "ZRANGE l (b (e BYLEX", "ZRANGE l - + BYLEX", "ZRANGE l + - BYLEX REV", "ZRANGE l [e [b BYLEX REV",
      "ZRANGE l - + BYLEX LIMIT 2 3", "ZRANGE l + - BYLEX REV LIMIT 2 3", "ZRANGE l - + BYLEX LIMIT 2 0", "ZRANGE l - + BYLEX LIMIT -2 2",
      "ZRANGE l - + BYLEX LIMIT 7 1", "ZRANGE l - + BYLEX LIMIT 6 -1", "ZRANGE l [c [c BYLEX", "ZRANGE l (c [c BYLEX", "ZRANGE l [z + BYLEX",
      "ZRANGE l - [0 BYLEX", "ZRANGE l [ [a BYLEX", "ZRANGE l ( + BYLEX", "ZRANGEBYLEX l [b [d", "ZRANGEBYLEX l - + LIMIT 1 2",
      "ZREVRANGEBYLEX l [d [b", "ZREVRANGEBYLEX l + - LIMIT 1 2", "ZREVRANGEBYLEX l [b [d", "ZRANGEBYLEX nokey - +",
      "ZRANGEBYLEX k - +", "ZRANGEBYLEX k [b [e", "ZRANGEBYLEX k (c +", "ZREVRANGEBYLEX k + (c LIMIT 1 2", "ZLEXCOUNT k [b [e",
    )]);
  });

  test("option errors, in Redis's order", async () => {
    await d.check([...data, ...steps(
      "ZRANGE k 0", "ZRANGE k 0 1 FOO", "ZRANGE k 0 1 LIMIT", "ZRANGE k 0 1 LIMIT 0", "ZRANGE k 0 1 LIMIT 0 1", "ZRANGE k 0 1 WITHSCORES LIMIT 1 1",
      "ZRANGE k [a [b BYLEX WITHSCORES", "ZRANGE k x 1 BYLEX WITHSCORES", "ZRANGE k 0 1 BYSCORE BYSCORE", "ZRANGE k 0 1 BYSCORE BYLEX",
      "ZRANGE k 0 1 REV REV", "ZRANGE k x 1", "ZRANGE k 0 x", "ZRANGE k x 1 BYSCORE", "ZRANGE k [x 1 BYLEX", "ZRANGE k 0 1 BYSCORE LIMIT x 1",
      "ZRANGE k 0 1 BYSCORE LIMIT 1 x", "ZRANGE k x 1 BYSCORE LIMIT x 1", "ZRANGE nokey x 1", "ZRANGE nokey x 1 BYSCORE", "ZRANGE nokey 0 1 FOO",
      "ZRANGE k 0 9223372036854775808", "ZRANGE k 0 1 LIMIT 0 -1 WITHSCORES", "ZRANGEBYSCORE k 0 1 REV", "ZRANGEBYSCORE k 0 1 BYSCORE",
      "ZRANGEBYSCORE k 0 1 BYLEX", "ZRANGEBYSCORE k 0", "ZRANGEBYSCORE k 0 1 LIMIT 1", "ZREVRANGEBYSCORE k 0 1 REV", "ZRANGEBYLEX k - + WITHSCORES",
      "ZRANGEBYLEX k - + REV", "ZRANGEBYLEX k - + BYSCORE", "ZRANGEBYLEX k a b", "ZREVRANGEBYLEX k a b", "ZREVRANGE k 0 1 LIMIT 0 1",
      "ZREVRANGE k 0 1 BYSCORE", "ZREVRANGE k 0 1 REV", "ZREVRANGE k 0", "ZREVRANGE k 0 1 WITHSCORES WITHSCORES",
      "SET str x", "ZRANGE str 0 1", "ZRANGE str x 1", "ZRANGE str 0 1 FOO", "ZRANGEBYSCORE str 0 1", "ZRANGEBYLEX str - +", "ZREVRANGE str 0 1",
    )]);
  });
});

describe("ZRANGESTORE", () => {
  test("stores rank, score and lex ranges; an empty result deletes the destination", async () => {
    await d.check(steps(
      "ZADD k 1 a 2 b 3 c 4 d 5 e", "ZRANGESTORE d k 0 2", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d k 1 -1 REV", "ZRANGE d 0 -1 WITHSCORES",
      "ZRANGESTORE d k (1 4 BYSCORE LIMIT 1 2", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d k 4 (1 BYSCORE REV LIMIT 0 2", "ZRANGE d 0 -1 WITHSCORES",
      "ZRANGESTORE d k [b [d BYLEX", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d k 10 20", "EXISTS d", "ZRANGESTORE d k 0 0", "ZRANGESTORE d nokey 0 -1",
      "EXISTS d", "SET str x", "ZRANGESTORE str k 0 1", "TYPE str", "ZRANGE str 0 -1", "ZRANGESTORE d str 0 1", "ZRANGESTORE k k 1 2", "ZRANGE k 0 -1",
      "ZRANGESTORE d k 0 -1 WITHSCORES", "ZRANGESTORE d k 0 -1 LIMIT 0 1", "ZRANGESTORE d k 0", "ZRANGESTORE d k x 1", "ZRANGESTORE d k 0 1 FOO",
      "ZRANGESTORE d k 0 1 BYSCORE LIMIT 5 1", "EXISTS d", "ZRANGESTORE d nokey x 1", "ZRANGESTORE d k -inf +inf BYSCORE LIMIT -1 1",
    ));
  });
});

describe("removing: ZREM and ZREMRANGEBY*", () => {
  test("ZREM removes what is there and deletes an emptied key", async () => {
    await d.check(steps(
      "ZADD k 1 a 2 b 3 c", "ZREM k a nope", "ZREM k a", "ZRANGE k 0 -1", "ZREM nokey a", "ZREM k b c b", "EXISTS k", "ZREM k",
      "SET str x", "ZREM str a",
    ));
  });

  test("by rank, score and lex", async () => {
    const fill = "ZADD k 1 a 2 b 3 c 4 d 5 e";
    const lex = "ZADD l 0 a 0 b 0 c 0 d 0 e";
    await d.check(steps(
      fill, "ZREMRANGEBYRANK k 1 2", "ZRANGE k 0 -1", "ZREMRANGEBYRANK k -1 -1", "ZREMRANGEBYRANK k 5 10", "ZREMRANGEBYRANK k 2 1",
      "ZREMRANGEBYRANK k -100 100", "EXISTS k", "ZREMRANGEBYRANK nokey 0 -1", fill, "ZREMRANGEBYSCORE k (1 3", "ZRANGE k 0 -1",
      "ZREMRANGEBYSCORE k 5 1", "ZREMRANGEBYSCORE k (5 5", "ZREMRANGEBYSCORE k -inf +inf", "EXISTS k", "ZREMRANGEBYSCORE nokey 0 1",
      lex, "ZREMRANGEBYLEX l (a [c", "ZRANGE l 0 -1", "ZREMRANGEBYLEX l + -", "ZREMRANGEBYLEX l - (a", "ZREMRANGEBYLEX l - +", "EXISTS l",
      "ZREMRANGEBYLEX nokey - +", fill, "ZREMRANGEBYLEX k [b [d", "ZRANGE k 0 -1",
    ));
  });

  test("errors: arguments first, then the type", async () => {
    await d.check(steps(
      "SET str x", "ZREMRANGEBYRANK k 0", "ZREMRANGEBYRANK k x 1", "ZREMRANGEBYRANK str x 1", "ZREMRANGEBYRANK str 0 1", "ZREMRANGEBYSCORE k x 1",
      "ZREMRANGEBYSCORE str x 1", "ZREMRANGEBYSCORE str 0 1", "ZREMRANGEBYLEX k x +", "ZREMRANGEBYLEX str x +", "ZREMRANGEBYLEX str - +",
      "ZREMRANGEBYSCORE k 0 1 2", "ZREMRANGEBYLEX k - + x",
    ));
  });
});

describe("popping: ZPOPMIN, ZPOPMAX, ZMPOP", () => {
  test("ZPOPMIN and ZPOPMAX with and without a count (flat in RESP2 and without a count, pairs with one in RESP3)", async () => {
    await d.check(steps(
      "ZADD k 1 a 2 b 3 c 4 d 5 e", "ZPOPMIN k", "ZPOPMAX k", "ZPOPMIN k 1", "ZPOPMAX k 1", "ZPOPMIN k 0", "ZPOPMAX k 10", "EXISTS k",
      "ZPOPMIN k", "ZPOPMIN k 3", "ZPOPMAX nokey", "ZPOPMAX nokey 0", "ZADD k 1 a 1 b 1 c", "ZPOPMAX k 2", "ZPOPMIN k 9223372036854775807",
      "ZPOPMIN k -1", "ZPOPMIN k x", "ZPOPMIN nokey x", "ZPOPMIN k 1 2", "ZPOPMIN", "SET str x", "ZPOPMIN str", "ZPOPMAX str 0", "ZPOPMIN str x",
    ));
  });

  test("ZMPOP takes from the first non-empty key", async () => {
    await d.check(steps(
      "ZADD a 1 x 2 y 3 z", "ZADD b 10 p", "ZMPOP 2 nokey a MIN", "ZMPOP 2 nokey a MAX COUNT 5", "EXISTS a", "ZMPOP 3 nokey a b max",
      "ZMPOP 1 b MIN", "ZMPOP 2 a b MIN", "ZMPOP 2 a b MIN COUNT 3", "ZADD a 1 x 2 y", "ZMPOP 1 a min count 1", "SET str x", "ZMPOP 2 a str MIN",
      "ZMPOP 2 str a MIN", "ZMPOP 2 nokey str MIN", "ZMPOP 1 nokey MAX",
    ));
  });

  test("ZMPOP argument errors", async () => {
    await d.check(steps(
      "ZADD k 1 a", "ZMPOP", "ZMPOP 1", "ZMPOP 1 k", "ZMPOP 0 k MIN", "ZMPOP -1 k MIN", "ZMPOP x k MIN", "ZMPOP 2 k MIN", "ZMPOP 1 k FOO",
      "ZMPOP 1 k MIN COUNT", "ZMPOP 1 k MIN COUNT 0", "ZMPOP 1 k MIN COUNT -1", "ZMPOP 1 k MIN COUNT x", "ZMPOP 1 k MIN COUNT 1 COUNT 1",
      "ZMPOP 1 k MIN FOO", "ZMPOP 1 nokey MIN COUNT 0", "ZMPOP 9223372036854775807 k MIN", "ZMPOP 9223372036854775808 k MIN", "ZMPOP 1 k MIN",
    ));
  });
});

describe("set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD", () => {
  const data = steps("ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w", "ZADD c 100 z");

  test("results, WEIGHTS and AGGREGATE, WITHSCORES", async () => {
    await d.check([...data, ...steps(
      "ZUNION 2 a b", "ZUNION 2 a b WITHSCORES", "ZUNION 3 a b c WEIGHTS 1 2 3 WITHSCORES", "ZUNION 2 a b AGGREGATE MIN WITHSCORES",
      "ZUNION 2 a b aggregate max withscores", "ZUNION 2 a b WEIGHTS 2 3 WEIGHTS 1 1 WITHSCORES", "ZUNION 2 a b WITHSCORES WITHSCORES",
      "ZUNION 2 a nokey WITHSCORES", "ZUNION 1 nokey", "ZINTER 2 a b WITHSCORES", "ZINTER 3 a b c WITHSCORES", "ZINTER 2 a b AGGREGATE MAX WITHSCORES",
      "ZINTER 2 a b WEIGHTS -1 0.5 WITHSCORES", "ZINTER 2 a nokey", "ZINTER 2 a a WEIGHTS 1 2 WITHSCORES", "ZDIFF 2 a b WITHSCORES", "ZDIFF 3 b a c",
      "ZDIFF 1 a WITHSCORES", "ZDIFF 2 nokey a", "ZDIFF 2 a a", "ZINTERCARD 2 a b", "ZINTERCARD 2 a b LIMIT 1", "ZINTERCARD 2 a b LIMIT 0",
      "ZINTERCARD 3 a b c", "ZINTERCARD 2 a nokey", "ZINTERCARD 1 a LIMIT 2",
    )]);
  });

  test("STORE forms: count, result, encoding, an empty result deletes the destination", async () => {
    await d.check([...data, ...steps(
      "ZUNIONSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES", "OBJECT ENCODING d", "ZINTERSTORE d 2 a b WEIGHTS 2 2 AGGREGATE MIN", "ZRANGE d 0 -1 WITHSCORES",
      "ZDIFFSTORE d 2 b a", "ZRANGE d 0 -1 WITHSCORES", "ZINTERSTORE d 2 a c", "ZRANGE d 0 -1 WITHSCORES", "ZINTERSTORE d 2 a nokey", "EXISTS d",
      "ZDIFFSTORE d 2 a a", "EXISTS d", "SET str x", "ZUNIONSTORE str 1 a", "TYPE str", "ZUNIONSTORE a 2 a b", "ZRANGE a 0 -1 WITHSCORES",
      "ZUNIONSTORE d 1 nokey", "ZDIFFSTORE d 1 b", "ZRANGE d 0 -1",
    )]);
  });

  test("plain sets are inputs whose members score 1; other types are WRONGTYPE", async () => {
    await d.check([...data, ...steps(
      "SADD ints 1 2 3", "SADD words x y q", "ZADD n 5 1 7 q", "ZUNION 3 a ints words WITHSCORES", "ZUNION 2 words a WEIGHTS 3 1 AGGREGATE MAX WITHSCORES",
      "ZINTER 2 a words WITHSCORES", "ZINTER 2 words a WEIGHTS 2 1 WITHSCORES", "ZINTER 2 n ints WITHSCORES", "ZINTER 2 ints words", "ZDIFF 2 words a WITHSCORES",
      "ZDIFF 2 a words WITHSCORES", "ZDIFF 2 ints n", "ZINTERCARD 2 words a", "ZINTERCARD 2 ints n LIMIT 1", "ZUNIONSTORE d 2 ints words", "ZRANGE d 0 -1 WITHSCORES",
      "OBJECT ENCODING d", "ZINTERSTORE d 2 words n WEIGHTS 10 1", "ZRANGE d 0 -1 WITHSCORES", "ZDIFFSTORE d 2 ints n", "ZRANGE d 0 -1 WITHSCORES", "ZUNION 1 ints WEIGHTS 0.5 WITHSCORES",
      "LPUSH list a", "HSET hash f v", "ZUNION 2 a list", "ZINTER 2 hash a", "ZINTERCARD 2 a list", "ZDIFFSTORE d 2 a hash", "ZRANGE list 0 -1", "ZADD hash 1 a",
      "ZRANGESTORE d list 0 1", "ZSCORE ints 1", "ZPOPMIN words", "ZMPOP 2 nokey ints MIN", "ZRANDMEMBER ints", "ZSCAN ints 0", "ZREM hash f", "ZCARD list",
    )]);
  });

  test("infinities and NaN conventions: 0 × inf counts as 0, inf + -inf sums to 0", async () => {
    await d.check(steps(
      "ZADD i inf a -inf b 1 c", "ZUNION 2 i i WEIGHTS 1 -1 WITHSCORES", "ZUNION 2 i i WEIGHTS 0 1 WITHSCORES", "ZUNION 2 i i WEIGHTS 1 0 AGGREGATE MAX WITHSCORES",
      "ZUNION 2 i i WEIGHTS 0 1 AGGREGATE MIN WITHSCORES", "ZINTER 2 i i WEIGHTS 0 1 WITHSCORES", "ZINTER 2 i i WEIGHTS 1 0 WITHSCORES",
      "ZINTER 2 i i WEIGHTS 1 0 AGGREGATE MIN WITHSCORES", "ZINTER 2 i i WEIGHTS 1 0 AGGREGATE MAX WITHSCORES", "ZUNION 1 i WEIGHTS inf WITHSCORES",
      "ZUNION 1 i WEIGHTS -inf WITHSCORES", "ZINTERSTORE d 2 i i WEIGHTS 1 -1", "ZRANGE d 0 -1 WITHSCORES", "ZUNION 1 i WEIGHTS 1e308 WITHSCORES",
    ));
  });

  test("errors: numkeys, WRONGTYPE before options, option syntax", async () => {
    await d.check([...data, ...steps(
      "SET str x", "ZUNION", "ZUNION 1", "ZUNION 0 a", "ZUNION -1 a", "ZUNION x a", "ZUNION 3 a b", "ZUNION 9223372036854775808 a", "ZUNIONSTORE d 0 a",
      "ZINTERSTORE d 0 a", "ZDIFFSTORE d 0 a", "ZINTER 0 a", "ZDIFF 0 a", "ZINTERCARD 0 a", "ZINTERCARD x a", "ZUNIONSTORE d 1",
      "ZUNION 2 a str", "ZUNION 2 a str FOO", "ZINTERCARD 2 a str FOO", "ZDIFF 2 str nokey", "ZUNION 2 a b FOO", "ZUNION 2 a b WEIGHTS 1",
      "ZUNION 2 a b WEIGHTS 1 x", "ZUNION 2 a b WEIGHTS 1 nan", "ZUNION 2 a b WEIGHTS 1 2 3", "ZUNION 2 a b AGGREGATE", "ZUNION 2 a b AGGREGATE avg",
      "ZUNIONSTORE d 2 a b WITHSCORES", "ZINTERSTORE d 2 a b WITHSCORES", "ZDIFF 2 a b WEIGHTS 1 1", "ZDIFF 2 a b AGGREGATE SUM",
      "ZDIFFSTORE d 2 a b WITHSCORES", "ZINTERCARD 2 a b WITHSCORES", "ZINTERCARD 2 a b WEIGHTS 1 1", "ZINTERCARD 2 a b LIMIT", "ZINTERCARD 2 a b LIMIT -1",
      "ZINTERCARD 2 a b LIMIT x", "ZINTERCARD 2 a b LIMIT 1 LIMIT 2", "ZINTERCARD 1", "ZUNION 2 a b WEIGHTS 1 1 AGGREGATE SUM FOO",
      "ZUNION 1 a WEIGHTS 1e999", "ZUNION 1 a WEIGHTS 0x10 WITHSCORES",
    )]);
  });
});

describe("ZRANDMEMBER", () => {
  test("deterministic answers: missing key, counts of 0, the whole set, errors", async () => {
    await d.check(steps(
      "ZRANDMEMBER nokey", "ZRANDMEMBER nokey 5", "ZRANDMEMBER nokey -5 WITHSCORES", "ZADD k 1 a 2 b 3 c", "ZRANDMEMBER k 0", "ZRANDMEMBER k 0 WITHSCORES",
      "ZRANDMEMBER k 3", "ZRANDMEMBER k 5 WITHSCORES", "ZRANDMEMBER k 9223372036854775807", "ZRANDMEMBER k 4611686018427387903 WITHSCORES",
      "ZRANDMEMBER k x", "ZRANDMEMBER nokey x", "ZRANDMEMBER k 1 FOO", "ZRANDMEMBER k 1 WITHSCORES X", "ZRANDMEMBER nokey 1 FOO",
      "ZRANDMEMBER k -9223372036854775808", "ZRANDMEMBER k -9223372036854775807 WITHSCORES", "ZRANDMEMBER k 4611686018427387904 WITHSCORES",
      "ZRANDMEMBER k 9223372036854775808", "SET str x", "ZRANDMEMBER str", "ZRANDMEMBER str 1", "ZRANDMEMBER str x", "ZRANDMEMBER str 1 FOO",
      "ZRANDMEMBER", "ZADD one 7 only", "ZRANDMEMBER one", "ZRANDMEMBER one 1 WITHSCORES", "ZRANDMEMBER one -3 WITHSCORES", "ZRANDMEMBER one -2",
    ));
  });

  test("random answers have Redis's shape and come from the set", async () => {
    if (d.skip) return;
    for (const protocol of [2, 3] as const) {
      const [redis, bunredis] = await d.connect(protocol);
      const fill = c("ZADD k 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h 9 i 10 j");
      await Promise.all([redis.call(...fill), bunredis.call(...fill)]);
      for (const args of [c("ZRANDMEMBER k -20 WITHSCORES"), c("ZRANDMEMBER k -20"), c("ZRANDMEMBER k 4 WITHSCORES"), c("ZRANDMEMBER k 7"), c("ZRANDMEMBER k 1 WITHSCORES")]) {
        const [expected, actual] = await Promise.all([redis.call(...args), bunredis.call(...args)]);
        expect(shape(actual)).toBe(shape(expected));
        const members = [...actual.matchAll(/\$1\r\n([a-j])\r\n/g)].map((match) => match[1]);
        if (!args.includes("-20")) expect(new Set(members).size).toBe(members.length);
        // Each member comes with its own score (a=1 ... j=10).
        if (args.includes("WITHSCORES")) for (const match of actual.matchAll(/\$1\r\n([a-j])\r\n[$,](?:\d+\r\n)?(\d+)\r\n/g)) expect(Number(match[2])).toBe(match[1]!.charCodeAt(0) - 96);
      }
      const [one] = await Promise.all([bunredis.call("ZRANDMEMBER", "k")]);
      expect(one).toMatch(/^\$1\r\n[a-j]\r\n$/);
    }
  });
});

/** A reply with its member letters and scores blanked, to compare random replies by shape. */
function shape(reply: string): string {
  return reply.replace(/\$1\r\n[a-j]\r\n/g, "$1\r\nM\r\n").replace(/\$(1|2)\r\n\d+\r\n/g, "$S\r\n").replace(/,\d+\r\n/g, ",S\r\n");
}

describe("ZSCAN", () => {
  test("a listpack comes whole in one call; options and errors", async () => {
    await d.check(steps(
      "ZADD k 1 a 2 b 3 c 1.5 ab", "ZSCAN k 0", "ZSCAN k 0 COUNT 1", "ZSCAN k 0 MATCH a*", "ZSCAN k 0 MATCH [bc] COUNT 1", "ZSCAN k 0 match * count 100",
      "ZSCAN k 123", "ZSCAN k -1", "ZSCAN k +1", "ZSCAN k 18446744073709551615", "ZSCAN k 18446744073709551616", "ZSCAN k x", "ZSCAN k 1.5",
      "ZSCAN k 0 COUNT 0", "ZSCAN k 0 COUNT -1", "ZSCAN k 0 COUNT x", "ZSCAN k 0 COUNT", "ZSCAN k 0 MATCH", "ZSCAN k 0 TYPE zset", "ZSCAN k 0 NOVALUES",
      "ZSCAN k 0 FOO bar", "ZSCAN nokey 0", "ZSCAN nokey 0 FOO", "ZSCAN nokey x", "SET str x", "ZSCAN str 0", "ZSCAN str 0 FOO", "ZSCAN str x", "ZSCAN k",
      "ZADD e 1 \"\"", "ZSCAN e 0 MATCH *",
    ));
    await d.check([["ZSCAN", "k", ""], ["ZSCAN", "k", " 0"], ["ZSCAN", "k", "0 "], ["ZADD", "e", "1", ""], ["ZSCAN", "e", "0", "MATCH", "*"], ["ZSCAN", "e", "0", "MATCH", ""]]);
  });

  test("a skiplist is walked in steps until cursor 0; every member once, with its score", async () => {
    if (d.skip) return;
    const bunredis = await startServer();
    try {
      const connection = await RespConnection.open(bunredis.port);
      const fill = ["ZADD", "k"];
      for (let i = 0; i < 300; i++) fill.push(String(i % 50), `m${i}`);
      await connection.call(...fill);
      expect(await connection.call("OBJECT", "ENCODING", "k")).toBe("$8\r\nskiplist\r\n");
      const seen = new Map<string, string>();
      let cursor = "0";
      let calls = 0;
      do {
        const reply = await connection.call("ZSCAN", "k", cursor, "COUNT", "7");
        const parts = reply.split("\r\n");
        cursor = parts[2]!;
        const items = parts.slice(4).filter((_, i) => i % 2 === 1);
        for (let i = 0; i + 1 < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
        calls++;
      } while (cursor !== "0" && calls < 1000);
      expect(cursor).toBe("0");
      expect(calls).toBeGreaterThan(10);
      expect(seen.size).toBe(300);
      for (const [member, score] of seen) expect(Number(score)).toBe(Number(member.slice(1)) % 50);
      connection.close();
    } finally {
      await bunredis.close();
    }
  });

  test("a skiplist scan returns members present throughout, whatever is removed and added meanwhile", async () => {
    const bunredis = await startServer();
    try {
      const connection = await RespConnection.open(bunredis.port);
      const fill = ["ZADD", "k"];
      for (let i = 0; i < 400; i++) fill.push(String(i), `m${i}`);
      await connection.call(...fill);
      const seen = new Set<string>();
      let cursor = "0";
      let round = 0;
      do {
        const parts = (await connection.call("ZSCAN", "k", cursor, "COUNT", "10")).split("\r\n");
        cursor = parts[2]!;
        parts.slice(4).filter((_, i) => i % 4 === 1).forEach((member) => seen.add(member));
        // Churn: remove low members (already seen), add new ones anywhere.
        await connection.call("ZREM", "k", `m${round}`, `m${round + 1}`);
        await connection.call("ZADD", "k", String(round * 3.5), `new${round}`);
        round++;
      } while (cursor !== "0");
      for (let i = 0; i < 400; i++) if (i > round + 1) expect(seen.has(`m${i}`)).toBe(true);
      connection.close();
    } finally {
      await bunredis.close();
    }
  });
});

describe("encodings: listpack while small, skiplist for good once a threshold is passed", () => {
  test("by count and by member length, with the default thresholds", async () => {
    const big = ["ZADD", "big"];
    for (let i = 0; i < 129; i++) big.push(String(i), `m${i}`);
    const dup = ["ZADD", "dup"];
    for (let i = 0; i < 200; i++) dup.push("1", "a");
    await d.check([
      ...DEFAULT_LIMITS, big, ["OBJECT", "ENCODING", "big"], ["ZREMRANGEBYRANK", "big", "0", "120"], ["OBJECT", "ENCODING", "big"], dup, ["OBJECT", "ENCODING", "dup"],
      ["ZADD", "long", "1", "m".repeat(64)], ["OBJECT", "ENCODING", "long"], ["ZADD", "long", "1", LONG], ["OBJECT", "ENCODING", "long"],
      ["ZREM", "long", LONG], ["OBJECT", "ENCODING", "long"], ["ZADD", "x", "1", "a"], ["ZADD", "x", "XX", "1", LONG], ["OBJECT", "ENCODING", "x"],
      ["ZINCRBY", "y", "1", LONG], ["OBJECT", "ENCODING", "y"], ["ZADD", "x", "1", LONG, "2", "b"], ["OBJECT", "ENCODING", "x"],
    ]);
  });

  test("store commands: ZRANGESTORE builds like ZADD, ZUNIONSTORE & co. by the result's size", async () => {
    const big = ["ZADD", "big"];
    for (let i = 0; i < 130; i++) big.push(String(i), `m${i}`);
    await d.check([
      ...DEFAULT_LIMITS, big, ["ZRANGESTORE", "r", "big", "0", "9"], ["OBJECT", "ENCODING", "r"], ["ZRANGESTORE", "r", "big", "0", "-1"], ["OBJECT", "ENCODING", "r"],
      ["ZRANGESTORE", "r", "big", "0", "9", "BYSCORE"], ["OBJECT", "ENCODING", "r"], ["ZUNIONSTORE", "u", "1", "big"], ["OBJECT", "ENCODING", "u"],
      ["ZREMRANGEBYRANK", "big", "0", "100"], ["OBJECT", "ENCODING", "big"], ["ZUNIONSTORE", "u", "1", "big"], ["OBJECT", "ENCODING", "u"],
      ["ZINTERSTORE", "u", "2", "big", "big"], ["OBJECT", "ENCODING", "u"], ["ZDIFFSTORE", "u", "1", "big"], ["OBJECT", "ENCODING", "u"],
      ["ZADD", "w", "1", LONG], ["ZUNIONSTORE", "u", "1", "w"], ["OBJECT", "ENCODING", "u"], ["ZRANGESTORE", "r", "w", "0", "-1"], ["OBJECT", "ENCODING", "r"],
    ]);
  });

  test("thresholds changed at run time (CONFIG SET)", async () => {
    await d.check([
      ...steps("CONFIG SET zset-max-listpack-entries 2", "ZADD k 1 a 2 b", "OBJECT ENCODING k", "ZADD k 3 c", "OBJECT ENCODING k", "ZPOPMIN k 2", "OBJECT ENCODING k"),
      ...steps("CONFIG SET zset-max-listpack-entries 0", "ZADD z 1 a", "OBJECT ENCODING z", "ZUNIONSTORE u 1 z", "OBJECT ENCODING u", "ZRANGESTORE r z 0 -1", "OBJECT ENCODING r"),
      ...steps("CONFIG SET zset-max-listpack-entries 128", "CONFIG SET zset-max-listpack-value 0", "ZADD v 1 a", "OBJECT ENCODING v"),
      ["ZADD", "e", "1", ""], ["OBJECT", "ENCODING", "e"], ...steps("CONFIG SET zset-max-listpack-value 1", "ZADD w 1 a", "OBJECT ENCODING w", "ZADD w 2 ab", "OBJECT ENCODING w"),
      ...DEFAULT_LIMITS,
    ]);
  });

  test("lex ranges over unequal scores follow a listpack's walk", async () => {
    await d.check(steps(
      ...DEFAULT_LIMITS.map((step) => (step as string[]).join(" ")), "ZADD k 1 d 2 a 3 c 4 b 5 e 6 a1", "ZRANGEBYLEX k [b [d", "ZRANGEBYLEX k - [c", "ZRANGEBYLEX k (a +",
      "ZREVRANGEBYLEX k [d [b", "ZREVRANGEBYLEX k + (b LIMIT 1 2", "ZLEXCOUNT k [b [d", "ZLEXCOUNT k (a +", "ZRANGESTORE d k [a [c BYLEX", "ZRANGE d 0 -1",
      "ZREMRANGEBYLEX k [b [c", "ZRANGE k 0 -1",
    ));
  });
});

describe("sorted sets under the generic key commands", () => {
  test("TYPE, COPY (deep, same encoding), RENAME, EXPIRE, DEL", async () => {
    await d.check([
      ...steps("ZADD k 1 a 2 b", "TYPE k", "OBJECT ENCODING k", "COPY k c", "ZADD c 3 x", "ZRANGE k 0 -1 WITHSCORES", "ZRANGE c 0 -1 WITHSCORES"),
      ["ZADD", "big", "1", LONG], ...steps("COPY big big2", "OBJECT ENCODING big2", "ZREM big2 " + LONG, "ZCARD big", "ZCARD big2", "OBJECT ENCODING big2"),
      ...steps("RENAME k r", "ZRANGE r 0 -1", "EXISTS k", "EXPIRE r 100", "ZADD r 5 z", "TTL r", "ZUNIONSTORE r 1 r", "TTL r", "EXPIRE c 100"),
      ...steps("ZPOPMIN c 10", "EXISTS c", "TTL c", "DEL r big", "EXISTS r big"),
    ]);
  });
});

describe("keys and COMMAND", () => {
  test("COMMAND INFO and GETKEYS match, movable keys included", async () => {
    const names = "zadd zincrby zrem zcard zscore zmscore zrank zrevrank zcount zlexcount zrange zrangestore zrangebyscore zrevrangebyscore zrangebylex zrevrangebylex zrevrange zremrangebyrank zremrangebyscore zremrangebylex zpopmin zpopmax zmpop zunion zinter zdiff zunionstore zinterstore zdiffstore zintercard zrandmember zscan";
    // Fields 0..6 of COMMAND INFO (name, arity, flags, key positions, categories); tips, key specs and subcommands are the introspection group's.
    const firstSeven = (reply: string) => reply.split("\r\n").slice(0, 1).join("") + reply.replace(/\*10\r\n(\$\d+\r\n\w+\r\n:-?\d+\r\n\*\d+\r\n(?:\+\w+\r\n)*:-?\d+\r\n:-?\d+\r\n:-?\d+\r\n\*\d+\r\n(?:\+@\w+\r\n)*)[\s\S]*?(?=\*10\r\n\$|$)/g, "$1|");
    if (d.skip) return;
    const [redis, bunredis] = await d.connect(2);
    for (const name of names.split(" ")) {
      const [expected, actual] = await Promise.all([redis.call("COMMAND", "INFO", name), bunredis.call("COMMAND", "INFO", name)]);
      expect(firstSeven(actual)).toBe(firstSeven(expected));
    }
    await d.check(steps(
      "COMMAND GETKEYS ZUNIONSTORE d 2 a b", "COMMAND GETKEYS ZUNION 2 a b WITHSCORES", "COMMAND GETKEYS ZMPOP 2 a b MIN", "COMMAND GETKEYS ZINTERCARD 1 a",
      "COMMAND GETKEYS ZRANGESTORE d s 0 1", "COMMAND GETKEYS ZADD k 1 a", "COMMAND GETKEYS ZDIFFSTORE d 1 a", "COMMAND GETKEYS ZINTER 2x a b",
    ));
  });
});
