/**
 * @module
 * The geo searches, one generic command as in Redis 7.0 (`georadiusGeneric`): GEOSEARCH and
 * GEOSEARCHSTORE, and the older GEORADIUS and GEORADIUSBYMEMBER (with STORE/STOREDIST) and their
 * read-only forms. A search scans at most nine score intervals of the sorted set (the cells
 * around the centre, see `searchIntervals`), keeps the members inside the circle or box, orders
 * them as Redis does, and replies or stores them.
 */
import { centre, decodeScore, distanceFromCentre, distanceIfInRectangle, searchIntervals, type GeoShape } from "../../../store/types/geohash.ts";
import { SortedSet } from "../../../store/types/sorted-set.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import {
  ERR_GEO_ANY_WITHOUT_COUNT, ERR_GEO_BOX_NEGATIVE, ERR_GEO_BY, ERR_GEO_COUNT, ERR_GEO_FROM, ERR_GEO_HEIGHT_NOT_NUMBER, ERR_GEO_MEMBER,
  ERR_GEO_RADIUS_NEGATIVE, ERR_GEO_RADIUS_NOT_NUMBER, ERR_GEO_STORE_WITH, ERR_GEO_WIDTH_NOT_NUMBER, ERR_NOT_INTEGER, ERR_SYNTAX, ReplyError,
} from "../../errors.ts";
import { NOTIFY_GENERIC, NOTIFY_ZSET } from "../../notifications.ts";
import { parseLong, parseScore } from "../sorted-sets/arguments.ts";
import { readZset } from "../sorted-sets/helpers.ts";
import { formatDistance } from "./format.ts";
import { coordinate, isOption, parseCoordinates, parseUnit } from "./helpers.ts";
import { partialSort, stableSort } from "./sort.ts";

/** Which command runs the search (Redis's RADIUS_* and GEOSEARCH flags). */
const BY_COORDINATES = 1;
const BY_MEMBER = 2;
const NO_STORE = 4;
const SEARCH = 8;
const SEARCH_STORE = 16;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

/** One member inside the shape. */
interface Match {
  readonly member: string;
  /** Meters from the centre. */
  readonly dist: number;
  readonly score: number;
  readonly longitude: number;
  readonly latitude: number;
}

/** Redis's `sort_gp_asc`. */
function nearestFirst(a: Match, b: Match): number {
  return a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1;
}

/** Redis's `sort_gp_desc`. */
function farthestFirst(a: Match, b: Match): number {
  return -nearestFirst(a, b);
}

/** A radius and its unit at `args[at]`, `args[at + 1]` (`extractDistanceOrReply`). */
function parseRadius(args: readonly string[], at: number, shape: GeoShape): void {
  const radius = parseScore(args[at]!, ERR_GEO_RADIUS_NOT_NUMBER);
  if (radius < 0) throw new ReplyError(ERR_GEO_RADIUS_NEGATIVE);
  shape.radius = radius;
  shape.conversion = parseUnit(args[at + 1]!);
}

/** A width, height and unit from `args[at]` on (`extractBoxOrReply`). */
function parseBox(args: readonly string[], at: number, shape: GeoShape): void {
  const width = parseScore(args[at]!, ERR_GEO_WIDTH_NOT_NUMBER);
  const height = parseScore(args[at + 1]!, ERR_GEO_HEIGHT_NOT_NUMBER);
  if (height < 0 || width < 0) throw new ReplyError(ERR_GEO_BOX_NEGATIVE);
  shape.width = width;
  shape.height = height;
  shape.conversion = parseUnit(args[at + 2]!);
}

/** The centre from a member's position (`longLatFromMember`), or `ERR could not decode requested zset member`. */
function centreFromMember(zset: SortedSet, member: string, shape: GeoShape): void {
  const score = zset.score(member);
  if (score === undefined) throw new ReplyError(ERR_GEO_MEMBER);
  const xy = new Float64Array(2);
  decodeScore(score, xy);
  shape.longitude = xy[0]!;
  shape.latitude = xy[1]!;
}

