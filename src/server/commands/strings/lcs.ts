/**
 * @module
 * LCS: the longest common subsequence of two strings, by the textbook dynamic programming table
 * Redis uses (O(N×M) time and memory), so that the subsequence chosen and the match ranges
 * reported are exactly Redis's when several are equally long.
 */
import { type CommandSpec } from "../../command.ts";
import { ERR_LCS_ALLOCATION, ERR_LCS_IDX_AND_LEN, ERR_LCS_MEMORY_LIMIT, ERR_LCS_NOT_STRINGS, ERR_SYNTAX, ReplyError } from "../../errors.ts";
import { stringContent } from "../../../store/types/string.ts";
import { integerArgument, isOption } from "./helpers.ts";

/** The LCS table: cell (i, j) holds the LCS length of a[0..i) and b[0..j), row-major. */
function lcsTable(a: string, b: string): Uint32Array {
  const width = b.length + 1;
  let table: Uint32Array;
  try {
    table = new Uint32Array((a.length + 1) * width);
  } catch {
    throw new ReplyError(ERR_LCS_ALLOCATION);
  }
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * width;
    const above = row - width;
    for (let j = 1; j < width; j++) {
      table[row + j] = ca === b.charCodeAt(j - 1) ? table[above + j - 1]! + 1 : Math.max(table[above + j]!, table[row + j - 1]!);
    }
  }
  return table;
}

/** One match range: [aStart, aEnd, bStart, bEnd], inclusive. */
type Range = [number, number, number, number];

/**
 * Walks the table back from the end, as Redis does, building the LCS string and (when `ranges`
 * is given) the contiguous match ranges, last first, of at least `minLength` bytes.
 */
function backtrack(a: string, b: string, table: Uint32Array, minLength: number, ranges: Range[] | undefined): string {
  const width = b.length + 1;
  let index = table[a.length * width + b.length]!;
  const result = new Uint8Array(index);
  // aStart === a.length means "no range open".
  let aStart = a.length;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      result[index - 1] = a.charCodeAt(i - 1);
      if (aStart === a.length) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      // A match at the first byte of either string ends the walk: close the range now.
      if (aStart === 0 || bStart === 0) emit = true;
      index--;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j]! > table[i * width + j - 1]!) i--;
      else j--;
      if (aStart !== a.length) emit = true;
    }
    if (emit) {
      const length = aEnd - aStart + 1;
      if (ranges && (minLength === 0 || length >= minLength)) ranges.push([aStart, aEnd, bStart, bEnd]);
      aStart = a.length;
    }
  }
  return Buffer.from(result.buffer, 0, result.length).latin1Slice(0, result.length);
}

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN] — O(N×M). Missing keys
 * are empty strings. IDX replies a map (`matches`, `len`), a flat array in RESP2.
 */
export const LCS = {
  name: "lcs",
  arity: -3,
  flags: ["readonly"],
  keys: { first: 1, last: 2, step: 1 },
  categories: ["read", "string", "slow"],
  run(ctx, args) {
    const first = ctx.server.lookupRead(ctx.db, args[1]!);
    const second = ctx.server.lookupRead(ctx.db, args[2]!);
    const a = first === undefined ? "" : stringContent(first);
    const b = second === undefined ? "" : stringContent(second);
    if (a === undefined || b === undefined) throw new ReplyError(ERR_LCS_NOT_STRINGS);
    let getLength = false;
    let getIndexes = false;
    let withMatchLength = false;
    let minLength = 0;
    for (let j = 3; j < args.length; j++) {
      const option = args[j]!;
      if (isOption(option, "IDX")) getIndexes = true;
      else if (isOption(option, "LEN")) getLength = true;
      else if (isOption(option, "WITHMATCHLEN")) withMatchLength = true;
      else if (isOption(option, "MINMATCHLEN") && j < args.length - 1) {
        const parsed = integerArgument(args[++j]!);
        // Ranges are shorter than 2^32, so a huge minimum behaves like any minimum above that.
        minLength = parsed < 0 ? 0 : Math.min(Number(parsed), 2 ** 32);
      } else throw new ReplyError(ERR_SYNTAX);
    }
    if (getIndexes && getLength) throw new ReplyError(ERR_LCS_IDX_AND_LEN);
    if ((a.length + 1) * (b.length + 1) * 4 > ctx.server.config["proto-max-bulk-len"]) throw new ReplyError(ERR_LCS_MEMORY_LIMIT);
    const table = lcsTable(a, b);
    const total = table[a.length * (b.length + 1) + b.length]!;
    const reply = ctx.reply;
    if (getLength && !getIndexes) {
      reply.integer(total);
      return;
    }
    const ranges: Range[] | undefined = getIndexes ? [] : undefined;
    const common = backtrack(a, b, table, minLength, ranges);
    if (!ranges) {
      reply.bulk(common);
      return;
    }
    reply.map(2);
    reply.bulk("matches");
    reply.array(ranges.length);
    for (const [aStart, aEnd, bStart, bEnd] of ranges) {
      reply.array(withMatchLength ? 3 : 2);
      reply.array(2);
      reply.integer(aStart);
      reply.integer(aEnd);
      reply.array(2);
      reply.integer(bStart);
      reply.integer(bEnd);
      if (withMatchLength) reply.integer(aEnd - aStart + 1);
    }
    reply.bulk("len");
    reply.integer(total);
  },
} satisfies CommandSpec;
