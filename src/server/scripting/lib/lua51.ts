/**
 * @module
 * The standard library as Redis's Lua 5.1 offers it to scripts, built from fengari's 5.3 one:
 * exactly Redis's names in `_G`, `string`, `table`, `math` and `coroutine` (5.3's additions
 * removed, 5.1's `unpack`, `loadstring`, `gcinfo`, `table.getn`, `math.mod`... added), and the
 * functions whose 5.1 behaviour scripts see rewritten: `error` (a number message gets the
 * position too), `load` (a reader function only), `tonumber` with a base (strtoul),
 * `string.format` (numbers are doubles: `%d` of 3.7 is 3), `math.floor`/`ceil` (doubles), and
 * `math.random` (Redis's rand48 generator). `pcall` is Redis's: an error table raised by
 * redis.call comes back as its message.
 */
import { formatFloat, formatInteger, formatString, toLong, type FormatSpec } from "../printf.ts";
import { lauxlib, lua, lualib, fromBytes, pushString, raise, tableAt, toBytes, type LuaState } from "../vm.ts";
import { LRAND48_MAX, type Rand48 } from "./rand48.ts";

type LuaFunction = (L: LuaState) => number;

/** Sets `functions` as fields of the table on top of the stack. */
export function setFunctions(L: LuaState, functions: Record<string, LuaFunction>): void {
  for (const [name, fn] of Object.entries(functions)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}

/** Keeps only `names` in the table on top of the stack. */
function keepOnly(L: LuaState, names: readonly string[]): void {
  const keep = new Set(names);
  const drop: string[] = [];
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    lua.lua_pop(L, 1);
    const name = fromBytes(lua.lua_tolstring(L, -1) ?? new Uint8Array(0));
    if (lua.lua_type(L, -1) === lua.LUA_TSTRING && !keep.has(name)) drop.push(name);
  }
  for (const name of drop) {
    lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, name);
  }
}

/** Opens a 5.3 library into the global `name` (as luaL_requiref does) and leaves it on the stack. */
function open(L: LuaState, name: string, opener: LuaFunction): void {
  lauxlib.luaL_requiref(L, name, opener, 1);
}

const G_NAMES = ["assert", "collectgarbage", "error", "gcinfo", "getmetatable", "ipairs", "load", "loadstring", "next", "pairs", "pcall", "rawequal", "rawget", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "unpack", "xpcall", "_G", "_VERSION", "string", "table", "math", "coroutine"];
const STRING_NAMES = ["byte", "char", "dump", "find", "format", "gfind", "gmatch", "gsub", "len", "lower", "match", "rep", "reverse", "sub", "upper"];
const TABLE_NAMES = ["concat", "foreach", "foreachi", "getn", "insert", "maxn", "remove", "setn", "sort"];
const MATH_NAMES = ["abs", "acos", "asin", "atan", "atan2", "ceil", "cos", "cosh", "deg", "exp", "floor", "fmod", "frexp", "huge", "ldexp", "log", "log10", "max", "min", "mod", "modf", "pi", "pow", "rad", "random", "randomseed", "sin", "sinh", "sqrt", "tan", "tanh"];
const COROUTINE_NAMES = ["create", "resume", "running", "status", "wrap", "yield"];

/** What `gcinfo` and `collectgarbage("count")` report: fengari does not measure its memory. */
const REPORTED_KILOBYTES = 32;

/**
 * Opens base, string, table, math and coroutine into the globals of `L`, shaped as Redis's Lua 5.1
 * (see the module comment). `random` is the generator math.random draws from.
 */
