/**
 * @module
 * OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP: what Redis reports about a key's value.
 * Encodings come from the value (`stringEncoding` for strings, `encoding()` for other types);
 * reference counts are what Redis 7.0 reports (its shared integers 0..9999 say INT_MAX); idle
 * time comes from the keyspace's LRU clock. There is no LFU policy, so FREQ always refuses.
 */
import type { Value } from "../../../store/keyspace.ts";
import { integerValue, stringEncoding } from "../../../store/types/string.ts";
import { NO_KEYS, type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_LFU_NOT_SELECTED, ReplyError } from "../../errors.ts";

/** Redis's OBJECT_SHARED_INTEGERS and the refcount its shared objects report (OBJ_SHARED_REFCOUNT). */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

/** OBJECT HELP's lines after the header, as Redis 7.0 sends them. */
const HELP = [
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
];

/** The value at the key argument without touching it, or undefined after replying null (as Redis). */
function lookup({ db, reply }: CommandContext, key: string): Value | undefined {
  const value = db.peek(key);
  if (value === undefined) reply.null();
  return value;
}

/** The reference count Redis 7.0 reports: its shared small integers say INT_MAX. */
function refcount(value: Value): number {
  if (typeof value !== "string" || stringEncoding(value) !== "int") return 1;
  const number = integerValue(value);
  return typeof number === "number" && number >= 0 && number < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

/** A subcommand taking one key. */
function keySubcommand(name: string, answer: (ctx: CommandContext, key: string, value: Value) => void): CommandSpec {
  return {
    name: `object|${name}`,
    arity: 3,
    flags: ["readonly"],
    keys: { first: 2, last: 2, step: 1 },
    categories: ["keyspace", "read", "slow"],
    run(ctx, args) {
      const value = lookup(ctx, args[2]!);
      if (value !== undefined) answer(ctx, args[2]!, value);
    },
  };
}

/** OBJECT ENCODING key — O(1). */
export const OBJECT_ENCODING = keySubcommand("encoding", ({ reply }, _key, value) => {
  reply.bulk(typeof value === "string" ? stringEncoding(value) : value.encoding());
});

/** OBJECT REFCOUNT key — O(1). */
export const OBJECT_REFCOUNT = keySubcommand("refcount", ({ reply }, _key, value) => {
  reply.integer(refcount(value));
});

/** OBJECT IDLETIME key — O(1). Seconds since the last access, on Redis's 1-second LRU clock. */
export const OBJECT_IDLETIME = keySubcommand("idletime", ({ db, reply }, key) => {
  reply.integer(db.idleSeconds(key));
});

/** OBJECT FREQ key — O(1). Needs an LFU maxmemory policy, which bunredis does not have. */
export const OBJECT_FREQ = keySubcommand("freq", () => {
  throw new ReplyError(ERR_LFU_NOT_SELECTED);
});

/** OBJECT HELP — the subcommands, one line each (simple strings, as Redis's addReplyHelp). */
export const OBJECT_HELP = {
  name: "object|help",
  arity: 2,
  flags: ["loading", "stale"],
  keys: NO_KEYS,
  categories: ["keyspace", "slow"],
  run({ reply }, args) {
    reply.array(HELP.length + 1);
    reply.simple(`${args[0]!.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
    for (const line of HELP) reply.simple(line);
  },
} satisfies CommandSpec;

/** OBJECT <subcommand> — the container. */
export const OBJECT = {
  name: "object",
  arity: -2,
  flags: [],
  keys: NO_KEYS,
  categories: ["slow"],
  // Redis lists subcommands in its dict's (per-process random) order; this is one it uses.
  subcommands: {
    encoding: OBJECT_ENCODING,
    help: OBJECT_HELP,
    idletime: OBJECT_IDLETIME,
    freq: OBJECT_FREQ,
    refcount: OBJECT_REFCOUNT,
  },
} satisfies CommandSpec;
