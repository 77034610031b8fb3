/**
 * @module
 * SORT and SORT_RO (Redis's sort.c): the elements of a list, set or sorted set, sorted as numbers
 * or as byte strings, by themselves or by the values of other keys (`BY weight_*`, `BY h_*->f`),
 * a LIMIT window of them, each answered as itself or as the values of other keys (`GET #`,
 * `GET name_*`), to the client or into a list (STORE).
 *
 * What is visible from outside follows Redis exactly, including what falls out of its C:
 * - Patterns are C strings where Redis reads them with `strchr`/`strstr`: a NUL byte ends the
 *   search for `*` and `->`, and `#` followed by a NUL is `#`.
 * - Numbers are read with glibc's `strtod`: leading spaces, hex and `inf` are fine, the text may
 *   end at a NUL byte, an empty text is 0, and overflow, underflow (to zero or a subnormal) and
 *   NaN are errors.
 * - ALPHA compares with `strcoll` when replying (Redis runs in the C locale here: byte order, up
 *   to the first NUL byte) and with `memcmp` when storing (every byte).
 * - Ties the comparison leaves (ALPHA by equal or missing weights) stay in the order the
 *   elements were read, as glibc's stable merge sort leaves them; with BY and a LIMIT window
 *   Redis sorts only what the window needs with its own partial quicksort (pqsort.c), whose
 *   order of ties `partialSort` reproduces. Elements are read in list order, set order, and
 *   score order for a sorted set (Redis reads a sorted set's dict, whose order is its own).
 * - A sorted set is converted to a skiplist for good (OBJECT ENCODING shows it).
 */
import type { Value } from "../../store/keyspace.ts";
import { RedisHash } from "../../store/types/hash.ts";
import { List } from "../../store/types/list.ts";
import { RedisSet } from "../../store/types/set.ts";
import { SortedSet } from "../../store/types/sorted-set.ts";
import { stringContent } from "../../store/types/string.ts";
import { toInteger } from "../arguments.ts";
import { FIRST_KEY, type CommandContext, type CommandSpec } from "../command.ts";
import { ERR_NOT_INTEGER, ERR_SORT_SCORES, ERR_SYNTAX, ERR_WRONGTYPE, ReplyError } from "../errors.ts";
import { NOTIFY_GENERIC, NOTIFY_LIST } from "../notifications.ts";

/** SORT's options as the parser leaves them. */
interface SortOptions {
  desc: boolean;
  alpha: boolean;
  /** LIMIT offset and count as given (count -1: to the end). */
  offset: number;
  count: number;
  store: string | undefined;
  /** The last BY pattern. */
  by: string | undefined;
  /** Some BY pattern had no `*` (BY nosort): nothing is sorted; sticky, as in Redis. */
  dontSort: boolean;
  /** GET patterns, in order. */
  gets: string[];
}

/** Whether `text` is `word` (lower case) in any case. */
function isOption(text: string, word: string): boolean {
  return text.length === word.length && text.toLowerCase() === word;
}

/** The text up to its first NUL byte: what C string functions see. */
function cString(text: string): string {
  const nul = text.indexOf("\0");
  return nul < 0 ? text : text.slice(0, nul);
}

/** A LIMIT argument: Redis's `getLongFromObjectOrReply`. */
function limitArgument(text: string): number {
  const value = toInteger(text);
  if (value === undefined) throw new ReplyError(ERR_NOT_INTEGER);
  return value;
}

/** Reads the options after the key; the first bad one is the error. SORT_RO knows no STORE. */
function parseOptions(args: readonly string[], readonly: boolean): SortOptions {
  const options: SortOptions = { desc: false, alpha: false, offset: 0, count: -1, store: undefined, by: undefined, dontSort: false, gets: [] };
  for (let i = 2; i < args.length; i++) {
    const arg = args[i]!;
    const left = args.length - i - 1;
    if (isOption(arg, "asc")) options.desc = false;
    else if (isOption(arg, "desc")) options.desc = true;
    else if (isOption(arg, "alpha")) options.alpha = true;
    else if (isOption(arg, "limit") && left >= 2) {
      options.offset = limitArgument(args[i + 1]!);
      options.count = limitArgument(args[i + 2]!);
      i += 2;
    } else if (!readonly && isOption(arg, "store") && left >= 1) {
      options.store = args[++i]!;
    } else if (isOption(arg, "by") && left >= 1) {
      options.by = args[++i]!;
      if (!cString(options.by).includes("*")) options.dontSort = true;
    } else if (isOption(arg, "get") && left >= 1) {
      options.gets.push(args[++i]!);
    } else throw new ReplyError(ERR_SYNTAX);
  }
  return options;
}