export function openLua51(L: LuaState, random: Rand48): void {
  open(L, "_G", lualib.luaopen_base);
  setFunctions(L, {
    assert: assert51,
    error: luaError,
    pcall: redisPcall,
    load: load51,
    loadstring,
    tonumber: tonumber51,
    gcinfo: (state) => (lua.lua_pushnumber(state, REPORTED_KILOBYTES), 1),
    collectgarbage,
    setmetatable: setmetatable51,
  });
  pushString(L, "Lua 5.1");
  lua.lua_setfield(L, -2, "_VERSION");
  lua.lua_pop(L, 1);

  lua.lua_pushcfunction(L, unpack51);
  lua.lua_setglobal(L, "unpack");
  lua.lua_pushcfunction(L, ipairs51);
  lua.lua_setglobal(L, "ipairs");
  open(L, "table", lualib.luaopen_table);
  setFunctions(L, {
    getn: (state) => (lauxlib.luaL_checktype(state, 1, lua.LUA_TTABLE), lua.lua_pushnumber(state, lua.lua_rawlen(state, 1)), 1),
    setn: (state) => raise(state, "'setn' is obsolete"),
    maxn: tableMaxn,
    foreach: tableForeach,
    foreachi: tableForeachi,
  });
  keepOnly(L, TABLE_NAMES);
  lua.lua_pop(L, 1);

  open(L, "string", lualib.luaopen_string);
  lua.lua_getfield(L, -1, "gmatch");
  lua.lua_setfield(L, -2, "gfind");
  setFunctions(L, { format: stringFormat });
  keepOnly(L, STRING_NAMES);
  lua.lua_pop(L, 1);

  open(L, "math", lualib.luaopen_math);
  lua.lua_getfield(L, -1, "fmod");
  lua.lua_setfield(L, -2, "mod");
  const unary = (fn: (x: number) => number): LuaFunction => (state) => (lua.lua_pushnumber(state, fn(lauxlib.luaL_checknumber(state, 1))), 1);
  const binary = (fn: (x: number, y: number) => number): LuaFunction => (state) => (lua.lua_pushnumber(state, fn(lauxlib.luaL_checknumber(state, 1), lauxlib.luaL_checknumber(state, 2))), 1);
  setFunctions(L, {
    floor: unary(Math.floor),
    ceil: unary(Math.ceil),
    pow: binary(Math.pow),
    atan2: binary(Math.atan2),
    cosh: unary(Math.cosh),
    sinh: unary(Math.sinh),
    tanh: unary(Math.tanh),
    log10: unary(Math.log10),
    log: unary(Math.log),
    ldexp: (state) => (lua.lua_pushnumber(state, lauxlib.luaL_checknumber(state, 1) * 2 ** Math.trunc(lauxlib.luaL_checknumber(state, 2))), 1),
    frexp: mathFrexp,
    random: (state) => mathRandom(state, random),
    randomseed: (state) => (random.seed(Math.trunc(lauxlib.luaL_checknumber(state, 1))), 0),
  });
  keepOnly(L, MATH_NAMES);
  lua.lua_pop(L, 1);

  open(L, "coroutine", lualib.luaopen_coroutine);
  keepOnly(L, COROUTINE_NAMES);
  lua.lua_pop(L, 1);

  lua.lua_pushglobaltable(L);
  keepOnly(L, G_NAMES);
  lua.lua_pop(L, 1);
}

/** error(message [, level]): Lua 5.1 adds the position to a number message too. */
function luaError(L: LuaState): number {
  const level = lauxlib.luaL_optinteger(L, 2, 1);
  lua.lua_settop(L, 1);
  if (lua.lua_isstring(L, 1) && level > 0) {
    lauxlib.luaL_where(L, level);
    lua.lua_pushvalue(L, 1);
    lua.lua_concat(L, 2);
  }
  return lua.lua_error(L);
}

/** assert(v [, message]): Lua 5.1 raises the message with the position, whatever its type. */
function assert51(L: LuaState): number {
  if (lua.lua_toboolean(L, 1)) return lua.lua_gettop(L);
  lauxlib.luaL_checkany(L, 1);
  const message = lua.lua_isnoneornil(L, 2) ? "assertion failed!" : fromBytes(lauxlib.luaL_checklstring(L, 2));
  return raise(L, message);
}

/**
 * Redis's pcall: as Lua's, but an error that is a table with an `err` string (what redis.call
 * raises) is returned as that string, as scripts written for Redis 6 expect.
 */
function redisPcall(L: LuaState): number {
  const count = lua.lua_gettop(L);
  if (count === 0) {
    // Redis calls the `true` it pushed as a placeholder: a failed call.
    lua.lua_pushboolean(L, false);
    pushString(L, "attempt to call a boolean value");
    return 2;
  }
  lua.lua_pushboolean(L, true);
  lua.lua_insert(L, 1);
  if (lua.lua_pcall(L, count - 1, lua.LUA_MULTRET, 0) !== lua.LUA_OK) {
    lua.lua_remove(L, 1);
    if (lua.lua_istable(L, -1)) {
      lua.lua_getfield(L, -1, "err");
      if (lua.lua_isstring(L, -1)) lua.lua_replace(L, -2);
      else lua.lua_pop(L, 1);
    }
    lua.lua_pushboolean(L, false);
    lua.lua_insert(L, 1);
  }
  return lua.lua_gettop(L);
}

