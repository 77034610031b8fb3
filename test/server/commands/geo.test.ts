/**
 * The geo commands against redis-server, byte for byte in RESP2 and RESP3: every command, option
 * and error, the edges of the map, members at equal distances (Redis's partial quicksort), and
 * hundreds of seeded random points around the world searched with many radii, boxes and units.
 * Then what cannot be seen in replies: keyspace events, and what GEOADD hands on to the AOF.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createConsola } from "consola";
import { defaultConfig } from "../../../src/config.ts";
import { ReplyWriter } from "../../../src/resp/writer.ts";
import { Client } from "../../../src/server/client.ts";
import { createCommandTable } from "../../../src/server/commands/index.ts";
import { formatDistance, formatFixed, formatHuman } from "../../../src/server/commands/geo/format.ts";
import { partialSort, stableSort } from "../../../src/server/commands/geo/sort.ts";
import type { Propagated } from "../../../src/server/propagation.ts";
import { Server } from "../../../src/server/server.ts";
import { useDifferential, type Step } from "../../helpers/differential.ts";
import type { RespConnection } from "../../helpers/resp.ts";

const d = useDifferential();

/** A command written as words (no spaces inside arguments). */
const c = (line: string): string[] => line.split(" ");
const steps = (...lines: (string | string[])[]): Step[] => lines.map((line) => (typeof line === "string" ? c(line) : line));

const SICILY = "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania";
const BINARY = "\x00\xff\r\nbin";

/** A seeded generator (an LCG), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** `count` positions around the world: clusters, the Mercator square's edges, the antimeridian, the step-changing latitudes. */
function worldPoints(next: () => number, count: number): [string, string][] {
  const edgeLongitudes = ["180", "-180", "179.99999", "-179.99999", "0", "-0", "0.000001"];
  const edgeLatitudes = ["85.05112878", "-85.05112878", "85.05", "-85.05", "66", "-66", "66.000001", "80", "-80.5", "0", "-0.000001"];
  const points: [string, string][] = [];
  const centres = [[13.4, 38.1], [-179.5, 10], [179.5, -10], [0, 84.9], [-70, -84.9], [100, 66.2], [-3, 0]] as const;
  for (let i = 0; i < count; i++) {
    const kind = next();
    let longitude: number | string;
    let latitude: number | string;
    if (kind < 0.15) {
      longitude = edgeLongitudes[Math.floor(next() * edgeLongitudes.length)]!;
      latitude = edgeLatitudes[Math.floor(next() * edgeLatitudes.length)]!;
    } else if (kind < 0.6) {
      const [lon, lat] = centres[Math.floor(next() * centres.length)]!;
      longitude = Math.max(-180, Math.min(180, lon + (next() - 0.5) * 3));
      latitude = Math.max(-85.05, Math.min(85.05, lat + (next() - 0.5) * 3));
    } else {
      longitude = next() * 360 - 180;
      latitude = (next() * 2 - 1) * 85.05112878;
    }
    const text = (value: number | string) => (typeof value === "string" ? value : value.toFixed(1 + Math.floor(next() * 9)));
    points.push([text(longitude), text(latitude)]);
  }
  return points;
}

