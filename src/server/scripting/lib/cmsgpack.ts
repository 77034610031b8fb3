/**
 * @module
 * The `cmsgpack` library (lua-cmsgpack 0.4.0, as Redis bundles it): MessagePack encoding of Lua
 * values. A number with an integral value becomes the smallest MessagePack integer, another a
 * float32 when that is exact, else a float64; a table whose keys are exactly 1..n an array, any
 * other a map; nesting deeper than 16 tables becomes nil. Strings use the str8/16/32 types.
 */
import { lauxlib, lua, fromBytes, pushString, raise, stringAt, type LuaState } from "../vm.ts";

const MAX_NESTING = 16;

/** Appends bytes to a byte string being built. */
class Output {
  text = "";
  byte(value: number): void {
    this.text += String.fromCharCode(value & 0xff);
  }
  big(value: bigint, bytes: number): void {
    for (let i = bytes - 1; i >= 0; i--) this.byte(Number((value >> BigInt(8 * i)) & 0xffn));
  }
  uint(value: number, bytes: number): void {
    for (let i = bytes - 1; i >= 0; i--) this.byte(Math.floor(value / 2 ** (8 * i)) % 256);
  }
}

function encodeInteger(out: Output, value: bigint): void {
  if (value >= 0n) {
    if (value <= 127n) out.byte(Number(value));
    else if (value <= 0xffn) (out.byte(0xcc), out.byte(Number(value)));
    else if (value <= 0xffffn) (out.byte(0xcd), out.big(value, 2));
    else if (value <= 0xffffffffn) (out.byte(0xce), out.big(value, 4));
    else (out.byte(0xcf), out.big(value, 8));
  } else {
    const unsigned = BigInt.asUintN(64, value);
    if (value >= -32n) out.byte(Number(value) & 0xff);
    else if (value >= -128n) (out.byte(0xd0), out.big(unsigned, 1));
    else if (value >= -32768n) (out.byte(0xd1), out.big(unsigned, 2));
    else if (value >= -2147483648n) (out.byte(0xd2), out.big(unsigned, 4));
    else (out.byte(0xd3), out.big(unsigned, 8));
  }
}

function encodeNumber(out: Output, value: number): void {
  if (Number.isFinite(value) && Number.isInteger(value) && value >= -9223372036854775808 && value < 9223372036854775808) {
    encodeInteger(out, BigInt(value));
    return;
  }
  const view = new DataView(new ArrayBuffer(8));
  if (Math.fround(value) === value) {
    view.setFloat32(0, value);
    out.byte(0xca);
    for (let i = 0; i < 4; i++) out.byte(view.getUint8(i));
  } else {
    view.setFloat64(0, value);
    out.byte(0xcb);
    for (let i = 0; i < 8; i++) out.byte(view.getUint8(i));
  }
}

function encodeBytes(out: Output, text: string): void {
  const length = text.length;
  if (length < 32) out.byte(0xa0 | length);
  else if (length <= 0xff) (out.byte(0xd9), out.byte(length));
  else if (length <= 0xffff) (out.byte(0xda), out.uint(length, 2));
  else (out.byte(0xdb), out.uint(length, 4));
  out.text += text;
}

/** Whether the table on top has exactly the keys 1..n (an empty table does). */
function isArray(L: LuaState): boolean {
  let count = 0;
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) !== lua.LUA_TNUMBER) {
      lua.lua_pop(L, 1);
      return false;
    }
    const key = lua.lua_tonumber(L, -1);
    if (!(key > 0 && Number.isInteger(key))) {
      lua.lua_pop(L, 1);
      return false;
    }
    max = Math.max(max, key);
    count++;
  }
  return max === count;
}

