/**
 * @module
 * The script runner shared by EVAL and FCALL: the two Lua states (created on first use), the
 * script client commands run as, the `redis` API (redis.call and friends), and `run`, which calls
 * a Lua function atomically inside the dispatcher and turns its result or error into the
 * caller's reply with Redis's texts ("... script: <sha>, on @user_script:1.").
 *
 * A command called from a script goes through the server's dispatcher (`Server.execute`) as the
 * script client (the caller's database, RESP2 unless redis.setresp(3)), after Redis's checks
 * for scripts (unknown command, arity, `noscript`, writes in a read-only script); its reply is
 * written into a ReplyWriter and parsed back into Lua values (convert.ts), which is exactly how
 * Redis converts replies.
 *
 * A script cannot be interrupted from outside: the server is single-threaded, so while a script
 * runs no other client is read, and SCRIPT KILL can never arrive. Instead a count hook checks the
 * elapsed time and stops a script that has run for `busy-reply-threshold` milliseconds as SCRIPT
 * KILL would, with the same error for its caller (Redis would also refuse to kill one that has
 * written, leaving only SHUTDOWN NOSAVE; here it is stopped anyway, its writes kept).
 */
import { createHash } from "node:crypto";
import { ReplyWriter } from "../../resp/writer.ts";
import { Client } from "../client.ts";
import { arityMatches, type CommandContext, type CommandSpec } from "../command.ts";
import { ReplyError } from "../errors.ts";
import type { Server } from "../server.ts";
import { REDIS_VERSION } from "../version.ts";
import { errorInfo, NAMES, pushErrorTable, pushReply, writeLuaValue } from "./convert.ts";
import { createEvalEnvironment, createFunctionsEnvironment, pushRef, setProtectedGlobal, type Environment, type FunctionsEnvironment, type RedisApi } from "./environment.ts";
import { Rand48 } from "./lib/rand48.ts";
import { formatG } from "./printf.ts";
import { getField, lua, luaName, fromBytes, pushOwnedBytes, pushString, setField, stringAt, toBytes, type LuaName, type LuaState } from "./vm.ts";

/** Script and function flags (`#!lua flags=...`, register_function's `flags`), in Redis's order. */
export const SCRIPT_FLAGS = ["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"] as const;
/** One of SCRIPT_FLAGS. */
export type ScriptFlag = (typeof SCRIPT_FLAGS)[number];

const GLOBAL_KEYS = luaName("KEYS");
const GLOBAL_ARGV = luaName("ARGV");

/** How many VM instructions pass between two checks of a script's running time (as Redis). */
const HOOK_INSTRUCTIONS = 100_000;
/** How long a library's loading code may run (Redis's LOAD_TIMEOUT_MS). */
const LOAD_TIMEOUT_MS = 500;

/** What a run is (shown in errors) and may do. */
export interface RunOptions {
  /** The sha of an EVAL script, or the function's name. */
  readonly name: string;
  /** Write commands are refused (EVAL_RO, FCALL_RO, the no-writes flag). */
  readonly readOnly: boolean;
  /** EVAL: KEYS and ARGV are globals; FCALL: they are the function's two arguments. */
  readonly kind: "eval" | "function";
}

/** The script running now. */
interface ScriptRun extends RunOptions {
  readonly caller: Client;
  readonly started: number;
  killed: boolean;
}

/** Registers functions while a library's code runs (set by library.ts). */
export interface FunctionRegistrar {
  register(L: LuaState): number;
}

/** The error a redis.* function raises (a table, as luaPushError + luaError). */
function raiseError(L: LuaState, message: string): never {
  pushErrorTable(L, message);
  return lua.lua_error(L);
}

/** The script runner of one server. */
export class ScriptEngine {
  private evalEnv: Environment | undefined;
  private functionsEnv: FunctionsEnvironment | undefined;
  private scriptClient: Client | undefined;
  /** Where a command called from a script writes its reply, parsed back right after. */
  private readonly writer = new ReplyWriter(4096);
  private current: ScriptRun | undefined;
  /** math.random's generator (Redis has one per process; scripts and functions share it). */
  private readonly random = new Rand48();
  /** Set while FUNCTION LOAD runs a library's code. */
  registrar: FunctionRegistrar | undefined;
  private readonly api: RedisApi;
  private readonly runHook = (L: LuaState) => this.checkTime(L);
  /** Strings of recently seen short Lua strings (see `text`); entries go with their byte arrays. */
  private readonly texts = new WeakMap<Uint8Array, string>();