describe("GEOADD", () => {
  test("adds positions as ZADD of their geohash scores: replies, scores, type and encoding", async () => {
    await d.check(steps(
      SICILY, "ZSCORE Sicily Palermo", "ZSCORE Sicily Catania", "ZRANGE Sicily 0 -1 WITHSCORES", "TYPE Sicily", "OBJECT ENCODING Sicily",
      "GEOADD Sicily 13.361389 38.115556 Palermo", "GEOADD Sicily 13.361390 38.115556 Palermo", "GEOADD Sicily 1 1 Palermo",
      "GEOADD Sicily 1 1 a 1 1 a 2 2 a", "ZSCORE Sicily a", "ZCARD Sicily", "geoadd Sicily 3 3 b", "GeoAdd Sicily 4 4 c",
    ));
  });

  test("NX, XX and CH, in any order and case, repeated", async () => {
    await d.check(steps(
      "GEOADD k 1 1 a 2 2 b", "GEOADD k NX 5 5 a 3 3 c", "GEOADD k XX 6 6 a 4 4 d", "GEOADD k XX CH 7 7 a 7 7 b 4 4 e",
      "GEOADD k CH NX 1 1 a 1 1 f", "GEOADD k ch xx ch 8 8 a", "GEOADD k nx nx 9 9 g", "GEOADD k Ch 7 7 a 1 1 h",
      "ZRANGE k 0 -1 WITHSCORES", "GEOADD nokey XX 1 1 a", "EXISTS nokey", "GEOADD nokey NX CH 1 1 a", "ZRANGE nokey 0 -1 WITHSCORES",
    ));
  });

  test("syntax and arity errors", async () => {
    await d.check(steps(
      "GEOADD k NX XX 1 1 a", "GEOADD k XX NX CH 1 1 a", "GEOADD k 1 1 a 2 2", "GEOADD k 1 1 a 2", "GEOADD k ch ch ch", "GEOADD k nx xx ch",
      "GEOADD k 1 1", "GEOADD k", "GEOADD", "GEOADD k nx 1 1", "GEOADD k ch 1 1 a b", "GEOADD k 1 1 a GT 2 2 b", "GEOADD k GT 1 1 a",
      "GEOADD k INCR 1 1 a", "EXISTS k",
    ));
  });

  test("invalid coordinates, with the pair printed as %f", async () => {
    await d.check(steps(
      "GEOADD k 181 0 a", "GEOADD k -181 0 a", "GEOADD k 0 85.05112879 a", "GEOADD k 0 -85.05112879 a", "GEOADD k 0 90 a",
      "GEOADD k 1e300 1 a", "GEOADD k -1e300 -1e300 a", "GEOADD k 0.0078125 100 a", "GEOADD k -0.0078125 100 a", "GEOADD k 0.0000005 100 a",
      "GEOADD k -0 100 a", "GEOADD k -1e-9 100 a", "GEOADD k 0 inf a", "GEOADD k -inf 0 a", "GEOADD k 180.0000001 1 a",
      "GEOADD k 123456789012345678901234567890 1 a", "GEOADD k 1 1 a 2 200 b", "EXISTS k",
      "GEOADD k abc 1 a", "GEOADD k 1 abc a", "GEOADD k nan 1 a", "GEOADD k 1 NaN a", ["GEOADD", "k", " 1", "1", "a"], ["GEOADD", "k", "1 ", "1", "a"],
      ["GEOADD", "k", "", "1", "a"], ["GEOADD", "k", "1\x00", "1", "a"], "GEOADD k 1e400 1 a", "GEOADD k 1e-400 1 a", "GEOADD k 1 2 a 3 x b", "EXISTS k",
    ));
  });

  test("the edges of the map: the Mercator square's corners, the antimeridian, -0, hex and exponent forms", async () => {
    await d.check(steps(
      "GEOADD k 180 85.05112878 ne -180 -85.05112878 sw 180 -85.05112878 se -180 85.05112878 nw 180 0 e -180 0 w 0 0 origin -0 -0 negzero",
      "GEOADD k 0x10 0x1p3 hex 1e1 -1E1 exp +5 +.5 plus 179.999999999999 85.0511287799 almost .000001 -.000001 tiny",
      "ZRANGE k 0 -1 WITHSCORES", "GEOPOS k ne sw se nw e w origin negzero hex exp plus almost tiny",
      "GEOHASH k ne sw se nw e w origin negzero hex exp plus almost tiny", "GEODIST k ne sw", "GEODIST k e w km", "GEODIST k nw ne mi",
    ));
  });

  test("binary and empty members, wrong types, and the listpack-to-skiplist conversion", async () => {
    await d.check(steps(
      ["GEOADD", "k", "1", "1", BINARY, "2", "2", ""], ["GEOPOS", "k", BINARY, ""], ["GEOHASH", "k", BINARY, ""], ["GEODIST", "k", BINARY, ""],
      ["GEOSEARCH", "k", "FROMMEMBER", BINARY, "BYRADIUS", "1000", "km", "WITHDIST"], "OBJECT ENCODING k",
      "SET str v", "GEOADD str 1 1 a", "GEOADD str 1 200 a", "GEOADD str NX XX 1 1 a", "RPUSH list a", "GEOADD list 1 1 a",
      "CONFIG SET zset-max-listpack-entries 2", "GEOADD big 1 1 a 2 2 b", "OBJECT ENCODING big", "GEOADD big 3 3 c", "OBJECT ENCODING big",
      "CONFIG SET zset-max-listpack-value 4", "GEOADD long 1 1 abcde", "OBJECT ENCODING long",
      "CONFIG SET zset-max-listpack-entries 128", "CONFIG SET zset-max-listpack-value 64",
    ));
  });
});

