/**
 * @module
 * The geohash arithmetic of Redis's geo commands, done step for step as Redis 7.0's geohash.c and
 * geohash_helper.c do it in C doubles, so that scores, decoded positions, distances and the cells
 * a search visits are Redis's to the last bit. A position is stored as a sorted-set score: the
 * longitude and latitude, each cut into 2^26 steps over [-180, 180] and [-85.05112878,
 * 85.05112878], interleaved into a 52-bit integer (latitude on the even bits, longitude on the odd
 * ones). A cell of a coarser step is a pair of grid indexes; its members are the scores in one
 * interval. Pure: no RESP, no server.
 */

/** The finest step (bits per coordinate): scores have 2 × 26 bits. */
export const GEO_STEP_MAX = 26;
/** The longitude range. */
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
/** The latitude range: the Web Mercator square, as in Redis (not ±90). */
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
/** Earth's quadratic mean radius for WGS-84, which Redis's haversine uses. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
/** Half the equator in Mercator meters: the radius step estimate doubles up to it. */
const MERCATOR_MAX = 20037726.37;
/** C's `M_PI / 180.0`: one constant, multiplied in (and divided out), as Redis does. */
const D_R = Math.PI / 180;
const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
/** GEOHASH's alphabet (base32 without a, i, l, o). */
const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/** Whether a longitude, latitude pair is one Redis accepts (GEOADD, FROMLONLAT, GEORADIUS). */
export function validCoordinates(longitude: number, latitude: number): boolean {
  return !(longitude < GEO_LONG_MIN || longitude > GEO_LONG_MAX || latitude < GEO_LAT_MIN || latitude > GEO_LAT_MAX);
}

/** 16 bits spread to the even bits of 32. */
function spread16(value: number): number {
  let v = value & 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  return (v | (v << 1)) & 0x55555555;
}

/** The even bits of a 32-bit word, gathered into 16. */
function compact16(word: number): number {
  let v = word & 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  return (v | (v >>> 8)) & 0x0000ffff;
}

/** The low 32 bits of Redis's `interleave64(y, x)`: `y` on the even bits, `x` on the odd ones. */
function interleaveLow(y: number, x: number): number {
  return (spread16(y) | (spread16(x) << 1)) >>> 0;
}

/** The high 32 bits of `interleave64(y, x)`. */
function interleaveHigh(y: number, x: number): number {
  return (spread16(y >>> 16) | (spread16(x >>> 16) << 1)) >>> 0;
}

/** C's `(uint32_t)` of a grid offset, which is in [0, 2^step] for a valid coordinate. */
function gridIndex(offset: number): number {
  return offset >>> 0;
}

/** `geohashEncode`'s grid index of a longitude at `step`. */
function longitudeIndex(longitude: number, step: number): number {
  return gridIndex(((longitude - GEO_LONG_MIN) / (GEO_LONG_MAX - GEO_LONG_MIN)) * 2 ** step);
}

/** `geohashEncode`'s grid index of a latitude at `step` over [`min`, `max`]. */
function latitudeIndex(latitude: number, step: number, min: number, max: number): number {
  return gridIndex(((latitude - min) / (max - min)) * 2 ** step);
}

/**
 * GEOADD's score for a valid position: the step-26 hash as the double ZADD reads back from its
 * integer text (a position on the east edge has a 54-bit hash, which rounds).
 */
export function encodeScore(longitude: number, latitude: number): number {
  const x = longitudeIndex(longitude, GEO_STEP_MAX);
  const y = latitudeIndex(latitude, GEO_STEP_MAX, GEO_LAT_MIN, GEO_LAT_MAX);
  return interleaveHigh(y, x) * TWO_32 + interleaveLow(y, x);
}

/** GEOADD's score as the exact integer text Redis hands to ZADD (and to the AOF). */
export function encodeScoreText(longitude: number, latitude: number): string {
  const x = longitudeIndex(longitude, GEO_STEP_MAX);
  const y = latitudeIndex(latitude, GEO_STEP_MAX, GEO_LAT_MIN, GEO_LAT_MAX);
  const high = interleaveHigh(y, x);
  const low = interleaveLow(y, x);
  const value = high * TWO_32 + low;
  return Number.isSafeInteger(value) ? String(value) : String((BigInt(high) << 32n) | BigInt(low));
}