  constructor(private readonly server: Server) {
    this.api = {
      call: (L) => this.call(L, true),
      pcall: (L) => this.call(L, false),
      log: (L) => this.log(L),
      setresp: (L) => this.setResp(L),
      sha1hex: (L) => {
        if (lua.lua_gettop(L) !== 1) raiseError(L, "wrong number of arguments");
        pushString(L, sha1hex(stringAt(L, 1) ?? ""));
        return 1;
      },
      error_reply: (L) => {
        if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
          pushErrorTable(L, "wrong number or type of arguments");
          return 1;
        }
        const text = stringAt(L, -1)!;
        pushErrorTable(L, text.startsWith("-") ? text : `-${text}`);
        return 1;
      },
      status_reply: (L) => {
        if (lua.lua_gettop(L) !== 1 || lua.lua_type(L, -1) !== lua.LUA_TSTRING) {
          pushErrorTable(L, "wrong number or type of arguments");
          return 1;
        }
        lua.lua_createtable(L, 0, 1);
        lua.lua_pushvalue(L, -2);
        setField(L, -2, NAMES.ok);
        return 1;
      },
      set_repl: (L) => {
        if (!this.current) raiseError(L, "redis.set_repl can only be called inside a script invocation");
        if (lua.lua_gettop(L) !== 1) raiseError(L, "redis.set_repl() requires two arguments.");
        const flags = Math.trunc(lua.lua_tonumber(L, -1));
        if ((flags & ~3) !== 0) raiseError(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
        return 0;
      },
      acl_check_cmd: (L) => this.aclCheck(L),
      replicate_commands: (L) => (lua.lua_pushboolean(L, true), 1),
      breakpoint: (L) => (lua.lua_pushboolean(L, false), 1),
      debug: () => 0,
      register_function: (L) => {
        if (!this.registrar) raiseError(L, "redis.register_function can only be called on FUNCTION LOAD command");
        return this.registrar.register(L);
      },
    };
  }

  /** The EVAL state, created on first use. */
  evalEnvironment(): Environment {
    return (this.evalEnv ??= createEvalEnvironment(this.api, this.random, REDIS_VERSION));
  }

  /** Drops the EVAL state (SCRIPT FLUSH): the next script gets a fresh one. */
  resetEval(): void {
    this.evalEnv = undefined;
  }

  /** The functions state, created on first use. */
  functionsEnvironment(): FunctionsEnvironment {
    return (this.functionsEnv ??= createFunctionsEnvironment(this.api, this.random, REDIS_VERSION));
  }

  /** Drops the functions state (FUNCTION FLUSH, a failed RESTORE FLUSH rebuilds it). */
  resetFunctions(): void {
    this.functionsEnv = undefined;
  }

  /** Whether a script is running (a command called from it is running now). */
  get running(): boolean {
    return this.current !== undefined;
  }

  private client(): Client {
    if (!this.scriptClient) {
      const client = new Client(this.server.allocateClientId(), "lua", "lua", -1, this.server.clock.now(), false);
      client.denyBlocking = true;
      client.name = "";
      this.scriptClient = client;
    }
    return this.scriptClient;
  }

