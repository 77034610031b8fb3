/**
 * @module
 * The bitmap group: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO.
 */
import type { CommandSpec } from "../command.ts";

/** Every command of the group. */
export const BITMAP_COMMANDS: readonly CommandSpec[] = [];
