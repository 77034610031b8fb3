/**
 * @module
 * The `struct` library (Roberto Ierusalimschy's lua-struct, as Redis bundles it): struct.pack,
 * struct.unpack and struct.size over a format of C types (`>i4 h B c3 d ...`), with its
 * alignment (`!`), endianness (`<` `>`, little by default as on x86) and error texts. Integers are
 * C longs (64 bits), carried as BigInt so that 8-byte values keep every bit.
 */
import { lauxlib, lua, fromBytes, pushString, raise, type LuaState } from "../vm.ts";

const MAX_INT_SIZE = 32;
/** The largest alignment `!` gives without a number (a double's, on x86-64). */
const MAX_ALIGN = 8;

/** Byte order and alignment of a format being read. */
interface Header {
  little: boolean;
  align: number;
}

/** A cursor over the format string. */
interface Format {
  text: string;
  at: number;
}

const isDigit = (char: string | undefined) => char !== undefined && char >= "0" && char <= "9";

function getNumber(L: LuaState, format: Format, fallback: number): number {
  if (!isDigit(format.text[format.at])) return fallback;
  let value = 0;
  while (isDigit(format.text[format.at])) {
    const digit = format.text.charCodeAt(format.at++) - 48;
    if (value > Math.floor(2147483647 / 10) || value * 10 > 2147483647 - digit) raise(L, "integral size overflow");
    value = value * 10 + digit;
  }
  return value;
}

/** The size of option `option` (reading its number, if any). */
function optionSize(L: LuaState, option: string, format: Format): number {
  switch (option) {
    case "B":
    case "b":
    case "x":
      return 1;
    case "H":
    case "h":
      return 2;
    case "L":
    case "l":
    case "T":
    case "d":
      return 8;
    case "f":
      return 4;
    case "c":
      return getNumber(L, format, 1);
    case "i":
    case "I": {
      const size = getNumber(L, format, 4);
      if (size > MAX_INT_SIZE) raise(L, `integral size ${size} is larger than limit of ${MAX_INT_SIZE}`);
      return size;
    }
    default:
      return 0;
  }
}

function paddingFor(length: number, header: Header, option: string, size: number): number {
  if (size === 0 || option === "c") return 0;
  const alignment = Math.min(size, header.align);
  return (alignment - (length & (alignment - 1))) & (alignment - 1);
}

/** The options that are not data: spaces, endianness, alignment; anything else is an error. */
function controlOption(L: LuaState, option: string, format: Format, header: Header): void {
  switch (option) {
    case " ":
      return;
    case ">":
      header.little = false;
      return;
    case "<":
      header.little = true;
      return;
    case "!": {
      const alignment = getNumber(L, format, MAX_ALIGN);
      if ((alignment & (alignment - 1)) !== 0) raise(L, `alignment ${alignment} is not a power of 2`);
      header.align = alignment;
      return;
    }
    default:
      lauxlib.luaL_argerror(L, 1, `invalid format option '${option}'`);
  }
}

const INTEGER_OPTIONS = new Set(["b", "B", "h", "H", "l", "L", "T", "i", "I"]);

/** The format argument: a C string, so it ends at the first NUL. */
function formatArgument(L: LuaState): Format {
  const text = fromBytes(lauxlib.luaL_checklstring(L, 1));
  const nul = text.indexOf("\0");
  return { text: nul < 0 ? text : text.slice(0, nul), at: 0 };
}

function pack(L: LuaState): number {
  const format = formatArgument(L);
  // lua-struct pushes a nil to mark where its arguments end: a missing one reads as that nil.
  lua.lua_pushnil(L);
  const header: Header = { little: true, align: 1 };
  let arg = 2;
  let out = "";
  while (format.at < format.text.length) {
    const option = format.text[format.at++]!;
    let size = optionSize(L, option, format);
    out += "\0".repeat(paddingFor(out.length, header, option, size));
    if (INTEGER_OPTIONS.has(option)) {
      const number = lauxlib.luaL_checknumber(L, arg++);
      let value = BigInt.asUintN(64, number < 0 ? BigInt(Math.trunc(Math.max(number, -9223372036854775808))) : BigInt(Math.trunc(Math.min(number, 18446744073709551615))));
      const bytes: string[] = [];
      for (let i = 0; i < size; i++) {
        bytes.push(String.fromCharCode(Number(value & 0xffn)));
        value >>= 8n;
      }
      out += (header.little ? bytes : bytes.reverse()).join("");
    } else if (option === "x") {
      out += "\0";
    } else if (option === "f" || option === "d") {
      const view = new DataView(new ArrayBuffer(size));
      const number = lauxlib.luaL_checknumber(L, arg++);
      if (option === "f") view.setFloat32(0, number, header.little);
      else view.setFloat64(0, number, header.little);
      out += fromBytes(new Uint8Array(view.buffer));
    } else if (option === "c" || option === "s") {
      const text = fromBytes(lauxlib.luaL_checklstring(L, arg++));
      if (size === 0) size = text.length;
      if (text.length < size) lauxlib.luaL_argerror(L, arg, "string too short");
      out += text.slice(0, size);
      if (option === "s") {
        out += "\0";
        size++;
      }
      continue;
    } else {
      controlOption(L, option, format, header);
    }
  }
  pushString(L, out);
  return 1;
}