/**
 * The two 32-bit words of C's `(uint64_t)score` on x86-64 for a score GEOADD cannot have written
 * (negative, beyond 2^53, infinite): the conversion Redis's decode goes through.
 */
function unusualScoreWords(score: number): [number, number] {
  let bits: bigint;
  if (score >= TWO_63) {
    // Above 2^63 the conversion subtracts 2^63, converts signed and flips the top bit back; an
    // out-of-range signed conversion gives 2^63, which the flip turns into 0.
    const rest = score - TWO_63;
    bits = rest >= TWO_63 ? 0n : BigInt(Math.trunc(rest)) + (1n << 63n);
  } else if (score !== score || score < -TWO_63) bits = 1n << 63n;
  else bits = BigInt.asUintN(64, BigInt(Math.trunc(score)));
  return [Number(bits >> 32n), Number(bits & 0xffffffffn)];
}

/** One coordinate of a step-26 cell's centre, as `geohashDecode` then `geohashDecodeAreaToLongLat` compute it. */
function cellCentre(index: number, min: number, max: number): number {
  const scale = max - min;
  const low = min + (index / 67108864) * scale;
  // C adds 1 in uint32_t, which wraps for the all-ones index of a huge score.
  const high = min + (((index + 1) >>> 0) / 67108864) * scale;
  const middle = (low + high) / 2;
  return middle > max ? max : middle < min ? min : middle;
}

/**
 * The position a score stands for (Redis's `decodeGeohash`): `xy[0]` longitude, `xy[1]`
 * latitude. Any score decodes, through C's conversion to uint64 (fractions truncated).
 */
export function decodeScore(score: number, xy: Float64Array): void {
  let high: number;
  let low: number;
  if (score >= 0 && score < 9007199254740992) {
    const value = Math.trunc(score);
    high = Math.floor(value / TWO_32);
    low = value - high * TWO_32;
  } else [high, low] = unusualScoreWords(score);
  // Latitude on the even bits, longitude on the odd ones; each index may be up to 32 bits here.
  const row = (compact16(low) | (compact16(high) << 16)) >>> 0;
  const column = (compact16(low >>> 1) | (compact16(high >>> 1) << 16)) >>> 0;
  xy[0] = cellCentre(column, GEO_LONG_MIN, GEO_LONG_MAX);
  xy[1] = cellCentre(row, GEO_LAT_MIN, GEO_LAT_MAX);
}

/**
 * GEOHASH's 11 characters for a decoded position: re-encoded over the standard latitude range
 * ±90 at step 26, five bits a character, the eleventh always `0` (52 bits fill ten and a bit).
 */
export function geohashString(longitude: number, latitude: number): string {
  const x = longitudeIndex(longitude, GEO_STEP_MAX);
  const y = latitudeIndex(latitude, GEO_STEP_MAX, -90, 90);
  const high = interleaveHigh(y, x);
  const low = interleaveLow(y, x);
  let text = "";
  for (let i = 0; i < 10; i++) {
    const shift = 52 - (i + 1) * 5;
    let index: number;
    if (shift >= 32) index = high >>> (shift - 32);
    else if (shift + 5 <= 32) index = low >>> shift;
    else index = (low >>> shift) | (high << (32 - shift));
    text += BASE32[index & 0x1f];
  }
  return text + "0";
}

/** `geohashGetDistance`: the haversine distance in meters, with Redis's order of operations. */
export function geoDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lat1r = lat1 * D_R;
  const lon1r = lon1 * D_R;
  const lat2r = lat2 * D_R;
  const lon2r = lon2 * D_R;
  const u = Math.sin((lat2r - lat1r) / 2);
  const v = Math.sin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

