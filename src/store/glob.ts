/**
 * @module
 * Redis's glob-style matcher (`stringmatchlen` in util.c), used by KEYS, SCAN MATCH and, later,
 * PSUBSCRIBE and CONFIG GET. It reproduces Redis's exact behaviour, quirks included, because
 * clients see them: `*`, `?`, `[abc]`, `[^abc]` (only `^` negates: `[!a]` is a class of `!` and
 * `a`), ranges `[a-z]` whose ends may come in either order and are compared as C's *signed* chars
 * (so `[a-\xff]` means -1..97), `\` escaping the next byte, an unclosed `[` closing at the end of the
 * pattern, an empty subject matched only by the empty pattern (KEYS and SCAN special-case a lone
 * `*` so that it lists the empty key), and Redis's guards against abusive patterns (at most 1000
 * nested stars; once the rest of the pattern failed to match anywhere after a star, longer matches
 * for earlier stars are not tried).
 * Subjects and patterns are byte strings (latin1).
 */

const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;
const BACKSLASH = 0x5c;

/** Redis gives up (no match) past this many nested stars. */
const MAX_NESTING = 1000;

/** Whether `subject` matches the glob `pattern`; `nocase` folds ASCII letters. */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  return new GlobMatcher(pattern, subject, nocase).matchFrom(0, 0, 0);
}

/** One match attempt: the inputs and the shared "no longer matches can help" flag. */
class GlobMatcher {
  /** Set when the pattern after some star matched nowhere in the rest of the subject. */
  private skipLongerMatches = false;

  constructor(
    private readonly pattern: string,
    private readonly subject: string,
    private readonly nocase: boolean,
  ) {}

  /** The pattern byte at `i`, or 0 past the end (C reads the string's terminating NUL there). */
  private patternAt(i: number): number {
    return i < this.pattern.length ? this.pattern.charCodeAt(i) : 0;
  }

  private fold(c: number): number {
    return this.nocase && c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
  }

  /** Matches pattern[p..] against subject[s..]. */
  matchFrom(p: number, s: number, nesting: number): boolean {
    if (nesting > MAX_NESTING) return false;
    const { pattern, subject } = this;
    const patternEnd = pattern.length;
    const subjectEnd = subject.length;
    while (p < patternEnd && s < subjectEnd) {
      const c = pattern.charCodeAt(p);
      if (c === STAR) {
        while (p + 1 < patternEnd && pattern.charCodeAt(p + 1) === STAR) p++;
        if (p + 1 === patternEnd) return true;
        for (; s < subjectEnd; s++) {
          if (this.matchFrom(p + 1, s, nesting + 1)) return true;
          if (this.skipLongerMatches) return false;
        }
        // The rest matched nowhere from here on, so no longer match for an earlier star can help.
        this.skipLongerMatches = true;
        return false;
      } else if (c === OPEN) {
        const end = this.matchClass(p + 1, subject.charCodeAt(s));
        if (end < 0) return false;
        p = end;
      } else if (c !== QUESTION) {
        if (c === BACKSLASH && patternEnd - p >= 2) p++;
        if (this.fold(pattern.charCodeAt(p)) !== this.fold(subject.charCodeAt(s))) return false;
      }
      s++;
      p++;
      if (s === subjectEnd) {
        while (this.patternAt(p) === STAR) p++;
        break;
      }
    }
    return p === patternEnd && s === subjectEnd;
  }

  /**
   * Matches one subject byte against the class starting at `p` (just after `[`). Returns the
   * index of the class's last byte (its `]`, or the pattern's last byte when unclosed), or -1
   * when the byte is not in the class.
   */
  private matchClass(p: number, byte: number): number {
    const { pattern } = this;
    const patternEnd = pattern.length;
    const negated = this.patternAt(p) === CARET;
    if (negated) p++;
    const target = this.fold(byte);
    let match = false;
    for (;; p++) {
      const c = this.patternAt(p);
      if (c === BACKSLASH && patternEnd - p >= 2) {
        p++;
        if (pattern.charCodeAt(p) === byte) match = true;
      } else if (c === CLOSE) {
        break;
      } else if (p >= patternEnd) {
        p--;
        break;
      } else if (patternEnd - p >= 3 && pattern.charCodeAt(p + 1) === DASH) {
        // C compares plain chars, which are signed on the platforms Redis runs on.
        let start = signedByte(this.fold(c));
        let end = signedByte(this.fold(pattern.charCodeAt(p + 2)));
        if (start > end) [start, end] = [end, start];
        const value = signedByte(target);
        if (value >= start && value <= end) match = true;
        p += 2;
      } else if (this.fold(c) === target) {
        match = true;
      }
    }
    return match !== negated ? p : -1;
  }
}

/** A byte as C's signed char. */
function signedByte(byte: number): number {
  return byte >= 0x80 ? byte - 0x100 : byte;
}
