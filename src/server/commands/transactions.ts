/**
 * @module
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. The queueing itself is the dispatcher's
 * (server.ts: a client in MULTI gets `+QUEUED` for each command that passes the checks); the
 * queue and the registry of watched keys are in ../transactions.ts.
 */
import { NO_KEYS, type CommandFlag, type CommandSpec } from "../command.ts";
import { ERR_DISCARD_WITHOUT_MULTI, ERR_EXEC_WITHOUT_MULTI, ERR_EXECABORT, ERR_MULTI_NESTED, ERR_WATCH_IN_MULTI, ReplyError } from "../errors.ts";
import { beginTransaction, discardTransaction } from "../transactions.ts";

/** The flags Redis gives MULTI, DISCARD, WATCH and UNWATCH. */
const FAST_FLAGS: readonly CommandFlag[] = ["noscript", "loading", "stale", "fast", "allow_busy"];

/** MULTI — O(1). Opens a transaction: the commands that follow are queued until EXEC or DISCARD. */
export const MULTI = {
  name: "multi",
  arity: 1,
  flags: FAST_FLAGS,
  keys: NO_KEYS,
  categories: ["fast", "transaction"],
  run({ client, reply }) {
    if (client.multi !== undefined) throw new ReplyError(ERR_MULTI_NESTED);
    beginTransaction(client);
    reply.simple("OK");
  },
} satisfies CommandSpec;

/**
 * EXEC — O(N) in the queued commands (plus their own cost). Runs the queue and replies an array
 * of their replies; a command's error is its element and does not stop the others. The null array
 * when a watched key changed or expired, EXECABORT when a command was refused while queueing.
 * Blocking commands in the queue answer at once, as on a timeout.
 */
export const EXEC = {
  name: "exec",
  arity: 1,
  flags: ["noscript", "loading", "stale", "skip_slowlog"],
  keys: NO_KEYS,
  categories: ["slow", "transaction"],
  run({ server, client, reply }) {
    const transaction = client.multi;
    if (transaction === undefined) throw new ReplyError(ERR_EXEC_WITHOUT_MULTI);
    // The queued commands hand on their own effects (wrapped in MULTI/EXEC); EXEC itself is not.
    server.propagation.prevent();
    const watches = server.watches;
    if (watches.watchedKeyExpired(client)) client.dirtyCas = true;
    if (transaction.aborted || client.dirtyCas) {
      discardTransaction(client, watches);
      if (transaction.aborted) throw new ReplyError(ERR_EXECABORT);
      reply.nullArray();
      return;
    }
    // Nothing needs watching any more: the queue runs with no other client in between.
    watches.unwatchAll(client);
    const denied = client.denyBlocking;
    client.denyBlocking = true;
    try {
      reply.array(transaction.commands.length);
      for (const { spec, args } of transaction.commands) server.call(spec, client, args, reply);
    } finally {
      client.denyBlocking = denied;
      discardTransaction(client, watches);
    }
  },
} satisfies CommandSpec;

/** DISCARD — O(N) in the queued commands. Drops the queue and the watches. */
export const DISCARD = {
  name: "discard",
  arity: 1,
  flags: FAST_FLAGS,
  keys: NO_KEYS,
  categories: ["fast", "transaction"],
  run({ server, client, reply }) {
    if (client.multi === undefined) throw new ReplyError(ERR_DISCARD_WITHOUT_MULTI);
    discardTransaction(client, server.watches);
    reply.simple("OK");
  },
} satisfies CommandSpec;

/**
 * WATCH key [key ...] — O(1) per key. The next EXEC fails (null array) if any of these keys is
 * changed, expires or is evicted before it (FLUSHDB/FLUSHALL/SWAPDB count as changes of the keys
 * they touch). Not allowed inside MULTI.
 */
export const WATCH = {
  name: "watch",
  arity: -2,
  flags: FAST_FLAGS,
  keys: { first: 1, last: -1, step: 1 },
  categories: ["fast", "transaction"],
  run({ server, client, db, reply }, args) {
    if (client.multi !== undefined) throw new ReplyError(ERR_WATCH_IN_MULTI);
    // Already dirty: EXEC fails whatever happens, so there is nothing to watch for.
    if (!client.dirtyCas) for (let i = 1; i < args.length; i++) server.watches.watch(client, db, args[i]!);
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** UNWATCH — O(N) in the watched keys. Forgets every watched key (and a change already seen). */
export const UNWATCH = {
  name: "unwatch",
  arity: 1,
  flags: FAST_FLAGS,
  keys: NO_KEYS,
  categories: ["fast", "transaction"],
  run({ server, client, reply }) {
    server.watches.unwatchAll(client);
    client.dirtyCas = false;
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** The transaction group. */
export const TRANSACTION_COMMANDS: CommandSpec[] = [MULTI, EXEC, DISCARD, WATCH, UNWATCH];
