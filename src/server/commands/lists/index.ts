/**
 * @module
 * The list group, one file per kind: push-pop.ts (LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN),
 * access.ts (LINDEX, LSET, LRANGE, LTRIM, LREM, LINSERT, LPOS), move.ts (LMOVE, RPOPLPUSH, LMPOP),
 * blocking.ts (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, and CLIENT UNBLOCK for the CLIENT
 * container). helpers.ts holds what they share; the list itself is store/types/list.ts.
 */
import type { CommandSpec } from "../../command.ts";
import { LINDEX, LINSERT, LPOS, LRANGE, LREM, LSET, LTRIM } from "./access.ts";
import { BLMOVE, BLMPOP, BLPOP, BRPOP, BRPOPLPUSH } from "./blocking.ts";
import { LMOVE, LMPOP, RPOPLPUSH } from "./move.ts";
import { LLEN, LPOP, LPUSH, LPUSHX, RPOP, RPUSH, RPUSHX } from "./push-pop.ts";


/** Every list command (CLIENT UNBLOCK is not one: the CLIENT container registers it). */
export const LIST_COMMANDS: CommandSpec[] = [
  LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN,
  LINDEX, LSET, LRANGE, LTRIM, LREM, LINSERT, LPOS,
  LMOVE, RPOPLPUSH, LMPOP,
  BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP,
];
