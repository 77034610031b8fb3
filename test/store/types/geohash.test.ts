/**
 * The geohash arithmetic, against values redis-server 7.0.15 printed for the same inputs (scores,
 * positions to the last digit, geohash strings, distances), and the structure of a search's
 * score intervals.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  centre, decodeScore, distanceFromCentre, distanceIfInRectangle, encodeScore, encodeScoreText, geoDistance, geohashString, searchIntervals,
  validCoordinates,
  GEO_LAT_MAX, GEO_LAT_MIN, type GeoShape,
} from "../../../src/store/types/geohash.ts";

/** The position of a score, as [longitude, latitude]. */
function decode(score: number): [number, number] {
  const xy = new Float64Array(2);
  decodeScore(score, xy);
  return [xy[0]!, xy[1]!];
}

/** The position a printed Redis coordinate stands for (17 decimals identify a double here). */
const printed = (text: string) => Number(text);

describe("scores", () => {
  test("GEOADD's scores", () => {
    expect(encodeScore(13.361389, 38.115556)).toBe(3479099956230698);
    expect(encodeScore(15.087269, 37.502669)).toBe(3479447370796909);
    expect(encodeScore(-180, -85.05112878)).toBe(0);
    // The far edges are index 2^26, one past the grid: bits 52 and 53.
    expect(encodeScore(180, 85.05112878)).toBe(13510798882111488);
    expect(encodeScore(180, 0)).toBe(10133099161583616);
  });

  test("the exact integer text, beyond 2^53 too", () => {
    expect(encodeScoreText(13.361389, 38.115556)).toBe("3479099956230698");
    expect(encodeScoreText(180, 0)).toBe("10133099161583616");
    expect(encodeScoreText(180, 85.05112878)).toBe("13510798882111488");
    // A 54-bit hash: the text is exact, the score is its nearest double.
    const text = encodeScoreText(180, 1.234567);
    expect(BigInt(text) > 2n ** 53n).toBe(true);
    expect(encodeScore(180, 1.234567)).toBe(Number(text));
  });

  test("decoding gives the centre of the cell, as Redis prints it", () => {
    expect(decode(3479099956230698)).toEqual([printed("13.36138933897018433"), printed("38.11555639549629859")]);
    expect(decode(3479447370796909)).toEqual([printed("15.08726745843887329"), printed("37.50266842333162032")]);
    expect(decode(0)).toEqual([printed("-179.99999731779098511"), printed("-85.05112751263942528")]);
    expect(decode(4503599627370495)).toEqual([printed("179.99999731779098511"), printed("85.05112751263942528")]);
    expect(decode(13510798882111488)).toEqual([180, GEO_LAT_MAX]);
  });

  test("scores GEOADD never writes decode through C's uint64 conversion (x86-64)", () => {
    const southWest = decode(0);
    expect(decode(-1)).toEqual([180, GEO_LAT_MAX]);
    expect(decode(1.5)).toEqual([printed("-179.99999731779098511"), printed("-85.05112497791824921")]);
    expect(decode(1e30)).toEqual(southWest);
    expect(decode(Infinity)).toEqual(southWest);
    expect(decode(2 ** 64)).toEqual(southWest);
    expect(decode(-Infinity)).toEqual([180, southWest[1]]);
    expect(decode(-1e30)).toEqual([180, southWest[1]]);
    expect(decode(2 ** 63)).toEqual([180, southWest[1]]);
    expect(decode(-(2 ** 63))).toEqual([180, southWest[1]]);
    expect(decode(2 ** 53)).toEqual([180, southWest[1]]);
    expect(decode(2 ** 52)).toEqual([southWest[0], GEO_LAT_MAX]);
    expect(decode(-2.5)).toEqual([180, GEO_LAT_MAX]);
  });

  test("a decoded position encodes back to its score", () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: GEO_LAT_MIN, max: GEO_LAT_MAX, noNaN: true }), (longitude, latitude) => {
        const score = encodeScore(longitude, latitude);
        const [lon, lat] = decode(score);
        // On the far edges the index is 2^26, one past the grid, and a 54-bit score even rounds.
        if (score >= 2 ** 52) return;
        expect(encodeScore(lon, lat)).toBe(score);
        expect(Math.abs(lon - longitude)).toBeLessThan(360 / 2 ** 26);
        expect(Math.abs(lat - latitude)).toBeLessThan((GEO_LAT_MAX - GEO_LAT_MIN) / 2 ** 26);
      }),
      { numRuns: 2000 },
    );
  });

  test("valid coordinates are the Mercator square, edges included", () => {
    expect(validCoordinates(180, GEO_LAT_MAX)).toBe(true);
    expect(validCoordinates(-180, GEO_LAT_MIN)).toBe(true);
    expect(validCoordinates(180.0000001, 0)).toBe(false);
    expect(validCoordinates(0, 85.0511288)).toBe(false);
    expect(validCoordinates(0, -90)).toBe(false);
  });
});

describe("geohash strings", () => {
  test("11 characters over the standard ±90 latitudes, the last always 0", () => {
    const hash = (score: number) => geohashString(...decode(score));
    expect(hash(3479099956230698)).toBe("sqc8b49rny0");
    expect(hash(3479447370796909)).toBe("sqdtr74hyu0");
    expect(hash(0)).toBe("00bh0hbj200");
    expect(hash(13510798882111488)).toBe("bp05b5048p0");
    expect(hash(4503599627370495)).toBe("zzpgzgpfxz0");
    expect(hash(1.5)).toBe("00bh0hbj210");
  });
});

