/**
 * @module
 * Generic key commands that look at or remove keys of any type: DEL, UNLINK, EXISTS, TYPE,
 * TOUCH, RANDOMKEY, KEYS and SCAN.
 */
import { typeOf, type Value } from "../../../store/keyspace.ts";
import { globMatch } from "../../../store/glob.ts";
import { FIRST_KEY, NO_KEYS, type CommandSpec } from "../../command.ts";
import { toInteger } from "../../arguments.ts";
import { ERR_NOT_INTEGER, ERR_SYNTAX, ReplyError } from "../../errors.ts";
import { NOTIFY_GENERIC } from "../../notifications.ts";
import { parseScanCursor } from "./arguments.ts";

/** Every argument from the first is a key. */
const ALL_KEYS = { first: 1, last: -1, step: 1 } as const;

/** DEL key [key ...] — O(N) in the keys (and their sizes). Replies how many existed. */
export const DEL = {
  name: "del",
  arity: -2,
  flags: ["write"],
  keys: ALL_KEYS,
  categories: ["keyspace", "write", "slow"],
  run({ db, reply }, args) {
    let deleted = 0;
    for (let i = 1; i < args.length; i++) {
      if (!db.delete(args[i]!)) continue;
      db.keyChanged(args[i]!, "del", NOTIFY_GENERIC);
      deleted++;
    }
    reply.integer(deleted);
  },
} satisfies CommandSpec;

/** UNLINK key [key ...] — O(1) per key; Redis frees big values in the background, here as DEL. */
export const UNLINK = {
  ...DEL,
  name: "unlink",
  flags: ["write", "fast"],
  categories: ["keyspace", "write", "fast"],
} satisfies CommandSpec;

/** EXISTS key [key ...] — O(N). Counts a key once per mention; not an access. */
export const EXISTS = {
  name: "exists",
  arity: -2,
  flags: ["readonly", "fast"],
  keys: ALL_KEYS,
  categories: ["keyspace", "read", "fast"],
  run({ server, db, reply }, args) {
    let found = 0;
    for (let i = 1; i < args.length; i++) if (server.lookupRead(db, args[i]!, false) !== undefined) found++;
    reply.integer(found);
  },
} satisfies CommandSpec;

/** TYPE key — O(1). `none` for a missing key; not an access. */
export const TYPE = {
  name: "type",
  arity: 2,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["keyspace", "read", "fast"],
  run({ server, db, reply }, args) {
    const value = server.lookupRead(db, args[1]!, false);
    reply.simple(value === undefined ? "none" : typeOf(value));
  },
} satisfies CommandSpec;

/** TOUCH key [key ...] — O(N). Marks the keys accessed; replies how many exist. */
export const TOUCH = {
  name: "touch",
  arity: -2,
  flags: ["readonly", "fast"],
  keys: ALL_KEYS,
  categories: ["keyspace", "read", "fast"],
  run({ server, db, reply }, args) {
    let touched = 0;
    for (let i = 1; i < args.length; i++) if (server.lookupRead(db, args[i]!) !== undefined) touched++;
    reply.integer(touched);
  },
} satisfies CommandSpec;

/** RANDOMKEY — O(N) here (a Map has no random access; Redis's is O(1)). Nil when empty. */
export const RANDOMKEY = {
  name: "randomkey",
  arity: 1,
  flags: ["readonly"],
  keys: NO_KEYS,
  categories: ["keyspace", "read", "slow"],
  run({ db, reply }) {
    reply.bulkOrNull(db.randomKey());
  },
} satisfies CommandSpec;

/**
 * KEYS pattern — O(N) in the keys of the database. Like Redis, it lists around keys whose time has
 * come without reclaiming them.
 */
export const KEYS = {
  name: "keys",
  arity: 2,
  flags: ["readonly"],
  keys: NO_KEYS,
  categories: ["keyspace", "read", "slow", "dangerous"],
  run({ db, reply }, args) {
    const pattern = args[1]!;
    // A lone `*` takes every key, even the empty one, which the matcher itself never matches.
    const all = pattern === "*";
    const keys: string[] = [];
    for (const key of db.dict.keys()) {
      if ((all || globMatch(pattern, key)) && !db.isExpired(key)) keys.push(key);
    }
    reply.bulkArray(keys);
  },
} satisfies CommandSpec;

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] — O(COUNT) per call, O(N) for a whole
 * scan. Every key present from the start of a scan to its end is returned at least once; keys may
 * be returned more than once (see `Db.scan`). COUNT is how many keys are examined, MATCH and TYPE
 * filter those, so a call may return fewer keys than COUNT, or none, before the cursor is 0.
 */
export const SCAN = {
  name: "scan",
  arity: -2,
  flags: ["readonly"],
  keys: NO_KEYS,
  categories: ["keyspace", "read", "slow"],
  run({ db, reply }, args) {
    const cursor = parseScanCursor(args[1]!);
    let count = 10;
    let pattern: string | undefined;
    let type: string | undefined;
    for (let i = 2; i < args.length; i += 2) {
      const option = args[i]!.toLowerCase();
      if (i + 1 >= args.length) throw new ReplyError(ERR_SYNTAX);
      const operand = args[i + 1]!;
      if (option === "count") {
        const value = toInteger(operand);
        if (value === undefined) throw new ReplyError(ERR_NOT_INTEGER);
        if (value < 1) throw new ReplyError(ERR_SYNTAX);
        count = value;
      } else if (option === "match") {
        pattern = operand === "*" ? undefined : operand;
      } else if (option === "type") {
        type = operand.toLowerCase();
      } else throw new ReplyError(ERR_SYNTAX);
    }
    const accept =
      pattern === undefined && type === undefined ? undefined
      : (key: string, value: Value) => (pattern === undefined || globMatch(pattern, key)) && (type === undefined || typeOf(value) === type);
    const [next, keys] = db.scan(cursor, count, accept);
    reply.array(2);
    reply.bulk(String(next));
    reply.bulkArray(keys);
  },
} satisfies CommandSpec;

/** The commands of this file. */
export const GENERIC_COMMANDS: CommandSpec[] = [DEL, UNLINK, EXISTS, TYPE, TOUCH, RANDOMKEY, KEYS, SCAN];