describe("GEOPOS, GEOHASH, GEODIST", () => {
  test("positions, hashes and distances, missing members and keys", async () => {
    await d.check(steps(
      SICILY, "GEOPOS Sicily Palermo Catania nope", "GEOPOS Sicily", "GEOPOS nokey a b", "GEOPOS nokey",
      "GEOHASH Sicily Palermo Catania nope", "GEOHASH Sicily", "GEOHASH nokey a",
      "GEODIST Sicily Palermo Catania", "GEODIST Sicily Catania Palermo", "GEODIST Sicily Palermo Palermo", "GEODIST Sicily Palermo nope",
      "GEODIST Sicily nope Palermo", "GEODIST nokey a b", "GEODIST nokey a b km",
    ));
  });

  test("GEODIST's units, in any case, and its errors", async () => {
    await d.check(steps(
      SICILY, "GEODIST Sicily Palermo Catania m", "GEODIST Sicily Palermo Catania km", "GEODIST Sicily Palermo Catania ft",
      "GEODIST Sicily Palermo Catania mi", "GEODIST Sicily Palermo Catania KM", "GEODIST Sicily Palermo Catania Mi", "GEODIST Sicily Palermo Catania fT",
      "GEODIST Sicily Palermo Catania cm", "GEODIST Sicily Palermo Catania kmx", ["GEODIST", "Sicily", "Palermo", "Catania", "km\x00x"],
      ["GEODIST", "Sicily", "Palermo", "Catania", ""], "GEODIST Sicily Palermo Catania km x", "GEODIST Sicily Palermo", "GEODIST Sicily",
      "GEODIST nokey a b x", "GEODIST nokey a b km x",
    ));
  });

  test("wrong types, and arity", async () => {
    await d.check(steps(
      "SET str v", "GEOPOS str a", "GEOHASH str a", "GEODIST str a b", "GEODIST str a b xx", "GEODIST str a b km x",
      "RPUSH list a", "GEOPOS list a", "GEOHASH list", "GEODIST list a b", "GEOPOS", "GEOHASH",
    ));
  });

  test("scores GEOADD never writes decode as Redis decodes them (C's uint64 conversion on x86-64)", async () => {
    await d.check(steps(
      ["ZADD", "z", "-1", "neg1", "1.5", "frac", "1e30", "huge", "inf", "pinf", "-inf", "ninf", "-1e30", "nhuge", "9007199254740993", "p53",
        "9223372036854775808", "p63", "18446744073709551616", "p64", "-9223372036854775808", "n63", "-2.5", "neg25", "4503599627370495", "max52",
        "4503599627370496", "p52", "0", "zero", "1e-300", "small", "12345678.9", "mid"],
      "GEOPOS z neg1 frac huge pinf ninf nhuge p53 p63 p64 n63 neg25 max52 p52 zero small mid",
      "GEOHASH z neg1 frac huge pinf ninf nhuge p53 p63 p64 n63 neg25 max52 p52 zero small mid",
      "GEODIST z neg1 frac", "GEODIST z max52 zero km", "GEODIST z mid small",
      "GEOSEARCH z FROMMEMBER zero BYRADIUS 100000 km WITHHASH WITHCOORD WITHDIST ASC",
      "GEOSEARCH z FROMMEMBER pinf BYRADIUS 1 km WITHHASH WITHCOORD WITHDIST",
      "GEOSEARCH z FROMLONLAT 180 85.05112878 BYRADIUS 1 km WITHHASH WITHCOORD WITHDIST",
      "GEOSEARCH z FROMLONLAT -180 -85.05112878 BYBOX 300 300 km WITHHASH WITHCOORD WITHDIST",
    ));
  });
});

