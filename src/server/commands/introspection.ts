/**
 * @module
 * COMMAND and its subcommands: what the server can do, described in Redis 7.0's reply formats.
 * Arity, flags, legacy key positions and ACL categories come from the command specs themselves
 * (the one table the dispatcher also reads); key specifications, tips and the documentation
 * fields of COMMAND DOCS are data Redis ships with each command, kept in command-docs.json
 * (written by scripts/gen-command-docs.ts from redis-server 7.0.15) and served only for the
 * commands this server registers.
 */
import type { ReplyWriter } from "../../resp/writer.ts";
import { toInteger } from "../arguments.ts";
import { arityMatches, keyIndexes, NO_KEYS, type CommandContext, type CommandFlag, type CommandSpec } from "../command.ts";
import { ERR_GETKEYS_INVALID_ARGS, ERR_GETKEYS_INVALID_ARITY, ERR_GETKEYS_INVALID_COMMAND, ERR_GETKEYS_NO_KEYS, ERR_SYNTAX, ReplyError } from "../errors.ts";
import type { Server } from "../server.ts";
import { globMatch } from "../../store/glob.ts";
import commandDocs from "../command-docs.json" with { type: "json" };

/** A documentation value as JSON holds it: maps as objects, arrays and sets as arrays. */
export type DocValue = string | number | DocValue[] | { [key: string]: DocValue };

/** One key specification (Redis 7.0's `key_specs` entry). */
export interface KeySpec {
  notes?: string;
  /** `RO`, `RW`, `OW`, `RM`, `access`, `update`, `insert`, `delete`, `not_key`, `incomplete`, `variable_flags`. */
  flags: string[];
  begin_search: { type: string; spec: { [name: string]: number | string } };
  find_keys: { type: string; spec: { [name: string]: number } };
}

/** What Redis ships with one command (or subcommand, by full name `container|sub`). */
export interface CommandData {
  tips: string[];
  key_specs: KeySpec[];
  /** COMMAND DOCS's map without `subcommands` (which is built from the registered subcommands). */
  docs: { [key: string]: DocValue };
}

/** The shape of command-docs.json. */
export interface CommandDocsFile {
  redis_version: string;
  commands: { [fullName: string]: CommandData };
}

/** The shipped command data. */
export const COMMAND_DATA = commandDocs as unknown as CommandDocsFile;

/** What a command not in the data has: no tips, no key specs, no documentation. */
const NO_DATA: CommandData = { tips: [], key_specs: [], docs: {} };

/** The shipped data of `fullName` (`get`, `config|get`). */
export function commandData(fullName: string, file: CommandDocsFile = COMMAND_DATA): CommandData {
  return file.commands[fullName] ?? NO_DATA;
}

/** COMMAND INFO's flags in the order Redis lists them; sentinel, only_sentinel and protected are never shown. */
const FLAG_ORDER: readonly CommandFlag[] = [
  "write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript", "blocking", "loading", "stale",
  "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth", "may_replicate", "no_mandatory_keys",
  "no_async_loading", "no_multi", "movablekeys", "allow_busy",
];

/** ACL categories in Redis's table order, which is the order COMMAND INFO lists them in. */
export const ACL_CATEGORIES: readonly string[] = [
  "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo",
  "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
];

/** The flags of `spec` as COMMAND INFO shows them. */
export function shownFlags(spec: CommandSpec): string[] {
  return FLAG_ORDER.filter((flag) => spec.flags.includes(flag));
}

/** The categories of `spec` as COMMAND INFO shows them (unknown names last, so a typo shows). */
export function shownCategories(spec: CommandSpec): string[] {
  const known = ACL_CATEGORIES.filter((category) => spec.categories.includes(category));
  const unknown = spec.categories.filter((category) => !ACL_CATEGORIES.includes(category));
  return [...known, ...unknown].map((category) => `@${category}`);
}

