/**
 * @module
 * How a search orders its matches, as Redis does: all of them with the C library's qsort (glibc's
 * is a stable merge sort, so a stable sort gives the same order), or, when COUNT keeps fewer than
 * were found, with Redis's `pqsort`, a Bentley-McIlroy quicksort that only sorts the partitions
 * overlapping the kept range. pqsort is not stable, so matches at equal distances come out in its
 * own order; to reply byte for byte as Redis does, it is reproduced here step for step.
 */

/** A three-way comparison, as C's qsort takes it. */
export type Compare<T> = (a: T, b: T) => number;

/**
 * A stable sort, for glibc's qsort (a merge sort): insertion for the few matches most searches
 * find, where Array.prototype.sort's setup costs more than the sort.
 */
export function stableSort<T>(items: T[], compare: Compare<T>): void {
  if (items.length > 16) {
    items.sort(compare);
    return;
  }
  for (let i = 1; i < items.length; i++) {
    const item = items[i]!;
    let j = i - 1;
    for (; j >= 0 && compare(items[j]!, item) > 0; j--) items[j + 1] = items[j]!;
    items[j + 1] = item;
  }
}

function swap<T>(items: T[], i: number, j: number): void {
  const held = items[i]!;
  items[i] = items[j]!;
  items[j] = held;
}

function swapRuns<T>(items: T[], i: number, j: number, count: number): void {
  for (let k = 0; k < count; k++) swap(items, i + k, j + k);
}

/** The index of the median of three, with the same comparisons as `med3`. */
function medianOfThree<T>(items: T[], a: number, b: number, c: number, compare: Compare<T>): number {
  const ia = items[a]!;
  const ib = items[b]!;
  const ic = items[c]!;
  return compare(ia, ib) < 0
    ? compare(ib, ic) < 0 ? b : compare(ia, ic) < 0 ? c : a
    : compare(ib, ic) > 0 ? b : compare(ia, ic) < 0 ? a : c;
}

/**
 * Redis's `pqsort(items, n, compare, left, right)`: afterwards the elements `left..right` are
 * those a full sort would put there, in order; the rest are partitioned but not sorted.
 */
export function partialSort<T>(items: T[], compare: Compare<T>, left: number, right: number): void {
  sortRange(items, 0, items.length, compare, left, right);
}

function sortRange<T>(items: T[], base: number, n: number, compare: Compare<T>, left: number, right: number): void {
  for (;;) {
    if (n < 7) {
      for (let m = base + 1; m < base + n; m++) {
        for (let l = m; l > base && compare(items[l - 1]!, items[l]!) > 0; l--) swap(items, l, l - 1);
      }
      return;
    }
    let m = base + Math.floor(n / 2);
    if (n > 7) {
      let l = base;
      let last = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        l = medianOfThree(items, l, l + d, l + 2 * d, compare);
        m = medianOfThree(items, m - d, m, m + d, compare);
        last = medianOfThree(items, last - 2 * d, last - d, last, compare);
      }
      m = medianOfThree(items, l, m, last, compare);
    }
    swap(items, base, m);
    let a = base + 1;
    let b = a;
    let c = base + n - 1;
    let d = c;
    for (;;) {
      let result: number;
      while (b <= c && (result = compare(items[b]!, items[base]!)) <= 0) {
        if (result === 0) swap(items, a++, b);
        b++;
      }
      while (b <= c && (result = compare(items[c]!, items[base]!)) >= 0) {
        if (result === 0) swap(items, c, d--);
        c--;
      }
      if (b > c) break;
      swap(items, b++, c--);
    }
    const end = base + n;
    let r = Math.min(a - base, b - a);
    swapRuns(items, base, b - r, r);
    r = Math.min(d - c, end - d - 1);
    swapRuns(items, b, end - r, r);
    r = b - a;
    if (r > 1 && overlaps(base, r, left, right)) sortRange(items, base, r, compare, left, right);
    r = d - c;
    if (r <= 1) return;
    // The second partition is iterated on rather than recursed into, as in the C code.
    base = end - r;
    n = r;
    if (!overlaps(base, n, left, right)) return;
  }
}

/** Whether the run of `count` elements from `start` holds any of `left..right`. */
function overlaps(start: number, count: number, left: number, right: number): boolean {
  const end = start + count;
  return !((left < start && right < start) || (left >= end && right >= end));
}