/** The result of a load: the function, or nil and the message. */
function loadResult(L: LuaState, status: number): number {
  if (status === lua.LUA_OK) return 1;
  lua.lua_pushnil(L);
  lua.lua_insert(L, -2);
  return 2;
}

/** unpack(list [, i [, j]]): Lua 5.1's, which wants a table and reads it raw. */
function unpack51(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  const first = lauxlib.luaL_optinteger(L, 2, 1);
  const last = lua.lua_isnoneornil(L, 3) ? lua.lua_rawlen(L, 1) : lauxlib.luaL_checkinteger(L, 3);
  if (first > last) return 0;
  const count = last - first + 1;
  if (count <= 0 || count >= 8000 || !lua.lua_checkstack(L, count)) return raise(L, "too many results to unpack");
  for (let i = first; i <= last; i++) lua.lua_rawgeti(L, 1, i);
  return count;
}

/** The iterator ipairs returns: t[i + 1] until the first nil, read raw. */
function ipairsStep(L: LuaState): number {
  const i = lauxlib.luaL_checkinteger(L, 2) + 1;
  lua.lua_pushnumber(L, i);
  lua.lua_rawgeti(L, 1, i);
  return lua.lua_isnil(L, -1) ? 0 : 2;
}

/** ipairs(t): Lua 5.1's, which wants a table. */
function ipairs51(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lua.lua_pushcfunction(L, ipairsStep);
  lua.lua_pushvalue(L, 1);
  lua.lua_pushnumber(L, 0);
  return 3;
}

/** loadstring(string [, chunkname]): text only (no precompiled chunks). */
function loadstring(L: LuaState): number {
  const code = lauxlib.luaL_checklstring(L, 1);
  const name = lauxlib.luaL_optlstring(L, 2, code);
  return loadResult(L, lauxlib.luaL_loadbufferx(L, code, code.length, name, "t"));
}

/** load(func [, chunkname]): Lua 5.1's, which reads the chunk from a function. */
function load51(L: LuaState): number {
  const name = lauxlib.luaL_optlstring(L, 2, toBytes("=(load)"));
  lauxlib.luaL_checktype(L, 1, lua.LUA_TFUNCTION);
  const pieces: Uint8Array[] = [];
  for (;;) {
    lua.lua_pushvalue(L, 1);
    lua.lua_call(L, 0, 1);
    if (lua.lua_isnil(L, -1)) {
      lua.lua_pop(L, 1);
      break;
    }
    if (!lua.lua_isstring(L, -1)) {
      lua.lua_pop(L, 1);
      lua.lua_pushnil(L);
      pushString(L, "reader function must return a string");
      return 2;
    }
    const piece = lua.lua_tolstring(L, -1)!;
    lua.lua_pop(L, 1);
    if (piece.length === 0) break;
    pieces.push(piece);
  }
  const code = Buffer.concat(pieces);
  return loadResult(L, lauxlib.luaL_loadbufferx(L, code, code.length, name, "t"));
}

/** tonumber(e [, base]): base 10 as Lua; another base with C's strtoul, as Lua 5.1. */
function tonumber51(L: LuaState): number {
  const base = lauxlib.luaL_optinteger(L, 2, 10);
  if (base === 10) {
    lauxlib.luaL_checkany(L, 1);
    if (lua.lua_isnumber(L, 1)) {
      lua.lua_pushnumber(L, lua.lua_tonumber(L, 1));
      return 1;
    }
  } else {
    const text = fromBytes(lauxlib.luaL_checklstring(L, 1)).split("\0", 1)[0]!;
    if (base < 2 || base > 36) lauxlib.luaL_argerror(L, 2, "base out of range");
    const value = strtoul(text, base);
    if (value !== undefined) {
      lua.lua_pushnumber(L, Number(value));
      return 1;
    }
  }
  lua.lua_pushnil(L);
  return 1;
}

const SPACE = /^[\t\n\v\f\r ]*$/;