describe("GEOSEARCH", () => {
  test("FROMMEMBER and FROMLONLAT, BYRADIUS and BYBOX, with every reply option", async () => {
    await d.check(steps(
      SICILY, "GEOADD Sicily 12.758489 38.788135 edge1 17.241510 38.788135 edge2 13.5 37.9 p3",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km DESC",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km", "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km WITHDIST WITHCOORD WITHHASH",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 400 400 km ASC WITHCOORD WITHDIST WITHHASH", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km WITHHASH",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km WITHDIST", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km WITHCOORD",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km WITHCOORD WITHHASH", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km WITHDIST WITHDIST withcoord",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 200 200 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 2000 20 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 20 2000 km",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 m", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200000 m WITHDIST",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 mi WITHDIST", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 700000 ft WITHDIST",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 KM WITHDIST", "geosearch Sicily frommember Palermo byradius 0 m", "geosearch Sicily frommember Palermo bybox 0 0 m withhash",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS inf km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX inf inf km WITHDIST",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1e308 m", "GEOSEARCH nokey FROMLONLAT 15 37 BYRADIUS 200 km",
      "GEOSEARCH nokey FROMMEMBER x BYRADIUS 200 km WITHDIST", "GEOSEARCH Sicily FROMLONLAT 0 0 BYRADIUS 1 km",
    ));
  });

  test("COUNT, ANY, and the ordering COUNT implies", async () => {
    await d.check(steps(
      SICILY, "GEOADD Sicily 13.5 37.9 p3 14 38 p4 14.5 37.5 p5",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 1", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 2 DESC",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 3 ANY", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 3 ANY ASC",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km ANY COUNT 2 DESC WITHDIST", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 100",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 100 ANY", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 9223372036854775807",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 1 COUNT 4", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 2 ANY ANY",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km ASC DESC", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km DESC ASC COUNT 3",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 0", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT -1",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT x", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 1.5",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 9223372036854775808", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT",
      "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 300 km ANY", "GEOSEARCH nokey FROMLONLAT 15 37 BYRADIUS 300 km ANY",
    ));
  });

  test("argument errors, in Redis's order", async () => {
    await d.check(steps(
      SICILY, "SET str v",
      "GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 1 km", "geoSearch Sicily BYRADIUS 1 km ASC WITHDIST", "GEOSEARCH Sicily FROMMEMBER Palermo WITHDIST ASC WITHHASH",
      "GEOSEARCH Sicily FROMMEMBER Palermo FROMLONLAT 1 2 BYRADIUS 1 km", "GEOSEARCH Sicily FROMLONLAT 1 2 FROMMEMBER Palermo BYRADIUS 1 km",
      "GEOSEARCH Sicily FROMLONLAT 1 2 FROMLONLAT 15 37 BYRADIUS 200 km", "GEOSEARCH Sicily FROMMEMBER Palermo FROMMEMBER Catania BYRADIUS 100 km",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km BYBOX 1 1 km", "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 1 1 km BYRADIUS 1 km",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km BYRADIUS 200 km", "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 1 1 km BYBOX 400 400 km",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS -1 km", "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS abc km", "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 kmx",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1e400 km", "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS nan km", "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS -0 km",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX -1 1 km", "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 1 -1 km", "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX a 1 km",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 1 b km", "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX a -1 km", "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX -1 b km",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 1 1 furlong", "GEOSEARCH Sicily FROMLONLAT 181 37 BYRADIUS 1 km", "GEOSEARCH Sicily FROMLONLAT x 37 BYRADIUS 1 km",
      "GEOSEARCH Sicily FROMLONLAT 15 -90 BYRADIUS 1 km", "GEOSEARCH Sicily FROMLONLAT -inf 37 BYRADIUS 1 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km STOREDIST", "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km STORE x",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km WITHDIST foo", "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km FROMLONLAT 1",
      "GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 1 1", "GEOSEARCH Sicily FROMLONLAT 1 BYRADIUS 1 km WITHDIST", "GEOSEARCH Sicily FROMMEMBER",
      ["GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km", "withdist\x00junk"], "GEOSEARCH Sicily", "GEOSEARCH",
      "GEOSEARCH str FROMMEMBER Palermo BYRADIUS 1 km", "GEOSEARCH str a b c d e", "GEOSEARCH nokey FROMMEMBER Palermo BYRADIUS 1 kmz",
      "GEOSEARCH nokey FROMMEMBER Palermo BYRADIUS -1 km", "GEOSEARCH nokey FROMLONLAT 1 2 WITHDIST ASC", "GEOSEARCH nokey BYRADIUS 1 km ASC WITHDIST",
    ));
  });

  test("members at equal distances come in Redis's order, sorted fully (stable) or partially (its quicksort)", async () => {
    const next = random(7);
    const lines: Step[] = [];
    for (let round = 0; round < 3; round++) {
      const add = ["GEOADD", `t${round}`];
      const positions = 2 + round * 2;
      for (let i = 0; i < 60 + round * 40; i++) {
        const p = Math.floor(next() * positions);
        add.push(String(10 + p * 0.001), String(20 + ((p * 7) % 5) * 0.001), `m${Math.floor(next() * 1e6)}`);
      }
      lines.push(add);
      for (const count of [1, 3, 7, 8, 41, 57, 200]) {
        lines.push(["GEOSEARCH", `t${round}`, "FROMLONLAT", "10.002", "20.002", "BYRADIUS", "10", "km", "COUNT", String(count), "WITHDIST"]);
        lines.push(["GEOSEARCH", `t${round}`, "FROMLONLAT", "10.002", "20.002", "BYRADIUS", "10", "km", "COUNT", String(count), "DESC"]);
      }
      lines.push(["GEOSEARCH", `t${round}`, "FROMLONLAT", "10.002", "20.002", "BYBOX", "10", "10", "km", "ASC"]);
      lines.push(["GEOSEARCH", `t${round}`, "FROMLONLAT", "10.002", "20.002", "BYBOX", "10", "10", "km", "DESC"]);
      lines.push(["GEOSEARCH", `t${round}`, "FROMLONLAT", "10.002", "20.002", "BYBOX", "10", "10", "km"]);
    }
    await d.check(lines);
  });

  test("hundreds of random points around the world, many radii, boxes and units", async () => {
    const next = random(2024);
    const points = worldPoints(next, 400);
    const add = ["GEOADD", "w"];
    points.forEach(([longitude, latitude], i) => add.push(longitude, latitude, `p${i}`));
    const lines: Step[] = [add, ["ZCARD", "w"], ["GEOPOS", "w", ...points.map((_, i) => `p${i}`)], ["GEOHASH", "w", ...points.map((_, i) => `p${i}`)]];
    const units = ["m", "km", "ft", "mi"] as const;
    const perMeter = { m: 1, km: 0.001, ft: 1 / 0.3048, mi: 1 / 1609.34 };
    const meters = [0, 1, 50, 800, 5000, 40_000, 150_000, 600_000, 2_500_000, 6_000_000, 12_000_000, 25_000_000];
    for (let q = 0; q < 90; q++) {
      const unit = units[Math.floor(next() * units.length)]!;
      const size = (meters[Math.floor(next() * meters.length)]! * (0.5 + next()) * perMeter[unit]).toPrecision(1 + Math.floor(next() * 8));
      const centre = next() < 0.5
        ? ["FROMMEMBER", `p${Math.floor(next() * points.length)}`]
        : ["FROMLONLAT", ...points[Math.floor(next() * points.length)]!];
      const shape = next() < 0.5
        ? ["BYRADIUS", size, unit]
        : ["BYBOX", size, (Number(size) * (0.2 + next() * 2)).toPrecision(6), unit];
      const options: string[] = [];
      if (next() < 0.6) options.push("WITHDIST");
      if (next() < 0.3) options.push("WITHCOORD");
      if (next() < 0.3) options.push("WITHHASH");
      const order = next();
      if (order < 0.35) options.push("ASC");
      else if (order < 0.7) options.push("DESC");
      if (next() < 0.35) {
        options.push("COUNT", String(1 + Math.floor(next() * 30)));
        if (next() < 0.3) options.push("ANY");
      }
      lines.push(["GEOSEARCH", "w", ...centre, ...shape, ...options]);
      if (shape[0] === "BYRADIUS" && next() < 0.4) {
        lines.push(centre[0] === "FROMMEMBER"
          ? ["GEORADIUSBYMEMBER_RO", "w", centre[1]!, size, unit, ...options]
          : ["GEORADIUS_RO", "w", centre[1]!, centre[2]!, size, unit, ...options]);
      }
      if (next() < 0.15) {
        const stored = options.filter((option) => !option.startsWith("WITH"));
        lines.push(["GEOSEARCHSTORE", "dst", "w", ...centre, ...shape, ...stored, ...(next() < 0.5 ? ["STOREDIST"] : [])], ["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
      }
      if (next() < 0.2) {
        const a = `p${Math.floor(next() * points.length)}`;
        const b = `p${Math.floor(next() * points.length)}`;
        lines.push(["GEODIST", "w", a, b, unit]);
      }
    }
    await d.check(lines);
  });
});

describe("GEOSEARCHSTORE", () => {
  test("stores members by geohash or, with STOREDIST, by distance in the query's unit", async () => {
    await d.check(steps(
      SICILY, "SET dst x", "EXPIRE dst 1000",
      "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km", "ZRANGE dst 0 -1 WITHSCORES", "TTL dst", "TYPE dst", "OBJECT ENCODING dst",
      "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST", "ZRANGE dst 0 -1 WITHSCORES",
      "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 mi STOREDIST", "ZRANGE dst 0 -1 WITHSCORES",
      "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 STOREDIST", "ZRANGE dst 0 -1 WITHSCORES",
      "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 DESC", "ZRANGE dst 0 -1 WITHSCORES",
      "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST STOREDIST ANY COUNT 1", "ZRANGE dst 0 -1 WITHSCORES",
      "GEOSEARCHSTORE Sicily Sicily FROMMEMBER Palermo BYRADIUS 1 km", "ZRANGE Sicily 0 -1 WITHSCORES",
    ));
  });

  test("an empty result or a missing source removes the destination", async () => {
    await d.check(steps(
      SICILY, "SET dst x", "GEOSEARCHSTORE dst Sicily FROMLONLAT 0 0 BYRADIUS 1 km", "EXISTS dst", "GEOSEARCHSTORE dst Sicily FROMLONLAT 0 0 BYRADIUS 1 km",
      "SET dst x", "GEOSEARCHSTORE dst nokey FROMMEMBER Palermo BYRADIUS 1 km", "EXISTS dst", "GEOSEARCHSTORE dst nokey FROMLONLAT 1 2 BYBOX 1 1 km",
      "GEOSEARCHSTORE Sicily Sicily FROMLONLAT 0 0 BYRADIUS 1 km", "EXISTS Sicily",
    ));
  });

  test("errors, and the encoding of what it stores", async () => {
    await d.check(steps(
      SICILY, "SET str v",
      "GEOSEARCHSTORE d Sicily FROMMEMBER Palermo BYRADIUS 1 km WITHDIST", "GEOSEARCHSTORE d nokey FROMMEMBER Palermo BYRADIUS 1 km WITHHASH",
      "geoSearchStore d Sicily BYRADIUS 1 km ASC WITHCOORD", "geoSearchStore d Sicily BYRADIUS 1 km ASC STOREDIST", "geoSearchStore d Sicily FROMMEMBER Palermo ASC DESC STOREDIST",
      "GEOSEARCHSTORE d Sicily FROMMEMBER Palermo BYRADIUS 1 km ANY", "GEOSEARCHSTORE d Sicily FROMMEMBER Palermo BYRADIUS 1 km STORE x",
      "GEOSEARCHSTORE d Sicily FROMMEMBER Palermo BYRADIUS 1 km STOREDIST x", "GEOSEARCHSTORE d str FROMMEMBER Palermo BYRADIUS 1 km",
      "GEOSEARCHSTORE str Sicily FROMMEMBER Palermo BYRADIUS 1 km", "TYPE str", "GEOSEARCHSTORE d Sicily FROMMEMBER Palermo BYRADIUS 1",
      "CONFIG SET zset-max-listpack-entries 1", "GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 300 km", "OBJECT ENCODING d",
      "GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 300 km COUNT 1", "OBJECT ENCODING d", "CONFIG SET zset-max-listpack-entries 128",
      "CONFIG SET zset-max-listpack-value 5", "GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 300 km", "OBJECT ENCODING d",
      "CONFIG SET zset-max-listpack-value 64",
    ));
  });
});

describe("GEORADIUS, GEORADIUSBYMEMBER and their _RO forms", () => {
  test("searches, STORE and STOREDIST (the last one given wins)", async () => {
    await d.check(steps(
      SICILY, "GEOADD Sicily 13.5 37.9 p3",
      "GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH", "GEORADIUS Sicily 15 37 200 km WITHDIST ASC", "GEORADIUS Sicily 15 37 200 km COUNT 1 ANY",
      "GEORADIUS Sicily 15 37 200 km COUNT 2 DESC", "GEORADIUSBYMEMBER Sicily Palermo 200 km WITHDIST ASC", "GEORADIUSBYMEMBER Sicily Catania 100 mi WITHCOORD",
      "GEORADIUS_RO Sicily 15 37 200 km WITHDIST", "GEORADIUSBYMEMBER_RO Sicily Palermo 200 km WITHDIST DESC COUNT 2",
      "GEORADIUS Sicily 15 37 200 km STOREDIST dd", "ZRANGE dd 0 -1 WITHSCORES", "GEORADIUS Sicily 15 37 200 km STORE ee", "ZRANGE ee 0 -1 WITHSCORES",
      "GEORADIUS Sicily 15 37 200 km STOREDIST dd STORE ff", "EXISTS ff", "ZRANGE ff 0 -1 WITHSCORES", "GEORADIUS Sicily 15 37 200 km STORE gg STOREDIST hh",
      "ZRANGE hh 0 -1 WITHSCORES", "EXISTS gg", "GEORADIUSBYMEMBER Sicily Palermo 200 km STORE ii COUNT 1", "ZRANGE ii 0 -1 WITHSCORES",
      "GEORADIUS Sicily 15 37 1 km STORE dd", "EXISTS dd", "GEORADIUS nokey 15 37 1 km STORE ee", "EXISTS ee", "GEORADIUS nokey 15 37 1 km",
      "GEORADIUSBYMEMBER nokey x 1 km STORE ii", "EXISTS ii",
    ));
  });

  test("errors, in Redis's order (a missing key skips GEORADIUSBYMEMBER's radius)", async () => {
    await d.check(steps(
      SICILY, "SET str v",
      "GEORADIUS Sicily 15 37 200 km STORE x WITHDIST", "GEORADIUS Sicily 15 37 200 km STOREDIST x WITHHASH", "GEORADIUS_RO Sicily 15 37 200 km STORE x",
      "GEORADIUS_RO Sicily 15 37 200 km STOREDIST x", "GEORADIUSBYMEMBER_RO Sicily Palermo 200 km STORE x", "GEORADIUS Sicily 15 37 -1 km",
      "GEORADIUS Sicily 15 37 abc km", "GEORADIUS Sicily 15 37 1 kmx", "GEORADIUS Sicily 181 37 1 km", "GEORADIUS Sicily a 37 1 km",
      "GEORADIUS Sicily 15 37 1 km STORE", "GEORADIUS Sicily 15 37 1 km COUNT", "GEORADIUS Sicily 15 37 1 km COUNT 0", "GEORADIUS Sicily 15 37 1 km ANY",
      "GEORADIUS Sicily 15 37 1 km FROMMEMBER Palermo", "GEORADIUS Sicily 15 37 1 km BYRADIUS 1 km", "GEORADIUS Sicily 15 37 1 km STOREDIST",
      "GEORADIUSBYMEMBER Sicily nope 1 km", "GEORADIUSBYMEMBER Sicily Palermo -1 kmz", "GEORADIUSBYMEMBER Sicily Palermo 1 kmz",
      "GEORADIUSBYMEMBER nokey x -1 kmz", "GEORADIUSBYMEMBER nokey x -1 kmz foo", "GEORADIUSBYMEMBER nokey x 1 km WITHDIST STORE y",
      "GEORADIUS nokey x -1 kmz", "GEORADIUS nokey 1 2 -1 kmz", "GEORADIUS str a 2 -1 kmz", "GEORADIUSBYMEMBER str a 1 km",
      "GEORADIUS Sicily 15 37 200", "GEORADIUSBYMEMBER Sicily Palermo 200", "GEORADIUS_RO", "GEORADIUSBYMEMBER_RO Sicily",
    ));
  });
});

describe("command table", () => {
  test("COMMAND INFO and COMMAND GETKEYS match", async () => {
    await d.check(steps(
      "COMMAND INFO geoadd geopos geodist geohash geosearch geosearchstore georadius georadiusbymember georadius_ro georadiusbymember_ro",
      "COMMAND GETKEYS georadius k 1 2 3 km store a storedist b", "COMMAND GETKEYS georadiusbymember k m 3 km STORE x",
      "COMMAND GETKEYS geosearchstore d s frommember m byradius 1 km", "COMMAND GETKEYS geoadd k 1 2 m",
    ));
  });
});

describe("keyspace events", () => {
  /** Runs `commands` on both servers with `notify-keyspace-events KEA` and returns each side's messages. */
  async function events(commands: string[][]): Promise<[string[], string[]]> {
    const [subscriberA, subscriberB] = await d.connect(3);
    const [commandsA, commandsB] = await d.connect(2);
    const sides: [RespConnection, RespConnection][] = [[commandsA!, subscriberA!], [commandsB!, subscriberB!]];
    const results: string[][] = [];
    for (const [commander, subscriber] of sides) {
      expect(await commander.call("CONFIG", "SET", "notify-keyspace-events", "KEA")).toBe("+OK\r\n");
      await subscriber.call("PSUBSCRIBE", "__key*@*__:*");
      await subscriber.call("SUBSCRIBE", "sentinel");
      const messages: string[] = [];
      for (const args of commands) messages.push(`reply ${await commander.call(...args)}`);
      await commander.call("PUBLISH", "sentinel", "done");
      for (;;) {
        const message = await subscriber.read();
        if (message.includes("sentinel")) break;
        messages.push(message);
      }
      await commander.call("CONFIG", "SET", "notify-keyspace-events", "");
      results.push(messages);
    }
    return [results[0]!, results[1]!];
  }

  test("GEOADD is announced as zadd; stores as geosearchstore and georadiusstore; emptied destinations as del", async () => {
    if (d.skip) return;
    const [expected, actual] = await events([
      c(SICILY), c("GEOADD Sicily 13.361389 38.115556 Palermo"), c("GEOADD Sicily XX 1 1 nope"), c("GEOADD Sicily CH 1 1 Palermo"),
      c("GEOSEARCHSTORE d1 Sicily FROMLONLAT 15 37 BYRADIUS 300 km"), c("GEORADIUS Sicily 15 37 300 km STORE d2"),
      c("GEORADIUSBYMEMBER Sicily Catania 300 km STOREDIST d3"), c("GEOSEARCHSTORE d1 Sicily FROMLONLAT 0 0 BYRADIUS 1 km"),
      c("GEORADIUS nokey 0 0 1 km STORE d2"), c("GEORADIUS nokey 0 0 1 km STORE d2"),
    ]);
    expect(actual).toEqual(expected);
  });
});

describe("blocked clients", () => {
  test("GEOADD and GEOSEARCHSTORE wake a client blocked on the sorted set", async () => {
    if (d.skip) return;
    const [waiterA, waiterB] = await d.connect(2);
    const [commandsA, commandsB] = await d.connect(2);
    /** Waits, by asking, until the server reports one blocked client. */
    const untilBlocked = async (admin: RespConnection) => {
      while (!/blocked_clients:1\r\n/.test(await admin.call("INFO", "clients")));
    };
    const results: string[][] = [];
    for (const [waiter, commands] of [[waiterA!, commandsA!], [waiterB!, commandsB!]] as const) {
      const replies: string[] = [];
      const first = waiter.call("BZPOPMIN", "k", "5");
      await untilBlocked(commands);
      replies.push(await commands.call("GEOADD", "k", "1", "1", "a"), await first);
      await commands.call("GEOADD", "src", "1", "1", "a", "1.1", "1.1", "b");
      const second = waiter.call("BZPOPMAX", "dst", "5");
      await untilBlocked(commands);
      replies.push(await commands.call("GEOSEARCHSTORE", "dst", "src", "FROMLONLAT", "1", "1", "BYRADIUS", "100", "km", "STOREDIST"), await second);
      results.push(replies);
    }
    expect(results[1]).toEqual(results[0]!);
  });
});

describe("propagation (what the AOF records)", () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  function inProcess() {
    const server = new Server(defaultConfig(), createConsola({ level: -999 }), { now: () => 1_700_000_000_000 }, createCommandTable(), () => {});
    servers.push(server);
    const client = new Client(1, "test:1", "test:0", 0, 1_700_000_000_000, false);
    const reply = new ReplyWriter();
    const recorded: Propagated[] = [];
    server.propagation.sink = (db, args) => recorded.push({ db, args });
    const call = (...args: string[]) => {
      reply.reset();
      server.execute(client, args, reply);
      return reply.bytes().latin1Slice(0, reply.length);
    };
    return { call, recorded };
  }

  test("GEOADD is recorded as the ZADD Redis runs, options as given and exact integer scores; unchanged sets record nothing", () => {
    const { call, recorded } = inProcess();
    expect(call("GEOADD", "k", "Ch", "nX", "13.361389", "38.115556", "Palermo", "180", "0", "east", "180", "85.05112878", "corner")).toBe(":3\r\n");
    expect(call("GEOADD", "k", "XX", "1", "1", "nope")).toBe(":0\r\n");
    expect(call("GEOADD", "k", "13.361389", "38.115556", "Palermo")).toBe(":0\r\n");
    expect(recorded.map((entry) => entry.args)).toEqual([
      ["zadd", "k", "Ch", "nX", "3479099956230698", "Palermo", "10133099161583616", "east", "13510798882111488", "corner"],
    ]);
  });

  test("GEOSEARCHSTORE and GEORADIUS STORE are recorded as sent, when they changed something", () => {
    const { call, recorded } = inProcess();
    call("GEOADD", "k", "13.361389", "38.115556", "Palermo");
    recorded.length = 0;
    expect(call("GEOSEARCHSTORE", "d", "k", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km")).toBe(":1\r\n");
    expect(call("GEORADIUS", "k", "13", "38", "1", "km", "STORE", "x")).toBe(":0\r\n");
    expect(call("GEORADIUS", "k", "13.361389", "38.115556", "1", "km", "STOREDIST", "x")).toBe(":1\r\n");
    expect(recorded.map((entry) => entry.args)).toEqual([
      ["GEOSEARCHSTORE", "d", "k", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"],
      ["GEORADIUS", "k", "13.361389", "38.115556", "1", "km", "STOREDIST", "x"],
    ]);
  });
});

describe("printf's formats", () => {
  /** The exact decimal of a double rounded to `digits` decimals, ties to even (glibc's printf), by BigInt. */
  function exactFixed(value: number, digits: number): string {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value);
    const bits = view.getBigUint64(0);
    const negative = bits >> 63n === 1n;
    const exponent = Number((bits >> 52n) & 0x7ffn);
    const fraction = bits & ((1n << 52n) - 1n);
    const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n);
    const power = (exponent === 0 ? 1 : exponent) - 1075;
    // value = mantissa × 2^power; scaled = value × 10^digits as a fraction num/den.
    let num = mantissa * 10n ** BigInt(digits);
    let den = 1n;
    if (power >= 0) num <<= BigInt(power);
    else den <<= BigInt(-power);
    let quotient = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && quotient % 2n === 1n)) quotient++;
    const text = quotient.toString().padStart(digits + 1, "0");
    return `${negative ? "-" : ""}${text.slice(0, -digits)}.${text.slice(-digits)}`;
  }

  test("%.Nf rounds the exact binary value, ties to even, and prints huge values in full", () => {
    const next = random(99);
    const values = [0, -0, 0.5, 1.5, 2.5, 0.0078125, -0.0078125, 0.03125, 2 ** -18, 3 * 2 ** -18, 1e21, 1e300, -1e300, 123456789.123456789, 180, -180, 85.05112878];
    for (let i = 0; i < 20000; i++) {
      const kind = next();
      if (kind < 0.4) values.push((next() * 2 - 1) * 180);
      else if (kind < 0.6) values.push(Math.round(next() * 2 ** 20) / 2 ** (1 + Math.floor(next() * 22)));
      else if (kind < 0.8) values.push((next() - 0.5) * 10 ** Math.floor(next() * 30 - 10));
      else values.push(next() * 20_000_000);
    }
    for (let i = 0; i < 5000; i++) {
      // Ties at the fourth decimal, and the doubles either side of them.
      const tie = (Math.floor(next() * 2 ** 30) + 0.5) / 10000;
      values.push(tie, tie * (1 + Number.EPSILON), tie * (1 - Number.EPSILON), Math.floor(next() * 1e6) / 32);
    }
    for (const value of values) {
      for (const digits of [4, 6, 17]) expect(formatFixed(value, digits)).toBe(exactFixed(value, digits));
      expect(formatDistance(value)).toBe(exactFixed(value, 4));
    }
    expect(formatDistance(0)).toBe("0.0000");
    expect(formatDistance(-0)).toBe("-0.0000");
    expect(formatDistance(1e300)).toBe(exactFixed(1e300, 4));
    expect(formatFixed(Infinity, 6)).toBe("inf");
    expect(formatFixed(-Infinity, 6)).toBe("-inf");
  });

  test("the human long double format drops trailing zeros and the sign of zero", () => {
    expect(formatHuman(180)).toBe("180");
    expect(formatHuman(-180)).toBe("-180");
    expect(formatHuman(85.05112878)).toBe("85.0511287799999991");
    expect(formatHuman(0)).toBe("0");
    expect(formatHuman(-0)).toBe("0");
    expect(formatHuman(-1e-30)).toBe("0");
    expect(formatHuman(13.361389338970184)).toBe("13.36138933897018433");
    expect(formatHuman(0.5)).toBe("0.5");
  });
});

describe("Redis's partial quicksort", () => {
  test("puts the smallest elements in order at the front, for any kept range", () => {
    const next = random(5);
    for (let round = 0; round < 300; round++) {
      const length = 1 + Math.floor(next() * 120);
      const items = Array.from({ length }, () => Math.floor(next() * (round % 3 === 0 ? 4 : 1000)));
      const sorted = [...items].sort((a, b) => a - b);
      const kept = Math.floor(next() * length);
      partialSort(items, (a, b) => (a > b ? 1 : a === b ? 0 : -1), 0, kept);
      expect(items.slice(0, kept + 1)).toEqual(sorted.slice(0, kept + 1));
      expect([...items].sort((a, b) => a - b)).toEqual(sorted);
    }
  });

  test("the full sort is stable, as glibc's merge sort", () => {
    const next = random(6);
    for (let round = 0; round < 300; round++) {
      const items = Array.from({ length: Math.floor(next() * 40) }, (_, index) => ({ key: Math.floor(next() * 5), index }));
      const expected = [...items].sort((a, b) => a.key - b.key || a.index - b.index);
      stableSort(items, (a, b) => a.key - b.key);
      expect(items).toEqual(expected);
    }
  });
});