/**
 * Writes one documentation value. JSON cannot say "set" or "simple string", so the keys whose
 * values Redis sends that way are named here: `flags` and `doc_flags` are sets of simple strings,
 * `history` a set of [version, description] arrays; everything else is maps, arrays, bulk strings
 * and integers. scripts/gen-command-docs.ts checks these rules against redis-server byte for byte.
 */
export function writeDocValue(reply: ReplyWriter, value: DocValue, key = ""): void {
  if (typeof value === "string") reply.bulk(value);
  else if (typeof value === "number") reply.integer(value);
  else if (Array.isArray(value)) {
    if (key === "flags" || key === "doc_flags") {
      reply.set(value.length);
      for (const flag of value) reply.simple(String(flag));
      return;
    }
    if (key === "history") reply.set(value.length);
    else reply.array(value.length);
    for (const item of value) writeDocValue(reply, item);
  } else {
    const entries = Object.entries(value);
    reply.map(entries.length);
    for (const [name, item] of entries) {
      reply.bulk(name);
      writeDocValue(reply, item, name);
    }
  }
}

/** Writes `name` and its COMMAND DOCS map; `subcommands` are the full names to nest, in order. */
export function writeCommandDocs(reply: ReplyWriter, file: CommandDocsFile, fullName: string, subcommands: readonly string[]): void {
  const docs = commandData(fullName, file).docs;
  const entries = Object.entries(docs);
  reply.bulk(fullName);
  reply.map(entries.length + (subcommands.length > 0 ? 1 : 0));
  for (const [name, value] of entries) {
    reply.bulk(name);
    writeDocValue(reply, value, name);
  }
  if (subcommands.length === 0) return;
  reply.bulk("subcommands");
  reply.map(subcommands.length);
  for (const sub of subcommands) writeCommandDocs(reply, file, sub, []);
}

/** The subcommands of `spec`, in registration order. */
function subcommandsOf(spec: CommandSpec): CommandSpec[] {
  return spec.subcommands ? Object.values(spec.subcommands) : [];
}

/** Writes COMMAND INFO's 10-element entry for `spec` (subcommands nested the same way). */
export function writeCommandInfo(reply: ReplyWriter, spec: CommandSpec): void {
  const data = commandData(spec.name);
  reply.array(10);
  reply.bulk(spec.name);
  reply.integer(spec.arity);
  const flags = shownFlags(spec);
  reply.set(flags.length);
  for (const flag of flags) reply.simple(flag);
  reply.integer(spec.keys.first);
  reply.integer(spec.keys.last);
  reply.integer(spec.keys.step);
  const categories = shownCategories(spec);
  reply.set(categories.length);
  for (const category of categories) reply.simple(category);
  reply.set(data.tips.length);
  for (const tip of data.tips) reply.bulk(tip);
  reply.set(data.key_specs.length);
  for (const keySpec of data.key_specs) writeDocValue(reply, keySpec as unknown as DocValue);
  const subs = subcommandsOf(spec);
  // Redis answers an empty set for a command without subcommands, an array for a container.
  if (subs.length === 0) reply.set(0);
  else {
    reply.array(subs.length);
    for (const sub of subs) writeCommandInfo(reply, sub);
  }
}

/** The spec named `name` as COMMAND INFO/DOCS take it: `get`, `CONFIG`, or a full name `config|get`. */
export function findByFullName(server: Server, name: string): CommandSpec | undefined {
  const bar = name.indexOf("|");
  if (bar < 0) return server.commands.lookup(name);
  const container = server.commands.lookup(name.slice(0, bar));
  const rest = name.slice(bar + 1);
  if (!container?.subcommands || rest.includes("|")) return undefined;
  return container.subcommands[rest.toLowerCase()];
}

/** Every registered command name, each container followed by its subcommands (COMMAND LIST). */
function allNames(server: Server): CommandSpec[] {
  const specs: CommandSpec[] = [];
  for (const spec of server.commands.all()) specs.push(spec, ...subcommandsOf(spec));
  return specs;
}