/**
 * The members inside `shape`, scanning its intervals in order; with `limit` (ANY's count) the
 * scan stops as soon as that many were found.
 */
function membersInShape(zset: SortedSet, shape: GeoShape, limit: number): Match[] {
  const intervals = searchIntervals(shape);
  const matches: Match[] = [];
  const xy = new Float64Array(2);
  const radius = shape.radius * shape.conversion;
  const width = shape.width * shape.conversion;
  const height = shape.height * shape.conversion;
  const from = centre(shape.longitude, shape.latitude);
  for (let i = 0; i < intervals.length; i += 2) {
    if (limit > 0 && matches.length >= limit) break;
    const max = intervals[i + 1]!;
    for (const cursor = zset.at(zset.firstAtOrAbove(intervals[i]!)); cursor.valid; cursor.next()) {
      const score = cursor.score;
      if (score >= max) break;
      decodeScore(score, xy);
      const longitude = xy[0]!;
      const latitude = xy[1]!;
      let dist: number;
      if (shape.box) {
        dist = distanceIfInRectangle(from, width, height, longitude, latitude);
        if (dist === -1) continue;
      } else {
        dist = distanceFromCentre(from, longitude, latitude);
        if (dist > radius) continue;
      }
      matches.push({ member: cursor.member, dist, score, longitude, latitude });
      if (limit > 0 && matches.length >= limit) break;
    }
  }
  return matches;
}

/**
 * Redis's `georadiusGeneric`. `source` is the index of the searched key; `flags` say which
 * command this is and so which arguments it takes.
 */
