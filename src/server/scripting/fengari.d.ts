/**
 * @module
 * Types for the part of fengari (Lua 5.3 in JavaScript, untyped CommonJS) the scripting engine
 * uses: the C-like API (`lua`, `lauxlib`, `lualib`) and the few internals that vm.ts patches to
 * give Lua 5.1's numbers and table order and Redis's read-only tables. Lua strings are byte arrays (Uint8Array);
 * a JS string given where a Lua string is expected is UTF-8 encoded, so only ASCII names are
 * passed that way.
 */

declare module "fengari" {
  /** A Lua thread (state); opaque to us. */
  export interface LuaState {
    readonly __luaState: unique symbol;
  }
  /** A Lua string: its bytes. */
  export type LuaString = Uint8Array;
  /** A function callable from Lua: reads its arguments from the stack, returns how many results it pushed. */
  export type LuaFunction = (L: LuaState) => number;
  /** A hook called by the VM (count and line events). */
  export type LuaHook = (L: LuaState, ar: LuaDebug) => void;

  /** Debug information of one activation record (lua_getstack + lua_getinfo). */
  export interface LuaDebug {
    currentline: number;
    what: LuaString | null;
    source: LuaString | null;
    short_src: LuaString | null;
    name: LuaString | null;
    namewhat: LuaString | null;
  }

  export const lua: {
    readonly LUA_OK: number;
    readonly LUA_ERRRUN: number;
    readonly LUA_ERRSYNTAX: number;
    readonly LUA_ERRMEM: number;
    readonly LUA_ERRERR: number;
    readonly LUA_MULTRET: number;
    readonly LUA_REGISTRYINDEX: number;
    readonly LUA_RIDX_GLOBALS: number;
    readonly LUA_MASKCOUNT: number;
    readonly LUA_MASKLINE: number;
    readonly LUA_TNONE: number;
    readonly LUA_TNIL: number;
    readonly LUA_TBOOLEAN: number;
    readonly LUA_TLIGHTUSERDATA: number;
    readonly LUA_TNUMBER: number;
    readonly LUA_TSTRING: number;
    readonly LUA_TTABLE: number;
    readonly LUA_TFUNCTION: number;
    readonly LUA_TUSERDATA: number;
    readonly LUA_TTHREAD: number;
    readonly lua_Debug: new () => LuaDebug;
    lua_atnativeerror(L: LuaState, handler: LuaFunction): LuaFunction | undefined;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_absindex(L: LuaState, idx: number): number;
    lua_gettop(L: LuaState): number;
    lua_settop(L: LuaState, idx: number): void;
    lua_pop(L: LuaState, n: number): void;
    lua_pushvalue(L: LuaState, idx: number): void;
    lua_remove(L: LuaState, idx: number): void;
    lua_insert(L: LuaState, idx: number): void;
    lua_replace(L: LuaState, idx: number): void;
    lua_pushnil(L: LuaState): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushlstring(L: LuaState, s: LuaString, len: number): void;
    lua_pushstring(L: LuaState, s: LuaString | string): void;
    lua_pushliteral(L: LuaState, s: string): void;
    lua_pushcfunction(L: LuaState, fn: LuaFunction): void;
    lua_pushcclosure(L: LuaState, fn: LuaFunction, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean | number): void;
    lua_pushlightuserdata(L: LuaState, p: unknown): void;
    lua_pushglobaltable(L: LuaState): void;
    lua_createtable(L: LuaState, narray: number, nrec: number): void;
    lua_newtable(L: LuaState): void;
    lua_setglobal(L: LuaState, name: LuaString | string): void;
    lua_getglobal(L: LuaState, name: LuaString | string): number;
    lua_setmetatable(L: LuaState, idx: number): void;
    lua_getmetatable(L: LuaState, idx: number): boolean;
    lua_settable(L: LuaState, idx: number): void;
    lua_gettable(L: LuaState, idx: number): number;
    lua_setfield(L: LuaState, idx: number, k: LuaString | string): void;
    lua_getfield(L: LuaState, idx: number, k: LuaString | string): number;
    lua_rawset(L: LuaState, idx: number): void;
    lua_rawget(L: LuaState, idx: number): number;
    lua_rawseti(L: LuaState, idx: number, n: number): void;
    lua_rawgeti(L: LuaState, idx: number, n: number): number;
    lua_next(L: LuaState, idx: number): boolean;
    lua_type(L: LuaState, idx: number): number;
    lua_typename(L: LuaState, t: number): LuaString;
    lua_toboolean(L: LuaState, idx: number): boolean;
    /** The bytes of a string, or of a number converted in place; null for other types. */
    lua_tolstring(L: LuaState, idx: number): LuaString | null;
    lua_tostring(L: LuaState, idx: number): LuaString | null;
    lua_tonumber(L: LuaState, idx: number): number;
    lua_tonumberx(L: LuaState, idx: number): number | false;
    lua_touserdata(L: LuaState, idx: number): unknown;
    lua_topointer(L: LuaState, idx: number): unknown;
    lua_isnumber(L: LuaState, idx: number): boolean;
    lua_isstring(L: LuaState, idx: number): boolean;
    lua_isinteger(L: LuaState, idx: number): boolean;
    lua_istable(L: LuaState, idx: number): boolean;
    lua_isfunction(L: LuaState, idx: number): boolean;
    lua_isnil(L: LuaState, idx: number): boolean;
    lua_isnoneornil(L: LuaState, idx: number): boolean;
    lua_rawlen(L: LuaState, idx: number): number;
    lua_rawequal(L: LuaState, a: number, b: number): boolean;
    lua_concat(L: LuaState, n: number): void;
    lua_call(L: LuaState, nargs: number, nresults: number): void;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_error(L: LuaState): never;
    lua_sethook(L: LuaState, hook: LuaHook | null, mask: number, count: number): void;
    lua_getstack(L: LuaState, level: number, ar: LuaDebug): boolean;
    lua_getinfo(L: LuaState, what: LuaString | string, ar: LuaDebug): boolean;
  };

