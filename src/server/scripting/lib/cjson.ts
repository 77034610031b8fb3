/**
 * @module
 * The `cjson` library (lua-cjson 2.1.0, as Redis bundles it): cjson.encode / cjson.decode and
 * their settings. What scripts can observe follows lua-cjson: numbers with `%.14g`, an empty
 * table as `{}`, a table with keys 1..n as an array (holes become null, a too sparse one is an
 * error), `/` escaped as `\/`, bytes >= 0x80 passed through, JSON null as the `cjson.null`
 * lightuserdata, and the error texts ("Expected value but found T_END at character 1").
 * One difference cannot be removed: an object's members come out in the order the table holds
 * them, which is insertion order here and hash order in Redis.
 */
import { formatG } from "../printf.ts";
import { lauxlib, lua, fromBytes, pushString, raise, stringAt, type LuaState } from "../vm.ts";

/** The settings a script can change (they last, as in Redis, until the script engine is reset). */
interface CjsonConfig {
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  precision: number;
  keepBuffer: boolean;
  /** 0: error, 1: NaN/Infinity, 2: null. */
  encodeInvalid: 0 | 1 | 2;
  decodeInvalid: boolean;
}

function defaultConfig(): CjsonConfig {
  return { sparseConvert: false, sparseRatio: 2, sparseSafe: 10, encodeMaxDepth: 1000, decodeMaxDepth: 1000, precision: 14, keepBuffer: true, encodeInvalid: 0, decodeInvalid: true };
}

/** lua-cjson's escapes for the bytes that need one. */
const ESCAPES: (string | undefined)[] = [];
for (let byte = 0; byte < 32; byte++) ESCAPES[byte] = `\\u${byte.toString(16).padStart(4, "0")}`;
Object.assign(ESCAPES, { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 34: '\\"', 47: "\\/", 92: "\\\\", 127: "\\u007f" });

function quote(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const escape = ESCAPES[text.charCodeAt(i)];
    if (escape === undefined) continue;
    out += text.slice(start, i) + escape;
    start = i + 1;
  }
  return `${out}${text.slice(start)}"`;
}

function typeName(L: LuaState, index: number): string {
  return fromBytes(lua.lua_typename(L, lua.lua_type(L, index)));
}

function encodeNumber(L: LuaState, config: CjsonConfig, index: number): string {
  const value = lua.lua_tonumber(L, index);
  if (!Number.isFinite(value)) {
    if (config.encodeInvalid === 0) raise(L, `Cannot serialise ${typeName(L, index)}: must not be NaN or Inf`);
    if (config.encodeInvalid === 2) return "null";
    return Number.isNaN(value) ? "NaN" : value < 0 ? "-Infinity" : "Infinity";
  }
  return formatG(value, config.precision);
}

/** The array length of the table on top, or -1 when it must be an object. */
function arrayLength(L: LuaState, config: CjsonConfig): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2)) {
    const key = lua.lua_type(L, -2) === lua.LUA_TNUMBER ? lua.lua_tonumber(L, -2) : 0;
    lua.lua_pop(L, 1);
    if (key >= 1 && Math.floor(key) === key) {
      if (key > max) max = key;
      items++;
      continue;
    }
    lua.lua_pop(L, 1);
    return -1;
  }
  if (config.sparseRatio > 0 && max > items * config.sparseRatio && max > config.sparseSafe) {
    if (!config.sparseConvert) raise(L, "Cannot serialise table: excessively sparse array");
    return -1;
  }
  return max;
}

/** Encodes the value on top of the stack (left there). */
function encodeValue(L: LuaState, config: CjsonConfig, depth: number): string {
  switch (lua.lua_type(L, -1)) {
    case lua.LUA_TSTRING:
      return quote(stringAt(L, -1)!);
    case lua.LUA_TNUMBER:
      return encodeNumber(L, config, -1);
    case lua.LUA_TBOOLEAN:
      return lua.lua_toboolean(L, -1) ? "true" : "false";
    case lua.LUA_TNIL:
      return "null";
    case lua.LUA_TLIGHTUSERDATA:
      if (lua.lua_touserdata(L, -1) === null) return "null";
      break;
    case lua.LUA_TTABLE: {
      depth++;
      if (depth > config.encodeMaxDepth) raise(L, `Cannot serialise, excessive nesting (${depth})`);
      lauxlib.luaL_checkstack(L, 3, null);
      const length = arrayLength(L, config);
      if (length > 0) {
        const items: string[] = [];
        for (let i = 1; i <= length; i++) {
          lua.lua_rawgeti(L, -1, i);
          items.push(encodeValue(L, config, depth));
          lua.lua_pop(L, 1);
        }
        return `[${items.join(",")}]`;
      }
      const members: string[] = [];
      lua.lua_pushnil(L);
      while (lua.lua_next(L, -2)) {
        const keyType = lua.lua_type(L, -2);
        let key: string;
        if (keyType === lua.LUA_TNUMBER) key = `"${encodeNumber(L, config, -2)}"`;
        else if (keyType === lua.LUA_TSTRING) key = quote(stringAt(L, -2)!);
        else raise(L, `Cannot serialise ${typeName(L, -2)}: table key must be a number or string`);
        members.push(`${key}:${encodeValue(L, config, depth)}`);
        lua.lua_pop(L, 1);
      }
      return `{${members.join(",")}}`;
    }
  }
  return raise(L, `Cannot serialise ${typeName(L, -1)}: type not supported`);
}