/** Redis's `lookupKeyRead`: counts a keyspace hit or miss. */
function readKey(ctx: CommandContext, key: string): Value | undefined {
  // The server's read lookup: counted, and a miss is announced (`keymiss`) when notifications ask for it.
  return ctx.server.lookupRead(ctx.db, key);
}

/**
 * Redis's `lookupKeyByPattern`: `#` is the element itself; otherwise the first `*` is replaced by
 * the element and the key's string value is read, or with `->field` after the `*` that field of
 * the hash at the key. Undefined when there is no `*`, no such key, or a key of another type.
 */
function lookupByPattern(ctx: CommandContext, pattern: string, element: string): string | undefined {
  if (pattern.charCodeAt(0) === 35 && (pattern.length === 1 || pattern.charCodeAt(1) === 0)) return element;
  const cLength = cString(pattern).length;
  const star = pattern.indexOf("*");
  if (star < 0 || star >= cLength) return undefined;
  const arrow = pattern.indexOf("->", star + 1);
  // strstr finds "->" only before the NUL, and a field needs a byte after it that is not NUL.
  const hasField = arrow >= 0 && arrow + 2 < cLength;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const value = readKey(ctx, key);
  if (value === undefined) return undefined;
  if (hasField) return value instanceof RedisHash ? value.get(pattern.slice(arrow + 2)) : undefined;
  return stringContent(value);
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** Whether `text` has `word` (lower case) at `at`, in any case. */
function hasWord(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) if ((text.charCodeAt(at + i) | 0x20) !== word.charCodeAt(i)) return false;
  return true;
}

/** The smallest positive normal double: below it glibc's strtod reports ERANGE (unless exact). */
const MIN_NORMAL = 2.2250738585072014e-308;

/** What a number read as `strtod` does leaves: its value, where it stopped, and whether ERANGE. */
interface Parsed {
  value: number;
  end: number;
  outOfRange: boolean;
}

/**
 * A hex float's digits after `0x` (`1.8p3`), correctly rounded; undefined when no hex digit
 * follows (strtod then reads just the `0`). A subnormal result is out of range unless exact.
 */
