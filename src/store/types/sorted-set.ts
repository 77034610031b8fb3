/**
 * @module
 * The sorted set (Redis's zset): a Map from member to score, for O(1) score lookups, beside a
 * counted B+tree ordered by (score, member), for O(log n) ranks, inserts, deletes and range
 * bounds. Positions are 0-based ranks; a `TreeCursor` walks from one.
 *
 * One structure serves every size; what Redis 7.0 would report as the encoding (`listpack` while
 * small, `skiplist` for good once an add passes a threshold) is tracked as a flag, with the two
 * traces a listpack leaves on what clients see: it stores a score of -0 as 0 (the score goes
 * through text, and `-0` reads back as the integer 0), and it answers lex ranges by walking from
 * the front, which differs from a search when the scores are not all equal.
 * Pure data: no RESP, no server; the command layer passes the config thresholds in.
 */
import { RedisObject } from "../keyspace.ts";
import { CountedBTree, type TreeCursor } from "./counted-btree.ts";

export type { TreeCursor } from "./counted-btree.ts";

/** The encoding thresholds (the server's Config satisfies this). */
export interface ZsetLimits {
  readonly "zset-max-listpack-entries": number;
  readonly "zset-max-listpack-value": number;
}

/** A score interval; exclusive ends are Redis's `(` syntax. Never NaN. */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minExclusive: boolean;
  readonly maxExclusive: boolean;
}

/** One end of a lex interval: a member (`[a`, `(a`) or the smallest/largest string (`-`, `+`). */
export interface LexBound {
  /** -1 for `-` (before every string), 1 for `+` (after every string), 0 for `value`. */
  readonly infinity: -1 | 0 | 1;
  readonly value: string;
  readonly exclusive: boolean;
}

/** A lex interval (ZRANGEBYLEX and friends); meaningful when all scores are equal. */
export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

/** Redis's `sdscmplex`: a member against a lex bound, with `-`/`+` below/above everything. */
export function compareLex(member: string, bound: LexBound): number {
  if (bound.infinity !== 0) return -bound.infinity;
  return member < bound.value ? -1 : member > bound.value ? 1 : 0;
}

/** Whether `score` is at or past the lower end of `range`. */
export function scoreAboveMin(score: number, range: ScoreRange): boolean {
  return range.minExclusive ? score > range.min : score >= range.min;
}

/** Whether `score` is at or before the upper end of `range`. */
export function scoreBelowMax(score: number, range: ScoreRange): boolean {
  return range.maxExclusive ? score < range.max : score <= range.max;
}

/** Whether `member` is at or past the lower end of `range`. */
export function lexAboveMin(member: string, range: LexRange): boolean {
  const cmp = compareLex(member, range.min);
  return range.min.exclusive ? cmp > 0 : cmp >= 0;
}

/** Whether `member` is at or before the upper end of `range`. */
export function lexBelowMax(member: string, range: LexRange): boolean {
  const cmp = compareLex(member, range.max);
  return range.max.exclusive ? cmp < 0 : cmp <= 0;
}

/** Whether no member can be in `range`, as Redis's `zslIsInLexRange` decides before looking. */
export function lexRangeEmpty(range: LexRange): boolean {
  const { min, max } = range;
  let cmp: number;
  if (min.infinity !== 0 || max.infinity !== 0) {
    // Two `-` (or two `+`) are the same shared string in Redis, hence equal.
    cmp = min.infinity === max.infinity ? 0 : min.infinity === -1 || max.infinity === 1 ? -1 : 1;
  } else cmp = min.value < max.value ? -1 : min.value > max.value ? 1 : 0;
  return cmp > 0 || (cmp === 0 && (min.exclusive || max.exclusive));
}

/** ZADD's NX: only add new members. */
export const ZADD_NX = 1;
/** ZADD's XX: only update existing members. */
export const ZADD_XX = 2;
/** ZADD's GT: only update when the new score is greater. */
export const ZADD_GT = 4;
/** ZADD's LT: only update when the new score is less. */
export const ZADD_LT = 8;
/** ZADD's INCR (and ZINCRBY): the score is an increment. */
export const ZADD_INCR = 16;

/**
 * What `add` did: added a member, updated its score, found the score already equal, did nothing
 * because a flag said so (`nop`), or refused a NaN result.
 */
export type AddOutcome = "added" | "updated" | "same" | "nop" | "nan";

/** A sorted set value. */
export class SortedSet extends RedisObject {
  override readonly type = "zset";
  private readonly scores = new Map<string, number>();
  private tree = new CountedBTree();
  /** Whether Redis would still hold this set as a listpack. */
  private listpack: boolean;
  /**
   * The score the last `add` computed (ZADD INCR's reply): the computed value, before a listpack
   * turns -0 into 0, as Redis replies with the value it computed.
   */
  addedScore = 0;

  /** An empty set; `listpack` false for one that starts as a skiplist. */
  constructor(listpack = true) {
    super();
    this.listpack = listpack;
  }