/** COMMAND — O(N) in the number of commands: COMMAND INFO of every command. */
function commandAll(ctx: CommandContext): void {
  const specs = ctx.server.commands.all();
  ctx.reply.array(specs.length);
  for (const spec of specs) writeCommandInfo(ctx.reply, spec);
}

/** COMMAND COUNT — O(1). */
export const COMMAND_COUNT = {
  name: "command|count",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow", "connection"],
  run({ server, reply }) {
    reply.integer(server.commands.size);
  },
} satisfies CommandSpec;

/** COMMAND INFO [command-name ...] — O(N) in the number of commands asked for; nil for unknown names. */
export const COMMAND_INFO = {
  name: "command|info",
  arity: -2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow", "connection"],
  run(ctx, args) {
    if (args.length === 2) return commandAll(ctx);
    ctx.reply.array(args.length - 2);
    for (let i = 2; i < args.length; i++) {
      const spec = findByFullName(ctx.server, args[i]!);
      if (spec) writeCommandInfo(ctx.reply, spec);
      else ctx.reply.null();
    }
  },
} satisfies CommandSpec;

/** COMMAND DOCS [command-name ...] — O(N) in the number of commands asked for; unknown names are left out. */
export const COMMAND_DOCS = {
  name: "command|docs",
  arity: -2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow", "connection"],
  run({ server, reply }, args) {
    const specs: CommandSpec[] = [];
    if (args.length === 2) specs.push(...server.commands.all());
    for (let i = 2; i < args.length; i++) {
      const spec = findByFullName(server, args[i]!);
      if (spec) specs.push(spec);
    }
    reply.map(specs.length);
    for (const spec of specs) writeCommandDocs(reply, COMMAND_DATA, spec.name, subcommandsOf(spec).map((sub) => sub.name));
  },
} satisfies CommandSpec;

/** COMMAND LIST [FILTERBY MODULE module-name|ACLCAT category|PATTERN pattern] — O(N) in the number of commands. */
export const COMMAND_LIST = {
  name: "command|list",
  arity: -2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow", "connection"],
  run({ server, reply }, args) {
    let filter: (spec: CommandSpec) => boolean = () => true;
    if (args.length !== 2) {
      if (args.length !== 5 || args[2]!.toLowerCase() !== "filterby") throw new ReplyError(ERR_SYNTAX);
      const kind = args[3]!.toLowerCase();
      const value = args[4]!;
      if (kind === "module") filter = () => false;
      else if (kind === "aclcat") {
        const category = value.toLowerCase();
        filter = ACL_CATEGORIES.includes(category) ? (spec) => spec.categories.includes(category) : () => false;
      } else if (kind === "pattern") filter = (spec) => globMatch(value, spec.name, true);
      else throw new ReplyError(ERR_SYNTAX);
    }
    reply.bulkArray(allNames(server).filter(filter).map((spec) => spec.name));
  },
} satisfies CommandSpec;

/** One key of a call and the flags of the key specification that found it. */
interface FoundKey {
  index: number;
  flags: readonly string[];
}

/**
 * Redis's `getKeysUsingKeySpecs`: the keys the specifications find in `args`. Undefined when a
 * specification cannot be applied (unknown kind, out of bounds, incomplete) unless `partial`,
 * which skips such specifications and keeps what the others found.
 */