function hexFloat(text: string, from: number): Parsed | undefined {
  let i = from;
  let mantissa = 0n;
  let digits = 0;
  let fraction = 0;
  for (; hexDigit(text.charCodeAt(i)) >= 0; i++, digits++) mantissa = mantissa * 16n + BigInt(hexDigit(text.charCodeAt(i)));
  if (text.charCodeAt(i) === 46) {
    for (i++; hexDigit(text.charCodeAt(i)) >= 0; i++, digits++, fraction++) mantissa = mantissa * 16n + BigInt(hexDigit(text.charCodeAt(i)));
  }
  if (digits === 0) return undefined;
  let exponent = 0;
  if ((text.charCodeAt(i) | 0x20) === 112) {
    let j = i + 1;
    const negative = text.charCodeAt(j) === 45;
    if (negative || text.charCodeAt(j) === 43) j++;
    if (isDigit(text.charCodeAt(j))) {
      let value = 0;
      for (; isDigit(text.charCodeAt(j)); j++) value = Math.min(value * 10 + text.charCodeAt(j) - 48, 1e6);
      exponent = negative ? -value : value;
      i = j;
    }
  }
  exponent -= 4 * fraction;
  if (mantissa === 0n) return { value: 0, end: i, outOfRange: false };
  while ((mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    exponent++;
  }
  const bits = mantissa.toString(2).length;
  // Exact when the lowest set bit is no finer than the smallest subnormal and 53 bits hold it all.
  const exact = exponent >= -1074 && bits <= 53;
  if (bits > 64) {
    // 64 significant bits and a sticky bit make the one rounding to double correct.
    const shift = bits - 64;
    const sticky = (mantissa & ((1n << BigInt(shift)) - 1n)) !== 0n;
    mantissa = (mantissa >> BigInt(shift)) | (sticky ? 1n : 0n);
    exponent += shift;
  }
  let value = Number(mantissa);
  // In steps, so that no power of two overflows or underflows on its own.
  while (exponent > 0 && value !== Infinity) {
    const step = Math.min(exponent, 1000);
    value *= 2 ** step;
    exponent -= step;
  }
  while (exponent < 0 && value !== 0) {
    const step = Math.max(exponent, -1000);
    value *= 2 ** step;
    exponent -= step;
  }
  return { value, end: i, outOfRange: value === Infinity || (value < MIN_NORMAL && !exact) };
}

/** glibc's strtod from `start` (after the sign) to where the number stops; end 0 when none. */
function strtodMagnitude(text: string, start: number): Parsed {
  let i = start;
  if (hasWord(text, i, "inf")) return { value: Infinity, end: hasWord(text, i + 3, "inity") ? i + 8 : i + 3, outOfRange: false };
  if (hasWord(text, i, "nan")) return { value: NaN, end: i + 3, outOfRange: false };
  if (text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) | 0x20) === 120) {
    const hex = hexFloat(text, i + 2);
    if (hex !== undefined) return hex;
  }
  let digits = 0;
  let nonZero = false;
  for (; isDigit(text.charCodeAt(i)); i++, digits++) if (text.charCodeAt(i) !== 48) nonZero = true;
  if (text.charCodeAt(i) === 46) {
    for (i++; isDigit(text.charCodeAt(i)); i++, digits++) if (text.charCodeAt(i) !== 48) nonZero = true;
  }
  if (digits === 0) return { value: 0, end: 0, outOfRange: false };
  if ((text.charCodeAt(i) | 0x20) === 101) {
    let j = i + 1;
    if (text.charCodeAt(j) === 43 || text.charCodeAt(j) === 45) j++;
    if (isDigit(text.charCodeAt(j))) {
      while (isDigit(text.charCodeAt(j))) j++;
      i = j;
    }
  }
  const value = Number(text.slice(start, i));
  // A decimal subnormal is never exact in the digits anyone writes: glibc flags it as underflow.
  return { value, end: i, outOfRange: value === Infinity || (nonZero && value < MIN_NORMAL) };
}

/**
 * The score SORT reads from `text` (Redis: `strtod`, then the rest must be empty or start with a
 * NUL byte, no ERANGE, no NaN); undefined when it "can't be converted into double".
 */
export function sortScore(text: string): number | undefined {
  const length = text.length;
  // The common case, a short decimal integer, without the general reader.
  if (length > 0 && length <= 15) {
    const negative = text.charCodeAt(0) === 45;
    let i = negative ? 1 : 0;
    let value = 0;
    for (; i < length && isDigit(text.charCodeAt(i)); i++) value = value * 10 + text.charCodeAt(i) - 48;
    if (i === length && length > (negative ? 1 : 0)) return negative ? -value : value;
  }
  let i = 0;
  while (isSpace(text.charCodeAt(i))) i++;
  const negative = text.charCodeAt(i) === 45;
  if (negative || text.charCodeAt(i) === 43) i++;
  const parsed = strtodMagnitude(text, i);
  if (parsed.end !== length && text.charCodeAt(parsed.end) !== 0) return undefined;
  if (parsed.outOfRange || parsed.value !== parsed.value) return undefined;
  return negative ? -parsed.value : parsed.value;
}

/** One element being sorted, with what it is compared by. */
interface SortItem {
  readonly element: string;
  /** Numeric sorting: the weight (0 when the BY key is missing). */
  score: number;
  /** ALPHA: the text compared (the weight with BY, undefined when missing; else the element). */
  text: string | undefined;
}

