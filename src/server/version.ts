/**
 * @module
 * Versions reported to clients. `redis_version` is the Redis release whose behaviour is implemented,
 * since clients gate features on it; bunredis's own version is reported beside it.
 */
import pkg from "../../package.json" with { type: "json" };

/** The Redis version whose behaviour this server implements. */
export const REDIS_VERSION = "7.0.15";
/** This server's own version. */
export const BUNREDIS_VERSION: string = pkg.version;