  /**
   * A set holding `scores`, encoded as Redis encodes the result of ZUNIONSTORE and friends (built
   * as a skiplist, then a listpack if small enough); `limits` null keeps it a skiplist.
   * O(n log n) for the sort, then a bottom-up build.
   */
  static fromScores(scores: Map<string, number>, limits: ZsetLimits | null): SortedSet {
    let listpack = false;
    if (limits !== null && scores.size <= limits["zset-max-listpack-entries"]) {
      const maxLength = limits["zset-max-listpack-value"];
      listpack = true;
      for (const member of scores.keys()) {
        if (member.length > maxLength) {
          listpack = false;
          break;
        }
      }
    }
    const set = new SortedSet(listpack);
    const members: string[] = [];
    const values: number[] = [];
    for (const [member, score] of scores) {
      // A listpack keeps scores as text, and "-0" reads back as the integer 0.
      const stored = listpack && score === 0 ? 0 : score;
      members.push(member);
      values.push(stored);
      set.scores.set(member, stored);
    }
    const order = members.map((_, i) => i);
    order.sort((a, b) => {
      const sa = values[a]!;
      const sb = values[b]!;
      if (sa !== sb) return sa < sb ? -1 : 1;
      const ma = members[a]!;
      const mb = members[b]!;
      return ma < mb ? -1 : ma > mb ? 1 : 0;
    });
    set.tree = CountedBTree.fromSorted(
      order.map((i) => values[i]!),
      order.map((i) => members[i]!),
    );
    return set;
  }

  /** Number of members. */
  get size(): number {
    return this.scores.size;
  }

  /** `listpack` or `skiplist`, as Redis 7.0 would report for the same history and config. */
  override encoding(): string {
    return this.listpack ? "listpack" : "skiplist";
  }

  /** Whether Redis would hold this set as a listpack (ZSCAN returns such a set in one go). */
  get isListpack(): boolean {
    return this.listpack;
  }

  /** Makes the set a skiplist for good (SORT converts a listpack before reading it, as Redis does). */
  convertToSkiplist(): void {
    this.listpack = false;
  }

  /** A deep copy with the same encoding (COPY). O(n). */
  override copy(): SortedSet {
    const copy = new SortedSet(this.listpack);
    const scores: number[] = [];
    const members: string[] = [];
    for (const cursor = this.tree.at(0); cursor.valid; cursor.next()) {
      scores.push(cursor.score);
      members.push(cursor.member);
      copy.scores.set(cursor.member, cursor.score);
    }
    copy.tree = CountedBTree.fromSorted(scores, members);
    return copy;
  }

  /** The score of `member`, or undefined. O(1). */
  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  /** Whether `member` is in the set. O(1). */
  has(member: string): boolean {
    return this.scores.has(member);
  }

  /**
   * Redis's `zsetAdd`: adds `member` or changes its score as the ZADD flags allow, converting
   * to skiplist first when a new member would pass a threshold. O(log n).
   */
  add(member: string, score: number, flags: number, limits: ZsetLimits): AddOutcome {
    if (score !== score) return "nan";
    const current = this.scores.get(member);
    if (current !== undefined) {
      if ((flags & ZADD_NX) !== 0) return "nop";
      if ((flags & ZADD_INCR) !== 0) {
        score += current;
        if (score !== score) return "nan";
      }
      if (((flags & ZADD_LT) !== 0 && score >= current) || ((flags & ZADD_GT) !== 0 && score <= current)) return "nop";
      this.addedScore = score;
      // -0 and 0 are equal: Redis leaves the stored one alone.
      if (score === current) return "same";
      const stored = this.listpack && score === 0 ? 0 : score;
      this.tree.delete(current, member);
      this.tree.insert(stored, member);
      this.scores.set(member, stored);
      return "updated";
    }
    if ((flags & ZADD_XX) !== 0) return "nop";
    if (this.listpack && (this.scores.size + 1 > limits["zset-max-listpack-entries"] || member.length > limits["zset-max-listpack-value"])) {
      this.listpack = false;
    }
    this.addedScore = score;
    const stored = this.listpack && score === 0 ? 0 : score;
    this.scores.set(member, stored);
    this.tree.insert(stored, member);
    return "added";
  }

  /** Removes `member`; returns whether it was there. O(log n). */
  remove(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.scores.delete(member);
    this.tree.delete(score, member);
    return true;
  }

  /** The 0-based rank of `member` (from the highest score when `reverse`), or undefined. O(log n). */
  rank(member: string, reverse: boolean): number | undefined {
    const score = this.scores.get(member);
    if (score === undefined) return undefined;
    const rank = this.tree.rank(score, member);
    return reverse ? this.scores.size - 1 - rank : rank;
  }

  /** A cursor on the element at 0-based `rank` (invalid when out of range). O(log n). */
  at(rank: number): TreeCursor {
    return this.tree.at(rank);
  }

  /** The rank of the first element whose score is >= `score` (the size when none is). O(log n). */
  firstAtOrAbove(score: number): number {
    return this.tree.countPrefix((s) => s < score);
  }