type Compare = (a: SortItem, b: SortItem) => number;

/** Byte order, shorter first on a common prefix (memcmp, then the lengths). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Redis's `sortCompare` for these options. */
function comparator(alpha: boolean, byPattern: boolean, desc: boolean): Compare {
  let compare: Compare;
  if (!alpha) {
    // Equal weights fall back to the elements' bytes, so numeric results are deterministic.
    compare = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.element, b.element));
  } else if (byPattern) {
    // A missing weight sorts first.
    compare = (a, b) => {
      if (a.text === undefined || b.text === undefined) return a.text === b.text ? 0 : a.text === undefined ? -1 : 1;
      return compareBytes(a.text, b.text);
    };
  } else compare = (a, b) => compareBytes(a.text!, b.text!);
  return desc ? (a, b) => -compare(a, b) : compare;
}

/**
 * Redis's pqsort.c: Bentley and McIlroy's quicksort (as NetBSD's qsort), which leaves out the
 * partitions wholly outside positions `left..right`. Reimplemented step for step because the
 * order it leaves ties in, and so which tied elements land in a LIMIT window, is visible.
 */
export function partialSort<T>(items: T[], compare: (a: T, b: T) => number, left: number, right: number): void {
  quicksort(items, 0, items.length, compare, left, right);
}

function swap<T>(items: T[], i: number, j: number): void {
  const t = items[i]!;
  items[i] = items[j]!;
  items[j] = t;
}

/** Swaps the `n` items from `i` with the `n` from `j`, pairwise in order. */
function swapRuns<T>(items: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(items, i + k, j + k);
}

function insertionSort<T>(items: T[], base: number, n: number, compare: (a: T, b: T) => number): void {
  for (let m = base + 1; m < base + n; m++) {
    for (let l = m; l > base && compare(items[l - 1]!, items[l]!) > 0; l--) swap(items, l, l - 1);
  }
}

function median3<T>(items: T[], a: number, b: number, c: number, compare: (a: T, b: T) => number): number {
  const [x, y, z] = [items[a]!, items[b]!, items[c]!];
  if (compare(x, y) < 0) return compare(y, z) < 0 ? b : compare(x, z) < 0 ? c : a;
  return compare(y, z) > 0 ? b : compare(x, z) < 0 ? a : c;
}

/** Whether the partition `lo..hi` holds none of the wanted positions `left..right`. */
function outside(lo: number, hi: number, left: number, right: number): boolean {
  return (left < lo && right < lo) || (left > hi && right > hi);
}

function quicksort<T>(items: T[], base: number, n: number, compare: (a: T, b: T) => number, left: number, right: number): void {
  for (;;) {
    if (n < 7) return insertionSort(items, base, n, compare);
    let pm = base + Math.floor(n / 2);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = median3(items, pl, pl + d, pl + 2 * d, compare);
        pm = median3(items, pm - d, pm, pm + d, compare);
        pn = median3(items, pn - 2 * d, pn - d, pn, compare);
      }
      pm = median3(items, pl, pm, pn, compare);
    }
    swap(items, base, pm);
    let swapped = false;
    let pa = base + 1;
    let pb = pa;
    let pc = base + n - 1;
    let pd = pc;
    for (;;) {
      let result: number;
      while (pb <= pc && (result = compare(items[pb]!, items[base]!)) <= 0) {
        if (result === 0) {
          swapped = true;
          swap(items, pa++, pb);
        }
        pb++;
      }
      while (pb <= pc && (result = compare(items[pc]!, items[base]!)) >= 0) {
        if (result === 0) {
          swapped = true;
          swap(items, pc, pd--);
        }
        pc--;
      }
      if (pb > pc) break;
      swap(items, pb++, pc--);
      swapped = true;
    }
    // No swap at all: the run looks sorted, and insertion sort finishes it cheaply.
    if (!swapped) return insertionSort(items, base, n, compare);
    const end = base + n;
    let r = Math.min(pa - base, pb - pa);
    swapRuns(items, base, pb - r, r);
    r = Math.min(pd - pc, end - pd - 1);
    swapRuns(items, pb, end - r, r);
    r = pb - pa;
    if (r > 1 && !outside(base, base + r - 1, left, right)) quicksort(items, base, r, compare, left, right);
    r = pd - pc;
    if (r <= 1) return;
    base = end - r;
    n = r;
    if (outside(base, base + r - 1, left, right)) return;
  }
}

