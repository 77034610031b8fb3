/**
 * @module
 * Commands that move or copy a key's value, with its expiry, to another name or database: RENAME,
 * RENAMENX, COPY, MOVE, and SWAPDB, which exchanges two whole databases.
 */
import { copyValue, type Db, type Value } from "../../../store/keyspace.ts";
import { NO_KEYS, type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_DB_INDEX, ERR_INVALID_FIRST_DB, ERR_INVALID_SECOND_DB, ERR_NO_SUCH_KEY, ERR_SAME_OBJECT, ERR_SYNTAX, ReplyError } from "../../errors.ts";
import { NOTIFY_GENERIC } from "../../notifications.ts";
import { parseInt32, targetDb } from "./arguments.ts";

/** Source and destination keys. */
const TWO_KEYS = { first: 1, last: 2, step: 1 } as const;

/** Stores `value` at `key` of `db` with the expiry `when` (or none). */
function put(db: Db, key: string, value: Value, when: number | bigint | undefined): void {
  db.set(key, value);
  if (when !== undefined) db.setExpire(key, when);
}

/** RENAME and RENAMENX: `nx` refuses (0) when the new name exists. */
function rename({ db, reply }: CommandContext, args: string[], nx: boolean): void {
  const source = args[1]!;
  const destination = args[2]!;
  const value = db.get(source);
  if (value === undefined) throw new ReplyError(ERR_NO_SUCH_KEY);
  if (source === destination) {
    if (nx) reply.integer(0);
    else reply.simple("OK");
    return;
  }
  if (db.get(destination) !== undefined) {
    if (nx) return reply.integer(0);
    db.delete(destination);
  }
  const when = db.getExpireExact(source);
  db.delete(source);
  put(db, destination, value, when);
  db.keyChanged(source, "rename_from", NOTIFY_GENERIC);
  db.keyChanged(destination, "rename_to", NOTIFY_GENERIC);
  if (nx) reply.integer(1);
  else reply.simple("OK");
}

/** RENAME key newkey — O(1). The value keeps its expiry; an existing newkey is replaced. */
export const RENAME = {
  name: "rename",
  arity: 3,
  flags: ["write"],
  keys: TWO_KEYS,
  categories: ["keyspace", "write", "slow"],
  run(ctx, args) {
    rename(ctx, args, false);
  },
} satisfies CommandSpec;

/** RENAMENX key newkey — O(1). 1 when renamed, 0 when newkey exists. */
export const RENAMENX = {
  name: "renamenx",
  arity: 3,
  flags: ["write", "fast"],
  keys: TWO_KEYS,
  categories: ["keyspace", "write", "fast"],
  run(ctx, args) {
    rename(ctx, args, true);
  },
} satisfies CommandSpec;

/**
 * COPY source destination [DB destination-db] [REPLACE] — O(N) in the size of the value. Copies
 * the expiry too. 1 when copied, 0 when the source is missing or the destination exists.
 */
export const COPY = {
  name: "copy",
  arity: -3,
  flags: ["write", "denyoom"],
  keys: TWO_KEYS,
  categories: ["keyspace", "write", "slow"],
  run(ctx, args) {
    const { db, reply } = ctx;
    let destinationDb = db;
    let replace = false;
    for (let i = 3; i < args.length; i++) {
      const option = args[i]!.toLowerCase();
      if (option === "replace") replace = true;
      else if (option === "db" && i + 1 < args.length) destinationDb = targetDb(ctx, args[++i]!);
      else throw new ReplyError(ERR_SYNTAX);
    }
    const source = args[1]!;
    const destination = args[2]!;
    if (destinationDb === db && source === destination) throw new ReplyError(ERR_SAME_OBJECT);
    // A read lookup, as Redis's (a keyspace hit or miss).
    const value = ctx.server.lookupRead(db, source);
    if (value === undefined) return reply.integer(0);
    const when = db.getExpireExact(source);
    if (destinationDb.get(destination) !== undefined) {
      if (!replace) return reply.integer(0);
      destinationDb.delete(destination);
    }
    put(destinationDb, destination, copyValue(value), when);
    destinationDb.keyChanged(destination, "copy_to", NOTIFY_GENERIC);
    reply.integer(1);
  },
} satisfies CommandSpec;

/** MOVE key db — O(1). 1 when moved, 0 when missing here or present there. */
export const MOVE = {
  name: "move",
  arity: 3,
  flags: ["write", "fast"],
  keys: { first: 1, last: 1, step: 1 },
  categories: ["keyspace", "write", "fast"],
  run(ctx, args) {
    const { db, reply } = ctx;
    const destinationDb = targetDb(ctx, args[2]!);
    if (destinationDb === db) throw new ReplyError(ERR_SAME_OBJECT);
    const key = args[1]!;
    const value = db.get(key);
    if (value === undefined || destinationDb.get(key) !== undefined) return reply.integer(0);
    const when = db.getExpireExact(key);
    db.delete(key);
    put(destinationDb, key, value, when);
    db.keyChanged(key, "move_from", NOTIFY_GENERIC);
    destinationDb.keyChanged(key, "move_to", NOTIFY_GENERIC);
    reply.integer(1);
  },
} satisfies CommandSpec;

/** SWAPDB index1 index2 — O(1): clients of either database see the other's keys at once. */
export const SWAPDB = {
  name: "swapdb",
  arity: 3,
  flags: ["write", "fast"],
  keys: NO_KEYS,
  categories: ["keyspace", "write", "fast", "dangerous"],
  run({ server, reply }, args) {
    const first = parseInt32(args[1]!, ERR_INVALID_FIRST_DB);
    const second = parseInt32(args[2]!, ERR_INVALID_SECOND_DB);
    const databases = server.config.databases;
    if (first < 0 || first >= databases || second < 0 || second >= databases) throw new ReplyError(ERR_DB_INDEX);
    if (first !== second) {
      // Watches on keys that hold a value in either database fail their EXEC (no keyspace events).
      if (server.watches.active) {
        server.watches.touchAllInDb(server.db(first), server.db(second));
        server.watches.touchAllInDb(server.db(second), server.db(first));
      }
      server.db(first).swapWith(server.db(second));
      server.dirty++;
    }
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** The commands of this file. */
export const MOVE_COMMANDS: CommandSpec[] = [RENAME, RENAMENX, COPY, MOVE, SWAPDB];
