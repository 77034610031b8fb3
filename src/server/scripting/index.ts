/**
 * @module
 * A server's scripting: the script runner (engine.ts), EVAL's script cache (scripts.ts) and the
 * function libraries (library.ts). The server holds one; the Lua states inside are only created
 * when a script or library is first used.
 */
import type { Server } from "../server.ts";
import { ScriptEngine } from "./engine.ts";
import { FunctionLibraries } from "./library.ts";
import { ScriptCache } from "./scripts.ts";

/** Everything scripting keeps for one server. */
export class Scripting {
  readonly engine: ScriptEngine;
  readonly scripts: ScriptCache;
  readonly libraries: FunctionLibraries;

  constructor(server: Server) {
    this.engine = new ScriptEngine(server);
    this.scripts = new ScriptCache(this.engine);
    this.libraries = new FunctionLibraries(this.engine);
  }
}
