/**
 * @module
 * The sandbox: a Lua state laid out as Redis 7.0 lays out its two (one for EVAL scripts, one for
 * function libraries). The globals are exactly Redis's (the 5.1 standard library, cjson, struct,
 * cmsgpack, bit, redis), every table reachable from them is read-only ("Attempt to modify a
 * readonly table"), and reading a global that does not exist is an error ("Script attempted to
 * access nonexistent global variable 'x'"). There is no os, io, debug, loadfile, dofile, require
 * or print. The functions state's globals are an empty table whose metatable points at the
 * runtime globals, or, while a library's code runs, at a table holding only the load-time `redis`
 * API (register_function, log), as Redis does.
 */
import { openBit } from "./lib/bit.ts";
import { openCjson } from "./lib/cjson.ts";
import { openCmsgpack } from "./lib/cmsgpack.ts";
import { openLua51, setFunctions } from "./lib/lua51.ts";
import type { Rand48 } from "./lib/rand48.ts";
import { openStruct } from "./lib/struct.ts";
import { lauxlib, lua, fromBytes, pushString, raise, setField, setReadonly, stringAt, tableAt, type LuaName, type LuaState } from "./vm.ts";

type LuaFunction = (L: LuaState) => number;

/** The functions behind the `redis` table, implemented by the runner. */
export interface RedisApi {
  call: LuaFunction;
  pcall: LuaFunction;
  log: LuaFunction;
  setresp: LuaFunction;
  sha1hex: LuaFunction;
  error_reply: LuaFunction;
  status_reply: LuaFunction;
  set_repl: LuaFunction;
  acl_check_cmd: LuaFunction;
  replicate_commands: LuaFunction;
  breakpoint: LuaFunction;
  debug: LuaFunction;
  register_function: LuaFunction;
}

/** The constants of the `redis` table. */
const LOG_LEVELS = { LOG_DEBUG: 0, LOG_VERBOSE: 1, LOG_NOTICE: 2, LOG_WARNING: 3 };
const REPL_FLAGS = { REPL_NONE: 0, REPL_AOF: 1, REPL_SLAVE: 2, REPL_REPLICA: 2, REPL_ALL: 3 };

/** A ready Lua state and the registry references the runner needs. */
export interface Environment {
  readonly L: LuaState;
  /** The error handler (Redis's __redis__err__handler), a registry reference. */
  readonly handler: number;
}

/** The functions state, with what switches its globals between load time and run time. */
export interface FunctionsEnvironment extends Environment {
  /** The metatable of the (empty) globals table: its __index is switched. */
  readonly globalsMeta: number;
  readonly runtimeGlobals: number;
  readonly loadGlobals: number;
}

/** Stores the value on top of the stack in the registry and returns its reference. */
export function ref(L: LuaState): number {
  return lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
}

/** Pushes a registry reference's value. */
export function pushRef(L: LuaState, reference: number): void {
  lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, reference);
}

/**
 * The error handler a script runs under (Redis's __redis__err__handler): turns any error into a
 * table {err=..., source=..., line=...} naming where it happened; an error raised by a C function
 * (error, redis.call) is placed at its caller.
 */
function errorHandler(L: LuaState): number {
  lua.lua_checkstack(L, 4);
  const info = new lua.lua_Debug();
  let found = lua.lua_getstack(L, 1, info) && lua.lua_getinfo(L, "nSl", info);
  // fengari calls a JavaScript function's kind "J" where Lua says "C".
  if (found && info.what !== null && fromBytes(info.what) === "J") found = lua.lua_getstack(L, 2, info) && lua.lua_getinfo(L, "nSl", info);
  if (!lua.lua_istable(L, 1)) {
    lauxlib.luaL_tolstring(L, 1);
    const text = stringAt(L, -1)!;
    lua.lua_settop(L, 0);
    lua.lua_createtable(L, 0, 3);
    pushString(L, `ERR ${text}`);
    lua.lua_setfield(L, -2, "err");
  } else {
    lua.lua_settop(L, 1);
  }
  if (found) {
    lua.lua_pushstring(L, info.source ?? new Uint8Array(0));
    lua.lua_setfield(L, -2, "source");
    lua.lua_pushnumber(L, info.currentline);
    lua.lua_setfield(L, -2, "line");
  }
  return 1;
}

/** __index of protected globals: reading a missing name is an error. */
function missingGlobal(L: LuaState): number {
  if (lua.lua_gettop(L) !== 2) raise(L, "Wrong number of arguments to luaProtectedTableError");
  if (!lua.lua_isstring(L, -1) && !lua.lua_isnumber(L, -1)) raise(L, "Second argument to luaProtectedTableError must be a string or number");
  return raise(L, `Script attempted to access nonexistent global variable '${stringAt(L, -1)}'`);
}

/** Gives the table on top a metatable whose __index raises for missing names. */
function setErrorMetatable(L: LuaState): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushcfunction(L, missingGlobal);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_setmetatable(L, -2);
}

/** Makes the table on top, every table inside it and their metatables read-only. */
function protectRecursively(L: LuaState): void {
  if (tableAt(L, -1).readonly !== undefined) return;
  setReadonly(L, -1, true);
  lauxlib.luaL_checkstack(L, 3, null);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    if (lua.lua_istable(L, -1)) protectRecursively(L);
    lua.lua_pop(L, 1);
  }
  if (lua.lua_getmetatable(L, -1)) {
    protectRecursively(L);
    lua.lua_pop(L, 1);
  }
}

