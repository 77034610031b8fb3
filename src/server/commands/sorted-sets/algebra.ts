/**
 * @module
 * Set algebra over sorted sets (and plain sets, whose members score 1): ZUNION, ZINTER, ZDIFF,
 * their STORE forms and ZINTERCARD, one generic command as in Redis
 * (`zunionInterDiffGenericCommand`), including its floating-point conventions: a weighted score
 * that is NaN (0 × inf) counts as 0, and a SUM of inf and -inf is 0.
 */
import type { Value } from "../../../store/keyspace.ts";
import { RedisSet } from "../../../store/types/set.ts";
import { SortedSet } from "../../../store/types/sorted-set.ts";
import type { CommandContext, CommandFlag, CommandSpec } from "../../command.ts";
import { ERR_SYNTAX, ERR_WRONGTYPE, ERR_ZSET_LIMIT_NEGATIVE, ERR_ZSET_NO_INPUT_KEYS, ERR_ZSET_WEIGHT, ReplyError } from "../../errors.ts";
import { isWord, parseLong, parsePositiveLong, parseScore } from "./arguments.ts";
import { NOTIFY_GENERIC, NOTIFY_ZSET } from "../../notifications.ts";
import { elementsFrom, numkeysKeys } from "./helpers.ts";

type Operation = "union" | "inter" | "diff";
type Aggregate = "sum" | "min" | "max";

/** One input: a sorted set, a set, or nothing (a missing key), with its weight. */
interface Source {
  readonly zset: SortedSet | undefined;
  readonly set: RedisSet | undefined;
  readonly size: number;
  weight: number;
}

/** The score of `member` in `source` (1 for a set member), or undefined. */
function find(source: Source, member: string): number | undefined {
  if (source.zset !== undefined) return source.zset.score(member);
  return source.set !== undefined && source.set.has(member) ? 1 : undefined;
}

/** Calls `visit` for each (member, score) of `source`. */
function forEach(source: Source, visit: (member: string, score: number) => boolean | void): void {
  if (source.zset !== undefined) {
    for (const cursor = source.zset.at(0); cursor.valid; cursor.next()) if (visit(cursor.member, cursor.score) === false) return;
  } else if (source.set !== undefined) {
    for (let i = 0; i < source.size; i++) if (visit(source.set.at(i), 1) === false) return;
  }
}

/** Redis's `zunionInterAggregate`. */
function aggregate(target: number, value: number, mode: Aggregate): number {
  if (mode === "sum") {
    const sum = target + value;
    return sum !== sum ? 0 : sum;
  }
  if (mode === "min") return value < target ? value : target;
  return value > target ? value : target;
}

/** A source key read as Redis does (a read lookup, sorted sets and sets only). */
function lookupSource(ctx: CommandContext, key: string): Source {
  const value: Value | undefined = ctx.server.lookupRead(ctx.db, key);
  if (value === undefined) return { zset: undefined, set: undefined, size: 0, weight: 1 };
  if (value instanceof SortedSet) return { zset: value, set: undefined, size: value.size, weight: 1 };
  if (value instanceof RedisSet) return { zset: undefined, set: value, size: value.size, weight: 1 };
  throw new ReplyError(ERR_WRONGTYPE);
}

/** What the command does with the result. */
type Output = { kind: "reply" } | { kind: "store"; key: string } | { kind: "cardinality" };

/** The union of `sources` as member -> aggregated score. */
function union(sources: Source[], mode: Aggregate): Map<string, number> {
  const result = new Map<string, number>();
  for (const source of sources) {
    if (source.size === 0) continue;
    const weight = source.weight;
    forEach(source, (member, score) => {
      let weighted = weight * score;
      if (weighted !== weighted) weighted = 0;
      const existing = result.get(member);
      result.set(member, existing === undefined ? weighted : aggregate(existing, weighted, mode));
    });
  }
  return result;
}

/**
 * The intersection of `sources` (smallest first), or with `count` only its size up to `limit`
 * (0: no limit). Only the first input's weighted score is cleared of NaN, as in Redis.
 */
function intersection(sources: Source[], mode: Aggregate, count: boolean, limit: number): Map<string, number> | number {
  const result = new Map<string, number>();
  let cardinality = 0;
  const first = sources[0]!;
  if (first.size > 0) {
    forEach(first, (member, score) => {
      let total = first.weight * score;
      if (total !== total) total = 0;
      for (let j = 1; j < sources.length; j++) {
        const found = find(sources[j]!, member);
        if (found === undefined) return;
        total = aggregate(total, found * sources[j]!.weight, mode);
      }
      if (!count) result.set(member, total);
      else if (++cardinality === limit) return false;
    });
  }
  return count ? cardinality : result;
}

/** The members of the first source in none of the others, with their scores. */
function difference(sources: Source[]): Map<string, number> {
  const result = new Map<string, number>();
  const first = sources[0]!;
  if (first.size === 0) return result;
  forEach(first, (member, score) => {
    for (let j = 1; j < sources.length; j++) if (sources[j]!.size > 0 && find(sources[j]!, member) !== undefined) return;
    result.set(member, score);
  });
  return result;
}

