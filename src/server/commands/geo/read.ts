/**
 * @module
 * The geo commands that read members' positions: GEOPOS, GEOHASH and GEODIST. A member's position
 * is its score decoded (any score decodes, even one ZADD gave); a missing key reads as empty.
 */
import { decodeScore, geoDistance, geohashString } from "../../../store/types/geohash.ts";
import { FIRST_KEY, type CommandSpec } from "../../command.ts";
import { ERR_SYNTAX, ReplyError } from "../../errors.ts";
import { readZset } from "../sorted-sets/helpers.ts";
import { formatDistance } from "./format.ts";
import { coordinate, parseUnit } from "./helpers.ts";

/** GEOPOS key [member ...] — O(1) per member. Each position as [longitude, latitude], or null. */
export const GEOPOS = {
  name: "geopos",
  arity: -2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "geo", "slow"],
  run(ctx, args) {
    const zset = readZset(ctx, args[1]!);
    const { reply } = ctx;
    const xy = new Float64Array(2);
    reply.array(args.length - 2);
    for (let i = 2; i < args.length; i++) {
      const score = zset?.score(args[i]!);
      if (score === undefined) {
        reply.nullArray();
        continue;
      }
      decodeScore(score, xy);
      reply.array(2);
      coordinate(reply, xy[0]!);
      coordinate(reply, xy[1]!);
    }
  },
} satisfies CommandSpec;

/** GEOHASH key [member ...] — O(1) per member. Each position as an 11-character geohash, or null. */
export const GEOHASH = {
  name: "geohash",
  arity: -2,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "geo", "slow"],
  run(ctx, args) {
    const zset = readZset(ctx, args[1]!);
    const { reply } = ctx;
    const xy = new Float64Array(2);
    reply.array(args.length - 2);
    for (let i = 2; i < args.length; i++) {
      const score = zset?.score(args[i]!);
      if (score === undefined) {
        reply.null();
        continue;
      }
      decodeScore(score, xy);
      reply.bulk(geohashString(xy[0]!, xy[1]!));
    }
  },
} satisfies CommandSpec;

/** GEODIST key member1 member2 [M|KM|FT|MI] — O(1). The distance with four decimals, or null. */
export const GEODIST = {
  name: "geodist",
  arity: -4,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "geo", "slow"],
  run(ctx, args) {
    // The unit is checked before the key is looked up, as Redis does.
    let toMeters = 1;
    if (args.length === 5) toMeters = parseUnit(args[4]!);
    else if (args.length > 5) throw new ReplyError(ERR_SYNTAX);
    const zset = readZset(ctx, args[1]!);
    const first = zset?.score(args[2]!);
    const second = zset?.score(args[3]!);
    if (first === undefined || second === undefined) {
      ctx.reply.null();
      return;
    }
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    decodeScore(first, a);
    decodeScore(second, b);
    ctx.reply.bulk(formatDistance(geoDistance(a[0]!, a[1]!, b[0]!, b[1]!) / toMeters));
  },
} satisfies CommandSpec;
