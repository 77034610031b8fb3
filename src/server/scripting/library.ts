/**
 * @module
 * Function libraries (Redis 7.0's functions): `#!lua name=<lib>` code whose top level calls
 * redis.register_function, loaded into the functions Lua state. This keeps the libraries and the
 * functions they registered (function names are case-insensitive, as in Redis), and implements
 * FUNCTION LOAD [REPLACE] (metadata, compile, register, collisions, each with Redis's error text),
 * DELETE, FLUSH, and DUMP/RESTORE through dump.ts.
 */
import {
  ERR_FUNCTION_COMPILE,
  ERR_FUNCTION_EXISTS,
  ERR_FUNCTION_PAYLOAD,
  ERR_FUNCTION_REGISTER,
  ERR_LIBRARY_ENGINE,
  ERR_LIBRARY_EXISTS,
  ERR_LIBRARY_EXISTS_RESTORE,
  ERR_LIBRARY_METADATA_INVALID,
  ERR_LIBRARY_METADATA_MISSING,
  ERR_LIBRARY_METADATA_VALUE,
  ERR_LIBRARY_NAME_INVALID,
  ERR_LIBRARY_NAME_MISSING,
  ERR_LIBRARY_NAME_TWICE,
  ERR_LIBRARY_NOT_FOUND,
  ERR_NO_FUNCTIONS,
  ReplyError,
} from "../errors.ts";
import { SCRIPT_FLAGS, type ScriptEngine, type ScriptFlag } from "./engine.ts";
import { ref, switchGlobals } from "./environment.ts";
import { splitArgs } from "./scripts.ts";
import { dumpPayload, PayloadError, readPayload, verifyPayload } from "./dump.ts";
import { lauxlib, lua, fromBytes, stringAt, toBytes, type LuaState } from "./vm.ts";
import { pushErrorTable } from "./convert.ts";

/** A registered function. */
export interface FunctionInfo {
  readonly name: string;
  readonly description: string | undefined;
  readonly flags: ReadonlySet<ScriptFlag>;
  /** Registry reference of the callback in the functions state. */
  readonly fn: number;
  readonly library: Library;
}

/** A loaded library. */
export interface Library {
  readonly name: string;
  readonly engine: string;
  /** The code as given, shebang included (FUNCTION LIST WITHCODE, DUMP). */
  readonly code: string;
  /** By name (exact case), in registration order. */
  readonly functions: Map<string, FunctionInfo>;
}

/** FUNCTION RESTORE's policy for libraries that exist already. */
export type RestorePolicy = "append" | "replace" | "flush";

/** A bad function name gets the library name's text, as in Redis 7.0 (which reuses it). */
const NAME_ERROR = ERR_LIBRARY_NAME_INVALID.slice("ERR ".length);
const VALID_NAME = /^[A-Za-z0-9_]+$/;

/** The engine name Redis shows (FUNCTION LIST, STATS). */
export const ENGINE_NAME = "LUA";

/** The error a registration raises inside the library's code. */
function registrationError(L: LuaState, message: string): never {
  pushErrorTable(L, message);
  return lua.lua_error(L);
}

/** The shebang of library code: engine, name, and where the code after it starts. */
function parseMetadata(code: string): { engine: string; name: string; start: number } {
  if (!code.startsWith("#!")) throw new ReplyError(ERR_LIBRARY_METADATA_MISSING);
  const end = code.indexOf("\n");
  if (end < 0) throw new ReplyError(ERR_LIBRARY_METADATA_INVALID);
  const parts = splitArgs(code.slice(0, end));
  if (!parts || parts.length === 0) throw new ReplyError(ERR_LIBRARY_METADATA_INVALID);
  let name: string | undefined;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === "name=") {
      if (name !== undefined) throw new ReplyError(ERR_LIBRARY_NAME_TWICE);
      name = part.slice(5);
      continue;
    }
    throw new ReplyError(ERR_LIBRARY_METADATA_VALUE(part));
  }
  if (name === undefined) throw new ReplyError(ERR_LIBRARY_NAME_MISSING);
  return { engine: parts[0]!.slice(2), name, start: end };
}

/** The libraries and functions of one server. */
export class FunctionLibraries {
  private libraries = new Map<string, Library>();
  private functions = new Map<string, FunctionInfo>();

  constructor(private readonly engine: ScriptEngine) {}

  /** The function named `name` (any letter case). */
  find(name: string): FunctionInfo | undefined {
    return this.functions.get(name.toLowerCase());
  }

  /** Libraries in load order. */
  all(): Library[] {
    return [...this.libraries.values()];
  }

  /** Every registered function, two names differing only in case included (as Redis counts them). */
  get functionCount(): number {
    let count = 0;
    for (const library of this.libraries.values()) count += library.functions.size;
    return count;
  }