/** Encodes the value on top of the stack, popping it. */
function encodeValue(L: LuaState, out: Output, level: number): void {
  const type = lua.lua_type(L, -1);
  if (type === lua.LUA_TNUMBER) encodeNumber(out, lua.lua_tonumber(L, -1));
  else if (type === lua.LUA_TSTRING) encodeBytes(out, stringAt(L, -1)!);
  else if (type === lua.LUA_TBOOLEAN) out.byte(lua.lua_toboolean(L, -1) ? 0xc3 : 0xc2);
  else if (type === lua.LUA_TTABLE && level < MAX_NESTING) {
    lauxlib.luaL_checkstack(L, 3, null);
    if (isArray(L)) {
      const length = lua.lua_rawlen(L, -1);
      if (length <= 15) out.byte(0x90 | length);
      else if (length <= 0xffff) (out.byte(0xdc), out.uint(length, 2));
      else (out.byte(0xdd), out.uint(length, 4));
      for (let i = 1; i <= length; i++) {
        lua.lua_rawgeti(L, -1, i);
        encodeValue(L, out, level + 1);
      }
    } else {
      let count = 0;
      lua.lua_pushnil(L);
      while (lua.lua_next(L, -2)) {
        lua.lua_pop(L, 1);
        count++;
      }
      if (count <= 15) out.byte(0x80 | count);
      else if (count <= 0xffff) (out.byte(0xde), out.uint(count, 2));
      else (out.byte(0xdf), out.uint(count, 4));
      lua.lua_pushnil(L);
      while (lua.lua_next(L, -2)) {
        lua.lua_pushvalue(L, -2);
        encodeValue(L, out, level + 1);
        encodeValue(L, out, level + 1);
      }
    }
  } else out.byte(0xc0);
  lua.lua_pop(L, 1);
}

function pack(L: LuaState): number {
  const count = lua.lua_gettop(L);
  if (count === 0) lauxlib.luaL_argerror(L, 0, "MessagePack pack needs input.");
  const out = new Output();
  for (let i = 1; i <= count; i++) {
    lua.lua_pushvalue(L, i);
    encodeValue(L, out, 0);
  }
  pushString(L, out.text);
  return 1;
}

/** A decoding position in a byte string (a DecodeError ends the walk; unpackFull turns it into a Lua error). */
interface Input {
  data: string;
  at: number;
}

class DecodeError extends Error {}

function need(input: Input, bytes: number): void {
  if (input.at + bytes > input.data.length) throw new DecodeError("Missing bytes in input.");
}

function readUint(input: Input, bytes: number): number {
  need(input, bytes);
  let value = 0;
  for (let i = 0; i < bytes; i++) value = value * 256 + input.data.charCodeAt(input.at++);
  return value;
}

function readBig(input: Input, bytes: number): bigint {
  need(input, bytes);
  let value = 0n;
  for (let i = 0; i < bytes; i++) value = (value << 8n) | BigInt(input.data.charCodeAt(input.at++));
  return value;
}

function readFloat(input: Input, bytes: 4 | 8): number {
  need(input, bytes);
  const view = new DataView(new ArrayBuffer(bytes));
  for (let i = 0; i < bytes; i++) view.setUint8(i, input.data.charCodeAt(input.at++));
  return bytes === 4 ? view.getFloat32(0) : view.getFloat64(0);
}

function pushBytes(L: LuaState, input: Input, length: number): void {
  need(input, length);
  pushString(L, input.data.slice(input.at, input.at + length));
  input.at += length;
}

function decodeArray(L: LuaState, input: Input, length: number): void {
  lauxlib.luaL_checkstack(L, 2, null);
  lua.lua_createtable(L, length, 0);
  for (let i = 1; i <= length; i++) {
    lua.lua_pushnumber(L, i);
    decodeValue(L, input);
    lua.lua_settable(L, -3);
  }
}

function decodeMap(L: LuaState, input: Input, length: number): void {
  lauxlib.luaL_checkstack(L, 3, null);
  lua.lua_createtable(L, 0, length);
  for (let i = 0; i < length; i++) {
    decodeValue(L, input);
    decodeValue(L, input);
    lua.lua_settable(L, -3);
  }
}

