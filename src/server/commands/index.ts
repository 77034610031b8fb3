/**
 * @module
 * Every command group, gathered into the one command table.
 */
import { CommandTable, type CommandSpec } from "../command.ts";
import { BITMAP_COMMANDS } from "./bitmaps.ts";
import { CLIENT_COMMANDS } from "./client.ts";
import { CONFIG_COMMANDS } from "./config.ts";
import { CONNECTION_COMMANDS } from "./connection.ts";
import { DUMP_COMMANDS } from "./dump.ts";
import { FUNCTION_COMMANDS } from "./functions.ts";
import { GEO_COMMANDS } from "./geo/index.ts";
import { HASH_COMMANDS } from "./hashes.ts";
import { HYPERLOGLOG_COMMANDS } from "./hyperloglog.ts";
import { INTROSPECTION_COMMANDS } from "./introspection.ts";
import { KEYS_COMMANDS } from "./keys/index.ts";
import { LIST_COMMANDS } from "./lists/index.ts";
import { PERSISTENCE_COMMANDS } from "./persistence.ts";
import { PUBSUB_COMMANDS } from "./pubsub.ts";
import { SCRIPTING_COMMANDS } from "./scripting.ts";
import { SERVER_COMMANDS } from "./server.ts";
import { SET_COMMANDS } from "./sets.ts";
import { SORT_COMMANDS } from "./sort.ts";
import { SORTED_SET_COMMANDS } from "./sorted-sets/index.ts";
import { STREAM_COMMANDS } from "./streams/index.ts";
import { STRING_COMMANDS } from "./strings/index.ts";
import { TRANSACTION_COMMANDS } from "./transactions.ts";

/** Every command spec, from every group. */
export const ALL_COMMANDS: readonly CommandSpec[] = [...CONNECTION_COMMANDS, ...CLIENT_COMMANDS, ...SERVER_COMMANDS, ...CONFIG_COMMANDS, ...INTROSPECTION_COMMANDS, ...KEYS_COMMANDS, ...LIST_COMMANDS, ...STRING_COMMANDS, ...HASH_COMMANDS, ...SET_COMMANDS, ...SORTED_SET_COMMANDS, ...SORT_COMMANDS, ...TRANSACTION_COMMANDS, ...PUBSUB_COMMANDS, ...SCRIPTING_COMMANDS, ...FUNCTION_COMMANDS, ...BITMAP_COMMANDS, ...HYPERLOGLOG_COMMANDS, ...GEO_COMMANDS, ...STREAM_COMMANDS, ...DUMP_COMMANDS, ...PERSISTENCE_COMMANDS];

/** A fresh command table of every command. */
export function createCommandTable(): CommandTable {
  return new CommandTable(ALL_COMMANDS);
}
