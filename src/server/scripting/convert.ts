/**
 * @module
 * Redis's conversions between replies and Lua values. A command called from a script writes its
 * reply into a ReplyWriter like any other; `pushReply` parses those bytes back into the Lua value
 * Redis gives the script (integer -> number, bulk -> string, null -> false (RESP2) or nil
 * (RESP3), status -> {ok=...}, error -> {err=...}, array -> table, and under RESP3 map -> {map=...},
 * set -> {set=...}, double -> {double=...}, boolean, big number, verbatim). `writeLuaValue` turns
 * the script's return value into the caller's reply (numbers truncated to integers, arrays up to
 * the first nil, false -> null, true -> 1, {ok=}/{err=} -> status/error, {double=}, {map=}...).
 */
import type { ReplyWriter } from "../../resp/writer.ts";
import { toLong } from "./printf.ts";
import { getField, lauxlib, lua, luaName, pushOwnedBytes, pushString, setField, stringAt, type LuaName, type LuaState } from "./vm.ts";

/** The field names of Redis's reply tables, made once (see luaName). */
export const NAMES = {
  ok: luaName("ok"),
  err: luaName("err"),
  ignoreErrorStatsUpdate: luaName("ignore_error_stats_update"),
  double: luaName("double"),
  bigNumber: luaName("big_number"),
  verbatimString: luaName("verbatim_string"),
  format: luaName("format"),
  string: luaName("string"),
  map: luaName("map"),
  set: luaName("set"),
  source: luaName("source"),
  line: luaName("line"),
} as const;

/** Pushes bytes `start`..`end` of `buffer` as a new Lua string (copied: the buffer is reused). */
function pushSlice(L: LuaState, buffer: Buffer, start: number, end: number): void {
  const length = end - start;
  const bytes = new Uint8Array(length);
  if (length <= 64) for (let i = 0; i < length; i++) bytes[i] = buffer[start + i]!;
  else bytes.set(buffer.subarray(start, end));
  pushOwnedBytes(L, bytes);
}

const CR = 13;

/** Reads the decimal integer text from `start` to the CR at `end` (as a double, like Redis's Lua). */
function readNumber(buffer: Buffer, start: number, end: number): number {
  if (end - start > 15) return Number(buffer.latin1Slice(start, end));
  const negative = buffer[start] === 0x2d;
  let value = 0;
  for (let i = negative ? start + 1 : start; i < end; i++) value = value * 10 + buffer[i]! - 48;
  return negative ? -value : value;
}

/**
 * Pushes an error table `{err = "CODE message"}` as Redis's luaPushErrorBuff builds it from an
 * error text: "-CODE message" keeps its code, a text without one gets ERR.
 */
export function pushErrorTable(L: LuaState, text: string): void {
  let code = "ERR";
  let message = text;
  if (text.startsWith("-")) {
    const space = text.indexOf(" ");
    if (space < 0) message = text.slice(1);
    else {
      code = text.slice(1, space);
      message = text.slice(space + 1);
    }
  }
  message = message.replace(/^[\r\n]+|[\r\n]+$/g, "");
  lua.lua_checkstack(L, 3);
  lua.lua_createtable(L, 0, 2);
  pushString(L, `${code} ${message}`);
  setField(L, -2, NAMES.err);
}

/** Skips one reply (an attribute's keys and values, which scripts do not see). */
function skipReply(buffer: Buffer, at: number): number {
  const type = buffer[at]!;
  const end = buffer.indexOf(CR, at + 1);
  const next = end + 2;
  switch (type) {
    case 0x24: // $
    case 0x3d: {
      // =
      const length = readNumber(buffer, at + 1, end);
      return length < 0 ? next : next + length + 2;
    }
    case 0x2a: // *
    case 0x7e: // ~
    case 0x3e: {
      // >
      let position = next;
      const count = readNumber(buffer, at + 1, end);
      for (let i = 0; i < count; i++) position = skipReply(buffer, position);
      return position;
    }
    case 0x25: // %
    case 0x7c: {
      // |
      let position = next;
      const count = readNumber(buffer, at + 1, end) * 2;
      for (let i = 0; i < count; i++) position = skipReply(buffer, position);
      return position;
    }
    default:
      return next;
  }
}

/** Pushes `{field = <the next reply>}`-style wrappers: a table with one string field. */
function pushWrapped(L: LuaState, field: LuaName, push: () => void): void {
  lua.lua_createtable(L, 0, 1);
  push();
  setField(L, -2, field);
}

/**
 * Pushes the Lua value of the reply at `at` in `buffer` and returns where the next reply starts.
 * Error replies become error tables marked `ignore_error_stats_update` (already counted).
 */