  /**
   * Calls the function in registry reference `fn` of `env` with `keys` and `args`, and writes its
   * result (or error) to `ctx.reply`. An error the dispatcher should count is thrown as a
   * ReplyError; one already counted (it came from a command the script called) is written here,
   * with the command's failed call counted on `spec`.
   */
  run(ctx: CommandContext, spec: CommandSpec, env: Environment, fn: number, keys: readonly string[], args: readonly string[], options: RunOptions): void {
    const L = env.L;
    const top = lua.lua_gettop(L);
    const client = this.client();
    client.db = ctx.client.db;
    client.protocol = 2;
    pushRef(L, env.handler);
    const handlerIndex = lua.lua_gettop(L);
    pushRef(L, fn);
    if (options.kind === "eval") {
      pushStrings(L, keys);
      setProtectedGlobal(L, GLOBAL_KEYS);
      pushStrings(L, args);
      setProtectedGlobal(L, GLOBAL_ARGV);
    } else {
      pushStrings(L, keys);
      pushStrings(L, args);
    }
    this.current = { ...options, caller: ctx.client, started: performance.now(), killed: false };
    const threshold = this.server.config["busy-reply-threshold"];
    if (threshold > 0) lua.lua_sethook(L, this.runHook, lua.LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    let status: number;
    try {
      status = lua.lua_pcall(L, options.kind === "eval" ? 0 : 2, 1, handlerIndex);
    } finally {
      lua.lua_sethook(L, null, 0, 0);
      this.current = undefined;
    }
    let failure: { text: string; counted: boolean } | undefined;
    if (status === lua.LUA_OK) {
      const mark = ctx.reply.length;
      try {
        const error = writeLuaValue(L, ctx.reply, client.protocol);
        if (error && !error.counted) this.server.countError(error.message);
        if (error) this.server.commandStats(spec).failedCalls++;
      } catch {
        // A reply nested deeper than the Lua stack allows: no half-written reply may remain.
        ctx.reply.length = mark;
        failure = { text: "ERR reached lua stack limit", counted: false };
      }
    } else if (lua.lua_istable(L, -1)) {
      const info = errorInfo(L);
      const source = field(L, NAMES.source);
      const line = field(L, NAMES.line);
      const where = source !== undefined && line !== undefined ? ` script: ${options.name}, on ${source}:${line}.` : "";
      failure = { text: info.message + where, counted: info.counted };
    } else {
      failure = { text: `ERR Error running script ${options.name}, ${(stringAt(L, -1) ?? "execution failure").slice(0, 100)}`, counted: false };
    }
    lua.lua_settop(L, top);
    if (!failure) return;
    if (!failure.counted) throw new ReplyError(failure.text);
    ctx.reply.error(failure.text);
    this.server.commandStats(spec).failedCalls++;
  }

  /**
   * Runs the compiled chunk on top of the functions state's stack with the load-time globals,
   * under the load timeout. Returns the error message, or undefined when it ran.
   */
  runLoader(env: FunctionsEnvironment): string | undefined {
    const L = env.L;
    const started = performance.now();
    const hook = (state: LuaState) => {
      if (performance.now() - started <= LOAD_TIMEOUT_MS) return;
      lua.lua_sethook(state, hook, lua.LUA_MASKLINE, 0);
      raiseError(state, "FUNCTION LOAD timeout");
    };
    lua.lua_sethook(L, hook, lua.LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    let status: number;
    try {
      status = lua.lua_pcall(L, 0, 0, 0);
    } finally {
      lua.lua_sethook(L, null, 0, 0);
    }
    if (status === lua.LUA_OK) return undefined;
    const message = errorInfo(L).message;
    lua.lua_pop(L, 1);
    return message;
  }

  /** The count hook: stops a script that ran past busy-reply-threshold, as SCRIPT KILL does. */
  private checkTime(L: LuaState): void {
    const run = this.current;
    if (!run) return;
    const threshold = this.server.config["busy-reply-threshold"];
    if (threshold <= 0 || performance.now() - run.started < threshold) return;
    if (!run.killed) {
      run.killed = true;
      this.server.log.warn(`Lua script killed: still in execution after ${threshold} milliseconds (busy-reply-threshold); script name is: ${run.name}.`);
    }
    // From now on every line raises again, so a pcall in the script cannot swallow the kill.
    lua.lua_sethook(L, this.runHook, lua.LUA_MASKLINE, 0);
    raiseError(L, "Script killed by user with SCRIPT KILL...");
  }

  /** The arguments of a redis.call-like function as strings, or an error text. */
  private arguments(L: LuaState): string[] | string {
    const count = lua.lua_gettop(L);
    if (count === 0) return "Please specify at least one argument for this redis lib call";
    const args = new Array<string>(count);
    for (let i = 1; i <= count; i++) {
      const type = lua.lua_type(L, i);
      if (type === lua.LUA_TNUMBER) {
        // Not lua_tolstring's %.14g: Redis passes numbers with full precision.
        args[i - 1] = formatG(lua.lua_tonumber(L, i), 17);
      } else if (type === lua.LUA_TSTRING) {
        args[i - 1] = this.text(lua.lua_tolstring(L, i)!);
      } else return "Lua redis lib command arguments must be strings or integers";
    }
    return args;
  }

  /**
   * The byte string of a Lua string. A script's constants ('set', 'incr') are the same byte arrays
   * call after call: their strings are kept, so that the command lookup finds an already hashed
   * string instead of hashing a new one each time.
   */
  private text(bytes: Uint8Array): string {
    if (bytes.length > 32) return fromBytes(bytes);
    let text = this.texts.get(bytes);
    if (text === undefined) {
      text = fromBytes(bytes);
      this.texts.set(bytes, text);
    }
    return text;
  }

  /** The spec a script's command resolves to, or the error Redis gives a script for it. */
  private resolve(args: readonly string[], run: ScriptRun): CommandSpec | string {
    const server = this.server;
    let spec = server.commands.lookup(args[0]!);
    if (spec?.subcommands && args.length >= 2) spec = spec.subcommands[args[1]!.toLowerCase()];
    if (!spec) {
      server.log.debug(`script ${run.name} called an unknown command: ${args[0]}${args.length > 1 && server.commands.lookup(args[0]!)?.subcommands ? ` ${args[1]}` : ""}`);
      return "Unknown Redis command called from script";
    }
    if (!arityMatches(spec, args.length)) return rejected(server, spec, "Wrong number of args calling Redis command from script");
    if (spec.flags.includes("noscript")) return rejected(server, spec, "This Redis command is not allowed from script");
    if (run.readOnly && spec.flags.includes("write")) return rejected(server, spec, "Write commands are not allowed from read-only scripts.");
    return spec;
  }

  /** redis.call (`raise`) and redis.pcall. */
  private call(L: LuaState, raise: boolean): number {
    const run = this.current;
    if (!run) return raiseError(L, "redis.call/pcall can only be called inside a script invocation");
    const args = this.arguments(L);
    if (typeof args === "string") {
      pushErrorTable(L, args);
      return raise ? lua.lua_error(L) : 1;
    }
    const spec = this.resolve(args, run);
    if (typeof spec === "string") {
      if (spec.startsWith("Unknown")) this.server.countError(`ERR ${spec}`);
      pushErrorTable(L, spec);
      lua.lua_pushboolean(L, true);
      setField(L, -2, NAMES.ignoreErrorStatsUpdate);
      return raise ? lua.lua_error(L) : 1;
    }
    const client = this.client();
    const writer = this.writer;
    writer.protocol = client.protocol;
    this.server.execute(client, args, writer);
    const bytes = writer.bytes();
    const failed = bytes[0] === 0x2d;
    pushReply(L, bytes, 0);
    writer.reset();
    if (raise && failed) return lua.lua_error(L);
    return 1;
  }

  /** redis.log(level, message, ...). */
  private log(L: LuaState): number {
    const count = lua.lua_gettop(L);
    if (count < 2) raiseError(L, "redis.log() requires two arguments or more.");
    if (!lua.lua_isnumber(L, 1)) raiseError(L, "First argument must be a number (log level).");
    const level = Math.trunc(lua.lua_tonumber(L, 1));
    if (level < 0 || level > 3) raiseError(L, "Invalid debug level.");
    let message = "";
    for (let i = 2; i <= count; i++) {
      const text = stringAt(L, i);
      if (text === undefined) continue;
      if (i !== 2) message += " ";
      message += text;
    }
    const log = this.server.log;
    if (level === 0) log.trace(message);
    else if (level === 1) log.debug(message);
    else if (level === 2) log.info(message);
    else log.warn(message);
    return 0;
  }

  /** redis.setresp(2|3): the protocol of the replies redis.call converts from now on. */
  private setResp(L: LuaState): number {
    if (!this.current) raiseError(L, "redis.setresp can only be called inside a script invocation");
    if (lua.lua_gettop(L) !== 1) raiseError(L, "redis.setresp() requires one argument.");
    const resp = Math.trunc(lua.lua_tonumber(L, 1));
    if (resp !== 2 && resp !== 3) raiseError(L, "RESP version must be 2 or 3.");
    this.client().protocol = resp;
    return 0;
  }

  /** redis.acl_check_cmd(command, ...): every command is allowed (no ACL users yet) if it exists. */
  private aclCheck(L: LuaState): number {
    if (!this.current) raiseError(L, "redis.acl_check_cmd can only be called inside a script invocation");
    const args = this.arguments(L);
    if (typeof args === "string") raiseError(L, args);
    let spec = this.server.commands.lookup(args[0]!);
    if (spec?.subcommands && args.length >= 2) spec = spec.subcommands[args[1]!.toLowerCase()];
    if (!spec) raiseError(L, "Invalid command passed to redis.acl_check_cmd()");
    lua.lua_pushboolean(L, true);
    return 1;
  }
}

/** Counts a command a script called as rejected (arity, noscript, read-only) and returns the error. */
function rejected(server: Server, spec: CommandSpec, message: string): string {
  server.commandStats(spec).rejectedCalls++;
  server.countError(`ERR ${message}`);
  return message;
}

/** Pushes an array of strings as a Lua table (KEYS, ARGV). */
function pushStrings(L: LuaState, items: readonly string[]): void {
  lua.lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushOwnedBytes(L, toBytes(items[i]!));
    lua.lua_rawseti(L, -2, i + 1);
  }
}

/** A string or number field of the table on top, as text. */
function field(L: LuaState, name: LuaName): string | undefined {
  getField(L, name);
  const text = lua.lua_isstring(L, -1) ? stringAt(L, -1) : undefined;
  lua.lua_pop(L, 1);
  return text;
}

/** SHA1 of a byte string, as lowercase hex (script ids, redis.sha1hex). */
export function sha1hex(text: string): string {
  return createHash("sha1").update(Buffer.from(text, "latin1")).digest("hex");
}
