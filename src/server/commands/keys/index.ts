/**
 * @module
 * The generic keyspace group (Redis's @keyspace commands that work on keys of any type), one file
 * per kind: generic.ts (DEL, EXISTS, TYPE, KEYS, SCAN, ...), move.ts (RENAME, COPY, MOVE, SWAPDB),
 * expire.ts (EXPIRE family, TTL family, PERSIST), object.ts (OBJECT).
 */
import type { CommandSpec } from "../../command.ts";
import { EXPIRE_COMMANDS } from "./expire.ts";
import { GENERIC_COMMANDS } from "./generic.ts";
import { MOVE_COMMANDS } from "./move.ts";
import { OBJECT } from "./object.ts";

/** Every command of the group. */
export const KEYS_COMMANDS: CommandSpec[] = [...GENERIC_COMMANDS, ...MOVE_COMMANDS, ...EXPIRE_COMMANDS, OBJECT];