function keysFromSpecs(specs: readonly KeySpec[], args: readonly string[], arity: number, partial: boolean): FoundKey[] | undefined {
  const argc = args.length;
  const found: FoundKey[] = [];
  for (const spec of specs) {
    if (spec.flags.includes("not_key")) continue;
    let first = 0;
    const begin = spec.begin_search;
    if (begin.type === "index") first = Number(begin.spec.index);
    else if (begin.type === "keyword") {
      const startFrom = Number(begin.spec.startfrom);
      const keyword = String(begin.spec.keyword).toLowerCase();
      const start = startFrom > 0 ? startFrom : argc + startFrom;
      const end = startFrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (args[i]!.toLowerCase() === keyword) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue; // keyword absent: this specification finds nothing
    } else if (partial) continue;
    else return undefined;

    let last: number;
    let step: number;
    const find = spec.find_keys;
    if (find.type === "range") {
      const { lastkey, keystep, limit } = find.spec as { lastkey: number; keystep: number; limit: number };
      step = keystep;
      if (lastkey >= 0) last = first + lastkey;
      else if (!limit) last = argc + lastkey;
      else last = first + (Math.trunc((argc - first) / limit) + lastkey);
    } else if (find.type === "keynum") {
      const { keynumidx, firstkey, keystep } = find.spec as { keynumidx: number; firstkey: number; keystep: number };
      step = keystep;
      const numkeys = keynumidx < argc ? toInteger(args[first + keynumidx] ?? "") : undefined;
      if (numkeys === undefined || numkeys < 0) {
        if (partial) continue;
        return undefined;
      }
      first += firstkey;
      last = first + numkeys - 1;
    } else if (partial) continue;
    else return undefined;

    if (last >= argc || last < first || first >= argc) {
      if (partial) continue;
      return undefined;
    }
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < first) {
        if (arity < 0) continue;
        break;
      }
      found.push({ index: i, flags: spec.flags });
    }
    if (spec.flags.includes("incomplete") && !partial) return undefined;
  }
  return found;
}

/**
 * The access flags of the key of the commands whose key specification says `variable_flags`:
 * they depend on the arguments, and Redis's own key procedures work them out (setGetKeys,
 * bitfieldGetKeys). Keyed by command name; each gets the call's arguments.
 */
const VARIABLE_KEY_FLAGS: Readonly<Record<string, (args: readonly string[]) => string[]>> = {
  // SET ... GET reads the old value; a plain SET overwrites.
  set: (args) => (args.slice(3).some((arg) => arg.toLowerCase() === "get") ? ["RW", "access", "update"] : ["OW", "update"]),
  // BITFIELD with only GET (and OVERFLOW) subcommands reads; anything else, even a syntax error, may write.
  bitfield: (args) => {
    for (let i = 2; i < args.length; i++) {
      const rest = args.length - i - 1;
      const arg = args[i]!.toLowerCase();
      if (arg === "get" && rest >= 2) i += 2;
      else if (arg === "overflow" && rest >= 1) i += 1;
      else return ["RW", "access", "update"];
    }
    return ["RO", "access"];
  },
};

/**
 * The keys of a call, as Redis's `getKeysFromCommandWithSpecs` finds them: from the key
 * specifications when they are complete and reliable, else from the spec's own key positions
 * (its `keyIndexes`, Redis's getkeys procedure), with flags taken from the specification that
 * covers each key. Undefined when the arguments do not make sense for the command.
 */
export function commandKeys(spec: CommandSpec, args: readonly string[]): FoundKey[] | undefined {
  const specs = commandData(spec.name).key_specs;
  const hasKeySpec = specs.some((keySpec) => !keySpec.flags.includes("not_key"));
  const variableFlags = specs.some((keySpec) => keySpec.flags.includes("variable_flags"));
  if (hasKeySpec && !variableFlags) {
    const found = keysFromSpecs(specs, args, spec.arity, false);
    if (found) return found;
    // Specs that fail with no key procedure to fall back on find nothing, as in Redis (PFMERGE dest).
    if (spec.keyIndexes === undefined) return undefined;
  }
  let indexes: number[];
  try {
    indexes = keyIndexes(spec, args);
  } catch {
    return undefined;
  }
  if (indexes.some((index) => index < 1 || index >= args.length || !Number.isInteger(index))) return undefined;
  const variable = VARIABLE_KEY_FLAGS[spec.name];
  if (variableFlags && variable) return indexes.map((index) => ({ index, flags: variable(args) }));
  const covered = keysFromSpecs(specs, args, spec.arity, true) ?? [];
  // A key no complete specification covers belongs to an open-ended one (SORT's STORE, say).
  const fallback = [...specs].reverse().find((keySpec) => keySpec.begin_search.type === "unknown") ?? specs[specs.length - 1];
  return indexes.map((index) => ({ index, flags: covered.find((key) => key.index === index)?.flags ?? fallback?.flags ?? [] }));
}

