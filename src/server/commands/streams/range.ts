/**
 * @module
 * Reading a stream by id range and its length: XRANGE, XREVRANGE, XLEN. Bounds are `-`, `+`, ids
 * (an incomplete `<ms>` starts at `<ms>-0` and ends at `<ms>-18446744073709551615`) or `(id` for
 * an exclusive bound, parsed and checked in Redis's order.
 */
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../../command.ts";
import { ERR_SYNTAX, ReplyError } from "../../errors.ts";
import { U64_MAX } from "../../../store/types/stream-id.ts";
import { longLong, parseRangeBound, readStream, writeRange } from "./helpers.ts";

/** XRANGE/XREVRANGE (Redis's xrangeGenericCommand): `reverse` swaps the bound arguments. */
function range(ctx: CommandContext, args: string[], reverse: boolean): void {
  const start = parseRangeBound(args[reverse ? 3 : 2]!, 0, true);
  const end = parseRangeBound(args[reverse ? 2 : 3]!, U64_MAX, false);
  let count = -1;
  for (let i = 4; i < args.length; i++) {
    if (args[i]!.toLowerCase() === "count" && i + 1 < args.length) {
      const value = longLong(args[i + 1]!);
      count = value < 0 ? 0 : value;
      i++;
    } else throw new ReplyError(ERR_SYNTAX);
  }
  const stream = readStream(ctx, args[1]!);
  if (stream === undefined) return ctx.reply.array(0);
  // COUNT 0 answers the null array, as Redis does.
  if (count === 0) return ctx.reply.nullArray();
  writeRange(ctx.reply, stream, start, end, count === -1 ? 0 : count, reverse);
}

/**
 * XRANGE key start end [COUNT count] — O(log N + M), M the entries returned. The entries with
 * ids from start to end, in order.
 */
export const XRANGE = {
  name: "xrange",
  arity: -4,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "stream", "slow"],
  run(ctx, args) {
    range(ctx, args, false);
  },
} satisfies CommandSpec;

/** XREVRANGE key end start [COUNT count] — O(log N + M). As XRANGE, from the end backwards. */
export const XREVRANGE = {
  name: "xrevrange",
  arity: -4,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "stream", "slow"],
  run(ctx, args) {
    range(ctx, args, true);
  },
} satisfies CommandSpec;

/** XLEN key — O(1). The number of entries (0 for no key). */
export const XLEN = {
  name: "xlen",
  arity: 2,
  flags: ["readonly", "fast"],
  keys: FIRST_KEY,
  categories: ["read", "stream", "fast"],
  run(ctx, args) {
    const stream = readStream(ctx, args[1]!);
    ctx.reply.integer(stream === undefined ? 0 : stream.length);
  },
} satisfies CommandSpec;