/** C's strtoul over the whole text (trailing spaces allowed), or undefined when it is not all a number. */
function strtoul(text: string, base: number): bigint | undefined {
  let at = 0;
  while (at < text.length && SPACE.test(text[at]!)) at++;
  const negative = text[at] === "-";
  if (negative || text[at] === "+") at++;
  if (base === 16 && text[at] === "0" && (text[at + 1] === "x" || text[at + 1] === "X") && /[0-9a-fA-F]/.test(text[at + 2] ?? "")) at += 2;
  let value = 0n;
  let digits = 0;
  for (; at < text.length; at++, digits++) {
    const digit = parseInt(text[at]!, 36);
    if (Number.isNaN(digit) || digit >= base) break;
    value = value * BigInt(base) + BigInt(digit);
  }
  if (digits === 0 || !SPACE.test(text.slice(at))) return undefined;
  if (value > 0xffffffffffffffffn) return 0xffffffffffffffffn;
  return negative ? BigInt.asUintN(64, -value) : value;
}

const GC_OPTIONS = ["stop", "restart", "collect", "count", "step", "setpause", "setstepmul"];

/** collectgarbage([opt [, arg]]): fengari leaves collection to JavaScript; the answers are 5.1's shapes. */
function collectgarbage(L: LuaState): number {
  const option = lua.lua_isnoneornil(L, 1) ? "collect" : fromBytes(lauxlib.luaL_checklstring(L, 1));
  if (!GC_OPTIONS.includes(option)) lauxlib.luaL_argerror(L, 1, `invalid option '${option}'`);
  lauxlib.luaL_optinteger(L, 2, 0);
  if (option === "count") lua.lua_pushnumber(L, REPORTED_KILOBYTES);
  else if (option === "step") lua.lua_pushboolean(L, false);
  else lua.lua_pushnumber(L, 0);
  return 1;
}

/** setmetatable as Lua's, refusing a read-only table as Redis does. */
function setmetatable51(L: LuaState): number {
  const type = lua.lua_type(L, 2);
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  if (type !== lua.LUA_TNIL && type !== lua.LUA_TTABLE) lauxlib.luaL_argerror(L, 2, "nil or table expected");
  if (lauxlib.luaL_getmetafield(L, 1, "__metatable") !== lua.LUA_TNIL) raise(L, "cannot change a protected metatable");
  if (tableAt(L, 1).readonly !== undefined) {
    // Raised by the C API in Redis, so without a position.
    pushString(L, "Attempt to modify a readonly table");
    return lua.lua_error(L);
  }
  lua.lua_settop(L, 2);
  lua.lua_setmetatable(L, 1);
  return 1;
}

function tableMaxn(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  let max = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pop(L, 1);
    if (lua.lua_type(L, -1) === lua.LUA_TNUMBER) max = Math.max(max, lua.lua_tonumber(L, -1));
  }
  lua.lua_pushnumber(L, max);
  return 1;
}

/** table.foreach(t, f): calls f(k, v) for each pair; a non-nil result stops and is returned. */
function tableForeach(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
  lua.lua_pushnil(L);
  while (lua.lua_next(L, 1)) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushvalue(L, -3);
    lua.lua_pushvalue(L, -3);
    lua.lua_call(L, 2, 1);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 2);
  }
  return 0;
}

/** table.foreachi(t, f): calls f(i, t[i]) for i = 1..#t; a non-nil result stops and is returned. */
function tableForeachi(L: LuaState): number {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  lauxlib.luaL_checktype(L, 2, lua.LUA_TFUNCTION);
  const length = lua.lua_rawlen(L, 1);
  for (let i = 1; i <= length; i++) {
    lua.lua_pushvalue(L, 2);
    lua.lua_pushnumber(L, i);
    lua.lua_rawgeti(L, 1, i);
    lua.lua_call(L, 2, 1);
    if (!lua.lua_isnil(L, -1)) return 1;
    lua.lua_pop(L, 1);
  }
  return 0;
}

function mathFrexp(L: LuaState): number {
  const value = lauxlib.luaL_checknumber(L, 1);
  if (value === 0 || !Number.isFinite(value)) {
    lua.lua_pushnumber(L, value);
    lua.lua_pushnumber(L, 0);
    return 2;
  }
  let exponent = Math.max(-1073, Math.floor(Math.log2(Math.abs(value))) + 1);
  let mantissa = value * 2 ** -exponent;
  // log2 can be off by one near powers of two: bring the mantissa into [0.5, 1).
  while (Math.abs(mantissa) < 0.5) (mantissa *= 2), exponent--;
  while (Math.abs(mantissa) >= 1) (mantissa /= 2), exponent++;
  lua.lua_pushnumber(L, mantissa);
  lua.lua_pushnumber(L, exponent);
  return 2;
}