/** Whether `spec` can have keys at all (Redis's `doesCommandHaveKeys`). */
function hasKeys(spec: CommandSpec): boolean {
  if (spec.keyIndexes !== undefined) return true;
  // Key specs decide when there are some: SSUBSCRIBE's channels are in the legacy range but not_key.
  const keySpecs = commandData(spec.name).key_specs;
  return keySpecs.length === 0 ? spec.keys.first !== 0 : keySpecs.some((keySpec) => !keySpec.flags.includes("not_key"));
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS: finds the keys of the command in `args[2..]`. */
function getKeys({ server, reply }: CommandContext, args: string[], withFlags: boolean): void {
  const call = args.slice(2);
  let spec = server.commands.lookup(call[0]!);
  if (spec?.subcommands && call.length >= 2) spec = spec.subcommands[call[1]!.toLowerCase()];
  if (!spec) throw new ReplyError(ERR_GETKEYS_INVALID_COMMAND);
  if (!hasKeys(spec)) throw new ReplyError(ERR_GETKEYS_NO_KEYS);
  if (!arityMatches(spec, call.length)) throw new ReplyError(ERR_GETKEYS_INVALID_ARITY);
  const keys = commandKeys(spec, call) ?? [];
  if (keys.length === 0) {
    if (!spec.flags.includes("no_mandatory_keys")) throw new ReplyError(ERR_GETKEYS_INVALID_ARGS);
    reply.array(0);
    return;
  }
  reply.array(keys.length);
  for (const key of keys) {
    if (!withFlags) {
      reply.bulk(call[key.index]!);
      continue;
    }
    reply.array(2);
    reply.bulk(call[key.index]!);
    reply.set(key.flags.length);
    for (const flag of key.flags) reply.simple(flag);
  }
}

/** COMMAND GETKEYS command [arg ...] — O(N) in the number of arguments. */
export const COMMAND_GETKEYS = {
  name: "command|getkeys",
  arity: -4,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow", "connection"],
  run(ctx, args) {
    getKeys(ctx, args, false);
  },
} satisfies CommandSpec;

/** COMMAND GETKEYSANDFLAGS command [arg ...] — O(N) in the number of arguments. */
export const COMMAND_GETKEYSANDFLAGS = {
  name: "command|getkeysandflags",
  arity: -4,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow", "connection"],
  run(ctx, args) {
    getKeys(ctx, args, true);
  },
} satisfies CommandSpec;

/** Redis's help text for `command` (`addReplyHelp`): a header, then the given lines, then HELP. */
export function writeHelp(reply: ReplyWriter, command: string, lines: readonly string[]): void {
  reply.array(lines.length + 3);
  reply.simple(`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const line of lines) reply.simple(line);
  reply.simple("HELP");
  reply.simple("    Prints this help.");
}

/** COMMAND HELP — O(1). */
export const COMMAND_HELP = {
  name: "command|help",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow", "connection"],
  run({ reply }) {
    writeHelp(reply, "COMMAND", [
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
    ]);
  },
} satisfies CommandSpec;

/** COMMAND [subcommand ...] — without a subcommand, COMMAND INFO of every command. */
export const COMMAND = {
  name: "command",
  arity: -1,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["slow", "connection"],
  subcommands: {
    count: COMMAND_COUNT,
    docs: COMMAND_DOCS,
    getkeys: COMMAND_GETKEYS,
    getkeysandflags: COMMAND_GETKEYSANDFLAGS,
    help: COMMAND_HELP,
    info: COMMAND_INFO,
    list: COMMAND_LIST,
  },
  run: commandAll,
} satisfies CommandSpec;

/** The introspection group. */
export const INTROSPECTION_COMMANDS: CommandSpec[] = [COMMAND];