/**
 * Redis's `zunionInterDiffGenericCommand`: numkeys at `args[numkeysAt]`, the keys after it, then
 * WEIGHTS / AGGREGATE (not for ZDIFF or ZINTERCARD), WITHSCORES (replying forms) or LIMIT
 * (ZINTERCARD).
 */
function algebra(ctx: CommandContext, args: string[], numkeysAt: number, operation: Operation, output: Output, name: string): void {
  const keys = parseLong(args[numkeysAt]!);
  if (keys < 1) throw new ReplyError(ERR_ZSET_NO_INPUT_KEYS(name));
  if (keys > args.length - numkeysAt - 1) throw new ReplyError(ERR_SYNTAX);
  const sources: Source[] = [];
  let i = numkeysAt + 1;
  for (const end = i + keys; i < end; i++) sources.push(lookupSource(ctx, args[i]!));

  const cardinality = output.kind === "cardinality";
  const weighted = operation !== "diff" && !cardinality;
  let mode: Aggregate = "sum";
  let withScores = false;
  let limit = 0;
  while (i < args.length) {
    const word = args[i]!;
    const remaining = args.length - i;
    if (weighted && remaining >= keys + 1 && isWord(word, "weights")) {
      i++;
      for (const source of sources) source.weight = parseScore(args[i++]!, ERR_ZSET_WEIGHT);
    } else if (weighted && remaining >= 2 && isWord(word, "aggregate")) {
      const value = args[i + 1]!;
      if (isWord(value, "sum")) mode = "sum";
      else if (isWord(value, "min")) mode = "min";
      else if (isWord(value, "max")) mode = "max";
      else throw new ReplyError(ERR_SYNTAX);
      i += 2;
    } else if (output.kind === "reply" && isWord(word, "withscores")) {
      withScores = true;
      i++;
    } else if (cardinality && remaining >= 2 && isWord(word, "limit")) {
      limit = parsePositiveLong(args[i + 1]!, ERR_ZSET_LIMIT_NEGATIVE);
      i += 2;
    } else throw new ReplyError(ERR_SYNTAX);
  }

  // Smallest first (a stable sort, as Redis's qsort is for so few): intersections stop early, and
  // the order of the aggregation is Redis's.
  if (operation !== "diff") sources.sort((a, b) => a.size - b.size);
  if (cardinality) {
    ctx.reply.integer(intersection(sources, mode, true, limit) as number);
    return;
  }
  const scores = operation === "union" ? union(sources, mode) : operation === "inter" ? (intersection(sources, mode, false, 0) as Map<string, number>) : difference(sources);
  if (output.kind === "store") {
    if (scores.size === 0) {
      ctx.reply.integer(0);
      if (ctx.db.delete(output.key)) ctx.db.keyChanged(output.key, "del", NOTIFY_GENERIC);
    } else {
      ctx.db.set(output.key, SortedSet.fromScores(scores, ctx.server.config));
      ctx.reply.integer(scores.size);
      ctx.db.keyChanged(output.key, `z${operation}store`, NOTIFY_ZSET);
    }
    return;
  }
  const result = SortedSet.fromScores(scores, null);
  elementsFrom(ctx.reply, result.at(0), result.size, false, withScores);
}

/** A replying form's spec (ZUNION, ZINTER, ZDIFF, ZINTERCARD): numkeys first. */
function readSpec(name: string, operation: Operation, output: Output): CommandSpec {
  const flags: CommandFlag[] = ["readonly", "movablekeys"];
  return {
    name,
    arity: -3,
    flags,
    keys: { first: 0, last: 0, step: 0 },
    categories: ["read", "sortedset", "slow"],
    keyIndexes: (args) => numkeysKeys(args, 1, 0),
    run: (ctx, args) => algebra(ctx, args, 1, operation, output, name),
  };
}

/** A STORE form's spec: destination, then numkeys. */
function storeSpec(name: string, operation: Operation): CommandSpec {
  return {
    name,
    arity: -4,
    flags: ["write", "denyoom", "movablekeys"],
    keys: { first: 1, last: 1, step: 1 },
    categories: ["write", "sortedset", "slow"],
    keyIndexes: (args) => numkeysKeys(args, 2, 1),
    run: (ctx, args) => algebra(ctx, args, 2, operation, { kind: "store", key: args[1]! }, name),
  };
}

const REPLY: Output = { kind: "reply" };

/** ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES] — O(N + M log M). */
export const ZUNION = readSpec("zunion", "union", REPLY);
/** ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES] — O(N·K + M log M). */
export const ZINTER = readSpec("zinter", "inter", REPLY);
/** ZDIFF numkeys key [key ...] [WITHSCORES] — O(L + (N-K) log N). */
export const ZDIFF = readSpec("zdiff", "diff", REPLY);
/** ZINTERCARD numkeys key [key ...] [LIMIT limit] — O(N·K). */
export const ZINTERCARD = readSpec("zintercard", "inter", { kind: "cardinality" });
/** ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] — O(N + M log M). */
export const ZUNIONSTORE = storeSpec("zunionstore", "union");
/** ZINTERSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] — O(N·K + M log M). */
export const ZINTERSTORE = storeSpec("zinterstore", "inter");
/** ZDIFFSTORE destination numkeys key [key ...] — O(L + (N-K) log N). */
export const ZDIFFSTORE = storeSpec("zdiffstore", "diff");