  /** The rank of the first element with a score in `range` (where it would be, if none is). O(log n). */
  scoreRangeStart(range: ScoreRange): number {
    return this.tree.countPrefix((s) => !scoreAboveMin(s, range));
  }

  /** The rank just past the last element with a score in `range`. O(log n). */
  scoreRangeEnd(range: ScoreRange): number {
    return this.tree.countPrefix((s) => scoreBelowMax(s, range));
  }

  /** How many elements have a score in `range`. O(log n). */
  countInScoreRange(range: ScoreRange): number {
    return Math.max(0, this.scoreRangeEnd(range) - this.scoreRangeStart(range));
  }

  /**
   * The rank of the lowest element with a member in `range`, or -1. Lex ranges assume equal
   * scores; when they are not, Redis's answer depends on the encoding, and so does this one: a
   * listpack is walked from the front (O(n), as small as Redis keeps listpacks), a skiplist
   * searched (O(log n)).
   */
  lexRangeFirst(range: LexRange): number {
    if (!this.mayHoldLexRange(range)) return -1;
    if (this.listpack) {
      let rank = 0;
      for (const cursor = this.tree.at(0); cursor.valid; cursor.next(), rank++) {
        if (lexAboveMin(cursor.member, range)) return lexBelowMax(cursor.member, range) ? rank : -1;
      }
      return -1;
    }
    const rank = this.tree.countPrefix((_, member) => !lexAboveMin(member, range));
    return rank < this.tree.length && lexBelowMax(this.tree.at(rank).member, range) ? rank : -1;
  }

  /** The rank of the highest element with a member in `range`, or -1 (see `lexRangeFirst`). */
  lexRangeLast(range: LexRange): number {
    if (!this.mayHoldLexRange(range)) return -1;
    if (this.listpack) {
      let rank = this.tree.length - 1;
      for (const cursor = this.tree.at(rank); cursor.valid; cursor.prev(), rank--) {
        if (lexBelowMax(cursor.member, range)) return lexAboveMin(cursor.member, range) ? rank : -1;
      }
      return -1;
    }
    const rank = this.tree.countPrefix((_, member) => lexBelowMax(member, range)) - 1;
    return rank >= 0 && lexAboveMin(this.tree.at(rank).member, range) ? rank : -1;
  }

  /** Redis's `zzlIsInLexRange`/`zslIsInLexRange`: the range is not empty and overlaps the first and last members. */
  private mayHoldLexRange(range: LexRange): boolean {
    const length = this.tree.length;
    return !lexRangeEmpty(range) && length > 0 && lexAboveMin(this.tree.at(length - 1).member, range) && lexBelowMax(this.tree.at(0).member, range);
  }

  /**
   * How many elements have a member in `range`, counted as Redis counts: a listpack by walking
   * from the first in range while in range, a skiplist by the ranks of the first and last.
   */
  countInLexRange(range: LexRange): number {
    const first = this.lexRangeFirst(range);
    if (first < 0) return 0;
    if (this.listpack) return this.lexRun(first, range);
    const last = this.lexRangeLast(range);
    return last < 0 ? this.tree.length - first : last - first + 1;
  }

  /** How many elements from rank `first` on have a member not past the end of `range`. O(m). */
  lexRun(first: number, range: LexRange): number {
    let count = 0;
    for (const cursor = this.tree.at(first); cursor.valid && lexBelowMax(cursor.member, range); cursor.next()) count++;
    return count;
  }

  /** Removes the elements of ranks `start`..`end` (inclusive, within bounds); returns how many. O(log n + m). */
  removeRanks(start: number, end: number): number {
    const count = end - start + 1;
    if (count <= 0) return 0;
    const scores = this.scores;
    this.tree.deleteRun(start, count, (member) => scores.delete(member));
    return count;
  }

  /** Removes the elements with a score in `range`; returns how many. O(log n + m). */
  removeRangeByScore(range: ScoreRange): number {
    return this.removeRanks(this.scoreRangeStart(range), this.scoreRangeEnd(range) - 1);
  }

  /**
   * Removes the elements with a member in `range`, as Redis does: from the first at or past the
   * range's start (a listpack: the first in range, walked to) while not past its end.
   */
  removeRangeByLex(range: LexRange): number {
    const first = this.listpack ? this.lexRangeFirst(range) : this.tree.countPrefix((_, member) => !lexAboveMin(member, range));
    if (first < 0) return 0;
    return this.removeRanks(first, first + this.lexRun(first, range) - 1);
  }

  /** A cursor on a uniformly random element; the set must not be empty. O(log n). */
  random(): TreeCursor {
    return this.tree.at(Math.floor(Math.random() * this.scores.size));
  }

  /** Every (member, score) in order (persistence, tests; commands walk cursors instead). */
  *entries(): IterableIterator<[string, number]> {
    for (const cursor = this.tree.at(0); cursor.valid; cursor.next()) yield [cursor.member, cursor.score];
  }
}