/** Redis's math.random: rand48, scaled as Lua 5.1's math.random scales rand(). */
function mathRandom(L: LuaState, random: Rand48): number {
  const r = (random.next() % LRAND48_MAX) / LRAND48_MAX;
  switch (lua.lua_gettop(L)) {
    case 0:
      lua.lua_pushnumber(L, r);
      return 1;
    case 1: {
      const upper = Math.trunc(lauxlib.luaL_checknumber(L, 1));
      if (!(1 <= upper)) lauxlib.luaL_argerror(L, 1, "interval is empty");
      lua.lua_pushnumber(L, Math.floor(r * upper) + 1);
      return 1;
    }
    case 2: {
      const lower = Math.trunc(lauxlib.luaL_checknumber(L, 1));
      const upper = Math.trunc(lauxlib.luaL_checknumber(L, 2));
      if (!(lower <= upper)) lauxlib.luaL_argerror(L, 2, "interval is empty");
      lua.lua_pushnumber(L, Math.floor(r * (upper - lower + 1)) + lower);
      return 1;
    }
    default:
      return raise(L, "wrong number of arguments");
  }
}

/** string.format(fmt, ...) as Lua 5.1: C's printf per item, numbers given as doubles. */
function stringFormat(L: LuaState): number {
  const format = fromBytes(lauxlib.luaL_checklstring(L, 1));
  let out = "";
  let arg = 1;
  let at = 0;
  while (at < format.length) {
    const char = format[at++]!;
    if (char !== "%") {
      out += char;
      continue;
    }
    if (format[at] === "%") {
      out += "%";
      at++;
      continue;
    }
    if (++arg > lua.lua_gettop(L)) lauxlib.luaL_argerror(L, arg, "no value");
    const start = at;
    while (at < format.length && "-+ #0".includes(format[at]!)) at++;
    if (at - start >= 6) raise(L, "invalid format (repeated flags)");
    const flags = format.slice(start, at);
    const digits = (limit: number) => {
      let text = "";
      while (text.length < limit && format[at] !== undefined && format[at]! >= "0" && format[at]! <= "9") text += format[at++];
      return text;
    };
    const width = digits(2);
    let precision = -1;
    if (format[at] === ".") {
      at++;
      precision = Number(digits(2) || "0");
    }
    if (format[at] !== undefined && format[at]! >= "0" && format[at]! <= "9") raise(L, "invalid format (width or precision too long)");
    const conversion = format[at++] ?? "\0";
    const spec: FormatSpec = {
      left: flags.includes("-"),
      plus: flags.includes("+"),
      space: flags.includes(" "),
      alternate: flags.includes("#"),
      zero: flags.includes("0"),
      width: Number(width || "0"),
      precision,
    };
    let item: string;
    switch (conversion) {
      case "c":
        item = formatInteger(BigInt(Math.trunc(lauxlib.luaL_checknumber(L, arg)) | 0), "c", spec);
        break;
      case "d":
      case "i":
      case "o":
      case "u":
      case "x":
      case "X":
        item = formatInteger(toLong(lauxlib.luaL_checknumber(L, arg)), conversion, spec);
        break;
      case "e":
      case "E":
      case "f":
      case "g":
      case "G":
        item = formatFloat(lauxlib.luaL_checknumber(L, arg), conversion, spec);
        break;
      case "q":
        out += quoted(fromBytes(lauxlib.luaL_checklstring(L, arg)));
        continue;
      case "s": {
        const text = fromBytes(lauxlib.luaL_checklstring(L, arg));
        if (precision < 0 && text.length >= 100) {
          out += text;
          continue;
        }
        item = formatString(text.split("\0", 1)[0]!, spec);
        break;
      }
      default:
        return raise(L, `invalid option '%${conversion}' to 'format'`);
    }
    // sprintf's buffer is a C string: a NUL (from %c of 0) ends it.
    const nul = item.indexOf("\0");
    out += nul < 0 ? item : item.slice(0, nul);
  }
  pushString(L, out);
  return 1;
}

/** %q: a string in double quotes that Lua reads back as the same bytes. */
function quoted(text: string): string {
  let out = '"';
  for (const char of text) {
    if (char === '"' || char === "\\" || char === "\n") out += `\\${char}`;
    else if (char === "\r") out += "\\r";
    else if (char === "\0") out += "\\000";
    else out += char;
  }
  return `${out}"`;
}