  get libraryCount(): number {
    return this.libraries.size;
  }

  /** FUNCTION LOAD [REPLACE] code: returns the library's name; throws Redis's error. */
  load(code: string, replace: boolean): string {
    const library = this.create(code, replace ? undefined : this.libraries);
    const old = this.libraries.get(library.name);
    for (const fn of library.functions.values()) {
      const other = this.functions.get(fn.name.toLowerCase());
      if (other && other.library !== old) {
        this.release(library);
        throw new ReplyError(ERR_FUNCTION_EXISTS(fn.name));
      }
    }
    if (old) this.unlink(old);
    this.link(library);
    return library.name;
  }

  /** FUNCTION DELETE name. */
  delete(name: string): void {
    const library = this.libraries.get(name);
    if (!library) throw new ReplyError(ERR_LIBRARY_NOT_FOUND);
    this.unlink(library);
    this.release(library);
  }

  /** FUNCTION FLUSH: every library goes, with the Lua state. */
  flush(): void {
    this.libraries = new Map();
    this.functions = new Map();
    this.engine.resetFunctions();
  }

  /** FUNCTION DUMP's payload. */
  dump(): Buffer {
    return dumpPayload(this.all().map((library) => library.code));
  }

  /** FUNCTION RESTORE payload [policy]; throws Redis's error and changes nothing then. */
  restore(payload: Buffer, policy: RestorePolicy): void {
    if (!verifyPayload(payload)) throw new ReplyError(ERR_FUNCTION_PAYLOAD);
    let codes: string[];
    try {
      codes = readPayload(payload);
    } catch (error) {
      if (error instanceof PayloadError) throw new ReplyError(`ERR ${error.message}`);
      throw error;
    }
    // Build the restored libraries apart (Redis loads them into a new context first).
    const restored = new Map<string, Library>();
    try {
      for (const code of codes) {
        const library = this.create(code, restored);
        restored.set(library.name, library);
      }
    } catch (error) {
      for (const library of restored.values()) this.release(library);
      throw error;
    }
    if (policy === "flush") {
      for (const library of this.libraries.values()) this.release(library);
      this.libraries = new Map();
      this.functions = new Map();
    } else {
      for (const library of restored.values()) {
        if (this.libraries.has(library.name) && policy === "append") {
          for (const dropped of restored.values()) this.release(dropped);
          throw new ReplyError(ERR_LIBRARY_EXISTS_RESTORE(library.name));
        }
      }
      const replaced = new Set([...restored.keys()].map((name) => this.libraries.get(name)).filter((library) => library !== undefined));
      for (const library of restored.values()) {
        for (const fn of library.functions.values()) {
          const other = this.functions.get(fn.name.toLowerCase());
          if (other && !replaced.has(other.library)) {
            for (const dropped of restored.values()) this.release(dropped);
            throw new ReplyError(ERR_FUNCTION_EXISTS(fn.name));
          }
        }
      }
      for (const library of replaced) {
        this.unlink(library);
        this.release(library);
      }
    }
    for (const library of restored.values()) this.link(library);
  }

  /**
   * Adds a library and its functions. Function names are case-insensitive server-wide but not
   * within a library: of two names differing only in case, the first registered is the one found.
   */
  private link(library: Library): void {
    this.libraries.set(library.name, library);
    for (const fn of library.functions.values()) {
      const key = fn.name.toLowerCase();
      if (!this.functions.has(key)) this.functions.set(key, fn);
    }
  }

  private unlink(library: Library): void {
    this.libraries.delete(library.name);
    for (const fn of library.functions.values()) {
      const key = fn.name.toLowerCase();
      if (this.functions.get(key)?.library === library) this.functions.delete(key);
    }
  }

