/**
 * @module
 * Lua scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT LOAD / EXISTS / FLUSH / KILL /
 * DEBUG / HELP. The Lua side (sandbox, conversions, the runner) is in ../scripting/; these are
 * Redis's argument checks, in Redis's order, and the replies.
 */
import { toInteger } from "../arguments.ts";
import { NO_KEYS, type CommandContext, type CommandSpec } from "../command.ts";
import {
  ERR_NOSCRIPT,
  ERR_NOT_INTEGER,
  ERR_NOTBUSY,
  ERR_NUMKEYS_GREATER,
  ERR_NUMKEYS_NEGATIVE,
  ERR_RO_SCRIPT_WITH_WRITE_FLAG,
  ERR_SCRIPT_DEBUG_OPTION,
  ERR_SCRIPT_DEBUG_UNSUPPORTED,
  ERR_SCRIPT_FLUSH_OPTION,
  ReplyError,
} from "../errors.ts";
import type { CachedScript } from "../scripting/scripts.ts";
import { writeHelp } from "./introspection.ts";

/** The keys of `EVAL script numkeys key ... arg ...` (and FCALL): args[3 .. 3+numkeys). */
export function numkeysKeyIndexes(args: readonly string[]): number[] {
  const numkeys = toInteger(args[2] ?? "");
  if (numkeys === undefined || numkeys < 0 || numkeys > args.length - 3) return [];
  return Array.from({ length: numkeys }, (_, i) => 3 + i);
}

/** numkeys of EVAL-like commands, checked as Redis does; `notInteger` is the text for a bad number. */
export function parseNumkeys(args: readonly string[], notInteger: string): number {
  const numkeys = toInteger(args[2]!);
  if (numkeys === undefined) throw new ReplyError(notInteger);
  if (numkeys > args.length - 3) throw new ReplyError(ERR_NUMKEYS_GREATER);
  if (numkeys < 0) throw new ReplyError(ERR_NUMKEYS_NEGATIVE);
  return numkeys;
}

/** Runs a cached script for EVAL/EVALSHA and their _RO forms. */
function runScript(ctx: CommandContext, spec: CommandSpec, args: string[], script: CachedScript, numkeys: number, readOnlyCommand: boolean): void {
  const noWrites = script.flags?.has("no-writes") ?? false;
  // A script with a shebang declares whether it writes; the _RO commands refuse one that may.
  if (script.flags && readOnlyCommand && !noWrites) throw new ReplyError(ERR_RO_SCRIPT_WITH_WRITE_FLAG);
  const { engine } = ctx.server.scripting;
  const env = engine.evalEnvironment();
  // The commands the script runs hand on their effects; the script itself is not replayed.
  ctx.server.propagation.prevent();
  engine.run(ctx, spec, env, script.fn, args.slice(3, 3 + numkeys), args.slice(3 + numkeys), { name: script.sha, readOnly: readOnlyCommand || noWrites, kind: "eval" });
}

/** EVAL and EVAL_RO: the script is compiled and cached on first sight. */
function evalScript(ctx: CommandContext, args: string[], spec: CommandSpec, readOnly: boolean): void {
  if (ctx.server.monitors.size > 0) ctx.server.feedMonitors(ctx.client, args, ctx.reply);
  const numkeys = parseNumkeys(args, ERR_NOT_INTEGER);
  const script = ctx.server.scripting.scripts.load(args[1]!);
  runScript(ctx, spec, args, script, numkeys, readOnly);
}

/** EVALSHA and EVALSHA_RO: only a cached script runs. */
function evalSha(ctx: CommandContext, args: string[], spec: CommandSpec, readOnly: boolean): void {
  if (ctx.server.monitors.size > 0) ctx.server.feedMonitors(ctx.client, args, ctx.reply);
  // A sha of another length cannot match: NOSCRIPT before numkeys is even read.
  if (args[1]!.length !== 40) throw new ReplyError(ERR_NOSCRIPT);
  const numkeys = parseNumkeys(args, ERR_NOT_INTEGER);
  const script = ctx.server.scripting.scripts.get(args[1]!);
  if (!script) throw new ReplyError(ERR_NOSCRIPT);
  runScript(ctx, spec, args, script, numkeys, readOnly);
}

const SCRIPT_CATEGORIES = ["slow", "scripting"] as const;
const EVAL_FLAGS = ["noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"] as const;
const EVAL_RO_FLAGS = ["readonly", "noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"] as const;

/** EVAL script numkeys [key ...] [arg ...] — depends on the script. */
export const EVAL: CommandSpec = {
  name: "eval",
  arity: -3,
  flags: EVAL_FLAGS,
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  keyIndexes: numkeysKeyIndexes,
  run: (ctx, args) => evalScript(ctx, args, EVAL, false),
};

