/**
 * @module
 * The `bit` library (LuaBitOp 1.0, as Redis bundles it): 32-bit operations on Lua numbers.
 * An argument becomes a 32-bit integer the way LuaBitOp does it, by adding 2^52+2^51 to the
 * double and keeping the low 32 bits of its mantissa (so 1.5 -> 2, 2^32+1 -> 1); results are
 * signed 32-bit numbers.
 */
import { lauxlib, lua, pushString, type LuaState } from "../vm.ts";

type Binary = (a: number, b: number) => number;

/** Opens `bit` as a table on the stack. */
export function openBit(L: LuaState): void {
  const scratch = new DataView(new ArrayBuffer(8));
  const toBit = (value: number): number => {
    scratch.setFloat64(0, value + 6755399441055744.0, true);
    return scratch.getInt32(0, true);
  };
  const fold = (op: Binary) => (state: LuaState) => {
    let result = toBit(lauxlib.luaL_checknumber(state, 1));
    const count = lua.lua_gettop(state);
    for (let i = 2; i <= count; i++) result = op(result, toBit(lauxlib.luaL_checknumber(state, i)));
    lua.lua_pushnumber(state, result | 0);
    return 1;
  };
  const shift = (op: Binary) => (state: LuaState) => {
    const value = toBit(lauxlib.luaL_checknumber(state, 1));
    const count = toBit(lauxlib.luaL_checknumber(state, 2)) & 31;
    lua.lua_pushnumber(state, op(value, count) | 0);
    return 1;
  };
  const functions: Record<string, (state: LuaState) => number> = {
    tobit: (state) => (lua.lua_pushnumber(state, toBit(lauxlib.luaL_checknumber(state, 1))), 1),
    bnot: (state) => (lua.lua_pushnumber(state, ~toBit(lauxlib.luaL_checknumber(state, 1))), 1),
    band: fold((a, b) => a & b),
    bor: fold((a, b) => a | b),
    bxor: fold((a, b) => a ^ b),
    lshift: shift((a, n) => a << n),
    rshift: shift((a, n) => a >>> n),
    arshift: shift((a, n) => a >> n),
    rol: shift((a, n) => (a << n) | (a >>> (32 - n))),
    ror: shift((a, n) => (a >>> n) | (a << (32 - n))),
    bswap: (state) => {
      const b = toBit(lauxlib.luaL_checknumber(state, 1));
      lua.lua_pushnumber(state, ((b >>> 24) | ((b >>> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24)) | 0);
      return 1;
    },
    tohex: (state) => {
      const value = toBit(lauxlib.luaL_checknumber(state, 1));
      let digits = lua.lua_isnoneornil(state, 2) ? 8 : toBit(lauxlib.luaL_checknumber(state, 2));
      const upper = digits < 0;
      if (upper) digits = -digits;
      if (digits > 8) digits = 8;
      let text = (value >>> 0).toString(16).padStart(8, "0").slice(8 - digits);
      if (upper) text = text.toUpperCase();
      pushString(state, text);
      return 1;
    },
  };
  lua.lua_createtable(L, 0, Object.keys(functions).length);
  for (const [name, fn] of Object.entries(functions)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}
