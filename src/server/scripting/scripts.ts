/**
 * @module
 * EVAL's script cache: scripts by SHA1, each compiled once into a function of the EVAL state,
 * with the flags of its `#!lua flags=...` shebang (a script without one runs in Redis's
 * compatibility mode). EVAL, EVALSHA, the _RO forms and SCRIPT LOAD/EXISTS/FLUSH read it.
 */
import { ERR_SCRIPT_COMPILE, ERR_SHEBANG_ENGINE, ERR_SHEBANG_ENGINE_INVALID, ERR_SHEBANG_FLAG, ERR_SHEBANG_INVALID, ERR_SHEBANG_OPTION, ReplyError } from "../errors.ts";
import type { ScriptEngine, ScriptFlag } from "./engine.ts";
import { SCRIPT_FLAGS, sha1hex } from "./engine.ts";
import { ref } from "./environment.ts";
import { lauxlib, lua, stringAt, toBytes } from "./vm.ts";

/** One cached script. */
export interface CachedScript {
  readonly sha: string;
  readonly body: string;
  /** Registry reference of its compiled function in the EVAL state. */
  readonly fn: number;
  /** The shebang's flags; undefined without a shebang (compatibility mode). */
  readonly flags: ReadonlySet<ScriptFlag> | undefined;
}

/**
 * Redis's sdssplitargs: words separated by spaces, "double quoted" with C escapes (\n, \xHH...)
 * or 'single quoted'; undefined for unbalanced quotes or a quote not followed by a space.
 */
export function splitArgs(line: string): string[] | undefined {
  const words: string[] = [];
  const isSpace = (char: string | undefined) => char !== undefined && " \t\n\r\v\f".includes(char);
  let at = 0;
  for (;;) {
    while (isSpace(line[at])) at++;
    if (at >= line.length) return words;
    let word = "";
    const quote = line[at] === '"' || line[at] === "'" ? line[at] : undefined;
    if (quote) at++;
    for (;;) {
      const char = line[at];
      if (quote === '"') {
        if (char === undefined) return undefined;
        if (char === "\\" && line[at + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(at + 2, at + 4))) {
          word += String.fromCharCode(parseInt(line.slice(at + 2, at + 4), 16));
          at += 4;
          continue;
        }
        if (char === "\\" && at + 1 < line.length) {
          const escaped = line[at + 1]!;
          word += ({ n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" } as Record<string, string>)[escaped] ?? escaped;
          at += 2;
          continue;
        }
        if (char === '"') {
          if (at + 1 < line.length && !isSpace(line[at + 1])) return undefined;
          at++;
          break;
        }
      } else if (quote === "'") {
        if (char === undefined) return undefined;
        if (char === "\\" && line[at + 1] === "'") {
          word += "'";
          at += 2;
          continue;
        }
        if (char === "'") {
          if (at + 1 < line.length && !isSpace(line[at + 1])) return undefined;
          at++;
          break;
        }
      } else if (char === undefined || isSpace(char)) break;
      word += char;
      at++;
    }
    words.push(word);
  }
}

/** The shebang of an EVAL script: its flags and length, or a compatibility-mode script. */
export function parseShebang(body: string): { flags: Set<ScriptFlag> | undefined; length: number } {
  if (!body.startsWith("#!")) return { flags: undefined, length: 0 };
  const end = body.indexOf("\n");
  if (end < 0) throw new ReplyError(ERR_SHEBANG_INVALID);
  const parts = splitArgs(body.slice(0, end));
  if (!parts || parts.length === 0) throw new ReplyError(ERR_SHEBANG_ENGINE_INVALID);
  if (parts[0] !== "#!lua") throw new ReplyError(ERR_SHEBANG_ENGINE(parts[0]!));
  const flags = new Set<ScriptFlag>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith("flags=")) throw new ReplyError(ERR_SHEBANG_OPTION(part));
    const list = part.slice(6);
    if (list === "") continue;
    for (const name of list.split(",")) {
      if (!(SCRIPT_FLAGS as readonly string[]).includes(name)) throw new ReplyError(ERR_SHEBANG_FLAG(name));
      flags.add(name as ScriptFlag);
    }
  }
  return { flags, length: end };
}

/** The scripts EVAL and SCRIPT LOAD have seen, until SCRIPT FLUSH. */
export class ScriptCache {
  private readonly scripts = new Map<string, CachedScript>();

  constructor(private readonly engine: ScriptEngine) {}

  /** The cached script with this SHA1 (any letter case). */
  get(sha: string): CachedScript | undefined {
    return this.scripts.get(sha) ?? (sha.length === 40 ? this.scripts.get(sha.toLowerCase()) : undefined);
  }

  /** How many scripts are cached. */
  get size(): number {
    return this.scripts.size;
  }

  /** Compiles and caches `body`, or returns it cached; throws Redis's shebang or compile error. */
  load(body: string): CachedScript {
    const sha = sha1hex(body);
    const cached = this.scripts.get(sha);
    if (cached) return cached;
    const { flags, length } = parseShebang(body);
    const { L } = this.engine.evalEnvironment();
    // The shebang line is left out, its newline kept, so error lines match the script's.
    const code = toBytes(body.slice(length));
    if (lauxlib.luaL_loadbuffer(L, code, code.length, toBytes("@user_script")) !== lua.LUA_OK) {
      const message = stringAt(L, -1) ?? "";
      lua.lua_pop(L, 1);
      throw new ReplyError(ERR_SCRIPT_COMPILE(message));
    }
    const script: CachedScript = { sha, body, fn: ref(L), flags };
    this.scripts.set(sha, script);
    return script;
  }

  /** SCRIPT FLUSH: forgets every script and starts a fresh Lua state. */
  flush(): void {
    this.scripts.clear();
    this.engine.resetEval();
  }
}