/** EVALSHA sha1 numkeys [key ...] [arg ...] — depends on the script. */
export const EVALSHA: CommandSpec = {
  name: "evalsha",
  arity: -3,
  flags: EVAL_FLAGS,
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  keyIndexes: numkeysKeyIndexes,
  run: (ctx, args) => evalSha(ctx, args, EVALSHA, false),
};

/** EVAL_RO script numkeys [key ...] [arg ...] — depends on the script; writes are refused. */
export const EVAL_RO: CommandSpec = {
  name: "eval_ro",
  arity: -3,
  flags: EVAL_RO_FLAGS,
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  keyIndexes: numkeysKeyIndexes,
  run: (ctx, args) => evalScript(ctx, args, EVAL_RO, true),
};

/** EVALSHA_RO sha1 numkeys [key ...] [arg ...] — depends on the script; writes are refused. */
export const EVALSHA_RO: CommandSpec = {
  name: "evalsha_ro",
  arity: -3,
  flags: EVAL_RO_FLAGS,
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  keyIndexes: numkeysKeyIndexes,
  run: (ctx, args) => evalSha(ctx, args, EVALSHA_RO, true),
};

/** SCRIPT LOAD script — O(N) in the script's length. Compiles and caches it; replies its SHA1. */
export const SCRIPT_LOAD = {
  name: "script|load",
  arity: 3,
  flags: ["noscript", "stale"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run({ server, reply }, args) {
    reply.bulk(server.scripting.scripts.load(args[2]!).sha);
  },
} satisfies CommandSpec;

/** SCRIPT EXISTS sha1 [sha1 ...] — O(N) in the shas. 1 or 0 for each. */
export const SCRIPT_EXISTS = {
  name: "script|exists",
  arity: -3,
  flags: ["noscript"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run({ server, reply }, args) {
    reply.array(args.length - 2);
    for (let i = 2; i < args.length; i++) reply.integer(server.scripting.scripts.get(args[i]!) ? 1 : 0);
  },
} satisfies CommandSpec;

/** SCRIPT FLUSH [ASYNC | SYNC] — O(N) in the scripts. Forgets them all (and resets the Lua state). */
export const SCRIPT_FLUSH = {
  name: "script|flush",
  arity: -2,
  flags: ["noscript"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run({ server, reply }, args) {
    const mode = args[2]?.toLowerCase();
    if (args.length > 3 || (args.length === 3 && mode !== "sync" && mode !== "async")) throw new ReplyError(ERR_SCRIPT_FLUSH_OPTION);
    server.scripting.scripts.flush();
    reply.simple("OK");
  },
} satisfies CommandSpec;

/**
 * SCRIPT KILL — O(1). No script can be running when a command is read (the server is
 * single-threaded), so this is always NOTBUSY; a runaway script is stopped by busy-reply-threshold.
 */
export const SCRIPT_KILL = {
  name: "script|kill",
  arity: 2,
  flags: ["noscript", "allow_busy"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run() {
    throw new ReplyError(ERR_NOTBUSY);
  },
} satisfies CommandSpec;

/** SCRIPT DEBUG YES | SYNC | NO — O(1). There is no Lua debugger: only NO is accepted. */
export const SCRIPT_DEBUG = {
  name: "script|debug",
  arity: 3,
  flags: ["noscript"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run({ reply }, args) {
    const mode = args[2]!.toLowerCase();
    if (mode === "no") return reply.simple("OK");
    if (mode === "yes" || mode === "sync") throw new ReplyError(ERR_SCRIPT_DEBUG_UNSUPPORTED);
    throw new ReplyError(ERR_SCRIPT_DEBUG_OPTION);
  },
} satisfies CommandSpec;

/** SCRIPT HELP — O(1). */
export const SCRIPT_HELP = {
  name: "script|help",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: SCRIPT_CATEGORIES,
  run({ reply }) {
    writeHelp(reply, "SCRIPT", [
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
    ]);
  },
} satisfies CommandSpec;

/** SCRIPT subcommand — the container. */
export const SCRIPT = {
  name: "script",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  subcommands: { load: SCRIPT_LOAD, exists: SCRIPT_EXISTS, flush: SCRIPT_FLUSH, kill: SCRIPT_KILL, debug: SCRIPT_DEBUG, help: SCRIPT_HELP },
} satisfies CommandSpec;

/** The scripting group. */
export const SCRIPTING_COMMANDS: CommandSpec[] = [EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT];