export function pushReply(L: LuaState, buffer: Buffer, at: number): number {
  const type = buffer[at]!;
  const end = buffer.indexOf(CR, at + 1);
  const next = end + 2;
  switch (type) {
    case 0x2b: // + status
      pushWrapped(L, NAMES.ok, () => pushSlice(L, buffer, at + 1, end));
      return next;
    case 0x2d: // - error
      pushErrorTable(L, buffer.latin1Slice(at, end));
      lua.lua_pushboolean(L, true);
      setField(L, -2, NAMES.ignoreErrorStatsUpdate);
      return next;
    case 0x3a: // : integer
      lua.lua_pushnumber(L, readNumber(buffer, at + 1, end));
      return next;
    case 0x24: {
      // $ bulk
      const length = readNumber(buffer, at + 1, end);
      if (length < 0) {
        lua.lua_pushboolean(L, false);
        return next;
      }
      pushSlice(L, buffer, next, next + length);
      return next + length + 2;
    }
    case 0x2a: {
      // * array
      const count = readNumber(buffer, at + 1, end);
      if (count < 0) {
        lua.lua_pushboolean(L, false);
        return next;
      }
      lauxlib.luaL_checkstack(L, 3, "reply too deep");
      lua.lua_createtable(L, count, 0);
      let position = next;
      for (let i = 1; i <= count; i++) {
        lua.lua_pushnumber(L, i);
        position = pushReply(L, buffer, position);
        lua.lua_settable(L, -3);
      }
      return position;
    }
    case 0x25: {
      // % map
      const count = readNumber(buffer, at + 1, end);
      lauxlib.luaL_checkstack(L, 4, "reply too deep");
      lua.lua_createtable(L, 0, 1);
      lua.lua_createtable(L, 0, count);
      let position = next;
      for (let i = 0; i < count; i++) {
        position = pushReply(L, buffer, position);
        position = pushReply(L, buffer, position);
        lua.lua_settable(L, -3);
      }
      setField(L, -2, NAMES.map);
      return position;
    }
    case 0x7e: {
      // ~ set
      const count = readNumber(buffer, at + 1, end);
      lauxlib.luaL_checkstack(L, 4, "reply too deep");
      lua.lua_createtable(L, 0, 1);
      lua.lua_createtable(L, 0, count);
      let position = next;
      for (let i = 0; i < count; i++) {
        position = pushReply(L, buffer, position);
        lua.lua_pushboolean(L, true);
        lua.lua_settable(L, -3);
      }
      setField(L, -2, NAMES.set);
      return position;
    }
    case 0x5f: // _ null
      lua.lua_pushnil(L);
      return next;
    case 0x23: // # boolean
      lua.lua_pushboolean(L, buffer[at + 1] === 0x74);
      return next;
    case 0x2c: {
      // , double
      const text = buffer.latin1Slice(at + 1, end);
      const value = text === "inf" ? Infinity : text === "-inf" ? -Infinity : text === "nan" || text === "-nan" ? NaN : Number(text);
      pushWrapped(L, NAMES.double, () => lua.lua_pushnumber(L, value));
      return next;
    }
    case 0x28: // ( big number
      pushWrapped(L, NAMES.bigNumber, () => pushSlice(L, buffer, at + 1, end));
      return next;
    case 0x3d: {
      // = verbatim: "txt:" then the text
      const length = readNumber(buffer, at + 1, end);
      pushWrapped(L, NAMES.verbatimString, () => {
        lua.lua_createtable(L, 0, 2);
        pushSlice(L, buffer, next + 4, next + length);
        setField(L, -2, NAMES.string);
        pushSlice(L, buffer, next, next + 3);
        setField(L, -2, NAMES.format);
      });
      return next + length + 2;
    }
    case 0x7c: {
      // | attribute: skipped, then the reply it annotates
      const count = readNumber(buffer, at + 1, end) * 2;
      let position = next;
      for (let i = 0; i < count; i++) position = skipReply(buffer, position);
      return pushReply(L, buffer, position);
    }
    default:
      // A push (>) cannot come from a command a script runs.
      lua.lua_pushnil(L);
      return skipReply(buffer, at);
  }
}


/** A status or big number text with CR and LF turned into spaces, as Redis does. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, " ");
}

/** What the script's returned error table holds. */
export interface ErrorInfo {
  message: string;
  /** The error came from a command whose error reply was already counted (INFO errorstats). */
  counted: boolean;
}

/** The error text and flags of the error table at the top (Redis's luaExtractErrorInformation). */
export function errorInfo(L: LuaState): ErrorInfo {
  if (lua.lua_type(L, -1) === lua.LUA_TSTRING || lua.lua_type(L, -1) === lua.LUA_TNUMBER) return { message: `ERR ${stringAt(L, -1)}`, counted: false };
  getField(L, NAMES.err);
  const message = lua.lua_isstring(L, -1) ? stringAt(L, -1)! : "ERR unknown error";
  lua.lua_pop(L, 1);
  getField(L, NAMES.ignoreErrorStatsUpdate);
  const counted = lua.lua_type(L, -1) === lua.LUA_TBOOLEAN && lua.lua_toboolean(L, -1);
  lua.lua_pop(L, 1);
  return { message, counted };
}