/** The elements of a list or sorted set from position `start` to `end`, from the end when `desc`. */
function elementRange(value: List | SortedSet, start: number, end: number, desc: boolean): string[] {
  const out: string[] = [];
  if (end < start) return out;
  const size = value instanceof List ? value.length : value.size;
  const first = desc ? size - 1 - start : start;
  if (value instanceof List) {
    for (let i = 0; i <= end - start; i++) out.push(value.at(desc ? first - i : first + i));
  } else {
    const cursor = value.at(first);
    for (let i = 0; i <= end - start && cursor.valid; i++) {
      out.push(cursor.member);
      cursor.step(desc);
    }
  }
  return out;
}

/** Every element, in the order SORT reads them before sorting. */
function allElements(value: List | RedisSet | SortedSet | undefined): string[] {
  if (value === undefined) return [];
  if (value instanceof List) return value.toArray();
  if (value instanceof SortedSet) return elementRange(value, 0, value.size - 1, false);
  const out = new Array<string>(value.size);
  for (let i = 0; i < value.size; i++) out[i] = value.at(i);
  return out;
}

/** The value to sort: a list, set or sorted set, or undefined for a missing key; else WRONGTYPE. */
function sortable(value: Value | undefined): List | RedisSet | SortedSet | undefined {
  if (value === undefined || value instanceof List || value instanceof RedisSet || value instanceof SortedSet) return value;
  throw new ReplyError(ERR_WRONGTYPE);
}

/** The LIMIT window `[start, end]` over `length` elements, clamped as Redis clamps it (empty when end < start). */
function limitWindow(length: number, offset: number, count: number): { start: number; end: number } {
  let start = Math.min(Math.max(offset, 0), length);
  count = Math.min(Math.max(count, -1), length);
  let end = count < 0 ? length - 1 : start + count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;
  return { start, end };
}

/**
 * Gives each item what it is compared by: its weight (the element, or what `by` finds) as a
 * number, or with `alpha` as text. Returns false when some weight is not a number.
 */
function weigh(ctx: CommandContext, items: SortItem[], by: string | undefined, alpha: boolean, storing: boolean): boolean {
  let convertible = true;
  for (const item of items) {
    const weight = by === undefined ? item.element : lookupByPattern(ctx, by, item.element);
    if (weight === undefined) continue;
    if (alpha) {
      // strcoll (replying) stops at a NUL byte; memcmp (storing) does not.
      item.text = storing ? weight : cString(weight);
    } else {
      const score = sortScore(weight);
      if (score === undefined) convertible = false;
      else item.score = score;
    }
  }
  return convertible;
}

/** The window's elements, or for each the values of the GET patterns (null when missing). */
function replyWindow(ctx: CommandContext, items: readonly SortItem[], start: number, end: number, gets: readonly string[], outputLength: number): void {
  const reply = ctx.reply;
  reply.array(outputLength);
  for (let j = start; j <= end; j++) {
    const element = items[j]!.element;
    if (gets.length === 0) reply.bulk(element);
    for (const pattern of gets) {
      const got = lookupByPattern(ctx, pattern, element);
      if (got === undefined) reply.null();
      else reply.bulk(got);
    }
  }
}

/** STORE: the window (or its GET values, "" when missing) becomes a list at `destination`; an empty one deletes it. */
function storeWindow(ctx: CommandContext, items: readonly SortItem[], start: number, end: number, gets: readonly string[], destination: string): void {
  const result: string[] = [];
  for (let j = start; j <= end; j++) {
    const element = items[j]!.element;
    if (gets.length === 0) result.push(element);
    for (const pattern of gets) result.push(lookupByPattern(ctx, pattern, element) ?? "");
  }
  if (result.length > 0) {
    ctx.db.set(destination, new List(result));
    ctx.db.keyChanged(destination, "sortstore", NOTIFY_LIST);
  } else if (ctx.db.delete(destination)) ctx.db.keyChanged(destination, "del", NOTIFY_GENERIC);
  ctx.reply.integer(result.length);
}