  /** Frees the registry references of a library's callbacks. */
  private release(library: Library): void {
    const L = this.engine.functionsEnvironment().L;
    for (const fn of library.functions.values()) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, fn.fn);
  }

  /**
   * Compiles and runs library code, collecting what it registers. With `existing`, a library of
   * the same name there is an error (LOAD without REPLACE, RESTORE into a new context).
   */
  private create(code: string, existing: ReadonlyMap<string, Library> | undefined): Library {
    const metadata = parseMetadata(code);
    if (!VALID_NAME.test(metadata.name)) throw new ReplyError(ERR_LIBRARY_NAME_INVALID);
    if (metadata.engine.toLowerCase() !== "lua") throw new ReplyError(ERR_LIBRARY_ENGINE(metadata.engine));
    if (existing?.has(metadata.name)) throw new ReplyError(ERR_LIBRARY_EXISTS(metadata.name));
    const library: Library = { name: metadata.name, engine: ENGINE_NAME, code, functions: new Map() };
    const env = this.engine.functionsEnvironment();
    const L = env.L;
    const body = toBytes(code.slice(metadata.start));
    if (lauxlib.luaL_loadbuffer(L, body, body.length, toBytes("@user_function")) !== lua.LUA_OK) {
      const message = stringAt(L, -1) ?? "";
      lua.lua_pop(L, 1);
      throw new ReplyError(ERR_FUNCTION_COMPILE(message));
    }
    switchGlobals(env, true);
    this.engine.registrar = { register: (state) => this.register(state, library) };
    let error: string | undefined;
    try {
      error = this.engine.runLoader(env);
    } finally {
      this.engine.registrar = undefined;
      switchGlobals(env, false);
    }
    if (error !== undefined) {
      this.release(library);
      throw new ReplyError(ERR_FUNCTION_REGISTER(error));
    }
    if (library.functions.size === 0) throw new ReplyError(ERR_NO_FUNCTIONS);
    return library;
  }

  /** redis.register_function(name, callback) or redis.register_function{function_name=..., callback=..., flags=..., description=...}. */
  private register(L: LuaState, library: Library): number {
    const count = lua.lua_gettop(L);
    let name: string | undefined;
    let description: string | undefined;
    /** The callback, held in the registry from the moment it is read. */
    let callback: number | undefined;
    const flags = new Set<ScriptFlag>();
    const keepCallback = (index: number) => {
      if (callback !== undefined) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, callback);
      lua.lua_pushvalue(L, index);
      callback = ref(L);
    };
    if (count === 1) {
      if (!lua.lua_istable(L, 1)) registrationError(L, "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
      lua.lua_pushnil(L);
      while (lua.lua_next(L, 1)) {
        if (lua.lua_type(L, -2) !== lua.LUA_TSTRING) registrationError(L, "named argument key given to redis.register_function is not a string");
        const key = stringAt(L, -2)!;
        if (key === "function_name") {
          if (!lua.lua_isstring(L, -1)) registrationError(L, "function_name argument given to redis.register_function must be a string");
          lua.lua_pushvalue(L, -1);
          name = stringAt(L, -1);
          lua.lua_pop(L, 1);
        } else if (key === "description") {
          if (!lua.lua_isstring(L, -1)) registrationError(L, "description argument given to redis.register_function must be a string");
          lua.lua_pushvalue(L, -1);
          description = stringAt(L, -1);
          lua.lua_pop(L, 1);
        } else if (key === "callback") {
          if (!lua.lua_isfunction(L, -1)) registrationError(L, "callback argument given to redis.register_function must be a function");
          keepCallback(-1);
        } else if (key === "flags") {
          if (!lua.lua_istable(L, -1)) registrationError(L, "flags argument to redis.register_function must be a table representing function flags");
          readFlags(L, flags);
        } else registrationError(L, "unknown argument given to redis.register_function");
        lua.lua_pop(L, 1);
      }
      if (name === undefined) registrationError(L, "redis.register_function must get a function name argument");
      if (callback === undefined) registrationError(L, "redis.register_function must get a callback argument");
    } else if (count === 2) {
      if (!lua.lua_isstring(L, 1)) registrationError(L, "first argument to redis.register_function must be a string");
      if (!lua.lua_isfunction(L, 2)) registrationError(L, "second argument to redis.register_function must be a function");
      lua.lua_pushvalue(L, 1);
      name = stringAt(L, -1)!;
      lua.lua_pop(L, 1);
      keepCallback(2);
    } else registrationError(L, "wrong number of arguments to redis.register_function");
    const fn = callback!;
    const fail = (message: string) => {
      lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, fn);
      return registrationError(L, message);
    };
    if (!VALID_NAME.test(name)) fail(NAME_ERROR);
    if (library.functions.has(name)) fail("Function already exists in the library");
    library.functions.set(name, { name, description, flags, fn, library });
    return 0;
  }
}

/** Reads a register_function `flags` table (on top of the stack) into `flags`. */
function readFlags(L: LuaState, flags: Set<ScriptFlag>): void {
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    const text = lua.lua_type(L, -1) === lua.LUA_TSTRING ? fromBytes(lua.lua_tolstring(L, -1)!) : undefined;
    if (text === undefined || !(SCRIPT_FLAGS as readonly string[]).includes(text)) registrationError(L, "unknown flag given");
    flags.add(text as ScriptFlag);
    lua.lua_pop(L, 1);
  }
}

/** The function flags in Redis's order (FUNCTION LIST). */
export function orderedFlags(flags: ReadonlySet<ScriptFlag>): ScriptFlag[] {
  return SCRIPT_FLAGS.filter((flag) => flags.has(flag));
}