/**
 * Writes the Lua value at the top of the stack as a reply and pops it. `resp` is the protocol the
 * script chose with redis.setresp (booleans depend on it); the writer's is the caller's. Returns
 * the error table's info when the value is an error reply (written too), so the caller can count it.
 */
export function writeLuaValue(L: LuaState, reply: ReplyWriter, resp: 2 | 3): ErrorInfo | undefined {
  let error: ErrorInfo | undefined;
  const type = lua.lua_type(L, -1);
  switch (type) {
    case lua.LUA_TSTRING:
      reply.bulk(stringAt(L, -1)!);
      break;
    case lua.LUA_TBOOLEAN:
      if (resp === 2) {
        if (lua.lua_toboolean(L, -1)) reply.integer(1);
        else reply.null();
      } else reply.boolean(lua.lua_toboolean(L, -1));
      break;
    case lua.LUA_TNUMBER: {
      const value = lua.lua_tonumber(L, -1);
      reply.integer(Number.isSafeInteger(Math.trunc(value)) ? Math.trunc(value) || 0 : toLong(value));
      break;
    }
    case lua.LUA_TTABLE:
      lauxlib.luaL_checkstack(L, 4, "reached lua stack limit");
      error = writeTable(L, reply, resp);
      break;
    default:
      reply.null();
  }
  lua.lua_pop(L, 1);
  return error;
}

/** A table: error, status, double, big number, verbatim, map, set, or else an array. */
function writeTable(L: LuaState, reply: ReplyWriter, resp: 2 | 3): ErrorInfo | undefined {
  let type = getField(L, NAMES.err);
  lua.lua_pop(L, 1);
  if (type === lua.LUA_TSTRING) {
    const info = errorInfo(L);
    reply.error(info.message);
    return info;
  }
  type = getField(L, NAMES.ok);
  if (type === lua.LUA_TSTRING) {
    reply.simple(oneLine(stringAt(L, -1)!));
    lua.lua_pop(L, 1);
    return undefined;
  }
  lua.lua_pop(L, 1);
  type = getField(L, NAMES.double);
  if (type === lua.LUA_TNUMBER) {
    reply.double(lua.lua_tonumber(L, -1));
    lua.lua_pop(L, 1);
    return undefined;
  }
  lua.lua_pop(L, 1);
  type = getField(L, NAMES.bigNumber);
  if (type === lua.LUA_TSTRING) {
    reply.bigNumber(oneLine(stringAt(L, -1)!));
    lua.lua_pop(L, 1);
    return undefined;
  }
  lua.lua_pop(L, 1);
  type = getField(L, NAMES.verbatimString);
  if (type === lua.LUA_TTABLE) {
    const format = getField(L, NAMES.format) === lua.LUA_TSTRING ? stringAt(L, -1)! : undefined;
    lua.lua_pop(L, 1);
    const text = getField(L, NAMES.string) === lua.LUA_TSTRING ? stringAt(L, -1)! : undefined;
    lua.lua_pop(L, 2);
    if (format !== undefined && text !== undefined) {
      reply.verbatim(text, format.slice(0, 3).padEnd(3, "\0"));
      return undefined;
    }
  } else lua.lua_pop(L, 1);
  type = getField(L, NAMES.map);
  if (type === lua.LUA_TTABLE) {
    reply.map(countPairs(L));
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2)) {
      // map, key, value: write a copy of the key, then the value; the key stays for lua_next.
      lua.lua_pushvalue(L, -2);
      writeLuaValue(L, reply, resp);
      writeLuaValue(L, reply, resp);
    }
    lua.lua_pop(L, 1);
    return undefined;
  }
  lua.lua_pop(L, 1);
  type = getField(L, NAMES.set);
  if (type === lua.LUA_TTABLE) {
    reply.set(countPairs(L));
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2)) {
      lua.lua_pop(L, 1);
      lua.lua_pushvalue(L, -1);
      writeLuaValue(L, reply, resp);
    }
    lua.lua_pop(L, 1);
    return undefined;
  }
  lua.lua_pop(L, 1);
  let length = 0;
  while (lua.lua_rawgeti(L, -1, length + 1) !== lua.LUA_TNIL) {
    lua.lua_pop(L, 1);
    length++;
  }
  lua.lua_pop(L, 1);
  reply.array(length);
  for (let i = 1; i <= length; i++) {
    lua.lua_rawgeti(L, -1, i);
    writeLuaValue(L, reply, resp);
  }
  return undefined;
}

/** The number of pairs in the table at the top. */
function countPairs(L: LuaState): number {
  let count = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    count++;
  }
  return count;
}