function search(ctx: CommandContext, args: string[], source: number, flags: number): void {
  const zset = readZset(ctx, args[source]!);
  const shape: GeoShape = { longitude: 0, latitude: 0, box: false, radius: 0, width: 0, height: 0, conversion: 0 };
  let base: number;
  let storeKey: string | undefined;
  let storeDist = false;
  if (flags & BY_COORDINATES) {
    base = 6;
    parseCoordinates(args, 2, shape);
    parseRadius(args, 4, shape);
  } else if (flags & BY_MEMBER) {
    base = 5;
    // Without the key there is no member to read: the rest is still parsed, to pick the reply.
    if (zset !== undefined) {
      centreFromMember(zset, args[2]!, shape);
      parseRadius(args, 3, shape);
    }
  } else {
    base = 2;
    if (flags & SEARCH_STORE) {
      base = 3;
      storeKey = args[1]!;
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let fromMember = false;
  let fromLonLat = false;
  let byRadius = false;
  let byBox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const canStore = (flags & (NO_STORE | SEARCH)) === 0;
  const isSearch = (flags & SEARCH) !== 0;
  for (let i = base; i < args.length; i++) {
    const word = args[i]!;
    const more = args.length - i - 1;
    if (isOption(word, "withdist")) withDist = true;
    else if (isOption(word, "withhash")) withHash = true;
    else if (isOption(word, "withcoord")) withCoord = true;
    else if (isOption(word, "any")) any = true;
    else if (isOption(word, "asc")) sort = SORT_ASC;
    else if (isOption(word, "desc")) sort = SORT_DESC;
    else if (isOption(word, "count") && more >= 1) {
      count = parseLong(args[++i]!, ERR_NOT_INTEGER);
      if (count <= 0) throw new ReplyError(ERR_GEO_COUNT);
    } else if (isOption(word, "store") && more >= 1 && canStore) {
      storeKey = args[++i]!;
      storeDist = false;
    } else if (isOption(word, "storedist") && more >= 1 && canStore) {
      storeKey = args[++i]!;
      storeDist = true;
    } else if (isOption(word, "storedist") && (flags & SEARCH_STORE) !== 0) storeDist = true;
    else if (isOption(word, "frommember") && more >= 1 && isSearch && !fromLonLat) {
      if (zset !== undefined) centreFromMember(zset, args[i + 1]!, shape);
      fromMember = true;
      i++;
    } else if (isOption(word, "fromlonlat") && more >= 2 && isSearch && !fromMember) {
      parseCoordinates(args, i + 1, shape);
      fromLonLat = true;
      i += 2;
    } else if (isOption(word, "byradius") && more >= 2 && isSearch && !byBox) {
      parseRadius(args, i + 1, shape);
      shape.box = false;
      byRadius = true;
      i += 2;
    } else if (isOption(word, "bybox") && more >= 3 && isSearch && !byRadius) {
      parseBox(args, i + 1, shape);
      shape.box = true;
      byBox = true;
      i += 3;
    } else throw new ReplyError(ERR_SYNTAX);
  }

  if (storeKey !== undefined && (withDist || withHash || withCoord)) {
    throw new ReplyError(ERR_GEO_STORE_WITH(flags & SEARCH_STORE ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"));
  }
  if (isSearch && !fromMember && !fromLonLat) throw new ReplyError(ERR_GEO_FROM(cString(args[0]!)));
  if (isSearch && !byRadius && !byBox) throw new ReplyError(ERR_GEO_BY(cString(args[0]!)));
  if (any && count === 0) throw new ReplyError(ERR_GEO_ANY_WITHOUT_COUNT);

  if (zset === undefined) {
    if (storeKey === undefined) ctx.reply.array(0);
    else {
      if (ctx.db.delete(storeKey)) ctx.db.keyChanged(storeKey, "del", NOTIFY_GENERIC);
      ctx.reply.integer(0);
    }
    return;
  }
  // COUNT wants the nearest ones, unless ANY says any will do.
  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;
  const matches = membersInShape(zset, shape, any ? count : 0);
  const returned = count === 0 || matches.length < count ? matches.length : count;
  if (sort !== SORT_NONE) {
    const compare = sort === SORT_ASC ? nearestFirst : farthestFirst;
    if (returned === matches.length) stableSort(matches, compare);
    else partialSort(matches, compare, 0, returned - 1);
  }
  if (storeKey === undefined) reply(ctx, matches, returned, shape.conversion, withDist, withHash, withCoord);
  else store(ctx, storeKey, matches, returned, shape.conversion, storeDist, isSearch);
}

/** A C string's view of a byte string: up to its first NUL (how `%s` prints the command name). */
function cString(text: string): string {
  const nul = text.indexOf("\0");
  return nul < 0 ? text : text.slice(0, nul);
}

/** The first `count` matches, each a bare member or an array of the member and what was asked for. */
function reply(ctx: CommandContext, matches: Match[], count: number, conversion: number, withDist: boolean, withHash: boolean, withCoord: boolean): void {
  const { reply } = ctx;
  const extras = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
  reply.array(count);
  for (let i = 0; i < count; i++) {
    const match = matches[i]!;
    if (extras === 0) {
      reply.bulk(match.member);
      continue;
    }
    reply.array(extras + 1);
    reply.bulk(match.member);
    if (withDist) reply.bulk(formatDistance(match.dist / conversion));
    // C's (long long) of the score: scores in the scanned intervals are below 2^54.
    if (withHash) reply.integer(Math.trunc(match.score));
    if (withCoord) {
      reply.array(2);
      coordinate(reply, match.longitude);
      coordinate(reply, match.latitude);
    }
  }
}

/** The first `count` matches stored at `destination` (scored by geohash, or by distance), or no key. */
function store(ctx: CommandContext, destination: string, matches: Match[], count: number, conversion: number, storeDist: boolean, search: boolean): void {
  const { db } = ctx;
  if (count === 0) {
    if (db.delete(destination)) db.keyChanged(destination, "del", NOTIFY_GENERIC);
    ctx.reply.integer(0);
    return;
  }
  const scores = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const match = matches[i]!;
    scores.set(match.member, storeDist ? match.dist / conversion : match.score);
  }
  // Built as a skiplist and turned into a listpack when small enough, as Redis builds it.
  db.set(destination, SortedSet.fromScores(scores, ctx.server.config));
  db.keyChanged(destination, search ? "geosearchstore" : "georadiusstore", NOTIFY_ZSET);
  ctx.reply.integer(count);
}

/**
 * GEORADIUS and GEORADIUSBYMEMBER write the key after STORE or STOREDIST (the last one given),
 * as Redis's `georadiusGetKeys` finds it.
 */
function radiusKeys(args: readonly string[]): number[] {
  let stored = -1;
  for (let i = 5; i < args.length; i++) {
    if ((isOption(args[i]!, "store") || isOption(args[i]!, "storedist")) && i + 1 < args.length) stored = ++i;
  }
  return stored === -1 ? [1] : [1, stored];
}

/**
 * GEOSEARCH key FROMMEMBER member|FROMLONLAT longitude latitude BYRADIUS radius unit|BYBOX width
 * height unit [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
 * — O(n + log m) for n members in the scanned cells of an m-member set.
 */
export const GEOSEARCH = {
  name: "geosearch",
  arity: -7,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "geo", "slow"],
  run(ctx, args) {
    search(ctx, args, 1, SEARCH);
  },
} satisfies CommandSpec;

/**
 * GEOSEARCHSTORE destination source FROMMEMBER ...|FROMLONLAT ... BYRADIUS ...|BYBOX ...
 * [ASC|DESC] [COUNT count [ANY]] [STOREDIST] — O(n + log m). Replies how many were stored.
 */
export const GEOSEARCHSTORE = {
  name: "geosearchstore",
  arity: -8,
  flags: ["write", "denyoom"],
  keys: { first: 1, last: 2, step: 1 },
  categories: ["write", "geo", "slow"],
  run(ctx, args) {
    search(ctx, args, 2, SEARCH | SEARCH_STORE);
  },
} satisfies CommandSpec;

/**
 * GEORADIUS key longitude latitude radius M|KM|FT|MI [WITHCOORD] [WITHDIST] [WITHHASH]
 * [COUNT count [ANY]] [ASC|DESC] [STORE key] [STOREDIST key] — O(n + log m).
 */
export const GEORADIUS = {
  name: "georadius",
  arity: -6,
  flags: ["write", "denyoom", "movablekeys"],
  keys: FIRST_KEY,
  categories: ["write", "geo", "slow"],
  keyIndexes: radiusKeys,
  run(ctx, args) {
    search(ctx, args, 1, BY_COORDINATES);
  },
} satisfies CommandSpec;

/** GEORADIUSBYMEMBER key member radius M|KM|FT|MI [options as GEORADIUS] — O(n + log m). */
export const GEORADIUSBYMEMBER = {
  name: "georadiusbymember",
  arity: -5,
  flags: ["write", "denyoom", "movablekeys"],
  keys: FIRST_KEY,
  categories: ["write", "geo", "slow"],
  keyIndexes: radiusKeys,
  run(ctx, args) {
    search(ctx, args, 1, BY_MEMBER);
  },
} satisfies CommandSpec;

/** GEORADIUS_RO key longitude latitude radius M|KM|FT|MI [options as GEORADIUS, no STORE] — O(n + log m). */
export const GEORADIUS_RO = {
  name: "georadius_ro",
  arity: -6,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "geo", "slow"],
  run(ctx, args) {
    search(ctx, args, 1, BY_COORDINATES | NO_STORE);
  },
} satisfies CommandSpec;

/** GEORADIUSBYMEMBER_RO key member radius M|KM|FT|MI [options as GEORADIUS, no STORE] — O(n + log m). */
export const GEORADIUSBYMEMBER_RO = {
  name: "georadiusbymember_ro",
  arity: -5,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "geo", "slow"],
  run(ctx, args) {
    search(ctx, args, 1, BY_MEMBER | NO_STORE);
  },
} satisfies CommandSpec;
