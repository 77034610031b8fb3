/**
 * @module
 * Redis functions: FCALL, FCALL_RO and FUNCTION LOAD / DELETE / LIST / FLUSH / DUMP / RESTORE /
 * STATS / KILL / HELP. Libraries and their loading are in ../scripting/library.ts, the runner in
 * ../scripting/engine.ts; these are the argument checks and replies, with Redis's texts.
 */
import { NO_KEYS, type CommandContext, type CommandSpec } from "../command.ts";
import {
  ERR_FCALL_NUMKEYS,
  ERR_FUNCTION_FLUSH_OPTION,
  ERR_FUNCTION_LIBRARY_NAME_MISSING,
  ERR_FUNCTION_NOT_FOUND,
  ERR_FUNCTION_RESTORE_POLICY,
  ERR_FUNCTION_UNKNOWN_ARGUMENT,
  ERR_FUNCTION_UNKNOWN_OPTION,
  ERR_NOTBUSY,
  ERR_RO_SCRIPT_WITH_WRITE_FLAG,
  ERR_SUBCOMMAND_SYNTAX,
  ReplyError,
} from "../errors.ts";
import { ENGINE_NAME, orderedFlags, type RestorePolicy } from "../scripting/library.ts";
import { globMatch } from "../../store/glob.ts";
import { writeHelp } from "./introspection.ts";
import { numkeysKeyIndexes, parseNumkeys } from "./scripting.ts";

const SCRIPT_CATEGORIES = ["slow", "scripting"] as const;
const WRITE_CATEGORIES = ["write", "slow", "scripting"] as const;

/** FCALL and FCALL_RO: the function is found first, then numkeys is read. */
function fcall(ctx: CommandContext, args: string[], spec: CommandSpec, readOnlyCommand: boolean): void {
  if (ctx.server.monitors.size > 0) ctx.server.feedMonitors(ctx.client, args, ctx.reply);
  const { engine, libraries } = ctx.server.scripting;
  const fn = libraries.find(args[1]!);
  if (!fn) throw new ReplyError(ERR_FUNCTION_NOT_FOUND);
  const numkeys = parseNumkeys(args, ERR_FCALL_NUMKEYS);
  const noWrites = fn.flags.has("no-writes");
  if (readOnlyCommand && !noWrites) throw new ReplyError(ERR_RO_SCRIPT_WITH_WRITE_FLAG);
  const env = engine.functionsEnvironment();
  // The commands the function runs hand on their effects; the call itself is not replayed.
  ctx.server.propagation.prevent();
  engine.run(ctx, spec, env, fn.fn, args.slice(3, 3 + numkeys), args.slice(3 + numkeys), { name: fn.name, readOnly: noWrites, kind: "function" });
}