function readInteger(data: string, at: number, size: number, little: boolean, signed: boolean): number {
  let value = 0n;
  for (let i = 0; i < size; i++) {
    const byte = BigInt(data.charCodeAt(little ? at + size - 1 - i : at + i));
    value = BigInt.asUintN(64, (value << 8n) | byte);
  }
  if (signed && size > 0) {
    const bits = Math.min(size * 8, 64);
    return Number(BigInt.asIntN(bits, value));
  }
  return Number(value);
}

function unpack(L: LuaState): number {
  const format = formatArgument(L);
  const data = fromBytes(lauxlib.luaL_checklstring(L, 2));
  let position = lauxlib.luaL_optinteger(L, 3, 1) - 1;
  if (!(position >= 0 && position <= data.length)) lauxlib.luaL_argerror(L, 3, "offset out of range");
  const header: Header = { little: true, align: 1 };
  let results = 0;
  while (format.at < format.text.length) {
    const option = format.text[format.at++]!;
    let size = optionSize(L, option, format);
    position += paddingFor(position, header, option, size);
    if (size > data.length - position) lauxlib.luaL_argerror(L, 2, "data string too short");
    lauxlib.luaL_checkstack(L, 2, "too many results");
    if (INTEGER_OPTIONS.has(option)) {
      lua.lua_pushnumber(L, readInteger(data, position, size, header.little, option === option.toLowerCase()));
      results++;
    } else if (option === "x") {
      // padding: nothing to return
    } else if (option === "f" || option === "d") {
      const view = new DataView(new ArrayBuffer(size));
      for (let i = 0; i < size; i++) view.setUint8(i, data.charCodeAt(position + i));
      lua.lua_pushnumber(L, option === "f" ? view.getFloat32(0, header.little) : view.getFloat64(0, header.little));
      results++;
    } else if (option === "c") {
      if (size === 0) {
        if (results === 0 || !lua.lua_isnumber(L, -1)) raise(L, "format 'c0' needs a previous size");
        size = Math.trunc(lua.lua_tonumber(L, -1));
        lua.lua_pop(L, 1);
        results--;
        if (size > data.length - position) lauxlib.luaL_argerror(L, 2, "data string too short");
      }
      pushString(L, data.slice(position, position + size));
      results++;
    } else if (option === "s") {
      const end = data.indexOf("\0", position);
      if (end < 0) raise(L, "unfinished string in data");
      size = end - position + 1;
      pushString(L, data.slice(position, end));
      results++;
    } else {
      controlOption(L, option, format, header);
    }
    position += size;
  }
  lua.lua_pushnumber(L, position + 1);
  return results + 1;
}

function size(L: LuaState): number {
  const format = formatArgument(L);
  const header: Header = { little: true, align: 1 };
  let position = 0;
  while (format.at < format.text.length) {
    const option = format.text[format.at++]!;
    const optionBytes = optionSize(L, option, format);
    position += paddingFor(position, header, option, optionBytes);
    if (option === "s") lauxlib.luaL_argerror(L, 1, "option 's' has no fixed size");
    else if (option === "c" && optionBytes === 0) lauxlib.luaL_argerror(L, 1, "option 'c0' has no fixed size");
    if (!/[0-9A-Za-z]/.test(option)) controlOption(L, option, format, header);
    position += optionBytes;
  }
  lua.lua_pushnumber(L, position);
  return 1;
}

/** Opens `struct` as a table on the stack. */
export function openStruct(L: LuaState): void {
  lua.lua_createtable(L, 0, 3);
  for (const [name, fn] of [["pack", pack], ["unpack", unpack], ["size", size]] as const) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
}
