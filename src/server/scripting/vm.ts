/**
 * @module
 * The Lua VM: fengari (Lua 5.3 written in JavaScript, so a script runs synchronously inside the
 * dispatcher, byte strings and all), brought to the Lua 5.1 that Redis embeds where scripts can
 * tell the difference. Loading this module patches a few of fengari's internals, once per process
 * (the patches only change what Lua 5.1 would do differently, so they are the same for every
 * server in the process):
 * - Numbers are doubles, as in Lua 5.1: every numeral and every string converted to a number is a
 *   float (fengari's integers are 32-bit and wrap), parsed as C's strtod does (`0x10`, `inf`).
 * - A number becomes a string with `%.14g` (Lua 5.1's LUA_NUMBER_FMT), so `10/2 .. ""` is "5".
 * - A float converted to an integer (string.rep's count...) is truncated, as C's cast is.
 * - A table can be read-only (Redis protects its globals and libraries this way): writing to it
 *   raises "Attempt to modify a readonly table".
 * - `next` (so `pairs`) visits keys in Lua 5.1's order and `#` finds Lua 5.1's border: every
 *   table carries a `TableLayout` (table-layout.ts) that replays where Lua 5.1 would put each key
 *   (fengari keeps insertion order, which is not the order Redis's scripts see).
 * - A type error names the variable as Lua 5.1 does: "attempt to index local 't' (a nil value)".
 * It also has the byte-string conversions between JS strings (latin1) and Lua strings.
 */
import { lauxlib, lua, lualib, to_luastring, type LuaState, type LuaString } from "fengari";
import type { TValue } from "fengari/src/lobject.js";
import type { Thread } from "fengari/src/lstate.js";
import type { Table } from "fengari/src/ltable.js";
import { luaNumberText } from "./printf.ts";
import { fromFloatingByte, KEY_NUMBER, KEY_POINTER, KEY_POW2, luaStringHash, TableLayout, type KeyKind } from "./table-layout.ts";

declare module "fengari/src/ltable.js" {
  interface Table {
    /** Where Lua 5.1 would keep this table's keys (see table-layout.ts). */
    layout?: TableLayout;
  }
}

// fengari's modules require each other in a cycle that only resolves when entered from its main
// module; importing an internal one first breaks it. So the internals are required here, once the
// main module above has loaded them.
const ldebug = require("fengari/src/ldebug.js") as (typeof import("fengari/src/ldebug.js"))["default"];
const lobject = require("fengari/src/lobject.js") as (typeof import("fengari/src/lobject.js"))["default"];
const lopcodes = require("fengari/src/lopcodes.js") as (typeof import("fengari/src/lopcodes.js"))["default"];
const lstate = require("fengari/src/lstate.js") as (typeof import("fengari/src/lstate.js"))["default"];
const lstring = require("fengari/src/lstring.js") as (typeof import("fengari/src/lstring.js"))["default"];
const ltable = require("fengari/src/ltable.js") as (typeof import("fengari/src/ltable.js"))["default"];
const lvm = require("fengari/src/lvm.js") as (typeof import("fengari/src/lvm.js"))["default"];

export { lauxlib, lua, lualib, type LuaState, type LuaString };