describe("distances", () => {
  test("haversine with Redis's earth radius", () => {
    const [a, b] = [decode(3479099956230698), decode(3479447370796909)];
    expect(geoDistance(a[0], a[1], b[0], b[1]).toFixed(4)).toBe("166274.1516");
    expect(geoDistance(a[0], a[1], a[0], a[1])).toBe(0);
    expect(geoDistance(0, 0, 180, 0)).toBeCloseTo(Math.PI * 6372797.560856, 3);
  });

  test("from a prepared centre: the same bits as the plain haversine", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: GEO_LAT_MIN, max: GEO_LAT_MAX, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: GEO_LAT_MIN, max: GEO_LAT_MAX, noNaN: true }),
        (lon1, lat1, lon2, lat2) => {
          expect(distanceFromCentre(centre(lon1, lat1), lon2, lat2)).toBe(geoDistance(lon1, lat1, lon2, lat2));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("in a box: half the width along the point's parallel, half the height along its meridian (Redis's legs, bit for bit)", () => {
    const redisRectangle = (width: number, height: number, x1: number, y1: number, x2: number, y2: number) => {
      const lonDistance = geoDistance(x2, y2, x1, y2);
      const latDistance = geoDistance(x2, y2, x2, y1);
      return lonDistance > width / 2 || latDistance > height / 2 ? -1 : geoDistance(x1, y1, x2, y2);
    };
    expect(distanceIfInRectangle(centre(0, 0), 200_000, 200_000, 0.5, 0.5)).toBe(geoDistance(0, 0, 0.5, 0.5));
    expect(distanceIfInRectangle(centre(0, 0), 200_000, 200_000, 1, 0)).toBe(-1);
    expect(distanceIfInRectangle(centre(0, 0), 200_000, 200_000, 0, 1)).toBe(-1);
    expect(distanceIfInRectangle(centre(0, 0), 300_000, 200_000, 1, 0)).toBeGreaterThan(0);
    fc.assert(
      fc.property(
        fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: GEO_LAT_MIN, max: GEO_LAT_MAX, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 2e6, noNaN: true }), fc.double({ min: 0, max: 2e6, noNaN: true }),
        (lon, lat, dlon, dlat, width, height) => {
          const lon2 = Math.max(-180, Math.min(180, lon + dlon));
          const lat2 = Math.max(GEO_LAT_MIN, Math.min(GEO_LAT_MAX, lat + dlat));
          expect(distanceIfInRectangle(centre(lon, lat), width, height, lon2, lat2)).toBe(redisRectangle(width, height, lon, lat, lon2, lat2));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("search intervals", () => {
  const shape = (longitude: number, latitude: number, radius: number, box = false): GeoShape => ({
    longitude, latitude, box, radius: box ? 0 : radius, width: box ? radius : 0, height: box ? radius : 0, conversion: 1,
  });

  test("at most nine cells, each an aligned interval, the centre's own first", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: GEO_LAT_MIN, max: GEO_LAT_MAX, noNaN: true }),
        fc.double({ min: 0, max: 3e7, noNaN: true }),
        fc.boolean(),
        (longitude, latitude, radius, box) => {
          const intervals = searchIntervals(shape(longitude, latitude, radius, box));
          expect(intervals.length % 2).toBe(0);
          expect(intervals.length).toBeGreaterThanOrEqual(2);
          expect(intervals.length).toBeLessThanOrEqual(18);
          const width = intervals[1]! - intervals[0]!;
          for (let i = 0; i < intervals.length; i += 2) {
            expect(intervals[i + 1]! - intervals[i]!).toBe(width);
            expect(intervals[i]! % width).toBe(0);
          }
          const score = encodeScore(longitude, latitude);
          if (score < 2 ** 52) {
            expect(score).toBeGreaterThanOrEqual(intervals[0]!);
            expect(score).toBeLessThan(intervals[1]!);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("a zero radius scans the point's own step-26 cell; a huge one the four step-1 cells", () => {
    const score = encodeScore(13.361389, 38.115556);
    expect(searchIntervals(shape(13.361389, 38.115556, 0)).slice(0, 2)).toEqual([score, score + 1]);
    const all = searchIntervals(shape(0, 0, 2.5e7));
    expect(all.length).toBe(8);
    expect([...all].sort((a, b) => a - b)).toEqual([0, 2 ** 50, 2 ** 50, 2 ** 51, 2 ** 51, 3 * 2 ** 50, 3 * 2 ** 50, 2 ** 52]);
  });

  test("every point within a small radius, away from the poles, lies in a scanned interval", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -170, max: 170, noNaN: true }),
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.double({ min: 1, max: 200_000, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (longitude, latitude, radius, bearing, fraction) => {
          const intervals = searchIntervals(shape(longitude, latitude, radius));
          // A point at `fraction` of the radius, along `bearing` (flat-earth offset, well inside).
          const meters = radius * fraction * 0.9;
          const lat = latitude + ((meters * Math.cos(bearing)) / 6372797.560856) * (180 / Math.PI);
          const lon = longitude + ((meters * Math.sin(bearing)) / (6372797.560856 * Math.cos((lat * Math.PI) / 180))) * (180 / Math.PI);
          const [x, y] = decode(encodeScore(lon, lat));
          if (geoDistance(longitude, latitude, x, y) > radius) return;
          const score = encodeScore(lon, lat);
          let inside = false;
          for (let i = 0; i < intervals.length; i += 2) if (score >= intervals[i]! && score < intervals[i + 1]!) inside = true;
          expect(inside).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