  export const lauxlib: {
    luaL_newstate(): LuaState;
    luaL_loadbuffer(L: LuaState, buff: LuaString, size: number, name: LuaString | null): number;
    luaL_loadbufferx(L: LuaState, buff: LuaString, size: number, name: LuaString | null, mode: LuaString | string | null): number;
    luaL_error(L: LuaState, fmt: LuaString | string, ...args: unknown[]): never;
    luaL_where(L: LuaState, level: number): void;
    luaL_argerror(L: LuaState, arg: number, extramsg: LuaString | string): never;
    luaL_checkany(L: LuaState, arg: number): void;
    luaL_checktype(L: LuaState, arg: number, t: number): void;
    luaL_checklstring(L: LuaState, arg: number): LuaString;
    luaL_optlstring(L: LuaState, arg: number, def: LuaString | null): LuaString | null;
    luaL_checknumber(L: LuaState, arg: number): number;
    luaL_optnumber(L: LuaState, arg: number, def: number): number;
    luaL_checkinteger(L: LuaState, arg: number): number;
    luaL_optinteger(L: LuaState, arg: number, def: number): number;
    luaL_checkstack(L: LuaState, space: number, msg: LuaString | string | null): void;
    luaL_tolstring(L: LuaState, idx: number): LuaString;
    /** Pushes field `event` of the metatable of the value at `obj` and returns its type; LUA_TNIL (nothing pushed) without one. */
    luaL_getmetafield(L: LuaState, obj: number, event: LuaString | string): number;
    luaL_typename(L: LuaState, idx: number): LuaString;
    /** Pops the value on top into table `t` under a fresh integer key, returned. */
    luaL_ref(L: LuaState, t: number): number;
    luaL_unref(L: LuaState, t: number, ref: number): void;
    luaL_requiref(L: LuaState, name: LuaString | string, open: LuaFunction, global: boolean | number): void;
  };

  /** A JS string as a Lua string (UTF-8); `cache` returns the same array for the same text. */
  export function to_luastring(text: string, cache?: boolean): LuaString;

  export const lualib: {
    luaopen_base: LuaFunction;
    luaopen_table: LuaFunction;
    luaopen_string: LuaFunction;
    luaopen_math: LuaFunction;
    luaopen_coroutine: LuaFunction;
  };
}