/** Decodes one value at the input's position and pushes it. */
function decodeValue(L: LuaState, input: Input): void {
  need(input, 1);
  const type = input.data.charCodeAt(input.at++);
  if (type <= 0x7f) return lua.lua_pushnumber(L, type);
  if (type >= 0xe0) return lua.lua_pushnumber(L, type - 256);
  if ((type & 0xf0) === 0x80) return decodeMap(L, input, type & 0x0f);
  if ((type & 0xf0) === 0x90) return decodeArray(L, input, type & 0x0f);
  if ((type & 0xe0) === 0xa0) return pushBytes(L, input, type & 0x1f);
  switch (type) {
    case 0xc0:
      return lua.lua_pushnil(L);
    case 0xc2:
      return lua.lua_pushboolean(L, false);
    case 0xc3:
      return lua.lua_pushboolean(L, true);
    case 0xca:
      return lua.lua_pushnumber(L, readFloat(input, 4));
    case 0xcb:
      return lua.lua_pushnumber(L, readFloat(input, 8));
    case 0xcc:
      return lua.lua_pushnumber(L, readUint(input, 1));
    case 0xcd:
      return lua.lua_pushnumber(L, readUint(input, 2));
    case 0xce:
      return lua.lua_pushnumber(L, readUint(input, 4));
    case 0xcf:
      return lua.lua_pushnumber(L, Number(readBig(input, 8)));
    case 0xd0:
      return lua.lua_pushnumber(L, Number(BigInt.asIntN(8, readBig(input, 1))));
    case 0xd1:
      return lua.lua_pushnumber(L, Number(BigInt.asIntN(16, readBig(input, 2))));
    case 0xd2:
      return lua.lua_pushnumber(L, Number(BigInt.asIntN(32, readBig(input, 4))));
    case 0xd3:
      return lua.lua_pushnumber(L, Number(BigInt.asIntN(64, readBig(input, 8))));
    case 0xc4:
    case 0xd9:
      return pushBytes(L, input, readUint(input, 1));
    case 0xc5:
    case 0xda:
      return pushBytes(L, input, readUint(input, 2));
    case 0xc6:
    case 0xdb:
      return pushBytes(L, input, readUint(input, 4));
    case 0xdc:
      return decodeArray(L, input, readUint(input, 2));
    case 0xdd:
      return decodeArray(L, input, readUint(input, 4));
    case 0xde:
      return decodeMap(L, input, readUint(input, 2));
    case 0xdf:
      return decodeMap(L, input, readUint(input, 4));
    default:
      throw new DecodeError("Bad data format in input.");
  }
}

/**
 * Decodes up to `limit` values (0: all) from `offset`; pushes them and returns how many. With
 * `withOffset`, first pushes the offset after the last value (-1 at the end), as unpack_one does.
 */
function unpackFull(L: LuaState, limit: number, offset: number, withOffset: boolean): number {
  const data = fromBytes(lauxlib.luaL_checklstring(L, 1));
  if (offset < 0 || limit < 0) raise(L, `Invalid request to unpack with offset of ${offset} and limit of ${limit}.`);
  if (offset > data.length) raise(L, `Start offset ${offset} greater than input length ${data.length}.`);
  const input: Input = { data, at: offset };
  const top = lua.lua_gettop(L);
  let count = 0;
  if (withOffset) lua.lua_pushnil(L);
  try {
    while (input.at < data.length && (limit === 0 || count < limit)) {
      decodeValue(L, input);
      count++;
    }
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    lua.lua_settop(L, top);
    raise(L, error.message);
  }
  if (withOffset) {
    lua.lua_pushnumber(L, input.at >= data.length ? -1 : input.at);
    lua.lua_replace(L, top + 1);
    return count + 1;
  }
  return count;
}

/** Opens `cmsgpack` as a table on the stack. */
export function openCmsgpack(L: LuaState): void {
  lua.lua_createtable(L, 0, 8);
  const functions: Record<string, (state: LuaState) => number> = {
    pack,
    unpack: (state) => unpackFull(state, 0, 0, false),
    unpack_one: (state) => unpackFull(state, 1, lauxlib.luaL_optinteger(state, 2, 0), true),
    unpack_limit: (state) => unpackFull(state, lauxlib.luaL_checkinteger(state, 2), lauxlib.luaL_optinteger(state, 3, 0), true),
  };
  for (const [name, fn] of Object.entries(functions)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  for (const [name, value] of [["_NAME", "cmsgpack"], ["_VERSION", "lua-cmsgpack 0.4.0"], ["_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo"], ["_DESCRIPTION", "MessagePack C implementation for Lua"]]) {
    pushString(L, value!);
    lua.lua_setfield(L, -2, name!);
  }
}
