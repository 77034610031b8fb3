/**
 * @module
 * ZSCAN. A set Redis would hold as a listpack is returned whole in one call with cursor 0, in
 * order, with scores as the listpack holds them as text, as Redis does. A larger one is walked in
 * score order, and the cursor is the score to resume at, as a 64-bit number whose order is the
 * scores' order: a step takes COUNT elements and then every further element with the same score
 * as the last, so the next step can start at the next score. Elements present for the whole scan
 * are returned once each, whatever is added or removed meanwhile, with one exception: an element
 * whose score moves from ahead of the cursor to behind it during the scan. Many elements sharing
 * one score come in one step.
 */
import { formatDouble, type ReplyWriter } from "../../../resp/writer.ts";
import { globMatch } from "../../../store/glob.ts";
import type { SortedSet } from "../../../store/types/sorted-set.ts";
import { FIRST_KEY, type CommandSpec } from "../../command.ts";
import { ERR_SYNTAX, ReplyError } from "../../errors.ts";
import { parseScanCursor } from "../keys/arguments.ts";
import { isWord, parseLong } from "./arguments.ts";
import { readZset } from "./helpers.ts";

const SIGN = 1n << 63n;
const MASK = (1n << 64n) - 1n;

/** The cursor for `score`: its IEEE bits, flipped so that unsigned order is numeric order (never 0). */
export function scoreToCursor(score: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, score === 0 ? 0 : score);
  const bits = view.getBigUint64(0);
  return (bits & SIGN) !== 0n ? ~bits & MASK : bits | SIGN;
}

/** The score a cursor stands for, or undefined for a cursor no score makes (a NaN pattern). */
export function cursorToScore(cursor: bigint): number | undefined {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, (cursor & SIGN) !== 0n ? cursor ^ SIGN : ~cursor & MASK);
  const score = view.getFloat64(0);
  return score === score ? score : undefined;
}

/**
 * A score as a listpack holds it as text (Redis's `d2string`): an integer when it is one and
 * within ±2^62 (so 1e17 reads `100000000000000000`), else `%.17g`.
 */
export function listpackScoreText(score: number): string {
  if (Number.isInteger(score) && Math.abs(score) <= 2 ** 62) return Number.isSafeInteger(score) ? String(score) : BigInt(score).toString();
  return formatDouble(score);
}

/**
 * Collects the members and scores from rank `first` on: at most `count`, and then every further
 * element with the same score as the last. Returns the next cursor (0 at the end).
 */
function step(zset: SortedSet, first: number, count: number, members: string[], scores: number[]): bigint {
  const cursor = zset.at(first);
  for (let i = 0; i < count && cursor.valid; i++, cursor.next()) {
    members.push(cursor.member);
    scores.push(cursor.score);
  }
  const last = scores[scores.length - 1];
  for (; cursor.valid && cursor.score === last; cursor.next()) {
    members.push(cursor.member);
    scores.push(cursor.score);
  }
  return cursor.valid ? scoreToCursor(cursor.score) : 0n;
}

/**
 * The scan reply: the cursor, then member and score (as text: as a listpack holds it, or `%.17g`)
 * of each element whose member matches `pattern`.
 */
function scanReply(reply: ReplyWriter, cursor: bigint, members: string[], scores: number[], pattern: string | undefined, listpack: boolean): void {
  let matching = members.length;
  if (pattern !== undefined) {
    matching = 0;
    for (let i = 0; i < members.length; i++) {
      if (!globMatch(pattern, members[i]!)) continue;
      members[matching] = members[i]!;
      scores[matching++] = scores[i]!;
    }
  }
  reply.array(2);
  reply.bulk(String(cursor));
  reply.array(matching * 2);
  for (let i = 0; i < matching; i++) {
    reply.bulk(members[i]!);
    reply.bulk(listpack ? listpackScoreText(scores[i]!) : formatDouble(scores[i]!));
  }
}

/** ZSCAN key cursor [MATCH pattern] [COUNT count] — O(log n + COUNT) per call. */
export const ZSCAN = {
  name: "zscan",
  arity: -3,
  flags: ["readonly"],
  keys: FIRST_KEY,
  categories: ["read", "sortedset", "slow"],
  run(ctx, args) {
    const cursor = parseScanCursor(args[2]!);
    const zset = readZset(ctx, args[1]!);
    const { reply } = ctx;
    if (zset === undefined) return scanReply(reply, 0n, [], [], undefined, false);
    let count = 10;
    let pattern: string | undefined;
    for (let i = 3; i < args.length; i += 2) {
      if (isWord(args[i]!, "count") && i + 1 < args.length) {
        count = parseLong(args[i + 1]!);
        if (count < 1) throw new ReplyError(ERR_SYNTAX);
      } else if (isWord(args[i]!, "match") && i + 1 < args.length) {
        const text = args[i + 1]!;
        // A lone `*` matches everything, the empty member too, so Redis skips matching.
        pattern = text === "*" ? undefined : text;
      } else throw new ReplyError(ERR_SYNTAX);
    }
    const members: string[] = [];
    const scores: number[] = [];
    if (zset.isListpack) {
      step(zset, 0, Infinity, members, scores);
      return scanReply(reply, 0n, members, scores, pattern, true);
    }
    let first = 0;
    if (cursor !== 0n) {
      const score = cursorToScore(cursor);
      first = score === undefined ? zset.size : zset.firstAtOrAbove(score);
    }
    scanReply(reply, step(zset, first, count, members, scores), members, scores, pattern, false);
  },
} satisfies CommandSpec;