/** A Lua value slot (TValue). */
declare module "fengari/src/lobject.js" {
  import type { LuaState, LuaString } from "fengari";
  export interface TValue {
    type: number;
    value: unknown;
    ttisnil(): boolean;
    ttisnumber(): boolean;
    setnilvalue(): void;
    ttisinteger(): boolean;
    ttisfloat(): boolean;
    ttisstring(): boolean;
    setfltvalue(n: number): void;
    setsvalue(s: unknown): void;
    svalue(): LuaString;
    ttisboolean(): boolean;
    ttistable(): boolean;
    /** The string object of a string value (ttisstring). */
    tsvalue(): TString;
  }
  /** A Lua string object: its bytes, and the Map key fengari's tables file it under (lazily). */
  export interface TString {
    realstring: LuaString;
    hash: string | null;
    /** Redis's Lua 5.1 hash of the bytes, cached by vm.ts. */
    luaHash?: number;
  }
  const lobject: {
    /** Copies a value into stack slot `index` of the thread. */
    setobj2s(L: LuaState, index: number, value: TValue): void;
    /** Pushes a string object (no stack-space check). */
    pushsvalue2s(L: LuaState, ts: unknown): void;
    luaO_pushvfstring(L: LuaState, fmt: LuaString, argp: unknown[]): LuaString;
    luaO_pushfstring(L: LuaState, fmt: LuaString, ...argp: unknown[]): LuaString;
    luaO_str2num(s: LuaString, o: TValue): number;
    luaO_tostring(L: LuaState, o: TValue): void;
  };
  export default lobject;
}

declare module "fengari/src/lstring.js" {
  import type { LuaState, LuaString } from "fengari";
  import type { TString } from "fengari/src/lobject.js";
  const lstring: {
    luaS_bless(L: LuaState, s: LuaString): unknown;
    /** The key a string is filed under in a table's Map (cached in the string object). */
    luaS_hashlongstr(ts: TString): string;
  };
  export default lstring;
}

/** Tables: creation, the two writes, traversal and length, which vm.ts reshapes as Lua 5.1's. */
declare module "fengari/src/ltable.js" {
  import type { LuaState } from "fengari";
  import type { TValue } from "fengari/src/lobject.js";
  /** One key/value entry of a table's insertion-ordered list. */
  export interface TableEntry {
    key: TValue;
    value: TValue;
    /** The next entry in insertion order. */
    n: TableEntry | undefined;
  }
  /**
   * A Lua table: a Map from hash (a number for numeric keys) to entry. `readonly` and `creator`
   * are ours (vm.ts): the state that protects it and the thread that made it (vm.ts adds `layout`).
   */
  export interface Table {
    /** A number unique in its Lua state. */
    id: number;
    strong: Map<unknown, TableEntry>;
    /** The first entry in insertion order. */
    f: TableEntry | undefined;
    readonly?: LuaState;
    creator?: LuaState;
  }
  const ltable: {
    luaH_new(L: LuaState): Table;
    luaH_setfrom(L: LuaState, t: Table, key: TValue, value: TValue): void;
    luaH_setint(t: Table, key: number, value: TValue): void;
    luaH_next(L: LuaState, t: Table, keyIndex: number): boolean;
    luaH_getn(t: Table): number;
    Table: { prototype: Table };
  };
  export default ltable;
}

/** The instructions vm.ts recognises while a table is made or filled. */
declare module "fengari/src/lopcodes.js" {
  const lopcodes: { OpCodesI: { OP_NEWTABLE: number; OP_SETLIST: number; OP_EXTRAARG: number } };
  export default lopcodes;
}

declare module "fengari/src/ldebug.js" {
  import type { LuaState, LuaString } from "fengari";
  import type { TValue } from "fengari/src/lobject.js";
  const ldebug: {
    luaG_runerror(L: LuaState, fmt: LuaString, ...args: unknown[]): never;
    luaG_typeerror(L: LuaState, o: TValue, op: LuaString): never;
    luaG_opinterror(L: LuaState, p1: TValue, p2: TValue, msg: LuaString): never;
    luaG_concaterror(L: LuaState, p1: TValue, p2: TValue): never;
    luaG_ordererror(L: LuaState, p1: TValue, p2: TValue): never;
    luaG_tointerror(L: LuaState, p1: TValue, p2: TValue): never;
  };
  export default ldebug;
}

/** A thread's internals that vm.ts reads: its value stack and the running call. */
declare module "fengari/src/lstate.js" {
  import type { TValue } from "fengari/src/lobject.js";
  /** One instruction of a Lua function, decoded. */
  export interface Instruction {
    opcode: number;
    B: number;
    C: number;
  }
  /** A call in progress; `l_code` and `l_savedpc` only mean something for a Lua function. */
  export interface CallInfo {
    callstatus: number;
    l_code: Instruction[] | null;
    /** The index of the instruction after the one executing. */
    l_savedpc: number;
  }
  export interface Thread {
    stack: TValue[];
    ci: CallInfo | null;
  }
  const lstate: { CIST_LUA: number };
  export default lstate;
}

declare module "fengari/src/lvm.js" {
  import type { TValue } from "fengari/src/lobject.js";
  const lvm: {
    tointeger(o: TValue): number | false;
    luaV_tointeger(o: TValue, mode: number): number | false;
  };
  export default lvm;
}