/** The bytes of a byte string (each char one byte). */
export function toBytes(text: string): Uint8Array {
  const length = text.length;
  if (length > 64) {
    // A plain Uint8Array (fengari treats strings as such; a Buffer's slice would not copy).
    const buffer = Buffer.from(text, "latin1");
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  }
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** A byte string from bytes. */
export function fromBytes(bytes: Uint8Array): string {
  const length = bytes.length;
  if (length > 64) return Buffer.from(bytes.buffer, bytes.byteOffset, length).latin1Slice(0, length);
  // One call makes a flat string (appending char by char makes a rope that every Map lookup flattens).
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** The Lua string at `index` as a byte string (numbers converted as Lua does), or undefined. */
export function stringAt(L: LuaState, index: number): string | undefined {
  const bytes = lua.lua_tolstring(L, index);
  return bytes === null ? undefined : fromBytes(bytes);
}

/** Pushes a byte string. */
export function pushString(L: LuaState, text: string): void {
  pushOwnedBytes(L, toBytes(text));
}

/** A Lua string made once and pushed by reference: as a table key its hash is computed once. */
export interface LuaName {
  readonly __luaName: unique symbol;
}

/** The Lua string `text`, to push many times with `pushName` (field names like "ok", "KEYS"). */
export function luaName(text: string): LuaName {
  return lstring.luaS_bless(undefined as unknown as LuaState, toBytes(text)) as LuaName;
}

/** Pushes a name made by `luaName`. */
export function pushName(L: LuaState, name: LuaName): void {
  lua.lua_checkstack(L, 1);
  lobject.pushsvalue2s(L, name);
}

/** Pushes `bytes` as a Lua string that owns them (no copy): the caller must not change them after. */
export function pushOwnedBytes(L: LuaState, bytes: Uint8Array): void {
  lua.lua_checkstack(L, 1);
  lobject.pushsvalue2s(L, lstring.luaS_bless(L, bytes));
}

/** Sets field `name` of the table at `index` (not the top) to the value on top, popped; no metamethods. */
export function setField(L: LuaState, index: number, name: LuaName): void {
  const table = lua.lua_absindex(L, index);
  pushName(L, name);
  lua.lua_insert(L, -2);
  lua.lua_rawset(L, table);
}

/** Pushes field `name` of the table on top (no metamethods) and returns its type. */
export function getField(L: LuaState, name: LuaName): number {
  pushName(L, name);
  return lua.lua_rawget(L, -2);
}

/** Raises a Lua error with `message` prefixed by the caller's position (`user_script:1: `), as luaL_error. */
export function raise(L: LuaState, message: string): never {
  // fengari enforces a C function's stack allowance, which may be used up when an error strikes.
  lua.lua_checkstack(L, 3);
  lauxlib.luaL_where(L, 1);
  pushString(L, message);
  lua.lua_concat(L, 2);
  return lua.lua_error(L);
}

const isSpace = (byte: number) => byte === 32 || (byte >= 9 && byte <= 13);
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;
const NAN = /^[+-]?nan(?:\([0-9A-Za-z_]*\))?$/i;

/** A Lua 5.1 number from a string: C's strtod over the whole text (a NUL ends it), spaces around allowed. */
export function parseLuaNumber(bytes: Uint8Array): number | undefined {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  let start = 0;
  while (start < end && isSpace(bytes[start]!)) start++;
  while (end > start && isSpace(bytes[end - 1]!)) end--;
  if (start === end) return undefined;
  const text = fromBytes(bytes.subarray(start, end));
  if (DECIMAL.test(text)) return Number(text);
  const hex = HEX.exec(text);
  if (hex) {
    const whole = hex[2]!;
    const fraction = hex[3] ?? "";
    if (whole === "" && fraction === "") return undefined;
    const mantissa = Number(BigInt(`0x${whole}${fraction}`));
    const value = mantissa * 2 ** (Number(hex[4] ?? "0") - 4 * fraction.length);
    return hex[1] === "-" ? -value : value;
  }
  if (INFINITY.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (NAN.test(text)) return NaN;
  return undefined;
}

const READONLY_ERROR = to_luastring("Attempt to modify a readonly table");
const INVALID_NEXT_KEY = to_luastring("invalid key to 'next'");
/** Lua 5.3's type error (`attempt to index a nil value (local 't')`), and Lua 5.1's. */
const TYPE_ERROR_53 = to_luastring("attempt to %s a %s value%s", true);
const TYPE_ERROR_51 = to_luastring("attempt to %s %s '%s' (a %s value)");
/** Variable kinds Lua 5.1 names in a type error; 5.3's others (constant, for iterator) it does not. */
const NAMED_KINDS = new Set(["global", "local", "field", "upvalue", "method"]);
/** How luaL_tolstring (the `tostring` function) formats a float: Lua 5.3's "%.14g" plus ".0". */
const FLOAT_FORMAT = "%f";
const STRING_FORMAT = to_luastring("%s");
/** fengari's name for running out of nested calls through C (JavaScript) functions, and Lua's. */
const JS_STACK_OVERFLOW = "JS stack overflow";
const C_STACK_OVERFLOW = to_luastring("C stack overflow");
/** Lexer messages where Lua 5.3 leaves tokens like <eof> and <name> unquoted and 5.1 quotes them. */
const TOKEN_FORMATS = new Set(["%s near %s", "%s expected"]);
const BARE_TOKENS = new Set(["<eof>", "<name>", "<string>", "<number>", "<integer>"]);
/** Lua 5.3 tells where an unfinished long string or comment started; 5.1 does not. */
const LONG_STRING_LINE = / \(starting at line \d+\)$/;
const PATCHED = Symbol.for("bunredis.lua51");

/** Installs the Lua 5.1 behaviours described in the module comment, once per process. */
function installLua51(): void {
  const marked = lobject as unknown as Record<symbol, boolean>;
  if (marked[PATCHED]) return;
  marked[PATCHED] = true;

  lobject.luaO_str2num = (bytes: LuaString, out: TValue) => {
    const value = parseLuaNumber(bytes);
    if (value === undefined) return 0;
    out.setfltvalue(value);
    return bytes.length + 1;
  };
  lobject.luaO_tostring = (L: LuaState, value: TValue) => {
    const text = value.ttisinteger() ? String(value.value) : luaNumberText(value.value as number);
    value.setsvalue(lstring.luaS_bless(L, toBytes(text)));
  };

  const luaVToInteger = lvm.luaV_tointeger;
  lvm.tointeger = (value: TValue) => {
    if (value.ttisinteger()) return value.value as number;
    if (value.ttisfloat()) {
      const truncated = Math.trunc(value.value as number);
      return truncated >= -2147483648 && truncated <= 2147483647 ? truncated : false;
    }
    return luaVToInteger(value, 0);
  };

  const prototype = ltable.Table.prototype as Table;
  prototype.readonly = undefined;
  prototype.layout = undefined;
  prototype.creator = undefined;
  const newTable = ltable.luaH_new;
  ltable.luaH_new = (L: LuaState) => {
    const table = newTable(L);
    // A constructor ({...}) sizes the table from its instruction's hints; C code makes it empty.
    const instruction = currentInstruction(L);
    table.layout = instruction?.opcode === lopcodes.OpCodesI.OP_NEWTABLE ? new TableLayout(fromFloatingByte(instruction.B), fromFloatingByte(instruction.C)) : new TableLayout();
    table.creator = L;
    return table;
  };
  const setFrom = ltable.luaH_setfrom;
  const setInt = ltable.luaH_setint;
  ltable.luaH_setfrom = (L: LuaState, table: Table, key: TValue, value: TValue) => {
    if (table.readonly !== undefined) ldebug.luaG_runerror(L, READONLY_ERROR);
    const identity = keyIdentity(key);
    const live = !value.ttisnil();
    const unchanged = live && table.strong.has(identity);
    setFrom(L, table, key, value);
    // Only a value replacing a value leaves the layout as it was (nil given to a new key does not).
    if (!unchanged) layoutOf(table).set(identity, keyKind(key), keyHash(key), live);
  };
  ltable.luaH_setint = (table: Table, key: number, value: TValue) => {
    if (table.readonly !== undefined) ldebug.luaG_runerror(table.readonly, READONLY_ERROR);
    const live = !value.ttisnil();
    const unchanged = live && table.strong.has(key);
    const layout = layoutOf(table);
    // A constructor's list items (OP_SETLIST, stored last to first) first grow the array part to
    // hold them all, which matters when a call or ... supplied them: {f()} has no size hint.
    if (table.creator !== undefined) {
      const instruction = currentInstruction(table.creator);
      if (instruction?.opcode === lopcodes.OpCodesI.OP_SETLIST) layout.reserveArray(key);
    }
    setInt(table, key, value);
    if (!unchanged) layout.set(key, KEY_NUMBER, key, live);
  };

  ltable.luaH_next = (L: LuaState, table: Table, keyIndex: number) => {
    const key = (L as unknown as Thread).stack[keyIndex]!;
    const after = key.ttisnil() ? undefined : { identity: keyIdentity(key), kind: keyKind(key), hash: keyHash(key) };
    const identity = layoutOf(table).nextKey(after);
    if (identity === null) ldebug.luaG_runerror(L, INVALID_NEXT_KEY);
    if (identity === undefined) return false;
    const entry = table.strong.get(identity)!;
    lobject.setobj2s(L, keyIndex, entry.key);
    lobject.setobj2s(L, keyIndex + 1, entry.value);
    return true;
  };
  ltable.luaH_getn = (table: Table) => layoutOf(table).length((key) => table.strong.has(key));

  const pushFormatted = lobject.luaO_pushvfstring;
  const push51 = (L: LuaState, format: LuaString, args: unknown[]): LuaString => {
    if (format === TYPE_ERROR_53) {
      // args: operation, type name, and " (kind 'name')" or "".
      const where = fromBytes(args[2] as Uint8Array);
      const match = /^ \(([a-z ]+) '(.*)'\)$/s.exec(where);
      if (match && NAMED_KINDS.has(match[1]!)) return pushFormatted(L, TYPE_ERROR_51, [args[0], toBytes(match[1]!), toBytes(match[2]!), args[1]]);
      return pushFormatted(L, format, [args[0], args[1], new Uint8Array(0)]);
    }
    if (format.length === JS_STACK_OVERFLOW.length && fromBytes(format) === JS_STACK_OVERFLOW) return pushFormatted(L, C_STACK_OVERFLOW, args);
    if (format.length === 2 && fromBytes(format) === FLOAT_FORMAT) return pushFormatted(L, STRING_FORMAT, [toBytes(luaNumberText(args[0] as number))]);
    if ((format.length === 10 || format.length === 11) && TOKEN_FORMATS.has(fromBytes(format))) {
      const fixed = args.map((arg) => {
        if (!(arg instanceof Uint8Array)) return arg;
        const text = fromBytes(arg);
        if (BARE_TOKENS.has(text)) return toBytes(`'${text}'`);
        return LONG_STRING_LINE.test(text) ? toBytes(text.replace(LONG_STRING_LINE, "")) : arg;
      });
      return pushFormatted(L, format, fixed);
    }
    return pushFormatted(L, format, args);
  };
  lobject.luaO_pushvfstring = push51;
  lobject.luaO_pushfstring = (L: LuaState, format: LuaString, ...args: unknown[]) => push51(L, format, args);
}

/** The instruction the thread's running Lua function is executing, if a Lua function is running. */
function currentInstruction(L: LuaState): { opcode: number; B: number; C: number } | undefined {
  const call = (L as unknown as Thread).ci;
  if (call === null || (call.callstatus & lstate.CIST_LUA) === 0 || call.l_code === null) return undefined;
  const instruction = call.l_code[call.l_savedpc - 1];
  // OP_SETLIST with more than 25550 items reads its batch number from an OP_EXTRAARG after it.
  return instruction?.opcode === lopcodes.OpCodesI.OP_EXTRAARG ? call.l_code[call.l_savedpc - 2] : instruction;
}

/** The table's layout; one made before the patches (none should be) starts from its keys in order. */
function layoutOf(table: Table): TableLayout {
  if (table.layout !== undefined) return table.layout;
  const layout = new TableLayout();
  for (let entry = table.f; entry !== undefined; entry = entry.n) layout.set(keyIdentity(entry.key), keyKind(entry.key), keyHash(entry.key), true);
  table.layout = layout;
  return layout;
}

/** The key under which fengari files `key` in a table's Map, which also tells keys apart. */
function keyIdentity(key: TValue): unknown {
  return key.ttisstring() ? lstring.luaS_hashlongstr(key.tsvalue()) : key.value;
}

/** How Lua 5.1 finds the key's main position. */
function keyKind(key: TValue): KeyKind {
  if (key.ttisnumber()) return KEY_NUMBER;
  return key.ttisstring() || key.ttisboolean() ? KEY_POW2 : KEY_POINTER;
}

/**
 * What Lua 5.1 hashes the key by: a number's value, a string's hash (Redis's, cached in the
 * string), a boolean's 0 or 1. A table's address stands in as its id; other objects, whose
 * addresses decide their place in Redis too (so no script can rely on it), all share 0.
 */
function keyHash(key: TValue): number {
  if (key.ttisnumber()) return key.value as number;
  if (key.ttisstring()) {
    const string = key.tsvalue();
    return (string.luaHash ??= luaStringHash(string.realstring));
  }
  if (key.ttisboolean()) return key.value ? 1 : 0;
  return key.ttistable() ? (key.value as Table).id : 0;
}

installLua51();

/** The table object behind the table at `index` (fengari hands it out as the table's "pointer"). */
export function tableAt(L: LuaState, index: number): Table {
  return lua.lua_topointer(L, index) as Table;
}

/** Makes the table at `index` read-only or writable again. */
export function setReadonly(L: LuaState, index: number, readonly: boolean): void {
  tableAt(L, index).readonly = readonly ? L : undefined;
}
