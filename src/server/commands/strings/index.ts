/**
 * @module
 * The string command group (Redis 7.0's `@string` commands), gathered for the command table.
 * Each file holds a few related commands; helpers.ts and long-double.ts are shared among them.
 */
import type { CommandSpec } from "../../command.ts";
import { DECR, DECRBY, INCR, INCRBY, INCRBYFLOAT } from "./counters.ts";
import { GET, GETDEL, GETEX, GETSET, MGET, MSET, MSETNX, PSETEX, SET, SETEX, SETNX } from "./get-set.ts";
import { LCS } from "./lcs.ts";
import { APPEND, GETRANGE, SETRANGE, STRLEN, SUBSTR } from "./ranges.ts";

/** Every string command. */
export const STRING_COMMANDS: readonly CommandSpec[] = [
  GET, SET, SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX,
  INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT,
  APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE,
  LCS,
];
