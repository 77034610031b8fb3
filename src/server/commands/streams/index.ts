/**
 * @module
 * The stream group: XADD, XRANGE, XREAD, consumer groups and the rest.
 */
import type { CommandSpec } from "../../command.ts";

/** Every command of the group. */
export const STREAM_COMMANDS: readonly CommandSpec[] = [];