const TOKEN_NAMES = ["T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN"] as const;
const enum Token {
  ObjectBegin,
  ObjectEnd,
  ArrayBegin,
  ArrayEnd,
  String,
  Number,
  Boolean,
  Null,
  Colon,
  Comma,
  End,
  Whitespace,
  Error,
  Unknown,
}
const SINGLE: Record<string, Token> = { "{": Token.ObjectBegin, "}": Token.ObjectEnd, "[": Token.ArrayBegin, "]": Token.ArrayEnd, ":": Token.Colon, ",": Token.Comma };
const ESCAPED: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", t: "\t", n: "\n", f: "\f", r: "\r" };
/** C's strtod prefixes: the longest of these at the position is the number. */
const NUMBER_PREFIX = /^-?(?:0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i;

interface Parsed {
  type: Token;
  /** Where the token starts (or where its error is), 0-based. */
  index: number;
  text?: string;
  number?: number;
  boolean?: boolean;
  /** An error token's description ("invalid token"). */
  error?: string;
}

/** A decoder over one JSON text (a C string: a NUL ends it). */
class Decoder {
  at = 0;
  depth = 0;
  constructor(
    private readonly L: LuaState,
    private readonly json: string,
    private readonly config: CjsonConfig,
  ) {}

  private isInvalidNumber(): boolean {
    const rest = this.json.slice(this.at, this.at + 4);
    const body = rest.startsWith("-") ? rest.slice(1) : rest;
    if (body.startsWith("0")) return /^0[xX0-9]/.test(body);
    if (body !== "" && body[0]! <= "9") return false;
    return /^(inf|nan)/i.test(body);
  }

  private number(token: Parsed): void {
    const match = NUMBER_PREFIX.exec(this.json.slice(this.at, this.at + 400));
    if (!match) {
      token.type = Token.Error;
      token.error = "invalid number";
      return;
    }
    token.type = Token.Number;
    const text = match[0];
    const negative = text.startsWith("-");
    const body = negative ? text.slice(1) : text;
    let value: number;
    if (/^0x/i.test(body)) {
      const [whole, fraction = ""] = body.slice(2).split(/[pP]/)[0]!.split(".");
      const exponent = /[pP]([+-]?\d+)$/.exec(body)?.[1] ?? "0";
      value = Number(BigInt(`0x${whole || "0"}${fraction}`)) * 2 ** (Number(exponent) - 4 * fraction.length);
    } else if (/^inf/i.test(body)) value = Infinity;
    else if (/^nan/i.test(body)) value = NaN;
    else value = Number(body);
    token.number = negative ? -value : value;
    this.at += text.length;
  }

  private string(token: Parsed): void {
    this.at++;
    let out = "";
    for (;;) {
      const char = this.json[this.at];
      if (char === undefined || char === "\0") return this.error(token, "unexpected end of string");
      if (char === '"') break;
      if (char === "\\") {
        const code = this.json[this.at + 1] ?? "";
        if (code === "u") {
          const decoded = this.unicodeEscape();
          if (decoded === undefined) return this.error(token, "invalid unicode escape code");
          out += decoded;
          continue;
        }
        const escaped = ESCAPED[code];
        if (escaped === undefined) return this.error(token, "invalid escape code");
        out += escaped;
        this.at += 2;
        continue;
      }
      out += char;
      this.at++;
    }
    this.at++;
    token.type = Token.String;
    token.text = out;
  }

  private hex4(at: number): number | undefined {
    const digits = this.json.slice(at, at + 4);
    return /^[0-9a-fA-F]{4}$/.test(digits) ? parseInt(digits, 16) : undefined;
  }

  /** A `\uXXXX` escape (a surrogate pair takes two) as UTF-8 bytes; the position moves past it. */
  private unicodeEscape(): string | undefined {
    let codepoint = this.hex4(this.at + 2);
    if (codepoint === undefined) return undefined;
    let length = 6;
    if (codepoint >= 0xdc00 && codepoint <= 0xdfff) return undefined;
    if (codepoint >= 0xd800 && codepoint <= 0xdbff) {
      if (this.json[this.at + 6] !== "\\" || this.json[this.at + 7] !== "u") return undefined;
      const low = this.hex4(this.at + 8);
      if (low === undefined || low < 0xdc00 || low > 0xdfff) return undefined;
      codepoint = (((codepoint & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      length = 12;
    }
    this.at += length;
    return Buffer.from(String.fromCodePoint(codepoint), "utf8").toString("latin1");
  }

  private error(token: Parsed, description: string): void {
    token.type = Token.Error;
    token.index = this.at;
    token.error = description;
  }

  next(): Parsed {
    while (" \t\r\n".includes(this.json[this.at] ?? "x")) this.at++;
    const token: Parsed = { type: Token.Unknown, index: this.at };
    const char = this.json[this.at];
    if (char === undefined || char === "\0") {
      token.type = Token.End;
      return token;
    }
    const single = SINGLE[char];
    if (single !== undefined) {
      this.at++;
      token.type = single;
      return token;
    }
    if (char === '"') this.string(token);
    else if (char === "-" || (char >= "0" && char <= "9")) {
      if (!this.config.decodeInvalid && this.isInvalidNumber()) this.error(token, "invalid number");
      else this.number(token);
    } else if (this.json.startsWith("true", this.at)) {
      token.type = Token.Boolean;
      token.boolean = true;
      this.at += 4;
    } else if (this.json.startsWith("false", this.at)) {
      token.type = Token.Boolean;
      token.boolean = false;
      this.at += 5;
    } else if (this.json.startsWith("null", this.at)) {
      token.type = Token.Null;
      this.at += 4;
    } else if (this.config.decodeInvalid && "iInN".includes(char) && this.isInvalidNumber()) {
      this.number(token);
    } else this.error(token, "invalid token");
    return token;
  }

  fail(expected: string, token: Parsed): never {
    const found = token.type === Token.Error ? token.error! : TOKEN_NAMES[token.type];
    return raise(this.L, `Expected ${expected} but found ${found} at character ${token.index + 1}`);
  }

  private descend(token: Parsed, slots: number): void {
    this.depth++;
    if (this.depth > this.config.decodeMaxDepth) raise(this.L, `Found too many nested data structures (${this.depth}) at character ${token.index + 1}`);
    lauxlib.luaL_checkstack(this.L, slots, "too many nested data structures");
  }

  value(token: Parsed): void {
    const L = this.L;
    switch (token.type) {
      case Token.String:
        return pushString(L, token.text!);
      case Token.Number:
        return lua.lua_pushnumber(L, token.number!);
      case Token.Boolean:
        return lua.lua_pushboolean(L, token.boolean!);
      case Token.Null:
        return lua.lua_pushlightuserdata(L, null);
      case Token.ObjectBegin:
        return this.object(token);
      case Token.ArrayBegin:
        return this.array(token);
      default:
        this.fail("value", token);
    }
  }

  private object(open: Parsed): void {
    const L = this.L;
    this.descend(open, 3);
    lua.lua_newtable(L);
    let token = this.next();
    if (token.type === Token.ObjectEnd) {
      this.depth--;
      return;
    }
    for (;;) {
      if (token.type !== Token.String) this.fail("object key string", token);
      pushString(L, token.text!);
      token = this.next();
      if (token.type !== Token.Colon) this.fail("colon", token);
      this.value(this.next());
      lua.lua_rawset(L, -3);
      token = this.next();
      if (token.type === Token.ObjectEnd) {
        this.depth--;
        return;
      }
      if (token.type !== Token.Comma) this.fail("comma or object end", token);
      token = this.next();
    }
  }

  private array(open: Parsed): void {
    const L = this.L;
    this.descend(open, 2);
    lua.lua_newtable(L);
    let token = this.next();
    if (token.type === Token.ArrayEnd) {
      this.depth--;
      return;
    }
    for (let i = 1; ; i++) {
      this.value(token);
      lua.lua_rawseti(L, -2, i);
      token = this.next();
      if (token.type === Token.ArrayEnd) {
        this.depth--;
        return;
      }
      if (token.type !== Token.Comma) this.fail("comma or array end", token);
      token = this.next();
    }
  }
}

function checkOneArgument(L: LuaState): void {
  if (lua.lua_gettop(L) !== 1) lauxlib.luaL_argerror(L, 1, "expected 1 argument");
}

/** An optional integer setting argument in [min, max]. */
function setInteger(L: LuaState, index: number, min: number, max: number, apply: (value: number) => void): void {
  if (lua.lua_isnoneornil(L, index)) return;
  const value = lauxlib.luaL_checkinteger(L, index);
  if (value < min || value > max) lauxlib.luaL_argerror(L, index, `expected integer between ${min} and ${max}`);
  apply(value);
}

/** An optional boolean setting argument (also "on"/"off", as lua-cjson accepts). */
function setBoolean(L: LuaState, index: number, apply: (value: boolean) => void): void {
  if (lua.lua_isnoneornil(L, index)) return;
  if (lua.lua_type(L, index) === lua.LUA_TBOOLEAN) return apply(lua.lua_toboolean(L, index));
  const text = fromBytes(lauxlib.luaL_checklstring(L, index));
  if (text === "on") apply(true);
  else if (text === "off") apply(false);
  else lauxlib.luaL_argerror(L, index, `invalid option '${text}'`);
}

/** Pushes a new cjson module table with its own settings. */
function pushModule(L: LuaState): void {
  const config = defaultConfig();
  const functions: Record<string, (state: LuaState) => number> = {
    encode(state) {
      checkOneArgument(state);
      pushString(state, encodeValue(state, config, 0));
      return 1;
    },
    decode(state) {
      checkOneArgument(state);
      const bytes = lauxlib.luaL_checklstring(state, 1);
      if (bytes.length >= 2 && (bytes[0] === 0 || bytes[1] === 0)) raise(state, "JSON parser does not support UTF-16 or UTF-32");
      const decoder = new Decoder(state, fromBytes(bytes), config);
      decoder.value(decoder.next());
      const end = decoder.next();
      if (end.type !== Token.End) decoder.fail("the end", end);
      return 1;
    },
    encode_sparse_array(state) {
      setBoolean(state, 1, (value) => (config.sparseConvert = value));
      setInteger(state, 2, 0, 2147483647, (value) => (config.sparseRatio = value));
      setInteger(state, 3, 0, 2147483647, (value) => (config.sparseSafe = value));
      lua.lua_pushboolean(state, config.sparseConvert);
      lua.lua_pushnumber(state, config.sparseRatio);
      lua.lua_pushnumber(state, config.sparseSafe);
      return 3;
    },
    encode_max_depth(state) {
      setInteger(state, 1, 1, 2147483647, (value) => (config.encodeMaxDepth = value));
      lua.lua_pushnumber(state, config.encodeMaxDepth);
      return 1;
    },
    decode_max_depth(state) {
      setInteger(state, 1, 1, 2147483647, (value) => (config.decodeMaxDepth = value));
      lua.lua_pushnumber(state, config.decodeMaxDepth);
      return 1;
    },
    encode_number_precision(state) {
      setInteger(state, 1, 1, 14, (value) => (config.precision = value));
      lua.lua_pushnumber(state, config.precision);
      return 1;
    },
    encode_keep_buffer(state) {
      setBoolean(state, 1, (value) => (config.keepBuffer = value));
      lua.lua_pushboolean(state, config.keepBuffer);
      return 1;
    },
    encode_invalid_numbers(state) {
      if (lua.lua_type(state, 1) === lua.LUA_TSTRING && stringAt(state, 1) === "null") config.encodeInvalid = 2;
      else setBoolean(state, 1, (value) => (config.encodeInvalid = value ? 1 : 0));
      if (config.encodeInvalid === 2) pushString(state, "null");
      else lua.lua_pushboolean(state, config.encodeInvalid === 1);
      return 1;
    },
    decode_invalid_numbers(state) {
      setBoolean(state, 1, (value) => (config.decodeInvalid = value));
      lua.lua_pushboolean(state, config.decodeInvalid);
      return 1;
    },
    new(state) {
      pushModule(state);
      return 1;
    },
  };
  lua.lua_createtable(L, 0, 14);
  for (const [name, fn] of Object.entries(functions)) {
    lua.lua_pushcfunction(L, fn);
    lua.lua_setfield(L, -2, name);
  }
  lua.lua_pushlightuserdata(L, null);
  lua.lua_setfield(L, -2, "null");
  pushString(L, "cjson");
  lua.lua_setfield(L, -2, "_NAME");
  pushString(L, "2.1.0");
  lua.lua_setfield(L, -2, "_VERSION");
}

/** Opens `cjson` as a table on the stack. */
export function openCjson(L: LuaState): void {
  pushModule(L);
}
