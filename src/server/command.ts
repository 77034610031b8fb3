/**
 * @module
 * The command table. Each Redis command is one `CommandSpec` object (name, arity, flags, key
 * positions, ACL categories, run); the registry built from them is the one place the dispatcher,
 * arity checks, key extraction, COMMAND introspection and (later) the MULTI queue read.
 */
import type { Db } from "../store/keyspace.ts";
import type { ReplyWriter } from "../resp/writer.ts";
import type { Client } from "./client.ts";
import type { Server } from "./server.ts";

/** Command flags, as COMMAND INFO shows them. */
export type CommandFlag =
  | "write" | "readonly" | "denyoom" | "module" | "admin" | "pubsub" | "noscript" | "blocking"
  | "loading" | "stale" | "skip_monitor" | "skip_slowlog" | "asking" | "fast" | "no_auth"
  | "may_replicate" | "sentinel" | "only_sentinel" | "no_mandatory_keys" | "protected"
  | "no_async_loading" | "no_multi" | "movablekeys" | "allow_busy";

/** What a command runs with. */
export interface CommandContext {
  readonly server: Server;
  readonly client: Client;
  /** The client's selected database. */
  readonly db: Db;
  /** Where the reply goes; already set to the client's protocol version. */
  readonly reply: ReplyWriter;
}

/** One command (or subcommand, named `parent|sub`). */
export interface CommandSpec {
  /** Lower-case name; a subcommand's is `container|sub` (as Redis's fullname). */
  readonly name: string;
  /** Redis's convention: N means exactly N arguments counting the name, -N at least N. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Key positions: first, last (negative counts from the end), step; 0,0,0 for none. */
  readonly keys: { readonly first: number; readonly last: number; readonly step: number };
  /** ACL categories without the `@` (`string`, `fast`, ...), as COMMAND INFO lists them. */
  readonly categories: readonly string[];
  /** Subcommands by lower-case name (CONFIG GET, CLIENT LIST, ...); the container has no `run`. */
  readonly subcommands?: Readonly<Record<string, CommandSpec>>;
  /** Answers the command; `args[0]` is the name as the client sent it. Throws ReplyError for `-ERR`. */
  readonly run?: (ctx: CommandContext, args: string[]) => void;
  /** For commands whose keys are not at fixed positions (movablekeys): the key indexes in `args`. */
  readonly keyIndexes?: (args: readonly string[]) => number[];
}

/** No keys. */
export const NO_KEYS = { first: 0, last: 0, step: 0 } as const;
/** One key, the first argument. */
export const FIRST_KEY = { first: 1, last: 1, step: 1 } as const;

/** Whether `args` has a count of arguments the spec's arity allows. */
export function arityMatches(spec: CommandSpec, argc: number): boolean {
  return spec.arity >= 0 ? argc === spec.arity : argc >= -spec.arity;
}

/** The key indexes of one call, from the spec's key positions (or its own extractor). */
export function keyIndexes(spec: CommandSpec, args: readonly string[]): number[] {
  if (spec.keyIndexes) return spec.keyIndexes(args);
  const { first, step } = spec.keys;
  if (first === 0) return [];
  const last = spec.keys.last < 0 ? args.length + spec.keys.last : spec.keys.last;
  const indexes: number[] = [];
  for (let i = first; i <= last && i < args.length; i += step) indexes.push(i);
  return indexes;
}

/** Every command, by lower-case name. */
export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>();

  constructor(specs: Iterable<CommandSpec>) {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} registered twice`);
      this.byName.set(spec.name, spec);
      // Clients send names in upper case as often as in lower case: both hit without lower-casing.
      this.byName.set(spec.name.toUpperCase(), spec);
    }
  }

  /** The spec for a name as a client sent it; exact-case first, lower-cased only on a miss. */
  lookup(name: string): CommandSpec | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  /** Every top-level spec, once each. */
  all(): CommandSpec[] {
    return [...this.byName].filter(([name, spec]) => name === spec.name).map(([, spec]) => spec);
  }

  get size(): number {
    return this.byName.size / 2;
  }
}