/** A search's centre, with what every haversine from it needs computed once. */
export interface Centre {
  readonly longitude: number;
  readonly latitude: number;
  readonly longitudeRadians: number;
  readonly latitudeRadians: number;
  readonly cosLatitude: number;
}

/** The centre at `longitude`, `latitude`. */
export function centre(longitude: number, latitude: number): Centre {
  const latitudeRadians = latitude * D_R;
  return { longitude, latitude, longitudeRadians: longitude * D_R, latitudeRadians, cosLatitude: Math.cos(latitudeRadians) };
}

/** `geoDistance(centre, point)`: the same operations, with the centre's part done once. */
export function distanceFromCentre(from: Centre, longitude: number, latitude: number): number {
  const lat2r = latitude * D_R;
  const u = Math.sin((lat2r - from.latitudeRadians) / 2);
  const v = Math.sin((longitude * D_R - from.longitudeRadians) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u + from.cosLatitude * Math.cos(lat2r) * v * v));
}

/**
 * `geohashGetDistanceIfInRectangle`: the distance from the box's centre to the point when the
 * point is within half the width east-west (the haversine along the point's parallel) and half
 * the height north-south (along its meridian); -1 when it is outside. Each leg is Redis's
 * haversine with the terms that are exactly zero left out, so the results are the same bits.
 */
export function distanceIfInRectangle(from: Centre, widthMeters: number, heightMeters: number, longitude: number, latitude: number): number {
  const lat2r = latitude * D_R;
  // Along the meridian the longitude term is 0: a = u².
  const u = Math.sin((from.latitudeRadians - lat2r) / 2);
  if (2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u)) > heightMeters / 2) return -1;
  // Along the parallel the latitude term is 0: a = cos² × v².
  const cosine = Math.cos(lat2r);
  const v = Math.sin((from.longitudeRadians - longitude * D_R) / 2);
  if (2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(cosine * cosine * v * v)) > widthMeters / 2) return -1;
  return distanceFromCentre(from, longitude, latitude);
}

/** What a search covers: a circle (`width` = `height` = 0) or an axis-aligned box, in the query's unit. */
export interface GeoShape {
  /** The centre. */
  longitude: number;
  latitude: number;
  /** True for BYBOX. */
  box: boolean;
  radius: number;
  width: number;
  height: number;
  /** Meters per unit of the query. */
  conversion: number;
}

/** `geohashEstimateStepsByRadius`: a step whose cells are about the search's size. */
function estimateSteps(rangeMeters: number, latitude: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  // Meridians converge towards the poles: cells get narrower, so take bigger ones.
  if (latitude > 66 || latitude < -66) {
    step--;
    if (latitude > 80 || latitude < -80) step--;
  }
  return step < 1 ? 1 : step > 26 ? 26 : step;
}

/** The neighbours' offsets in Redis's order: centre, N, S, E, W, NE, NW, SE, SW. */
const DX = [0, 0, 0, 1, -1, 1, -1, 1, -1] as const;
const DY = [0, 1, -1, 0, 0, 1, 1, -1, -1] as const;

/** A latitude cell edge at `step`, as `geohashDecode` computes it (index may be past the grid). */
function latitudeEdge(index: number, step: number): number {
  return GEO_LAT_MIN + (index / 2 ** step) * (GEO_LAT_MAX - GEO_LAT_MIN);
}

/** A longitude cell edge at `step`. */
function longitudeEdge(index: number, step: number): number {
  return GEO_LONG_MIN + (index / 2 ** step) * (GEO_LONG_MAX - GEO_LONG_MIN);
}

/**
 * The score intervals a search scans, in Redis's order (the centre cell, then north, south, east,
 * west, north-east, north-west, south-east, south-west), as `geohashCalculateAreasByShapeWGS84`
 * and `membersOfAllNeighbors` pick them: the step estimated from the shape's radius (a box's half
 * diagonal), one step coarser when a neighbour does not reach the shape's bounding box, the
 * neighbours beyond the bounding box dropped, and a cell equal to the one scanned before it
 * skipped. Cells are grid indexes (x east, y north); a move along one axis wraps around the grid
 * and leaves the other index alone, even the far-edge index 2^step. Returned flat: min0, max0,
 * min1, max1 ... (min inclusive, max exclusive).
 */