/** SORT and SORT_RO's body (Redis's `sortCommandGeneric`). */
function sort(ctx: CommandContext, args: string[], readonly: boolean): void {
  const options = parseOptions(args, readonly);
  const value = sortable(readKey(ctx, args[1]!));
  let { alpha, by, dontSort } = options;
  const { desc, store, gets } = options;
  // An unsorted set would be stored in its hash order: Redis sorts it ALPHA instead.
  if (dontSort && value instanceof RedisSet && store !== undefined) {
    dontSort = false;
    alpha = true;
    by = undefined;
  }
  if (value instanceof SortedSet) value.convertToSkiplist();
  const length = value === undefined ? 0 : value instanceof List ? value.length : value.size;
  let { start, end } = limitWindow(length, options.offset, options.count);

  let items: SortItem[];
  if (dontSort && (value instanceof List || value instanceof SortedSet)) {
    // Their own order, read from the window only (DESC reads from the other end).
    items = elementRange(value, start, end, desc).map((element) => ({ element, score: 0, text: undefined }));
    end -= start;
    start = 0;
  } else {
    items = allElements(value).map((element) => ({ element, score: 0, text: undefined }));
  }
  if (!dontSort) {
    const convertible = weigh(ctx, items, by, alpha, store !== undefined);
    const compare = comparator(alpha, by !== undefined, desc);
    // Redis sorts only what the window needs when weights come from other keys.
    if (by !== undefined && (start !== 0 || end !== items.length - 1)) partialSort(items, compare, start, end);
    else items.sort(compare);
    if (!convertible) throw new ReplyError(ERR_SORT_SCORES);
  }

  if (store !== undefined) return storeWindow(ctx, items, start, end, gets, store);
  const selected = Math.max(0, end - start + 1);
  replyWindow(ctx, items, start, end, gets, gets.length > 0 ? gets.length * selected : selected);
}

/**
 * SORT's keys (Redis's `sortGetKeys`): the sorted key, and the destination of the last STORE.
 * Options are skipped with their arguments (LIMIT 2, GET and BY 1) to find STORE, but the word
 * after STORE is looked at again as an option, as Redis does.
 */
function sortKeys(args: readonly string[]): number[] {
  let store = 0;
  for (let i = 2; i < args.length; i++) {
    const arg = args[i]!.toLowerCase();
    if (arg === "limit") i += 2;
    else if (arg === "get" || arg === "by") i += 1;
    else if (arg === "store" && i + 1 < args.length) store = i + 1;
  }
  return store === 0 ? [1] : [1, store];
}

/**
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] [ALPHA]
 * [STORE destination] — O(N + M log M): N elements read, M sorted. The sorted window, or with
 * STORE its length (the destination becomes a list of it, or is deleted when it is empty).
 */
export const SORT = {
  name: "sort",
  arity: -2,
  flags: ["write", "denyoom", "movablekeys"],
  keys: FIRST_KEY,
  categories: ["write", "set", "sortedset", "list", "slow", "dangerous"],
  keyIndexes: sortKeys,
  run(ctx, args) {
    sort(ctx, args, false);
  },
} satisfies CommandSpec;

/** SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] — O(N + M log M). SORT without STORE. */
export const SORT_RO = {
  name: "sort_ro",
  arity: -2,
  flags: ["readonly", "movablekeys"],
  keys: FIRST_KEY,
  categories: ["read", "set", "sortedset", "list", "slow", "dangerous"],
  // Redis's sortROGetKeys: only the sorted key (BY/GET patterns name keys no one can list).
  keyIndexes: () => [1],
  run(ctx, args) {
    sort(ctx, args, true);
  },
} satisfies CommandSpec;

/** The SORT commands. */
export const SORT_COMMANDS: CommandSpec[] = [SORT, SORT_RO];
