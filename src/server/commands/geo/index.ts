/**
 * @module
 * The geo group: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE, GEORADIUS,
 * GEORADIUSBYMEMBER and their read-only forms. Positions live in sorted sets, scored by their
 * 52-bit geohash (src/store/types/geohash.ts), so every sorted-set command works on them too.
 */
import type { CommandSpec } from "../../command.ts";
import { GEOADD } from "./add.ts";
import { GEODIST, GEOHASH, GEOPOS } from "./read.ts";
import { GEORADIUS, GEORADIUS_RO, GEORADIUSBYMEMBER, GEORADIUSBYMEMBER_RO, GEOSEARCH, GEOSEARCHSTORE } from "./search.ts";

/** Every command of the group. */
export const GEO_COMMANDS: readonly CommandSpec[] = [
  GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER, GEORADIUS_RO, GEORADIUSBYMEMBER_RO,
];
