/**
 * @module
 * DUMP and RESTORE: a key's value in Redis's serialisation.
 */
import type { CommandSpec } from "../command.ts";

/** Every command of the group. */
export const DUMP_COMMANDS: readonly CommandSpec[] = [];