/** FCALL function numkeys [key ...] [arg ...] — depends on the function. */
export const FCALL: CommandSpec = {
  name: "fcall",
  arity: -3,
  flags: ["noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  keyIndexes: numkeysKeyIndexes,
  run: (ctx, args) => fcall(ctx, args, FCALL, false),
};

/** FCALL_RO function numkeys [key ...] [arg ...] — depends on the function, which must be no-writes. */
export const FCALL_RO: CommandSpec = {
  name: "fcall_ro",
  arity: -3,
  flags: ["readonly", "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  keyIndexes: numkeysKeyIndexes,
  run: (ctx, args) => fcall(ctx, args, FCALL_RO, true),
};

/** FUNCTION LOAD [REPLACE] function-code — O(1) plus the code's own work. Replies the library name. */
export const FUNCTION_LOAD = {
  name: "function|load",
  arity: -3,
  flags: ["write", "denyoom", "noscript"],
  keys: NO_KEYS,
  categories: WRITE_CATEGORIES,
  run({ server, reply }, args) {
    let replace = false;
    for (let i = 2; i < args.length - 1; i++) {
      if (args[i]!.toLowerCase() !== "replace") throw new ReplyError(ERR_FUNCTION_UNKNOWN_OPTION(args[i]!));
      replace = true;
    }
    reply.bulk(server.scripting.libraries.load(args[args.length - 1]!, replace));
    server.dirty++;
  },
} satisfies CommandSpec;

/** FUNCTION DELETE library-name — O(1). */
export const FUNCTION_DELETE = {
  name: "function|delete",
  arity: 3,
  flags: ["write", "noscript"],
  keys: NO_KEYS,
  categories: WRITE_CATEGORIES,
  run({ server, reply }, args) {
    server.scripting.libraries.delete(args[2]!);
    server.dirty++;
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** FUNCTION FLUSH [ASYNC | SYNC] — O(N) in the functions. */
export const FUNCTION_FLUSH = {
  name: "function|flush",
  arity: -2,
  flags: ["write", "noscript"],
  keys: NO_KEYS,
  categories: WRITE_CATEGORIES,
  run({ server, reply }, args) {
    if (args.length > 3) throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, "function"));
    const mode = args[2]?.toLowerCase();
    if (mode !== undefined && mode !== "sync" && mode !== "async") throw new ReplyError(ERR_FUNCTION_FLUSH_OPTION);
    server.scripting.libraries.flush();
    server.dirty++;
    reply.simple("OK");
  },
} satisfies CommandSpec;

/**
 * FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE] — O(N) in the functions. Each
 * library as a map: name, engine, functions (name, description, flags), and its code if asked.
 */
export const FUNCTION_LIST = {
  name: "function|list",
  arity: -2,
  flags: ["noscript"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run({ server, reply }, args) {
    let withCode = false;
    let pattern: string | undefined;
    for (let i = 2; i < args.length; i++) {
      const arg = args[i]!;
      const lower = arg.toLowerCase();
      if (!withCode && lower === "withcode") {
        withCode = true;
        continue;
      }
      if (pattern === undefined && lower === "libraryname") {
        if (i >= args.length - 1) throw new ReplyError(ERR_FUNCTION_LIBRARY_NAME_MISSING);
        pattern = args[++i]!;
        continue;
      }
      throw new ReplyError(ERR_FUNCTION_UNKNOWN_ARGUMENT(arg));
    }
    const libraries = server.scripting.libraries.all().filter((library) => pattern === undefined || globMatch(pattern, library.name, true));
    reply.array(libraries.length);
    for (const library of libraries) {
      reply.map(withCode ? 4 : 3);
      reply.bulk("library_name");
      reply.bulk(library.name);
      reply.bulk("engine");
      reply.bulk(library.engine);
      reply.bulk("functions");
      reply.array(library.functions.size);
      for (const fn of library.functions.values()) {
        reply.map(3);
        reply.bulk("name");
        reply.bulk(fn.name);
        reply.bulk("description");
        reply.bulkOrNull(fn.description);
        reply.bulk("flags");
        const flags = orderedFlags(fn.flags);
        reply.set(flags.length);
        for (const flag of flags) reply.simple(flag);
      }
      if (withCode) {
        reply.bulk("library_code");
        reply.bulk(library.code);
      }
    }
  },
} satisfies CommandSpec;

/** FUNCTION DUMP — O(N) in the functions. A payload FUNCTION RESTORE takes back. */
export const FUNCTION_DUMP = {
  name: "function|dump",
  arity: 2,
  flags: ["noscript"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run({ server, reply }) {
    reply.bulk(server.scripting.libraries.dump().toString("latin1"));
  },
} satisfies CommandSpec;

const RESTORE_POLICIES: readonly RestorePolicy[] = ["flush", "append", "replace"];

/** FUNCTION RESTORE serialized-value [FLUSH | APPEND | REPLACE] — O(N) in the functions. */
export const FUNCTION_RESTORE = {
  name: "function|restore",
  arity: -3,
  flags: ["write", "denyoom", "noscript"],
  keys: NO_KEYS,
  categories: WRITE_CATEGORIES,
  run({ server, reply }, args) {
    let policy: RestorePolicy = "append";
    if (args.length > 4) throw new ReplyError(ERR_SUBCOMMAND_SYNTAX(args[1]!, "function"));
    if (args.length === 4) {
      const given = args[3]!.toLowerCase() as RestorePolicy;
      if (!RESTORE_POLICIES.includes(given)) throw new ReplyError(ERR_FUNCTION_RESTORE_POLICY);
      policy = given;
    }
    server.scripting.libraries.restore(Buffer.from(args[2]!, "latin1"), policy);
    server.dirty++;
    reply.simple("OK");
  },
} satisfies CommandSpec;

/** FUNCTION STATS — O(1). No function can be running when it is read: running_script is null. */
export const FUNCTION_STATS = {
  name: "function|stats",
  arity: 2,
  flags: ["noscript", "allow_busy"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run({ server, reply }) {
    const { libraries } = server.scripting;
    reply.map(2);
    reply.bulk("running_script");
    reply.null();
    reply.bulk("engines");
    reply.map(1);
    reply.bulk(ENGINE_NAME);
    reply.map(2);
    reply.bulk("libraries_count");
    reply.integer(libraries.libraryCount);
    reply.bulk("functions_count");
    reply.integer(libraries.functionCount);
  },
} satisfies CommandSpec;

/** FUNCTION KILL — O(1). Always NOTBUSY here (see SCRIPT KILL). */
export const FUNCTION_KILL = {
  name: "function|kill",
  arity: 2,
  flags: ["noscript", "allow_busy"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run() {
    throw new ReplyError(ERR_NOTBUSY);
  },
} satisfies CommandSpec;

/** FUNCTION HELP — O(1). */
export const FUNCTION_HELP = {
  name: "function|help",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run({ reply }) {
    writeHelp(reply, "FUNCTION", [
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
      "      libraries with the new libraries (notice that even on this option there is a chance of failure",
      "      in case of functions name collision with another library).",
    ]);
  },
} satisfies CommandSpec;

/** FUNCTION subcommand — the container. */
export const FUNCTION = {
  name: "function",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  subcommands: {
    load: FUNCTION_LOAD,
    delete: FUNCTION_DELETE,
    flush: FUNCTION_FLUSH,
    list: FUNCTION_LIST,
    dump: FUNCTION_DUMP,
    restore: FUNCTION_RESTORE,
    stats: FUNCTION_STATS,
    kill: FUNCTION_KILL,
    help: FUNCTION_HELP,
  },
} satisfies CommandSpec;

/** The functions group. */
export const FUNCTION_COMMANDS: CommandSpec[] = [FCALL, FCALL_RO, FUNCTION];