export function searchIntervals(shape: GeoShape): number[] {
  const { longitude, latitude, conversion } = shape;
  // geohashBoundingBox: the meridians bend, so the wider edge of the box sets the longitudes.
  const height = conversion * (shape.box ? shape.height / 2 : shape.radius);
  const width = conversion * (shape.box ? shape.width / 2 : shape.radius);
  const latDelta = height / EARTH_RADIUS_IN_METERS / D_R;
  const lonDeltaTop = width / EARTH_RADIUS_IN_METERS / Math.cos((latitude + latDelta) * D_R) / D_R;
  const lonDeltaBottom = width / EARTH_RADIUS_IN_METERS / Math.cos((latitude - latDelta) * D_R) / D_R;
  const southern = latitude < 0;
  const minLon = southern ? longitude - lonDeltaBottom : longitude - lonDeltaTop;
  const maxLon = southern ? longitude + lonDeltaBottom : longitude + lonDeltaTop;
  const minLat = latitude - latDelta;
  const maxLat = latitude + latDelta;

  const halfWidth = shape.width / 2;
  const halfHeight = shape.height / 2;
  const radiusMeters = (shape.box ? Math.sqrt(halfWidth * halfWidth + halfHeight * halfHeight) : shape.radius) * conversion;
  let step = estimateSteps(radiusMeters, latitude);
  let x = longitudeIndex(longitude, step);
  let y = latitudeIndex(latitude, step, GEO_LAT_MIN, GEO_LAT_MAX);
  let mask = 2 ** step - 1;
  // Too coarse a step when a side neighbour ends short of the bounding box.
  if (
    step > 1 &&
    (latitudeEdge(((y + 1) & mask) + 1, step) < maxLat ||
      latitudeEdge((y - 1) & mask, step) > minLat ||
      longitudeEdge(((x + 1) & mask) + 1, step) < maxLon ||
      longitudeEdge((x - 1) & mask, step) > minLon)
  ) {
    step--;
    x = longitudeIndex(longitude, step);
    y = latitudeIndex(latitude, step, GEO_LAT_MIN, GEO_LAT_MAX);
    mask = 2 ** step - 1;
  }
  // Neighbours wholly beyond the bounding box are dropped (bit i: cell i).
  let dropped = 0;
  if (step >= 2) {
    if (latitudeEdge(y, step) < minLat) dropped |= (1 << 2) | (1 << 7) | (1 << 8);
    if (latitudeEdge(y + 1, step) > maxLat) dropped |= (1 << 1) | (1 << 5) | (1 << 6);
    if (longitudeEdge(x, step) < minLon) dropped |= (1 << 4) | (1 << 6) | (1 << 8);
    if (longitudeEdge(x + 1, step) > maxLon) dropped |= (1 << 3) | (1 << 5) | (1 << 7);
  }
  const intervals: number[] = [];
  const shift = 2 ** (52 - 2 * step);
  let last = 0;
  let lastX = 0;
  let lastY = 0;
  for (let i = 0; i < 9; i++) {
    if ((dropped & (1 << i)) !== 0) continue;
    const cellX = DX[i] === 0 ? x : (x + DX[i]!) & mask;
    const cellY = DY[i] === 0 ? y : (y + DY[i]!) & mask;
    // Huge searches make neighbours coincide: a cell equal to the last one scanned is skipped
    // (Redis's test reads "last scanned" as unset while it is the centre, index 0).
    if (last !== 0 && cellX === lastX && cellY === lastY) continue;
    last = i;
    lastX = cellX;
    lastY = cellY;
    const high = interleaveHigh(cellY, cellX);
    const low = interleaveLow(cellY, cellX);
    // Exact below 2^53; a 54-bit step-26 hash rounds once, as C's uint64 to double does.
    intervals.push((high * TWO_32 + low) * shift, (high * TWO_32 + (low + 1)) * shift);
  }
  return intervals;
}
