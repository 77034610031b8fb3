/**
 * @module
 * The geo group: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE, GEORADIUS and friends.
 */
import type { CommandSpec } from "../command.ts";

/** Every command of the group. */
export const GEO_COMMANDS: readonly CommandSpec[] = [];
