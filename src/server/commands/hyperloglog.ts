/**
 * @module
 * The HyperLogLog group: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.
 */
import type { CommandSpec } from "../command.ts";

/** Every command of the group. */
export const HYPERLOGLOG_COMMANDS: readonly CommandSpec[] = [];
