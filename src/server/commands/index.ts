/**
 * @module
 * Every command group, gathered into the one command table.
 */
import { CommandTable, type CommandSpec } from "../command.ts";
import { CONNECTION_COMMANDS } from "./connection.ts";
import { SERVER_COMMANDS } from "./server.ts";

/** Every command spec, from every group. */
export const ALL_COMMANDS: readonly CommandSpec[] = [...CONNECTION_COMMANDS, ...SERVER_COMMANDS];

/** A fresh command table of every command. */
export function createCommandTable(): CommandTable {
  return new CommandTable(ALL_COMMANDS);
}
