/**
 * @module
 * Server commands: databases as a whole (FLUSHALL, FLUSHDB, DBSIZE).
 */
import { NO_KEYS, type CommandSpec } from "../command.ts";
import { ERR_SYNTAX, ReplyError } from "../errors.ts";

/** Checks FLUSHALL/FLUSHDB's optional ASYNC|SYNC (both free memory at once here). */
function checkFlushMode(args: string[]): void {
  if (args.length > 2) throw new ReplyError(ERR_SYNTAX);
  if (args.length === 2) {
    const mode = args[1]!.toLowerCase();
    if (mode !== "async" && mode !== "sync") throw new ReplyError(ERR_SYNTAX);
  }
}

/** FLUSHALL [ASYNC|SYNC] — O(N) in the number of keys. */
export const FLUSHALL = {
  name: "flushall",
  arity: -1,
  flags: ["write"],
  keys: NO_KEYS,
  categories: ["keyspace", "write", "slow", "dangerous"],
  run({ server, reply }, args) {
    checkFlushMode(args);
    for (const db of server.keyspace.dbs) db.flush();
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** FLUSHDB [ASYNC|SYNC] — O(N) in the number of keys of the selected database. */
export const FLUSHDB = {
  name: "flushdb",
  arity: -1,
  flags: ["write"],
  keys: NO_KEYS,
  categories: ["keyspace", "write", "slow", "dangerous"],
  run({ db, reply }, args) {
    checkFlushMode(args);
    db.flush();
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** DBSIZE — O(1). */
export const DBSIZE = {
  name: "dbsize",
  arity: 1,
  flags: ["readonly", "fast"],
  keys: NO_KEYS,
  categories: ["keyspace", "read", "fast"],
  run({ db, reply }) {
    reply.integer(db.size);
  },
} satisfies CommandSpec;

/** The server group. */
export const SERVER_COMMANDS: CommandSpec[] = [FLUSHALL, FLUSHDB, DBSIZE];