/** A JavaScript exception inside Lua (a bug, or JavaScript's own stack limit) becomes a Lua error. */
function nativeError(L: LuaState): number {
  const error = lua.lua_touserdata(L, 1);
  const message = error instanceof RangeError ? "stack overflow" : error instanceof Error ? error.message : String(error);
  pushString(L, message);
  return 1;
}

/** A new state with Redis's libraries in its globals (no redis table yet). */
function newState(random: Rand48): LuaState {
  const L = lauxlib.luaL_newstate();
  lua.lua_atnativeerror(L, nativeError);
  openLua51(L, random);
  for (const [name, open] of [["cjson", openCjson], ["struct", openStruct], ["cmsgpack", openCmsgpack], ["bit", openBit]] as const) {
    open(L);
    lua.lua_setglobal(L, name);
  }
  return L;
}

/** Pushes a `redis` table with the named API functions and constants. */
function pushRedisTable(L: LuaState, api: RedisApi, names: readonly (keyof RedisApi)[], version: { text: string; number: number }, withRepl: boolean): void {
  lua.lua_createtable(L, 0, names.length + 11);
  const functions: Record<string, LuaFunction> = {};
  for (const name of names) functions[name] = api[name];
  setFunctions(L, functions);
  const constants: Record<string, number> = { ...LOG_LEVELS, ...(withRepl ? REPL_FLAGS : {}), REDIS_VERSION_NUM: version.number };
  for (const [name, value] of Object.entries(constants)) {
    lua.lua_pushnumber(L, value);
    lua.lua_setfield(L, -2, name);
  }
  pushString(L, version.text);
  lua.lua_setfield(L, -2, "REDIS_VERSION");
}

/** `7.0.15` as Redis's REDIS_VERSION_NUM: 0x00MMmmpp. */
export function versionNumber(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map(Number);
  return (major << 16) | (minor << 8) | patch;
}

const EVAL_API: (keyof RedisApi)[] = ["call", "pcall", "log", "setresp", "sha1hex", "error_reply", "status_reply", "set_repl", "replicate_commands", "breakpoint", "debug", "acl_check_cmd"];
const FUNCTION_API: (keyof RedisApi)[] = ["call", "pcall", "log", "setresp", "sha1hex", "error_reply", "status_reply", "set_repl", "acl_check_cmd"];
const LOAD_API: (keyof RedisApi)[] = ["register_function", "log"];

/** The state EVAL scripts run in. */
export function createEvalEnvironment(api: RedisApi, random: Rand48, version: string): Environment {
  const L = newState(random);
  pushRedisTable(L, api, EVAL_API, { text: version, number: versionNumber(version) }, true);
  lua.lua_setglobal(L, "redis");
  lua.lua_pushcfunction(L, errorHandler);
  lua.lua_pushvalue(L, -1);
  lua.lua_setglobal(L, "__redis__err__handler");
  const handler = ref(L);
  lua.lua_pushglobaltable(L);
  setErrorMetatable(L);
  protectRecursively(L);
  lua.lua_pop(L, 1);
  return { L, handler };
}

/** The state function libraries are loaded and run in. */
export function createFunctionsEnvironment(api: RedisApi, random: Rand48, version: string): FunctionsEnvironment {
  const L = newState(random);
  const versionInfo = { text: version, number: versionNumber(version) };
  pushRedisTable(L, api, FUNCTION_API, versionInfo, true);
  lua.lua_setglobal(L, "redis");
  lua.lua_pushcfunction(L, errorHandler);
  const handler = ref(L);

  // The runtime globals: everything above, protected.
  lua.lua_pushglobaltable(L);
  setErrorMetatable(L);
  protectRecursively(L);
  const runtimeGlobals = ref(L);

  // While a library loads: only a `redis` with register_function and log.
  lua.lua_createtable(L, 0, 1);
  pushRedisTable(L, api, LOAD_API, versionInfo, false);
  setErrorMetatable(L);
  lua.lua_setfield(L, -2, "redis");
  setErrorMetatable(L);
  protectRecursively(L);
  const loadGlobals = ref(L);

  // The globals every chunk sees: empty, read-only, looking names up through its metatable.
  lua.lua_createtable(L, 0, 0);
  lua.lua_createtable(L, 0, 1);
  pushRef(L, runtimeGlobals);
  lua.lua_setfield(L, -2, "__index");
  lua.lua_pushvalue(L, -1);
  const globalsMeta = ref(L);
  lua.lua_setmetatable(L, -2);
  lua.lua_pushvalue(L, -1);
  lua.lua_rawseti(L, lua.LUA_REGISTRYINDEX, lua.LUA_RIDX_GLOBALS);
  protectRecursively(L);
  lua.lua_pop(L, 1);
  return { L, handler, globalsMeta, runtimeGlobals, loadGlobals };
}

/** Points the functions state's globals at the load-time API (`loading`) or back at the runtime globals. */
export function switchGlobals(env: FunctionsEnvironment, loading: boolean): void {
  const L = env.L;
  pushRef(L, env.globalsMeta);
  setReadonly(L, -1, false);
  pushRef(L, loading ? env.loadGlobals : env.runtimeGlobals);
  lua.lua_setfield(L, -2, "__index");
  setReadonly(L, -1, true);
  lua.lua_pop(L, 1);
}

/** Sets global `name` of an EVAL state to the value on top (popped), past the globals' protection. */
export function setProtectedGlobal(L: LuaState, name: LuaName): void {
  lua.lua_pushglobaltable(L);
  const globals = tableAt(L, -1);
  lua.lua_insert(L, -2);
  globals.readonly = undefined;
  setField(L, -2, name);
  globals.readonly = L;
  lua.lua_pop(L, 1);
}
