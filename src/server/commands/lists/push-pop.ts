/**
 * @module
 * Pushing and popping at the ends, and the length: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN.
 */
import { List } from "../../../store/types/list.ts";
import { toInteger } from "../../arguments.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_ARITY, ERR_COUNT_MUST_BE_POSITIVE, ReplyError } from "../../errors.ts";
import { listChanged, pop, popEvent, popRangeReply, pushEvent, readList, writableList, type End } from "./helpers.ts";
import { NOTIFY_LIST } from "../../notifications.ts";

/** LPUSH/RPUSH (`onlyExisting` false) and LPUSHX/RPUSHX (true). */
function pushCommand(ctx: CommandContext, args: string[], end: End, onlyExisting: boolean): void {
  const { db, reply } = ctx;
  const key = args[1]!;
  let list = writableList(db, key);
  if (list === undefined) {
    if (onlyExisting) return reply.integer(0);
    list = new List();
    db.set(key, list);
  }
  if (end === "left") for (let i = 2; i < args.length; i++) list.pushHead(args[i]!);
  else for (let i = 2; i < args.length; i++) list.pushTail(args[i]!);
  reply.integer(list.length);
  db.keyChanged(key, pushEvent(end), NOTIFY_LIST);
}

/** The spec of a push command. */
function pushSpec(name: string, end: End, onlyExisting: boolean): CommandSpec {
  return {
    name,
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    keys: FIRST_KEY,
    categories: ["write", "list", "fast"],
    run(ctx, args) {
      pushCommand(ctx, args, end, onlyExisting);
    },
  };
}

/** LPUSH key element [element ...] — O(1) per element. Creates the list; replies the new length. */
export const LPUSH = pushSpec("lpush", "left", false);
/** RPUSH key element [element ...] — O(1) per element. Creates the list; replies the new length. */
export const RPUSH = pushSpec("rpush", "right", false);
/** LPUSHX key element [element ...] — O(1) per element. Only into an existing list (else 0). */
export const LPUSHX = pushSpec("lpushx", "left", true);
/** RPUSHX key element [element ...] — O(1) per element. Only into an existing list (else 0). */
export const RPUSHX = pushSpec("rpushx", "right", true);

/**
 * LPOP/RPOP key [count]. Without a count: the element or null. With one: an array of up to
 * `count` elements, the empty array for 0, the null array for a missing key.
 */
function popCommand(ctx: CommandContext, args: string[], end: End): void {
  const { db, reply } = ctx;
  if (args.length > 3) throw new ReplyError(ERR_ARITY(end === "left" ? "lpop" : "rpop"));
  const hasCount = args.length === 3;
  let count = 1;
  if (hasCount) {
    const parsed = toInteger(args[2]!);
    if (parsed === undefined || parsed < 0) throw new ReplyError(ERR_COUNT_MUST_BE_POSITIVE);
    count = parsed;
  }
  const key = args[1]!;
  const list = writableList(db, key);
  if (list === undefined) return hasCount ? reply.nullArray() : reply.null();
  if (!hasCount) {
    reply.bulk(pop(list, end));
    listChanged(db, key, list, popEvent(end));
    return;
  }
  popRangeReply(db, key, list, end, count, reply);
}

/** LPOP key [count] — O(N) in the elements popped. */
export const LPOP = {
  name: "lpop",
  arity: -2,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "list", "fast"],
  run(ctx, args) {
    popCommand(ctx, args, "left");
  },
} satisfies CommandSpec;

/** RPOP key [count] — O(N) in the elements popped. */
export const RPOP = {
  name: "rpop",
  arity: -2,
  flags: ["write", "fast"],
  keys: FIRST_KEY,
  categories: ["write", "list", "fast"],
  run(ctx, args) {
    popCommand(ctx, args, "right");
  },
} satisfies CommandSpec;

/** LLEN key — O(1). 0 for a missing key. */
export const LLEN = {
  name: "llen",
  arity: 2,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "list", "fast"],
  run(ctx, args) {
    ctx.reply.integer(readList(ctx, args[1]!)?.length ?? 0);
  },
} satisfies CommandSpec;
