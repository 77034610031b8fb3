/**
 * @module
 * The persistence commands: SAVE, BGSAVE and BGREWRITEAOF. What they start lives in
 * ../persistence.ts (when and where) and ../../persist/ (the formats).
 */
import { NO_KEYS, type CommandSpec } from "../command.ts";
import { ERR_AOF_REWRITE_IN_PROGRESS, ERR_BGSAVE_AOF_REWRITING, ERR_BGSAVE_IN_PROGRESS, ERR_SYNTAX, ReplyError } from "../errors.ts";

/** SAVE — O(N) in keys. Writes the RDB file now; nothing else is served meanwhile. */
export const SAVE = {
  name: "save",
  arity: 1,
  flags: ["admin", "noscript", "no_async_loading", "no_multi"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, reply }) {
    if (server.persistence.bgsaveInProgress) throw new ReplyError(ERR_BGSAVE_IN_PROGRESS);
    try {
      server.persistence.save();
    } catch (error) {
      server.log.warn(`Failed saving the DB: ${(error as Error).message}`);
      throw new ReplyError("ERR");
    }
    reply.simple("OK");
  },
} satisfies CommandSpec;

/**
 * BGSAVE [SCHEDULE] — O(N) in keys, in the background. Writes the RDB file from a forkless
 * snapshot while clients are served. During an AOF rewrite it is refused, or with SCHEDULE
 * started when the rewrite ends.
 */
export const BGSAVE = {
  name: "bgsave",
  arity: -1,
  flags: ["admin", "noscript", "no_async_loading"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, reply }, args) {
    let schedule = false;
    if (args.length > 1) {
      if (args.length === 2 && args[1]!.toLowerCase() === "schedule") schedule = true;
      else throw new ReplyError(ERR_SYNTAX);
    }
    const persistence = server.persistence;
    if (persistence.bgsaveInProgress) {
      if (schedule) return reply.simple("Background saving scheduled");
      throw new ReplyError(ERR_BGSAVE_IN_PROGRESS);
    }
    if (persistence.aof?.rewriteInProgress) {
      if (!schedule) throw new ReplyError(ERR_BGSAVE_AOF_REWRITING);
      persistence.bgsaveScheduled = true;
      return reply.simple("Background saving scheduled");
    }
    persistence.backgroundSave();
    reply.simple("Background saving started");
  },
} satisfies CommandSpec;

/**
 * BGREWRITEAOF — O(N) in keys, in the background. A new AOF base from a forkless snapshot; new
 * writes go to a new incremental file meanwhile. Scheduled when a BGSAVE is running.
 */
export const BGREWRITEAOF = {
  name: "bgrewriteaof",
  arity: 1,
  flags: ["admin", "noscript", "no_async_loading"],
  keys: NO_KEYS,
  categories: ["admin", "slow", "dangerous"],
  run({ server, reply }) {
    const outcome = server.persistence.rewriteAof();
    if (outcome === "running") throw new ReplyError(ERR_AOF_REWRITE_IN_PROGRESS);
    reply.simple(outcome === "scheduled" ? "Background append only file rewriting scheduled" : "Background append only file rewriting started");
  },
} satisfies CommandSpec;

/** The persistence group. */
export const PERSISTENCE_COMMANDS: readonly CommandSpec[] = [SAVE, BGSAVE, BGREWRITEAOF];
